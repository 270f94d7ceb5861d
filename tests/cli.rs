//! The `gatescope-trace` binary end to end: golden values through the CLI, CSV against JSON,
//! bit-exact f32 round-trip of the printed numbers, and one-line errors for bad input.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{bad, run, BIN};

use common::temp::{matrix, TempFile};
use std::io::Read;
use std::process::{Command, Output, Stdio};

use gatescope::model::{backward, forward, io, mse_loss, parse_sequence, InitialState, Trace};
use ndarray::Array2;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// helpers

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Runs and expects success; returns stdout.
fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{args:?}: stderr not empty");
    stdout(&out)
}

fn refdata(file: &str, id: &str) -> Value {
    let path = format!("{}/tests/data/refdata/{file}", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{file}: no case {id}"))
        .clone()
}

fn shape(t: &Value) -> Vec<usize> {
    t["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn data(t: &Value) -> Vec<f64> {
    t["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// A `[R, C]` refdata tensor as nested JSON rows.
fn rows(t: &Value) -> Value {
    let s = shape(t);
    let d = data(t);
    Value::from(d.chunks(s[1]).map(|r| r.to_vec()).collect::<Vec<_>>())
}

/// A model file (PyTorch state_dict names with `_l0`) from a refdata case.
fn model_json(case: &Value) -> String {
    let p = &case["params"];
    json!({
        "cell": case["cell"],
        "weight_ih_l0": rows(&p["weight_ih"]),
        "weight_hh_l0": rows(&p["weight_hh"]),
        "bias_ih_l0": data(&p["bias_ih"]),
        "bias_hh_l0": data(&p["bias_hh"]),
    })
    .to_string()
}

/// `[T, 1, K]` → `[T][K]` (batch element 0).
fn batch0(t: &Value) -> Vec<Vec<f64>> {
    let s = shape(t);
    assert_eq!(s[1], 1, "expected batch 1");
    data(t).chunks(s[2]).map(|r| r.to_vec()).collect()
}

fn symbols(cell: &str) -> &'static [&'static str] {
    match cell {
        "lstm" => &["i", "f", "g", "o", "c", "h"],
        "gru" => &["r", "z", "n", "h"],
        "rnn" => &["h"],
        _ => panic!("{cell}"),
    }
}

/// Checks the CLI's JSON against every gate of `case["expected"]` (batch 0).
fn check_golden(out: &str, case: &Value) {
    let v: Value = serde_json::from_str(out).unwrap();
    let id = case["id"].as_str().unwrap();
    let dims = &case["dims"];
    let cell = case["cell"].as_str().unwrap();
    assert_eq!(v["cell"], cell);
    assert_eq!(v["input_size"], dims["input_size"], "{id}");
    assert_eq!(v["hidden_size"], dims["hidden_size"], "{id}");
    assert_eq!(v["steps"], dims["seq_len"], "{id}");
    let x = batch0(&case["x"]);
    for (got, want) in matrix(&v["x"]).iter().zip(&x) {
        for (g, w) in got.iter().zip(want) {
            assert_eq!(*g as f32, *w as f32, "{id}: x");
        }
    }
    let mut compared = 0;
    for &s in symbols(cell) {
        let want = batch0(&case["expected"][s]);
        let got = matrix(&v[s]);
        assert_eq!(got.len(), want.len(), "{id} {s}: steps");
        for (t, (gr, wr)) in got.iter().zip(&want).enumerate() {
            assert_eq!(gr.len(), wr.len(), "{id} {s}[{t}]: units");
            for (j, (g, w)) in gr.iter().zip(wr).enumerate() {
                let tol = 1e-5 * w.abs().max(1.0);
                assert!(
                    (g - w).abs() <= tol,
                    "{id}: {s}[t={t}][unit {j}] = {g}, golden {w}"
                );
                compared += 1;
            }
        }
    }
    let (t, h) = (
        dims["seq_len"].as_u64().unwrap() as usize,
        dims["hidden_size"].as_u64().unwrap() as usize,
    );
    assert_eq!(compared, t * h * symbols(cell).len(), "{id}");
}

/// The literal number tokens of the JSON value under `key` (a `[T][K]` array), in order,
/// so they can be parsed straight to f32 without going through f64.
fn raw_numbers<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let pat = format!("\"{key}\":");
    let start = text.find(&pat).unwrap_or_else(|| panic!("no key {key}")) + pat.len();
    let mut depth = 0;
    let mut out = Vec::new();
    let mut tok_start = None;
    for (k, c) in text[start..].char_indices() {
        let k = start + k;
        let is_num = c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E');
        if is_num {
            tok_start.get_or_insert(k);
            continue;
        }
        if let Some(s) = tok_start.take() {
            out.push(&text[s..k]);
        }
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return out;
                }
            }
            _ => {}
        }
    }
    panic!("unterminated array for {key}");
}

