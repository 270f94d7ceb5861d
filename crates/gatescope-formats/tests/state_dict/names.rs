//! Wrong names, directions and JSON, and models the writers refuse: each an `Err` with a
//! one-line message naming what is wrong.

use gatescope_core::{CellKind, Params, Stack};
use gatescope_formats::state_dict::{from_json, to_json, to_safetensors};
use gatescope_formats::LoadOptions;
use serde_json::json;

use super::common::{err_json, has, json_object, layer_json, opts};

#[test]
fn two_recurrent_modules_need_a_prefix() {
    let mut entries = layer_json("encoder.lstm.{}_l0", 4, 1, 1);
    entries.extend(layer_json("decoder.lstm.{}_l0", 4, 1, 2));
    entries.push(("decoder.fc.weight".into(), json!([[1.0]])));
    let text = json_object(&entries);
    has(
        &err_json(&text, &opts()),
        &[
            "2 recurrent modules",
            "\"encoder.lstm.\", \"decoder.lstm.\"",
            "--prefix NAME",
        ],
    );
    for prefix in ["decoder.lstm", "decoder.lstm.", " decoder.lstm "] {
        let o = LoadOptions {
            prefix: Some(prefix.into()),
            ..opts()
        };
        let m = from_json(&text, &o).unwrap();
        assert_eq!(
            (m.source.as_str(), m.stack.input_size()),
            ("decoder.lstm.", 2)
        );
        assert_eq!(m.ignored.len(), 5, "{:?}", m.ignored);
        assert_eq!(
            m.ignored.first().map(String::as_str),
            Some("encoder.lstm.weight_ih_l0")
        );
    }
    let o = LoadOptions {
        prefix: Some("lstm".into()),
        ..opts()
    };
    has(
        &err_json(&text, &o),
        &["prefix \"lstm.\"", "\"encoder.lstm.\", \"decoder.lstm.\""],
    );
    let o = LoadOptions {
        prefix: Some(String::new()),
        ..opts()
    };
    has(&err_json(&text, &o), &["prefix \"\" (top level)"]);
}

#[test]
fn reverse_direction_in_every_layer_or_none() {
    let mut entries = layer_json("{}_l0", 1, 2, 1);
    entries.extend(layer_json("{}_l0_reverse", 1, 2, 1));
    entries.extend(layer_json("{}_l1", 1, 2, 4));
    has(
        &err_json(&json_object(&entries), &opts()),
        &[
            "layer 1 has no reverse direction",
            "weight_ih_l1_reverse",
            "layer 0 has one",
        ],
    );
    entries.extend(layer_json("{}_l1_reverse", 1, 2, 4));
    assert!(from_json(&json_object(&entries), &opts())
        .unwrap()
        .stack
        .is_bidirectional());
    entries.retain(|(k, _)| k != "bias_hh_l1_reverse");
    has(
        &err_json(&json_object(&entries), &opts()),
        &["missing key bias_hh_l1_reverse"],
    );
}

