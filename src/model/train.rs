//! Training a recurrent cell with a linear readout on a [`Task`], a step at a time.
//!
//! - [`Model`]: the cell's [`Params`] plus a readout `y_t = W_out h_t + b_out` (`W_out [K, H]`,
//!   `b_out [K]`).
//! - [`readout_loss`]: the loss of a sample's readout outputs and its gradient `∂L/∂y_t`.
//! - [`Model::grads`]: readout, loss and BPTT ([`backward`]) for one sample.
//! - [`Trainer`]: mini-batches drawn from a seeded generator, gradients averaged over the
//!   batch, global-norm clipping, SGD or Adam ([`Optimizer`]). [`Trainer::step`] is one
//!   update, so a page can run a few per animation frame.
//!
//! # Loss
//!
//! A sample's loss is the mask-weighted mean of the per-step losses `ℓ_t` of [`Loss`]:
//!
//! ```text
//! L = Σ_t m_t ℓ_t(y_t, y*_t) / Σ_t m_t
//! MSE:            ℓ_t = (1/K) Σ_k (y_{t,k} − y*_{t,k})²      ∂ℓ_t/∂y_t = (2/K)(y_t − y*_t)
//! cross-entropy:  ℓ_t = −Σ_k y*_{t,k} log p_{t,k},  p_t = softmax(y_t)
//!                 ∂ℓ_t/∂y_t = p_t Σ_k y*_{t,k} − y*_t     (= p_t − y*_t for a one-hot target)
//! ```
//!
//! `log p` is computed as `y − max y − log Σ exp(y − max y)`, so it is finite for any finite
//! logits. Through the readout, `∂L/∂W_out = Σ_t δy_t h_tᵀ`, `∂L/∂b_out = Σ_t δy_t` and the
//! direct `∂L/∂h_t = W_outᵀ δy_t` that [`backward`] takes (`δy_t = ∂L/∂y_t`, zero where
//! `m_t = 0`). A batch's loss and gradients are the means over its samples.
//!
//! # Reproducibility
//!
//! All randomness comes from [`SplitMix64`]: the weights from [`InitConfig::seed`], the data
//! from [`TrainConfig::seed`]. Samples are processed in order and gradients summed in f64, so
//! the same seeds give the same weights after any number of steps on one platform (tested).
//! Across platforms (native vs wasm32) the data and the optimiser arithmetic are identical;
//! `exp`, `ln` and `tanh` come from each platform's maths library, as in the forward pass,
//! so bit-identity there is expected but not yet tested.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use thiserror::Error;

use super::backward::{backward, Grads};
use super::error::{ModelError, Result};
use super::forward::{forward, InitialState};
use super::optim::{clip_global_norm, OptState, Optimizer};
use super::params::{check_finite, check_size, CellKind, InitConfig, Params};
use super::rng::SplitMix64;
use super::tasks::{Loss, Sample, Task};
use super::trace::{Series, Trace};

/// Largest number of readout outputs K.
pub const MAX_OUTPUTS: usize = 64;
/// Largest mini-batch.
pub const MAX_BATCH: usize = 4096;

/// Mixed into [`InitConfig::seed`] for the readout's generator, so it does not repeat the
/// cell's draws.
const READOUT_SALT: u64 = 0xD1B5_4A32_D192_ED03;

/// A recurrent cell and its linear readout. Always valid: shapes agree, every value finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    cell: Params,
    w_out: Array2<f32>,
    b_out: Array1<f32>,
}

impl Model {
    /// Validates and wraps a cell and a readout `W_out [K, H]`, `b_out [K]`.
    pub fn new(cell: Params, w_out: Array2<f32>, b_out: Array1<f32>) -> Result<Self> {
        let (k, h) = w_out.dim();
        check_size("outputs K", k, MAX_OUTPUTS)?;
        if h != cell.hidden_size() {
            return Err(ModelError::shape(
                "W_out",
                format!("[K, {}]", cell.hidden_size()),
                format!("[{k}, {h}]"),
            ));
        }
        if b_out.len() != k {
            return Err(ModelError::shape(
                "b_out",
                format!("[{k}]"),
                format!("[{}]", b_out.len()),
            ));
        }
        check_finite("W_out", w_out.iter(), &[k, h])?;
        check_finite("b_out", b_out.iter(), &[k])?;
        Ok(Self { cell, w_out, b_out })
    }