fn f32_bits(tokens: &[&str]) -> Vec<u32> {
    tokens
        .iter()
        .map(|t| {
            t.parse::<f32>()
                .unwrap_or_else(|_| panic!("{t:?} is not an f32"))
                .to_bits()
        })
        .collect()
}

fn trace_bits(a: ndarray::ArrayView2<'_, f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// Every number of the CLI's JSON output, parsed directly as f32, equals the library's trace
/// bit for bit.
fn check_bits(out: &str, trace: &Trace) {
    assert_eq!(f32_bits(&raw_numbers(out, "x")), trace_bits(trace.x()), "x");
    for &s in trace.series() {
        assert_eq!(
            f32_bits(&raw_numbers(out, s.symbol())),
            trace_bits(trace.get(s).unwrap()),
            "{}",
            s.symbol()
        );
    }
}

fn classic() -> (Value, TempFile) {
    let case = refdata("lstm_forward.json", "lstm_classic_h4_d1_t5");
    let model = TempFile::new("classic.json", model_json(&case));
    (case, model)
}

fn seed_model() -> TempFile {
    classic().1
}

// ---------------------------------------------------------------------------------------------
// golden values through the CLI

#[test]
fn seed_example_matches_pytorch() {
    let (case, model) = classic();
    let out = ok(&["--model", model.path(), "--input", "1, 2, 3, 4, 5"]);
    check_golden(&out, &case);
}

#[test]
fn json_keys_come_in_the_documented_order() {
    let model = seed_model();
    let out = ok(&["--model", model.path(), "--input", "1, 2"]);
    let keys = [
        "cell",
        "input_size",
        "hidden_size",
        "steps",
        "x",
        "i",
        "f",
        "g",
        "o",
        "c",
        "h",
    ];
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| out.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_object().unwrap().len(), keys.len());
    assert_eq!(v["cell"], "lstm");
    assert_eq!(v["steps"], 2);
}

