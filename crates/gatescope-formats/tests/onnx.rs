#![cfg(not(target_arch = "wasm32"))]
//! The ONNX reader against real `.onnx` files (written by `tests/data/onnx/make.py` with the
//! `onnx` package): every case of the refdata's ONNX golden files, two-layer chains wired as
//! PyTorch's exporter wires them, every data type, and hostile files.

use std::path::PathBuf;

use gatescope_core::{
    forward_directed, forward_stack, layer_name, CellKind, Direction, InitialState, Series, Trace,
};
use gatescope_formats::onnx::{from_onnx, read_onnx, OnnxModel};
use gatescope_formats::{LoadOptions, ModelFile};
use ndarray::Array2;
use serde_json::Value;

#[path = "onnx/hostile.rs"]
mod hostile;

fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/onnx")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(data_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).expect("JSON")
}

/// A refdata tensor: `{"shape": [...], "data": [...]}`, row-major.
struct Tensor {
    shape: Vec<usize>,
    data: Vec<f64>,
}

impl Tensor {
    fn of(v: &Value) -> Self {
        let list = |k: &str| v[k].as_array().expect("array").clone();
        Self {
            shape: list("shape")
                .iter()
                .map(|d| d.as_u64().expect("dim") as usize)
                .collect(),
            data: list("data")
                .iter()
                .map(|x| x.as_f64().expect("number"))
                .collect(),
        }
    }
    fn at(&self, idx: &[usize]) -> f64 {
        let flat = idx
            .iter()
            .zip(&self.shape)
            .fold(0, |acc, (i, d)| acc * d + i);
        self.data[flat]
    }
}

fn close(what: &str, got: f32, want: f64) {
    let tol = 1e-5 * want.abs().max(1.0);
    assert!(
        (f64::from(got) - want).abs() <= tol,
        "{what}: got {got}, expected {want}"
    );
}

const REFDATA: [&str; 6] = [
    "onnx_lstm",
    "onnx_gru",
    "onnx_rnn",
    "onnx_extra_lstm",
    "onnx_extra_gru",
    "onnx_extra_rnn",
];

#[test]
fn every_refdata_case_matches_expected_f64() {
    let mut count = 0;
    for stem in REFDATA {
        let file = json(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../tests/data/refdata/{stem}.json")),
        );
        for case in file["cases"].as_array().expect("cases") {
            check_case(case);
            count += 1;
        }
    }
    assert_eq!(count, 32, "9 official and 23 extra cases");
}

