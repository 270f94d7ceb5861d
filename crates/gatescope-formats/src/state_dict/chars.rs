//! Character models (`nn.Embedding` + a recurrent module + `nn.Linear`) in a state_dict:
//!
//! | key | shape |
//! |---|---|
//! | `embedding.weight` (or `embed.weight`, `encoder.weight`) | `[V, E]` |
//! | the recurrent module, any prefix (`rnn.`, `lstm.`, `gru.`, …) | as [`super`] reads it, `D = E` |
//! | `fc.weight` (or `linear.`, `decoder.`) | `[V, dirs·H]` |
//! | `fc.bias` (absent for `bias=False`: zeros) | `[V]` |
//! | JSON `"vocab"` / safetensors `__metadata__["vocab"]` (a JSON list in a string) | `V` single characters, index = token id, optionally one `"<unk>"` |
//!
//! The alternative names are PyTorch's own examples' (`word_language_model` calls them
//! `encoder` and `decoder`). Every shape is checked against V, E and H, and the parameter
//! count (in `u64`), before any value is converted.

use gatescope_core::text::{CharModel, TextError, Vocab, MAX_VOCAB};
use gatescope_core::Stack;
use serde_json::Value;

use super::layout::{matrix, shape_text, vector};
use super::resolve::{resolve, Source};
use super::tensors;
use crate::{check_params, CharModelFile, Format, FormatError, LoadOptions, Result};

/// Names of the embedding's weight, the first present is used.
pub const EMBEDDING_KEYS: [&str; 3] = ["embedding.weight", "embed.weight", "encoder.weight"];
/// Module names of the readout (`{name}.weight`, `{name}.bias`), the first present is used.
pub const READOUT_MODULES: [&str; 3] = ["fc", "linear", "decoder"];

/// `(name, shape, values row-major)` of every tensor written.
type Tensors = Vec<(String, Vec<usize>, Vec<f32>)>;

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(msg)
}

/// The raw entries of a vocabulary stored as a JSON list of strings (`what` names it in
/// messages). The entries' own rules are [`Vocab::new`]'s.
pub(super) fn vocab_entries(v: &Value, what: &str) -> Result<Vec<String>> {
    let list = v.as_array().ok_or_else(|| {
        invalid(format!(
            "{what}: expected a list of single characters, found {}",
            gatescope_core::parse::excerpt(&v.to_string())
        ))
    })?;
    if list.len() > MAX_VOCAB {
        return Err(FormatError::TooLarge(format!(
            "{what}: {} entries is more than the {MAX_VOCAB} a vocabulary may have",
            list.len()
        )));
    }
    list.iter()
        .enumerate()
        .map(|(k, e)| {
            e.as_str().map(str::to_string).ok_or_else(|| {
                invalid(format!(
                    "{what}[{k}]: expected a string of one character, found {}",
                    gatescope_core::parse::excerpt(&e.to_string())
                ))
            })
        })
        .collect()
}

fn from_text_error(e: TextError) -> FormatError {
    match e {
        TextError::Model(m) => FormatError::Model(m),
        other => invalid(other.to_string()),
    }
}

/// Reads the vocabulary, the recurrent module, the embedding and the readout of `src`.
pub(super) fn assemble(
    src: &impl Source,
    opts: &LoadOptions,
    format: Format,
) -> Result<CharModelFile> {
    let entries = src.vocab()?.ok_or_else(|| {
        invalid(
            "no vocabulary: a character model stores its characters as a \"vocab\" list \
             (JSON) or __metadata__ \"vocab\" (safetensors)"
                .to_string(),
        )
    })?;
    let vocab = Vocab::new(entries).map_err(from_text_error)?;
    let found = resolve(src, opts)?;
    let names = src.names();
    let index = |key: &str| names.iter().position(|n| n == key);
    let Some((emb_key, emb)) = EMBEDDING_KEYS.iter().find_map(|k| Some((*k, index(k)?))) else {
        return Err(invalid(
            "no embedding: a character model needs embedding.weight [V, E]".to_string(),
        ));
    };
    let Some((module, fc_w)) = READOUT_MODULES
        .iter()
        .find_map(|m| Some((*m, index(&format!("{m}.weight"))?)))
    else {
        return Err(invalid(
            "no readout: a character model needs fc.weight [V, H] and fc.bias [V]".to_string(),
        ));
    };
    let bias_key = format!("{module}.bias");
    let fc_b = index(&bias_key);
    let stack = &found.stack;
    let (v, e, out) = (vocab.len(), stack.input_size(), stack.output_size());
    let expect = |i: usize, key: &str, want: &[usize], why: &str| -> Result<()> {
        let shape = src.shape(i, want.len())?;
        if shape != want {
            return Err(invalid(format!(
                "{key}: expected shape {} ({why}); found {}",
                shape_text(want),
                shape_text(&shape)
            )));
        }
        Ok(())
    };
    let prefix = &found.prefix;
    expect(
        emb,
        emb_key,
        &[v, e],
        &format!("V = {v} vocab entries, E = D = {e} inputs of {prefix}weight_ih_l0"),
    )?;
    let fc_why = format!("V = {v} vocab entries, {out} outputs of the recurrent layers");
    expect(fc_w, &format!("{module}.weight"), &[v, out], &fc_why)?;
    if let Some(b) = fc_b {
        expect(b, &bias_key, &[v], &fc_why)?;
    }
    let (v64, e64, out64) = (v as u64, e as u64, out as u64);
    check_params(stack.num_params() + v64 * e64 + v64 * out64 + v64)?;
    let embedding = matrix(src, Some(emb), v, e)?;
    let fc_weight = matrix(src, Some(fc_w), v, out)?;
    let fc_bias = vector(src, fc_b, v)?;
    let used = [
        Some(emb_key.to_string()),
        Some(format!("{module}.weight")),
        fc_b.map(|_| bias_key),
    ];
    let ignored = found
        .ignored
        .into_iter()
        .filter(|n| !used.iter().flatten().any(|u| u == n))
        .collect();
    let model = CharModel::new(vocab, embedding, found.stack, fc_weight, fc_bias)
        .map_err(from_text_error)?;
    Ok(CharModelFile {
        model,
        format,
        source: found.prefix,
        ignored,
    })
}

