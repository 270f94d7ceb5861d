//! Text mode's gradients (`CharModel::grads`: cross-entropy, readout, BPTT through the cell,
//! the embedding) against central finite differences of the loss computed by the forward
//! pass (`CharModel::loss`, the stack's own forward loop), for every cell, from a nonzero
//! initial state.
//!
//! Tolerance (as the core's other finite-difference tests): step 1e-2 in f32, loss summed in
//! f64, |fd − analytic| ≤ 2e-4 + 2e-3·|analytic|.

use gatescope_core::text::{CharModel, CharModelConfig, Vocab};
use gatescope_core::{CellKind, InitConfig, InitialState, Params, Stack};
use ndarray::{Array1, Array2};

/// The model's tensors, flat and by name, so one value can be moved and the model rebuilt
/// through the public constructor.
fn tensors(m: &CharModel) -> Vec<(&'static str, Vec<f32>)> {
    let p = &m.stack().layers()[0];
    vec![
        ("embedding", m.embedding().iter().copied().collect()),
        ("weight_ih", p.weight_ih().iter().copied().collect()),
        ("weight_hh", p.weight_hh().iter().copied().collect()),
        ("bias_ih", p.bias_ih().to_vec()),
        ("bias_hh", p.bias_hh().to_vec()),
        ("fc_weight", m.fc_weight().iter().copied().collect()),
        ("fc_bias", m.fc_bias().to_vec()),
    ]
}

fn rebuild(m: &CharModel, t: &[(&'static str, Vec<f32>)]) -> CharModel {
    let p = &m.stack().layers()[0];
    let m2 = |k: usize, dim: (usize, usize)| Array2::from_shape_vec(dim, t[k].1.clone()).unwrap();
    let cell = Params::new(
        p.kind(),
        m2(1, p.weight_ih().dim()),
        m2(2, p.weight_hh().dim()),
        Array1::from(t[3].1.clone()),
        Array1::from(t[4].1.clone()),
    )
    .unwrap();
    CharModel::new(
        m.vocab().clone(),
        m2(0, m.embedding().dim()),
        Stack::single(cell).unwrap(),
        m2(5, m.fc_weight().dim()),
        Array1::from(t[6].1.clone()),
    )
    .unwrap()
}

fn check(kind: CellKind, seed: u64) -> f64 {
    let vocab = Vocab::from_text("abcde").unwrap();
    let cfg = CharModelConfig {
        embed_size: 3,
        hidden_size: 4,
        init: InitConfig {
            seed,
            scale: 2.0,
            ..Default::default()
        },
    };
    let m = CharModel::init(kind, vocab, cfg).unwrap();
    // Repeated tokens: the embedding gradient of a row read twice is a sum.
    let ids = m.encode("abcadbbeca").unwrap();
    let (inputs, targets) = (&ids[..9], &ids[1..]);
    let init = InitialState {
        h0: vec![0.3, -0.2, 0.1, 0.5],
        c0: if kind == CellKind::Lstm {
            vec![-0.4, 0.2, 0.6, -0.1]
        } else {
            vec![]
        },
    };
    let g = m.grads(inputs, targets, &init).unwrap();
    let loss = |m: &CharModel, init: &InitialState| {
        m.loss(inputs, targets, std::slice::from_ref(init)).unwrap()
    };
    assert!((loss(&m, &init) - g.loss).abs() < 1e-6);
    let analytic: Vec<f32> = g.flat().collect();
    let mut t = tensors(&m);
    assert_eq!(analytic.len(), t.iter().map(|x| x.1.len()).sum::<usize>());
    let (mut worst, mut k, mut nonzero) = (0.0f64, 0, 0);
    let mut compare = |what: String, fd: f64, a: f32| {
        let a = a as f64;
        let tol = 2e-4 + 2e-3 * a.abs();
        assert!(
            (fd - a).abs() <= tol,
            "{kind:?} seed {seed}: dL/d{what}: analytic {a:.6}, finite differences {fd:.6}"
        );
        worst = worst.max((fd - a).abs() / tol);
        nonzero += usize::from(a.abs() > 1e-4);
    };
    for ti in 0..t.len() {
        for j in 0..t[ti].1.len() {
            let v = t[ti].1[j];
            let (hi, lo) = (v + 1e-2, v - 1e-2);
            t[ti].1[j] = hi;
            let up = loss(&rebuild(&m, &t), &init);
            t[ti].1[j] = lo;
            let down = loss(&rebuild(&m, &t), &init);
            t[ti].1[j] = v;
            compare(
                format!("{}[{j}]", t[ti].0),
                (up - down) / (hi as f64 - lo as f64),
                analytic[k],
            );
            k += 1;
        }
    }
    // The initial state's gradients (what truncated BPTT cuts): h0, and c0 for the LSTM.
    for (name, grads) in [("h0", &g.cell.h0), ("c0", &g.cell.c0)] {
        for j in 0..grads.len() {
            let shifted = |d: f32| {
                let mut s = init.clone();
                let v = if name == "h0" { &mut s.h0 } else { &mut s.c0 };
                v[j] += d;
                let moved = v[j];
                (loss(&m, &s), moved)
            };
            let ((up, hi), (down, lo)) = (shifted(1e-2), shifted(-1e-2));
            compare(
                format!("{name}[{j}]"),
                (up - down) / (hi as f64 - lo as f64),
                grads[j],
            );
        }
    }
    assert!(
        nonzero * 5 >= k * 4,
        "{kind:?}: only {nonzero} of {k} gradients above 1e-4"
    );
    worst
}

#[test]
fn char_model_gradients_match_finite_differences() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        for seed in [1, 2] {
            let worst = check(kind, seed);
            eprintln!("{kind:?} seed {seed}: worst error/tolerance {worst:.3}");
        }
    }
}

#[test]
fn gradients_need_a_one_layer_forward_model_and_matching_targets() {
    let vocab = Vocab::from_text("ab").unwrap();
    let m = CharModel::init(CellKind::Gru, vocab.clone(), CharModelConfig::default()).unwrap();
    let zeros = InitialState::default();
    assert!(m.grads(&[0, 1], &[1], &zeros).is_err());
    assert!(m.grads(&[0, 1], &[1, 2], &zeros).is_err());
    assert!(m.grads(&[], &[], &zeros).is_err());
    let p = |seed| {
        Params::init(
            CellKind::Gru,
            4,
            4,
            InitConfig {
                seed,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let two = Stack::new(vec![p(1), p(2)], false).unwrap();
    let stacked = CharModel::new(
        vocab,
        Array2::zeros((2, 4)),
        two,
        Array2::zeros((2, 4)),
        Array1::zeros(2),
    )
    .unwrap();
    let e = stacked.grads(&[0], &[1], &zeros).unwrap_err().to_string();
    assert!(e.contains("one-layer"), "{e}");
    // Reading (forward, loss) works for any stack.
    assert!((stacked.loss(&[0, 1], &[1, 0], &[]).unwrap() - 2f64.ln()).abs() < 1e-6);
}
