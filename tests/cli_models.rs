//! `gatescope-trace` with stacked, bidirectional and ONNX / safetensors models: the stacked
//! JSON schema against the float64 stack golden data (`tests/data/stack`), every example
//! model of `examples/models` against its float64 output, and a table of hostile files,
//! each exit 2 with one line naming the file.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{bad, run};

use common::temp::TempFile;

use serde_json::{json, Map, Value};

fn repo(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn ok(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn data(t: &Value) -> Vec<f64> {
    t["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn shape(t: &Value) -> Vec<usize> {
    let s = t["shape"].as_array().unwrap();
    s.iter().map(|v| v.as_u64().unwrap() as usize).collect()
}

/// A refdata-style tensor as nested JSON lists.
fn nested(t: &Value) -> Value {
    let (s, d) = (shape(t), data(t));
    match s.len() {
        1 => json!(d),
        _ => {
            let cols = s[1..].iter().product::<usize>();
            Value::from(d.chunks(cols).map(|c| json!(c)).collect::<Vec<_>>())
        }
    }
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-5 * want.abs().max(1.0)
}

/// Compares a printed `[T][K]` matrix with a flat row-major reference.
fn assert_matrix(what: &str, got: &Value, want: &[f64]) {
    let flat: Vec<f64> = got
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
        .collect();
    assert_eq!(flat.len(), want.len(), "{what}: size");
    for (k, (g, w)) in flat.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{what}[{k}]: {g} vs float64 {w}");
    }
}

#[test]
fn stacked_bidirectional_output_has_the_documented_schema_and_golden_values() {
    let text = std::fs::read_to_string(repo("tests/data/stack/stack_forward.json")).unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for case in cases["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let mut model = Map::new();
        model.insert("cell".into(), case["cell"].clone());
        for (k, v) in case["params"].as_object().unwrap() {
            model.insert(k.clone(), nested(v));
        }
        let model = TempFile::new("m.json", Value::Object(model).to_string().as_bytes());
        let x = TempFile::new("x.json", nested(&case["x"]).to_string().as_bytes());
        let states = |k: &str| {
            data(&case[k])
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let h0 = format!("--h0={}", states("h0"));
        let c0 = (case["cell"] == "lstm").then(|| format!("--c0={}", states("c0")));
        let mut args = vec!["--model", model.path(), "--input-file", x.path(), &h0];
        args.extend(c0.as_deref());
        let out = ok(&args);
        let keys: Vec<&str> = out
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let want_keys = [
            "cell",
            "input_size",
            "hidden_size",
            "num_layers",
            "bidirectional",
            "steps",
            "x",
            "layers",
            "output",
        ];
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        let mut want_sorted = want_keys.to_vec();
        want_sorted.sort_unstable();
        assert_eq!(sorted, want_sorted, "{id}: keys");
        assert_eq!(out["num_layers"], case["num_layers"], "{id}");
        assert_eq!(out["bidirectional"], case["bidirectional"], "{id}");
        let traces = case["expected"]["traces"].as_array().unwrap();
        let layers = out["layers"].as_array().unwrap();
        assert_eq!(
            layers.len(),
            traces.len(),
            "{id}: one entry per layer-direction"
        );
        for (got, want) in layers.iter().zip(traces) {
            let dir = if want["reverse"] == true {
                "reverse"
            } else {
                "forward"
            };
            assert_eq!(got["layer"], want["layer"], "{id}");
            assert_eq!(got["direction"], dir, "{id}");
            for (s, t) in want["series"].as_object().unwrap() {
                let what = format!("{id} {} {s}", want["name"]);
                assert_matrix(&what, &got[s], &data(t));
                checked += 1;
            }
        }
        assert_matrix(
            &format!("{id} output"),
            &out["output"],
            &data(&case["expected"]["output"]),
        );
    }
    assert!(checked > 50, "{checked} series compared");
}

#[test]
fn every_example_model_gives_its_float64_output() {
    let text = std::fs::read_to_string(repo("examples/models/expected.json")).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    for m in expected["models"].as_array().unwrap() {
        let file = repo(&format!("examples/models/{}", m["file"].as_str().unwrap()));
        let x = TempFile::new("x.json", nested(&m["x"]).to_string().as_bytes());
        let out = ok(&["--model", &file, "--input-file", x.path()]);
        let want = data(&m["output"]);
        if m["num_layers"] == 1 && m["bidirectional"] == false {
            // One layer, one direction: the output keeps the schema of earlier versions.
            assert!(
                out.get("layers").is_none() && out.get("num_layers").is_none(),
                "{file}"
            );
            assert_matrix(&file, &out["h"], &want);
        } else {
            assert_matrix(&file, &out["output"], &want);
        }
    }
}

#[test]
fn stacked_models_print_csv_per_layer_and_refuse_targets() {
    let file = repo("examples/models/lstm-2layer-bidir.safetensors");
    let out = run(&["--model", &file, "--input", "1, 2, 3", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("layer,direction,t,unit,x0,"), "{header}");
    assert!(header.ends_with(",i,f,g,o,c,h"), "{header}");
    // 2 layers × 2 directions × 3 steps × 8 units.
    assert_eq!(lines.clone().count(), 2 * 2 * 3 * 8);
    assert!(lines.any(|l| l.starts_with("1,reverse,3,7,")));
    let target = TempFile::new("y.json", b"[[0,0,0,0,0,0,0,0]]");
    bad(
        &["--model", &file, "--input", "1", "--target", target.path()],
        &["--target", "one-layer", "2 layer(s), 2 direction(s)"],
    );
    bad(
        &["--model", &file, "--input", "1", "--h0", "0.5,0.5"],
        &["--h0", "32"],
    );
}

#[test]
fn cell_and_prefix_options() {
    let gru = repo("examples/models/gru-small.safetensors");
    let out = ok(&["--model", &gru, "--input", "1 0; 2 0"]);
    assert_eq!(out["cell"], "gru");
    bad(
        &["--model", &gru, "--input", "1 0", "--cell", "lstm"],
        &["gru-small.safetensors", "LSTM"],
    );
    bad(
        &["--model", &gru, "--input", "1 0", "--cell", "tree"],
        &["--cell", "tree"],
    );
    let layer = |seed: f64| {
        json!({
            "weight_ih_l0": [[seed], [0.1], [0.2], [0.3]],
            "weight_hh_l0": [[0.1], [0.2], [0.3], [seed]],
            "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0]
        })
    };
    let mut two = Map::new();
    for (prefix, seed) in [("encoder.lstm.", 0.5), ("decoder.lstm.", -0.5)] {
        for (k, v) in layer(seed).as_object().unwrap() {
            two.insert(format!("{prefix}{k}"), v.clone());
        }
    }
    let file = TempFile::new("two.json", Value::Object(two).to_string().as_bytes());
    bad(
        &["--model", file.path(), "--input", "1"],
        &["two.json", "encoder.lstm", "decoder.lstm", "--prefix"],
    );
    let out = ok(&[
        "--model",
        file.path(),
        "--input",
        "1",
        "--prefix",
        "decoder.lstm",
    ]);
    assert_eq!(
        (out["cell"].as_str(), out["hidden_size"].as_u64()),
        (Some("lstm"), Some(1))
    );
}

#[test]
fn hostile_files_get_exit_2_and_one_line_naming_the_file() {
    let example = std::fs::read(repo("examples/models/lstm-2layer-bidir.safetensors")).unwrap();
    let onnx = std::fs::read(repo("examples/models/lstm-small.onnx")).unwrap();
    let mut huge_header = (u64::MAX / 2).to_le_bytes().to_vec();
    huge_header.extend_from_slice(b"{}");
    let declared =
        br#"{"weight_ih_l0":{"dtype":"F32","shape":[100000000,100000000],"data_offsets":[0,4]}}"#;
    let mut huge_shape = (declared.len() as u64).to_le_bytes().to_vec();
    huge_shape.extend_from_slice(declared);
    huge_shape.extend_from_slice(&[0; 4]);
    let nan = br#"{"cell":"rnn","weight_ih_l0":[[1e39]],"weight_hh_l0":[[0.5]],"bias_ih_l0":[0],"bias_hh_l0":[0]}"#;
    let incomplete = br#"{"cell":"rnn","weight_ih_l0":[[1]],"weight_hh_l0":[[0.5]],"bias_ih_l0":[0],"bias_hh_l0":[0],"weight_ih_l1":[[1]],"bias_ih_l1":[0],"bias_hh_l1":[0]}"#;
    let table: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "truncated.safetensors",
            example[..example.len() / 2].to_vec(),
            &[],
        ),
        ("header-cut.safetensors", example[..20].to_vec(), &[]),
        ("empty.safetensors", Vec::new(), &[]),
        (
            "magic.safetensors",
            b"PK\x03\x04 not a safetensors file".to_vec(),
            &[],
        ),
        ("huge-header.safetensors", huge_header, &[]),
        ("huge-shape.safetensors", huge_shape, &["weight_ih_l0"]),
        ("nan.json", nan.to_vec(), &["weight_ih_l0", "not finite"]),
        ("incomplete.json", incomplete.to_vec(), &["weight_hh_l1"]),
        ("truncated.onnx", onnx[..onnx.len() / 2].to_vec(), &[]),
        ("empty.onnx", Vec::new(), &[]),
        ("text.onnx", b"this is not protobuf at all".to_vec(), &[]),
        (
            "model.bin",
            b"whatever".to_vec(),
            &[".json", ".safetensors", ".onnx"],
        ),
    ];
    for (name, bytes, needles) in table {
        let file = TempFile::new(name, &bytes);
        let mut all = vec![file.path()];
        all.extend_from_slice(needles);
        let line = bad(&["--model", file.path(), "--input", "1"], &all);
        println!("{name}: {}", line.trim_end());
    }
    // Larger than the limit: refused by its size, before it is read.
    let big = TempFile::new("big.safetensors", b"");
    std::fs::File::options()
        .write(true)
        .open(big.path())
        .unwrap()
        .set_len(gatescope_formats::MAX_FILE_BYTES + 1)
        .unwrap();
    bad(
        &["--model", big.path(), "--input", "1"],
        &["big.safetensors", "MB"],
    );
}

/// ONNX `direction = "reverse"` alone: printed with its direction, and computed backwards
/// from the file's own initial states (batch element 0's), as refdata's float64 `Y` says.
#[test]
fn a_reverse_only_onnx_layer_runs_backwards() {
    let text = std::fs::read_to_string(repo("tests/data/refdata/onnx_extra_lstm.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "extra_lstm_reverse_public")
        .unwrap();
    let (x, y) = (&case["inputs"]["X"], &case["expected_f64"]["Y"]);
    let ([t_len, batch, d], [_, _, _, h]) = (
        <[usize; 3]>::try_from(shape(x)).unwrap(),
        <[usize; 4]>::try_from(shape(y)).unwrap(),
    );
    // Layout 0: X [T, B, D], Y [T, 1, B, H]; batch element 0.
    let xs = data(x);
    let steps: Vec<Vec<f64>> = (0..t_len)
        .map(|t| xs[t * batch * d..t * batch * d + d].to_vec())
        .collect();
    let xfile = TempFile::new("x.json", json!(steps).to_string().as_bytes());
    let model =
        repo("crates/gatescope-formats/tests/data/onnx/cases/extra_lstm_reverse_public.onnx");
    let out = ok(&["--model", &model, "--input-file", xfile.path()]);
    assert_eq!(out["layers"][0]["direction"], "reverse");
    assert_eq!(out["num_layers"], 1);
    let ys = data(y);
    let want: Vec<f64> = (0..t_len)
        .flat_map(|t| ys[t * batch * h..t * batch * h + h].to_vec())
        .collect();
    assert_matrix("reverse Y", &out["output"], &want);
    assert_matrix("reverse h", &out["layers"][0]["h"], &want);
    bad(
        &[
            "--model",
            &model,
            "--input",
            "1 2",
            "--target",
            xfile.path(),
        ],
        &["--target", "run forward", "reverse"],
    );
}
