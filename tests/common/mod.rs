//! Reading the golden refdata files (`tests/data/refdata`, schema in README.refdata.md there),
//! shared by the native test files that include it with `mod common;`.
#![allow(dead_code)] // each test file uses only part of this

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod temp;

use gatescope::model::{CellKind, Params};
use ndarray::{Array1, Array2};
use serde_json::Value;

/// A refdata tensor: `{"shape": [..], "data": [..]}`, `data` flattened row-major.
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
}

pub fn tensor(v: &Value) -> Tensor {
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
    pub fn matrix(&self) -> Array2<f32> {
        Array2::from_shape_vec(
            (self.shape[0], self.shape[1]),
            self.data.iter().map(|&x| x as f32).collect(),
        )
        .unwrap()
    }
    pub fn vector(&self) -> Array1<f32> {
        self.data.iter().map(|&x| x as f32).collect()
    }
    /// `[T, B, K]` → the `[T, K]` slice of batch element `b`.
    pub fn batch3(&self, b: usize) -> Array2<f64> {
        let (t, bs, k) = (self.shape[0], self.shape[1], self.shape[2]);
        Array2::from_shape_fn((t, k), |(i, j)| self.data[(i * bs + b) * k + j])
    }
    /// `[B, K]` → row `b`, exact as f64.
    pub fn batch2_f64(&self, b: usize) -> Vec<f64> {
        let k = self.shape[1];
        self.data[b * k..(b + 1) * k].to_vec()
    }
    /// `[B, K]` → row `b` as f32 (exact for refdata's inputs, which are f32 values).
    pub fn batch2(&self, b: usize) -> Vec<f32> {
        self.batch2_f64(b).iter().map(|&x| x as f32).collect()
    }
}

/// The `cases` of a refdata file.
pub fn load(file: &str) -> Vec<Value> {
    let text = read(file);
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

#[cfg(not(target_arch = "wasm32"))]
fn read(file: &str) -> String {
    let path = format!("{}/tests/data/refdata/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// In the browser there is no file system: the files are compiled in (4.6 MB).
#[cfg(target_arch = "wasm32")]
fn read(file: &str) -> String {
    match file {
        "lstm_forward.json" => include_str!("../data/refdata/lstm_forward.json"),
        "gru_forward.json" => include_str!("../data/refdata/gru_forward.json"),
        "rnn_forward.json" => include_str!("../data/refdata/rnn_forward.json"),
        "lstm_grad.json" => include_str!("../data/refdata/lstm_grad.json"),
        "gru_grad.json" => include_str!("../data/refdata/gru_grad.json"),
        "rnn_grad.json" => include_str!("../data/refdata/rnn_grad.json"),
        "onnx_lstm.json" => include_str!("../data/refdata/onnx_lstm.json"),
        "onnx_gru.json" => include_str!("../data/refdata/onnx_gru.json"),
        "onnx_rnn.json" => include_str!("../data/refdata/onnx_rnn.json"),
        "onnx_extra_lstm.json" => include_str!("../data/refdata/onnx_extra_lstm.json"),
        "onnx_extra_gru.json" => include_str!("../data/refdata/onnx_extra_gru.json"),
        "onnx_extra_rnn.json" => include_str!("../data/refdata/onnx_extra_rnn.json"),
        _ => panic!("{file}: not compiled into the wasm tests (tests/common/mod.rs)"),
    }
    .to_string()
}

/// A case's PyTorch-layout parameters.
pub fn params(case: &Value, kind: CellKind) -> Params {
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
