//! Interventions in the app's session (`Session::set_interventions`): the trace is
//! recomputed from the first step they touch, with what they force inside the forward pass;
//! input edits keep them; clearing gives the plain trace back bit for bit; a list the model
//! cannot run is refused with a message and changes nothing; a model change drops the ones
//! that no longer fit. The reference is an independent float64 LSTM written here.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::{forward, InitialState, Intervention, Series};
use gatescope::state::teaching::Lesson;
use gatescope::state::{ModelConfig, Session};

fn all(series: Series, steps: std::ops::RangeInclusive<usize>, value: f32) -> Intervention {
    Intervention {
        series,
        unit: None,
        steps,
        value,
    }
}

fn plain(s: &Session) -> gatescope::model::Trace {
    forward(s.params(), s.trace().x(), &InitialState::default()).unwrap()
}

/// The seed LSTM in float64 with gates f and i forced from step `from` on (0-based):
/// returns c for every step and unit.
fn lstm_f64(s: &Session, f: f64, i: f64, from: usize) -> Vec<Vec<f64>> {
    let p = s.params();
    let (h, x) = (p.hidden_size(), s.trace().x().to_owned());
    let (wih, whh, bih, bhh) = (p.weight_ih(), p.weight_hh(), p.bias_ih(), p.bias_hh());
    let (mut hs, mut cs) = (vec![0.0f64; h], vec![0.0f64; h]);
    let mut out = Vec::new();
    for t in 0..x.nrows() {
        let pre = |r: usize| {
            let mut z = f64::from(bih[r]) + f64::from(bhh[r]);
            for k in 0..h {
                z += f64::from(whh[[r, k]]) * hs[k];
            }
            for d in 0..x.ncols() {
                z += f64::from(wih[[r, d]]) * f64::from(x[[t, d]]);
            }
            z
        };
        let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
        let (mut nh, mut nc) = (vec![0.0; h], vec![0.0; h]);
        for u in 0..h {
            let (mut ig, mut fg) = (sig(pre(u)), sig(pre(h + u)));
            if t >= from {
                (ig, fg) = (i, f);
            }
            let (g, o) = (pre(2 * h + u).tanh(), sig(pre(3 * h + u)));
            nc[u] = fg * cs[u] + ig * g;
            nh[u] = o * nc[u].tanh();
        }
        (hs, cs) = (nh, nc);
        out.push(cs.clone());
    }
    out
}

#[test]
fn forcing_recomputes_from_its_step_and_clearing_restores_the_plain_trace() {
    let mut s = Session::seed_example();
    s.set_input("1, 2, 3, 4, 5, -1, 0.5, 2");
    let before = s.trace().clone();
    s.set_interventions(vec![all(Series::F, 3..=7, 1.0), all(Series::I, 3..=7, 0.0)])
        .unwrap();
    let forced = s.trace().clone();
    let c = forced.get(Series::C).unwrap();
    for t in 3..8 {
        assert_eq!(c.row(t), c.row(2), "c is held exactly from step 4 on");
    }
    for series in Series::of(before.kind()) {
        let (a, b) = (before.get(*series).unwrap(), forced.get(*series).unwrap());
        assert_eq!(a.slice(ndarray::s![..3, ..]), b.slice(ndarray::s![..3, ..]));
    }
    let reference = lstm_f64(&s, 1.0, 0.0, 3);
    for (t, row) in reference.iter().enumerate() {
        for (u, want) in row.iter().enumerate() {
            let got = f64::from(c[[t, u]]);
            assert!(
                (got - want).abs() <= 1e-5 * want.abs().max(1.0),
                "c[{t},{u}]"
            );
        }
    }
    // An edit keeps the interventions; clearing gives the plain trace back exactly.
    s.set_value(7, 0, 9.0);
    assert_eq!(s.interventions().len(), 2);
    assert_eq!(s.trace().get(Series::C).unwrap().row(7), c.row(2));
    s.set_interventions(Vec::new()).unwrap();
    assert_eq!(s.trace(), &plain(&s));
}

#[test]
fn a_list_the_model_cannot_run_changes_nothing() {
    let mut s = Session::seed_example();
    let handle = s.shared_trace();
    let bad = [
        all(Series::Z, 0..=1, 1.0),
        Intervention {
            series: Series::F,
            unit: Some(4),
            steps: 0..=0,
            value: 1.0,
        },
        all(Series::F, 0..=1, f32::NAN),
    ];
    for iv in bad {
        assert!(s.set_interventions(vec![iv]).is_err());
        assert_eq!(s.shared_trace(), handle);
        assert!(s.interventions().is_empty());
    }
}

#[test]
fn invalid_text_keeps_its_message_through_an_intervention() {
    let mut s = Session::seed_example();
    s.set_input("1, 2, oops");
    assert!(s.is_stale());
    s.set_interventions(vec![all(Series::H, 0..=4, 0.0)])
        .unwrap();
    assert!(s.is_stale(), "the typed text is still wrong");
    assert!(s.trace().get(Series::H).unwrap().iter().all(|&v| v == 0.0));
}

#[test]
fn a_new_model_keeps_what_fits_and_drops_the_rest() {
    let mut s = Session::seed_example();
    s.set_interventions(vec![
        all(Series::F, 0..=2, 1.0),
        Intervention {
            series: Series::H,
            unit: Some(3),
            steps: 0..=4,
            value: 0.0,
        },
    ])
    .unwrap();
    s.set_config(ModelConfig {
        hidden: 2,
        ..ModelConfig::default()
    });
    assert_eq!(s.interventions(), &[all(Series::F, 0..=2, 1.0)]);
    assert!(s
        .trace()
        .get(Series::F)
        .unwrap()
        .slice(ndarray::s![..3, ..])
        .iter()
        .all(|&v| v == 1.0));
    s.set_config(ModelConfig {
        kind: gatescope::model::CellKind::Gru,
        hidden: 2,
        ..ModelConfig::default()
    });
    assert!(s.interventions().is_empty(), "a GRU has no forget gate");
    assert_eq!(s.trace(), &plain(&s));
}

#[test]
fn the_held_impulse_preset_holds_c_for_fifty_steps() {
    let mut s = Session::seed_example();
    let lesson = Lesson::ImpulseHeld;
    let x = lesson.input(1);
    s.set_x(&x);
    s.set_interventions(lesson.interventions(x.nrows()))
        .unwrap();
    let c = s.trace().get(Series::C).unwrap();
    assert_eq!(c.nrows(), 51);
    assert!(
        c.row(0).iter().any(|&v| v != 0.0),
        "step 1 writes something"
    );
    for t in 1..51 {
        assert_eq!(c.row(t), c.row(0));
    }
    // Left alone, the impulse is forgotten: c ends where it ends without the impulse.
    let fades = Lesson::ImpulseFades;
    s.set_interventions(fades.interventions(51)).unwrap();
    let with = s.trace().get(Series::C).unwrap().to_owned();
    let mut silent = x.clone();
    silent[[0, 0]] = 0.0;
    s.set_x(&silent);
    let without = s.trace().get(Series::C).unwrap();
    let gap = |t: usize| {
        (0..4)
            .map(|u| (with[[t, u]] - without[[t, u]]).abs())
            .fold(0.0, f32::max)
    };
    assert!(gap(0) > 0.1, "the impulse writes something ({})", gap(0));
    assert!(
        gap(50) < 1e-3 * gap(0),
        "and it is forgotten ({} at step 51)",
        gap(50)
    );
}
