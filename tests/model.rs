//! The core's own tests: a hand-worked step, determinism, numerical safety, typed errors.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::{
    forward, io, CellKind, InitConfig, InitialState, ModelError, Params, Series, MAX_HIDDEN,
    MAX_STEPS,
};
use ndarray::{arr1, arr2, Array2};

/// H = 1, D = 1, worked by hand (values to 7 digits from Python's `math`):
///
/// weight_ih = [0.5, 0.25, 1.0, −0.5]ᵀ (i, f, g, o), weight_hh = [0.1, 0.2, 0.3, 0.4]ᵀ,
/// bias_ih = [0, 1, 0, 0], bias_hh = 0, h0 = c0 = 0.
///
/// Step 1, x = 2: pre = (1.0, 1.5, 2.0, −1.0), so i = σ(1) = 0.7310586, f = σ(1.5) = 0.8175745,
/// g = tanh 2 = 0.9640276, o = σ(−1) = 0.2689414; c = f·0 + i·g = 0.7047606,
/// h = o·tanh c = 0.1633499.
///
/// Step 2, x = −1: pre_i = −0.5 + 0.1·h₁ = −0.4836650, pre_f = −0.25 + 1 + 0.2·h₁ = 0.7826700,
/// pre_g = −1 + 0.3·h₁ = −0.9509950, pre_o = 0.5 + 0.4·h₁ = 0.5653399; i = 0.3813871,
/// f = 0.6862553, g = −0.7402332, o = 0.6376872; c = f·c₁ + i·g = 0.2013303, h = 0.1266788.
#[test]
fn hand_worked_lstm_steps() {
    let p = Params::new(
        CellKind::Lstm,
        arr2(&[[0.5], [0.25], [1.0], [-0.5]]),
        arr2(&[[0.1], [0.2], [0.3], [0.4]]),
        arr1(&[0.0, 1.0, 0.0, 0.0]),
        arr1(&[0.0, 0.0, 0.0, 0.0]),
    )
    .unwrap();
    let tr = forward(&p, arr2(&[[2.0], [-1.0]]).view(), &InitialState::default()).unwrap();
    let want = [
        (Series::I, [0.7310586, 0.3813871]),
        (Series::F, [0.8175745, 0.6862553]),
        (Series::G, [0.9640276, -0.7402332]),
        (Series::O, [0.2689414, 0.6376872]),
        (Series::C, [0.7047606, 0.2013303]),
        (Series::H, [0.1633499, 0.1266788]),
    ];
    for (s, w) in want {
        let got = tr.get(s).unwrap();
        for t in 0..2 {
            assert!(
                (got[[t, 0]] - w[t]).abs() < 2e-7,
                "{}[{t}] = {} want {}",
                s.symbol(),
                got[[t, 0]],
                w[t]
            );
        }
    }
}

