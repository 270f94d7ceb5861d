//! PyTorch state_dicts as JSON or safetensors: [`from_json`], [`from_safetensors`] read
//! them, [`to_json`], [`to_safetensors`] write them.
//!
//! Both readers share one resolver of PyTorch's names (`resolve.rs`):
//!
//! | key | shape |
//! |---|---|
//! | `{prefix}weight_ih_l{k}` | `[G·H, D]` for k = 0, `[G·H, dirs·H]` above |
//! | `{prefix}weight_hh_l{k}` | `[G·H, H]` |
//! | `{prefix}bias_ih_l{k}`, `{prefix}bias_hh_l{k}` | `[G·H]`, all absent for `bias=False` (zeros) |
//! | the same with `_reverse` | the second direction, in every layer or none |
//!
//! `G` = 4 (LSTM), 3 (GRU) or 1 (RNN). A bare `weight_ih` etc. is layer 0 (the older
//! single-layer files, `nn.LSTMCell`). The `prefix` is the module's (`""`, `lstm.`,
//! `encoder.rnn.`): the only one with recurrent keys, or [`LoadOptions::prefix`]; every other
//! key is listed in [`ModelFile::ignored`]. The cell is [`LoadOptions::cell`], else the file's
//! (a JSON `"cell"` key, safetensors `__metadata__` `cell`), else inferred from the rows of
//! `weight_ih_l0` over H (the columns of `weight_hh_l0`).

use gatescope_core::text::CharModel;
use gatescope_core::{layer_name, Stack};

use crate::{CharModelFile, FormatError, LoadOptions, ModelFile, Result};

mod binary;
mod chars;
mod json;
mod layout;
mod names;
mod resolve;

pub use binary::{bf16_to_f32, f16_to_f32};
pub use chars::{EMBEDDING_KEYS, READOUT_MODULES};

/// Reads a state_dict as one JSON object of nested lists (`[G·H][D]` per weight, `[G·H]`
/// per bias), with an optional `"cell"`; other keys may hold anything. Values are rounded
/// to f32; one beyond f32's range is refused with its key and index.
pub fn from_json(text: &str, opts: &LoadOptions) -> Result<ModelFile> {
    json::read(text, opts)
}

/// Reads a state_dict saved as safetensors. Recurrent tensors may be F32, F64 (rounded to
/// the nearest f32), F16 or BF16 (both exact); other keys may have any dtype. The
/// `__metadata__` may name the `cell`.
pub fn from_safetensors(bytes: &[u8], opts: &LoadOptions) -> Result<ModelFile> {
    binary::read(bytes, opts)
}

/// Writes `stack` as a JSON state_dict: `"cell"` first, then PyTorch's names layer by
/// layer (forward, then `_reverse`), each f32 in a form that reads back bit for bit.
///
/// Errors: a layer with peepholes, a clip or the GRU's `linear_before_reset = 0` (ONNX
/// features that PyTorch's names cannot hold).
pub fn to_json(stack: &Stack) -> Result<String> {
    json::write(stack)
}

/// Writes `stack` as safetensors, every tensor F32 under PyTorch's names, `__metadata__`
/// `{"cell": …}`. Errors as [`to_json`].
pub fn to_safetensors(stack: &Stack) -> Result<Vec<u8>> {
    binary::write(stack)
}

/// Reads a character model (see `chars.rs` for the keys) from a JSON state_dict with a
/// `"vocab"` list. `opts` chooses the recurrent module as for [`from_json`].
///
/// Errors: no `"vocab"`, a vocabulary that is not a list of distinct single characters
/// (one `"<unk>"` allowed), no `embedding.weight` or `fc.weight`, shapes that disagree with
/// V, E or H, more than [`crate::MAX_PARAMS`] values, a value that is not finite.
pub fn char_from_json(text: &str, opts: &LoadOptions) -> Result<CharModelFile> {
    json::read_char(text, opts)
}

/// Reads a character model from safetensors whose `__metadata__["vocab"]` is a JSON list of
/// characters (as `save_file(…, metadata={"vocab": json.dumps(chars)})` writes it).
/// Errors as [`char_from_json`].
pub fn char_from_safetensors(bytes: &[u8], opts: &LoadOptions) -> Result<CharModelFile> {
    binary::read_char(bytes, opts)
}

/// Writes a character model as JSON: `"cell"`, `"vocab"`, then `embedding.weight`, the
/// recurrent layers under `{cell}.` (`lstm.weight_ih_l0`, …), `fc.weight`, `fc.bias`, each
/// f32 in a form that reads back bit for bit.
pub fn char_to_json(model: &CharModel) -> Result<String> {
    chars::write_json(model)
}

/// Writes a character model as safetensors with the same names, every tensor F32,
/// `__metadata__` `{"cell", "vocab"}`; the same model always gives the same bytes.
pub fn char_to_safetensors(model: &CharModel) -> Result<Vec<u8>> {
    chars::write_safetensors(model)
}

/// Refuses a stack that PyTorch's names cannot describe.
fn check_plain(stack: &Stack) -> Result<()> {
    if stack.is_reverse() {
        return Err(FormatError::Invalid(
            "a model whose layers only run in reverse (ONNX direction = reverse) has no \
             PyTorch state_dict names (save it as ONNX)"
                .to_string(),
        ));
    }
    for (k, p) in stack.layers().iter().enumerate() {
        if p.is_plain() {
            continue;
        }
        let (layer, dir) = stack.position(k);
        let name = layer_name(layer, dir == gatescope_core::Direction::Reverse);
        let what = if p.peepholes().is_some() {
            "LSTM peepholes"
        } else if p.clip().is_some() {
            "a clip"
        } else {
            "a GRU with linear_before_reset = 0"
        };
        return Err(FormatError::Invalid(format!(
            "{name}: has {what}, which a PyTorch state_dict cannot hold (save it as ONNX)"
        )));
    }
    Ok(())
}

/// Every tensor of `stack` as `(name, shape, values row-major)`, in PyTorch's order:
/// layer-major, forward before `_reverse`, `weight_ih, weight_hh, bias_ih, bias_hh`.
fn tensors(stack: &Stack) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut out = Vec::with_capacity(4 * stack.layers().len());
    for (k, p) in stack.layers().iter().enumerate() {
        let (layer, dir) = stack.position(k);
        let suffix = layer_name(layer, dir == gatescope_core::Direction::Reverse);
        let (ih, hh) = (p.weight_ih(), p.weight_hh());
        let rows = ih.nrows();
        out.push((
            format!("weight_ih_{suffix}"),
            vec![rows, ih.ncols()],
            ih.iter().copied().collect(),
        ));
        out.push((
            format!("weight_hh_{suffix}"),
            vec![rows, hh.ncols()],
            hh.iter().copied().collect(),
        ));
        out.push((
            format!("bias_ih_{suffix}"),
            vec![rows],
            p.bias_ih().to_vec(),
        ));
        out.push((
            format!("bias_hh_{suffix}"),
            vec![rows],
            p.bias_hh().to_vec(),
        ));
    }
    out
}
