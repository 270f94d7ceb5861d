//! Seeded toy tasks for training: each draws samples `(inputs [T, D], targets [T, K],
//! mask [T])` from a [`SplitMix64`], so the same seed gives the same data on every platform.
//!
//! | task | D | K | loss | where the loss applies |
//! |---|---|---|---|---|
//! | [`Task::Remember`] | classes + 1 | classes | cross-entropy | last step |
//! | [`Task::Adding`] | 2 | 1 | MSE | last step |
//! | [`Task::Sine`] | 1 | 1 | MSE | every step |
//! | [`Task::SeedSequence`] | 1 | 1 | MSE | every step |
//! | [`Task::Parity`] | 1 | 2 | cross-entropy | every step |

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::error::{ModelError, Result};
use super::params::{check_finite, check_size, MAX_INPUT, MAX_STEPS};
use super::rng::SplitMix64;

/// Largest number of distractor steps of [`Task::Remember`].
pub const MAX_DISTRACTORS: usize = 1000;
/// Longest sequence of the generated tasks (adding, sine, parity).
pub const MAX_TASK_LENGTH: usize = 10_000;
/// Largest number of classes of [`Task::Remember`] (its inputs are `classes + 1` wide).
pub const MAX_CLASSES: usize = MAX_INPUT - 1;

/// Which loss a task is trained with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Mean squared error over the K outputs: `ℓ_t = (1/K) Σ_k (y_{t,k} − y*_{t,k})²`.
    Mse,
    /// Softmax cross-entropy against the target distribution (a one-hot row for a class):
    /// `ℓ_t = −Σ_k y*_{t,k} log softmax(y_t)_k`.
    CrossEntropy,
}

/// One training sequence: inputs, targets for the readout and a per-step loss weight.
///
/// Always valid: `inputs` is `[T, D]`, `targets` `[T, K]`, `mask` `[T]`, with `T ≥ 1`,
/// every value finite, mask weights `≥ 0` and at least one positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    inputs: Array2<f32>,
    targets: Array2<f32>,
    mask: Array1<f32>,
}

impl Sample {
    /// Validates and wraps a sample.
    ///
    /// Errors: lengths that disagree or `T` outside `1..=`[`MAX_STEPS`]
    /// ([`ModelError::Shape`], [`ModelError::Size`]); a non-finite value; a negative mask
    /// weight or a mask with no positive weight ([`ModelError::Format`]).
    pub fn new(inputs: Array2<f32>, targets: Array2<f32>, mask: Array1<f32>) -> Result<Self> {
        let t = inputs.nrows();
        check_size("sequence length T", t, MAX_STEPS)?;
        if targets.nrows() != t {
            return Err(ModelError::shape(
                "targets",
                format!("[{t}, K]"),
                format!("[{}, {}]", targets.nrows(), targets.ncols()),
            ));
        }
        if mask.len() != t {
            return Err(ModelError::shape(
                "mask",
                format!("[{t}]"),
                format!("[{}]", mask.len()),
            ));
        }
        check_finite("inputs", inputs.iter(), &[t, inputs.ncols()])?;
        check_finite("targets", targets.iter(), &[t, targets.ncols()])?;
        check_finite("mask", mask.iter(), &[t])?;
        if mask.iter().any(|&m| m < 0.0) {
            return Err(ModelError::Format("mask: weights must be ≥ 0".into()));
        }
        if !mask.iter().any(|&m| m > 0.0) {
            return Err(ModelError::Format(
                "mask: at least one step must have a positive weight".into(),
            ));
        }
        Ok(Self {
            inputs,
            targets,
            mask,
        })
    }

    /// `[T, D]`.
    pub fn inputs(&self) -> ArrayView2<'_, f32> {
        self.inputs.view()
    }
    /// `[T, K]`: class distributions (one-hot rows) for cross-entropy, values for MSE.
    pub fn targets(&self) -> ArrayView2<'_, f32> {
        self.targets.view()
    }
    /// `[T]`: the weight of each step's loss (0 where there is no target).
    pub fn mask(&self) -> ArrayView1<'_, f32> {
        self.mask.view()
    }
    /// T.
    pub fn steps(&self) -> usize {
        self.inputs.nrows()
    }
}