/// A `[1, H]` refdata state as `V,V,..` text for `--h0` / `--c0`.
fn state_text(t: &Value) -> String {
    data(t)
        .iter()
        .map(|v| format!("{}", *v as f32))
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes the case's batch-0 input as an input file and its h0 as `V,V,..` text.
fn case_inputs(case: &Value) -> (TempFile, String) {
    let x = batch0(&case["x"]);
    let file = TempFile::new("x.json", Value::from(x).to_string());
    (file, state_text(&case["h0"]))
}

#[test]
fn gru_with_input_file_and_negative_h0_matches_pytorch() {
    let case = refdata("gru_forward.json", "gru_rand_h8_d2_t7_b1");
    let model = TempFile::new("gru.json", model_json(&case));
    let (x, h0) = case_inputs(&case);
    assert!(
        h0.contains(",-"),
        "the case should have a negative h0 value: {h0}"
    );
    let out = ok(&[
        "--model",
        model.path(),
        "--input-file",
        x.path(),
        &format!("--h0={h0}"),
    ]);
    check_golden(&out, &case);
}

#[test]
fn rnn_with_input_file_and_negative_h0_matches_pytorch() {
    let case = refdata("rnn_forward.json", "rnn_rand_h8_d2_t7_b1");
    let model = TempFile::new("rnn.json", model_json(&case));
    let (x, h0) = case_inputs(&case);
    assert!(
        h0.contains(",-"),
        "the case should have a negative h0 value: {h0}"
    );
    let out = ok(&[
        &format!("--model={}", model.path()),
        &format!("--input-file={}", x.path()),
        "--h0",
        &h0,
        "--format=json",
    ]);
    check_golden(&out, &case);
}

#[test]
fn separate_negative_values_and_both_states_match_the_library() {
    let model = seed_model();
    let text = std::fs::read_to_string(model.path()).unwrap();
    let p = io::params_from_json(&text).unwrap();
    let init = InitialState {
        h0: vec![-0.5, 0.1, 0.25, -0.3],
        c0: vec![-0.25, 0.0, 0.0, 1.0],
    };
    let trace = forward(&p, parse_sequence("-1, .5, 2", 1).unwrap().view(), &init).unwrap();
    let out = ok(&[
        "--model",
        model.path(),
        "--input",
        "-1, .5, 2",
        "--h0",
        "-0.5,0.1,0.25,-0.3",
        "--c0",
        "-.25,0,0,1",
    ]);
    check_bits(&out, &trace);
    // The `=` spelling gives the same bytes.
    let out2 = ok(&[
        "--model",
        model.path(),
        "--input=-1, .5, 2",
        "--h0=-0.5,0.1,0.25,-0.3",
        "--c0=-.25,0,0,1",
    ]);
    assert_eq!(out, out2);
}

// ---------------------------------------------------------------------------------------------
// round trip and CSV

#[test]
fn json_floats_round_trip_bit_for_bit() {
    for (file, id) in [
        ("lstm_forward.json", "lstm_rand_h8_d5_t7_b2"),
        ("gru_forward.json", "gru_rand_h8_d2_t7_b1"),
        ("rnn_forward.json", "rnn_rand_h8_d2_t7_b1"),
        (
            "lstm_forward.json",
            "lstm_extreme_tiny_zero_bias_h4_d3_t12_b1",
        ),
    ] {
        let case = refdata(file, id);
        let text = model_json(&case);
        let model = TempFile::new("rt.json", &text);
        let s = shape(&case["x"]);
        let (t, b, d) = (s[0], s[1], s[2]);
        let xd = data(&case["x"]);
        let x: Vec<Vec<f64>> = (0..t)
            .map(|i| xd[i * b * d..i * b * d + d].to_vec())
            .collect();
        let xtext = Value::from(x).to_string();
        let xfile = TempFile::new("rt-x.json", &xtext);

        let p = io::params_from_json(&text).unwrap();
        let xs = io::input_from_json(&xtext, p.input_size()).unwrap();
        let trace = forward(&p, xs.view(), &InitialState::default()).unwrap();
        let out = ok(&["--model", model.path(), "--input-file", xfile.path()]);
        check_bits(&out, &trace);
    }
}

#[test]
fn csv_has_one_row_per_step_and_unit_and_agrees_with_json() {
    let model = seed_model();
    let input = "1, 2, 3, 4, 5";
    let json_out = ok(&["--model", model.path(), "--input", input]);
    let csv = ok(&["--model", model.path(), "--input", input, "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    let (t, h) = (5, 4);
    assert_eq!(lines.len(), t * h + 1, "{csv}");
    assert_eq!(lines[0], "t,unit,x,i,f,g,o,c,h");
    let cols = ["i", "f", "g", "o", "c", "h"];
    let from_json: Vec<Vec<u32>> = cols
        .iter()
        .map(|k| f32_bits(&raw_numbers(&json_out, k)))
        .collect();
    let x_json = f32_bits(&raw_numbers(&json_out, "x"));
    for (r, line) in lines[1..].iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 3 + cols.len(), "{line}");
        let (step, unit) = (r / h, r % h);
        assert_eq!(f[0], (step + 1).to_string(), "t is 1-based: {line}");
        assert_eq!(f[1], unit.to_string(), "unit is 0-based: {line}");
        assert_eq!(f32_bits(&[f[2]]), vec![x_json[step]], "{line}");
        for (k, col) in from_json.iter().enumerate() {
            assert_eq!(f32_bits(&[f[3 + k]])[0], col[step * h + unit], "{line}");
        }
    }
}

#[test]
fn csv_with_vector_input_has_one_column_per_dimension() {
    let case = refdata("gru_forward.json", "gru_rand_h8_d2_t7_b1");
    let model = TempFile::new("gru-csv.json", model_json(&case));
    let (x, _) = case_inputs(&case);
    let json_out = ok(&["--model", model.path(), "--input-file", x.path()]);
    let csv = ok(&[
        "--model",
        model.path(),
        "--input-file",
        x.path(),
        "--format=csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7 * 8 + 1);
    assert_eq!(lines[0], "t,unit,x0,x1,r,z,n,h");
    let x_json = f32_bits(&raw_numbers(&json_out, "x"));
    let h_json = f32_bits(&raw_numbers(&json_out, "h"));
    for (r, line) in lines[1..].iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let (step, unit) = (r / 8, r % 8);
        assert_eq!(f32_bits(&f[2..4]), x_json[step * 2..step * 2 + 2], "{line}");
        assert_eq!(f32_bits(&[f[7]])[0], h_json[step * 8 + unit], "{line}");
    }
}

#[test]
fn rnn_csv_header() {
    let case = refdata("rnn_forward.json", "rnn_classic_h4_d1_t5");
    let model = TempFile::new("rnn-csv.json", model_json(&case));
    let csv = ok(&[
        "--model",
        model.path(),
        "--input",
        "1;2;3",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().next(), Some("t,unit,x,h"));
    assert_eq!(csv.lines().count(), 3 * 4 + 1);
}

// ---------------------------------------------------------------------------------------------
// help, pipes

#[test]
fn help_goes_to_stdout_and_succeeds() {
    for flag in ["--help", "-h"] {
        let out = ok(&[flag]);
        assert!(out.contains("Usage: gatescope-trace --model"), "{out}");
        assert!(out.contains("--input-file"));
    }
    // Help wins even next to bad arguments.
    assert!(ok(&["--bogus", "-h"]).contains("Usage"));
}

#[test]
fn closed_stdout_is_not_a_panic() {
    let model = seed_model();
    let input = (0..20_000)
        .map(|k| (k % 7).to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut child = Command::new(BIN)
        .args(["--model", model.path(), "--input", &input])
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: the output (megabytes) cannot fit the pipe's buffer.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(status.code(), Some(0));
}

// ---------------------------------------------------------------------------------------------
// bad input: status 2 and exactly one line that says what and where

#[test]
fn usage_errors() {
    let model = seed_model();
    let m = model.path();
    bad(&["--bogus"], &["--bogus"]);
    bad(&["--model", m, "--input", "1", "--verbose"], &["--verbose"]);
    bad(&["--model", m, "--input", "1", "stray"], &["stray"]);
    bad(&["--input", "1, 2"], &["--model"]);
    bad(&[], &["--model"]);
    bad(&["--model"], &["--model"]);
    bad(&["--model=", "--input", "1"], &["--model"]);
    bad(&["--model", m], &["--input", "--input-file"]);
    bad(
        &["--model", m, "--input", "1", "--input-file", "x.json"],
        &["--input", "--input-file", "not both"],
    );
    bad(&["--model", m, "--input"], &["--input"]);
    bad(&["--model", m, "--input", "1", "--model", m], &["--model"]);
    bad(
        &["--model", m, "--input", "1", "--format", "xml"],
        &["xml", "--format"],
    );
    bad(&["--model", m, "--input", "1", "--format=YAML"], &["YAML"]);
    // An option-looking word after an option that needs a value is not taken as the value.
    bad(
        &["--model", m, "--input", "1", "--h0", "-x"],
        &["--h0", "-x"],
    );
    bad(
        &["--model", m, "--h0", "--input", "1"],
        &["--h0", "--input"],
    );
}

#[test]
fn file_errors_name_the_file() {
    let missing = std::env::temp_dir().join(format!(
        "gatescope-cli-test-{}-does-not-exist.json",
        std::process::id()
    ));
    let missing = missing.to_str().unwrap();
    bad(&["--model", missing, "--input", "1"], &[missing]);

    let broken = TempFile::new(
        "broken.json",
        "{\"cell\": \"lstm\", \"weight_ih_l0\": [[1.0],",
    );
    bad(
        &["--model", broken.path(), "--input", "1"],
        &[broken.path(), "JSON", "line 1"],
    );

    let model = seed_model();
    bad(
        &["--model", model.path(), "--input-file", missing],
        &[missing, "input file"],
    );
    let not_json = TempFile::new("x-broken.json", "[[1], [2],");
    bad(
        &["--model", model.path(), "--input-file", not_json.path()],
        &[not_json.path(), "JSON"],
    );
}

fn classic_model_value() -> Value {
    serde_json::from_str(&model_json(&classic().0)).unwrap()
}

#[test]
fn wrong_shapes_name_the_key_and_both_shapes() {
    let mut v = classic_model_value();
    // weight_ih [16, 1] with one row missing.
    v["weight_ih_l0"].as_array_mut().unwrap().pop();
    let f = TempFile::new("shape.json", v.to_string());
    bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "weight_ih_l0", "[16, 1]", "[15, 1]"],
    );

    let mut v = classic_model_value();
    v["bias_hh_l0"].as_array_mut().unwrap().push(json!(0.5));
    let f = TempFile::new("bias.json", v.to_string());
    bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "bias_hh_l0", "[16]", "[17]"],
    );

    let mut v = classic_model_value();
    v.as_object_mut().unwrap().remove("weight_hh_l0");
    let f = TempFile::new("nokey.json", v.to_string());
    bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "weight_hh_l0"],
    );

    let mut v = classic_model_value();
    v["cell"] = json!("transformer");
    let f = TempFile::new("cell.json", v.to_string());
    bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "transformer"],
    );

    let mut v = classic_model_value();
    v["weight_hh_l0"][2][1] = json!("oops");
    let f = TempFile::new("nan.json", v.to_string());
    bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "weight_hh_l0[2][1]", "oops"],
    );

    // An input file whose steps have the wrong width for D = 1... is fine as scalars, so use
    // a D = 2 model.
    let case = refdata("gru_forward.json", "gru_rand_h8_d2_t7_b1");
    let gru = TempFile::new("gru-bad.json", model_json(&case));
    let x = TempFile::new("x3.json", "[[1, 2], [3, 4, 5]]");
    bad(
        &["--model", gru.path(), "--input-file", x.path()],
        &[x.path(), "step 1", "3 values", "expected 2"],
    );
    bad(
        &["--model", gru.path(), "--input", "1 2; 3; 4 5"],
        &["--input", "step 2", "character 6", "expected 2"],
    );
}