fn check_case(case: &Value) {
    let name = case["name"].as_str().expect("name");
    let op = case["op"].as_str().expect("op");
    let attrs = &case["attributes_effective"];
    let layout = attrs["layout"].as_u64().expect("layout");
    let reverse = attrs["direction"] == "reverse";
    let dims = &case["dims"];
    let dim = |k: &str| dims[k].as_u64().expect("dim") as usize;
    let (steps, batch, d_in, h, dirs) = (
        dim("seq_length"),
        dim("batch_size"),
        dim("input_size"),
        dim("hidden_size"),
        dim("num_directions"),
    );
    let bytes = read(&format!("cases/{name}.onnx"));
    let model: OnnxModel =
        read_onnx(&bytes, &LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(model.reverse, reverse, "{name}");
    // from_onnx: the same layers, a reverse-only model as a reverse Stack.
    let file = from_onnx(&bytes, &LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(file.stack.is_reverse(), reverse, "{name}");
    assert_eq!(file.stack.layers(), model.file.stack.layers(), "{name}");
    let file = &file;
    let stack = &file.stack;
    let kind = CellKind::parse(op).expect("op");
    assert_eq!(file.source, format!("/{name}/{op}"), "{name}");
    assert!(file.ignored.is_empty(), "{name}: {:?}", file.ignored);
    assert_eq!(
        (
            stack.kind(),
            stack.num_layers(),
            stack.directions(),
            stack.hidden_size(),
            stack.input_size()
        ),
        (kind, 1, dirs, h, d_in),
        "{name}"
    );

    let inputs = &case["inputs"];
    let x = Tensor::of(&inputs["X"]);
    let lens: Vec<usize> = match inputs.get("sequence_lens") {
        Some(l) => Tensor::of(l).data.iter().map(|&v| v as usize).collect(),
        None => vec![steps; batch],
    };
    let h0 = inputs.get("initial_h").map(Tensor::of);
    let c0 = inputs.get("initial_c").map(Tensor::of);
    let expected = &case["expected_f64"];
    let y = Tensor::of(&expected["Y"]);
    let y_h = Tensor::of(&expected["Y_h"]);
    let y_c = expected.get("Y_c").map(Tensor::of);
    // Initial states and Y_h / Y_c are [dirs, B, H] in layout 0, [B, dirs, H] in layout 1.
    let state_at = |d: usize, b: usize, j: usize| if layout == 0 { [d, b, j] } else { [b, d, j] };
    assert_eq!(lens.len(), batch, "{name}: sequence_lens");
    for (b, &len) in lens.iter().enumerate() {
        let xb = Array2::from_shape_fn((len, d_in), |(t, k)| {
            let idx = if layout == 0 { [t, b, k] } else { [b, t, k] };
            x.at(&idx) as f32
        });
        let state = |s: &Option<Tensor>, d: usize| {
            s.as_ref().map_or_else(Vec::new, |s| {
                (0..h).map(|j| s.at(&state_at(d, b, j)) as f32).collect()
            })
        };
        let init: Vec<InitialState> = (0..dirs)
            .map(|d| InitialState {
                h0: state(&h0, d),
                c0: state(&c0, d),
            })
            .collect();
        if b == 0 {
            // The file holds batch element 0's initial states.
            let stored = if h0.is_some() || c0.is_some() {
                init.clone()
            } else {
                Vec::new()
            };
            assert_eq!(file.init, stored, "{name}: initial states");
        }
        let traces: Vec<Trace> = forward_stack(stack, xb.view(), &init)
            .expect("forward")
            .into_traces();
        if reverse {
            let direct = forward_directed(&stack.layers()[0], xb.view(), &init[0], true);
            assert_eq!(
                traces,
                [direct.expect("forward")],
                "{name}: a reverse Stack"
            );
        }
        for (d, trace) in traces.iter().enumerate() {
            let backward = reverse || d == 1;
            let last = if backward { 0 } else { len - 1 };
            let hs = trace.get(Series::H).expect("h");
            for j in 0..h {
                for t in 0..len {
                    let idx = if layout == 0 {
                        [t, d, b, j]
                    } else {
                        [b, t, d, j]
                    };
                    close(&format!("{name} Y[{idx:?}]"), hs[[t, j]], y.at(&idx));
                }
                let at = state_at(d, b, j);
                close(&format!("{name} Y_h[{at:?}]"), hs[[last, j]], y_h.at(&at));
                if let Some(y_c) = &y_c {
                    let cs = trace.get(Series::C).expect("c");
                    close(&format!("{name} Y_c[{at:?}]"), cs[[last, j]], y_c.at(&at));
                }
            }
        }
    }
}

/// Two-layer models wired as `torch.onnx.export` wires them, against float64 numpy.
fn check_chain(key: &str, kind: CellKind, bidirectional: bool, source: &str) {
    let want = &json(data_path("chains.json"))[key];
    let file: ModelFile = from_onnx(&read(&format!("{key}.onnx")), &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{key}: {e}"));
    let stack = &file.stack;
    assert_eq!(
        (stack.kind(), stack.num_layers(), stack.is_bidirectional()),
        (kind, 2, bidirectional)
    );
    assert_eq!(file.source, source);
    assert!(
        file.ignored.contains(&"MatMul".to_string()),
        "{:?}",
        file.ignored
    );
    assert!(!file.ignored.iter().any(|op| op == "LSTM" || op == "GRU"));
    // The weights are PyTorch's, bit for bit.
    let sd = &want["state_dict"];
    let values = |v: &Value| -> Vec<f32> {
        let rows = v.as_array().expect("list");
        match rows.first().and_then(Value::as_array) {
            Some(_) => rows
                .iter()
                .flat_map(|r| r.as_array().expect("row").iter())
                .map(|x| x.as_f64().expect("f") as f32)
                .collect(),
            None => rows.iter().map(|x| x.as_f64().expect("f") as f32).collect(),
        }
    };
    for (k, p) in stack.layers().iter().enumerate() {
        let (layer, dir) = stack.position(k);
        let sfx = layer_name(layer, dir == Direction::Reverse);
        assert_eq!(
            p.weight_ih().iter().copied().collect::<Vec<_>>(),
            values(&sd[format!("weight_ih_{sfx}")])
        );
        assert_eq!(
            p.weight_hh().iter().copied().collect::<Vec<_>>(),
            values(&sd[format!("weight_hh_{sfx}")])
        );
        assert_eq!(p.bias_ih().to_vec(), values(&sd[format!("bias_ih_{sfx}")]));
        assert_eq!(p.bias_hh().to_vec(), values(&sd[format!("bias_hh_{sfx}")]));
        assert!(p.is_plain(), "{sfx}: PyTorch's own cell");
    }
    // Layer 0's initial states are stored in the file; layer 1 has none (zeros).
    let dirs = stack.directions();
    let h0 = values(&want["h0"]);
    let h = stack.hidden_size();
    assert_eq!(file.init.len(), 2 * dirs);
    for (k, init) in file.init.iter().enumerate() {
        if k < dirs {
            assert_eq!(init.h0, h0[k * h..(k + 1) * h]);
            if kind == CellKind::Lstm {
                assert_eq!(init.c0, values(&want["c0"])[k * h..(k + 1) * h]);
            }
        } else {
            assert_eq!(init, &InitialState::default());
        }
    }
    let x = values(&want["x"]);
    let x =
        Array2::from_shape_vec((x.len() / stack.input_size(), stack.input_size()), x).expect("x");
    let run = forward_stack(stack, x.view(), &file.init).expect("forward");
    let out = &want["output"];
    for (t, row) in run.output().rows().into_iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            close(
                &format!("{key} output[{t}][{j}]"),
                v,
                out[t][j].as_f64().expect("f"),
            );
        }
    }
}

#[test]
fn bidirectional_lstm_chain_as_pytorch_exports_it() {
    check_chain(
        "chain_lstm2_bidir",
        CellKind::Lstm,
        true,
        "/lstm/LSTM, /lstm/LSTM_1",
    );
}

#[test]
fn gru_chain_as_pytorch_exports_it() {
    check_chain("chain_gru2", CellKind::Gru, false, "/gru/GRU, /gru/GRU_1");
}

#[test]
fn initial_states_given_at_run_time_start_at_zero() {
    let opts = LoadOptions::default();
    let file = from_onnx(&read("runtime_initial_states.onnx"), &opts).expect("loads");
    let stored = from_onnx(&read("dtype_float_raw.onnx"), &opts).expect("loads");
    assert_eq!(file.stack, stored.stack);
    assert!(file.init.is_empty());
    assert_eq!(file.ignored, ["ConstantOfShape"]);
}

#[test]
fn every_data_type_reads_the_same_model() {
    let opts = LoadOptions::default();
    let base = from_onnx(&read("dtype_float_raw.onnx"), &opts).expect("float raw");
    assert_eq!(base.init.len(), 1);
    assert!(base.stack.layers()[0].peepholes().is_some());
    for f in [
        "dtype_float_data.onnx",
        "dtype_double_data.onnx",
        "dtype_double_raw.onnx",
        "dtype_float16_int32_data.onnx",
        "dtype_float16_raw.onnx",
        "dtype_bfloat16.onnx",
        "dtype_constant_nodes.onnx",
    ] {
        let file = from_onnx(&read(f), &opts).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(file, base, "{f}");
    }
}
