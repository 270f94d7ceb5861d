//! Every PyTorch-layout forward case in refdata (`tests/data/refdata`, copied unchanged from
//! the shared golden data; see PROVENANCE.md there) against our f32 core.
//! Tolerance: |a − b| ≤ 1e-5·max(1, |b|), and 1e-4·max(1, |b|) for cases tagged `extreme`.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::{forward, CellKind, InitialState, Params, Series};
use ndarray::{Array1, Array2};
use serde_json::Value;

struct Tensor {
    shape: Vec<usize>,
    data: Vec<f64>,
}

fn tensor(v: &Value) -> Tensor {
    Tensor {
        shape: v["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect(),
        data: v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect(),
    }
}

impl Tensor {
    fn matrix(&self) -> Array2<f32> {
        Array2::from_shape_vec(
            (self.shape[0], self.shape[1]),
            self.data.iter().map(|&x| x as f32).collect(),
        )
        .unwrap()
    }
    fn vector(&self) -> Array1<f32> {
        self.data.iter().map(|&x| x as f32).collect()
    }
    /// `[T, B, K]` → the `[T, K]` slice of batch element `b`.
    fn batch3(&self, b: usize) -> Array2<f64> {
        let (t, bs, k) = (self.shape[0], self.shape[1], self.shape[2]);
        Array2::from_shape_fn((t, k), |(i, j)| self.data[(i * bs + b) * k + j])
    }
    /// `[B, K]` → row `b`.
    fn batch2(&self, b: usize) -> Vec<f32> {
        let k = self.shape[1];
        self.data[b * k..(b + 1) * k]
            .iter()
            .map(|&x| x as f32)
            .collect()
    }
}

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/refdata/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn params(case: &Value, kind: CellKind) -> Params {
    let p = &case["params"];
    Params::new(
        kind,
        tensor(&p["weight_ih"]).matrix(),
        tensor(&p["weight_hh"]).matrix(),
        tensor(&p["bias_ih"]).vector(),
        tensor(&p["bias_hh"]).vector(),
    )
    .unwrap()
}

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

#[test]
fn lstm_matches_pytorch() {
    assert!(check_file("lstm_forward.json", CellKind::Lstm) > 0);
}

#[test]
fn gru_matches_pytorch() {
    assert!(check_file("gru_forward.json", CellKind::Gru) > 0);
}

#[test]
fn rnn_matches_pytorch() {
    assert!(check_file("rnn_forward.json", CellKind::Rnn) > 0);
}

#[test]
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

#[test]
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