#[test]
fn non_finite_values_are_refused() {
    let mut v = classic_model_value();
    v["weight_hh_l0"][0][3] = json!(1e39);
    let f = TempFile::new("inf.json", v.to_string());
    let line = bad(
        &["--model", f.path(), "--input", "1"],
        &[f.path(), "weight_hh_l0[0][3]", "not finite"],
    );
    assert!(!line.contains("at  is"), "{line}");

    let model = seed_model();
    let m = model.path();
    bad(
        &["--model", m, "--input", "1, nan, 3"],
        &["\"nan\"", "character 4", "finite"],
    );
    bad(
        &["--model", m, "--input", "1, 2, inf"],
        &["\"inf\"", "character 7"],
    );
    bad(
        &["--model", m, "--input", "1e39"],
        &["\"1e39\"", "too large"],
    );
    let x = TempFile::new("x-inf.json", "[[1], [1e39]]");
    bad(
        &["--model", m, "--input-file", x.path()],
        &[x.path(), "[1][0]", "not finite"],
    );
    bad(
        &["--model", m, "--input", "1", "--h0=0,NaN,0,0"],
        &["--h0", "\"NaN\""],
    );
}

#[test]
fn bad_tokens_name_the_token_and_position() {
    let model = seed_model();
    let m = model.path();
    bad(
        &["--model", m, "--input", "1, 2, abc, 4"],
        &["\"abc\"", "character 7", "--input"],
    );
    bad(&["--model", m, "--input", "  ;  "], &["--input", "empty"]);
    bad(
        &["--model", m, "--input", "1", "--h0", "0,0,x,0"],
        &["--h0", "\"x\"", "character 5"],
    );
}

