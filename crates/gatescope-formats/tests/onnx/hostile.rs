//! Hostile and ambiguous ONNX files: each is refused with a one-line message naming what is
//! wrong, and nothing panics. Part of tests/onnx.rs.

use gatescope_core::CellKind;
use gatescope_formats::onnx::{from_onnx, read_onnx};
use gatescope_formats::{load, FormatError, LoadOptions};

use super::read;

#[test]
fn prefix_or_cell_chooses_among_independent_chains() {
    let bytes = read("hostile/three_chains.onnx");
    let with = |prefix: Option<&str>, cell: Option<CellKind>| {
        let opts = LoadOptions {
            cell,
            prefix: prefix.map(str::to_string),
        };
        from_onnx(&bytes, &opts).map(|f| f.source)
    };
    assert_eq!(with(Some("/dec"), None).as_deref(), Ok("/dec/LSTM"));
    assert_eq!(with(Some("enc"), None).as_deref(), Ok("/enc/LSTM"));
    assert_eq!(with(None, Some(CellKind::Gru)).as_deref(), Ok("/aux/GRU"));
    let err = with(Some("/nothing"), None)
        .expect_err("no match")
        .to_string();
    assert!(
        err.contains("no recurrent node matches the name prefix \"/nothing\""),
        "{err}"
    );
    let err = with(None, Some(CellKind::Lstm))
        .expect_err("two LSTMs")
        .to_string();
    assert!(err.contains("2 independent recurrent chains"), "{err}");
    // Through the crate's entry point, by file name.
    let opts = LoadOptions {
        cell: None,
        prefix: Some("/aux".into()),
    };
    assert_eq!(
        load("m.ONNX", &bytes, &opts).map(|f| f.source).as_deref(),
        Ok("/aux/GRU")
    );
}

/// `(file, kind, words the message contains)`.
const HOSTILE: &[(&str, &str, &[&str])] = &[
    (
        "nan_weight",
        "Model",
        &[
            "node \"/lstm/LSTM\" (LSTM): W",
            "[0][5][1]",
            "not finite (NaN)",
        ],
    ),
    (
        "wrong_w_shape",
        "Invalid",
        &["W has shape [1, 10, 2], expected [1, 12, D]"],
    ),
    (
        "wrong_b_shape",
        "Invalid",
        &["B has shape [1, 7], expected [1, 24]"],
    ),
    (
        "input_forget",
        "Invalid",
        &["(LSTM): attribute input_forget = 1 is not supported"],
    ),
    (
        "activation_alpha",
        "Invalid",
        &["attribute activation_alpha is not supported"],
    ),
    (
        "negative_clip",
        "Invalid",
        &["attribute clip = -1 is not a positive finite number"],
    ),
    (
        "hidden_size_mismatch",
        "Invalid",
        &["R has shape [1, 12, 3], expected [1, 20, 5]", "H = 5"],
    ),
    (
        "bad_direction",
        "Invalid",
        &["attribute direction = \"sideways\""],
    ),
    (
        "bad_layout",
        "Invalid",
        &["attribute layout must be 0 or 1"],
    ),
    (
        "unknown_attribute",
        "Invalid",
        &["attribute output_gate_bias is not one gatescope knows"],
    ),
    (
        "initial_h_batch3",
        "Invalid",
        &["initial_h has shape [1, 3, 3] with batch size 3"],
    ),
    (
        "huge_dims",
        "TooLarge",
        &["W: shape [1, 4000000000, 2] holds 8000000000 values"],
    ),
    (
        "overflow_dims",
        "TooLarge",
        &["W: shape", "more than 2^64 values"],
    ),
    (
        "negative_dims",
        "Invalid",
        &["W: shape [-1, 12, 2] has a negative dimension"],
    ),
    (
        "raw_wrong_length",
        "Invalid",
        &["W: raw_data has 95 bytes", "needs 96"],
    ),
    (
        "float_data_wrong_count",
        "Invalid",
        &["W: 21 values stored for a shape of 24"],
    ),
    (
        "int64_weights",
        "Invalid",
        &["W: data type INT64 is not one gatescope reads"],
    ),
    (
        "external_data",
        "Invalid",
        &["W is stored in an external data file"],
    ),
    (
        "too_many_params",
        "TooLarge",
        &["parameters is more than the 5000000"],
    ),
    (
        "w_computed",
        "Invalid",
        &["input W (\"W_cat\") is computed at run time by node \"/lstm/Concat\""],
    ),
    (
        "w_graph_input",
        "Invalid",
        &["input W (\"W\") is a graph input given at run time"],
    ),
    ("missing_r", "Invalid", &["inputs W and R are required"]),
    (
        "no_recurrent",
        "Invalid",
        &["no LSTM, GRU or RNN node in the graph (its nodes are MatMul, Add)"],
    ),
    (
        "three_chains",
        "Invalid",
        &[
            "3 independent recurrent chains: [/enc/LSTM], [/dec/LSTM], [/aux/GRU]",
            "--prefix",
        ],
    ),
    (
        "chain_mixed_cells",
        "Invalid",
        &[
            "node \"/rnn/GRU_1\" (GRU) follows node \"/rnn/LSTM_0\" (LSTM)",
            "same cell",
        ],
    ),
    (
        "chain_mixed_directions",
        "Invalid",
        &["direction forward after a bidirectional layer"],
    ),
    (
        "chain_bad_input_size",
        "Invalid",
        &["input size 4 does not match the 3 values per step"],
    ),
    (
        "chain_five_layers",
        "Invalid",
        &["5 chained recurrent nodes", "at most 4 layers"],
    ),
    (
        "chain_branches",
        "Invalid",
        &["feeds 2 recurrent nodes (/rnn/LSTM_1, /rnn/LSTM_b)"],
    ),
    ("cycle", "Invalid", &["form a cycle"]),
];

