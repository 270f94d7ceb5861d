//! Property tests of the app's session state machine ([`Session`]): random sequences of what
//! the page can do (typing valid and invalid text, editing cells, inserting and deleting
//! steps, presets, model changes with valid and invalid settings, the seed example, frames
//! of a chunked computation) checked against a plain model of the input after every step.
//!
//! After each operation:
//! - nothing panicked;
//! - the input the session works on (`trace().x()`, or the pending run's while computing)
//!   is bit for bit the model's input;
//! - when not computing, `trace()` is exactly a fresh [`forward`] of `params()` on that
//!   input from zeros, and the trace's kind and sizes are the parameters';
//! - invalid text keeps the very same trace object and sets `error()`; invalid settings
//!   keep everything and set `model_error()`.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::{examples, forward, parse_sequence, CellKind, InitialState, Params};
use gatescope::state::{
    format_sequence, ModelConfig, Preset, Session, SharedTrace, APP_MAX_HIDDEN, APP_MAX_INPUT,
    APP_MAX_STEPS,
};
use ndarray::{s, Array2, Axis};
use proptest::prelude::*;

/// Cases per property; `PROPTEST_CASES` overrides it for a longer run.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// What the page can do to a session.
#[derive(Debug, Clone)]
enum Op {
    SetInput(String),
    /// Well-formed text of `T` steps for whatever the model's D is then.
    TypeSteps(usize, u64),
    SetValue(usize, usize, f32),
    InsertStep(usize),
    DeleteStep(usize),
    Preset(Preset, u64),
    SetConfig(ModelConfig),
    /// A model trained elsewhere, shown on its own input.
    LoadModel(Box<Params>, Array2<f32>),
    SeedExample,
    Advance(usize),
}

fn finite_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -5.0f32..5.0,
        1 => any::<u32>()
            .prop_map(f32::from_bits)
            .prop_filter("finite", |v| v.is_finite()),
        1 => prop::sample::select(vec![0.0f32, -0.0, 1e30, -1e-30, f32::MAX, f32::MIN_POSITIVE]),
    ]
}

fn matrix(t: std::ops::RangeInclusive<usize>, d: usize) -> impl Strategy<Value = Array2<f32>> {
    t.prop_flat_map(move |t| {
        prop::collection::vec(finite_f32(), t * d)
            .prop_map(move |v| Array2::from_shape_vec((t, d), v).unwrap())
    })
}

/// Input text: well-formed for some D (which may not be the model's), or broken.
fn input_text(max_t: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (1usize..=4).prop_flat_map(move |d| matrix(1..=max_t, d))
            .prop_map(|x| format_sequence(&x)),
        1 => prop::collection::vec(
            prop::sample::select(vec![
                "1", "-0.5", "2e3", ",", " ", ";", "\n", "x", "nan", "1e39", "−1", "é", "\u{7}",
                "", "; ;", "0 0", "0,0,0",
            ]),
            0..30,
        )
        .prop_map(|v| v.concat()),
        1 => prop::collection::vec(any::<char>(), 0..20).prop_map(|v| v.into_iter().collect()),
        // Parses, but is longer than the app runs.
        1 => Just("0,".repeat(APP_MAX_STEPS + 1)),
    ]
}

fn kind() -> impl Strategy<Value = CellKind> {
    prop::sample::select(vec![CellKind::Lstm, CellKind::Gru, CellKind::Rnn])
}

/// Model settings, valid or not; `big` allows sizes whose forward pass is computed in
/// chunks.
fn config(big: bool) -> impl Strategy<Value = ModelConfig> {
    let hidden = if big {
        prop_oneof![1 => 1usize..=8, 3 => 192usize..=APP_MAX_HIDDEN].boxed()
    } else {
        prop_oneof![8 => 1usize..=8, 1 => Just(0usize), 1 => Just(APP_MAX_HIDDEN + 1)].boxed()
    };
    let input = if big {
        (1usize..=APP_MAX_INPUT).boxed()
    } else {
        prop_oneof![8 => 1usize..=4, 1 => Just(0usize), 1 => Just(APP_MAX_INPUT + 1)].boxed()
    };
    (
        kind(),
        hidden,
        input,
        any::<u64>(),
        prop_oneof![
            8 => 0.0f32..=3.0,
            1 => prop::sample::select(vec![-0.0f32, -1.0, 100.0, 100.5, f32::NAN, f32::INFINITY]),
        ],
        any::<bool>(),
    )
        .prop_map(
            |(kind, hidden, input, seed, scale, forget_bias_one)| ModelConfig {
                kind,
                hidden,
                input,
                seed,
                scale,
                forget_bias_one,
            },
        )
}