#[test]
fn initial_state_errors() {
    let model = seed_model();
    let m = model.path();
    bad(
        &["--model", m, "--input", "1", "--h0=-0.5,0.1"],
        &["--h0", "expected 4", "found 2"],
    );
    bad(
        &["--model", m, "--input", "1", "--c0", "1,2,3,4,5"],
        &["--c0", "expected 4", "found 5"],
    );
    for (file, id) in [
        ("gru_forward.json", "gru_classic_h4_d1_t5"),
        ("rnn_forward.json", "rnn_classic_h4_d1_t5"),
    ] {
        let f = TempFile::new("noc.json", model_json(&refdata(file, id)));
        bad(
            &["--model", f.path(), "--input", "1", "--c0=0,0,0,0"],
            &["--c0", "LSTM"],
        );
    }
}

#[test]
fn control_characters_stay_on_one_line() {
    let model = seed_model();
    bad(
        &["--model", "no\nsuch\rfile.json", "--input", "1"],
        &["no\\nsuch\\rfile.json"],
    );
    bad(
        &["--model", model.path(), "--input", "1", "--be\nep"],
        &["--be\\nep"],
    );
}

#[test]
fn library_and_cli_agree_on_parsing() {
    // The CLI's `--input` is exactly `parse_sequence`: same T, same values.
    let model = seed_model();
    let text = "1, 2 3;4\n5 −1.5";
    let out = ok(&["--model", model.path(), "--input", text]);
    let xs: Array2<f32> = parse_sequence(text, 1).unwrap();
    assert_eq!(f32_bits(&raw_numbers(&out, "x")), trace_bits(xs.view()));
}

