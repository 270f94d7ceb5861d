//! ONNX tensors (`TensorProto`) as `f32` values. Every size a file declares is checked
//! before anything is allocated by it, and every value is checked to be finite.

use gatescope_core::ModelError;

use super::proto::tensor_proto::{DataLocation, DataType};
use super::proto::TensorProto;
use crate::{FormatError, Result, MAX_PARAMS};

/// The shape of `t`, checked: no dimension negative, and at most [`MAX_PARAMS`] values in
/// all (so the product neither overflows nor allocates more than a model may have).
pub(super) fn dims(t: &TensorProto, what: &str) -> Result<Vec<usize>> {
    let mut count: u64 = 1;
    let mut shape = Vec::with_capacity(t.dims.len().min(8));
    for &d in &t.dims {
        let d = u64::try_from(d).map_err(|_| {
            FormatError::Invalid(format!(
                "{what}: shape {} has a negative dimension",
                show_dims(&t.dims)
            ))
        })?;
        count = count
            .checked_mul(d)
            .ok_or_else(|| too_many(what, &t.dims, None))?;
        shape.push(usize::try_from(d).map_err(|_| too_many(what, &t.dims, None))?);
    }
    if count > MAX_PARAMS {
        return Err(too_many(what, &t.dims, Some(count)));
    }
    Ok(shape)
}

fn too_many(what: &str, dims: &[i64], count: Option<u64>) -> FormatError {
    let count = count.map_or_else(|| "more than 2^64".to_string(), |c| c.to_string());
    FormatError::TooLarge(format!(
        "{what}: shape {} holds {count} values; gatescope opens at most {MAX_PARAMS}",
        show_dims(dims)
    ))
}

/// `[1, 12, 2]`, at most eight dimensions shown (a hostile file may declare thousands).
pub(super) fn show_dims<T: std::fmt::Display>(dims: &[T]) -> String {
    let mut parts: Vec<String> = dims.iter().take(8).map(|d| d.to_string()).collect();
    if dims.len() > 8 {
        parts.push(format!("… ({} dimensions)", dims.len()));
    }
    format!("[{}]", parts.join(", "))
}

/// The values of `t`, whose shape [`dims`] returned as `shape`, row-major, as `f32`.
///
/// Reads `FLOAT` (`float_data` or `raw_data`), `DOUBLE` (`double_data` or `raw_data`),
/// `FLOAT16` and `BFLOAT16` (`int32_data` or `raw_data`); `raw_data` is little-endian, as
/// ONNX defines it. Errors: another data type, data in an external file, a value count that
/// does not match the shape, a value that is not finite (with its ONNX index).
pub(super) fn values(t: &TensorProto, what: &str, shape: &[usize]) -> Result<Vec<f32>> {
    // `dims` bounded the product by MAX_PARAMS, so neither this nor `n * 8` overflows.
    let n: usize = shape.iter().product();
    if t.data_location == Some(DataLocation::External as i32) {
        return Err(FormatError::Invalid(format!(
            "{what} is stored in an external data file; gatescope reads weights stored inside \
             the .onnx file (save it with onnx.save_model(..., save_as_external_data=False))"
        )));
    }
    let raw = t.raw_data.as_deref().unwrap_or_default();
    let data_type = t.data_type.unwrap_or(0);
    let out = match DataType::try_from(data_type) {
        Ok(DataType::Float) if raw.is_empty() && !t.float_data.is_empty() => {
            typed(what, &t.float_data, n, |&v| Ok(v))?
        }
        Ok(DataType::Float) => from_raw::<4>(what, raw, n, f32::from_le_bytes)?,
        Ok(DataType::Double) if raw.is_empty() && !t.double_data.is_empty() => {
            typed(what, &t.double_data, n, |&v| Ok(v as f32))?
        }
        Ok(DataType::Double) => from_raw::<8>(what, raw, n, |b| f64::from_le_bytes(b) as f32)?,
        Ok(kind @ (DataType::Float16 | DataType::Bfloat16)) => {
            let convert = if kind == DataType::Float16 {
                f16_to_f32
            } else {
                bf16_to_f32
            };
            if raw.is_empty() && !t.int32_data.is_empty() {
                // ONNX stores each 16-bit value in the low bits of one int32_data entry.
                typed(what, &t.int32_data, n, |&v| {
                    u16::try_from(v).map(convert).map_err(|_| {
                        FormatError::Invalid(format!(
                            "{what}: int32_data holds {v}, not a 16-bit float's bits"
                        ))
                    })
                })?
            } else {
                from_raw::<2>(what, raw, n, |b| convert(u16::from_le_bytes(b)))?
            }
        }
        other => {
            let name = other.map_or_else(|_| data_type.to_string(), |k| k.as_str_name().into());
            return Err(FormatError::Invalid(format!(
                "{what}: data type {name} is not one gatescope reads (FLOAT, DOUBLE, FLOAT16, \
                 BFLOAT16)"
            )));
        }
    };
    check_finite(what, &out, shape)?;
    Ok(out)
}

fn typed<T>(
    what: &str,
    data: &[T],
    n: usize,
    convert: impl Fn(&T) -> Result<f32>,
) -> Result<Vec<f32>> {
    if data.len() != n {
        return Err(FormatError::Invalid(format!(
            "{what}: {} values stored for a shape of {n}",
            data.len()
        )));
    }
    data.iter().map(convert).collect()
}

fn from_raw<const B: usize>(
    what: &str,
    raw: &[u8],
    n: usize,
    convert: impl Fn([u8; B]) -> f32,
) -> Result<Vec<f32>> {
    if raw.len() != n * B {
        return Err(FormatError::Invalid(format!(
            "{what}: raw_data has {} bytes, a shape of {n} values needs {}",
            raw.len(),
            n * B
        )));
    }
    let (chunks, _) = raw.as_chunks::<B>();
    Ok(chunks.iter().map(|&b| convert(b)).collect())
}

/// IEEE 754 half precision to single (exact: every half is a float).
fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits & 0x8000) << 16;
    let exp = u32::from((bits >> 10) & 0x1f);
    let man = u32::from(bits & 0x3ff);
    let magnitude = match exp {
        // Zero and subnormals: man · 2^-24.
        0 => {
            let m = man as f32 * 2f32.powi(-24);
            return if sign == 0 { m } else { -m };
        }
        0x1f => 0x7f80_0000 | (man << 13),
        // Rebias the exponent from 15 to 127.
        _ => ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// bfloat16 is the upper half of an f32.
fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}

/// The first value that is not finite, reported with its ONNX index (`[0][5][1]`).
fn check_finite(what: &str, values: &[f32], shape: &[usize]) -> Result<()> {
    let Some((flat, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) else {
        return Ok(());
    };
    let mut rest = flat;
    let mut index = vec![0; shape.len()];
    for (slot, &d) in index.iter_mut().zip(shape).rev() {
        *slot = rest % d.max(1);
        rest /= d.max(1);
    }
    Err(FormatError::Model(ModelError::NonFinite {
        what: what.to_string(),
        index: index.iter().map(|i| format!("[{i}]")).collect(),
        value,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8001), -(2f32.powi(-24)));
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(bf16_to_f32(0x3f80), 1.0);
    }
}