/// A task: a seeded generator of [`Sample`]s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Task {
    /// Remember a class across distractors. `T = distractors + 2`, `D = classes + 1`,
    /// `K = classes`:
    /// - step 1: the class `c` (uniform in `0..classes`) one-hot in channels `0..classes`;
    /// - steps 2 ..= distractors + 1: distractors, every class channel uniform in
    ///   `[−noise, noise)` (all zeros when `noise = 0`);
    /// - last step: the recall cue, channel `classes` = 1 (0 on every other step).
    ///
    /// The target is `c` (one-hot) at the last step only; cross-entropy. Chance accuracy
    /// is `1/classes`.
    Remember {
        /// K, `2..=`[`MAX_CLASSES`].
        classes: usize,
        /// N, `1..=`[`MAX_DISTRACTORS`].
        distractors: usize,
        /// Amplitude of the distractor noise, finite and `0..=10`.
        noise: f32,
    },
    /// The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015):
    /// `D = 2`, channel 0 a value uniform in `[0, 1)`, channel 1 a marker that is 1 at two
    /// steps, one uniform in the first half and one in the second half. The target is the
    /// sum of the two marked values, at the last step only; MSE (`K = 1`). Predicting the
    /// mean, 1, scores an MSE of 1/6 ≈ 0.167.
    Adding {
        /// T, `2..=`[`MAX_TASK_LENGTH`].
        length: usize,
    },
    /// Next-step prediction on a sine: `x_t = sin(ω t + φ)`, target `x_{t+1}` at every step;
    /// `ω` uniform in `[0.15, 0.45)` rad/step and `φ` in `[0, 2π)` per sample. `D = K = 1`, MSE.
    Sine {
        /// T, `1..=`[`MAX_TASK_LENGTH`].
        length: usize,
    },
    /// Next-step prediction on the seed article's sequence 1, 2, 3, 4, 5: inputs 1, 2, 3, 4,
    /// targets 2, 3, 4, 5 (every step, MSE, `D = K = 1`). Every sample is the same.
    SeedSequence,
    /// Running parity of a bit stream: `x_t ∈ {0, 1}` uniform, target the class
    /// `(x_1 + … + x_t) mod 2` at every step; `D = 1`, `K = 2`, cross-entropy.
    Parity {
        /// T, `1..=`[`MAX_TASK_LENGTH`].
        length: usize,
    },
}

impl Task {
    /// The remember task with 4 classes and `distractors` noise steps of amplitude 1 (as
    /// strong as the remembered one-hot).
    pub fn remember(distractors: usize) -> Self {
        Task::Remember {
            classes: 4,
            distractors,
            noise: 1.0,
        }
    }