/// A model loaded from elsewhere: usually showable, sometimes too wide, sometimes with an
/// input of the wrong width.
fn loaded() -> impl Strategy<Value = (Params, Array2<f32>)> {
    (
        config(false).prop_filter("valid", |c| c.validate().is_ok()),
        prop_oneof![8 => Just(0usize), 1 => Just(1usize)],
    )
        .prop_flat_map(|(cfg, extra_d)| {
            let params = cfg.build().unwrap();
            (Just(params), matrix(1..=12, cfg.input + extra_d))
        })
}

fn op(big: bool) -> impl Strategy<Value = Op> {
    let max_t = if big { 200 } else { 30 };
    prop_oneof![
        6 => input_text(max_t).prop_map(Op::SetInput),
        3 => (1..=max_t, any::<u64>()).prop_map(|(t, seed)| Op::TypeSteps(t, seed)),
        4 => (0usize..32, 0usize..5, prop_oneof![
            8 => finite_f32(),
            1 => Just(f32::NAN),
            1 => Just(f32::NEG_INFINITY),
        ])
            .prop_map(|(t, d, v)| Op::SetValue(t, d, v)),
        2 => (0usize..32).prop_map(Op::InsertStep),
        2 => (0usize..32).prop_map(Op::DeleteStep),
        2 => (prop::sample::select(Preset::ALL.to_vec()), any::<u64>())
            .prop_map(|(p, seed)| Op::Preset(p, seed)),
        3 => config(big).prop_map(Op::SetConfig),
        1 => loaded().prop_map(|(p, x)| Op::LoadModel(Box::new(p), x)),
        1 => Just(Op::SeedExample),
        if big { 8 } else { 2 } => prop_oneof![
            4 => 1usize..50,
            1 => Just(0usize),
            1 => Just(usize::MAX),
        ]
        .prop_map(Op::Advance),
    ]
}

/// What the session should hold: the last valid input and the parameters.
struct Expected {
    x: Array2<f32>,
    params: Params,
}

