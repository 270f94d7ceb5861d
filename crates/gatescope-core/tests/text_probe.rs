//! Text mode's probes: the quote mask by hand, the point-biserial r against Pearson's r
//! computed directly, unit ranking against its formula, and the 2-D PCA against a float64
//! re-computation by power iteration with deflation.
// Index loops mirror the formulas' subscripts.
#![allow(clippy::needless_range_loop)]

use gatescope_core::rng::SplitMix64;
use gatescope_core::text::probe::{
    best_unit, pca_2d, point_biserial, quote_mask, rank_units, unit_correlations,
};
use ndarray::{Array2, ArrayView2};

#[test]
fn quote_mask_marks_the_state_after_each_character() {
    let m = quote_mask(r#"a("b c", "\"d") e"#);
    let want = "00111100011110000";
    let got: String = m.iter().map(|&b| if b { '1' } else { '0' }).collect();
    assert_eq!(got, want);
    assert_eq!(quote_mask("中\"文\"").len(), 4);
    assert_eq!(quote_mask(""), Vec::<bool>::new());
}

/// Pearson's r of x with the 0/1 mask, straight from its definition.
fn pearson(x: &[f32], m: &[bool]) -> f64 {
    let n = x.len() as f64;
    let y: Vec<f64> = m.iter().map(|&b| f64::from(u8::from(b))).collect();
    let mx = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let cov: f64 = x
        .iter()
        .zip(&y)
        .map(|(&a, b)| (a as f64 - mx) * (b - my))
        .sum();
    let vx: f64 = x.iter().map(|&a| (a as f64 - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn point_biserial_is_pearsons_r_with_the_mask() {
    let mut rng = SplitMix64::new(4);
    for _ in 0..20 {
        let x: Vec<f32> = (0..50).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let m: Vec<bool> = (0..50).map(|_| rng.next_u64().is_multiple_of(3)).collect();
        let r = point_biserial(&x, &m).unwrap();
        assert!((r - pearson(&x, &m)).abs() < 1e-12, "{r}");
    }
    // A perfect separator: r = ±1.
    let m = [true, true, false, false];
    assert!((point_biserial(&[0.9, 0.9, -0.2, -0.2], &m).unwrap() - 1.0).abs() < 1e-12);
    assert!((point_biserial(&[-1.0, -1.0, 3.0, 3.0], &m).unwrap() + 1.0).abs() < 1e-12);
    // Undefined cases.
    assert_eq!(point_biserial(&[1.0, 1.0, 1.0, 1.0], &m), None);
    assert_eq!(point_biserial(&[1.0, 2.0], &[true, true]), None);
    assert_eq!(point_biserial(&[1.0, 2.0], &[true]), None);
    assert_eq!(point_biserial(&[1.0, f32::NAN], &[true, false]), None);
    let states = Array2::from_shape_vec(
        (4, 3),
        vec![
            0.1, 0.9, 5.0, //
            0.2, 0.8, 5.0, //
            0.3, -0.5, 5.0, //
            0.1, -0.4, 5.0,
        ],
    )
    .unwrap();
    let rs = unit_correlations(states.view(), &m);
    assert_eq!(rs[2], None);
    assert_eq!(best_unit(states.view(), &m).unwrap().0, 1);
}

#[test]
fn units_rank_by_the_normalised_difference_inside_the_span() {
    let mut rng = SplitMix64::new(8);
    let s = Array2::from_shape_simple_fn((30, 5), || rng.uniform(-1.0, 1.0));
    let span = 10..17;
    let ranked = rank_units(s.view(), span.clone());
    assert_eq!(ranked.len(), 5);
    for u in &ranked {
        let col: Vec<f64> = s.column(u.unit).iter().map(|&v| v as f64).collect();
        let mean = col.iter().sum::<f64>() / 30.0;
        let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 30.0).sqrt();
        let inside = col[10..17].iter().sum::<f64>() / 7.0;
        let outside = (col[..10].iter().sum::<f64>() + col[17..].iter().sum::<f64>()) / 23.0;
        assert!((u.score - (inside - outside) / sd).abs() < 1e-12);
    }
    assert!(ranked
        .windows(2)
        .all(|w| w[0].score.abs() >= w[1].score.abs()));
    // A unit that is 1 exactly on the span ranks first, positive.
    let mut t = s.clone();
    t.column_mut(3).fill(0.0);
    t.column_mut(3).slice_mut(ndarray::s![10..17]).fill(1.0);
    assert_eq!(rank_units(t.view(), span).first().unwrap().unit, 3);
    assert!(rank_units(s.view(), 5..5).is_empty());
    assert!(rank_units(s.view(), 0..30).is_empty());
    assert!(rank_units(s.view(), 20..31).is_empty());
}

/// Top-2 eigenpairs of a symmetric matrix by power iteration and deflation (f64).
fn power_top2(c: &[Vec<f64>]) -> [(f64, Vec<f64>); 2] {
    let n = c.len();
    let mut m = c.to_vec();
    let mut out = Vec::new();
    for _ in 0..2 {
        let mut v: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 * 0.1).collect();
        let mut lambda = 0.0;
        for _ in 0..5000 {
            let w: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| m[i][j] * v[j]).sum())
                .collect();
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            v = w.iter().map(|x| x / norm).collect();
            lambda = norm;
        }
        for i in 0..n {
            for j in 0..n {
                m[i][j] -= lambda * v[i] * v[j];
            }
        }
        out.push((lambda, v));
    }
    [out[0].clone(), out[1].clone()]
}

