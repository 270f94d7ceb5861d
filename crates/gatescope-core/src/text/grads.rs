//! Cross-entropy of the next character and its gradients: the readout and the embedding by
//! hand, the cell by the core's BPTT ([`crate::backward`]).
//!
//! # Equations
//!
//! For inputs `x_t = E[a_t]` and targets `y_t` (`t = 1 … T`, usually `y_t = a_{t+1}`):
//!
//! ```text
//! z_t = W_fc h_t + b_fc            p_t = softmax(z_t)
//! L   = (1/T) Σ_t −ln p_t[y_t]      (nats per character; bits per character = L / ln 2)
//! δz_t = (p_t − onehot(y_t)) / T
//! ∂L/∂W_fc = Σ_t δz_t h_tᵀ        ∂L/∂b_fc = Σ_t δz_t        ℓ_t = W_fcᵀ δz_t
//! (ℓ_t is the direct ∂L/∂h_t given to BPTT, which returns ∂L/∂x_t and the cell's grads)
//! ∂L/∂E[k] = Σ_{t : a_t = k} ∂L/∂x_t
//! ```
//!
//! `ln p` is `z − max z − ln Σ exp(z − max z)` in f64 from the f32 logits, finite for any
//! finite logits. Truncated BPTT: the initial state is an input whose gradient is not
//! followed further (it is still returned, in [`Grads::h0`] / [`Grads::c0`]).

use ndarray::{Array1, Array2, ArrayView2};

use super::error::TextError;
use super::model::CharModel;
use crate::backward::{backward, Grads};
use crate::cell::Cell;
use crate::forward::{forward_with, InitialState};
use crate::trace::{Series, Trace};

/// Every gradient of one chunk's loss, shaped like the model's tensors.
#[derive(Debug, Clone, PartialEq)]
pub struct CharGrads {
    /// `L`, the mean cross-entropy in nats per character.
    pub loss: f64,
    /// `∂L/∂embedding.weight`, `[V, E]` (zero rows for characters not read).
    pub embedding: Array2<f32>,
    /// The cell's gradients from BPTT, including `∂L/∂x_t` and `∂L/∂h_0`.
    pub cell: Grads,
    /// `∂L/∂fc.weight`, `[V, H]`.
    pub fc_weight: Array2<f32>,
    /// `∂L/∂fc.bias`, `[V]`.
    pub fc_bias: Array1<f32>,
}

impl CharGrads {
    /// Every gradient in [`CharModel`]'s flat order (`embedding.weight`, `weight_ih_l0`,
    /// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `fc.weight`, `fc.bias`).
    pub fn flat(&self) -> impl Iterator<Item = f32> + '_ {
        let c = &self.cell;
        self.embedding
            .iter()
            .chain(&c.weight_ih)
            .chain(&c.weight_hh)
            .chain(&c.bias_ih)
            .chain(&c.bias_hh)
            .chain(&self.fc_weight)
            .chain(&self.fc_bias)
            .copied()
    }
}

impl CharModel {
    /// The mean cross-entropy `L` (module docs) of predicting `targets[t]` after reading
    /// `inputs[..=t]`, from `init` (one state per layer-direction, or empty for zeros). Any
    /// stack; used for evaluation and finite differences.
    ///
    /// Errors: lengths that differ, an id `≥ V`, and those of [`CharModel::forward_from`].
    pub fn loss(
        &self,
        inputs: &[usize],
        targets: &[usize],
        init: &[InitialState],
    ) -> Result<f64, TextError> {
        check_targets(inputs, targets, self.vocab_size())?;
        let run = self.forward_from(inputs, init)?;
        Ok(cross_entropy(run.logits(), targets, None))
    }

