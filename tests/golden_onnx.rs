//! Every case of the public ONNX refdata files (`tests/data/refdata/onnx_*.json`: the ONNX
//! backend node tests and our own feature cases; schema in README.refdata.md §7) against the
//! f32 core: ONNX's weights are re-ordered into PyTorch's layout here, directly from the
//! JSON, and the options (peepholes, clip, `linear_before_reset`) and directions run through
//! the core's one step and loop. Every batch element, with its `sequence_lens`, in either
//! `layout`. Tolerance: |a − b| ≤ 1e-5·max(1, |b|) against `expected_f64`.
//!
//! Natively with `cargo test`; in headless Chromium with `--target wasm32-unknown-unknown`.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{load, tensor, Tensor};
use gatescope::model::{
    forward_directed, forward_stack, CellKind, InitialState, Params, Series, Stack,
};
use ndarray::{Array1, Array2};
use serde_json::Value;

/// PyTorch block k is ONNX block `PERM[k]`: LSTM i,f,g,o ← i,o,f,c; GRU r,z,n ← z,r,h.
fn block_perm(kind: CellKind) -> &'static [usize] {
    match kind {
        CellKind::Lstm => &[0, 2, 3, 1],
        CellKind::Gru => &[1, 0, 2],
        CellKind::Rnn => &[0],
    }
}

/// Rows of direction `d` of a `[dirs, G·H, cols]` ONNX tensor, blocks in PyTorch order.
fn reorder(t: &Tensor, d: usize, kind: CellKind, h: usize, at: usize, cols: usize) -> Vec<f32> {
    let per_dir = t.shape[1..].iter().product::<usize>();
    let base = d * per_dir + at;
    block_perm(kind)
        .iter()
        .flat_map(|&blk| {
            let from = base + blk * h * cols;
            t.data[from..from + h * cols].iter().map(|&v| v as f32)
        })
        .collect()
}

struct Case<'a> {
    name: &'a str,
    v: &'a Value,
    kind: CellKind,
    dims: [usize; 5],
    layout: usize,
}

impl Case<'_> {
    fn input(&self, name: &str) -> Option<Tensor> {
        self.v["inputs"].get(name).map(tensor)
    }

    /// The PyTorch-layout parameters of direction `d`, with the node's options.
    fn params(&self, d: usize) -> Params {
        let [_, _, din, h, _] = self.dims;
        let g = self.kind.gate_blocks();
        let w = self.input("W").unwrap();
        let r = self.input("R").unwrap();
        let wih = Array2::from_shape_vec((g * h, din), reorder(&w, d, self.kind, h, 0, din));
        let whh = Array2::from_shape_vec((g * h, h), reorder(&r, d, self.kind, h, 0, h));
        let (bih, bhh) = match self.input("B") {
            Some(b) => (
                reorder(&b, d, self.kind, h, 0, 1),
                reorder(&b, d, self.kind, h, g * h, 1),
            ),
            None => (vec![0.0; g * h], vec![0.0; g * h]),
        };
        let attrs = &self.v["attributes_effective"];
        let mut p = Params::new(
            self.kind,
            wih.unwrap(),
            whh.unwrap(),
            Array1::from(bih),
            Array1::from(bhh),
        )
        .unwrap();
        if let Some(pp) = self.input("P") {
            // ONNX P blocks i, o, f → the core's P_i, P_f, P_o.
            let v: Array1<f32> = [0, 2, 1]
                .iter()
                .flat_map(|blk| (0..h).map(move |j| d * 3 * h + blk * h + j))
                .map(|at| pp.data[at] as f32)
                .collect();
            p = p.with_peepholes(v).unwrap();
        }
        if let Some(c) = attrs["clip"].as_f64() {
            p = p.with_clip(c as f32).unwrap();
        }
        if self.kind == CellKind::Gru {
            p = p.with_linear_before_reset(attrs["linear_before_reset"].as_u64() == Some(1));
        }
        p
    }

    /// Batch element `b`'s `[dirs, B, H]` (layout 0) or `[B, dirs, H]` (layout 1) row.
    fn state_row(&self, t: &Tensor, d: usize, b: usize) -> Vec<f64> {
        let [_, bs, _, h, dirs] = self.dims;
        let at = if self.layout == 0 {
            (d * bs + b) * h
        } else {
            (b * dirs + d) * h
        };
        t.data[at..at + h].to_vec()
    }

    /// [`Case::state_row`] as the f32 the core takes (exact: refdata inputs are f32 values).
    fn state_row_f32(&self, t: &Tensor, d: usize, b: usize) -> Vec<f32> {
        self.state_row(t, d, b).iter().map(|&v| v as f32).collect()
    }

    /// Batch element `b`'s inputs, the first `len` steps: `[len, D]`.
    fn x(&self, b: usize, len: usize) -> Array2<f32> {
        let [t_len, bs, din, _, _] = self.dims;
        let x = self.input("X").unwrap();
        Array2::from_shape_fn((len, din), |(t, k)| {
            let at = if self.layout == 0 {
                (t * bs + b) * din + k
            } else {
                (b * t_len + t) * din + k
            };
            x.data[at] as f32
        })
    }

    /// Index of `Y[t][d][b][j]` in either layout.
    fn y_at(&self, t: usize, d: usize, b: usize, j: usize) -> usize {
        let [t_len, bs, _, h, dirs] = self.dims;
        if self.layout == 0 {
            ((t * dirs + d) * bs + b) * h + j
        } else {
            ((b * t_len + t) * dirs + d) * h + j
        }
    }
}