#[test]
fn init_is_deterministic_and_within_pytorch_bounds() {
    let a = Params::init(
        CellKind::Lstm,
        16,
        3,
        InitConfig {
            seed: 7,
            ..Default::default()
        },
    )
    .unwrap();
    let b = Params::init(
        CellKind::Lstm,
        16,
        3,
        InitConfig {
            seed: 7,
            ..Default::default()
        },
    )
    .unwrap();
    let c = Params::init(
        CellKind::Lstm,
        16,
        3,
        InitConfig {
            seed: 8,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let k = 1.0 / 4.0;
    assert!(a
        .weight_hh()
        .iter()
        .chain(a.weight_ih())
        .chain(a.bias_ih())
        .all(|v| v.abs() <= k));
    // Pin a few values so a change of generator or draw order cannot slip through.
    let first = Params::init(CellKind::Lstm, 4, 1, InitConfig::default())
        .unwrap()
        .weight_ih()[[0, 0]];
    let expect = -0.5 + (0xE220_A839_7B1D_CDAFu64 >> 40) as f32 / (1u64 << 24) as f32;
    assert_eq!(first, expect);
}

#[test]
fn forget_bias_option_sets_the_f_block() {
    let p = Params::init(
        CellKind::Lstm,
        3,
        1,
        InitConfig {
            forget_bias: Some(1.0),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(p.bias_ih().slice(ndarray::s![3..6]).to_vec(), vec![1.0; 3]);
    assert_eq!(p.bias_hh().slice(ndarray::s![3..6]).to_vec(), vec![0.0; 3]);
}

/// The memory-gate bias sets block 1 (LSTM f, GRU z) and nothing else: every other weight
/// and bias is the plain seeded draw, and the RNN (no gate) is left as drawn.
#[test]
fn memory_bias_sets_the_lstm_f_and_the_gru_z_block_only() {
    let h = 3;
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let plain = Params::init(kind, h, 2, InitConfig::default()).unwrap();
        let biased = Params::init(
            kind,
            h,
            2,
            InitConfig {
                forget_bias: Some(3.0),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(biased.weight_ih(), plain.weight_ih(), "{kind:?}");
        assert_eq!(biased.weight_hh(), plain.weight_hh(), "{kind:?}");
        for row in 0..kind.gate_blocks() * h {
            let (ih, hh) = (biased.bias_ih()[row], biased.bias_hh()[row]);
            if kind != CellKind::Rnn && (h..2 * h).contains(&row) {
                assert_eq!((ih, hh), (3.0, 0.0), "{kind:?} row {row}");
            } else {
                assert_eq!(ih, plain.bias_ih()[row], "{kind:?} row {row}");
                assert_eq!(hh, plain.bias_hh()[row], "{kind:?} row {row}");
            }
        }
    }
    // A GRU with z ≈ 1 keeps its state: from h0, one step of any input barely moves it.
    let gru = Params::init(
        CellKind::Gru,
        h,
        2,
        InitConfig {
            forget_bias: Some(30.0),
            ..Default::default()
        },
    )
    .unwrap();
    let h0 = InitialState {
        h0: vec![0.5, -0.25, 0.75],
        c0: Vec::new(),
    };
    let trace = forward(&gru, Array2::ones((1, 2)).view(), &h0).unwrap();
    assert!(trace.get(Series::Z).unwrap().iter().all(|&z| z > 0.999));
    for (a, b) in trace.get(Series::H).unwrap().row(0).iter().zip(&h0.h0) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
}

#[test]
fn huge_inputs_never_give_nan_or_inf() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let p = Params::init(
            kind,
            8,
            2,
            InitConfig {
                seed: 3,
                scale: 50.0,
                ..Default::default()
            },
        )
        .unwrap();
        let x = Array2::from_shape_fn(
            (20, 2),
            |(t, d)| if (t + d) % 2 == 0 { 3e38 } else { -3e38 },
        );
        let tr = forward(
            &p,
            x.view(),
            &InitialState {
                h0: vec![1e30; 8],
                ..Default::default()
            },
        )
        .unwrap();
        for &s in tr.series() {
            assert!(
                tr.get(s).unwrap().iter().all(|v| v.is_finite()),
                "{kind:?} {}",
                s.symbol()
            );
        }
    }
}

#[test]
fn typed_errors_for_bad_shapes_values_and_sizes() {
    let p = Params::init(CellKind::Gru, 4, 2, InitConfig::default()).unwrap();
    let wrong_d = forward(&p, Array2::zeros((3, 3)).view(), &InitialState::default());
    assert!(
        matches!(wrong_d, Err(ModelError::Shape { .. })),
        "{wrong_d:?}"
    );
    let mut x = Array2::zeros((3, 2));
    x[[1, 1]] = f32::NAN;
    match forward(&p, x.view(), &InitialState::default()) {
        Err(ModelError::NonFinite { index, .. }) => assert_eq!(index, "[1][1]"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        forward(&p, Array2::zeros((0, 2)).view(), &InitialState::default()),
        Err(ModelError::Size { .. })
    ));
    assert!(matches!(
        forward(
            &p,
            Array2::zeros((MAX_STEPS + 1, 2)).view(),
            &InitialState::default()
        ),
        Err(ModelError::Size { .. })
    ));
    assert!(matches!(
        Params::init(CellKind::Lstm, MAX_HIDDEN + 1, 1, InitConfig::default()),
        Err(ModelError::Size { .. })
    ));
    let h0 = InitialState {
        h0: vec![0.0; 3],
        ..Default::default()
    };
    assert!(matches!(
        forward(&p, Array2::zeros((2, 2)).view(), &h0),
        Err(ModelError::Shape { .. })
    ));
    let c0 = InitialState {
        c0: vec![0.0; 4],
        ..Default::default()
    };
    assert!(
        forward(&p, Array2::zeros((2, 2)).view(), &c0).is_err(),
        "GRU has no c0"
    );
    let bad = Params::new(
        CellKind::Lstm,
        Array2::zeros((12, 1)),
        Array2::zeros((16, 4)),
        arr1(&[0.0; 16]),
        arr1(&[0.0; 16]),
    );
    assert!(matches!(bad, Err(ModelError::Shape { .. })));
}

#[test]
fn model_json_round_trips_and_reports_bad_files() {
    let p = Params::init(
        CellKind::Rnn,
        5,
        3,
        InitConfig {
            seed: 11,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(io::params_from_json(&io::params_to_json(&p)).unwrap(), p);

    let json =
        io::params_to_json(&Params::init(CellKind::Lstm, 2, 1, InitConfig::default()).unwrap());
    let no_cell = json.replace("\"cell\":\"lstm\",", "");
    assert_eq!(
        io::params_from_json(&no_cell).unwrap().kind(),
        CellKind::Lstm,
        "cell inferred from 4H rows"
    );
    let unsuffixed = json.replace("_l0", "");
    assert!(io::params_from_json(&unsuffixed).is_ok());
    let as_gru = json.replace("\"lstm\"", "\"gru\"");
    let e = io::params_from_json(&as_gru).unwrap_err().to_string();
    assert!(
        e.contains("expected shape [6, 1]") && e.contains("found [8, 1]"),
        "{e}"
    );
    let missing = json.replace("bias_hh_l0", "bias_xx");
    assert!(io::params_from_json(&missing)
        .unwrap_err()
        .to_string()
        .contains("bias_hh_l0"));
    let text = json.replacen("[[", "[[\"a\",", 1);
    let e = io::params_from_json(&text).unwrap_err().to_string();
    assert!(
        e.contains("weight_hh_l0[0][0]") && e.contains("expected a number"),
        "{e}"
    );
    assert!(io::params_from_json("{ nope")
        .unwrap_err()
        .to_string()
        .contains("not valid JSON"));
}

#[test]
fn input_files_are_checked_against_d() {
    assert_eq!(
        io::input_from_json("[[1,2],[3,4]]", 2).unwrap().dim(),
        (2, 2)
    );
    assert_eq!(io::input_from_json("[1,2,3]", 1).unwrap().dim(), (3, 1));
    let e = io::input_from_json("[[1,2],[3]]", 2)
        .unwrap_err()
        .to_string();
    assert!(e.contains("step 1") && e.contains("expected 2"), "{e}");
    assert!(io::input_from_json("[[1e39]]", 1).is_err());
}

/// The `T·H` bound holds in the core, not only in the app's form: a trace of 100 000 steps at
/// H = 512 (1.2 GB of f32) is refused before anything is allocated.
#[test]
fn traces_beyond_the_memory_bound_are_refused_before_allocating() {
    use gatescope::model::MAX_TRACE_ENTRIES;
    let p = Params::init(CellKind::Lstm, 512, 1, InitConfig::default()).unwrap();
    let x = Array2::<f32>::zeros((MAX_STEPS, 1));
    match forward(&p, x.view(), &InitialState::default()) {
        Err(ModelError::Size {
            what, value, max, ..
        }) => {
            assert!(what.contains("T·H"), "{what}");
            assert_eq!(value as u64, MAX_STEPS as u64 * 512);
            assert_eq!(max as u64, MAX_TRACE_ENTRIES);
        }
        other => panic!("expected a size error, got {:?}", other.map(|t| t.steps())),
    }
    let fits = (MAX_TRACE_ENTRIES / 512) as usize;
    let p8 = Params::init(CellKind::Rnn, 512, 1, InitConfig::default()).unwrap();
    let x = Array2::<f32>::zeros((fits + 1, 1));
    assert!(forward(&p8, x.view(), &InitialState::default()).is_err());
}
