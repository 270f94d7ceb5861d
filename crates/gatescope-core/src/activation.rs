//! The logistic function σ and tanh, four lanes at a time on wasm SIMD, one at a time
//! elsewhere, with the same IEEE operations in the same order: every platform gets the
//! same bits, and a lane of the vector version equals the scalar version.
//!
//! Both are built on one `exp` for non-positive arguments (Cody–Waite reduction by ln 2 and
//! Cephes' degree-6 polynomial, the scheme of Cephes' `expf`):
//!
//! ```text
//! exp(x) = 2ⁿ · p(r),  n = round(x·log₂e),  r = x − n·ln2 ∈ [−ln2/2, ln2/2]
//! σ(x)    = 1 / (1 + e) for x ≥ 0,  e · 1 / (1 + e) for x < 0,  e = exp(−|x|)
//! tanh(x) = sign(x) · (1 − e) / (1 + e),  e = exp(−2|x|), for |x| ≥ 0.625
//! tanh(x) = x + x·z·q(z), z = x², Cephes' odd polynomial, for |x| < 0.625
//! ```
//!
//! The error bound (a few ulp over every f32) is checked by the tests below against f64.

/// At and below this, `exp` is below half the least subnormal and rounds to 0.
const EXP_MIN: f32 = -105.0;
const LOG2E: f32 = std::f32::consts::LOG2_E;
const ROUNDER: f32 = 12_582_912.0;
// ln 2 split so that n·LN2_HI is exact for every n used here.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
// Cephes' published coefficients, as printed (their f32 roundings are what is used).
#[allow(clippy::excessive_precision)]
const P: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    1.666_666_5e-1,
    5.000_000_1e-1,
];
/// Cephes' `tanhf` polynomial for |x| < 0.625.
#[allow(clippy::excessive_precision)]
const T: [f32; 5] = [
    -5.704_988_7e-3,
    2.063_908_9e-2,
    -5.373_971_6e-2,
    1.333_144_2e-1,
    -3.333_328_2e-1,
];
const TANH_SMALL: f32 = 0.625;

/// `exp(x)` for `x ≤ 0` (larger arguments are not needed by σ and tanh).
#[inline]
fn exp_neg(x: f32) -> f32 {
    let x = x.max(EXP_MIN);
    // Adding 1.5·2²³ rounds x·log₂e to an integer (ties to even) and leaves that integer in
    // the low mantissa bits: n as a float and as an i32 without a float→int conversion,
    // which wasm SIMD only has as a slow saturating one.
    let t = x * LOG2E + ROUNDER;
    let n = t - ROUNDER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let z = r * r;
    let mut y = P[0];
    for c in &P[1..] {
        y = y * r + *c;
    }
    let p = (y * z + r) + 1.0;
    // 2ⁿ as two normal powers of two, so results down to the subnormals are exact scalings.
    let n = t.to_bits() as i32 - ROUNDER.to_bits() as i32;
    let half = n >> 1;
    p * pow2(half) * pow2(n - half)
}

#[inline]
fn pow2(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

/// The logistic function `1 / (1 + e^{−z})`, finite for every finite `z`, within 4 ulp
/// (see the tests).
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    let e = exp_neg(-z.abs());
    let s = 1.0 / (1.0 + e);
    if z >= 0.0 {
        s
    } else {
        e * s
    }
}

/// `tanh(z)`, within 4 ulp (see the tests).
#[inline]
pub fn tanh(z: f32) -> f32 {
    let a = z.abs();
    if a < TANH_SMALL {
        let w = z * z;
        let mut y = T[0];
        for c in &T[1..] {
            y = y * w + *c;
        }
        (y * w) * z + z
    } else {
        let e = exp_neg(-2.0 * a);
        let t = (1.0 - e) / (1.0 + e);
        t.copysign(z)
    }
}

/// A nonlinearity, for [`sum_into`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Sigmoid,
    Tanh,
}

/// `out[k] = act(a[k] + b[k])` over the length of `out` (`a` and `b` at least as long).
///
/// One pass over many independent units, so the long dependency chain of each evaluation
/// overlaps with the next ones (evaluated one gate after another, a step was bound by that
/// latency).
pub fn sum_into(act: Act, a: &[f32], b: &[f32], out: &mut [f32]) {
    let n = out.len();
    assert!(a.len() >= n && b.len() >= n);
    let from = simd::sum_into(act, a, b, out);
    let f = match act {
        Act::Sigmoid => sigmoid,
        Act::Tanh => tanh,
    };
    for k in from..n {
        out[k] = f(a[k] + b[k]);
    }
}

