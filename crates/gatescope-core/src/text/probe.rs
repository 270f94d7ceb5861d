//! What the UI needs to look for meaning in the units (LSTMVis-style): a quote mask, the
//! point-biserial correlation of a unit with a mask, units ranked by a selected span, and a
//! 2-D principal-component view of the embedding. All statistics run in f64.

use std::ops::Range;

use ndarray::ArrayView2;

/// `mask[t]` is true when, after reading character `t` of `text`, the reader is inside a
/// `"…"` string literal: the opening quote is inside, the closing one outside (the state
/// `h_t` has read the character at `t`). A backslash inside a string escapes the next
/// character, so `\"` does not close it. One entry per character (not byte).
pub fn quote_mask(text: &str) -> Vec<bool> {
    let (mut inside, mut escaped) = (false, false);
    text.chars()
        .map(|c| {
            if !inside {
                inside = c == '"';
            } else if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                inside = false;
            }
            inside
        })
        .collect()
}

/// The point-biserial correlation of `values` with the binary `mask` (Pearson's r between
/// the values and the 0/1 mask):
///
/// ```text
/// r = (M₁ − M₀) / s · √(n₁ n₀ / n²)
/// ```
///
/// `M₁`, `M₀` the means where the mask is true / false, `n₁`, `n₀` their counts, `s` the
/// population standard deviation of all `n` values. `None` when the lengths differ, one
/// group is empty, a value is not finite, or every value is equal (`s = 0`).
pub fn point_biserial(values: &[f32], mask: &[bool]) -> Option<f64> {
    if values.len() != mask.len() || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let n = values.len() as f64;
    let (mut s1, mut n1, mut sum) = (0.0f64, 0usize, 0.0f64);
    for (&v, &m) in values.iter().zip(mask) {
        sum += v as f64;
        if m {
            s1 += v as f64;
            n1 += 1;
        }
    }
    let n0 = values.len() - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let mean = sum / n;
    let var = values
        .iter()
        .map(|&v| (v as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    if var <= 0.0 {
        return None;
    }
    let (m1, m0) = (s1 / n1 as f64, (sum - s1) / n0 as f64);
    Some((m1 - m0) / var.sqrt() * ((n1 as f64 * n0 as f64) / (n * n)).sqrt())
}

/// For every unit (column) of `states` (`[T, H]`, e.g. a trace's `h`), the point-biserial
/// r with `mask`; `None` where it is undefined (see [`point_biserial`]).
pub fn unit_correlations(states: ArrayView2<'_, f32>, mask: &[bool]) -> Vec<Option<f64>> {
    states
        .columns()
        .into_iter()
        .map(|col| point_biserial(&col.to_vec(), mask))
        .collect()
}

/// The unit with the largest `|r|` against `mask` and its r (the lowest unit among equals);
/// `None` if no unit has a defined r.
pub fn best_unit(states: ArrayView2<'_, f32>, mask: &[bool]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (unit, r) in unit_correlations(states, mask).into_iter().enumerate() {
        if let Some(r) = r {
            if best.is_none_or(|(_, b)| r.abs() > b.abs()) {
                best = Some((unit, r));
            }
        }
    }
    best
}

/// One unit's score for a selection (see [`rank_units`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitScore {
    /// The unit (column), from 0.
    pub unit: usize,
    /// `(μ_in − μ_out) / σ`: positive for a unit higher inside the selection.
    pub score: f64,
}

/// Ranks the units of `states` (`[T, H]`) by how differently they behave on the selected
/// steps `span` (e.g. the characters the user dragged over) than on the rest:
///
/// ```text
/// score_j = (μ_in,j − μ_out,j) / σ_j
/// ```
///
/// `μ_in,j` / `μ_out,j` the mean of unit `j` over the steps inside / outside `span`, `σ_j`
/// its population standard deviation over all `T` steps (a unit that never changes scores
/// 0). Sorted by `|score|` descending (units low inside rank as high as units high inside),
/// then by unit. Empty when `span` is empty, reaches past `T`, or covers every step.
pub fn rank_units(states: ArrayView2<'_, f32>, span: Range<usize>) -> Vec<UnitScore> {
    let t = states.nrows();
    if span.start >= span.end || span.end > t || span.end - span.start == t {
        return Vec::new();
    }
    let (n_in, n_out) = ((span.end - span.start) as f64, (t - span.len()) as f64);
    let mut out: Vec<UnitScore> = states
        .columns()
        .into_iter()
        .enumerate()
        .map(|(unit, col)| {
            let (mut s_in, mut s_all) = (0.0f64, 0.0f64);
            for (k, &v) in col.iter().enumerate() {
                s_all += v as f64;
                if span.contains(&k) {
                    s_in += v as f64;
                }
            }
            let mean = s_all / t as f64;
            let var = col.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / t as f64;
            let diff = s_in / n_in - (s_all - s_in) / n_out;
            let score = if var > 0.0 && diff.is_finite() {
                diff / var.sqrt()
            } else {
                0.0
            };
            UnitScore { unit, score }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .abs()
            .total_cmp(&a.score.abs())
            .then(a.unit.cmp(&b.unit))
    });
    out
}

