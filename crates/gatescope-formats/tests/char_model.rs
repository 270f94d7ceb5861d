//! Character models in files: the PyTorch-layout fixtures (`tests/data/char`, written by
//! `make.py`) open as JSON and safetensors with the same bits and match their float64
//! forward pass (tolerance 1e-5, absolute); saved models read back bit for bit, the same
//! bytes every time; hostile files get typed one-line errors.
#![cfg(not(target_arch = "wasm32"))]

use gatescope_core::text::{CharModel, CharModelConfig, Vocab};
use gatescope_core::{CellKind, InitConfig, Series};
use gatescope_formats::state_dict::{
    char_from_json, char_from_safetensors, char_to_json, char_to_safetensors, from_json,
};
use gatescope_formats::{load, load_char, CharModelFile, Format, FormatError, LoadOptions};
use serde_json::{json, Value};

const TOL: f64 = 1e-5;

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/char/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn expected() -> Value {
    serde_json::from_slice(&data("char_expected.json")).unwrap()
}

fn opts() -> LoadOptions {
    LoadOptions::default()
}

/// Every tensor's bits, so equality means bit-identical f32.
fn bits(m: &CharModel) -> Vec<u32> {
    let p = &m.stack().layers()[0];
    m.embedding()
        .iter()
        .chain(p.weight_ih().iter())
        .chain(p.weight_hh().iter())
        .chain(p.bias_ih().iter())
        .chain(p.bias_hh().iter())
        .chain(m.fc_weight().iter())
        .chain(m.fc_bias().iter())
        .map(|v| v.to_bits())
        .collect()
}

fn close(what: &str, got: ndarray::ArrayView2<'_, f32>, want: &Value) -> f64 {
    let rows = want.as_array().unwrap();
    assert_eq!(got.nrows(), rows.len(), "{what}: rows");
    let mut worst = 0.0f64;
    for (t, row) in rows.iter().enumerate() {
        let row = row.as_array().unwrap();
        assert_eq!(got.ncols(), row.len(), "{what}: cols");
        for (k, w) in row.iter().enumerate() {
            let err = (got[[t, k]] as f64 - w.as_f64().unwrap()).abs();
            assert!(
                err <= TOL,
                "{what}[{t}][{k}]: {} vs {w} ({err:e})",
                got[[t, k]]
            );
            worst = worst.max(err);
        }
    }
    worst
}

#[test]
fn fixtures_open_alike_and_match_their_float64_forward_pass() {
    let exp = expected();
    for (name, kind, prefix) in [
        ("char_lstm", CellKind::Lstm, "lstm."),
        ("char_gru", CellKind::Gru, "rnn."),
    ] {
        let j = char_from_json(
            std::str::from_utf8(&data(&format!("{name}.json"))).unwrap(),
            &opts(),
        )
        .unwrap();
        let s = char_from_safetensors(&data(&format!("{name}.safetensors")), &opts()).unwrap();
        assert_eq!((j.format, s.format), (Format::Json, Format::Safetensors));
        assert_eq!(bits(&j.model), bits(&s.model), "{name}");
        assert_eq!(j.model, s.model);
        assert_eq!((j.source.as_str(), j.model.kind()), (prefix, kind));
        assert!(
            j.ignored.is_empty() && s.ignored.is_empty(),
            "{:?}",
            j.ignored
        );
        let e = &exp[name];
        let vocab: Vec<String> = serde_json::from_value(e["vocab"].clone()).unwrap();
        assert_eq!(j.model.vocab().entries(), &vocab[..]);
        let run = j.model.run_text(e["text"].as_str().unwrap()).unwrap();
        let ids: Vec<usize> = serde_json::from_value(e["tokens"].clone()).unwrap();
        assert_eq!(run.tokens(), &ids[..]);
        let h = run.trace().traces()[0].get(Series::H).unwrap();
        let worst = [
            close("x", run.trace().x(), &e["x"]),
            close("h", h, &e["h"]),
            close("logits", run.logits(), &e["logits"]),
            close("probs", run.probs(), &e["probs"]),
        ];
        eprintln!("{name}: worst |f32 − float64| of x, h, logits, probs: {worst:?}");
    }
}

#[test]
fn saved_models_read_back_bit_for_bit_with_stable_bytes() {
    let text = "héllo, \"wörld\" 中文";
    let mut entries: Vec<String> = Vocab::from_text(text).unwrap().entries().to_vec();
    entries.push("<unk>".into());
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let cfg = CharModelConfig {
            embed_size: 5,
            hidden_size: 7,
            init: InitConfig {
                seed: 11,
                ..Default::default()
            },
        };
        let m = CharModel::init(kind, Vocab::new(entries.clone()).unwrap(), cfg).unwrap();
        let js = char_to_json(&m).unwrap();
        let st = char_to_safetensors(&m).unwrap();
        assert_eq!(
            st,
            char_to_safetensors(&m).unwrap(),
            "{kind:?}: bytes differ between writes"
        );
        for file in [
            load_char("m.json", js.as_bytes(), &opts()).unwrap(),
            load_char("m.safetensors", &st, &opts()).unwrap(),
        ] {
            assert_eq!(bits(&file.model), bits(&m), "{kind:?} {:?}", file.format);
            assert_eq!(file.model, m);
            assert_eq!(file.source, format!("{}.", kind.name()));
        }
        // As a plain recurrent model the file opens too, and says it holds an embedding.
        let plain = load("m.safetensors", &st, &opts()).unwrap();
        assert!(plain.has_embedding(), "{:?}", plain.ignored);
        assert_eq!(&plain.stack, m.stack());
    }
}

