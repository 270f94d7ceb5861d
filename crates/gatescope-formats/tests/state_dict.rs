//! PyTorch state_dicts as JSON and safetensors: round trips, files written by the Python
//! `safetensors` package (and ours read by it), names; hostile inputs in
//! `state_dict/hostile.rs` (safetensors) and `state_dict/names.rs` (names, JSON, writers).

#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use gatescope_core::{io, CellKind, InitConfig, Params, Stack};
use gatescope_formats::state_dict::{
    bf16_to_f32, f16_to_f32, from_json, from_safetensors, to_json, to_safetensors,
};
use gatescope_formats::{Format, LoadOptions, ModelFile};
use safetensors::tensor::Dtype;
use serde_json::{json, Value};

#[path = "state_dict/common.rs"]
mod common;
#[path = "state_dict/hostile.rs"]
mod hostile;
#[path = "state_dict/names.rs"]
mod names;

use common::*;

fn configs() -> Vec<(&'static str, Stack)> {
    vec![
        ("1-layer LSTM", stack(CellKind::Lstm, 5, 3, 1, false, 1)),
        (
            "2-layer bidirectional LSTM",
            stack(CellKind::Lstm, 4, 2, 2, true, 10),
        ),
        ("3-layer GRU", stack(CellKind::Gru, 6, 3, 3, false, 20)),
        ("RNN", stack(CellKind::Rnn, 7, 2, 1, false, 30)),
        (
            "2-layer bidirectional RNN",
            stack(CellKind::Rnn, 3, 1, 2, true, 40),
        ),
    ]
}

#[test]
fn json_and_safetensors_round_trip_bit_for_bit() {
    for (what, s) in configs() {
        let text = to_json(&s).unwrap();
        let back = from_json(&text, &opts()).unwrap();
        assert_eq!(bits(&back.stack), bits(&s), "JSON {what}");
        assert_eq!(back.stack, s, "JSON {what}");
        assert_eq!((back.format, back.source.as_str()), (Format::Json, ""));
        assert!(back.ignored.is_empty() && back.init.is_empty());

        let bytes = to_safetensors(&s).unwrap();
        let back = from_safetensors(&bytes, &opts()).unwrap();
        assert_eq!(bits(&back.stack), bits(&s), "safetensors {what}");
        assert_eq!(back.stack, s, "safetensors {what}");
        assert_eq!(
            (back.format, back.source.as_str()),
            (Format::Safetensors, "")
        );
        assert!(back.ignored.is_empty());
        assert_eq!(
            to_safetensors(&s).unwrap(),
            bytes,
            "the same bytes every time"
        );
    }
}

#[test]
fn json_is_written_cell_first_then_layer_major_forward_before_reverse() {
    let text = to_json(&stack(CellKind::Lstm, 2, 1, 2, true, 3)).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    let order = [
        "cell",
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l0_reverse",
        "bias_hh_l0_reverse",
        "weight_ih_l1",
        "bias_hh_l1_reverse",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}", w[0], w[1]);
    }
    assert!(text.starts_with("{\n\"cell\": \"lstm\""), "{text}");
}

#[test]
fn json_keeps_every_f32_bit_pattern() {
    // Edge values, then pseudo-random finite bit patterns over every exponent.
    let mut values = vec![
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x007f_ffff),
        f32::MAX,
        f32::MIN,
        0.1,
        1.0 / 3.0,
        16_777_217.0,
        1e-38,
        3.4e38,
        -2.5e-45,
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while values.len() < 128 * 64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f32::from_bits(x as u32);
        if v.is_finite() {
            values.push(v);
        }
    }
    let weight_ih = ndarray::Array2::from_shape_vec((128, 64), values).unwrap();
    let p = Params::new(
        CellKind::Lstm,
        weight_ih,
        ndarray::Array2::zeros((128, 32)),
        ndarray::Array1::zeros(128),
        ndarray::Array1::from(vec![-0.0; 128]),
    )
    .unwrap();
    let s = Stack::single(p).unwrap();
    let back = from_json(&to_json(&s).unwrap(), &opts()).unwrap().stack;
    assert_eq!(bits(&back), bits(&s));
}

#[test]
fn reads_what_the_single_layer_reader_reads() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let p = Params::init(
            kind,
            3,
            2,
            InitConfig {
                seed: 5,
                ..Default::default()
            },
        )
        .unwrap();
        let text = io::params_to_json(&p);
        for variant in [
            text.clone(),
            text.replace("_l0", ""),
            text.replace(&format!("\"cell\":\"{}\",", kind.name()), ""),
        ] {
            let m = from_json(&variant, &opts()).unwrap();
            assert_eq!(m.stack.as_single(), Some(&p), "{variant}");
            assert_eq!(
                m.stack.as_single(),
                Some(&io::params_from_json(&variant).unwrap())
            );
            assert!(m.ignored.is_empty(), "\"cell\" is not an ignored tensor");
        }
    }
}