fn bits(a: ndarray::ArrayView2<'_, f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// The model's trace, recomputed from scratch, equals the session's, bit for bit. `checked`
/// is the last trace object verified this way: the same object is not recomputed.
fn check_trace(
    s: &Session,
    want: &Expected,
    checked: &mut Option<SharedTrace>,
) -> Result<(), TestCaseError> {
    let tr = s.trace();
    let p = s.params();
    prop_assert_eq!(tr.kind(), p.kind());
    prop_assert_eq!(tr.hidden_size(), p.hidden_size());
    prop_assert_eq!(tr.input_size(), p.input_size());
    prop_assert_eq!(tr.x().dim(), want.x.dim());
    prop_assert_eq!(bits(tr.x()), bits(want.x.view()), "the trace's input");
    if checked.as_ref() == Some(&s.shared_trace()) {
        return Ok(());
    }
    let fresh = forward(p, tr.x(), &InitialState::default()).unwrap();
    prop_assert_eq!(tr.series(), fresh.series());
    for &series in tr.series() {
        prop_assert_eq!(
            bits(tr.get(series).unwrap()),
            bits(fresh.get(series).unwrap()),
            "{} differs from a fresh forward pass",
            series.symbol()
        );
    }
    prop_assert_eq!(tr.h0(), fresh.h0());
    prop_assert_eq!(tr.c0(), fresh.c0());
    *checked = Some(s.shared_trace());
    Ok(())
}

/// Runs `ops` from the seed example and checks the invariants after each.
fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut s = Session::seed_example();
    let mut want = Expected {
        x: parse_sequence(examples::SEED_ARTICLE_INPUT, 1).unwrap(),
        params: examples::seed_article_lstm(),
    };
    let mut checked = None;
    check_trace(&s, &want, &mut checked)?;
    for op in ops {
        let before_trace = s.shared_trace();
        let before_error = s.error().map(str::to_string);
        let before_model_error = s.model_error().map(str::to_string);
        let before_text = s.input_text().to_string();
        let d = want.params.input_size();
        // Some(true): the operation rewrote the text from values; Some(false): it kept the
        // text; None: checked in the arm.
        let mut rewrote: Option<bool> = Some(true);
        match &op {
            Op::SetInput(text) => {
                s.set_input(text);
                prop_assert_eq!(s.input_text(), text.as_str());
                rewrote = None;
                match parse_sequence(text, d) {
                    Ok(x) if x.nrows() <= APP_MAX_STEPS => {
                        prop_assert_eq!(s.error(), None);
                        want.x = x;
                    }
                    _ => {
                        prop_assert!(s.error().is_some(), "{text:?} was accepted");
                        prop_assert!(
                            s.shared_trace() == before_trace,
                            "invalid text replaced the trace"
                        );
                    }
                }
            }
            Op::TypeSteps(t, seed) => {
                let x = Preset::Random.generate(d, *seed);
                let x = Array2::from_shape_fn((*t, d), |(r, c)| {
                    x[[r % x.nrows(), c]] * (1.0 + r as f32)
                });
                s.set_input(&format_sequence(&x));
                want.x = x;
            }
            Op::SetValue(t, k, v) => {
                s.set_value(*t, *k, *v);
                let (rows, cols) = want.x.dim();
                if *t < rows && *k < cols && v.is_finite() {
                    want.x[[*t, *k]] = *v;
                } else {
                    rewrote = Some(false);
                }
            }
            Op::InsertStep(t) => {
                s.insert_step(*t);
                let rows = want.x.nrows();
                if *t < rows && rows < APP_MAX_STEPS {
                    let mut out = Array2::zeros((rows + 1, want.x.ncols()));
                    out.slice_mut(s![..=*t, ..])
                        .assign(&want.x.slice(s![..=*t, ..]));
                    out.slice_mut(s![*t + 1.., ..])
                        .assign(&want.x.slice(s![*t.., ..]));
                    want.x = out;
                } else {
                    rewrote = Some(false);
                }
            }
            Op::DeleteStep(t) => {
                s.delete_step(*t);
                let rows = want.x.nrows();
                if *t < rows && rows > 1 {
                    let keep: Vec<usize> = (0..rows).filter(|k| k != t).collect();
                    want.x = want.x.select(Axis(0), &keep);
                } else {
                    rewrote = Some(false);
                }
            }
            Op::Preset(p, seed) => {
                s.apply_preset(*p, *seed);
                want.x = p.generate(d, *seed);
            }
            Op::SetConfig(cfg) => {
                s.set_config(*cfg);
                rewrote = None;
                match cfg.build() {
                    Ok(params) => {
                        prop_assert_eq!(s.model_error(), None);
                        prop_assert_eq!(s.config(), *cfg);
                        prop_assert_eq!(s.params(), &params);
                        prop_assert_eq!(s.error(), None);
                        let new_d = params.input_size();
                        let mut x = Array2::zeros((want.x.nrows(), new_d));
                        let k = new_d.min(d);
                        x.slice_mut(s![.., ..k]).assign(&want.x.slice(s![.., ..k]));
                        // Valid text for the same D is kept as typed; otherwise the text is
                        // rewritten from the values.
                        if new_d == d && before_error.is_none() {
                            prop_assert_eq!(s.input_text(), before_text.as_str());
                        } else {
                            prop_assert_eq!(s.input_text(), format_sequence(&x));
                        }
                        want.x = x;
                        want.params = params;
                    }
                    Err(e) => {
                        prop_assert_eq!(s.model_error(), Some(e.as_str()));
                        prop_assert!(s.shared_trace() == before_trace);
                        prop_assert_eq!(s.params(), &want.params);
                        prop_assert_eq!(s.input_text(), before_text.as_str());
                        prop_assert_eq!(s.error(), before_error.as_deref());
                    }
                }
            }
            Op::LoadModel(params, x) => {
                s.load_model("loaded", (**params).clone(), x);
                let (h, pd) = (params.hidden_size(), params.input_size());
                if h > APP_MAX_HIDDEN || pd > APP_MAX_INPUT || x.ncols() != pd {
                    prop_assert!(s.model_error().is_some());
                    prop_assert!(s.shared_trace() == before_trace);
                    prop_assert_eq!(s.params(), &want.params);
                    rewrote = Some(false);
                } else {
                    prop_assert_eq!(s.model_error(), None);
                    prop_assert_eq!(s.params(), &**params);
                    prop_assert_eq!(s.model_name(), "loaded");
                    want.x = x.clone();
                    want.params = (**params).clone();
                }
            }
            Op::SeedExample => {
                s.use_seed_example();
                rewrote = None;
                want.x = parse_sequence(examples::SEED_ARTICLE_INPUT, 1).unwrap();
                want.params = examples::seed_article_lstm();
                prop_assert_eq!(s.input_text(), examples::SEED_ARTICLE_INPUT);
                prop_assert_eq!((s.error(), s.model_error()), (None, None));
            }
            Op::Advance(steps) => {
                let was_computing = s.is_computing();
                let done = s.advance_pending(*steps);
                prop_assert_eq!(done, !s.is_computing());
                if !was_computing {
                    prop_assert!(s.shared_trace() == before_trace);
                }
                rewrote = Some(false);
            }
        }
        match rewrote {
            Some(true) => {
                prop_assert_eq!(s.input_text(), format_sequence(&want.x));
                prop_assert_eq!(s.error(), None);
            }
            Some(false) => {
                prop_assert_eq!(s.input_text(), before_text.as_str());
                prop_assert_eq!(s.error(), before_error.as_deref());
            }
            None => {}
        }
        if !matches!(op, Op::SetConfig(_) | Op::LoadModel(..) | Op::SeedExample) {
            prop_assert_eq!(s.model_error(), before_model_error.as_deref());
        }
        prop_assert_eq!(s.is_stale(), s.error().is_some());
        prop_assert_eq!(s.params(), &want.params);
        match s.progress() {
            Some((done, total)) => {
                prop_assert!(s.is_computing());
                prop_assert!(done < total, "{done} of {total}");
                prop_assert_eq!(total, want.x.nrows());
            }
            None => {
                prop_assert!(!s.is_computing());
                check_trace(&s, &want, &mut checked)?;
            }
        }
    }
    // Whatever is pending finishes, on the model's input.
    while !s.advance_pending(64) {}
    check_trace(&s, &want, &mut checked)
}

