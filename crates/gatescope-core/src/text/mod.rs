//! Text mode: a character-level language model around the existing cells.
//!
//! ```text
//! text ──Vocab::encode──▶ ids [T] ──embedding [V, E]──▶ x [T, E]
//!      ──forward_stack (LSTM / GRU / RNN, PyTorch's layers)──▶ h [T, dirs·H]
//!      ──fc: z_t = W_fc h_t + b_fc, W_fc [V, dirs·H]──▶ logits [T, V]
//!      ──softmax──▶ p(next character | text up to t) [T, V]
//! ```
//!
//! Text is an option in front of the recurrent core (an embedding lookup that produces `x`)
//! and behind it (a readout and a softmax); the cells, the sequence loop and BPTT are the
//! core's own ([`crate::forward_stack`], [`crate::backward`]). Names and layouts follow
//! PyTorch's `nn.Embedding` + `nn.LSTM` / `nn.GRU` / `nn.RNN` + `nn.Linear`
//! (`embedding.weight`, `rnn.weight_ih_l0`, …, `fc.weight`, `fc.bias`), so the formats
//! crate can read such a model as it is.
//!
//! - [`Vocab`]: index = token id, single characters plus an optional `"<unk>"`.
//! - [`CharModel`]: the validated model, its seeded [`CharModel::init`] and
//!   [`CharModel::forward`] into a [`CharRun`] (trace, logits, probabilities, top-k);
//!   [`CharModel::sample`] generates text.
//! - [`CharModel::grads`]: cross-entropy and hand-written BPTT through the readout, the cell
//!   and the embedding.
//! - [`CharTrainer`]: truncated BPTT over a corpus, Adam and clipping, one step per call.
//! - [`Corpus`]: the built-in corpora; [`check_corpus`] for pasted ones.
//! - [`probe`]: quote masks, point-biserial correlation, ranking units by a span, and a
//!   2-D PCA of the embedding.

mod corpora;
mod error;
mod grads;
mod model;
pub mod probe;
mod readout;
mod run;
mod sample;
mod train;
mod vocab;

pub use corpora::{check_corpus, Corpus, MAX_CORPUS_CHARS};
pub use error::TextError;
pub use grads::CharGrads;
pub use model::{CharModel, CharModelConfig};
pub use readout::top_k_of;
pub use run::{CharRun, Prediction};
pub use sample::{MAX_SAMPLE_CHARS, MAX_TEMPERATURE};
pub use train::{CharStepReport, CharTrainConfig, CharTrainer, MAX_SEQ_LEN, MAX_STREAMS};
pub use vocab::{Vocab, MAX_VOCAB, UNK};
