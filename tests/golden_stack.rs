//! Stacked and bidirectional layers against PyTorch's semantics: every case of
//! `tests/data/stack/stack_forward.json` (float64 golden traces; how they were made and
//! validated is in `tests/data/stack/README.md`) run through our f32 `forward_stack`.
//!
//! Every recorded series of every layer-direction, the output and `h_n` / `c_n` must agree
//! with the golden values within |a − b| ≤ 1e-5·max(1, |b|). A failure names, per case, the
//! worst value: its layer-direction, series, step and unit.
//!
//! Natively with `cargo test`; in headless Chromium with `--target wasm32-unknown-unknown`
//! (the data compiled in), where the core runs its wasm SIMD kernels.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::tensor;
use gatescope::model::{
    forward_stack, layer_name, CellKind, Direction, InitialState, Params, Series, Stack, StackTrace,
};
use ndarray::{concatenate, Array2, Axis};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Relative to max(1, |golden|): f32 arithmetic against float64 golden values.
const RTOL: f64 = 1e-5;

fn load_cases() -> Vec<Value> {
    let path = "tests/data/stack/stack_forward.json";
    let text = include_str!("data/stack/stack_forward.json");
    let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(doc["format"], "gatescope-stack-golden/v1", "{path}");
    doc["cases"].as_array().expect("cases").clone()
}

/// One case's inputs, as the core takes them.
struct Input {
    id: String,
    kind: CellKind,
    layers: usize,
    bidirectional: bool,
    hidden: usize,
    stack: Stack,
    x: Array2<f32>,
    /// Empty for a zero initial state (the core's default path), else one per layer-direction.
    init: Vec<InitialState>,
}

impl Input {
    fn dirs(&self) -> usize {
        if self.bidirectional {
            2
        } else {
            1
        }
    }
}

/// Reads a case; the golden file's inputs are float32 values, so `as f32` is exact.
fn input(case: &Value) -> Input {
    let id = case["id"].as_str().expect("id").to_string();
    let kind = CellKind::parse(case["cell"].as_str().expect("cell")).unwrap();
    let layers = case["num_layers"].as_u64().expect("num_layers") as usize;
    let bidirectional = case["bidirectional"].as_bool().expect("bidirectional");
    let hidden = case["dims"]["hidden_size"].as_u64().expect("hidden_size") as usize;
    let dirs = if bidirectional { 2 } else { 1 };
    let p = &case["params"];
    let mut per_layer = Vec::new();
    for k in 0..layers * dirs {
        let sfx = layer_name(k / dirs, k % dirs == 1);
        let get = |name: &str| tensor(&p[format!("{name}_{sfx}")]);
        per_layer.push(
            Params::new(
                kind,
                get("weight_ih").matrix(),
                get("weight_hh").matrix(),
                get("bias_ih").vector(),
                get("bias_hh").vector(),
            )
            .unwrap_or_else(|e| panic!("{id} {sfx}: {e}")),
        );
    }
    let stack = Stack::new(per_layer, bidirectional).unwrap_or_else(|e| panic!("{id}: {e}"));
    let x = tensor(&case["x"]).matrix();
    let init = if case["zero_initial_state"]
        .as_bool()
        .expect("zero_initial_state")
    {
        Vec::new()
    } else {
        let h0 = tensor(&case["h0"]);
        let c0 = (kind == CellKind::Lstm).then(|| tensor(&case["c0"]));
        (0..layers * dirs)
            .map(|k| InitialState {
                h0: h0.batch2(k),
                c0: c0.as_ref().map(|c| c.batch2(k)).unwrap_or_default(),
            })
            .collect()
    };
    Input {
        id,
        kind,
        layers,
        bidirectional,
        hidden,
        stack,
        x,
        init,
    }
}

fn run(inp: &Input) -> StackTrace {
    forward_stack(&inp.stack, inp.x.view(), &inp.init)
        .unwrap_or_else(|e| panic!("{}: forward_stack: {e}", inp.id))
}

/// A golden `[R, C]` tensor as f64.
fn golden2(v: &Value) -> Array2<f64> {
    let t = tensor(v);
    assert_eq!(t.shape.len(), 2, "a [rows, cols] tensor");
    Array2::from_shape_vec((t.shape[0], t.shape[1]), t.data).unwrap()
}

/// The worst value of one case: |got − golden| / max(1, |golden|) and where it was; also
/// the worst per layer-direction (`l0`, `l0_reverse`, …, and `output`).
#[derive(Default)]
struct Worst {
    err: f64,
    at: String,
    compared: usize,
    per_part: BTreeMap<String, f64>,
}