proptest! {
    #![proptest_config(cases(256))]

    /// Small models and inputs (H ≤ 8, D ≤ 4, T ≤ 30 plus inserts): every trace is
    /// computed at once.
    #[test]
    fn session_matches_a_fresh_forward_pass_after_every_operation(
        ops in prop::collection::vec(op(false), 1..24),
    ) {
        run(ops)?;
    }
}

proptest! {
    #![proptest_config(cases(6))]

    /// Models up to H = 256, D = 16 and inputs up to 200 steps, so some traces are computed
    /// in chunks (`is_computing`) while edits and model changes keep arriving.
    #[test]
    fn chunked_computations_end_on_the_latest_input(
        kind in prop::sample::select(vec![CellKind::Lstm, CellKind::Gru]),
        hidden in 192usize..=APP_MAX_HIDDEN,
        input in 1usize..=APP_MAX_INPUT,
        steps in 60usize..=200,
        seed in any::<u64>(),
        ops in prop::collection::vec(op(true), 1..12),
    ) {
        // Start on a model and input big enough to be computed in chunks.
        let cfg = ModelConfig { kind, hidden, input, seed, ..ModelConfig::default() };
        let start = [Op::SetConfig(cfg), Op::TypeSteps(steps, seed)];
        run(start.into_iter().chain(ops).collect())?;
    }
}

/// Regression (found by the property test): `load_model` used to switch the parameters
/// before it knew the input runs, so an input the text format cannot carry (a non-finite
/// value, or no steps) left the new parameters (H = 6, D = 2) beside the old trace (H = 4,
/// D = 1). Now such an input changes nothing and says why.
#[test]
fn loading_a_model_with_an_unusable_input_keeps_trace_and_params_together() {
    let big = ModelConfig {
        hidden: 6,
        input: 2,
        ..ModelConfig::default()
    }
    .build()
    .unwrap();
    for x in [
        Array2::from_shape_vec((2, 2), vec![1.0, f32::NAN, 0.0, 1.0]).unwrap(),
        Array2::zeros((0, 2)),
    ] {
        let mut s = Session::seed_example();
        s.load_model("loaded", big.clone(), &x);
        assert_eq!(
            (s.trace().hidden_size(), s.trace().input_size()),
            (s.params().hidden_size(), s.params().input_size()),
            "x = {x:?}: error {:?}, model error {:?}",
            s.error(),
            s.model_error()
        );
        assert!(s
            .model_error()
            .is_some_and(|e| e.contains("nothing was loaded")));
    }
}
