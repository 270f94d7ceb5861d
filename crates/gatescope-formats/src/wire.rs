//! A [`ModelFile`] as bytes, to cross from the page's file-reading worker to the app and back
//! without the format parsers in the app's own wasm: the app links [`encode`] and
//! [`decode`] only (a few KB), the worker everything else.
//!
//! Layout, little-endian, every count before what it counts:
//!
//! ```text
//! "GSW1"  u8 cell (0 LSTM, 1 GRU, 2 RNN)  u8 flags (1 bidirectional, 2 reverse)  u8 format
//! u32 layer-directions, each: u32 H, u32 D, u8 options (1 peepholes, 2 clip, 4 GRU with
//!     linear_before_reset = 0), [f32 clip], f32 × (G·H·D + G·H·H + 2·G·H), [f32 × 3H]
//! str source   u32 n, n × str ignored   u32 n, n × (u32 len, f32 × len h0, u32 len, f32 × len c0)
//! str = u32 byte length, UTF-8
//! ```
//!
//! [`decode`] checks every length against what is left before it allocates, and every
//! model through the core's validating constructors, so no input makes it panic.

use gatescope_core::{CellKind, InitialState, Intervention, Params, Series, Stack};
use ndarray::{Array1, Array2, ArrayView2};

use crate::{Format, FormatError, ModelFile, Result};

mod chars;

pub use chars::{decode_char, encode_char};

const MAGIC: &[u8; 4] = b"GSW1";