impl Worst {
    /// Compares `got` with `want` (same shape, checked) and keeps the worst entry; `part` is
    /// the layer-direction the values belong to.
    fn check(
        &mut self,
        part: &str,
        what: &str,
        got: ndarray::ArrayView2<'_, f32>,
        want: &Array2<f64>,
    ) {
        assert_eq!(got.dim(), want.dim(), "{what}: shape");
        let part_worst = self.per_part.entry(part.to_string()).or_insert(0.0);
        for ((t, j), &w) in want.indexed_iter() {
            let g = f64::from(got[[t, j]]);
            // A NaN counts as the worst error there is.
            let err = match (g - w).abs() / w.abs().max(1.0) {
                e if e.is_nan() => f64::INFINITY,
                e => e,
            };
            if err > *part_worst {
                *part_worst = err;
            }
            if err > self.err {
                self.err = err;
                self.at = format!("{what}[t={t}][unit {j}]: ours {g}, golden {w}");
            }
            self.compared += 1;
        }
    }
}

/// Every series of every layer-direction, the output, h_n and c_n of one case.
fn compare(case: &Value) -> Worst {
    let inp = input(case);
    let out = run(&inp);
    let exp = &case["expected"];
    let mut worst = Worst::default();
    let golden_traces = exp["traces"].as_array().expect("expected.traces");
    assert_eq!(
        golden_traces.len(),
        out.traces().len(),
        "{}: traces",
        inp.id
    );
    for (k, (g, trace)) in golden_traces.iter().zip(out.traces()).enumerate() {
        let name = layer_name(k / inp.dirs(), k % inp.dirs() == 1);
        assert_eq!(g["name"], name.as_str(), "{}: golden trace order", inp.id);
        for &s in Series::of(inp.kind) {
            let want = golden2(&g["series"][s.symbol()]);
            worst.check(
                &name,
                &format!("{name} {}", s.symbol()),
                trace.get(s).expect("recorded"),
                &want,
            );
        }
        // PyTorch's h_n / c_n: the state after the last step run, row T−1 forward, row 0
        // reverse.
        let last = if trace.is_reverse() {
            0
        } else {
            trace.steps() - 1
        };
        let mut finals = vec![("h_n", Series::H)];
        if inp.kind == CellKind::Lstm {
            finals.push(("c_n", Series::C));
        }
        for (field, s) in finals {
            let want = golden2(&exp[field]).row(k).to_owned().insert_axis(Axis(0));
            let got = trace.get(s).unwrap();
            worst.check(
                &name,
                &format!("{field}[{name}] (row {last} of {})", s.symbol()),
                got.slice(ndarray::s![last..last + 1, ..]),
                &want,
            );
        }
    }
    worst.check("output", "output", out.output(), &golden2(&exp["output"]));
    worst
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_case_matches_the_f64_golden() {
    let cases = load_cases();
    assert!(!cases.is_empty());
    let mut lines = Vec::new();
    let mut failed = 0;
    let mut compared = 0;
    for case in &cases {
        let w = compare(case);
        let ok = w.err <= RTOL;
        failed += usize::from(!ok);
        compared += w.compared;
        lines.push(format!(
            "{} {}: worst {:.2e} ({} values) at {}",
            if ok { "ok  " } else { "FAIL" },
            case["id"].as_str().unwrap(),
            w.err,
            w.compared,
            w.at
        ));
    }
    let report = lines.join("\n");
    println!("{report}");
    assert_eq!(
        failed,
        0,
        "{failed} of {} cases beyond {RTOL:e}·max(1, |golden|):\n{report}",
        cases.len()
    );
    assert!(compared > 10_000, "only {compared} values compared");
}

/// The golden file holds the configurations it is meant to cover.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cases_cover_the_stack_configurations() {
    let cases = load_cases();
    let has = |cell: &str, layers: u64, bidir: bool| {
        cases
            .iter()
            .any(|c| c["cell"] == cell && c["num_layers"] == layers && c["bidirectional"] == bidir)
    };
    for (cell, layers, bidir) in [
        ("lstm", 2, true),
        ("lstm", 3, false),
        ("gru", 2, true),
        ("rnn", 2, true),
        ("lstm", 4, true),
        ("lstm", 1, true),
    ] {
        assert!(
            has(cell, layers, bidir),
            "no {cell} {layers} layers bidir={bidir}"
        );
    }
    assert!(cases
        .iter()
        .any(|c| c["cell"] == "lstm" && c["num_layers"] == 4 && c["dims"]["hidden_size"] == 3));
    assert!(cases
        .iter()
        .any(|c| c["dims"]["seq_len"].as_u64().unwrap() >= 50));
    // Non-zero h0 and c0 in every layer-direction of some LSTM case.
    assert!(cases.iter().any(|c| {
        c["cell"] == "lstm"
            && ["h0", "c0"].iter().all(|f| {
                let t = tensor(&c[*f]);
                t.data
                    .chunks(t.shape[1])
                    .all(|row| row.iter().all(|&v| v != 0.0))
            })
    }));
}

