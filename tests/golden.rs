//! Every PyTorch-layout forward case in refdata (`tests/data/refdata`, copied unchanged from
//! the shared golden data; see PROVENANCE.md there) against our f32 core.
//! Tolerance: |a − b| ≤ 1e-5·max(1, |b|), and 1e-4·max(1, |b|) for cases tagged `extreme`.
//!
//! Natively with `cargo test`; in headless Chromium with `cargo test --target
//! wasm32-unknown-unknown --test golden`, where the core runs its wasm SIMD kernels.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{load, params, tensor};
use gatescope::model::{forward, CellKind, InitialState, Series};

/// Runs every case and batch element of `file`; returns how many values were compared.
fn check_file(file: &str, kind: CellKind) -> usize {
    let cases = load(file);
    assert_eq!(cases.len(), 11, "{file}: expected the 11 public cases");
    let mut compared = 0;
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let extreme = case["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "extreme");
        let rtol = if extreme { 1e-4 } else { 1e-5 };
        let p = params(case, kind);
        let x = tensor(&case["x"]);
        let h0 = tensor(&case["h0"]);
        let c0 = (kind == CellKind::Lstm).then(|| tensor(&case["c0"]));
        for b in 0..x.shape[1] {
            let xb = x.batch3(b).mapv(|v| v as f32);
            let init = InitialState {
                h0: h0.batch2(b),
                c0: c0.as_ref().map(|c| c.batch2(b)).unwrap_or_default(),
            };
            let trace = forward(&p, xb.view(), &init).unwrap();
            for &s in Series::of(kind) {
                let want = tensor(&case["expected"][s.symbol()]).batch3(b);
                let got = trace.get(s).unwrap();
                assert_eq!(got.dim(), want.dim(), "{id} b={b} {}", s.symbol());
                for ((t, j), &w) in want.indexed_iter() {
                    let g = got[[t, j]] as f64;
                    let tol = rtol * w.abs().max(1.0);
                    assert!(
                        (g - w).abs() <= tol,
                        "{id} batch {b}: {}[t={t}][unit {j}] = {g}, golden {w} (|diff| {:.3e} > {tol:.1e})",
                        s.symbol(),
                        (g - w).abs()
                    );
                    compared += 1;
                }
            }
        }
    }
    compared
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lstm_matches_pytorch() {
    assert!(check_file("lstm_forward.json", CellKind::Lstm) > 0);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn gru_matches_pytorch() {
    assert!(check_file("gru_forward.json", CellKind::Gru) > 0);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rnn_matches_pytorch() {
    assert!(check_file("rnn_forward.json", CellKind::Rnn) > 0);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn classic_view_matches_refdata() {
    let case = load("lstm_forward.json")
        .into_iter()
        .find(|c| c["id"] == "lstm_classic_h4_d1_t5")
        .unwrap();
    let p = params(&case, CellKind::Lstm);
    let cv = p.classic_view().unwrap();
    let v = &case["classic_view"];
    for (name, ours) in [
        ("W_i", &cv.w_i),
        ("W_f", &cv.w_f),
        ("W_g", &cv.w_g),
        ("W_o", &cv.w_o),
    ] {
        let want = tensor(&v[name]).matrix();
        assert_eq!(ours.dim(), want.dim(), "{name}");
        for (a, b) in ours.iter().zip(want.iter()) {
            assert!((a - b).abs() <= 1e-7, "{name}: {a} vs {b}");
        }
    }
    for (name, ours) in [
        ("b_i", &cv.b_i),
        ("b_f", &cv.b_f),
        ("b_g", &cv.b_g),
        ("b_o", &cv.b_o),
    ] {
        let want = tensor(&v[name]).vector();
        for (a, b) in ours.iter().zip(want.iter()) {
            assert!((a - b).abs() <= 1e-6, "{name}: {a} vs {b}");
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn builtin_seed_example_is_the_classic_case() {
    let case = load("lstm_forward.json")
        .into_iter()
        .find(|c| c["id"] == "lstm_classic_h4_d1_t5")
        .unwrap();
    assert_eq!(
        gatescope::model::examples::seed_article_lstm(),
        params(&case, CellKind::Lstm)
    );
}