/// Four lanes of [`exp_neg`], [`sigmoid`] and [`tanh`], lane for lane the same operations.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::*;

    use super::{EXP_MIN, LN2_HI, LN2_LO, LOG2E, P, ROUNDER, T, TANH_SMALL};

    #[inline]
    fn exp_neg(x: v128) -> v128 {
        let x = f32x4_pmax(x, f32x4_splat(EXP_MIN));
        let t = f32x4_add(f32x4_mul(x, f32x4_splat(LOG2E)), f32x4_splat(ROUNDER));
        let n = f32x4_sub(t, f32x4_splat(ROUNDER));
        let r = f32x4_sub(
            f32x4_sub(x, f32x4_mul(n, f32x4_splat(LN2_HI))),
            f32x4_mul(n, f32x4_splat(LN2_LO)),
        );
        let z = f32x4_mul(r, r);
        let mut y = f32x4_splat(P[0]);
        for c in &P[1..] {
            y = f32x4_add(f32x4_mul(y, r), f32x4_splat(*c));
        }
        let p = f32x4_add(f32x4_add(f32x4_mul(y, z), r), f32x4_splat(1.0));
        let n = i32x4_sub(t, i32x4_splat(ROUNDER.to_bits() as i32));
        let half = i32x4_shr(n, 1);
        f32x4_mul(f32x4_mul(p, pow2(half)), pow2(i32x4_sub(n, half)))
    }

    #[inline]
    fn pow2(n: v128) -> v128 {
        i32x4_shl(i32x4_add(n, i32x4_splat(127)), 23)
    }

    #[inline]
    pub fn sigmoid(z: v128) -> v128 {
        let e = exp_neg(f32x4_neg(f32x4_abs(z)));
        let s = f32x4_div(f32x4_splat(1.0), f32x4_add(f32x4_splat(1.0), e));
        v128_bitselect(s, f32x4_mul(e, s), f32x4_ge(z, f32x4_splat(0.0)))
    }

    /// [`super::sum_into`] four lanes at a time; returns the first index left to do.
    pub fn sum_into(act: super::Act, a: &[f32], b: &[f32], out: &mut [f32]) -> usize {
        let n = out.len();
        assert!(a.len() >= n && b.len() >= n);
        let mut k = 0;
        // SAFETY: the assert gives `a`, `b`, `out` at least `n` values; lanes k..k+4 < n.
        unsafe {
            let (ap, bp, op) = (a.as_ptr(), b.as_ptr(), out.as_mut_ptr());
            let sum = |k: usize| {
                f32x4_add(
                    v128_load(ap.add(k) as *const v128),
                    v128_load(bp.add(k) as *const v128),
                )
            };
            // Eight units per iteration: the engine materialises each constant once per
            // iteration, and two independent evaluations overlap.
            while k + 8 <= n {
                let (u, v) = match act {
                    super::Act::Sigmoid => sigmoid2(sum(k), sum(k + 4)),
                    super::Act::Tanh => tanh2(sum(k), sum(k + 4)),
                };
                v128_store(op.add(k) as *mut v128, u);
                v128_store(op.add(k + 4) as *mut v128, v);
                k += 8;
            }
            while k + 4 <= n {
                let v = match act {
                    super::Act::Sigmoid => sigmoid(sum(k)),
                    super::Act::Tanh => tanh(sum(k)),
                };
                v128_store(op.add(k) as *mut v128, v);
                k += 4;
            }
        }
        k
    }

    #[inline(always)]
    fn sigmoid2(a: v128, b: v128) -> (v128, v128) {
        (sigmoid(a), sigmoid(b))
    }

    #[inline(always)]
    fn tanh2(a: v128, b: v128) -> (v128, v128) {
        (tanh(a), tanh(b))
    }

    #[inline]
    pub fn tanh(z: v128) -> v128 {
        let a = f32x4_abs(z);
        let w = f32x4_mul(z, z);
        let mut y = f32x4_splat(T[0]);
        for c in &T[1..] {
            y = f32x4_add(f32x4_mul(y, w), f32x4_splat(*c));
        }
        let small = f32x4_add(f32x4_mul(f32x4_mul(y, w), z), z);
        let e = exp_neg(f32x4_mul(f32x4_splat(-2.0), a));
        let one = f32x4_splat(1.0);
        let t = f32x4_div(f32x4_sub(one, e), f32x4_add(one, e));
        let sign = v128_and(z, f32x4_splat(-0.0));
        let large = v128_or(t, sign);
        v128_bitselect(small, large, f32x4_lt(a, f32x4_splat(TANH_SMALL)))
    }
}

