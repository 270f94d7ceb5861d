//! PyTorch state_dicts as JSON or safetensors: see [`from_json`] and [`from_safetensors`].

use crate::{FormatError, LoadOptions, ModelFile, Result};

/// Reads a state_dict as JSON.
pub fn from_json(_text: &str, _opts: &LoadOptions) -> Result<ModelFile> {
    Err(FormatError::Invalid("JSON: not supported yet".to_string()))
}

/// Reads a state_dict saved as safetensors.
pub fn from_safetensors(_bytes: &[u8], _opts: &LoadOptions) -> Result<ModelFile> {
    Err(FormatError::Invalid(
        "safetensors: not supported yet".to_string(),
    ))
}

/// Writes a stack as JSON (stub until the writer lands).
pub fn to_json(_stack: &gatescope_core::Stack) -> String {
    String::new()
}

/// Writes a stack as safetensors (stub until the writer lands).
pub fn to_safetensors(_stack: &gatescope_core::Stack) -> Result<Vec<u8>> {
    Err(FormatError::Invalid("not yet".to_string()))
}