fn covariance(x: ArrayView2<'_, f32>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (v, e) = x.dim();
    let mean: Vec<f64> = (0..e)
        .map(|j| x.column(j).iter().map(|&a| a as f64).sum::<f64>() / v as f64)
        .collect();
    let c = (0..e)
        .map(|i| {
            (0..e)
                .map(|j| {
                    (0..v)
                        .map(|r| (x[[r, i]] as f64 - mean[i]) * (x[[r, j]] as f64 - mean[j]))
                        .sum::<f64>()
                        / v as f64
                })
                .collect()
        })
        .collect();
    (mean, c)
}

#[test]
fn pca_matches_a_float64_power_iteration() {
    // Rows with clearly separated variances along mixed directions.
    let mut rng = SplitMix64::new(3);
    let (v, e) = (40, 6);
    let scales = [3.0, 1.5, 0.5, 0.3, 0.2, 0.1];
    let raw = Array2::from_shape_fn((v, e), |(_, j)| rng.uniform(-1.0, 1.0) * scales[j]);
    let mix = Array2::from_shape_fn((e, e), |(i, j)| ((i * 7 + j * 3) as f32 * 0.37).sin());
    let x = raw.dot(&mix);
    let pca = pca_2d(x.view()).unwrap();
    let (mean, c) = covariance(x.view());
    let want = power_top2(&c);
    for k in 0..2 {
        let (lambda, vec) = &want[k];
        assert!(
            (pca.variances[k] - lambda).abs() < 1e-9 * lambda.max(1.0),
            "{k}"
        );
        let dot: f64 = pca.components[k].iter().zip(vec).map(|(a, b)| a * b).sum();
        assert!(
            (dot.abs() - 1.0).abs() < 1e-9,
            "component {k}: |cos| = {}",
            dot.abs()
        );
        let big = pca.components[k]
            .iter()
            .fold(0.0f64, |a, &b| if b.abs() > a.abs() { b } else { a });
        assert!(big > 0.0);
    }
    let total: f64 = (0..e).map(|i| c[i][i]).sum();
    assert!((pca.total_variance - total).abs() < 1e-12);
    for (r, p) in pca.points.iter().enumerate() {
        for k in 0..2 {
            let want: f64 = (0..e)
                .map(|j| (x[[r, j]] as f64 - mean[j]) * pca.components[k][j])
                .sum();
            assert!((p[k] - want).abs() < 1e-12);
        }
    }
    assert!(pca_2d(Array2::<f32>::zeros((3, 1)).view()).is_none());
    assert!(pca_2d(Array2::<f32>::zeros((0, 3)).view()).is_none());
}
