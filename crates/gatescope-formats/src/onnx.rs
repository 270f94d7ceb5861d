//! ONNX models: see [`from_onnx`].

use crate::{FormatError, LoadOptions, ModelFile, Result};

/// Reads an `.onnx` model's recurrent nodes.
pub fn from_onnx(_bytes: &[u8], _opts: &LoadOptions) -> Result<ModelFile> {
    Err(FormatError::Invalid("ONNX: not supported yet".to_string()))
}