/// The fixture as a JSON object, to be damaged by the tests below.
fn fixture_json() -> serde_json::Map<String, Value> {
    serde_json::from_slice(&data("char_lstm.json")).unwrap()
}

fn json_error(obj: &serde_json::Map<String, Value>) -> FormatError {
    char_from_json(&Value::Object(obj.clone()).to_string(), &opts()).unwrap_err()
}

#[test]
fn hostile_json_gets_one_line_errors() {
    type Damage = Box<dyn Fn(&mut serde_json::Map<String, Value>)>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "no vocab",
            Box::new(|o| {
                o.remove("vocab");
            }),
            "no vocabulary",
        ),
        (
            "vocab not a list",
            Box::new(|o| {
                o.insert("vocab".into(), json!("helo"));
            }),
            "vocab: expected a list",
        ),
        (
            "entry not a string",
            Box::new(|o| {
                o["vocab"][2] = json!(7);
            }),
            "vocab[2]: expected a string",
        ),
        (
            "entry of two chars",
            Box::new(|o| {
                o["vocab"][1] = json!("ee");
            }),
            "entry 1 is \"ee\"",
        ),
        (
            "empty entry",
            Box::new(|o| {
                o["vocab"][1] = json!("");
            }),
            "exactly one character",
        ),
        (
            "duplicate",
            Box::new(|o| {
                o["vocab"][3] = json!("h");
            }),
            "entry 3 is 'h' again",
        ),
        (
            "V above embedding rows",
            Box::new(|o| {
                o["vocab"].as_array_mut().unwrap().push(json!("x"));
            }),
            "embedding.weight: expected shape [7, 3]",
        ),
        (
            "fc rows",
            Box::new(|o| {
                o["fc.weight"].as_array_mut().unwrap().pop();
            }),
            "fc.weight: expected shape [6, 4]",
        ),
        (
            "fc bias",
            Box::new(|o| {
                o["fc.bias"].as_array_mut().unwrap().pop();
            }),
            "fc.bias: expected shape [6]",
        ),
        (
            "E differs from D",
            Box::new(|o| {
                for row in o["embedding.weight"].as_array_mut().unwrap() {
                    row.as_array_mut().unwrap().push(json!(0.0));
                }
            }),
            "E = D = 3",
        ),
        (
            "no embedding",
            Box::new(|o| {
                o.remove("embedding.weight");
            }),
            "no embedding",
        ),
        (
            "no readout",
            Box::new(|o| {
                o.remove("fc.weight");
            }),
            "no readout",
        ),
        (
            "huge value",
            Box::new(|o| {
                o["embedding.weight"][1][2] = json!(1e39);
            }),
            "embedding.weight[1][2]",
        ),
        (
            "too many entries",
            Box::new(|o| {
                o.insert(
                    "vocab".into(),
                    Value::Array((0..5000).map(|k| json!(k.to_string())).collect()),
                );
            }),
            "more than the 4096",
        ),
    ];
    for (what, damage, needle) in cases {
        let mut o = fixture_json();
        damage(&mut o);
        let msg = json_error(&o).to_string();
        assert!(msg.contains(needle), "{what}: {msg:?} lacks {needle:?}");
        assert!(!msg.contains('\n'), "{what}: {msg:?}");
    }
    // A char model read as a plain model: the extra keys are listed, "vocab" is not.
    let text = Value::Object(fixture_json()).to_string();
    let mut plain = from_json(&text, &opts()).unwrap();
    plain.ignored.sort();
    assert_eq!(plain.ignored, ["embedding.weight", "fc.bias", "fc.weight"]);
    assert!(plain.has_embedding());
}

#[test]
fn hostile_safetensors_metadata_gets_one_line_errors() {
    let good = data("char_lstm.safetensors");
    // Rewrite the header's vocab (same length keeps every offset).
    let n = u64::from_le_bytes(good[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&good[8..8 + n]).unwrap().to_string();
    let with = |from: &str, to: &str| {
        assert!(header.contains(from), "{header}");
        let h = header.replacen(from, to, 1);
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend(h.as_bytes());
        out.extend(&good[8 + n..]);
        char_from_safetensors(&out, &opts())
            .unwrap_err()
            .to_string()
    };
    let vocab_key = "\"vocab\":\"";
    let e = with(vocab_key, "\"vocab\":\"x");
    assert!(e.contains("__metadata__ vocab: not a JSON list"), "{e}");
    let e = with(vocab_key, "\"vocax\":\"");
    assert!(e.contains("no vocabulary"), "{e}");
    let e = with("\\\"l\\\"", "\\\"h\\\"");
    assert!(e.contains("'h' again"), "{e}");
    assert!(load_char("m.onnx", &good, &opts())
        .unwrap_err()
        .to_string()
        .contains("ONNX"));
    let _: CharModelFile = load_char("m.safetensors", &good, &opts()).unwrap();
}