/// The bytes of `file`.
pub fn encode(file: &ModelFile) -> Vec<u8> {
    let stack = &file.stack;
    let mut out = Vec::with_capacity(64 + 4 * stack.num_params() as usize);
    out.extend_from_slice(MAGIC);
    out.push(match stack.kind() {
        CellKind::Lstm => 0,
        CellKind::Gru => 1,
        CellKind::Rnn => 2,
    });
    out.push(u8::from(stack.is_bidirectional()) | (u8::from(stack.is_reverse()) << 1));
    out.push(match file.format {
        Format::Json => 0,
        Format::Safetensors => 1,
        Format::Onnx => 2,
    });
    put_u32(&mut out, stack.layers().len());
    for p in stack.layers() {
        put_u32(&mut out, p.hidden_size());
        put_u32(&mut out, p.input_size());
        let options = u8::from(p.peepholes().is_some())
            | (u8::from(p.clip().is_some()) << 1)
            | (u8::from(!p.linear_before_reset()) << 2);
        out.push(options);
        if let Some(c) = p.clip() {
            out.extend_from_slice(&c.to_le_bytes());
        }
        let (wih, whh, bih, bhh) = (p.weight_ih(), p.weight_hh(), p.bias_ih(), p.bias_hh());
        let peep = p.peepholes();
        let values = wih
            .iter()
            .chain(whh.iter())
            .chain(bih.iter())
            .chain(bhh.iter())
            .chain(peep.iter().flatten());
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    put_str(&mut out, &file.source);
    put_u32(&mut out, file.ignored.len());
    for s in &file.ignored {
        put_str(&mut out, s);
    }
    put_u32(&mut out, file.init.len());
    for s in &file.init {
        put_f32s(&mut out, &s.h0);
        put_f32s(&mut out, &s.c0);
    }
    out
}

/// A stack alone, for the writers (format and names do not matter to them).
pub fn encode_stack(stack: &Stack) -> Vec<u8> {
    encode(&ModelFile {
        stack: stack.clone(),
        format: Format::Safetensors,
        source: String::new(),
        ignored: Vec::new(),
        init: Vec::new(),
    })
}

/// The [`ModelFile`] that [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<ModelFile> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err(bad("not a gatescope model message"));
    }
    let kind = match r.u8()? {
        0 => CellKind::Lstm,
        1 => CellKind::Gru,
        2 => CellKind::Rnn,
        _ => return Err(bad("unknown cell")),
    };
    let flags = r.u8()?;
    let format = match r.u8()? {
        0 => Format::Json,
        1 => Format::Safetensors,
        2 => Format::Onnx,
        _ => return Err(bad("unknown format")),
    };
    let n = r.u32()?;
    let mut layers = Vec::new();
    for _ in 0..n {
        let (h, d) = (r.u32()?, r.u32()?);
        let options = r.u8()?;
        let clip = if options & 2 != 0 {
            Some(r.f32()?)
        } else {
            None
        };
        let rows = kind.gate_blocks().saturating_mul(h);
        let mut matrix = |cols: usize| -> Result<Array2<f32>> {
            let v = r.f32s(rows.saturating_mul(cols))?;
            Array2::from_shape_vec((rows, cols), v).map_err(|e| bad(&e.to_string()))
        };
        let (wih, whh) = (matrix(d)?, matrix(h)?);
        let (bih, bhh) = (Array1::from(r.f32s(rows)?), Array1::from(r.f32s(rows)?));
        let mut p = Params::new(kind, wih, whh, bih, bhh)?;
        if options & 1 != 0 {
            p = p.with_peepholes(Array1::from(r.f32s(h.saturating_mul(3))?))?;
        }
        if let Some(c) = clip {
            p = p.with_clip(c)?;
        }
        layers.push(p.with_linear_before_reset(options & 4 == 0));
    }
    let stack = if flags & 2 != 0 {
        Stack::new_reverse(layers)?
    } else {
        Stack::new(layers, flags & 1 != 0)?
    };
    let source = r.str()?;
    let ignored = (0..r.u32()?).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
    let init = (0..r.u32()?)
        .map(|_| {
            Ok(InitialState {
                h0: r.counted_f32s()?,
                c0: r.counted_f32s()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if r.at != bytes.len() {
        return Err(bad("bytes left over"));
    }
    Ok(ModelFile {
        stack,
        format,
        source,
        ignored,
        init,
    })
}

const RUN_MAGIC: &[u8; 4] = b"GSR1";
/// Most interventions a run message holds.
const MAX_RUN_INTERVENTIONS: usize = 1024;

/// A run for the exports: a model, its input `[T, D]` and the interventions forced in it.
#[derive(Debug, Clone)]
pub struct Run {
    pub file: ModelFile,
    pub x: Array2<f32>,
    pub interventions: Vec<Intervention>,
}

/// The bytes of a run: `"GSR1"`, u32 n and the `n` bytes of a model message ([`encode`]),
/// u32 T, u32 D, f32 × T·D, u32 count, then per intervention u8 series (its index in `Series::ALL`),
/// u32 unit (`u32::MAX`: every unit), u32 first step, u32 last step (`u32::MAX`: to the
/// end), f32 value.
pub fn encode_run(model: &[u8], x: ArrayView2<'_, f32>, interventions: &[Intervention]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + model.len() + 4 * x.len());
    out.extend_from_slice(RUN_MAGIC);
    put_u32(&mut out, model.len());
    out.extend_from_slice(model);
    put_u32(&mut out, x.nrows());
    put_u32(&mut out, x.ncols());
    x.iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    put_u32(&mut out, interventions.len());
    for iv in interventions {
        out.push(
            Series::ALL
                .iter()
                .position(|&s| s == iv.series)
                .unwrap_or(0) as u8,
        );
        put_u32(&mut out, iv.unit.unwrap_or(usize::MAX));
        put_u32(&mut out, *iv.steps.start());
        put_u32(&mut out, *iv.steps.end());
        out.extend_from_slice(&iv.value.to_le_bytes());
    }
    out
}

/// The [`Run`] that [`encode_run`] wrote, every size checked before it is used.
pub fn decode_run(bytes: &[u8]) -> Result<Run> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != RUN_MAGIC {
        return Err(bad("not a gatescope run message"));
    }
    let n = r.u32()?;
    let file = decode(r.take(n)?)?;
    let (t, d) = (r.u32()?, r.u32()?);
    if d != file.stack.input_size() {
        return Err(bad("the input does not fit the model"));
    }
    let values = r.f32s(t.checked_mul(d).ok_or_else(|| bad("size overflow"))?)?;
    let x = Array2::from_shape_vec((t, d), values).map_err(|_| bad("input shape"))?;
    let count = r.u32()?;
    if count > MAX_RUN_INTERVENTIONS {
        return Err(bad("too many interventions"));
    }
    let mut interventions = Vec::with_capacity(count);
    for _ in 0..count {
        let series = *Series::ALL
            .get(usize::from(r.u8()?))
            .ok_or_else(|| bad("unknown series"))?;
        let unit = r.u32()?;
        let (first, last) = (r.u32()?, r.u32()?);
        let all = |v: usize| {
            if v == u32::MAX as usize {
                usize::MAX
            } else {
                v
            }
        };
        interventions.push(Intervention {
            series,
            unit: (unit != u32::MAX as usize).then_some(unit),
            steps: first..=all(last),
            value: r.f32()?,
        });
    }
    if r.at != bytes.len() {
        return Err(bad("extra bytes after the run"));
    }
    Ok(Run {
        file,
        x,
        interventions,
    })
}

fn bad(what: &str) -> FormatError {
    FormatError::Invalid(format!("model message: {what}"))
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_f32s(out: &mut Vec<u8>, v: &[f32]) {
    put_u32(out, v.len());
    v.iter()
        .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
}

/// Reads what [`encode`] wrote, every length checked against what is left.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| bad("cut short"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
    fn f32(&mut self) -> Result<f32> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>> {
        let raw = self.take(n.checked_mul(4).ok_or_else(|| bad("size overflow"))?)?;
        Ok(raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
    fn counted_f32s(&mut self) -> Result<Vec<f32>> {
        let n = self.u32()?;
        self.f32s(n)
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| bad("text is not UTF-8"))
    }
}