fn variant(e: &FormatError) -> &'static str {
    match e {
        FormatError::Invalid(_) => "Invalid",
        FormatError::TooLarge(_) => "TooLarge",
        FormatError::Model(_) => "Model",
    }
}

#[test]
fn hostile_files_are_refused_by_name() {
    let opts = LoadOptions::default();
    for (file, kind, words) in HOSTILE {
        let err = from_onnx(&read(&format!("hostile/{file}.onnx")), &opts).expect_err(file);
        let msg = err.to_string();
        assert_eq!(variant(&err), *kind, "{file}: {msg}");
        assert!(!msg.contains('\n'), "{file}: one line: {msg}");
        for w in *words {
            assert!(msg.contains(w), "{file}: {msg:?} lacks {w:?}");
        }
    }
    // The brief's own example, word for word.
    let err = from_onnx(&read("hostile/relu_activations.onnx"), &opts).expect_err("Relu");
    assert_eq!(
        err.to_string(),
        "node \"/lstm/LSTM\" (LSTM): attribute activations = [Relu, Tanh, Tanh] is not supported \
         (only Sigmoid, Tanh, Tanh)"
    );
}

#[test]
fn bytes_that_are_not_a_model_are_refused() {
    let opts = LoadOptions::default();
    let err = from_onnx(&[], &opts).expect_err("empty").to_string();
    assert!(err.contains("no graph"), "{err}");
    let err = from_onnx(b"hello, this is text", &opts)
        .expect_err("text")
        .to_string();
    assert!(err.starts_with("not an ONNX model"), "{err}");
    // Random bytes (a fixed xorshift, so the test is the same every run).
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    for len in [1, 7, 64, 1000, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s as u8
            })
            .collect();
        assert!(from_onnx(&bytes, &opts).is_err(), "{len} random bytes");
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let opts = LoadOptions::default();
    for f in ["chain_lstm2_bidir.onnx", "cases/extra_lstm_all_public.onnx"] {
        let bytes = read(f);
        // Cut inside the graph (ModelProto's field 7, most of the file): always an error.
        for cut in [
            1,
            2,
            10,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() * 9 / 10,
        ] {
            let err = from_onnx(&bytes[..cut], &opts).expect_err("truncated");
            assert!(
                err.to_string().starts_with("not an ONNX model"),
                "{f} cut at {cut}: {err}"
            );
        }
        // Any cut and any flipped byte: an answer, never a panic.
        for cut in 0..bytes.len() {
            let _ = from_onnx(&bytes[..cut], &opts);
        }
        for at in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = bytes.clone();
                bad[at] ^= flip;
                let _ = read_onnx(&bad, &opts);
            }
        }
    }
}
