//! Interventions inside the forward pass (`gatescope::model::intervene`), checked against
//! what they must mean, independently of how the step computes them.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::{
    forward, CellKind, ForwardRun, InitConfig, InitialState, Intervention, Interventions, Params,
    Series, Trace,
};
use ndarray::{s, Array2};

fn model(kind: CellKind) -> (Params, Array2<f32>, InitialState) {
    let p = Params::init(
        kind,
        5,
        2,
        InitConfig {
            seed: 11,
            scale: 1.5,
            ..Default::default()
        },
    )
    .unwrap();
    let x = Array2::from_shape_fn((20, 2), |(t, d)| {
        ((t * 7 + d * 3) as f32 * 0.31).sin() * 2.0
    });
    let init = InitialState {
        h0: vec![0.3, -0.2, 0.1, 0.5, -0.4],
        c0: if kind == CellKind::Lstm {
            vec![1.5, -0.7, 0.2, 2.0, -1.1]
        } else {
            vec![]
        },
    };
    (p, x, init)
}

fn run(p: &Params, x: &Array2<f32>, init: &InitialState, list: Vec<Intervention>) -> Trace {
    let iv = Interventions::new(p.kind(), p.hidden_size(), list).unwrap();
    let mut run = ForwardRun::new(p, x.view(), init)
        .unwrap()
        .with_interventions(iv)
        .unwrap();
    run.advance(usize::MAX);
    run.finish()
}

fn all(series: Series, value: f32) -> Intervention {
    Intervention {
        series,
        unit: None,
        steps: 0..=usize::MAX,
        value,
    }
}

fn bits(t: &Trace, s: Series) -> Vec<u32> {
    t.get(s).unwrap().iter().map(|v| v.to_bits()).collect()
}

#[test]
fn forget_open_and_input_shut_keep_the_memory_exactly() {
    let (p, x, init) = model(CellKind::Lstm);
    let tr = run(
        &p,
        &x,
        &init,
        vec![all(Series::F, 1.0), all(Series::I, 0.0)],
    );
    let c = tr.get(Series::C).unwrap();
    for row in c.rows() {
        assert_eq!(
            row.to_vec(),
            init.c0,
            "c_t = 1·c_(t-1) + 0·g is c_0, exactly"
        );
    }
    assert!(tr.get(Series::F).unwrap().iter().all(|&f| f == 1.0));
    // The plain run's memory moves: the clamp did something.
    assert_ne!(
        forward(&p, x.view(), &init)
            .unwrap()
            .get(Series::C)
            .unwrap(),
        c
    );
}

#[test]
fn a_gru_whose_update_gate_is_shut_keeps_h() {
    let (p, x, init) = model(CellKind::Gru);
    let tr = run(&p, &x, &init, vec![all(Series::Z, 1.0)]);
    for row in tr.get(Series::H).unwrap().rows() {
        assert_eq!(row.to_vec(), init.h0);
    }
}

/// Clamping every gate of every unit to the value it has anyway changes no bit.
#[test]
fn clamping_gates_to_their_own_values_changes_nothing() {
    for kind in [CellKind::Lstm, CellKind::Gru] {
        let (p, x, init) = model(kind);
        let plain = forward(&p, x.view(), &init).unwrap();
        let mut list = Vec::new();
        for &s in Series::of(kind)
            .iter()
            .filter(|s| !matches!(s, Series::C | Series::H))
        {
            for ((t, u), &v) in plain.get(s).unwrap().indexed_iter() {
                list.push(Intervention {
                    series: s,
                    unit: Some(u),
                    steps: t..=t,
                    value: v,
                });
            }
        }
        let clamped = run(&p, &x, &init, list);
        for &s in Series::of(kind) {
            assert_eq!(bits(&clamped, s), bits(&plain, s), "{kind:?} {s:?}");
        }
    }
}

#[test]
fn steps_before_an_intervention_are_untouched_and_later_ones_follow_it() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let (p, x, init) = model(kind);
        let plain = forward(&p, x.view(), &init).unwrap();
        let k = 7;
        let set = Intervention {
            series: Series::H,
            unit: Some(1),
            steps: k..=k,
            value: 0.5,
        };
        let tr = run(&p, &x, &init, vec![set]);
        for &s in Series::of(kind) {
            let (a, b) = (tr.get(s).unwrap(), plain.get(s).unwrap());
            assert_eq!(
                a.slice(s![..k, ..]),
                b.slice(s![..k, ..]),
                "{kind:?} {s:?} before {k}"
            );
        }
        let h = tr.get(Series::H).unwrap();
        assert_eq!(
            h[[k, 1]],
            0.5,
            "{kind:?}: the set value is what step {k} records"
        );
        assert_ne!(
            h.slice(s![k + 1.., ..]),
            plain.get(Series::H).unwrap().slice(s![k + 1.., ..])
        );
        // The steps after read the set state: a fresh run from it gives the same bits.
        let from = InitialState {
            h0: h.row(k).to_vec(),
            c0: tr.get(Series::C).map_or(vec![], |c| c.row(k).to_vec()),
        };
        let tail = forward(&p, x.slice(s![k + 1.., ..]), &from).unwrap();
        assert_eq!(
            tail.get(Series::H).unwrap(),
            h.slice(s![k + 1.., ..]),
            "{kind:?}"
        );
    }
}

#[test]
fn a_resumed_run_takes_the_interventions_from_its_step() {
    let (p, x, init) = model(CellKind::Lstm);
    let plain = forward(&p, x.view(), &init).unwrap();
    let list = vec![Intervention {
        series: Series::O,
        unit: Some(4),
        steps: 9..=12,
        value: 0.0,
    }];
    let whole = run(&p, &x, &init, list.clone());
    let iv = Interventions::new(CellKind::Lstm, 5, list).unwrap();
    let mut resumed = ForwardRun::resume(&p, &plain, x.view(), 9)
        .unwrap()
        .with_interventions(iv)
        .unwrap();
    resumed.advance(usize::MAX);
    assert_eq!(resumed.finish(), whole);
    assert!(whole
        .get(Series::H)
        .unwrap()
        .slice(s![9..=12, 4])
        .iter()
        .all(|&h| h == 0.0));
}

#[test]
fn wrong_interventions_are_refused() {
    let bad = |kind, iv: Intervention| {
        Interventions::new(kind, 5, vec![iv])
            .unwrap_err()
            .to_string()
    };
    let one = |series, unit, value| Intervention {
        series,
        unit,
        steps: 0..=3,
        value,
    };
    assert!(bad(CellKind::Gru, one(Series::C, None, 0.0)).contains("no c"));
    assert!(bad(CellKind::Lstm, one(Series::R, None, 0.0)).contains("no r"));
    assert!(bad(CellKind::Lstm, one(Series::F, Some(5), 0.0)).contains("unit 6"));
    assert!(bad(CellKind::Lstm, one(Series::F, None, f32::NAN)).contains("not finite"));
    #[allow(clippy::reversed_empty_ranges)]
    let empty = Intervention {
        series: Series::F,
        unit: None,
        steps: 4..=2,
        value: 1.0,
    };
    assert!(bad(CellKind::Lstm, empty).contains("empty"));
    let (p, x, init) = model(CellKind::Lstm);
    let gru_iv = Interventions::new(CellKind::Gru, 5, vec![]).unwrap();
    assert!(ForwardRun::new(&p, x.view(), &init)
        .unwrap()
        .with_interventions(gru_iv)
        .is_err());
}