fn load_fixture(stem: &str) -> (ModelFile, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/state_dict");
    let bytes = std::fs::read(dir.join(format!("{stem}.safetensors"))).unwrap();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{stem}.expected.json"))).unwrap(),
    )
    .unwrap();
    (from_safetensors(&bytes, &opts()).unwrap(), expected)
}

/// Checks a model read from a fixture against what `make.py` stored beside it.
fn check_fixture(m: &ModelFile, e: &Value) {
    assert_eq!(m.source, e["prefix"].as_str().unwrap());
    assert_eq!(m.stack.kind().name(), e["cell"].as_str().unwrap());
    assert_eq!(m.stack.num_layers() as u64, e["layers"].as_u64().unwrap());
    assert_eq!(
        m.stack.is_bidirectional(),
        e["bidirectional"].as_bool().unwrap()
    );
    assert_eq!(m.stack.hidden_size() as u64, e["hidden"].as_u64().unwrap());
    assert_eq!(m.stack.input_size() as u64, e["input"].as_u64().unwrap());
    let ignored: Vec<String> = serde_json::from_value(e["ignored"].clone()).unwrap();
    assert_eq!(m.ignored, ignored, "ignored keys in file (data) order");
    let got = bits(&m.stack);
    let tensors = e["tensors"].as_object().unwrap();
    for (name, (shape, b)) in &got {
        match tensors.get(name) {
            Some(t) => {
                let want: Vec<u32> = serde_json::from_value(t["bits"].clone()).unwrap();
                let want_shape: Vec<usize> = serde_json::from_value(t["shape"].clone()).unwrap();
                assert_eq!(shape, &want_shape, "{name}");
                assert_eq!(b, &want, "{name} ({})", t["dtype"]);
            }
            // bias=False: the reader's zeros.
            None => assert!(
                name.starts_with("bias") && b.iter().all(|&x| x == 0),
                "{name}"
            ),
        }
    }
    assert!(tensors.keys().all(|k| got.contains_key(k)));
}

#[test]
fn reads_the_python_packages_file_with_f16_bf16_f64_and_a_prefix() {
    let (m, e) = load_fixture("lstm_bidir");
    check_fixture(&m, &e);
    let dtypes: Vec<&str> = e["tensors"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["dtype"].as_str().unwrap())
        .collect();
    for d in ["F32", "F16", "BF16", "F64"] {
        assert!(dtypes.contains(&d), "the fixture has {d}");
    }
    // The F16 edges came through: 2^-24, a subnormal, -0.0 and 65504.
    let hh = m.stack.layers()[0].weight_hh();
    assert_eq!(hh[[0, 0]], 2f32.powi(-24));
    assert!(hh[[0, 1]] > 0.0 && hh[[0, 1]] < f32::from_bits(0x3880_0000));
    assert_eq!(hh[[0, 2]].to_bits(), (-0.0f32).to_bits());
    assert_eq!(hh[[1, 0]], 65504.0);
}

#[test]
fn reads_the_python_packages_gru_without_biases_and_cell_metadata() {
    let (m, e) = load_fixture("gru_nobias");
    check_fixture(&m, &e);
    assert!(m.stack.layers()[0].bias_ih().iter().all(|&b| b == 0.0));
}

#[test]
fn f16_and_bf16_convert_exactly() {
    for h in 0..=u16::MAX {
        let (sign, exp, man) = (h >> 15, i32::from((h >> 10) & 0x1f), f64::from(h & 0x3ff));
        let got = f16_to_f32(h);
        if exp == 31 {
            assert_eq!(got.is_nan(), man != 0.0, "{h:#06x}");
            continue;
        }
        let mag = if exp == 0 {
            man * 2f64.powi(-24)
        } else {
            (1024.0 + man) * 2f64.powi(exp - 25)
        };
        let want = if sign == 1 { -mag } else { mag } as f32;
        assert_eq!(got.to_bits(), want.to_bits(), "{h:#06x}");
    }
    assert_eq!(bf16_to_f32(0x3f80), 1.0);
    assert_eq!(bf16_to_f32(0xc040), -3.0);
    assert!(bf16_to_f32(0x7fc0).is_nan());
}