#[test]
fn hostile_json() {
    let ok = layer_json("{}_l0", 4, 2, 1);
    let with_value = |key: &str, v: serde_json::Value| {
        let mut e = ok.clone();
        e.iter_mut()
            .filter(|(k, _)| k == key)
            .for_each(|(_, x)| *x = v.clone());
        json_object(&e)
    };
    for (text, parts) in [
        ("[1, 2]", vec!["expected a JSON object, found [1,2]"]),
        ("\"lstm\"", vec!["expected a JSON object"]),
        ("{ nope", vec!["not valid JSON (line 1, column 3)"]),
        ("", vec!["not valid JSON"]),
        ("{}", vec!["no recurrent weights", "found 0 keys"]),
        (
            r#"{"weight_ih_l0": [[1e999]]}"#,
            vec!["not valid JSON", "number out of range"],
        ),
    ] {
        has(&err_json(text, &opts()), &parts);
    }
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    has(
        &err_json(&format!("{{\"weight_ih_l0\": {deep}}}"), &opts()),
        &["not valid JSON", "recursion limit"],
    );

    let mut rows = vec![vec![json!(0.5), json!(0.5)]; 8];
    rows[2][1] = json!("oops");
    has(
        &err_json(&with_value("weight_hh_l0", json!(rows)), &opts()),
        &["weight_hh_l0[2][1]: expected a number, found \"oops\""],
    );
    let ragged = json!([[0.1], [0.2, 0.3], [0.1], [0.1], [0.1], [0.1], [0.1], [0.1]]);
    has(
        &err_json(&with_value("weight_ih_l0", ragged), &opts()),
        &["weight_ih_l0[1]: row has 2 values but row 0 has 1 (rows must be equal)"],
    );
    has(
        &err_json(&with_value("weight_ih_l0", json!(vec![0.1; 8])), &opts()),
        &["weight_ih_l0[0]: expected a row (a list of numbers), found 0.1"],
    );
    has(
        &err_json(&with_value("bias_ih_l0", json!("zeros")), &opts()),
        &["bias_ih_l0: expected a list of numbers, found \"zeros\""],
    );
    has(
        &err_json(&with_value("bias_hh_l0", json!([0.0, null])), &opts()),
        &["bias_hh_l0[1]: expected a number, found null"],
    );
    let mut huge = vec![vec![0.5; 2]; 8];
    huge[0][0] = 1e39;
    has(
        &err_json(&with_value("weight_hh_l0", json!(huge)), &opts()),
        &["weight_hh_l0[0][0]: value inf is not finite"],
    );
    has(
        &err_json(&with_value("bias_ih_l0", json!(vec![0.5; 7])), &opts()),
        &["bias_ih_l0: expected shape [8] for an LSTM with H = 2; found [7]"],
    );

    let mut e = ok.clone();
    e.insert(0, ("cell".into(), json!("transformer")));
    has(
        &err_json(&json_object(&e), &opts()),
        &["cell: expected \"lstm\", \"gru\" or \"rnn\", found \"transformer\""],
    );
    let mut e = ok.clone();
    e.push(("weight_ih".into(), json!([[1.0]])));
    has(
        &err_json(&json_object(&e), &opts()),
        &["weight_ih: the file also has weight_ih_l0, the same tensor; keep one"],
    );
    let mut e = ok.clone();
    e.push(("weight_hh_l0".into(), json!([[1.0]])));
    has(
        &err_json(&json_object(&e), &opts()),
        &["weight_hh_l0: the key appears twice"],
    );
    let bare: Vec<_> = ok
        .iter()
        .filter(|(k, _)| k != "bias_hh_l0")
        .map(|(k, v)| (k.replace("_l0", ""), v.clone()))
        .collect();
    has(
        &err_json(&json_object(&bare), &opts()),
        &["missing key bias_hh_l0 (or bias_hh)"],
    );
}

#[test]
fn writers_refuse_what_pytorch_names_cannot_hold() {
    let p = Params::init(CellKind::Lstm, 2, 1, Default::default()).unwrap();
    let peep = p
        .clone()
        .with_peepholes(ndarray::Array1::from(vec![0.5; 6]))
        .unwrap();
    let clip = p.clone().with_clip(3.0).unwrap();
    let g = Params::init(CellKind::Gru, 2, 1, Default::default())
        .unwrap()
        .with_linear_before_reset(false);
    for (s, parts) in [
        (
            Stack::single(peep).unwrap(),
            ["l0: has LSTM peepholes", "state_dict cannot hold"],
        ),
        (
            Stack::new(vec![p.clone(), clip], true).unwrap(),
            ["l0_reverse: has a clip", "state_dict cannot hold"],
        ),
        (
            Stack::single(g).unwrap(),
            ["l0: has a GRU with linear_before_reset = 0", "ONNX"],
        ),
    ] {
        has(&to_json(&s).unwrap_err().to_string(), &parts);
        has(&to_safetensors(&s).unwrap_err().to_string(), &parts);
    }
}