/// Every tensor of `m` in PyTorch's `state_dict()` order: `embedding.weight`, the
/// recurrent module under `{cell}.` (`lstm.weight_ih_l0`, …), `fc.weight`, `fc.bias`.
fn char_tensors(m: &CharModel) -> Result<Tensors> {
    let stack: &Stack = m.stack();
    super::check_plain(stack)?;
    let (v, e) = m.embedding().dim();
    let mut out = vec![(
        EMBEDDING_KEYS[0].to_string(),
        vec![v, e],
        m.embedding().iter().copied().collect(),
    )];
    let prefix = stack.kind().name();
    out.extend(
        tensors(stack)
            .into_iter()
            .map(|(name, shape, values)| (format!("{prefix}.{name}"), shape, values)),
    );
    out.push((
        "fc.weight".to_string(),
        vec![v, m.fc_weight().ncols()],
        m.fc_weight().iter().copied().collect(),
    ));
    out.push(("fc.bias".to_string(), vec![v], m.fc_bias().to_vec()));
    Ok(out)
}

/// See [`super::char_to_json`].
pub(super) fn write_json(m: &CharModel) -> Result<String> {
    let tensors = char_tensors(m)?;
    Ok(super::json::write_object(
        m.kind(),
        Some(m.vocab().entries()),
        tensors,
    ))
}

/// See [`super::char_to_safetensors`].
pub(super) fn write_safetensors(m: &CharModel) -> Result<Vec<u8>> {
    let vocab = serde_json::to_string(m.vocab().entries())
        .map_err(|e| invalid(format!("cannot write the vocab: {e}")))?;
    let metadata = [("cell", m.kind().name().to_string()), ("vocab", vocab)];
    write_tensors(&metadata, char_tensors(m)?)
}

/// Writes F32 tensors, in the given order, with `metadata` as safetensors. The header is
/// built here, not by the crate, so that a file with more than one metadata key comes out
/// byte for byte the same every time (the crate writes its metadata map in hash order):
/// serde_json's map keeps keys sorted. The header is padded with spaces to a multiple of 8
/// bytes, as the crate does, so the data stays aligned.
fn write_tensors(metadata: &[(&str, String)], tensors: Tensors) -> Result<Vec<u8>> {
    let mut header = serde_json::Map::new();
    let meta: serde_json::Map<String, Value> = metadata
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect();
    header.insert("__metadata__".to_string(), Value::Object(meta));
    let mut data = Vec::new();
    for (name, shape, values) in tensors {
        let start = data.len();
        data.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        let info = serde_json::json!({
            "dtype": "F32",
            "shape": shape,
            "data_offsets": [start, data.len()],
        });
        if header.insert(name.clone(), info).is_some() {
            return Err(invalid(format!("safetensors: cannot write: {name} twice")));
        }
    }
    let mut text = Value::Object(header).to_string().into_bytes();
    text.resize(text.len().div_ceil(8) * 8, b' ');
    let mut out = Vec::with_capacity(8 + text.len() + data.len());
    out.extend((text.len() as u64).to_le_bytes());
    out.extend(text);
    out.extend(data);
    Ok(out)
}