// ---------------------------------------------------------------------------------------------
// --target: loss and BPTT gradients

/// Writes the case's batch-0 target as a `[T][H]` target file.
fn target_file(case: &Value) -> TempFile {
    TempFile::new("y.json", Value::from(batch0(&case["target"])).to_string())
}

/// A `[K]` JSON list from the CLI output as f64.
fn list(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Checks `"loss"` and every entry of `"grads"` against the golden gradient case (batch 0),
/// |a − b| ≤ 1e-4·max(1, |b|), and that `"grads"` holds exactly the documented keys.
fn check_golden_grads(out: &str, case: &Value) {
    let v: Value = serde_json::from_str(out).unwrap();
    let id = case["id"].as_str().unwrap();
    let close = |what: &str, got: &[f64], want: &[f64]| {
        assert_eq!(got.len(), want.len(), "{id}: {what}: length");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-4 * w.abs().max(1.0),
                "{id}: {what}[{k}] = {g}, golden {w}"
            );
        }
    };
    close(
        "loss",
        &[v["loss"].as_f64().unwrap()],
        &[case["loss"].as_f64().unwrap()],
    );
    let golden = &case["grads"];
    let grads = v["grads"].as_object().unwrap();
    let lstm = case["cell"] == "lstm";
    let mut keys = vec![
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "x",
        "h0",
    ];
    if lstm {
        keys.push("c0");
    }
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        grads.keys().map(String::as_str).collect::<Vec<_>>(),
        sorted,
        "{id}: grads keys"
    );
    // serde_json's map sorts keys; check the printed order in the text.
    let text = &out[out.find("\"grads\":").unwrap()..];
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{id}: grads key order");
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert!(
        top.contains(&"loss") && top.contains(&"grads"),
        "{id}: {top:?}"
    );
    for (key, name) in [("weight_ih_l0", "weight_ih"), ("weight_hh_l0", "weight_hh")] {
        let (got, want) = (matrix(&grads[key]), matrix(&rows(&golden[name])));
        assert_eq!(got.len(), want.len(), "{id}: {key} rows");
        for (r, (g, w)) in got.iter().zip(&want).enumerate() {
            close(&format!("{key}[{r}]"), g, w);
        }
    }
    for (key, name) in [("bias_ih_l0", "bias_ih"), ("bias_hh_l0", "bias_hh")] {
        close(key, &list(&grads[key]), &data(&golden[name]));
    }
    let (gx, wx) = (matrix(&grads["x"]), batch0(&golden["x"]));
    assert_eq!(gx.len(), wx.len(), "{id}: x steps");
    for (t, (g, w)) in gx.iter().zip(&wx).enumerate() {
        close(&format!("x[{t}]"), g, w);
    }
    close("h0", &list(&grads["h0"]), &data(&golden["h0"]));
    if lstm {
        close("c0", &list(&grads["c0"]), &data(&golden["c0"]));
    }
}

/// The forward keys are printed exactly as without --target: that output, minus its closing
/// brace, starts the output with --target.
fn assert_forward_unchanged(without: &str, with: &str) {
    let head = without.strip_suffix("\n}\n").unwrap();
    assert!(with.starts_with(head), "forward part changed");
    let tail = &with[head.len()..];
    assert!(tail.starts_with(",\n  \"loss\": "), "{with}");
    assert!(
        tail.contains(",\n  \"grads\": {\n    \"weight_ih_l0\": "),
        "{with}"
    );
    assert!(tail.ends_with("\n  }\n}\n"), "{with}");
}

