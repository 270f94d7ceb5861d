//! The training loop: validated settings, seeded mini-batches, clipping and the optimiser
//! step, one call at a time so the browser can run it in chunks per frame.

use thiserror::Error;

use super::cell::Cell;
use super::error::ModelError;
use super::optim::{clip_global_norm, OptState, Optimizer};
use super::rng::SplitMix64;
use super::tasks::{Sample, Task};
use super::train::{accuracy, EvalReport, Model, MAX_BATCH};

/// What one [`Trainer::step`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// Steps taken so far, this one included.
    pub step: u64,
    /// Mean loss over the batch, before the update.
    pub loss: f32,
    /// Training accuracy on the batch, before the update (cross-entropy tasks).
    pub accuracy: Option<f32>,
    /// `‖∇‖₂` of the batch-mean gradient over every parameter, before clipping.
    pub grad_norm: f32,
}

/// How a [`Trainer`] trains. Build it with `..Default::default()`; [`TrainConfig::validate`]
/// (called by [`Trainer::new`]) rejects values that cannot train.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// Step size, finite and `> 0`. Default 0.01 (suits Adam on these small models; plain
    /// SGD usually wants 0.1–1).
    pub learning_rate: f32,
    /// Update rule. Default Adam (β1 0.9, β2 0.999, ε 1e-8).
    pub optimizer: Optimizer,
    /// Gradients are rescaled so their global L2 norm is at most this (finite, `> 0`);
    /// `None` disables clipping. Default `Some(1.0)`.
    pub clip_norm: Option<f32>,
    /// Sequences per step, `1..=`[`MAX_BATCH`]. Default 16.
    pub batch_size: usize,
    /// Seed of the data generator. Default 0.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.01,
            optimizer: Optimizer::default(),
            clip_norm: Some(1.0),
            batch_size: 16,
            seed: 0,
        }
    }
}

impl TrainConfig {
    /// Checks every setting; the error names the first bad one.
    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |what: &'static str, value: String, expected: &'static str| {
            Err(TrainError::Config {
                what,
                value,
                expected,
            })
        };
        let lr = self.learning_rate;
        if !(lr.is_finite() && lr > 0.0) {
            return bad("learning rate", lr.to_string(), "a finite number > 0");
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return bad("clip norm", c.to_string(), "a finite number > 0");
            }
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return bad("batch size", self.batch_size.to_string(), "1..=4096");
        }
        let unit = |v: f32| v.is_finite() && (0.0..1.0).contains(&v);
        match self.optimizer {
            Optimizer::Sgd(c) => {
                if !unit(c.momentum) {
                    return bad("momentum", c.momentum.to_string(), "a number in [0, 1)");
                }
            }
            Optimizer::Adam(c) => {
                if !unit(c.beta1) {
                    return bad("Adam beta1", c.beta1.to_string(), "a number in [0, 1)");
                }
                if !unit(c.beta2) {
                    return bad("Adam beta2", c.beta2.to_string(), "a number in [0, 1)");
                }
                if !(c.epsilon.is_finite() && c.epsilon > 0.0) {
                    return bad("Adam epsilon", c.epsilon.to_string(), "a finite number > 0");
                }
            }
        }
        Ok(())
    }
}

/// Why training could not start or continue.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrainError {
    /// A [`TrainConfig`] setting out of range.
    #[error("{what} = {value} is invalid: expected {expected}")]
    Config {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The model's input or output size does not fit the task.
    #[error("model and task disagree: {0}")]
    Mismatch(String),
    /// The gradients or the updated weights stopped being finite; the model is left as it
    /// was before the step.
    #[error("training diverged at step {step}: {reason}")]
    Diverged { step: u64, reason: String },
    /// An invalid task, sample or model.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Trains a [`Model`] on a [`Task`], one mini-batch per [`Trainer::step`].
#[derive(Debug, Clone)]
pub struct Trainer {
    model: Model,
    task: Task,
    config: TrainConfig,
    opt: OptState,
    rng: SplitMix64,
    steps: u64,
}

impl Trainer {
    /// Validates `config` and `task` and checks that `model` fits the task (`D`, `K`).
    pub fn new(model: Model, task: Task, config: TrainConfig) -> Result<Self, TrainError> {
        config.validate()?;
        task.validate()?;
        let (d, k) = (model.cell().input_size(), model.output_size());
        if (d, k) != (task.input_size(), task.output_size()) {
            return Err(TrainError::Mismatch(format!(
                "the {} task needs D = {}, K = {}; the model has D = {d}, K = {k}",
                task.name(),
                task.input_size(),
                task.output_size()
            )));
        }
        let opt = OptState::new(config.optimizer, model.num_params());
        Ok(Self {
            model,
            task,
            config,
            opt,
            rng: SplitMix64::new(config.seed),
            steps: 0,
        })
    }

    /// The model as trained so far.
    pub fn model(&self) -> &Model {
        &self.model
    }
    pub fn task(&self) -> &Task {
        &self.task
    }
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Draws a batch, computes the mean loss and gradient, clips and updates the model.
    ///
    /// Errors: [`TrainError::Diverged`] if the gradient or the new weights are not finite
    /// (the model is unchanged and the step not counted).
    pub fn step(&mut self) -> Result<StepReport, TrainError> {
        let batch = self.task.batch(&mut self.rng, self.config.batch_size)?;
        let loss = self.task.loss();
        let n = self.model.num_params();
        let mut acc = vec![0.0f64; n];
        let (mut sum, mut correct, mut counted) = (0.0f64, 0, 0);
        // The weights are packed for the forward pass once per batch.
        let mut cell = Cell::new(self.model.cell());
        for s in &batch {
            let lg = self.model.add_grads(&mut cell, s, loss, &mut acc)?;
            sum += lg.loss as f64;
            correct += lg.correct;
            counted += lg.counted;
        }
        let b = batch.len() as f64;
        let mut grads: Vec<f32> = acc.iter().map(|&v| (v / b) as f32).collect();
        let step = self.steps + 1;
        let grad_norm = match self.config.clip_norm {
            Some(c) => clip_global_norm(&mut grads, c),
            None => super::optim::global_norm(&grads),
        };
        if !grad_norm.is_finite() {
            return Err(TrainError::Diverged {
                step,
                reason: format!("gradient norm {grad_norm}"),
            });
        }
        let mut flat = self.model.to_flat();
        let mut opt = self.opt.clone();
        opt.update(&mut flat, &grads, self.config.learning_rate);
        self.model = self
            .model
            .with_flat(&flat)
            .map_err(|e| TrainError::Diverged {
                step,
                reason: e.to_string(),
            })?;
        self.opt = opt;
        self.steps = step;
        Ok(StepReport {
            step,
            loss: (sum / b) as f32,
            accuracy: accuracy(loss, correct, counted),
            grad_norm,
        })
    }

    /// Mean loss and accuracy of the current model on `batch` (e.g. a held-out batch from
    /// [`Task::batch`] with another seed), with the task's loss.
    pub fn eval(&self, batch: &[Sample]) -> Result<EvalReport, TrainError> {
        Ok(self.model.evaluate(batch, self.task.loss())?)
    }
}