/// Without wasm SIMD, [`sum_into`]'s scalar loop does every unit.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    pub fn sum_into(_: super::Act, _: &[f32], _: &[f32], _: &mut [f32]) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between `got` and the correctly rounded `want`
    /// (0 when equal; subnormals count like normals).
    fn ulps(got: f32, want: f64) -> u64 {
        let w = want as f32;
        // Signed magnitude to a monotone integer line, both zeros at 0.
        let key = |v: f32| {
            let b = i64::from(v.to_bits() & 0x7fff_ffff);
            if v.is_sign_negative() {
                -b
            } else {
                b
            }
        };
        (key(got) - key(w)).unsigned_abs()
    }

    fn sigmoid64(z: f64) -> f64 {
        if z >= 0.0 {
            1.0 / (1.0 + (-z).exp())
        } else {
            let e = z.exp();
            e / (1.0 + e)
        }
    }

    /// Every f32 bit pattern with stride `stride` (a prime, so all exponents and many
    /// mantissas are hit), plus the neighbourhoods of the branch points.
    fn sample(stride: u64) -> impl Iterator<Item = f32> {
        let strided = (0..u32::MAX as u64)
            .step_by(stride as usize)
            .map(|b| f32::from_bits(b as u32));
        let edges = [0.0f32, TANH_SMALL, 87.0, 88.7, 103.0, EXP_MIN, 9.0, 1e-20]
            .into_iter()
            .flat_map(|e| {
                (-2000i32..2000).flat_map(move |k| {
                    let b = (e.to_bits() as i64 + k as i64).max(0) as u32;
                    [f32::from_bits(b), -f32::from_bits(b)]
                })
            });
        strided.chain(edges).filter(|v| v.is_finite())
    }

    /// The bound the recurrent core's golden tolerance (1e-5) relies on, over the whole range.
    const MAX_ULPS: u64 = 4;

    #[test]
    fn sigmoid_is_within_four_ulp_everywhere() {
        let mut worst = (0, 0.0f32);
        for z in sample(251) {
            let got = sigmoid(z);
            assert!((0.0..=1.0).contains(&got), "sigmoid({z}) = {got}");
            let u = ulps(got, sigmoid64(z as f64));
            if u > worst.0 {
                worst = (u, z);
            }
        }
        assert!(
            worst.0 <= MAX_ULPS,
            "sigmoid: {} ulp at {}",
            worst.0,
            worst.1
        );
    }

    #[test]
    fn tanh_is_within_four_ulp_everywhere() {
        let mut worst = (0, 0.0f32);
        for z in sample(251) {
            let got = tanh(z);
            assert!((-1.0..=1.0).contains(&got), "tanh({z}) = {got}");
            let u = ulps(got, (z as f64).tanh());
            if u > worst.0 {
                worst = (u, z);
            }
        }
        assert!(worst.0 <= MAX_ULPS, "tanh: {} ulp at {}", worst.0, worst.1);
    }

    #[test]
    fn saturation_and_symmetry() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!((sigmoid(1e4), sigmoid(-1e4)), (1.0, 0.0));
        assert_eq!((sigmoid(f32::MAX), sigmoid(f32::MIN)), (1.0, 0.0));
        assert_eq!((tanh(f32::MAX), tanh(f32::MIN)), (1.0, -1.0));
        assert_eq!((tanh(0.0), tanh(-0.0)), (0.0, 0.0));
        for z in [1e-30f32, 0.3, 0.625, 1.0, 5.0, 20.0] {
            assert_eq!(tanh(-z), -tanh(z));
            // σ(−z) = 1 − σ(z) in exact arithmetic; rounding allows a few ulp of 1.
            assert!((sigmoid(-z) - (1.0 - sigmoid(z))).abs() <= 2.0 * f32::EPSILON);
        }
    }

    /// Run with `cargo test -p gatescope-core --release -- --ignored every_f32`: all 2³² inputs.
    #[test]
    #[ignore = "exhaustive: about a minute at opt-level 3"]
    fn every_f32_is_within_the_bound() {
        let (mut ws, mut wt) = (0, 0);
        for b in 0..=u32::MAX {
            let z = f32::from_bits(b);
            if !z.is_finite() {
                continue;
            }
            ws = ws.max(ulps(sigmoid(z), sigmoid64(z as f64)));
            wt = wt.max(ulps(tanh(z), (z as f64).tanh()));
        }
        assert!(
            ws <= MAX_ULPS && wt <= MAX_ULPS,
            "sigmoid {ws} ulp, tanh {wt} ulp"
        );
    }
}
