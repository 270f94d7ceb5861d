//! The sizes of a state_dict's model, every shape checked against them, then the values.

use gatescope_core::{CellKind, ModelError, Params, Stack, MAX_HIDDEN, MAX_INPUT};
use ndarray::{Array1, Array2};

use super::resolve::Source;
use crate::{check_params, FormatError, LoadOptions, Result};

/// "an LSTM", "a GRU", "an RNN".
fn article(kind: CellKind) -> &'static str {
    match kind {
        CellKind::Lstm => "an LSTM",
        CellKind::Gru => "a GRU",
        CellKind::Rnn => "an RNN",
    }
}

pub(super) fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("[{}]", dims.join(", "))
}

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(msg)
}

/// The sizes every shape is checked against.
pub(super) struct Layout {
    kind: CellKind,
    h: usize,
    d: usize,
    dirs: usize,
}

impl Layout {
    /// H from `weight_hh_l0`, the cell, D from `weight_ih_l0`, then every shape checked.
    pub(super) fn infer(
        src: &impl Source,
        slots: &[[Option<usize>; 4]],
        opts: &LoadOptions,
        dirs: usize,
    ) -> Result<Self> {
        let names = src.names();
        let name = |i: usize| names.get(i).map_or("", String::as_str);
        let first = slots
            .first()
            .ok_or_else(|| invalid("no layers".to_string()))?;
        let [Some(ih0), Some(hh0), ..] = *first else {
            return Err(invalid("missing key weight_ih_l0".to_string()));
        };
        let hh_shape = src.shape(hh0, 2)?;
        let h = match hh_shape.as_slice() {
            [_, h] if (1..=MAX_HIDDEN).contains(h) => *h,
            [_, h] => {
                return Err(FormatError::Model(ModelError::Format(format!(
                    "{}: H = {h} (its columns) is outside the supported range 1..={MAX_HIDDEN}",
                    name(hh0)
                ))))
            }
            other => {
                return Err(invalid(format!(
                    "{}: expected a matrix [G·H, H], found shape {}",
                    name(hh0),
                    shape_text(other)
                )))
            }
        };
        let ih_shape = src.shape(ih0, 2)?;
        let [rows, d] = *ih_shape.as_slice() else {
            return Err(invalid(format!(
                "{}: expected a matrix [G·H, D], found shape {}",
                name(ih0),
                shape_text(&ih_shape)
            )));
        };
        let kind = match (opts.cell, src.cell()?) {
            (Some(kind), _) | (None, Some(kind)) => kind,
            (None, None) => match (rows / h, rows % h) {
                (4, 0) => CellKind::Lstm,
                (3, 0) => CellKind::Gru,
                (1, 0) => CellKind::Rnn,
                _ => {
                    return Err(invalid(format!(
                        "{}: {rows} rows for H = {h} (columns of {}), not 4H (LSTM), 3H (GRU) \
                         or H (RNN); name the cell (--cell)",
                        name(ih0),
                        name(hh0)
                    )))
                }
            },
        };
        if !(1..=MAX_INPUT).contains(&d) {
            return Err(FormatError::Model(ModelError::Format(format!(
                "{}: D = {d} (its columns) is outside the supported range 1..={MAX_INPUT}",
                name(ih0)
            ))));
        }
        let g = kind.gate_blocks();
        let mut count: u64 = 0;
        for (s, slot) in slots.iter().enumerate() {
            let inputs = if s < dirs { d } else { dirs * h };
            let want = [
                vec![g * h, inputs],
                vec![g * h, h],
                vec![g * h],
                vec![g * h],
            ];
            for (param, key) in slot.iter().enumerate() {
                let (Some(i), Some(want)) = (key, want.get(param)) else {
                    continue;
                };
                let shape = src.shape(*i, want.len())?;
                if &shape != want {
                    let below = if param == 0 && s >= dirs {
                        format!(" (layer {} reads the {inputs} outputs below)", s / dirs)
                    } else {
                        String::new()
                    };
                    return Err(FormatError::Model(ModelError::Format(format!(
                        "{}: expected shape {} for {} with H = {h}{below}; found {}",
                        name(*i),
                        shape_text(want),
                        article(kind),
                        shape_text(&shape)
                    ))));
                }
            }
            count += (g * h * (inputs + h + 2)) as u64;
        }
        check_params(count)?;
        Ok(Self { kind, h, d, dirs })
    }

    /// Converts the values (only now) and builds the stack.
    pub(super) fn build(
        &self,
        src: &impl Source,
        slots: &[[Option<usize>; 4]],
        bidirectional: bool,
    ) -> Result<Stack> {
        let rows = self.kind.gate_blocks() * self.h;
        let mut layers = Vec::with_capacity(slots.len());
        for (s, slot) in slots.iter().enumerate() {
            let inputs = if s < self.dirs {
                self.d
            } else {
                self.dirs * self.h
            };
            let [ih, hh, bih, bhh] = *slot;
            let weight_ih = matrix(src, ih, rows, inputs)?;
            let weight_hh = matrix(src, hh, rows, self.h)?;
            let bias_ih = vector(src, bih, rows)?;
            let bias_hh = vector(src, bhh, rows)?;
            layers.push(Params::new(
                self.kind, weight_ih, weight_hh, bias_ih, bias_hh,
            )?);
        }
        Ok(Stack::new(layers, bidirectional)?)
    }
}

/// Tensor `i`'s values, checked finite, as a `[rows, cols]` matrix.
pub(super) fn matrix(
    src: &impl Source,
    i: Option<usize>,
    rows: usize,
    cols: usize,
) -> Result<Array2<f32>> {
    let i = i.ok_or_else(|| invalid("missing weight".to_string()))?;
    let values = finite(src, i, &[rows, cols])?;
    let name = src.names().get(i).map_or("", String::as_str);
    Array2::from_shape_vec((rows, cols), values).map_err(|e| invalid(format!("{name}: {e}")))
}

/// Tensor `i`'s values as a `[rows]` vector; zeros when the model has no biases.
pub(super) fn vector(src: &impl Source, i: Option<usize>, rows: usize) -> Result<Array1<f32>> {
    match i {
        None => Ok(Array1::zeros(rows)),
        Some(i) => finite(src, i, &[rows]).map(Array1::from),
    }
}

/// The values of tensor `i`, whose (checked) shape is `shape`; a NaN or infinity is refused
/// with the key and index (`weight_hh_l0[0][3]`).
fn finite(src: &impl Source, i: usize, shape: &[usize]) -> Result<Vec<f32>> {
    let name = src.names().get(i).map_or("", String::as_str);
    let values = src.values(i)?;
    let len: usize = shape.iter().product();
    if values.len() != len {
        return Err(invalid(format!(
            "{name}: {} values for shape {}",
            values.len(),
            shape_text(shape)
        )));
    }
    if let Some((k, x)) = values.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        let index = match shape {
            [_, cols] => format!("[{}][{}]", k / cols.max(&1), k % cols.max(&1)),
            _ => format!("[{k}]"),
        };
        let note = if x.is_infinite() {
            " (f32 values must be below 3.4e38 in magnitude)"
        } else {
            ""
        };
        return Err(FormatError::Model(ModelError::Format(format!(
            "{name}{index}: value {x} is not finite{note}"
        ))));
    }
    Ok(values)
}
