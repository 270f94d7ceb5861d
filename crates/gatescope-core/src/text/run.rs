//! [`CharRun`]: what one forward pass of a [`super::CharModel`] computed.

use ndarray::{Array2, ArrayView2};

use crate::forward::InitialState;
use crate::stack::StackTrace;
use crate::trace::Series;

/// A forward pass over `T` tokens: the cells' trace, the logits and the probabilities of the
/// next character. Row `t` of every array is the step that read token `t`, so `probs` row
/// `t` predicts token `t + 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct CharRun {
    tokens: Vec<usize>,
    trace: StackTrace,
    logits: Array2<f32>,
    probs: Array2<f32>,
}

/// One candidate next character: its token id and probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub id: usize,
    pub p: f32,
}

impl CharRun {
    pub(super) fn new(
        tokens: Vec<usize>,
        trace: StackTrace,
        logits: Array2<f32>,
        probs: Array2<f32>,
    ) -> Self {
        Self {
            tokens,
            trace,
            logits,
            probs,
        }
    }

    /// The ids read, `[T]`.
    pub fn tokens(&self) -> &[usize] {
        &self.tokens
    }
    /// T.
    pub fn steps(&self) -> usize {
        self.tokens.len()
    }
    /// Every layer's gates and states; its `x` is the embedding rows `[T, E]`. A one-layer
    /// model's single [`crate::Trace`] is `trace().traces()[0]`.
    pub fn trace(&self) -> &StackTrace {
        &self.trace
    }
    /// `z_t = W_fc h_t + b_fc`, `[T, V]`.
    pub fn logits(&self) -> ArrayView2<'_, f32> {
        self.logits.view()
    }
    /// `softmax(z_t)`, `[T, V]`: row `t` is p(token `t + 1` | tokens `0..=t`).
    pub fn probs(&self) -> ArrayView2<'_, f32> {
        self.probs.view()
    }

    /// The `k` most likely next tokens after step `t`, most likely first (equal
    /// probabilities by id). Empty if `t ≥ T`; fewer than `k` if `V < k`.
    pub fn top_k(&self, t: usize, k: usize) -> Vec<Prediction> {
        if t >= self.probs.nrows() {
            return Vec::new();
        }
        super::readout::top_k_of(self.probs.row(t), k)
    }

    /// The state after the last step, one per layer-direction in PyTorch's order: the
    /// `init` that continues this text (a reverse direction's last step is row 0).
    pub fn final_state(&self) -> Vec<InitialState> {
        self.trace
            .traces()
            .iter()
            .map(|tr| {
                let t = if tr.is_reverse() { 0 } else { tr.steps() - 1 };
                let row = |s: Series| tr.get(s).map_or(Vec::new(), |a| a.row(t).to_vec());
                InitialState {
                    h0: row(Series::H),
                    c0: row(Series::C),
                }
            })
            .collect()
    }
}
