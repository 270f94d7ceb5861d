//! Training (`model::train`, `model::optim`, `model::tasks`): readout and loss gradients by
//! finite differences, seeded reproducibility, typed config errors, loss going down on sine
//! prediction, and the evidence that the gated models (LSTM and GRU, with the same
//! memory-gate bias) remember across distractors where a vanilla RNN does not.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::rng::SplitMix64;
use gatescope::model::{
    readout_loss, AdamConfig, CellKind, InitConfig, Loss, Model, ModelError, Optimizer, Sample,
    SgdConfig, Task, TrainConfig, TrainError, Trainer,
};
use ndarray::{Array1, Array2};

fn init(seed: u64) -> InitConfig {
    InitConfig {
        seed,
        ..Default::default()
    }
}

/// A random sample with T = 5, D = 2, K = 3, mask [0, 0.5, 0, 1, 2]; targets one-hot (for
/// cross-entropy) or uniform values (MSE).
fn small_sample(loss: Loss, seed: u64) -> Sample {
    let (t, d, k) = (5, 2, 3);
    let mut rng = SplitMix64::new(seed);
    let x = Array2::from_shape_simple_fn((t, d), || rng.uniform(-1.0, 1.0));
    let y = match loss {
        Loss::Mse => Array2::from_shape_simple_fn((t, k), || rng.uniform(-1.0, 1.0)),
        Loss::CrossEntropy => {
            let mut y = Array2::zeros((t, k));
            for r in 0..t {
                y[[r, (rng.next_u64() % k as u64) as usize]] = 1.0;
            }
            y
        }
    };
    Sample::new(x, y, Array1::from(vec![0.0, 0.5, 0.0, 1.0, 2.0])).unwrap()
}

/// Central differences (step 1e-2, f32 forward, loss summed in f64) of the loss with
/// respect to every trainable value, against `Model::grads`. Tolerance
/// |fd − analytic| ≤ 2e-4 + 2e-3·|analytic|. Returns the worst |fd − analytic| / tolerance.
fn check_model_gradients(kind: CellKind, loss: Loss, seed: u64) -> f64 {
    let model = Model::init(kind, 3, 2, 3, init(seed)).unwrap();
    let sample = small_sample(loss, seed + 10);
    let g = model.grads(&sample, loss).unwrap();
    let c = &g.cell;
    let analytic: Vec<f32> = c
        .weight_ih
        .iter()
        .chain(c.weight_hh.iter())
        .chain(c.bias_ih.iter())
        .chain(c.bias_hh.iter())
        .chain(g.w_out.iter())
        .chain(g.b_out.iter())
        .copied()
        .collect();
    let flat = model.to_flat();
    assert_eq!(analytic.len(), flat.len());
    let f = |v: &[f32]| {
        model
            .with_flat(v)
            .unwrap()
            .loss(&sample, loss)
            .unwrap()
            .loss as f64
    };
    assert!((f(&flat) - g.loss.loss as f64).abs() < 1e-6);
    let (mut worst, mut nonzero) = (0.0f64, 0);
    for (k, &a) in analytic.iter().enumerate() {
        let (mut plus, mut minus) = (flat.clone(), flat.clone());
        plus[k] += 1e-2;
        minus[k] -= 1e-2;
        let step = plus[k] as f64 - minus[k] as f64;
        let fd = (f(&plus) - f(&minus)) / step;
        let a = a as f64;
        let tol = 2e-4 + 2e-3 * a.abs();
        assert!(
            (fd - a).abs() <= tol,
            "{kind:?} {loss:?} seed {seed}: parameter {k}: analytic {a:.6}, finite differences {fd:.6}"
        );
        worst = worst.max((fd - a).abs() / tol);
        nonzero += usize::from(a.abs() > 1e-4);
    }
    assert!(
        nonzero * 5 >= analytic.len() * 4,
        "{kind:?} {loss:?}: only {nonzero} of {} gradients above 1e-4",
        analytic.len()
    );
    worst
}

#[test]
fn readout_and_loss_gradients_match_finite_differences() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        for loss in [Loss::Mse, Loss::CrossEntropy] {
            for seed in [1, 2] {
                let worst = check_model_gradients(kind, loss, seed);
                eprintln!("{kind:?} {loss:?} seed {seed}: worst error/tolerance {worst:.3}");
            }
        }
    }
}