/// The two principal components of a set of rows (the embedding `[V, E]`, `E ≥ 2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pca2 {
    /// The mean row, `[E]`.
    pub mean: Vec<f64>,
    /// The unit eigenvectors of the covariance with the two largest eigenvalues, largest
    /// first, each `[E]`, signed so that its entry of largest magnitude is positive.
    pub components: [Vec<f64>; 2],
    /// Their eigenvalues: the variance along each component.
    pub variances: [f64; 2],
    /// The trace of the covariance (total variance), for "explained" fractions.
    pub total_variance: f64,
    /// Every row's coordinates `((x − mean)·c₁, (x − mean)·c₂)`, `[V]`.
    pub points: Vec<[f64; 2]>,
}

/// PCA of `rows` (`[V, E]`) onto two dimensions. The covariance is the population one,
/// `C = (1/V) Σ_v (x_v − x̄)(x_v − x̄)ᵀ` (`E × E`, f64), diagonalised by cyclic Jacobi
/// rotations (exact for symmetric matrices, whatever the spacing of the eigenvalues).
/// `None` when `E < 2`, there are no rows, or a value is not finite.
pub fn pca_2d(rows: ArrayView2<'_, f32>) -> Option<Pca2> {
    let (v, e) = rows.dim();
    if v == 0 || e < 2 || rows.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut mean = vec![0.0f64; e];
    for row in rows.rows() {
        for (m, &x) in mean.iter_mut().zip(row) {
            *m += x as f64 / v as f64;
        }
    }
    let mut cov = vec![vec![0.0f64; e]; e];
    for row in rows.rows() {
        let d: Vec<f64> = row.iter().zip(&mean).map(|(&x, m)| x as f64 - m).collect();
        for (i, ci) in cov.iter_mut().enumerate() {
            for (j, c) in ci.iter_mut().enumerate() {
                *c += d[i] * d[j] / v as f64;
            }
        }
    }
    let total_variance = (0..e).map(|i| cov[i][i]).sum();
    let (values, vectors) = jacobi_eigen(cov);
    let mut order: Vec<usize> = (0..e).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let component = |k: usize| {
        let mut c: Vec<f64> = (0..e).map(|i| vectors[i][order[k]]).collect();
        let big = c
            .iter()
            .fold(0.0f64, |a, &x| if x.abs() > a.abs() { x } else { a });
        if big < 0.0 {
            c.iter_mut().for_each(|x| *x = -*x);
        }
        c
    };
    let components = [component(0), component(1)];
    let points = rows
        .rows()
        .into_iter()
        .map(|row| {
            let dot = |c: &[f64]| -> f64 {
                row.iter()
                    .zip(&mean)
                    .zip(c)
                    .map(|((&x, m), c)| (x as f64 - m) * c)
                    .sum()
            };
            [dot(&components[0]), dot(&components[1])]
        })
        .collect();
    Some(Pca2 {
        mean,
        variances: [values[order[0]], values[order[1]]],
        components,
        total_variance,
        points,
    })
}

/// Eigenvalues and eigenvectors (columns of the second result) of a symmetric matrix, by
/// cyclic Jacobi rotations until the off-diagonal mass is negligible (or 100 sweeps).
fn jacobi_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    let norm: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-30 * norm.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.2).
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
                let (upper, lower) = a.split_at_mut(q);
                for (x, y) in upper[p].iter_mut().zip(lower[0].iter_mut()) {
                    (*x, *y) = (c * *x - s * *y, s * *x + c * *y);
                }
                for row in v.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}