    /// Bits per character of `text` read from zero states: [`CharModel::loss`] of each
    /// character predicting the next, divided by `ln 2`.
    ///
    /// Errors: fewer than two characters, unknown characters.
    pub fn bits_per_char(&self, text: &str) -> Result<f64, TextError> {
        let ids = self.encode(text)?;
        if ids.len() < 2 {
            return Err(TextError::Empty {
                what: "text after its first character",
            });
        }
        let n = ids.len();
        Ok(self.loss(&ids[..n - 1], &ids[1..], &[])? / std::f64::consts::LN_2)
    }

    /// `L` and every gradient (module docs) for a one-layer, forward, plain model, from
    /// `init` (empty vectors for zeros).
    ///
    /// Errors: a stacked or bidirectional model, and those of [`CharModel::loss`].
    pub fn grads(
        &self,
        inputs: &[usize],
        targets: &[usize],
        init: &InitialState,
    ) -> Result<CharGrads, TextError> {
        let mut cell = Cell::new(self.single()?);
        Ok(self.chunk(&mut cell, inputs, targets, init)?.0)
    }

    /// [`CharModel::grads`] with the cell already packed, also returning the trace (whose
    /// last step is the state carried to the next chunk).
    pub(super) fn chunk(
        &self,
        cell: &mut Cell,
        inputs: &[usize],
        targets: &[usize],
        init: &InitialState,
    ) -> Result<(CharGrads, Trace), TextError> {
        let params = self.single()?;
        check_targets(inputs, targets, self.vocab_size())?;
        if inputs.is_empty() {
            return Err(TextError::Empty { what: "text" });
        }
        let x = self.embed(inputs)?;
        let trace = forward_with(params, cell, x.view(), init)?;
        let h = trace.get(Series::H).expect("every cell records h");
        let logits = self.logits(h);
        let mut dz = Array2::zeros(logits.dim());
        let loss = cross_entropy(logits.view(), targets, Some(&mut dz));
        let fc_weight = dz.t().dot(&h);
        let fc_bias = dz.sum_axis(ndarray::Axis(0));
        let dl_dh = dz.dot(&self.fc_weight());
        let cell_grads = backward(params, &trace, dl_dh.view())?;
        let mut embedding = Array2::zeros(self.embedding().dim());
        for (&id, dx) in inputs.iter().zip(cell_grads.x.rows()) {
            let mut row = embedding.row_mut(id);
            row += &dx;
        }
        let grads = CharGrads {
            loss,
            embedding,
            cell: cell_grads,
            fc_weight,
            fc_bias,
        };
        Ok((grads, trace))
    }
}

fn check_targets(inputs: &[usize], targets: &[usize], v: usize) -> Result<(), TextError> {
    if inputs.len() != targets.len() {
        return Err(TextError::config(
            "targets",
            format!("{} ids", targets.len()),
            "one target per input",
        ));
    }
    match targets.iter().find(|&&y| y >= v) {
        Some(&y) => Err(TextError::config("target id", y, "an id below V")),
        None => Ok(()),
    }
}

/// `(1/T) Σ_t −ln softmax(z_t)[y_t]` in f64; writes `δz_t = (p_t − onehot(y_t)) / T` into
/// `dz` (`[T, V]`) when given.
fn cross_entropy(
    z: ArrayView2<'_, f32>,
    targets: &[usize],
    mut dz: Option<&mut Array2<f32>>,
) -> f64 {
    let t_len = z.nrows().max(1) as f64;
    let mut sum = 0.0;
    for (t, (zt, &y)) in z.rows().into_iter().zip(targets).enumerate() {
        let e = super::model::exp_shifted(zt, 1.0);
        let total: f64 = e.iter().sum();
        // From z itself rather than ln e_y, which underflows to −∞ for a far-off logit.
        let max = zt.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
        let logp = zt[y] as f64 - max - total.ln();
        sum -= logp;
        if let Some(dz) = dz.as_deref_mut() {
            for (k, (o, ek)) in dz.row_mut(t).iter_mut().zip(&e).enumerate() {
                let onehot = if k == y { 1.0 } else { 0.0 };
                *o = ((ek / total - onehot) / t_len) as f32;
            }
        }
    }
    sum / t_len
}