#[test]
fn target_gives_pytorch_loss_and_gradients_for_the_seed_example() {
    let case = refdata("lstm_grad.json", "lstm_grad_classic_h4_d1_t5");
    let model = TempFile::new("grad.json", model_json(&case));
    let y = target_file(&case);
    let args = ["--model", model.path(), "--input", "1, 2, 3, 4, 5"];
    let out = ok(&[&args[..], &["--target", y.path()]].concat());
    check_golden(&out, &case);
    check_golden_grads(&out, &case);
    assert_forward_unchanged(&ok(&args), &out);
    // The `=` spelling and any position work too.
    let target_arg = format!("--target={}", y.path());
    assert_eq!(ok(&[&[target_arg.as_str()], &args[..]].concat()), out);
}

#[test]
fn target_gives_pytorch_gradients_for_gru_and_rnn() {
    for (file, id) in [
        ("gru_grad.json", "gru_grad_h3_d2_t6_b1"),
        ("rnn_grad.json", "rnn_grad_h3_d2_t6_b1"),
        ("rnn_grad.json", "rnn_grad_classic_h4_d1_t5"),
    ] {
        let case = refdata(file, id);
        let model = TempFile::new("grad.json", model_json(&case));
        let (x, h0) = case_inputs(&case);
        let y = target_file(&case);
        let h0 = format!("--h0={h0}");
        let args = ["--model", model.path(), "--input-file", x.path(), &h0];
        let out = ok(&[&args[..], &["--target", y.path()]].concat());
        check_golden(&out, &case);
        check_golden_grads(&out, &case);
        assert_forward_unchanged(&ok(&args), &out);
        assert!(!out.contains("\"c0\""), "{id}: c0 for a non-LSTM");
    }
}