#[test]
fn log_softmax_is_stable_for_huge_logits() {
    let x = Array2::zeros((1, 1));
    let target = Array2::from_shape_vec((1, 3), vec![0.0, 1.0, 0.0]).unwrap();
    let s = Sample::new(x, target, Array1::ones(1)).unwrap();
    for logits in [[1e30f32, -1e30, 0.0], [0.0, 1e30, 1e30], [-3e38, 3e38, 0.0]] {
        let y = Array2::from_shape_vec((1, 3), logits.to_vec()).unwrap();
        let lg = readout_loss(Loss::CrossEntropy, y.view(), &s).unwrap();
        assert!(lg.loss.is_finite(), "{logits:?}: loss {}", lg.loss);
        assert!(
            lg.dy.iter().all(|v| v.is_finite()),
            "{logits:?}: {:?}",
            lg.dy
        );
    }
    // Closed forms: logits (0, 0, 0) → loss ln 3, gradient (⅓, −⅔, ⅓).
    let lg = readout_loss(Loss::CrossEntropy, Array2::zeros((1, 3)).view(), &s).unwrap();
    assert!((lg.loss - 3f32.ln()).abs() < 1e-6);
    for (g, want) in lg.dy.iter().zip([1.0 / 3.0, -2.0 / 3.0, 1.0 / 3.0]) {
        assert!((g - want).abs() < 1e-6);
    }
    // A three-way tie goes to the first index, class 0, not the target 1.
    assert_eq!((lg.correct, lg.counted), (0, 1));
}

#[test]
fn mse_is_the_mask_weighted_mean_over_steps_and_outputs() {
    let x = Array2::zeros((2, 1));
    let target = Array2::from_shape_vec((2, 2), vec![1.0, 0.0, 0.0, 0.0]).unwrap();
    let s = Sample::new(x, target, Array1::from(vec![1.0, 3.0])).unwrap();
    let y = Array2::from_shape_vec((2, 2), vec![0.0, 0.0, 2.0, 0.0]).unwrap();
    let lg = readout_loss(Loss::Mse, y.view(), &s).unwrap();
    // Step 1: (1² + 0)/2 = 0.5, weight ¼; step 2: (2² + 0)/2 = 2, weight ¾.
    assert!((lg.loss - (0.25 * 0.5 + 0.75 * 2.0)).abs() < 1e-6);
    assert_eq!(lg.dy.as_slice().unwrap(), &[-0.25, 0.0, 1.5, 0.0]);
    assert_eq!(lg.counted, 0);
}

fn trainer(kind: CellKind, task: Task, hidden: usize, cfg: TrainConfig) -> Trainer {
    let model = Model::for_task(kind, hidden, &task, init(7)).unwrap();
    Trainer::new(model, task, cfg).unwrap()
}

#[test]
fn the_same_seeds_give_bit_identical_weights() {
    for (kind, optimizer) in [
        (CellKind::Lstm, Optimizer::default()),
        (CellKind::Gru, Optimizer::Sgd(SgdConfig { momentum: 0.9 })),
        (CellKind::Rnn, Optimizer::default()),
    ] {
        let cfg = TrainConfig {
            optimizer,
            batch_size: 4,
            seed: 11,
            ..Default::default()
        };
        let task = Task::remember(3);
        let (mut a, mut b) = (trainer(kind, task, 6, cfg), trainer(kind, task, 6, cfg));
        let mut c = trainer(kind, task, 6, TrainConfig { seed: 12, ..cfg });
        let start = a.model().to_flat();
        for _ in 0..8 {
            let (ra, rb) = (a.step().unwrap(), b.step().unwrap());
            assert_eq!(ra, rb);
            c.step().unwrap();
        }
        let (wa, wb, wc) = (
            a.model().to_flat(),
            b.model().to_flat(),
            c.model().to_flat(),
        );
        let bits = |w: &[f32]| w.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&wa), bits(&wb), "{kind:?}");
        assert_ne!(wa, wc, "{kind:?}: another data seed, other weights");
        assert_ne!(wa, start, "{kind:?}: training changed nothing");
        assert_eq!(a.steps(), 8);
    }
}