/// Facts about the stack trace that need no golden value.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn stack_trace_structure() {
    for case in &load_cases() {
        let inp = input(case);
        let id = &inp.id;
        let out = run(&inp);
        let (dirs, steps) = (inp.dirs(), inp.x.nrows());
        assert_eq!(inp.stack.num_layers(), inp.layers, "{id}");
        assert_eq!(inp.stack.directions(), dirs, "{id}");
        assert_eq!(
            out.traces().len(),
            inp.layers * dirs,
            "{id}: traces().len()"
        );
        assert_eq!(
            out.output().dim(),
            (steps, dirs * inp.hidden),
            "{id}: output"
        );
        assert_eq!(out.x(), inp.x.view(), "{id}: x");
        for (k, trace) in out.traces().iter().enumerate() {
            let (layer, reverse) = (k / dirs, k % dirs == 1);
            let name = layer_name(layer, reverse);
            assert_eq!(trace.is_reverse(), reverse, "{id} {name}: is_reverse");
            assert_eq!(trace.kind(), inp.kind, "{id} {name}");
            assert_eq!(trace.steps(), steps, "{id} {name}");
            let dir = if reverse {
                Direction::Reverse
            } else {
                Direction::Forward
            };
            assert_eq!(out.trace(layer, dir), Some(trace), "{id} {name}: trace()");
            assert_eq!(inp.stack.position(k), (layer, dir), "{id} {name}: position");
            if let Some(init) = inp.init.get(k) {
                assert_eq!(trace.h0().to_vec(), init.h0, "{id} {name}: h0");
                if inp.kind == CellKind::Lstm {
                    assert_eq!(trace.c0().to_vec(), init.c0, "{id} {name}: c0");
                }
            }
            // Layer k > 0 reads exactly the previous layer's [h_fwd | h_rev].
            if layer > 0 {
                let below = &out.traces()[(layer - 1) * dirs..layer * dirs];
                assert_eq!(trace.x(), concat_h(below), "{id} {name}: input");
            }
        }
        if !inp.bidirectional {
            assert_eq!(out.trace(0, Direction::Reverse), None, "{id}");
        }
        assert_eq!(out.trace(inp.layers, Direction::Forward), None, "{id}");
        let top = &out.traces()[(inp.layers - 1) * dirs..];
        assert_eq!(
            out.output(),
            concat_h(top),
            "{id}: output is the top layer's h"
        );
        // Explicit zeros are the same as no initial state.
        if inp.init.is_empty() {
            let zeros = vec![InitialState::default(); inp.layers * dirs];
            assert_eq!(
                forward_stack(&inp.stack, inp.x.view(), &zeros).unwrap(),
                out,
                "{id}: zeros"
            );
        }
    }
}

fn concat_h(traces: &[gatescope::model::Trace]) -> Array2<f32> {
    let halves: Vec<_> = traces.iter().map(|t| t.get(Series::H).unwrap()).collect();
    concatenate(Axis(1), &halves).unwrap()
}

/// The comparison can fail: one weight moved by 1e-3 is caught in the layer-direction it
/// belongs to and in the layers above, while the other direction of its layer (which never
/// reads it) still matches.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_perturbed_weight_is_caught_where_it_acts() {
    let cases = load_cases();
    let case = cases
        .iter()
        .find(|c| c["id"] == "lstm_l2_bi_h5_d2_t9")
        .expect("the 2-layer bidirectional LSTM case");
    assert!(compare(case).err <= RTOL);
    // (weight, layer-directions that must fail, layer-directions that must still match)
    let plan: [(&str, &[&str], &[&str]); 2] = [
        (
            "weight_ih_l0",
            &["l0", "l1", "l1_reverse", "output"],
            &["l0_reverse"],
        ),
        (
            "weight_hh_l1_reverse",
            &["l1_reverse", "output"],
            &["l0", "l0_reverse", "l1"],
        ),
    ];
    for (param, fail, pass) in plan {
        let mut bad = case.clone();
        let v = bad["params"][param]["data"][3].as_f64().unwrap();
        bad["params"][param]["data"][3] = json!(v + 1e-3);
        let w = compare(&bad);
        for part in fail {
            assert!(
                w.per_part[*part] > RTOL,
                "{param} + 1e-3 not caught in {part}: {:?}",
                w.per_part
            );
        }
        for part in pass {
            assert!(
                w.per_part[*part] <= RTOL,
                "{param} + 1e-3 changed {part}: {:?}",
                w.per_part
            );
        }
    }
}

/// The app hands the stack layer 0's forward trace it already has: reused when it is that
/// layer's trace from the same start, ignored otherwise (same result either way).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_given_first_layer_trace_never_changes_the_result() {
    for case in &load_cases() {
        let inp = input(case);
        let full = run(&inp);
        let after = gatescope::model::forward_stack_after(&inp.stack, &full.traces()[0], &inp.init);
        assert_eq!(after.unwrap(), full, "{}", inp.id);
        // Layer 0 from zeros, while the case starts elsewhere: not its trace, so not reused.
        let p = &inp.stack.layers()[0];
        let zero_start =
            gatescope::model::forward(p, inp.x.view(), &InitialState::default()).unwrap();
        let after = gatescope::model::forward_stack_after(&inp.stack, &zero_start, &inp.init);
        assert_eq!(
            after.unwrap(),
            full,
            "{}: from a trace of another start",
            inp.id
        );
    }
}
