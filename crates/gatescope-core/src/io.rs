//! Model and input files: PyTorch state_dict names as nested JSON lists.
//!
//! A model file is `{"cell": "lstm"|"gru"|"rnn", "weight_ih_l0": [[..]], "weight_hh_l0":
//! [[..]], "bias_ih_l0": [..], "bias_hh_l0": [..]}`; the names without `_l0` work too, and a
//! missing `cell` is inferred from `weight_hh`'s rows (4H → LSTM, 3H → GRU, H → RNN).
//!
//! Input files are `[[x_1..x_D], ...]` (one list per step), target files `[[y_1..y_H], ...]`;
//! either may be a flat list of numbers when its width (D or H) is 1.

use ndarray::{Array1, Array2};
use serde_json::{Map, Value};

use super::error::{ModelError, Result};
use super::params::{check_size, CellKind, Params, MAX_HIDDEN, MAX_INPUT, MAX_STEPS};
use super::parse::excerpt;

const NAMES: [&str; 4] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];

fn json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        ModelError::Format(format!(
            "{what}: not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })
}

fn num(v: &Value, at: &str) -> Result<f32> {
    let f = v.as_f64().ok_or_else(|| {
        ModelError::Format(format!("{at}: expected a number, found {}", short(v)))
    })?;
    let x = f as f32;
    if !x.is_finite() {
        return Err(ModelError::NonFinite {
            what: at.to_string(),
            index: String::new(),
            value: x,
        });
    }
    Ok(x)
}

/// A JSON value as quoted in messages: its first
/// [`EXCERPT_CHARS`](super::parse::EXCERPT_CHARS) characters, control
/// characters (which JSON strings may hold, e.g. DEL) shown as `�`.
fn short(v: &Value) -> String {
    excerpt(&v.to_string())
}

fn vector(v: &Value, key: &str) -> Result<Array1<f32>> {
    let a = v.as_array().ok_or_else(|| {
        ModelError::Format(format!(
            "{key}: expected a list of numbers, found {}",
            short(v)
        ))
    })?;
    a.iter()
        .enumerate()
        .map(|(k, x)| num(x, &format!("{key}[{k}]")))
        .collect::<Result<Vec<_>>>()
        .map(Array1::from)
}

/// A `[rows][cols]` nested list; `max_cols` guards against absurd sizes before allocating.
fn matrix(v: &Value, key: &str) -> Result<Array2<f32>> {
    let rows = v.as_array().ok_or_else(|| {
        ModelError::Format(format!(
            "{key}: expected a list of rows, found {}",
            short(v)
        ))
    })?;
    let mut data = Vec::new();
    let mut cols = None;
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or_else(|| {
            ModelError::Format(format!(
                "{key}[{r}]: expected a row (a list of numbers), found {}",
                short(row)
            ))
        })?;
        match cols {
            None => cols = Some(row.len()),
            Some(c) if c != row.len() => {
                return Err(ModelError::Format(format!(
                    "{key}[{r}]: row has {} values but row 0 has {c} (rows must be equal)",
                    row.len()
                )))
            }
            _ => {}
        }
        for (c, x) in row.iter().enumerate() {
            data.push(num(x, &format!("{key}[{r}][{c}]"))?);
        }
    }
    let cols = cols.unwrap_or(0);
    Array2::from_shape_vec((rows.len(), cols), data)
        .map_err(|e| ModelError::Format(format!("{key}: {e}")))
}

fn key<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<(String, &'a Value)> {
    let l0 = format!("{name}_l0");
    if let Some(v) = obj.get(&l0) {
        return Ok((l0, v));
    }
    obj.get(name)
        .map(|v| (name.to_string(), v))
        .ok_or_else(|| ModelError::Format(format!("model: missing key \"{l0}\" (or \"{name}\")")))
}

