//! The step breakdown (`gatescope::model::explain`) against refdata's float64 PyTorch gates
//! for the seed article's LSTM, and against the trace's own values for every cell: the
//! written-out equations give the numbers the views show.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{load, params, tensor};
use gatescope::model::explain::{breakdown, Source};
use gatescope::model::{forward, sigmoid, CellKind, InitConfig, InitialState, Params, Series};
use ndarray::Array2;

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn the_seed_examples_equations_give_pytorchs_gates() {
    let case = load("lstm_forward.json")
        .into_iter()
        .find(|c| c["id"] == "lstm_classic_h4_d1_t5")
        .unwrap();
    let p = params(&case, CellKind::Lstm);
    let x = tensor(&case["x"]).batch3(0).mapv(|v| v as f32);
    let tr = forward(&p, x.view(), &InitialState::default()).unwrap();
    for t in 0..5 {
        for u in 0..4 {
            let b = breakdown(&p, &tr, t, u, &[]).unwrap();
            assert_eq!(b.gates.len(), 4);
            // [h_{t-1}; x_t]: H terms on h first, then D on x, as in the article's W_k.
            let sources: Vec<Source> = b.gates[0].sum.terms.iter().map(|t| t.source).collect();
            assert_eq!(
                sources,
                [
                    Source::H(0),
                    Source::H(1),
                    Source::H(2),
                    Source::H(3),
                    Source::X(0)
                ]
            );
            for g in &b.gates {
                let act = if g.series == Series::G {
                    g.sum.total.tanh()
                } else {
                    1.0 / (1.0 + (-g.sum.total).exp())
                };
                let golden = tensor(&case["expected"][g.series.symbol()]).batch3(0)[[t, u]];
                close(
                    act,
                    golden,
                    1e-5,
                    &format!("{:?} t={t} u={u} vs PyTorch", g.series),
                );
                close(f64::from(g.value), act, 1e-5, "recorded gate");
            }
            let c = f64::from(b.kept.unwrap()) + f64::from(b.written.unwrap());
            close(
                c,
                tensor(&case["expected"]["c"]).batch3(0)[[t, u]],
                1e-5,
                "kept + written",
            );
            let o = f64::from(b.gates[3].value);
            close(o * c.tanh(), f64::from(b.h), 1e-5, "h = o·tanh(c)");
        }
    }
}

#[test]
fn gru_and_rnn_equations_give_the_trace() {
    let x = Array2::from_shape_fn((9, 3), |(t, d)| ((t * 5 + d) as f32 * 0.4).sin() * 1.5);
    for kind in [CellKind::Gru, CellKind::Rnn] {
        let p = Params::init(
            kind,
            6,
            3,
            InitConfig {
                seed: 3,
                ..Default::default()
            },
        )
        .unwrap();
        let init = InitialState {
            h0: vec![0.2, -0.3, 0.1, 0.0, 0.4, -0.1],
            c0: vec![],
        };
        let tr = forward(&p, x.view(), &init).unwrap();
        for t in 0..9 {
            for u in 0..6 {
                let b = breakdown(&p, &tr, t, u, &[]).unwrap();
                let h = f64::from(b.h);
                match kind {
                    CellKind::Gru => {
                        let (r, z, n) = (&b.gates[0], &b.gates[1], &b.gates[2]);
                        close(
                            1.0 / (1.0 + (-r.sum.total).exp()),
                            f64::from(r.value),
                            1e-5,
                            "r",
                        );
                        close(
                            f64::from(sigmoid(z.sum.total as f32)),
                            f64::from(z.value),
                            1e-5,
                            "z",
                        );
                        let rec = b.n_recurrent.as_ref().unwrap().total;
                        let n_val = (n.sum.total + f64::from(r.value) * rec).tanh();
                        close(n_val, f64::from(n.value), 1e-5, "n");
                        let (zv, hp) = (f64::from(z.value), f64::from(b.h_prev_unit));
                        close((1.0 - zv) * n_val + zv * hp, h, 1e-5, "h");
                    }
                    _ => close(b.rnn_pre.as_ref().unwrap().total.tanh(), h, 1e-5, "rnn h"),
                }
            }
        }
    }
}

#[test]
fn the_largest_terms_and_the_others_add_up() {
    let p = Params::init(CellKind::Lstm, 40, 3, InitConfig::default()).unwrap();
    let x = Array2::from_elem((3, 3), 0.7f32);
    let tr = forward(&p, x.view(), &InitialState::default()).unwrap();
    let b = breakdown(&p, &tr, 2, 17, &[]).unwrap();
    let sum = &b.gates[1].sum;
    assert_eq!(sum.terms.len(), 43);
    let (shown, others) = sum.largest(12);
    assert_eq!(shown.len(), 12);
    let total: f64 = shown.iter().map(|t| t.product).sum::<f64>() + others + sum.bias;
    close(total, sum.total, 1e-12, "shown + others + bias");
    let smallest_shown = shown
        .iter()
        .map(|t| t.product.abs())
        .fold(f64::INFINITY, f64::min);
    let biggest_left = sum
        .terms
        .iter()
        .filter(|t| !shown.contains(t))
        .map(|t| t.product.abs())
        .fold(0.0, f64::max);
    assert!(smallest_shown >= biggest_left);
    assert_eq!(sum.largest(100).1, 0.0);
    assert!(breakdown(&p, &tr, 3, 0, &[]).is_err());
    assert!(breakdown(&p, &tr, 0, 40, &[]).is_err());
}

#[test]
fn forced_values_are_marked_and_the_weights_own_values_kept() {
    use gatescope::model::{ForwardRun, Intervention, Interventions};
    let p = Params::init(CellKind::Lstm, 5, 2, InitConfig::default()).unwrap();
    let x = Array2::from_shape_fn((6, 2), |(t, d)| (t as f32 - d as f32) * 0.3);
    let plain = forward(&p, x.view(), &InitialState::default()).unwrap();
    let list = vec![
        Intervention {
            series: Series::F,
            unit: Some(1),
            steps: 2..=3,
            value: 1.0,
        },
        Intervention {
            series: Series::C,
            unit: None,
            steps: 4..=4,
            value: 0.0,
        },
    ];
    let iv = Interventions::new(CellKind::Lstm, 5, list.clone()).unwrap();
    let mut run = ForwardRun::new(&p, x.view(), &InitialState::default())
        .unwrap()
        .with_interventions(iv)
        .unwrap();
    run.advance(usize::MAX);
    let tr = run.finish();
    let b = breakdown(&p, &tr, 2, 1, &list).unwrap();
    assert_eq!(b.forced, [Series::F]);
    let f = &b.gates[1];
    assert!(f.forced && f.value == 1.0);
    // Before step 2 nothing differs, so the weights give step 2's plain forget gate.
    close(
        f64::from(f.natural),
        f64::from(plain.get(Series::F).unwrap()[[2, 1]]),
        1e-6,
        "natural f",
    );
    for g in b.gates.iter().filter(|g| !g.forced) {
        close(f64::from(g.natural), f64::from(g.value), 1e-6, "unforced");
    }
    // Unit 0 is not clamped; step 4 sets every unit's c.
    assert!(breakdown(&p, &tr, 2, 0, &list).unwrap().forced.is_empty());
    let b4 = breakdown(&p, &tr, 4, 3, &list).unwrap();
    assert_eq!(b4.forced, [Series::C]);
    assert_eq!(b4.c, Some(0.0));
    assert!(!b4.is_forced(Series::F));
}