#[test]
fn target_gradients_are_the_library_values_bit_for_bit() {
    let case = refdata("lstm_grad.json", "lstm_grad_h3_d2_t6_b1");
    let text = model_json(&case);
    let model = TempFile::new("grad.json", &text);
    let (x, h0) = case_inputs(&case);
    let c0 = state_text(&case["c0"]);
    let y = target_file(&case);
    let out = ok(&[
        "--model",
        model.path(),
        "--input-file",
        x.path(),
        &format!("--h0={h0}"),
        &format!("--c0={c0}"),
        "--target",
        y.path(),
    ]);
    check_golden_grads(&out, &case);

    let p = io::params_from_json(&text).unwrap();
    let xs =
        io::input_from_json(&std::fs::read_to_string(x.path()).unwrap(), p.input_size()).unwrap();
    let parse = |s: &str| s.split(',').map(|v| v.parse::<f32>().unwrap()).collect();
    let init = InitialState {
        h0: parse(&h0),
        c0: parse(&c0),
    };
    let trace = forward(&p, xs.view(), &init).unwrap();
    let ys = io::target_from_json(&std::fs::read_to_string(y.path()).unwrap(), 6, 3).unwrap();
    let (loss, dl_dh) = mse_loss(&trace, ys.view()).unwrap();
    let g = backward(&p, &trace, dl_dh.view()).unwrap();
    check_bits(&out, &trace);
    let loss_token = out
        .split("\"loss\": ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert_eq!(f32_bits(&[loss_token]), vec![loss.to_bits()], "loss");
    let grads = &out[out.find("\"grads\":").unwrap()..];
    let bits = |a: &mut dyn Iterator<Item = &f32>| a.map(|v| v.to_bits()).collect::<Vec<_>>();
    for (key, want) in [
        ("weight_ih_l0", bits(&mut g.weight_ih.iter())),
        ("weight_hh_l0", bits(&mut g.weight_hh.iter())),
        ("bias_ih_l0", bits(&mut g.bias_ih.iter())),
        ("bias_hh_l0", bits(&mut g.bias_hh.iter())),
        ("x", bits(&mut g.x.iter())),
        ("h0", bits(&mut g.h0.iter())),
        ("c0", bits(&mut g.c0.iter())),
    ] {
        assert_eq!(f32_bits(&raw_numbers(grads, key)), want, "{key}");
    }
}

#[test]
fn target_errors_name_the_file_and_both_shapes() {
    let case = refdata("lstm_grad.json", "lstm_grad_classic_h4_d1_t5");
    let model = TempFile::new("grad.json", model_json(&case));
    let m = model.path();
    let run_with = |y: &TempFile, needles: &[&str]| {
        bad(
            &[
                "--model",
                m,
                "--input",
                "1, 2, 3, 4, 5",
                "--target",
                y.path(),
            ],
            &[&[y.path()][..], needles].concat(),
        )
    };
    // H = 4, T = 5 expected.
    let narrow = TempFile::new("y-narrow.json", "[[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]]");
    let line = run_with(
        &narrow,
        &["target", "expected shape [5][4]", "found [5][3]"],
    );
    assert!(
        line.contains("5 input steps") && line.contains("4 hidden units"),
        "{line}"
    );
    let short = TempFile::new("y-short.json", "[[1,2,3,4],[1,2,3,4]]");
    run_with(&short, &["expected shape [5][4]", "found [2][4]"]);
    let flat = TempFile::new("y-flat.json", "[1, 2, 3, 4, 5]");
    run_with(&flat, &["expected shape [5][4]", "found [5] (a flat list)"]);
    let empty = TempFile::new("y-empty.json", "[]");
    run_with(&empty, &["expected shape [5][4]", "found [0]"]);
    let ragged = TempFile::new(
        "y-ragged.json",
        "[[1,2,3,4],[1,2,3,4],[1,2,3],[1,2,3,4],[1,2,3,4]]",
    );
    run_with(&ragged, &["target [2]", "3 values", "step 0 has 4"]);
    let mixed = TempFile::new("y-mixed.json", "[[1,2,3,4], 5]");
    run_with(&mixed, &["target [1]", "expected a list of 4 numbers"]);
    let word = TempFile::new(
        "y-word.json",
        "[[1,2,3,4],[1,2,3,4],[1,2,\"x\",4],[1,2,3,4],[1,2,3,4]]",
    );
    run_with(&word, &["target [2][2]", "expected a number"]);
    let huge = TempFile::new(
        "y-huge.json",
        "[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4e39],[1,2,3,4]]",
    );
    run_with(&huge, &["target [3][3]", "not finite"]);
    let object = TempFile::new("y-object.json", "{\"y\": []}");
    run_with(&object, &["target", "list of steps"]);
    let broken = TempFile::new("y-broken.json", "[[1, 2,");
    run_with(&broken, &["target", "JSON", "line 1"]);

    let missing = std::env::temp_dir().join(format!(
        "gatescope-cli-test-{}-no-target.json",
        std::process::id()
    ));
    let missing = missing.to_str().unwrap();
    bad(
        &["--model", m, "--input", "1", "--target", missing],
        &[missing, "target file"],
    );
}

#[test]
fn target_needs_json_output_and_a_value() {
    let model = seed_model();
    let m = model.path();
    let y = TempFile::new("y.json", "[[0,0,0,0]]");
    fn args<'a>(m: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        [&["--model", m, "--input", "1"][..], rest].concat()
    }
    bad(
        &args(m, &["--target", y.path(), "--format", "csv"]),
        &["--target", "JSON", "--format csv"],
    );
    bad(&args(m, &["--target="]), &["--target", "Y.json"]);
    bad(&args(m, &["--target"]), &["--target", "Y.json"]);
    bad(
        &args(m, &["--target", y.path(), "--target", y.path()]),
        &["--target", "more than once"],
    );
    // A one-step target for a one-step input works, and --format json is accepted.
    let out = ok(&[
        "--model",
        m,
        "--input",
        "1",
        "--target",
        y.path(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["loss"].as_f64().unwrap() > 0.0);
    assert_eq!(matrix(&v["grads"]["weight_hh_l0"]).len(), 16);
}

#[test]
fn help_documents_target() {
    let out = ok(&["--help"]);
    for needle in [
        "--target Y.json",
        "\"loss\"",
        "\"grads\"",
        "\"weight_ih_l0\" [G*H][D]",
        "\"c0\" [H] for LSTM only",
        "--target needs JSON output",
    ] {
        assert!(out.contains(needle), "help lacks {needle:?}:\n{out}");
    }
}
