//! The worker's model messages: every example model and ONNX feature survives
//! `encode` → `decode` unchanged, and no cut or flipped byte makes `decode` panic.

use gatescope_formats::{load, wire, LoadOptions};

fn example(path: &str) -> (String, Vec<u8>) {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    (
        path.to_string(),
        std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}")),
    )
}

#[test]
fn models_cross_unchanged() {
    let files = [
        "examples/models/lstm-2layer-bidir.safetensors",
        "examples/models/gru-small.safetensors",
        "examples/models/lstm-small.onnx",
        // Peepholes, clip, layout 1, initial states, bidirectional; GRU lbr 0; reverse alone.
        "crates/gatescope-formats/tests/data/onnx/cases/extra_lstm_all_public.onnx",
        "crates/gatescope-formats/tests/data/onnx/cases/extra_gru_plain_lbr0_public.onnx",
        "crates/gatescope-formats/tests/data/onnx/cases/extra_rnn_reverse_public.onnx",
    ];
    for f in files {
        let (name, bytes) = example(f);
        let file = load(&name, &bytes, &LoadOptions::default()).unwrap();
        let back = wire::decode(&wire::encode(&file)).unwrap();
        assert_eq!(back, file, "{name}");
    }
}

#[test]
fn damaged_messages_are_errors_not_panics() {
    let (name, bytes) =
        example("crates/gatescope-formats/tests/data/onnx/cases/extra_lstm_all_public.onnx");
    let msg = wire::encode(&load(&name, &bytes, &LoadOptions::default()).unwrap());
    for cut in 0..msg.len() {
        assert!(wire::decode(&msg[..cut]).is_err(), "cut at {cut}");
    }
    for at in 0..msg.len() {
        let mut m = msg.clone();
        m[at] ^= 0xA5;
        let _ = wire::decode(&m);
    }
    let mut long = msg.clone();
    long.push(0);
    assert!(wire::decode(&long)
        .unwrap_err()
        .to_string()
        .contains("left over"));
}

#[test]
fn runs_cross_unchanged_and_damage_is_an_error() {
    use gatescope_core::{Intervention, Series};
    let (name, bytes) = example("examples/models/gru-small.safetensors");
    let file = load(&name, &bytes, &LoadOptions::default()).unwrap();
    let d = file.stack.input_size();
    let x = ndarray::Array2::from_shape_fn((7, d), |(t, k)| t as f32 * 0.5 - k as f32);
    let ivs = vec![
        Intervention {
            series: Series::Z,
            unit: Some(1),
            steps: 2..=4,
            value: 1.0,
        },
        Intervention {
            series: Series::H,
            unit: None,
            steps: 0..=usize::MAX,
            value: -0.25,
        },
    ];
    let message = wire::encode_run(&wire::encode(&file), x.view(), &ivs);
    let run = wire::decode_run(&message).unwrap();
    assert_eq!((run.file, run.x, run.interventions), (file, x, ivs));
    for cut in 0..message.len() {
        assert!(wire::decode_run(&message[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = message.clone();
    longer.push(0);
    assert!(wire::decode_run(&longer).is_err());
    for k in 0..message.len() {
        let mut flipped = message.clone();
        flipped[k] ^= 0xFF;
        let _ = wire::decode_run(&flipped);
    }
}