    /// A short name: `remember`, `adding`, `sine`, `seed-sequence`, `parity`.
    pub fn name(&self) -> &'static str {
        match self {
            Task::Remember { .. } => "remember",
            Task::Adding { .. } => "adding",
            Task::Sine { .. } => "sine",
            Task::SeedSequence => "seed-sequence",
            Task::Parity { .. } => "parity",
        }
    }

    /// Checks the task's settings (see each variant for the ranges).
    pub fn validate(&self) -> Result<()> {
        match *self {
            Task::Remember {
                classes,
                distractors,
                noise,
            } => {
                if !(2..=MAX_CLASSES).contains(&classes) {
                    return Err(ModelError::Size {
                        what: "remember: classes",
                        value: classes,
                        min: 2,
                        max: MAX_CLASSES,
                    });
                }
                check_size("remember: distractors N", distractors, MAX_DISTRACTORS)?;
                if !(noise.is_finite() && (0.0..=10.0).contains(&noise)) {
                    return Err(ModelError::Format(format!(
                        "remember: noise must be a number in 0..=10, found {noise}"
                    )));
                }
                Ok(())
            }
            Task::Adding { length } => {
                if !(2..=MAX_TASK_LENGTH).contains(&length) {
                    return Err(ModelError::Size {
                        what: "adding: length T",
                        value: length,
                        min: 2,
                        max: MAX_TASK_LENGTH,
                    });
                }
                Ok(())
            }
            Task::Sine { length } => check_size("sine: length T", length, MAX_TASK_LENGTH),
            Task::Parity { length } => check_size("parity: length T", length, MAX_TASK_LENGTH),
            Task::SeedSequence => Ok(()),
        }
    }

    /// D, the width of each input row.
    pub fn input_size(&self) -> usize {
        match *self {
            Task::Remember { classes, .. } => classes + 1,
            Task::Adding { .. } => 2,
            Task::Sine { .. } | Task::SeedSequence | Task::Parity { .. } => 1,
        }
    }

    /// K, the number of readout outputs.
    pub fn output_size(&self) -> usize {
        match *self {
            Task::Remember { classes, .. } => classes,
            Task::Parity { .. } => 2,
            Task::Adding { .. } | Task::Sine { .. } | Task::SeedSequence => 1,
        }
    }

    /// The loss the task is scored with.
    pub fn loss(&self) -> Loss {
        match self {
            Task::Remember { .. } | Task::Parity { .. } => Loss::CrossEntropy,
            Task::Adding { .. } | Task::Sine { .. } | Task::SeedSequence => Loss::Mse,
        }
    }

    /// T of every sample.
    pub fn steps(&self) -> usize {
        match *self {
            Task::Remember { distractors, .. } => distractors + 2,
            Task::Adding { length } | Task::Sine { length } | Task::Parity { length } => length,
            Task::SeedSequence => 4,
        }
    }

    /// Draws one sample. Errors only if the task is invalid ([`Task::validate`]).
    pub fn sample(&self, rng: &mut SplitMix64) -> Result<Sample> {
        self.validate()?;
        let (t_len, d, k) = (self.steps(), self.input_size(), self.output_size());
        let mut x = Array2::<f32>::zeros((t_len, d));
        let mut y = Array2::<f32>::zeros((t_len, k));
        let mut mask = Array1::<f32>::zeros(t_len);
        match *self {
            Task::Remember { classes, noise, .. } => {
                let c = below(rng, classes);
                x[[0, c]] = 1.0;
                if noise > 0.0 {
                    for t in 1..t_len - 1 {
                        for j in 0..classes {
                            x[[t, j]] = rng.uniform(-noise, noise);
                        }
                    }
                }
                x[[t_len - 1, classes]] = 1.0;
                y[[t_len - 1, c]] = 1.0;
                mask[t_len - 1] = 1.0;
            }
            Task::Adding { length } => {
                for t in 0..length {
                    x[[t, 0]] = rng.next_f32();
                }
                let half = length / 2;
                let a = below(rng, half);
                let b = half + below(rng, length - half);
                x[[a, 1]] = 1.0;
                x[[b, 1]] = 1.0;
                y[[length - 1, 0]] = x[[a, 0]] + x[[b, 0]];
                mask[length - 1] = 1.0;
            }
            Task::Sine { length } => {
                let omega = rng.uniform(0.15, 0.45);
                let phi = rng.uniform(0.0, std::f32::consts::TAU);
                let v = |t: usize| (omega * t as f32 + phi).sin();
                for t in 0..length {
                    x[[t, 0]] = v(t);
                    y[[t, 0]] = v(t + 1);
                }
                mask.fill(1.0);
            }
            Task::SeedSequence => {
                for t in 0..4 {
                    x[[t, 0]] = (t + 1) as f32;
                    y[[t, 0]] = (t + 2) as f32;
                }
                mask.fill(1.0);
            }
            Task::Parity { length } => {
                let mut parity = 0;
                for t in 0..length {
                    let bit = (rng.next_u64() >> 63) as usize;
                    parity ^= bit;
                    x[[t, 0]] = bit as f32;
                    y[[t, parity]] = 1.0;
                }
                mask.fill(1.0);
            }
        }
        Sample::new(x, y, mask)
    }

    /// Draws `n` samples in sequence from `rng`.
    pub fn batch(&self, rng: &mut SplitMix64, n: usize) -> Result<Vec<Sample>> {
        (0..n).map(|_| self.sample(rng)).collect()
    }
}