    /// A seeded model: the cell from [`Params::init`], the readout like PyTorch's
    /// `nn.Linear`, `U(−1/√H, 1/√H)` for `W_out` then `b_out`, from a generator seeded with
    /// `cfg.seed` mixed with a constant.
    pub fn init(
        kind: CellKind,
        hidden_size: usize,
        input_size: usize,
        outputs: usize,
        cfg: InitConfig,
    ) -> Result<Self> {
        let cell = Params::init(kind, hidden_size, input_size, cfg)?;
        check_size("outputs K", outputs, MAX_OUTPUTS)?;
        let bound = 1.0 / (hidden_size as f32).sqrt();
        let mut rng = SplitMix64::new(cfg.seed ^ READOUT_SALT);
        let w_out =
            Array2::from_shape_simple_fn((outputs, hidden_size), || rng.uniform(-bound, bound));
        let b_out = Array1::from_shape_simple_fn(outputs, || rng.uniform(-bound, bound));
        Self::new(cell, w_out, b_out)
    }

    /// [`Model::init`] sized for `task` (`D` and `K` from the task).
    pub fn for_task(
        kind: CellKind,
        hidden_size: usize,
        task: &Task,
        cfg: InitConfig,
    ) -> Result<Self> {
        task.validate()?;
        Self::init(
            kind,
            hidden_size,
            task.input_size(),
            task.output_size(),
            cfg,
        )
    }

