//! The wasm SIMD kernels give the same bits as the scalar code every other platform runs:
//! four lanes of σ/tanh equal four scalar calls, and the panel mat-vec equals a plain
//! row-by-row sum in column order (the order the kernel documents).
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::{f32x4, f32x4_extract_lane as lane};
use gatescope::model::activation::{self, simd};
use gatescope::model::kernel::{padded, Panels};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn lanes(v: core::arch::wasm32::v128) -> [f32; 4] {
    [lane::<0>(v), lane::<1>(v), lane::<2>(v), lane::<3>(v)]
}

#[wasm_bindgen_test]
fn vector_activations_equal_scalar_ones_bit_for_bit() {
    // Every 4099th f32 bit pattern (all exponents, both signs) and the branch points.
    let mut values: Vec<f32> = (0..u32::MAX)
        .step_by(4099)
        .map(f32::from_bits)
        .filter(|v| v.is_finite())
        .collect();
    values.extend([
        0.0,
        -0.0,
        0.625,
        -0.625,
        0.624_999_94,
        88.7,
        -88.7,
        104.0,
        -105.0,
        1e-40,
    ]);
    let mut checked = 0;
    for c in values.chunks_exact(4) {
        let v = f32x4(c[0], c[1], c[2], c[3]);
        let (s, t) = (lanes(simd::sigmoid(v)), lanes(simd::tanh(v)));
        for k in 0..4 {
            assert_eq!(
                s[k].to_bits(),
                activation::sigmoid(c[k]).to_bits(),
                "sigmoid({})",
                c[k]
            );
            assert_eq!(
                t[k].to_bits(),
                activation::tanh(c[k]).to_bits(),
                "tanh({})",
                c[k]
            );
            checked += 1;
        }
    }
    assert!(checked > 1_000_000, "{checked}");
}

#[wasm_bindgen_test]
fn panel_products_equal_the_plain_sum_in_column_order() {
    for (rows, cols) in [(1, 1), (16, 4), (17, 9), (48, 33), (100, 64), (256, 129)] {
        let at = |r: usize, k: usize| ((r * 31 + k * 17) as f32 * 0.173).sin() * 1.7;
        let bias = |r: usize| (r as f32 * 0.37).cos();
        let v: Vec<f32> = (0..cols).map(|k| (k as f32 * 0.61).sin()).collect();
        let p = Panels::pack(rows, cols, at, bias);
        let mut out = vec![0.0; padded(rows)];
        p.mul_vec(&v, &mut out, 1e30);
        for (r, got) in out.iter().enumerate().take(rows) {
            let mut acc = bias(r);
            for (k, vk) in v.iter().enumerate() {
                acc += at(r, k) * vk;
            }
            assert_eq!(got.to_bits(), acc.to_bits(), "{rows}×{cols}, row {r}");
        }
    }
}
