//! A [`CharModel`] as bytes, between the app (text mode) and the file worker, which writes
//! and reads the character-model files:
//!
//! ```text
//! "GSC1"  u32 V, V × str entry   u32 V, u32 E, f32 × V·E embedding
//! u32 V, u32 K, f32 × V·K fc.weight   u32 V, f32 × V fc.bias   u32 n, n bytes: the stack's
//! model message (super::encode)
//! ```
//!
//! [`decode_char`] checks every length before it allocates and builds the model through the
//! core's validating constructors.

use gatescope_core::text::{CharModel, Vocab};
use ndarray::{Array1, Array2};

use super::{bad, decode, encode_stack, put_str, put_u32, Reader};
use crate::Result;

const CHAR_MAGIC: &[u8; 4] = b"GSC1";

/// The bytes of `model`.
pub fn encode_char(model: &CharModel) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + 4 * model.num_params() as usize);
    out.extend_from_slice(CHAR_MAGIC);
    let entries = model.vocab().entries();
    put_u32(&mut out, entries.len());
    for e in entries {
        put_str(&mut out, e);
    }
    for m in [model.embedding(), model.fc_weight()] {
        put_u32(&mut out, m.nrows());
        put_u32(&mut out, m.ncols());
        m.iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    }
    put_u32(&mut out, model.fc_bias().len());
    model
        .fc_bias()
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    let stack = encode_stack(model.stack());
    put_u32(&mut out, stack.len());
    out.extend_from_slice(&stack);
    out
}

/// The model [`encode_char`] wrote.
pub fn decode_char(bytes: &[u8]) -> Result<CharModel> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != CHAR_MAGIC {
        return Err(bad("not a gatescope character-model message"));
    }
    let v = r.u32()?;
    // Each entry takes at least its 4-byte length: a count beyond that is a lie.
    if v > bytes.len() / 4 {
        return Err(bad("vocabulary count"));
    }
    let mut entries = Vec::with_capacity(v);
    for _ in 0..v {
        entries.push(r.str()?);
    }
    let vocab = Vocab::new(entries).map_err(|e| bad(&e.to_string()))?;
    let matrix = |r: &mut Reader<'_>| -> Result<Array2<f32>> {
        let (rows, cols) = (r.u32()?, r.u32()?);
        let n = rows.checked_mul(cols).ok_or_else(|| bad("size overflow"))?;
        Array2::from_shape_vec((rows, cols), r.f32s(n)?).map_err(|_| bad("matrix shape"))
    };
    let embedding = matrix(&mut r)?;
    let fc_weight = matrix(&mut r)?;
    let fc_bias = Array1::from(r.counted_f32s()?);
    let n = r.u32()?;
    let stack = decode(r.take(n)?)?.stack;
    if r.at != bytes.len() {
        return Err(bad("extra bytes after the character model"));
    }
    CharModel::new(vocab, embedding, stack, fc_weight, fc_bias).map_err(|e| bad(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatescope_core::text::CharModelConfig;
    use gatescope_core::CellKind;

    #[test]
    fn a_character_model_crosses_bit_for_bit_and_damage_is_refused() {
        let vocab = Vocab::from_text("ab (\"c\")\n").unwrap();
        let cfg = CharModelConfig {
            embed_size: 3,
            hidden_size: 4,
            ..Default::default()
        };
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            let m = CharModel::init(kind, vocab.clone(), cfg).unwrap();
            let bytes = encode_char(&m);
            assert_eq!(decode_char(&bytes).unwrap(), m);
            for cut in [0, 3, 4, 9, bytes.len() / 2, bytes.len() - 1] {
                assert!(decode_char(&bytes[..cut]).is_err(), "{kind:?} cut at {cut}");
            }
            let mut extra = bytes.clone();
            extra.push(0);
            assert!(decode_char(&extra).is_err());
            // A vocabulary count that claims more entries than bytes.
            let mut lie = bytes.clone();
            lie[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
            assert!(decode_char(&lie).is_err());
            // A NaN in the embedding is refused by the core's constructor.
            let mut nan = bytes.clone();
            let at = 4 + 4 + vocab.entries().iter().map(|e| 4 + e.len()).sum::<usize>() + 8;
            nan[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
            assert!(decode_char(&nan).is_err());
        }
    }
}
