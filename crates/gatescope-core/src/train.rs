//! Training a recurrent cell with a linear readout on a [`Task`], a step at a time.
//!
//! - [`Model`]: the cell's [`Params`] plus a readout `y_t = W_out h_t + b_out` (`W_out [K, H]`,
//!   `b_out [K]`).
//! - [`readout_loss`]: the loss of a sample's readout outputs and its gradient `∂L/∂y_t`.
//! - [`Model::grads`]: readout, loss and BPTT ([`backward`]) for one sample.
//! - [`Trainer`](crate::Trainer): mini-batches drawn from a seeded generator, gradients averaged over the
//!   batch, global-norm clipping, SGD or Adam ([`Optimizer`](crate::Optimizer)). [`Trainer::step`](crate::Trainer::step) is one
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
//! from [`TrainConfig::seed`](crate::TrainConfig::seed). Samples are processed in order and gradients summed in f64, so
//! the same seeds give the same weights after any number of steps on one platform (tested).
//! Across platforms (native vs wasm32) the data and the optimiser arithmetic are identical;
//! `exp`, `ln` and `tanh` come from each platform's maths library, as in the forward pass,
//! so bit-identity there is expected but not yet tested.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::backward::{backward, bptt, Grads};
use super::cell::Cell;
use super::error::{ModelError, Result};
use super::forward::{forward, forward_with, InitialState};
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
        if !cell.is_plain() {
            return Err(ModelError::Format(
                "training: only PyTorch's plain cells can be trained (no peepholes, no clip, \
                 GRU with linear_before_reset = 1)"
                    .to_string(),
            ));
        }
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
        let head = self.head(&mut Cell::new(&self.cell), sample, loss)?;
        let cell = backward(&self.cell, &head.trace, head.dl_dh.view())?;
        Ok(SampleGrads {
            loss: head.loss,
            cell,
            w_out: head.w_out,
            b_out: head.b_out,
        })
    }

    /// Adds one sample's parameter gradients, in [`Model::to_flat`]'s order, to `acc`, with
    /// `cell` built for this model's cell: training's path, which packs the weights once per
    /// batch and allocates no per-sample gradients. The sums equal [`Model::grads`]'s up to
    /// rounding.
    pub(crate) fn add_grads(
        &self,
        cell: &mut Cell,
        sample: &Sample,
        loss: Loss,
        acc: &mut [f64],
    ) -> Result<LossGrad> {
        self.check_sample(sample)?;
        let head = self.head(cell, sample, loss)?;
        let readout = head.w_out.len() + head.b_out.len();
        let split = acc.len().checked_sub(readout).ok_or_else(|| {
            ModelError::shape(
                "gradient sums",
                format!("[{}]", self.num_params()),
                format!("[{}]", acc.len()),
            )
        })?;
        let (cell_acc, out_acc) = acc.split_at_mut(split);
        bptt(&self.cell, &head.trace, head.dl_dh.view(), cell_acc, None)?;
        for (a, &v) in out_acc.iter_mut().zip(head.w_out.iter().chain(&head.b_out)) {
            *a += f64::from(v);
        }
        Ok(head.loss)
    }

    /// Forward, readout, loss, and the readout's gradients: everything before BPTT.
    fn head(&self, cell: &mut Cell, sample: &Sample, loss: Loss) -> Result<Head> {
        let trace = forward_with(&self.cell, cell, sample.inputs(), &InitialState::default())?;
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
        Ok(Head {
            trace,
            loss: lg,
            dl_dh,
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

pub(crate) fn accuracy(loss: Loss, correct: usize, counted: usize) -> Option<f32> {
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

/// What [`Model::head`] computes: the trace, the loss, `∂L/∂h_t` and the readout's gradients.
struct Head {
    trace: Trace,
    loss: LossGrad,
    dl_dh: Array2<f32>,
    w_out: Array2<f32>,
    b_out: Array1<f32>,
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

/// Mean loss and accuracy over a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalReport {
    /// Mean of the samples' losses.
    pub loss: f32,
    /// Fraction of scored steps classified right (cross-entropy tasks); `None` for MSE.
    pub accuracy: Option<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Training's in-place sums are the per-sample gradients of [`Model::grads`], summed, in
    /// [`Model::to_flat`]'s order, for every cell (a layout slip would swap whole blocks).
    #[test]
    fn in_place_sums_equal_the_per_sample_gradients() {
        let task = Task::remember(5);
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            let model = Model::for_task(kind, 6, &task, InitConfig::default()).unwrap();
            let batch = task.batch(&mut SplitMix64::new(9), 4).unwrap();
            let mut acc = vec![0.0f64; model.num_params()];
            let mut want = vec![0.0f64; model.num_params()];
            let mut cell = Cell::new(model.cell());
            for s in &batch {
                model
                    .add_grads(&mut cell, s, task.loss(), &mut acc)
                    .unwrap();
                let g = model.grads(s, task.loss()).unwrap();
                let c = &g.cell;
                let flat = c.weight_ih.iter().chain(&c.weight_hh).chain(&c.bias_ih);
                let flat = flat.chain(&c.bias_hh).chain(&g.w_out).chain(&g.b_out);
                for (w, &v) in want.iter_mut().zip(flat) {
                    *w += f64::from(v);
                }
            }
            for (k, (a, w)) in acc.iter().zip(&want).enumerate() {
                assert!(
                    (a - w).abs() <= 1e-5 * w.abs().max(1.0),
                    "{kind:?} [{k}]: {a} vs {w}"
                );
            }
        }
    }
}