#[test]
fn invalid_settings_are_typed_errors_not_panics() {
    let task = Task::Sine { length: 5 };
    let model = Model::for_task(CellKind::Lstm, 4, &task, init(0)).unwrap();
    let bad = [
        TrainConfig {
            learning_rate: f32::NAN,
            ..Default::default()
        },
        TrainConfig {
            learning_rate: -0.1,
            ..Default::default()
        },
        TrainConfig {
            learning_rate: 0.0,
            ..Default::default()
        },
        TrainConfig {
            learning_rate: f32::INFINITY,
            ..Default::default()
        },
        TrainConfig {
            clip_norm: Some(0.0),
            ..Default::default()
        },
        TrainConfig {
            clip_norm: Some(f32::NAN),
            ..Default::default()
        },
        TrainConfig {
            batch_size: 0,
            ..Default::default()
        },
        TrainConfig {
            optimizer: Optimizer::Adam(AdamConfig {
                beta1: 1.0,
                ..Default::default()
            }),
            ..Default::default()
        },
        TrainConfig {
            optimizer: Optimizer::Adam(AdamConfig {
                epsilon: 0.0,
                ..Default::default()
            }),
            ..Default::default()
        },
        TrainConfig {
            optimizer: Optimizer::Sgd(SgdConfig { momentum: -0.5 }),
            ..Default::default()
        },
    ];
    for cfg in bad {
        let err = Trainer::new(model.clone(), task, cfg).unwrap_err();
        assert!(matches!(err, TrainError::Config { .. }), "{cfg:?}: {err}");
    }
    let err = Trainer::new(model.clone(), Task::remember(5), TrainConfig::default()).unwrap_err();
    assert!(matches!(err, TrainError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("D = 5"), "{err}");
    let err = Trainer::new(
        model.clone(),
        Task::Sine { length: 0 },
        TrainConfig::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, TrainError::Model(ModelError::Size { .. })),
        "{err}"
    );
    // A sample whose K differs from the readout's.
    let s = Task::Parity { length: 3 }
        .sample(&mut SplitMix64::new(0))
        .unwrap();
    assert!(matches!(
        model.grads(&s, Loss::Mse),
        Err(ModelError::Shape { .. })
    ));
    assert!(Model::init(CellKind::Rnn, 4, 1, 0, init(0)).is_err());
    assert!(model.with_flat(&[0.0; 3]).is_err());
    let mut flat = model.to_flat();
    flat[0] = f32::NAN;
    assert!(matches!(
        model.with_flat(&flat),
        Err(ModelError::NonFinite { .. })
    ));
}

/// Next-step sine prediction, LSTM H = 8, Adam 0.01, batch 16: the held-out MSE falls by
/// more than 10× within 150 steps (measured: see the printed curve).
#[test]
fn training_reduces_loss_on_sine_prediction() {
    let task = Task::Sine { length: 20 };
    let mut t = trainer(CellKind::Lstm, task, 8, TrainConfig::default());
    let held_out = task.batch(&mut SplitMix64::new(123), 64).unwrap();
    let before = t.eval(&held_out).unwrap().loss;
    let mut curve = vec![(0, before)];
    for s in 1..=150 {
        let r = t.step().unwrap();
        assert!(r.loss.is_finite() && r.grad_norm.is_finite());
        assert_eq!(r.accuracy, None);
        if s % 25 == 0 {
            curve.push((s, t.eval(&held_out).unwrap().loss));
        }
    }
    let after = curve.last().unwrap().1;
    eprintln!("sine, LSTM H=8: held-out MSE by step {curve:?}");
    assert!(after < before / 10.0, "MSE {before} → {after}");
}