fn check(name: &str, what: &str, got: f64, want: f64) {
    let tol = 1e-5 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tol,
        "{name}: {what} = {got}, expected_f64 {want} (|diff| {:.3e} > {tol:.1e})",
        (got - want).abs()
    );
}

/// Runs every case of `file`; returns how many values were compared.
fn check_file(file: &str) -> usize {
    let mut compared = 0;
    for v in &load(file) {
        let dims = &v["dims"];
        let dim = |k: &str| dims[k].as_u64().unwrap() as usize;
        let attrs = &v["attributes_effective"];
        let case = Case {
            name: v["name"].as_str().unwrap(),
            v,
            kind: CellKind::parse(v["op"].as_str().unwrap()).unwrap(),
            dims: [
                dim("seq_length"),
                dim("batch_size"),
                dim("input_size"),
                dim("hidden_size"),
                dim("num_directions"),
            ],
            layout: attrs["layout"].as_u64().unwrap() as usize,
        };
        let [t_len, bs, _, h, dirs] = case.dims;
        let direction = attrs["direction"].as_str().unwrap();
        let layers: Vec<Params> = (0..dirs).map(|d| case.params(d)).collect();
        let lens = case.input("sequence_lens");
        let (init_h, init_c) = (case.input("initial_h"), case.input("initial_c"));
        let want = &v["expected_f64"];
        let (y, y_h) = (tensor(&want["Y"]), tensor(&want["Y_h"]));
        let y_c = want.get("Y_c").map(tensor);
        for b in 0..bs {
            let len = lens.as_ref().map_or(t_len, |l| l.data[b] as usize);
            let x = case.x(b, len);
            let init: Vec<InitialState> = (0..dirs)
                .map(|d| InitialState {
                    h0: init_h
                        .as_ref()
                        .map_or(vec![], |t| case.state_row_f32(t, d, b)),
                    c0: init_c
                        .as_ref()
                        .map_or(vec![], |t| case.state_row_f32(t, d, b)),
                })
                .collect();
            // One direction per trace: bidirectional as a one-layer Stack, reverse alone
            // through the loop's reverse order.
            let traces = match direction {
                "bidirectional" => {
                    let stack = Stack::new(layers.clone(), true).unwrap();
                    let run = forward_stack(&stack, x.view(), &init).unwrap();
                    assert_eq!(run.output().dim(), (len, 2 * h), "{}", case.name);
                    run.into_traces()
                }
                other => vec![
                    forward_directed(&layers[0], x.view(), &init[0], other == "reverse").unwrap(),
                ],
            };
            for (d, trace) in traces.iter().enumerate() {
                let hs = trace.get(Series::H).unwrap();
                for t in 0..t_len {
                    for j in 0..h {
                        // Steps past this element's length are zeros in Y.
                        let got = if t < len { hs[[t, j]] as f64 } else { 0.0 };
                        let at = format!("Y[t={t}][dir {d}][batch {b}][{j}]");
                        check(case.name, &at, got, y.data[case.y_at(t, d, b, j)]);
                        compared += 1;
                    }
                }
                // Y_h / Y_c: the state after the last step computed in this direction.
                let last = if trace.is_reverse() { 0 } else { len - 1 };
                let finals = [(Series::H, Some(&y_h)), (Series::C, y_c.as_ref())];
                for (s, want) in finals {
                    let Some(want) = want else { continue };
                    let got = trace.get(s).unwrap();
                    let want_row = case.state_row(want, d, b);
                    for j in 0..h {
                        let what = format!("Y_{}[dir {d}][batch {b}][{j}]", s.symbol());
                        check(case.name, &what, got[[last, j]] as f64, want_row[j]);
                        compared += 1;
                    }
                }
            }
        }
    }
    compared
}

macro_rules! golden {
    ($($test:ident: $file:literal, $cases:literal;)*) => {$(
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $test() {
            assert_eq!(load($file).len(), $cases, "{}: public cases", $file);
            assert!(check_file($file) > 0);
        }
    )*};
}

golden! {
    onnx_lstm_node_tests: "onnx_lstm.json", 3;
    onnx_gru_node_tests: "onnx_gru.json", 3;
    onnx_rnn_node_tests: "onnx_rnn.json", 3;
    onnx_lstm_feature_cases: "onnx_extra_lstm.json", 8;
    onnx_gru_feature_cases: "onnx_extra_gru.json", 8;
    onnx_rnn_feature_cases: "onnx_extra_rnn.json", 7;
}
