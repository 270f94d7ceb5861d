//! A state_dict as safetensors: an 8-byte little-endian header length N, N bytes of JSON
//! header (`{"name": {"dtype", "shape", "data_offsets": [start, end]}, "__metadata__": {…}}`),
//! then the tensors' bytes, little-endian, row-major.
//!
//! The `safetensors` crate parses and checks the header (every offset inside the file, every
//! size `shape × dtype` equal to its offsets) over the borrowed bytes: nothing is allocated
//! by a declared size. This module adds messages that name the tensor at fault, and the
//! conversion of F16 / BF16 / F64 to f32.

use std::borrow::Cow;

use gatescope_core::{CellKind, Stack};
use safetensors::tensor::{Dtype, SafeTensorError, SafeTensors, View};
use serde_json::Value;

use super::resolve::{resolve, Source};
use super::{check_plain, tensors};
use crate::{CharModelFile, Format, FormatError, LoadOptions, ModelFile, Result, MAX_FILE_BYTES};

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(format!("safetensors: {msg}"))
}

/// One tensor of the file: its dtype, shape and bytes.
struct Entry<'a> {
    dtype: Dtype,
    shape: Vec<usize>,
    data: &'a [u8],
}

struct SafetensorsSource<'a> {
    names: Vec<String>,
    entries: Vec<Entry<'a>>,
    cell: Option<String>,
    vocab: Option<String>,
}

impl Source for SafetensorsSource<'_> {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn shape(&self, i: usize, _rank: usize) -> Result<Vec<usize>> {
        let e = self.entry(i)?;
        match e.dtype {
            Dtype::F32 | Dtype::F64 | Dtype::F16 | Dtype::BF16 => Ok(e.shape.clone()),
            other => Err(FormatError::Invalid(format!(
                "{}: dtype {other} is not supported for weights; expected F32, F64, F16 or BF16",
                self.name(i)
            ))),
        }
    }

    fn values(&self, i: usize) -> Result<Vec<f32>> {
        let e = self.entry(i)?;
        Ok(match e.dtype {
            Dtype::F32 => words(e.data).map(f32::from_le_bytes).collect(),
            // Rounds to the nearest f32; one beyond its range becomes ±inf, refused later.
            Dtype::F64 => words(e.data)
                .map(|w| f64::from_le_bytes(w) as f32)
                .collect(),
            Dtype::F16 => words(e.data)
                .map(|w| f16_to_f32(u16::from_le_bytes(w)))
                .collect(),
            Dtype::BF16 => words(e.data)
                .map(|w| bf16_to_f32(u16::from_le_bytes(w)))
                .collect(),
            other => {
                return Err(FormatError::Invalid(format!(
                    "{}: dtype {other} is not supported for weights",
                    self.name(i)
                )))
            }
        })
    }

    fn cell(&self) -> Result<Option<CellKind>> {
        match &self.cell {
            None => Ok(None),
            Some(s) => CellKind::parse(s).map(Some).map_err(|_| {
                invalid(format!(
                    "__metadata__ cell: expected \"lstm\", \"gru\" or \"rnn\", found {s:?}"
                ))
            }),
        }
    }

    fn vocab(&self) -> Result<Option<Vec<String>>> {
        let Some(text) = &self.vocab else {
            return Ok(None);
        };
        let what = "safetensors: __metadata__ vocab";
        let v: Value = serde_json::from_str(text).map_err(|e| {
            FormatError::Invalid(format!(
                "{what}: not a JSON list of characters (column {}): {e}",
                e.column()
            ))
        })?;
        super::chars::vocab_entries(&v, what).map(Some)
    }
}

impl<'a> SafetensorsSource<'a> {
    fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }
    fn entry(&self, i: usize) -> Result<&Entry<'a>> {
        self.entries
            .get(i)
            .ok_or_else(|| invalid(format!("no tensor {i}")))
    }
}

/// `data` as consecutive `N`-byte words (a trailing partial word, which the crate's checks
/// rule out, is dropped).
fn words<const N: usize>(data: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    data.chunks_exact(N)
        .map(|c| <[u8; N]>::try_from(c).unwrap_or([0; N]))
}