fn python_has_safetensors() -> bool {
    Command::new("python3")
        .args(["-c", "import safetensors, numpy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_python_package_reads_what_we_write() {
    let s = stack(CellKind::Lstm, 3, 2, 2, true, 77);
    let bytes = to_safetensors(&s).unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("state_dict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ours.safetensors");
    std::fs::write(&file, &bytes).unwrap();
    let want = bits(&s);
    let tensors: serde_json::Map<String, Value> = want
        .iter()
        .map(|(k, (shape, b))| (k.clone(), json!({"shape": shape, "bits": b})))
        .collect();
    let expected = json!({"metadata": {"cell": "lstm"}, "tensors": tensors});
    let expected_file = dir.join("expected.json");
    std::fs::write(&expected_file, expected.to_string()).unwrap();

    if python_has_safetensors() {
        let check = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/state_dict/check.py");
        let out = Command::new("python3")
            .arg(check)
            .arg(&file)
            .arg(&expected_file)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{said}");
        eprintln!("{}", said.trim());
    } else {
        eprintln!(
            "python3 with safetensors and numpy is not available (pip install safetensors numpy): \
             checked the file with the safetensors crate's reader only"
        );
        let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        assert_eq!(
            meta.metadata()
                .as_ref()
                .and_then(|m| m.get("cell"))
                .map(String::as_str),
            Some("lstm")
        );
        let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        let mut names = file.names();
        names.sort();
        assert_eq!(names, want.keys().map(String::as_str).collect::<Vec<_>>());
        for (name, (shape, b)) in &want {
            let t = file.tensor(name).unwrap();
            assert_eq!((t.dtype(), t.shape()), (Dtype::F32, &shape[..]), "{name}");
            let got: Vec<u32> = t
                .data()
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(&got, b, "{name}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_module_prefix_is_found_and_other_keys_listed_in_file_order() {
    let mut entries = vec![
        ("fc.weight".to_string(), json!([[1.0, 2.0]])),
        ("embedding.weight".into(), json!([[0.5]])),
    ];
    entries.extend(layer_json("encoder.rnn.{}_l0", 3, 2, 1));
    entries.push(("fc.bias".into(), json!([0.0])));
    entries.push(("num_batches_tracked".into(), json!(7)));
    entries.push(("note".into(), json!("any value at all")));
    let m = from_json(&json_object(&entries), &opts()).unwrap();
    assert_eq!(m.source, "encoder.rnn.");
    assert_eq!(m.stack.kind(), CellKind::Gru, "3H rows");
    assert_eq!(
        m.ignored,
        [
            "fc.weight",
            "embedding.weight",
            "fc.bias",
            "num_batches_tracked",
            "note"
        ]
    );
}

#[test]
fn the_cell_comes_from_options_then_the_file_then_the_shapes() {
    for (g, kind) in [(4, CellKind::Lstm), (3, CellKind::Gru), (1, CellKind::Rnn)] {
        let text = json_object(&layer_json("{}_l0", g, 2, 1));
        assert_eq!(from_json(&text, &opts()).unwrap().stack.kind(), kind);
    }
    // H = 2, 4 rows: 2H is no cell's.
    let two = json_object(&layer_json("{}_l0", 2, 2, 1));
    has(
        &err_json(&two, &opts()),
        &["weight_ih_l0", "4 rows for H = 2", "--cell"],
    );
    // 12 rows, H = 3: an LSTM by its shapes, a GRU by its "cell" or by the options.
    let mut entries = layer_json("{}_l0", 4, 3, 1);
    entries.insert(0, ("cell".into(), json!("rnn")));
    let text = json_object(&entries);
    has(
        &err_json(&text, &opts()),
        &["weight_ih_l0: expected shape [3, 1] for an RNN with H = 3; found [12, 1]"],
    );
    let lstm = LoadOptions {
        cell: Some(CellKind::Lstm),
        ..opts()
    };
    assert_eq!(
        from_json(&text, &lstm).unwrap().stack.kind(),
        CellKind::Lstm
    );
    // The same from safetensors metadata.
    let s = stack(CellKind::Lstm, 3, 2, 1, false, 4);
    let bytes = to_safetensors(&s).unwrap();
    let as_gru = safetensors_file(&raws(&s), Some("gru"));
    has(
        &err_st(&as_gru),
        &["weight_ih_l0: expected shape [9, 2] for a GRU with H = 3; found [12, 2]"],
    );
    assert_eq!(from_safetensors(&as_gru, &lstm).unwrap().stack, s);
    assert_eq!(from_safetensors(&bytes, &opts()).unwrap().stack, s);
    has(
        &err_st(&safetensors_file(&raws(&s), Some("tcn"))),
        &["__metadata__ cell", "\"tcn\""],
    );
}

#[test]
fn bias_free_models_read_as_zero_biases() {
    let entries: Vec<_> = layer_json("lstm.{}_l0", 4, 2, 3)
        .into_iter()
        .filter(|(k, _)| k.contains("weight"))
        .collect();
    let m = from_json(&json_object(&entries), &opts()).unwrap();
    let p = &m.stack.layers()[0];
    assert!(p.bias_ih().iter().chain(p.bias_hh()).all(|&b| b == 0.0));
    // Biases in one layer only: the other's are missing.
    let mut entries = layer_json("{}_l0", 1, 2, 1);
    entries.extend(
        layer_json("{}_l1", 1, 2, 2)
            .into_iter()
            .filter(|(k, _)| k.contains("weight")),
    );
    has(
        &err_json(&json_object(&entries), &opts()),
        &[
            "missing key bias_ih_l1",
            "a model without biases has no bias keys at all",
        ],
    );
}