/// Reads a model file (see the module docs).
pub fn params_from_json(text: &str) -> Result<Params> {
    let root = json(text, "model")?;
    let obj = root.as_object().ok_or_else(|| {
        ModelError::Format(format!(
            "model: expected a JSON object, found {}",
            short(&root)
        ))
    })?;
    let mut found = Vec::new();
    for name in NAMES {
        found.push(key(obj, name)?);
    }
    let (k_hh, v_hh) = &found[1];
    let weight_hh = matrix(v_hh, k_hh)?;
    let h = weight_hh.ncols();
    check_size("hidden size H (columns of weight_hh)", h, MAX_HIDDEN)?;
    let kind = match obj.get("cell") {
        Some(Value::String(s)) => match CellKind::parse(s) {
            Ok(kind) => kind,
            Err(_) => {
                return Err(ModelError::Format(format!(
                    "cell: expected \"lstm\", \"gru\" or \"rnn\", found {}",
                    short(&Value::String(s.clone()))
                )))
            }
        },
        Some(other) => {
            return Err(ModelError::Format(format!(
                "cell: expected \"lstm\", \"gru\" or \"rnn\", found {}",
                short(other)
            )))
        }
        None => match weight_hh.nrows() / h {
            4 if weight_hh.nrows() == 4 * h => CellKind::Lstm,
            3 if weight_hh.nrows() == 3 * h => CellKind::Gru,
            1 if weight_hh.nrows() == h => CellKind::Rnn,
            _ => {
                return Err(ModelError::Format(format!(
                    "model: no \"cell\" key, and {k_hh} of shape [{}, {h}] is not [4H|3H|H, H]",
                    weight_hh.nrows()
                )))
            }
        },
    };
    let rows = kind.gate_blocks() * h;
    let (k_ih, v_ih) = &found[0];
    let weight_ih = matrix(v_ih, k_ih)?;
    check_size(
        "input size D (columns of weight_ih)",
        weight_ih.ncols(),
        MAX_INPUT,
    )?;
    let d = weight_ih.ncols();
    let bias_ih = vector(found[2].1, &found[2].0)?;
    let bias_hh = vector(found[3].1, &found[3].0)?;
    let shape2 = |a: &Array2<f32>| format!("[{}, {}]", a.nrows(), a.ncols());
    let checks = [
        (k_ih, shape2(&weight_ih), format!("[{rows}, {d}]")),
        (k_hh, shape2(&weight_hh), format!("[{rows}, {h}]")),
        (
            &found[2].0,
            format!("[{}]", bias_ih.len()),
            format!("[{rows}]"),
        ),
        (
            &found[3].0,
            format!("[{}]", bias_hh.len()),
            format!("[{rows}]"),
        ),
    ];
    for (k, got, want) in checks {
        if got != want {
            return Err(ModelError::Format(format!(
                "{k}: expected shape {want} for a {} with H = {h}, D = {d}; found {got}",
                kind.name().to_ascii_uppercase()
            )));
        }
    }
    Params::new(kind, weight_ih, weight_hh, bias_ih, bias_hh)
}

/// Writes a model file that [`params_from_json`] reads back exactly (f32 round-trip).
pub fn params_to_json(p: &Params) -> String {
    let m = |a: ndarray::ArrayView2<'_, f32>| {
        Value::from(a.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>())
    };
    let mut o = Map::new();
    o.insert("cell".into(), p.kind().name().into());
    o.insert("weight_ih_l0".into(), m(p.weight_ih()));
    o.insert("weight_hh_l0".into(), m(p.weight_hh()));
    o.insert("bias_ih_l0".into(), p.bias_ih().to_vec().into());
    o.insert("bias_hh_l0".into(), p.bias_hh().to_vec().into());
    Value::Object(o).to_string()
}

