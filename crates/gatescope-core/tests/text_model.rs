//! Text mode's model: vocabulary rules, typed errors, and the forward pass (embedding →
//! RNN → readout → softmax) against a float64 re-computation written out here.

use gatescope_core::text::{CharModel, CharModelConfig, TextError, Vocab, UNK};
use gatescope_core::{CellKind, InitConfig, ModelError};
use ndarray::{Array1, Array2};

fn vocab(s: &str) -> Vocab {
    Vocab::from_text(s).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn vocab_rules() {
    let v = Vocab::new(strings(&["a", "b", UNK, "中"])).unwrap();
    assert_eq!(
        (v.len(), v.unk(), v.id('中'), v.id('z')),
        (4, Some(2), Some(3), None)
    );
    assert_eq!(v.encode("ba中z").unwrap(), vec![1, 0, 3, 2]);
    assert_eq!(v.decode(&[3, 2, 0, 9]), "中\u{FFFD}a\u{FFFD}");
    let bad = |e: &[&str], needle: &str| {
        let err = Vocab::new(strings(e)).unwrap_err();
        assert!(matches!(err, TextError::Vocab(_)), "{err:?}");
        assert!(err.to_string().contains(needle), "{err} lacks {needle:?}");
    };
    bad(&[], "empty");
    bad(&["a", "bc"], "entry 1 is \"bc\"");
    bad(&["a", ""], "entry 1");
    bad(&["a", "b", "a"], "entry 2 is 'a' again (first at entry 0)");
    bad(&[UNK, "a", UNK], "first at entry 0");
    let too_many: Vec<String> = (0..5000u32)
        .filter_map(char::from_u32)
        .map(String::from)
        .collect();
    assert!(Vocab::new(too_many).is_err());
    assert_eq!(
        vocab("hello").entries(),
        &strings(&["e", "h", "l", "o"])[..]
    );
    assert_eq!(
        Vocab::from_text("").unwrap_err(),
        TextError::Empty { what: "text" }
    );
}

#[test]
fn unknown_characters_are_named_with_their_position() {
    let v = vocab("ab");
    let e = v.encode("abba\u{7}").unwrap_err();
    assert_eq!(
        e,
        TextError::UnknownChar {
            ch: '\u{7}',
            index: 4,
            vocab_size: 2
        }
    );
    let msg = e.to_string();
    assert!(msg.contains("'\\u{7}' (U+0007) at position 5"), "{msg}");
    assert!(!msg.contains('\n'));
}

#[test]
fn constructor_refuses_mismatched_shapes_and_non_finite_values() {
    let m = CharModel::init(CellKind::Gru, vocab("abc"), small(3)).unwrap();
    let parts = || {
        (
            m.embedding().to_owned(),
            m.stack().clone(),
            m.fc_weight().to_owned(),
            m.fc_bias().to_owned(),
        )
    };
    let (e, s, w, b) = parts();
    assert_eq!(
        CharModel::new(vocab("abc"), e.clone(), s.clone(), w.clone(), b.clone()).unwrap(),
        m
    );
    let shape = |r: Result<CharModel, TextError>, what: &str| match r {
        Err(TextError::Model(ModelError::Shape { what: w, .. })) => assert_eq!(w, what),
        other => panic!("{what}: {other:?}"),
    };
    shape(
        CharModel::new(vocab("abcd"), e.clone(), s.clone(), w.clone(), b.clone()),
        "embedding.weight",
    );
    shape(
        CharModel::new(
            vocab("abc"),
            e.clone(),
            s.clone(),
            Array2::zeros((3, 2)),
            b.clone(),
        ),
        "fc.weight",
    );
    shape(
        CharModel::new(
            vocab("abc"),
            e.clone(),
            s.clone(),
            w.clone(),
            Array1::zeros(4),
        ),
        "fc.bias",
    );
    let mut nan = e.clone();
    nan[[1, 0]] = f32::NAN;
    let err = CharModel::new(vocab("abc"), nan, s, w, b).unwrap_err();
    assert!(err.to_string().contains("embedding.weight"), "{err}");
    assert!(m.forward(&[]).is_err());
    assert!(matches!(m.forward(&[0, 3]), Err(TextError::Config { .. })));
}

fn small(seed: u64) -> CharModelConfig {
    CharModelConfig {
        embed_size: 3,
        hidden_size: 4,
        init: InitConfig {
            seed,
            ..Default::default()
        },
    }
}

/// The RNN's `h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)`, the readout and the
/// softmax, all in f64 from the model's f32 values.
#[test]
fn rnn_forward_matches_a_float64_recomputation() {
    let m = CharModel::init(CellKind::Rnn, vocab("abcde"), small(7)).unwrap();
    let text = "abacabad";
    let tokens = m.encode(&text.replace('d', "e")).unwrap();
    let run = m.forward(&tokens).unwrap();
    let p = &m.stack().layers()[0];
    let f = |v: f32| v as f64;
    let mut h = vec![0.0f64; 4];
    let mut worst = 0.0f64;
    for (t, &id) in tokens.iter().enumerate() {
        let x: Vec<f64> = m.embedding().row(id).iter().copied().map(f).collect();
        let mut next = vec![0.0; 4];
        for (j, n) in next.iter_mut().enumerate() {
            let mut a = f(p.bias_ih()[j]) + f(p.bias_hh()[j]);
            a += (0..3).map(|d| f(p.weight_ih()[[j, d]]) * x[d]).sum::<f64>();
            a += (0..4).map(|k| f(p.weight_hh()[[j, k]]) * h[k]).sum::<f64>();
            *n = a.tanh();
        }
        h = next;
        let z: Vec<f64> = (0..5)
            .map(|v| {
                f(m.fc_bias()[v]) + (0..4).map(|k| f(m.fc_weight()[[v, k]]) * h[k]).sum::<f64>()
            })
            .collect();
        let max = z.iter().cloned().fold(f64::MIN, f64::max);
        let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
        for (v, &zv) in z.iter().enumerate() {
            let want_p = (zv - max).exp() / sum;
            worst = worst
                .max((f(run.logits()[[t, v]]) - zv).abs())
                .max((f(run.probs()[[t, v]]) - want_p).abs());
        }
        assert_eq!(run.trace().x().row(t), m.embedding().row(id));
    }
    assert!(worst < 1e-6, "worst |f32 − f64| = {worst:e}");
}

#[test]
fn top_k_is_sorted_and_state_carries_over() {
    let m = CharModel::init(CellKind::Lstm, vocab("abcdef"), small(2)).unwrap();
    let run = m.run_text("fadebcab").unwrap();
    for t in 0..run.steps() {
        let top = run.top_k(t, 5);
        assert_eq!(top.len(), 5);
        assert!(top.windows(2).all(|w| w[0].p >= w[1].p));
        let max = run.probs().row(t).iter().cloned().fold(0.0, f32::max);
        assert_eq!(top[0].p, max);
        let sum: f32 = run.probs().row(t).sum();
        assert!((sum - 1.0).abs() < 1e-5);
    }
    assert_eq!(run.top_k(8, 5), vec![]);
    assert_eq!(run.top_k(0, 10).len(), 6);
    // The text in two pieces, the second from the first's final state, gives the same
    // probabilities as the whole.
    let (a, b) = ("fade", "bcab");
    let first = m.run_text(a).unwrap();
    let second = m
        .forward_from(&m.encode(b).unwrap(), &first.final_state())
        .unwrap();
    for t in 0..4 {
        for v in 0..6 {
            let (x, y) = (second.probs()[[t, v]], run.probs()[[t + 4, v]]);
            assert!((x - y).abs() < 1e-6, "{t} {v}: {x} vs {y}");
        }
    }
}

#[test]
fn init_is_seeded() {
    let a = CharModel::init(CellKind::Lstm, vocab("xyz"), small(5)).unwrap();
    assert_eq!(
        a,
        CharModel::init(CellKind::Lstm, vocab("xyz"), small(5)).unwrap()
    );
    assert_ne!(
        a,
        CharModel::init(CellKind::Lstm, vocab("xyz"), small(6)).unwrap()
    );
    assert_eq!(a.num_params(), 3 * 3 + 16 * (3 + 4 + 2) + 3 * 4 + 3);
    let bound = 3f32.sqrt();
    assert!(a.embedding().iter().all(|v| v.abs() <= bound));
}