    /// The recurrent cell.
    pub fn cell(&self) -> &Params {
        &self.cell
    }
    /// `W_out`, `[K, H]`.
    pub fn w_out(&self) -> ArrayView2<'_, f32> {
        self.w_out.view()
    }
    /// `b_out`, `[K]`.
    pub fn b_out(&self) -> ArrayView1<'_, f32> {
        self.b_out.view()
    }
    /// K.
    pub fn output_size(&self) -> usize {
        self.b_out.len()
    }

    /// Number of trainable values: the cell's four tensors and the readout's two.
    pub fn num_params(&self) -> usize {
        let c = &self.cell;
        c.weight_ih().len()
            + c.weight_hh().len()
            + c.bias_ih().len()
            + c.bias_hh().len()
            + self.w_out.len()
            + self.b_out.len()
    }

    /// Every trainable value in one vector, in the order `weight_ih`, `weight_hh`,
    /// `bias_ih`, `bias_hh`, `W_out`, `b_out` (each row-major).
    pub fn to_flat(&self) -> Vec<f32> {
        let c = &self.cell;
        let mut out = Vec::with_capacity(self.num_params());
        out.extend(c.weight_ih().iter());
        out.extend(c.weight_hh().iter());
        out.extend(c.bias_ih().iter());
        out.extend(c.bias_hh().iter());
        out.extend(self.w_out.iter());
        out.extend(self.b_out.iter());
        out
    }

    /// A model of the same kind and shapes with the values of `flat` (as [`Model::to_flat`]).
    ///
    /// Errors: wrong length ([`ModelError::Shape`]) or a non-finite value.
    pub fn with_flat(&self, flat: &[f32]) -> Result<Self> {
        if flat.len() != self.num_params() {
            return Err(ModelError::shape(
                "flat parameters",
                format!("[{}]", self.num_params()),
                format!("[{}]", flat.len()),
            ));
        }
        let c = &self.cell;
        let mut rest = flat;
        let mut take = |n: usize| {
            let (a, b) = rest.split_at(n);
            rest = b;
            a.to_vec()
        };
        let m2 = |dim: (usize, usize), v: Vec<f32>| Array2::from_shape_vec(dim, v).expect("sized");
        let w_ih = m2(c.weight_ih().dim(), take(c.weight_ih().len()));
        let w_hh = m2(c.weight_hh().dim(), take(c.weight_hh().len()));
        let b_ih = Array1::from(take(c.bias_ih().len()));
        let b_hh = Array1::from(take(c.bias_hh().len()));
        let w_out = m2(self.w_out.dim(), take(self.w_out.len()));
        let b_out = Array1::from(take(self.b_out.len()));
        let cell = Params::new(c.kind(), w_ih, w_hh, b_ih, b_hh)?;
        Self::new(cell, w_out, b_out)
    }

    /// Runs the cell over `x` (`[T, D]`) from zeros; returns the trace and the readout
    /// outputs `y_t` for every step, `[T, K]` (logits for cross-entropy).
    pub fn predict(&self, x: ArrayView2<'_, f32>) -> Result<(Trace, Array2<f32>)> {
        let trace = forward(&self.cell, x, &InitialState::default())?;
        let y = self.readout(&trace, None);
        Ok((trace, y))
    }

    /// `[T, K]` outputs; with a mask, only the rows where it is positive (others zero).
    fn readout(&self, trace: &Trace, mask: Option<ArrayView1<'_, f32>>) -> Array2<f32> {
        let h = trace.get(Series::H).expect("every cell records h");
        let mut y = Array2::zeros((h.nrows(), self.output_size()));
        for (t, mut row) in y.rows_mut().into_iter().enumerate() {
            if mask.is_some_and(|m| m[t] <= 0.0) {
                continue;
            }
            let ht = h.row(t);
            for (k, o) in row.iter_mut().enumerate() {
                *o = self.b_out[k] + self.w_out.row(k).dot(&ht);
            }
        }
        y
    }

    fn check_sample(&self, sample: &Sample) -> Result<()> {
        let k = sample.targets().ncols();
        if k != self.output_size() {
            return Err(ModelError::shape(
                "targets",
                format!("[T, {}] (K of the readout)", self.output_size()),
                format!("[{}, {k}]", sample.steps()),
            ));
        }
        Ok(())
    }

    /// The loss of one sample ([`readout_loss`] of [`Model::predict`]'s outputs).
    pub fn loss(&self, sample: &Sample, loss: Loss) -> Result<LossGrad> {
        self.check_sample(sample)?;
        let trace = forward(&self.cell, sample.inputs(), &InitialState::default())?;
        let y = self.readout(&trace, Some(sample.mask()));
        readout_loss(loss, y.view(), sample)
    }

    /// Loss and every gradient of one sample: forward, readout, loss, then BPTT.
    pub fn grads(&self, sample: &Sample, loss: Loss) -> Result<SampleGrads> {
        self.check_sample(sample)?;
        let trace = forward(&self.cell, sample.inputs(), &InitialState::default())?;
        let y = self.readout(&trace, Some(sample.mask()));
        let lg = readout_loss(loss, y.view(), sample)?;
        let h = trace.get(Series::H).expect("every cell records h");
        let (t_len, hid) = h.dim();
        let mut w_out = Array2::<f32>::zeros(self.w_out.dim());
        let mut b_out = Array1::<f32>::zeros(self.output_size());
        let mut dl_dh = Array2::<f32>::zeros((t_len, hid));
        for t in 0..t_len {
            if sample.mask()[t] <= 0.0 {
                continue;
            }
            let (dy, ht) = (lg.dy.row(t), h.row(t));
            for (k, &g) in dy.iter().enumerate() {
                b_out[k] += g;
                w_out.row_mut(k).scaled_add(g, &ht);
                dl_dh.row_mut(t).scaled_add(g, &self.w_out.row(k));
            }
        }
        let cell = backward(&self.cell, &trace, dl_dh.view())?;
        Ok(SampleGrads {
            loss: lg,
            cell,
            w_out,
            b_out,
        })
    }

    /// Mean loss (and, for cross-entropy, accuracy) over `batch`.
    pub fn evaluate(&self, batch: &[Sample], loss: Loss) -> Result<EvalReport> {
        check_size("batch size", batch.len(), MAX_BATCH)?;
        let (mut sum, mut correct, mut counted) = (0.0f64, 0usize, 0usize);
        for s in batch {
            let lg = self.loss(s, loss)?;
            sum += lg.loss as f64;
            correct += lg.correct;
            counted += lg.counted;
        }
        Ok(EvalReport {
            loss: (sum / batch.len() as f64) as f32,
            accuracy: accuracy(loss, correct, counted),
        })
    }
}

fn accuracy(loss: Loss, correct: usize, counted: usize) -> Option<f32> {
    (loss == Loss::CrossEntropy && counted > 0).then(|| correct as f32 / counted as f32)
}

/// A sample's loss, its gradient with respect to the readout outputs, and (cross-entropy)
/// how many scored steps the argmax got right.
#[derive(Debug, Clone, PartialEq)]
pub struct LossGrad {
    /// `L`, the mask-weighted mean of the per-step losses (module docs).
    pub loss: f32,
    /// `∂L/∂y_t`, `[T, K]` (zero rows where the mask is 0).
    pub dy: Array2<f32>,
    /// Steps with a positive mask weight whose largest output is the target's largest entry
    /// (cross-entropy only; 0 for MSE).
    pub correct: usize,
    /// Steps with a positive mask weight (cross-entropy only; 0 for MSE).
    pub counted: usize,
}