/// Reads an input file `[[x_1..x_D], ...]` (a flat list is accepted when `D = 1`).
/// `input_size` outside `1..=`[`MAX_INPUT`] is a [`ModelError::Size`], checked before the
/// text is read (it sizes the buffer).
pub fn input_from_json(text: &str, input_size: usize) -> Result<Array2<f32>> {
    check_size("input size D", input_size, MAX_INPUT)?;
    let root = json(text, "input file")?;
    let steps = root.as_array().ok_or_else(|| {
        ModelError::Format(format!(
            "input file: expected a list of steps [[x_1..x_D], ...], found {}",
            short(&root)
        ))
    })?;
    check_size("sequence length T", steps.len(), MAX_STEPS)?;
    let mut data = Vec::with_capacity(steps.len() * input_size);
    for (t, step) in steps.iter().enumerate() {
        match step {
            Value::Array(vals) => {
                if vals.len() != input_size {
                    return Err(ModelError::Format(format!(
                        "input file: step {t} has {} values, expected {input_size} (the model's input size D)",
                        vals.len()
                    )));
                }
                for (k, v) in vals.iter().enumerate() {
                    data.push(num(v, &format!("input file [{t}][{k}]"))?);
                }
            }
            v if input_size == 1 => data.push(num(v, &format!("input file [{t}]"))?),
            v => {
                return Err(ModelError::Format(format!(
                    "input file [{t}]: expected a list of {input_size} numbers, found {}",
                    short(v)
                )))
            }
        }
    }
    Ok(Array2::from_shape_vec((steps.len(), input_size), data).expect("sized"))
}

/// Reads a target file `[[y_1..y_H], ...]` for [`mse_loss`](super::mse_loss): exactly `steps`
/// lists of `hidden` numbers (a flat list of numbers is accepted when `hidden` is 1).
///
/// Errors name the target and, for a wrong shape, both shapes as `[T][H]`
/// ([`ModelError::Shape`]); a ragged or mixed list, or a value that is not a finite number,
/// names the step and index. `steps` outside `1..=`[`MAX_STEPS`] or `hidden` outside
/// `1..=`[`MAX_HIDDEN`] is a [`ModelError::Size`].
pub fn target_from_json(text: &str, steps: usize, hidden: usize) -> Result<Array2<f32>> {
    check_size("sequence length T", steps, MAX_STEPS)?;
    check_size("hidden size H", hidden, MAX_HIDDEN)?;
    let root = json(text, "target")?;
    let rows = root.as_array().ok_or_else(|| {
        ModelError::Format(format!(
            "target: expected a list of steps [[y_1..y_H], ...], found {}",
            short(&root)
        ))
    })?;
    let mismatch = |found: String| {
        ModelError::shape(
            "target",
            format!("[{steps}][{hidden}] ([T][H]: {steps} input steps, {hidden} hidden units)"),
            found,
        )
    };
    if rows.is_empty() {
        return Err(mismatch("[0] (an empty list)".into()));
    }
    if rows.iter().all(|v| !v.is_array()) {
        if hidden != 1 || rows.len() != steps {
            return Err(mismatch(format!("[{}] (a flat list)", rows.len())));
        }
        let data = rows
            .iter()
            .enumerate()
            .map(|(t, v)| num(v, &format!("target [{t}]")))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Array2::from_shape_vec((steps, 1), data).expect("sized"));
    }
    let mut width = None;
    for (t, row) in rows.iter().enumerate() {
        let n = row
            .as_array()
            .ok_or_else(|| {
                ModelError::Format(format!(
                    "target [{t}]: expected a list of {hidden} numbers (one step), found {}",
                    short(row)
                ))
            })?
            .len();
        match width {
            None => width = Some(n),
            Some(w) if w != n => {
                return Err(ModelError::Format(format!(
                    "target [{t}]: step {t} has {n} values but step 0 has {w} (expected {hidden} per step)"
                )))
            }
            _ => {}
        }
    }
    let width = width.unwrap_or(0);
    if (rows.len(), width) != (steps, hidden) {
        return Err(mismatch(format!("[{}][{width}]", rows.len())));
    }
    let mut data = Vec::with_capacity(steps * hidden);
    for (t, row) in rows.iter().enumerate() {
        for (k, v) in row.as_array().expect("checked").iter().enumerate() {
            data.push(num(v, &format!("target [{t}][{k}]"))?);
        }
    }
    Ok(Array2::from_shape_vec((steps, hidden), data).expect("sized"))
}