/// Uniform in `0..n` (`n ≥ 1`), by multiply-shift of the top 32 bits (bias < 2⁻³² · n).
fn below(rng: &mut SplitMix64, n: usize) -> usize {
    (((rng.next_u64() >> 32) * n as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_agree_with_the_declared_sizes() {
        let tasks = [
            Task::remember(20),
            Task::Remember {
                classes: 2,
                distractors: 1,
                noise: 0.0,
            },
            Task::Adding { length: 30 },
            Task::Sine { length: 12 },
            Task::SeedSequence,
            Task::Parity { length: 9 },
        ];
        let mut rng = SplitMix64::new(3);
        for task in tasks {
            let s = task.sample(&mut rng).unwrap();
            assert_eq!(
                s.inputs().dim(),
                (task.steps(), task.input_size()),
                "{task:?}"
            );
            assert_eq!(
                s.targets().dim(),
                (task.steps(), task.output_size()),
                "{task:?}"
            );
            assert_eq!(s.mask().len(), task.steps());
        }
    }

    #[test]
    fn remember_puts_the_class_first_and_the_cue_last() {
        let task = Task::remember(5);
        let mut rng = SplitMix64::new(1);
        for _ in 0..20 {
            let s = task.sample(&mut rng).unwrap();
            let c = (0..4).find(|&j| s.inputs()[[0, j]] == 1.0).unwrap();
            assert_eq!(s.targets()[[6, c]], 1.0);
            assert_eq!(s.targets().sum(), 1.0);
            assert_eq!(s.inputs()[[6, 4]], 1.0);
            assert_eq!(s.inputs().column(4).sum(), 1.0);
            assert_eq!(s.mask().to_vec(), vec![0., 0., 0., 0., 0., 0., 1.]);
            assert!(s.inputs().iter().all(|v| v.abs() <= 1.0));
        }
    }

    #[test]
    fn adding_marks_one_step_in_each_half() {
        let mut rng = SplitMix64::new(2);
        for _ in 0..50 {
            let s = Task::Adding { length: 10 }.sample(&mut rng).unwrap();
            let marks: Vec<usize> = (0..10).filter(|&t| s.inputs()[[t, 1]] == 1.0).collect();
            assert_eq!(marks.len(), 2);
            assert!(marks[0] < 5 && marks[1] >= 5);
            let sum = s.inputs()[[marks[0], 0]] + s.inputs()[[marks[1], 0]];
            assert_eq!(s.targets()[[9, 0]], sum);
        }
    }

    #[test]
    fn parity_and_seed_sequence_targets() {
        let s = Task::Parity { length: 64 }
            .sample(&mut SplitMix64::new(5))
            .unwrap();
        let mut p = 0;
        for t in 0..64 {
            p ^= s.inputs()[[t, 0]] as usize;
            assert_eq!(s.targets()[[t, p]], 1.0);
        }
        let s = Task::SeedSequence.sample(&mut SplitMix64::new(0)).unwrap();
        assert_eq!(s.inputs().column(0).to_vec(), vec![1., 2., 3., 4.]);
        assert_eq!(s.targets().column(0).to_vec(), vec![2., 3., 4., 5.]);
    }

    #[test]
    fn the_same_seed_gives_the_same_batch() {
        let task = Task::Adding { length: 20 };
        let a = task.batch(&mut SplitMix64::new(9), 4).unwrap();
        let b = task.batch(&mut SplitMix64::new(9), 4).unwrap();
        let c = task.batch(&mut SplitMix64::new(10), 4).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn invalid_settings_are_typed_errors() {
        let mut rng = SplitMix64::new(0);
        for task in [
            Task::Remember {
                classes: 1,
                distractors: 3,
                noise: 0.0,
            },
            Task::Remember {
                classes: 4,
                distractors: 0,
                noise: 0.0,
            },
            Task::Remember {
                classes: 4,
                distractors: 3,
                noise: f32::NAN,
            },
            Task::Adding { length: 1 },
            Task::Sine { length: 0 },
            Task::Parity {
                length: MAX_TASK_LENGTH + 1,
            },
        ] {
            assert!(task.validate().is_err(), "{task:?}");
            assert!(task.sample(&mut rng).is_err(), "{task:?}");
        }
    }

    #[test]
    fn sample_validation() {
        let x = Array2::zeros((3, 1));
        let y = Array2::zeros((3, 1));
        assert!(Sample::new(x.clone(), y.clone(), Array1::ones(3)).is_ok());
        assert!(Sample::new(x.clone(), y.clone(), Array1::zeros(3)).is_err());
        assert!(Sample::new(x.clone(), y.clone(), Array1::from(vec![1., -1., 1.])).is_err());
        assert!(Sample::new(x.clone(), y.clone(), Array1::ones(2)).is_err());
        assert!(Sample::new(x.clone(), Array2::zeros((2, 1)), Array1::ones(3)).is_err());
        let mut bad = y.clone();
        bad[[1, 0]] = f32::INFINITY;
        assert!(Sample::new(x, bad, Array1::ones(3)).is_err());
    }
}
