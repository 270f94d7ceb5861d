//! What can go wrong in text mode, one typed variant per cause.

use thiserror::Error;

use crate::error::ModelError;

/// Why a text-mode operation failed. Every message is one line.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TextError {
    /// A character the vocabulary lacks (and it has no `"<unk>"` entry). `index` counts
    /// characters (not bytes) from 0; the message counts from 1.
    #[error(
        "character {ch:?} (U+{code:04X}) at position {pos} is not in the model's vocabulary \
         of {vocab_size} entries, which has no \"<unk>\" entry",
        code = u32::from(*ch),
        pos = index + 1
    )]
    UnknownChar {
        ch: char,
        index: usize,
        vocab_size: usize,
    },
    /// A vocabulary that cannot be used (not single characters, duplicates, empty, too big).
    #[error("vocab: {0}")]
    Vocab(String),
    /// Text that must hold at least one character (a corpus of one character cannot train).
    #[error("{what} is empty")]
    Empty { what: &'static str },
    /// Text beyond a documented limit, counted in characters.
    #[error("{what} has {chars} characters, more than the {max} allowed")]
    TooLong {
        what: &'static str,
        chars: usize,
        max: usize,
    },
    /// A setting out of range (learning rate, temperature, sizes, …).
    #[error("{what} = {value} is invalid: expected {expected}")]
    Config {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The gradients or the updated weights stopped being finite; the model is unchanged.
    #[error("training diverged at step {step}: {reason}")]
    Diverged { step: u64, reason: String },
    /// A shape, size or value error of the model's tensors.
    #[error(transparent)]
    Model(#[from] ModelError),
}

impl TextError {
    pub(crate) fn config(what: &'static str, value: impl ToString, expected: &'static str) -> Self {
        Self::Config {
            what,
            value: value.to_string(),
            expected,
        }
    }
}
