//! The matrix–vector product every step spends its time in, on a weight layout made for it.
//!
//! A matrix `W [R, K]` is stored as *panels* of [`LANES`] rows: panel `p` holds rows
//! `16p .. 16p + 16`, column by column (`panel[k][l] = W[16p + l, k]`), rows past `R` zero.
//! `y = b + W·v` then walks each panel once, front to back, keeping sixteen running sums in
//! registers (four `f32x4` on wasm SIMD): per column one broadcast of `v[k]` and four
//! whole-vector loads, no horizontal additions.
//!
//! Row `r`'s sum is `((b_r + W[r,0]·v_0) + W[r,1]·v_1) + …` in column order, on every
//! platform and in both versions below, so results are bit-identical everywhere.

/// Rows per panel.
pub const LANES: usize = 16;

/// Rows rounded up to whole panels.
pub fn padded(rows: usize) -> usize {
    rows.div_ceil(LANES) * LANES
}

/// A matrix packed into panels, with its bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Panels {
    rows: usize,
    cols: usize,
    /// `padded(rows) · cols` values, panel after panel.
    w: Vec<f32>,
    /// `padded(rows)` values, zero past `rows`.
    b: Vec<f32>,
}

impl Panels {
    /// Packs `rows × cols`, with `at(r, k)` the weight and `bias(r)` the bias of row `r`.
    pub fn pack(
        rows: usize,
        cols: usize,
        at: impl Fn(usize, usize) -> f32,
        bias: impl Fn(usize) -> f32,
    ) -> Self {
        let pr = padded(rows);
        let mut w = vec![0.0; pr * cols];
        for (p, panel) in w.chunks_exact_mut((LANES * cols).max(1)).enumerate() {
            for k in 0..cols {
                for l in 0..LANES {
                    let r = p * LANES + l;
                    if r < rows {
                        panel[k * LANES + l] = at(r, k);
                    }
                }
            }
        }
        let b = (0..pr)
            .map(|r| if r < rows { bias(r) } else { 0.0 })
            .collect();
        Self { rows, cols, w, b }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Weight of row `r`, column `k` (for the rare exact fallback, not the hot path).
    pub fn at(&self, r: usize, k: usize) -> f32 {
        self.w[(r / LANES) * LANES * self.cols + k * LANES + r % LANES]
    }
    pub fn bias(&self, r: usize) -> f32 {
        self.b[r]
    }

    /// `out = b + W·v`: `v` has `cols` values, `out` has `padded(rows)` (rows past `rows`
    /// come out 0).
    ///
    /// Then every value beyond ±`limit` (or not finite: products can overflow f32 for
    /// inputs near `f32::MAX`) is recomputed in f64 and clamped to ±`limit`.
    pub fn mul_vec(&self, v: &[f32], out: &mut [f32], limit: f32) {
        assert!(v.len() == self.cols && out.len() == self.b.len());
        if !mul_vec(&self.w, &self.b, self.cols, v, out, limit) {
            for (r, y) in out.iter_mut().enumerate().take(self.rows) {
                if y.is_nan() || y.abs() > limit {
                    let exact = (0..self.cols).fold(f64::from(self.b[r]), |s, k| {
                        s + f64::from(self.at(r, k)) * f64::from(v[k])
                    });
                    *y = (exact as f32).clamp(-limit, limit);
                }
            }
        }
    }
}

/// `out = b + W·v` on the packed panels; returns whether every value is within ±`limit`
/// (false also for NaN, which fails `<=`).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn mul_vec(w: &[f32], b: &[f32], cols: usize, v: &[f32], out: &mut [f32], limit: f32) -> bool {
    for ((panel, bias), y) in w
        .chunks_exact((LANES * cols).max(1))
        .zip(b.chunks_exact(LANES))
        .zip(out.chunks_exact_mut(LANES))
    {
        let mut acc = [0.0f32; LANES];
        acc.copy_from_slice(bias);
        for (col, vk) in panel.chunks_exact(LANES).zip(v) {
            for l in 0..LANES {
                acc[l] += col[l] * vk;
            }
        }
        y.copy_from_slice(&acc);
    }
    if cols == 0 {
        out.copy_from_slice(b);
    }
    // A fold, not `any`, so it vectorises.
    out.iter().fold(true, |acc, y| acc & (y.abs() <= limit))
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn mul_vec(w: &[f32], b: &[f32], cols: usize, v: &[f32], out: &mut [f32], limit: f32) -> bool {
    use core::arch::wasm32::{f32x4_splat, u32x4_splat, v128_and, v128_any_true, v128_not};
    let panels = b.len() / LANES;
    assert!(w.len() == panels * LANES * cols && out.len() == b.len() && v.len() == cols);
    // Two panels at a time: eight independent running sums hide the latency of f32x4_add
    // (with four, each column waits on the previous column's additions); a ninth register
    // holds the broadcast, so nothing spills on 16-register hosts.
    let mut p = 0;
    let (limit, mut tame) = (f32x4_splat(limit), u32x4_splat(u32::MAX));
    // SAFETY: the assert gives what `simd_panels` needs, for panels p .. p + N ≤ panels.
    unsafe {
        while p + 2 <= panels {
            tame = v128_and(tame, simd_panels::<2>(w, b, cols, v, out, p, limit));
            p += 2;
        }
        if p < panels {
            tame = v128_and(tame, simd_panels::<1>(w, b, cols, v, out, p, limit));
        }
    }
    !v128_any_true(v128_not(tame))
}

/// Panels `p .. p + N` of [`mul_vec`], their `16·N` running sums in `4·N` registers.
/// Returns a mask of the lanes whose sums are all within ±`limit`, checked in registers
/// (a scalar pass over `out` afterwards cost as much as a small product).
///
/// # Safety
/// `w` holds `panels · 16 · cols` values, `b` and `out` `panels · 16`, `v` `cols`, and
/// `p + N ≤ panels`: every access is then in bounds (unaligned v128 access is allowed).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn simd_panels<const N: usize>(
    w: &[f32],
    b: &[f32],
    cols: usize,
    v: &[f32],
    out: &mut [f32],
    p: usize,
    limit: core::arch::wasm32::v128,
) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let ld = |q: *const f32, at: usize| v128_load(q.add(at) as *const v128);
    let mut acc = [[f32x4_splat(0.0); 4]; N];
    let mut q = [w.as_ptr(); N];
    for n in 0..N {
        let bias = b.as_ptr().add((p + n) * LANES);
        for (l, a) in acc[n].iter_mut().enumerate() {
            *a = ld(bias, 4 * l);
        }
        q[n] = q[n].add((p + n) * LANES * cols);
    }
    for &vk in v {
        let s = f32x4_splat(vk);
        for n in 0..N {
            for (l, a) in acc[n].iter_mut().enumerate() {
                *a = f32x4_add(*a, f32x4_mul(ld(q[n], 4 * l), s));
            }
            q[n] = q[n].add(LANES);
        }
    }
    let mut tame = u32x4_splat(u32::MAX);
    for (n, panel) in acc.iter().enumerate() {
        let o = out.as_mut_ptr().add((p + n) * LANES);
        for (l, a) in panel.iter().enumerate() {
            v128_store(o.add(4 * l) as *mut v128, *a);
            tame = v128_and(tame, f32x4_le(f32x4_abs(*a), limit));
        }
    }
    tame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_multiply_like_the_matrix_for_all_shapes() {
        for rows in [1, 3, 15, 16, 17, 40] {
            for cols in [0, 1, 2, 7, 9, 33] {
                let at = |r: usize, k: usize| ((r * 7 + k * 3) as f32 * 0.31).sin();
                let bias = |r: usize| r as f32 * 0.01 - 0.1;
                let p = Panels::pack(rows, cols, at, bias);
                let v: Vec<f32> = (0..cols).map(|k| (k as f32 * 0.7).cos()).collect();
                let mut out = vec![f32::NAN; padded(rows)];
                p.mul_vec(&v, &mut out, 1e30);
                for (r, y) in out.iter().enumerate().take(rows) {
                    // The documented order, exactly: what makes every platform agree.
                    let seq = (0..cols).fold(bias(r), |s, k| s + at(r, k) * v[k]);
                    assert_eq!(y.to_bits(), seq.to_bits(), "{rows}x{cols} row {r}");
                }
                for (r, y) in out.iter().enumerate() {
                    let want = if r < rows {
                        (0..cols).fold(bias(r) as f64, |s, k| s + at(r, k) as f64 * v[k] as f64)
                    } else {
                        0.0
                    };
                    assert!(
                        (*y as f64 - want).abs() < 1e-5,
                        "{rows}x{cols} row {r}: {y} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn overflowing_rows_are_recomputed_and_clamped() {
        let p = Panels::pack(2, 2, |r, _| if r == 0 { 3e38 } else { 1.0 }, |_| 0.0);
        let mut out = vec![0.0; padded(2)];
        // Row 0: 3e38·2 − 3e38·1.5 overflows in f32 (∞ then ∞ − …) but is 1.5e38 exactly.
        p.mul_vec(&[2.0, -1.5], &mut out, 1e30);
        assert_eq!((out[0], out[1]), (1e30, 0.5));
        p.mul_vec(&[1e-30, 0.0], &mut out, 1e30);
        assert_eq!(out[0], 3e8);
    }
}
