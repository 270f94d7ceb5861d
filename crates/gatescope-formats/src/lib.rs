//! Recurrent models in the files people have, read into a core [`Stack`]:
//!
//! - [`state_dict`]: PyTorch `state_dict` names (`weight_ih_l{k}`, `…_reverse`, an optional
//!   module prefix such as `lstm.`) as JSON or safetensors, and writing them back;
//! - [`onnx`]: `LSTM` / `GRU` / `RNN` nodes of an `.onnx` graph, chained nodes as layers.
//!
//! Every reader checks sizes before it allocates by them, and reports one line naming what
//! is wrong ([`FormatError`]); none panics on any input.

use gatescope_core::text::CharModel;
use gatescope_core::{CellKind, InitialState, ModelError, Stack};
use thiserror::Error;

pub mod link;
pub mod onnx;
pub mod state_dict;
pub mod trace_out;
pub mod wire;

/// Largest model file read (bytes).
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// Most parameters in a model read.
pub const MAX_PARAMS: u64 = 5_000_000;

/// Result alias of this crate.
pub type Result<T, E = FormatError> = std::result::Result<T, E>;

/// Why a model file could not be read. The message is one line, without the file name
/// (callers prefix it).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FormatError {
    /// The file's structure is wrong (truncated, wrong magic, missing key, bad shape, …).
    #[error("{0}")]
    Invalid(String),
    /// The file is beyond [`MAX_FILE_BYTES`] or [`MAX_PARAMS`], or declares such a size.
    #[error("{0}")]
    TooLarge(String),
    /// The weights were read but do not make a valid model.
    #[error("{0}")]
    Model(#[from] ModelError),
}

/// The formats gatescope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A PyTorch `state_dict` as JSON (nested lists per tensor, optional `"cell"`).
    Json,
    /// A PyTorch `state_dict` saved with `safetensors.torch.save_file`.
    Safetensors,
    /// An ONNX model with `LSTM` / `GRU` / `RNN` nodes.
    Onnx,
}

impl Format {
    /// By file extension (`.json`, `.safetensors`, `.onnx`, case-insensitive).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "safetensors" => Some(Format::Safetensors),
            "onnx" => Some(Format::Onnx),
            _ => None,
        }
    }

    /// `JSON`, `safetensors`, `ONNX`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Safetensors => "safetensors",
            Format::Onnx => "ONNX",
        }
    }
}

/// What the user may say about a file the reader cannot tell on its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// The cell, when the shapes alone would be ambiguous or wrong (`--cell`). Default:
    /// inferred (`"cell"` key, else rows of `weight_ih_l0` / H: 4 → LSTM, 3 → GRU, 1 → RNN).
    pub cell: Option<CellKind>,
    /// The module prefix to read (`--prefix lstm`), when a state_dict holds more than one
    /// recurrent module. Default: the only one there is.
    pub prefix: Option<String>,
}

/// A model read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub stack: Stack,
    pub format: Format,
    /// Where in the file the model was: the module prefix (`""`, `"lstm."`) of a state_dict,
    /// or the ONNX node names (`"/lstm/LSTM, /lstm_1/LSTM"`).
    pub source: String,
    /// Keys of the file that are not part of the recurrent model (for example
    /// `embedding.weight`, `fc.bias`), in file order; for ONNX, the other nodes' op types.
    pub ignored: Vec<String>,
    /// Initial states stored in the file (ONNX `initial_h` / `initial_c`), one per
    /// layer-direction in PyTorch's order; empty for zeros.
    pub init: Vec<InitialState>,
}

/// A character model read from a file (see [`state_dict::char_from_json`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CharModelFile {
    pub model: CharModel,
    pub format: Format,
    /// The recurrent module's prefix (`"lstm."`, `"rnn."`).
    pub source: String,
    /// Keys used by neither the recurrent module, the embedding nor the readout.
    pub ignored: Vec<String>,
}

impl ModelFile {
    /// True when the file also holds an embedding (one of
    /// [`state_dict::EMBEDDING_KEYS`]): a character model, to be read with [`load_char`].
    pub fn has_embedding(&self) -> bool {
        self.ignored
            .iter()
            .any(|k| state_dict::EMBEDDING_KEYS.contains(&k.as_str()))
    }
}

/// Reads a character model from `bytes`, JSON or safetensors by `name`'s extension.
///
/// Errors: an ONNX or unknown file, and those of [`state_dict::char_from_json`].
pub fn load_char(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<CharModelFile> {
    check_file_size(bytes)?;
    match Format::from_file_name(name) {
        Some(Format::Json) => state_dict::char_from_json(utf8(bytes)?, opts),
        Some(Format::Safetensors) => state_dict::char_from_safetensors(bytes, opts),
        Some(Format::Onnx) => Err(FormatError::Invalid(
            "an ONNX file holds no vocabulary: a character model is read from .json or \
             .safetensors"
                .to_string(),
        )),
        None => Err(FormatError::Invalid(
            "unknown kind of file: expected a name ending in .json or .safetensors".to_string(),
        )),
    }
}

/// Refuses more than [`MAX_FILE_BYTES`].
pub(crate) fn check_file_size(bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge(format!(
            "{} bytes is more than the {} MB a model file may have",
            bytes.len(),
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(())
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| FormatError::Invalid(format!("not UTF-8 text: {e}")))
}

/// Reads `bytes` as the format its `name`'s extension says.
pub fn load(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<ModelFile> {
    check_file_size(bytes)?;
    match Format::from_file_name(name) {
        Some(Format::Json) => state_dict::from_json(utf8(bytes)?, opts),
        Some(Format::Safetensors) => state_dict::from_safetensors(bytes, opts),
        Some(Format::Onnx) => onnx::from_onnx(bytes, opts),
        None => Err(FormatError::Invalid(
            "unknown kind of file: expected a name ending in .json, .safetensors or .onnx"
                .to_string(),
        )),
    }
}

/// Refuses a model with more than [`MAX_PARAMS`] parameters.
pub fn check_params(count: u64) -> Result<()> {
    if count > MAX_PARAMS {
        return Err(FormatError::TooLarge(format!(
            "{count} parameters is more than the {MAX_PARAMS} gatescope opens"
        )));
    }
    Ok(())
}
