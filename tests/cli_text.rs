//! `gatescope-trace --text` with character models: the PyTorch-layout fixtures
//! (`crates/gatescope-formats/tests/data/char`) against their float64 forward pass
//! (tolerance 1e-5, absolute: `x`, `h`, the top-5 next characters and their
//! probabilities), saved models printed with exactly the core's numbers, and the exit-2,
//! one-line errors of wrong pairings of model and input.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{bad, run};

use common::temp::{matrix, TempFile};
use gatescope::model::text::{CharModel, CharModelConfig, Vocab};
use gatescope::model::{CellKind, InitConfig, Series};
use gatescope_formats::state_dict::{char_to_json, char_to_safetensors};
use serde_json::Value;

const TOL: f64 = 1e-5;

fn fixture(name: &str) -> String {
    format!(
        "{}/crates/gatescope-formats/tests/data/char/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn ok(args: &[&str]) -> (Value, Vec<u8>) {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), out.stdout)
}

fn assert_close(what: &str, got: &[Vec<f64>], want: &Value) {
    let want = matrix(want);
    assert_eq!(got.len(), want.len(), "{what}");
    for (t, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.len(), w.len(), "{what}[{t}]");
        for (k, (a, b)) in g.iter().zip(w).enumerate() {
            assert!((a - b).abs() <= TOL, "{what}[{t}][{k}]: {a} vs {b}");
        }
    }
}

#[test]
fn fixtures_print_their_float64_numbers_and_top_five() {
    let exp: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("char_expected.json")).unwrap())
            .unwrap();
    for name in ["char_lstm", "char_gru"] {
        let e = &exp[name];
        let text = e["text"].as_str().unwrap();
        let (js, js_bytes) = ok(&["--model", &fixture(&format!("{name}.json")), "--text", text]);
        let (_, st_bytes) = ok(&[
            "--model",
            &fixture(&format!("{name}.safetensors")),
            "--text",
            text,
        ]);
        assert_eq!(
            js_bytes, st_bytes,
            "{name}: JSON and safetensors print differently"
        );
        assert_eq!(js["cell"], e["cell"]);
        assert_eq!(
            js["steps"].as_u64(),
            Some(e["tokens"].as_array().unwrap().len() as u64)
        );
        assert_close("x", &matrix(&js["x"]), &e["x"]);
        assert_close("h", &matrix(&js["h"]), &e["h"]);
        let vocab: Vec<String> = serde_json::from_value(e["vocab"].clone()).unwrap();
        let ids: Vec<usize> = serde_json::from_value(e["tokens"].clone()).unwrap();
        let tokens: Vec<&str> = ids.iter().map(|&i| vocab[i].as_str()).collect();
        assert_eq!(js["tokens"], serde_json::json!(tokens));
        let probs = matrix(&e["probs"]);
        let next = js["next"].as_array().unwrap();
        assert_eq!(next.len(), probs.len());
        for (t, (step, p)) in next.iter().zip(&probs).enumerate() {
            let step = step.as_array().unwrap();
            assert_eq!(step.len(), 5, "{name} step {t}");
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            for (k, cand) in step.iter().enumerate() {
                let (c, got) = (cand["char"].as_str().unwrap(), cand["p"].as_f64().unwrap());
                let id = vocab.iter().position(|v| v == c).unwrap();
                assert!(
                    (got - p[id]).abs() <= TOL,
                    "{name} step {t}: p({c}) {got} vs {}",
                    p[id]
                );
                // Ranked as float64 ranks them (ties within the tolerance may swap).
                assert!(
                    (p[order[k]] - p[id]).abs() <= TOL,
                    "{name} step {t} rank {k}: {c}"
                );
                if k > 0 {
                    assert!(step[k - 1]["p"].as_f64() >= Some(got));
                }
            }
        }
    }
    // The GRU's vocabulary has "<unk>": the text's 'z' and '?' are read as it.
    let (gru, _) = ok(&["--model", &fixture("char_gru.json"), "--text", "az?"]);
    assert_eq!(gru["tokens"], serde_json::json!(["a", "<unk>", "<unk>"]));
}

#[test]
fn saved_models_print_the_cores_numbers_exactly() {
    let text = "gate \"open\" 中";
    let vocab = Vocab::from_text(text).unwrap();
    for kind in [CellKind::Lstm, CellKind::Rnn] {
        let cfg = CharModelConfig {
            embed_size: 4,
            hidden_size: 6,
            init: InitConfig {
                seed: 21,
                ..Default::default()
            },
        };
        let m = CharModel::init(kind, vocab.clone(), cfg).unwrap();
        let want = m.run_text(text).unwrap();
        let files = [
            TempFile::new("m.json", char_to_json(&m).unwrap()),
            TempFile::new("m.safetensors", char_to_safetensors(&m).unwrap()),
        ];
        for f in &files {
            let (js, _) = ok(&["--model", f.path(), "--text", text]);
            let h = want.trace().traces()[0].get(Series::H).unwrap();
            for (key, arr) in [("x", want.trace().x()), ("h", h)] {
                let got = matrix(&js[key]);
                for (t, row) in got.iter().enumerate() {
                    for (k, &v) in row.iter().enumerate() {
                        assert_eq!(
                            (v as f32).to_bits(),
                            arr[[t, k]].to_bits(),
                            "{kind:?} {key}"
                        );
                    }
                }
            }
            for (t, step) in js["next"].as_array().unwrap().iter().enumerate() {
                let top = want.top_k(t, 5);
                for (cand, p) in step.as_array().unwrap().iter().zip(&top) {
                    assert_eq!(cand["char"].as_str(), m.vocab().entry(p.id));
                    assert_eq!(
                        (cand["p"].as_f64().unwrap() as f32).to_bits(),
                        p.p.to_bits()
                    );
                }
            }
        }
    }
}

#[test]
fn wrong_pairings_of_model_and_input_exit_2_with_one_line() {
    let (lstm, gru) = (fixture("char_lstm.json"), fixture("char_gru.safetensors"));
    let plain = format!(
        "{}/tests/data/seed-article-lstm.json",
        env!("CARGO_MANIFEST_DIR")
    );
    bad(
        &["--model", &lstm, "--text", "hex"],
        &["'x'", "position 3", "no \"<unk>\""],
    );
    bad(
        &["--model", &plain, "--text", "ab"],
        &["not a character model", "no vocabulary"],
    );
    bad(
        &["--model", &lstm, "--input", "1, 2"],
        &["character model", "--text"],
    );
    bad(
        &["--model", &gru, "--input-file", "x.json"],
        &["character model", "--text"],
    );
    bad(
        &["--model", &lstm, "--text", "he", "--input", "1"],
        &["not both"],
    );
    bad(
        &["--model", &lstm, "--text", "he", "--target", "y.json"],
        &["--target"],
    );
    bad(&["--model", &lstm, "--text", ""], &["--text", "empty"]);
    // A file whose vocab is not a list: the reader's message, naming the file.
    let mut obj: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&lstm).unwrap()).unwrap();
    obj.insert("vocab".into(), Value::from(3));
    let f = TempFile::new("bad.json", Value::Object(obj).to_string());
    bad(
        &["--model", f.path(), "--text", "he"],
        &["bad.json", "vocab: expected a list"],
    );
}