#[test]
fn every_task_trains_with_both_optimisers() {
    for task in [
        Task::Adding { length: 10 },
        Task::SeedSequence,
        Task::Parity { length: 6 },
        Task::remember(2),
    ] {
        for (optimizer, learning_rate) in [
            (Optimizer::default(), 0.01),
            (Optimizer::Sgd(SgdConfig::default()), 0.1),
        ] {
            let cfg = TrainConfig {
                optimizer,
                learning_rate,
                batch_size: 4,
                ..Default::default()
            };
            let mut t = trainer(CellKind::Gru, task, 4, cfg);
            let first = t.step().unwrap();
            let mut last = first;
            for _ in 0..30 {
                last = t.step().unwrap();
            }
            assert!(last.loss.is_finite(), "{task:?}");
            assert_eq!(
                last.accuracy.is_some(),
                task.loss() == Loss::CrossEntropy,
                "{task:?}"
            );
            if task == Task::SeedSequence {
                // The same four steps every batch: the loss must fall.
                assert!(
                    last.loss < first.loss,
                    "{task:?} {optimizer:?}: {first:?} → {last:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// With and without long-term memory

/// The experiment: remember one of 4 classes across N = 20 noise steps (amplitude 1, as
/// strong as the class one-hot), H = 16, batch 16, Adam 0.01, clip 1.0, a budget of 300
/// steps. Every model gets the same initialisation, including the same memory-gate bias 3
/// (`InitConfig::forget_bias`: the LSTM's forget gate and the GRU's update gate start open,
/// the remedy of Gers et al. 2000 / Jozefowicz et al. 2015 applied generously; the RNN has
/// no gate, so it has no effect there), and the same model seed, data seed and budget.
const REMEMBER_N: usize = 20;
const HIDDEN: usize = 16;
/// The memory-gate bias every model gets.
const MEMORY_BIAS: f32 = 3.0;
/// K, the step budget.
const BUDGET: usize = 300;
const EVAL_EVERY: usize = 50;
/// The seeds of the default test: the first three, not picked.
const SEEDS: [u64; 3] = [0, 1, 2];
const KINDS: [CellKind; 3] = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];

/// Trains `kind` for `budget` steps with memory-gate bias `bias`; returns (step, held-out
/// loss, held-out accuracy) every [`EVAL_EVERY`] steps, starting with step 0.
fn remember_curve(
    kind: CellKind,
    bias: Option<f32>,
    seed: u64,
    budget: usize,
) -> Vec<(usize, f32, f32)> {
    let task = Task::remember(REMEMBER_N);
    let model = Model::for_task(
        kind,
        HIDDEN,
        &task,
        InitConfig {
            seed,
            forget_bias: bias,
            ..Default::default()
        },
    )
    .unwrap();
    let cfg = TrainConfig {
        seed: seed + 100,
        ..Default::default()
    };
    let mut t = Trainer::new(model, task, cfg).unwrap();
    let held_out = task.batch(&mut SplitMix64::new(999), 256).unwrap();
    let mut curve = Vec::new();
    for s in 0..=budget {
        if s > 0 {
            t.step().unwrap();
        }
        if s % EVAL_EVERY == 0 {
            let e = t.eval(&held_out).unwrap();
            curve.push((s, e.loss, e.accuracy.unwrap()));
        }
    }
    curve
}

/// [`remember_curve`] for every (kind, bias, seed), in parallel; printed, in that order.
fn remember_runs(
    runs: &[(CellKind, Option<f32>, u64)],
    budget: usize,
) -> Vec<Vec<(usize, f32, f32)>> {
    let curves: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = runs
            .iter()
            .map(|&(kind, bias, seed)| s.spawn(move || remember_curve(kind, bias, seed, budget)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (&(kind, bias, seed), curve) in runs.iter().zip(&curves) {
        let points: Vec<String> = curve
            .iter()
            .map(|(s, l, a)| format!("{s}: {l:.3}/{a:.2}"))
            .collect();
        eprintln!(
            "  {kind:?} bias {bias:?} seed {seed} (step: loss/accuracy) {}",
            points.join("  ")
        );
    }
    curves
}

/// Measured (held-out loss/accuracy at step 300; chance is 0.25, loss ln 4 ≈ 1.386, and
/// always answering the held-out set's most common class scores 0.32):
///
/// | seed | LSTM        | GRU         | RNN         |
/// |------|-------------|-------------|-------------|
/// | 0    | 0.006/1.00  | 0.003/1.00  | 1.421/0.22  |
/// | 1    | 0.007/1.00  | 0.004/1.00  | 1.387/0.25  |
/// | 2    | 0.099/0.98  | 0.005/1.00  | 1.380/0.32  |
///
/// Curves, seed 0: LSTM 0.32 → 0.87 at step 100 → 1.00 at 200; GRU 0.32 → 0.36 at 100 →
/// 1.00 at 200; RNN 0.17–0.29 throughout. By step 200 every gated run of seeds 0–9 is at
/// ≥ 0.95 except LSTM seed 2 (0.76). Over seeds 0–9 see [`remember_over_ten_seeds`].
/// Thresholds at K = 300: LSTM and GRU accuracy ≥ 0.90 and loss < 0.3; RNN accuracy ≤ 0.40
/// and loss > 1.3.
#[test]
fn lstm_and_gru_remember_across_20_distractors_and_the_rnn_does_not() {
    let runs: Vec<_> = SEEDS
        .iter()
        .flat_map(|&seed| KINDS.map(|kind| (kind, Some(MEMORY_BIAS), seed)))
        .collect();
    eprintln!(
        "remember N = {REMEMBER_N}, H = {HIDDEN}, memory-gate bias {MEMORY_BIAS}, batch 16, \
         Adam 0.01, held-out 256:"
    );
    let curves = remember_runs(&runs, BUDGET);
    for (&(kind, _, seed), curve) in runs.iter().zip(&curves) {
        let &(_, loss, accuracy) = curve.last().unwrap();
        let at = format!("{kind:?} seed {seed} after {BUDGET} steps: loss {loss}, accuracy");
        if kind == CellKind::Rnn {
            assert!(accuracy <= 0.40 && loss > 1.3, "{at} {accuracy}");
        } else {
            assert!(accuracy >= 0.90 && loss < 0.3, "{at} {accuracy}");
        }
    }
}

/// The same experiment over ten seeds, with a control: LSTM and GRU without the memory-gate
/// bias (left random, like every other bias). Slow in a debug build:
/// `cargo test --release --test train -- --ignored --nocapture`.
///
/// Measured, held-out accuracy at step 300, seeds 0–9:
/// - bias 3: LSTM 0.98–1.00, GRU 1.00 (all ten), RNN 0.20–0.32 except seed 5, which
///   reaches 0.54 from step 250 on;
/// - no bias: LSTM 0.21–0.33, GRU 0.20–0.32: within this budget neither gated model learns
///   without the bias. (Given 1500 steps, the unbiased GRU learns in 7 of 10 seeds and the
///   unbiased LSTM in none.)
///
/// Limits of the claim, also measured: it is about this budget and this size. Trained on
/// for 3000 steps, the RNN (it has no gate, so the bias changes nothing) ends at 0.44–0.62
/// in six seeds, 0.98 in one (seed 3, 0.99 by step 1000) and chance in three, its curves
/// rising and falling. Within 300 steps it learns with H = 32 in 8 of 10 seeds (≥ 0.78; the
/// LSTM and GRU ≥ 0.77 and ≥ 0.99 there), and with distractors of amplitude 0.5 in 5 of 10
/// (≥ 0.84; 0.36–0.55 in the others).
#[test]
#[ignore]
fn remember_over_ten_seeds() {
    let mut runs = Vec::new();
    for seed in 0..10 {
        runs.extend(KINDS.map(|kind| (kind, Some(MEMORY_BIAS), seed)));
        runs.extend([CellKind::Lstm, CellKind::Gru].map(|kind| (kind, None, seed)));
    }
    let curves = remember_runs(&runs, BUDGET);
    let finals = |kind: CellKind, bias: Option<f32>| -> Vec<f32> {
        runs.iter()
            .zip(&curves)
            .filter(|(r, _)| r.0 == kind && r.1 == bias)
            .map(|(_, c)| c.last().unwrap().2)
            .collect()
    };
    for bias in [Some(MEMORY_BIAS), None] {
        for kind in KINDS {
            if kind != CellKind::Rnn || bias.is_some() {
                let acc = finals(kind, bias);
                eprintln!("accuracy at step {BUDGET}, {kind:?} bias {bias:?}: {acc:?}");
            }
        }
    }
    let bias = Some(MEMORY_BIAS);
    assert!(finals(CellKind::Lstm, bias).iter().all(|&a| a >= 0.9));
    assert!(finals(CellKind::Gru, bias).iter().all(|&a| a >= 0.9));
    let rnn = finals(CellKind::Rnn, bias);
    assert!(rnn.iter().filter(|&&a| a <= 0.5).count() >= 9, "{rnn:?}");
    for kind in [CellKind::Lstm, CellKind::Gru] {
        assert!(finals(kind, None).iter().all(|&a| a <= 0.5), "{kind:?}");
    }
}