/// The loss of readout outputs `y` (`[T, K]`) against `sample`, and `∂L/∂y` (module docs).
/// Rows where the mask is 0 are ignored (they may hold anything finite).
///
/// Errors: `y` not `[T, K]` with the sample's `T` and `K`, or not finite.
pub fn readout_loss(loss: Loss, y: ArrayView2<'_, f32>, sample: &Sample) -> Result<LossGrad> {
    let target = sample.targets();
    if y.dim() != target.dim() {
        return Err(ModelError::shape(
            "outputs y",
            format!("[{}, {}]", target.nrows(), target.ncols()),
            format!("[{}, {}]", y.nrows(), y.ncols()),
        ));
    }
    let (t_len, k) = y.dim();
    check_finite("outputs y", y.iter(), &[t_len, k])?;
    let mask = sample.mask();
    let total: f64 = mask.iter().map(|&m| m as f64).sum();
    let mut dy = Array2::<f32>::zeros((t_len, k));
    let (mut sum, mut correct, mut counted) = (0.0f64, 0, 0);
    let mut logp = vec![0.0f64; k];
    for t in 0..t_len {
        if mask[t] <= 0.0 {
            continue;
        }
        let w = mask[t] as f64 / total;
        let (yt, pt) = (y.row(t), target.row(t));
        let mut g = dy.row_mut(t);
        match loss {
            Loss::Mse => {
                let mut l = 0.0f64;
                for j in 0..k {
                    let d = yt[j] as f64 - pt[j] as f64;
                    l += d * d;
                    g[j] = (w * 2.0 * d / k as f64) as f32;
                }
                sum += w * l / k as f64;
            }
            Loss::CrossEntropy => {
                let max = yt.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
                let lse = yt.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln();
                for (lp, &v) in logp.iter_mut().zip(&yt) {
                    *lp = v as f64 - max - lse;
                }
                let mass: f64 = pt.iter().map(|&v| v as f64).sum();
                let mut l = 0.0f64;
                for j in 0..k {
                    l -= pt[j] as f64 * logp[j];
                    g[j] = (w * (logp[j].exp() * mass - pt[j] as f64)) as f32;
                }
                sum += w * l;
                counted += 1;
                if argmax(yt) == argmax(pt) {
                    correct += 1;
                }
            }
        }
    }
    Ok(LossGrad {
        loss: sum as f32,
        dy,
        correct,
        counted,
    })
}

/// First index of the largest value.
fn argmax(v: ArrayView1<'_, f32>) -> usize {
    let mut best = 0;
    for (j, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = j;
        }
    }
    best
}

/// Everything [`Model::grads`] computes for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleGrads {
    /// Loss, `∂L/∂y` and accuracy counts.
    pub loss: LossGrad,
    /// The cell's gradients from BPTT, including `dL/dh_t` ([`Grads::dh_norms`]).
    pub cell: Grads,
    /// `∂L/∂W_out`, `[K, H]`.
    pub w_out: Array2<f32>,
    /// `∂L/∂b_out`, `[K]`.
    pub b_out: Array1<f32>,
}

impl SampleGrads {
    /// Adds the parameter gradients, in [`Model::to_flat`]'s order, into `acc`.
    fn accumulate(&self, acc: &mut [f64]) {
        let c = &self.cell;
        let values = c
            .weight_ih
            .iter()
            .chain(c.weight_hh.iter())
            .chain(c.bias_ih.iter())
            .chain(c.bias_hh.iter())
            .chain(self.w_out.iter())
            .chain(self.b_out.iter());
        for (a, &v) in acc.iter_mut().zip(values) {
            *a += v as f64;
        }
    }
}

/// Mean loss and accuracy over a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalReport {
    /// Mean of the samples' losses.
    pub loss: f32,
    /// Fraction of scored steps classified right (cross-entropy tasks); `None` for MSE.
    pub accuracy: Option<f32>,
}

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
        for s in &batch {
            let g = self.model.grads(s, loss)?;
            g.accumulate(&mut acc);
            sum += g.loss.loss as f64;
            correct += g.loss.correct;
            counted += g.loss.counted;
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