/// IEEE half precision → f32, exactly (every f16 is an f32): sign, 5-bit exponent (bias 15),
/// 10-bit mantissa.
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let magnitude = match exp {
        // Zero and subnormals: man · 2^-24, exact in f32 (a 10-bit integer times a power of 2).
        0 => (man as f32 * f32::from_bits(0x3380_0000)).to_bits(),
        // Infinity and NaN keep their payload.
        0x1f => 0x7f80_0000 | (man << 13),
        // Normal: rebias the exponent (127 − 15 = 112), widen the mantissa.
        _ => ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// bfloat16 → f32, exactly: bfloat16 is the top half of an f32.
pub fn bf16_to_f32(b: u16) -> f32 {
    f32::from_bits(u32::from(b) << 16)
}

/// Checks the frame and the header, and lists the tensors in file order.
fn source(bytes: &[u8]) -> Result<SafetensorsSource<'_>> {
    crate::check_file_size(bytes)?;
    let header_len = check_frame(bytes)?;
    let (n, meta) = SafeTensors::read_metadata(bytes).map_err(|e| header_error(bytes, e))?;
    let data = 8usize
        .checked_add(n)
        .and_then(|start| bytes.get(start..))
        .ok_or_else(|| invalid(format!("header length {header_len} runs past the end")))?;
    let mut listed: Vec<(String, Entry<'_>, usize)> = Vec::new();
    for (name, info) in meta.tensors() {
        let (start, end) = info.data_offsets;
        let slice = data.get(start..end).ok_or_else(|| {
            invalid(format!(
                "{name}: data_offsets [{start}, {end}] are outside the data"
            ))
        })?;
        let entry = Entry {
            dtype: info.dtype,
            shape: info.shape.clone(),
            data: slice,
        };
        listed.push((name, entry, start));
    }
    // File order: by where the data lies (the header's own order is not kept by the
    // crate), ties (empty tensors) by name.
    listed.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    let key = |k: &str| meta.metadata().as_ref().and_then(|m| m.get(k)).cloned();
    let (cell, vocab) = (key("cell"), key("vocab"));
    let (names, entries) = listed.into_iter().map(|(n, e, _)| (n, e)).unzip();
    Ok(SafetensorsSource {
        names,
        entries,
        cell,
        vocab,
    })
}

/// Reads a state_dict saved as safetensors (see [`super::from_safetensors`]).
pub(super) fn read(bytes: &[u8], opts: &LoadOptions) -> Result<ModelFile> {
    let src = source(bytes)?;
    let found = resolve(&src, opts)?;
    Ok(ModelFile {
        stack: found.stack,
        format: Format::Safetensors,
        source: found.prefix,
        ignored: found.ignored,
        init: Vec::new(),
    })
}

/// Reads a character model saved as safetensors (see [`super::char_from_safetensors`]).
pub(super) fn read_char(bytes: &[u8], opts: &LoadOptions) -> Result<CharModelFile> {
    super::chars::assemble(&source(bytes)?, opts, Format::Safetensors)
}

/// The header length, checked against the file's size before the crate reads it (its own
/// errors do not say the numbers).
fn check_frame(bytes: &[u8]) -> Result<u64> {
    let Some(head) = bytes.first_chunk::<8>() else {
        return Err(invalid(format!(
            "the file has {} bytes, fewer than the 8 of the header length: not a safetensors \
             file, or cut short",
            bytes.len()
        )));
    };
    let n = u64::from_le_bytes(*head);
    let rest = bytes.len() as u64 - 8;
    if n > rest {
        let hint = if bytes.first() == Some(&b'{') {
            " (it starts like JSON: a .json file?)"
        } else {
            ""
        };
        return Err(invalid(format!(
            "the header length says {n} bytes but only {rest} follow: not a safetensors file, \
             or cut short{hint}"
        )));
    }
    Ok(n)
}

/// The crate's error, with the tensor at fault named where the header can say which.
fn header_error(bytes: &[u8], e: SafeTensorError) -> FormatError {
    match e {
        SafeTensorError::InvalidHeader(e) => invalid(format!("the header is not UTF-8 text: {e}")),
        SafeTensorError::InvalidHeaderDeserialization(e) => {
            invalid(format!("the header is not a valid safetensors header: {e}"))
        }
        SafeTensorError::TensorInvalidInfo
        | SafeTensorError::ValidationOverflow
        | SafeTensorError::InvalidOffset(_)
        | SafeTensorError::MetadataIncompleteBuffer
        | SafeTensorError::MisalignedSlice => {
            diagnose(bytes).unwrap_or_else(|| invalid(format!("{e}")))
        }
        other => invalid(format!("{other}")),
    }
}

/// Bits of one element of a dtype named in a header.
fn dtype_bits(name: &str) -> Option<u128> {
    let v: Dtype = serde_json::from_value(Value::String(name.to_string())).ok()?;
    Some(v.bitsize() as u128)
}

/// Finds the first tensor (in data order) whose declared size or offsets are wrong.
fn diagnose(bytes: &[u8]) -> Option<FormatError> {
    let n = usize::try_from(u64::from_le_bytes(*bytes.first_chunk::<8>()?)).ok()?;
    let header: Value = serde_json::from_slice(bytes.get(8..8usize.checked_add(n)?)?).ok()?;
    let data_len = bytes.len().checked_sub(8)?.checked_sub(n)? as u128;
    let mut tensors: Vec<(u128, u128, &str, &Value)> = Vec::new();
    for (name, t) in header
        .as_object()?
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
    {
        let offs = t.get("data_offsets")?.as_array()?;
        let (s, e) = (offs.first()?.as_u64()?, offs.get(1)?.as_u64()?);
        tensors.push((u128::from(s), u128::from(e), name, t));
    }
    tensors.sort_by_key(|t| (t.0, t.1));
    let mut next = 0u128;
    for &(start, end, name, t) in &tensors {
        let dtype = t.get("dtype")?.as_str()?;
        let shape: Vec<u128> = t
            .get("shape")?
            .as_array()?
            .iter()
            .map(|d| d.as_u64().map(u128::from))
            .collect::<Option<_>>()?;
        let elements = shape.iter().try_fold(1u128, |a, &d| a.checked_mul(d));
        let size = elements
            .and_then(|n| n.checked_mul(dtype_bits(dtype)?))
            .map(|b| b / 8);
        let dims: Vec<String> = shape.iter().map(u128::to_string).collect();
        let declared = format!("shape [{}] of {dtype}", dims.join(", "));
        match size {
            Some(size) if size > u128::from(MAX_FILE_BYTES) => {
                return Some(FormatError::TooLarge(format!(
                    "safetensors: {name}: {declared} is {size} bytes, more than the {} MB a \
                     model file may have",
                    MAX_FILE_BYTES >> 20
                )))
            }
            None => {
                return Some(FormatError::TooLarge(format!(
                    "safetensors: {name}: {declared} is more bytes than can be counted"
                )))
            }
            Some(size) if end < start || end - start != size => {
                return Some(invalid(format!(
                    "{name}: {declared} is {size} bytes but its data_offsets [{start}, {end}] \
                     hold {}",
                    end.saturating_sub(start)
                )))
            }
            Some(_) if start != next => {
                return Some(invalid(format!(
                    "{name}: data_offsets [{start}, {end}] do not start where the previous \
                     tensor ends ({next})"
                )))
            }
            Some(_) => next = end,
        }
    }
    Some(invalid(if next > data_len {
        format!("the tensors need {next} bytes of data but the file has {data_len}: cut short")
    } else {
        format!("the tensors need {next} bytes of data but the file has {data_len}")
    }))
}

/// A tensor written by [`write`]: F32, little-endian.
struct F32Tensor {
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for &F32Tensor {
    fn dtype(&self) -> Dtype {
        Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Writes `stack` as safetensors (see [`super::to_safetensors`]).
pub(super) fn write(stack: &Stack) -> Result<Vec<u8>> {
    check_plain(stack)?;
    let owned: Vec<(String, F32Tensor)> = tensors(stack)
        .into_iter()
        .map(|(name, shape, values)| {
            let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            (name, F32Tensor { shape, bytes })
        })
        .collect();
    // One key only: the crate writes metadata in its hash map's order, so a second key
    // (`format: pt`) would make the bytes differ from run to run.
    let metadata = [("cell".to_string(), stack.kind().name().to_string())]
        .into_iter()
        .collect();
    let views = owned.iter().map(|(name, t)| (name.as_str(), t));
    safetensors::serialize(views, Some(metadata)).map_err(|e| invalid(format!("cannot write: {e}")))
}
