//! One `LSTM` / `GRU` / `RNN` node: its attributes, and its initializers converted into
//! PyTorch-layout [`Params`] (one per direction).

use gatescope_core::params::check_size;
use gatescope_core::{CellKind, InitialState, ModelError, Params, MAX_HIDDEN, MAX_LAYER_INPUT};
use ndarray::{Array1, Array2};

use super::attrs::{attributes, Attrs};
use super::graph::{Graph, Source};
use super::proto::{NodeProto, TensorProto};
use super::tensor::{dims, show_dims, values};
use crate::{check_params, FormatError, Result};

/// ONNX's gate blocks → PyTorch's: PyTorch block `k` is ONNX block `ORDER[k]`.
/// LSTM: ONNX i, o, f, c → PyTorch i, f, g, o. GRU: ONNX z, r, h → PyTorch r, z, n.
const LSTM_ORDER: [usize; 4] = [0, 2, 3, 1];
const GRU_ORDER: [usize; 3] = [1, 0, 2];
const RNN_ORDER: [usize; 1] = [0];
/// Peepholes: ONNX i, o, f → the core's i, f, o.
const PEEPHOLE_ORDER: [usize; 3] = [0, 2, 1];

/// One node read: a [`Params`] per direction (forward first) and its stored initial
/// states (`None`: not stored in the file, so zeros).
pub(super) struct Layer {
    pub attrs: Attrs,
    pub params: Vec<Params>,
    pub init: Option<Vec<InitialState>>,
}

/// `node "/lstm/LSTM" (LSTM)`, or `node #3 (LSTM)` for a node without a name. Names are
/// escaped and shortened: they come from the file.
pub(super) fn label(node: &NodeProto, index: usize) -> String {
    let op = short(node.op_type());
    match node.name() {
        "" => format!("node #{index} ({op})"),
        name => format!("node \"{}\" ({op})", short(name)),
    }
}

/// At most 80 characters of `s`, escaped to one line.
pub(super) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).flat_map(char::escape_debug).collect();
    if s.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}

/// Reads node `index` of `graph`, a recurrent node of `kind`. `budget` counts the weights
/// read so far (all nodes), so a file cannot make this decode more than `MAX_PARAMS`.
pub(super) fn read(
    graph: &Graph<'_>,
    index: usize,
    kind: CellKind,
    budget: &mut u64,
) -> Result<Layer> {
    let Some(node) = graph.nodes.get(index) else {
        return Err(FormatError::Invalid(format!(
            "node #{index} does not exist"
        )));
    };
    let label = label(node, index);
    let attrs = attributes(node, kind, &label)?;
    let (dirs, g) = (attrs.dirs, kind.gate_blocks());
    let max_inputs = if kind == CellKind::Lstm { 8 } else { 6 };
    if node.input.len() > max_inputs {
        return Err(invalid(
            &label,
            format!("{} inputs; it takes at most {max_inputs}", node.input.len()),
        ));
    }
    let input = |k: usize, name: &str, weight: bool| tensor(graph, node, k, name, weight, &label);
    let (Some(w), Some(r)) = (input(1, "W", true)?, input(2, "R", true)?) else {
        return Err(invalid(&label, "inputs W and R are required".to_string()));
    };
    let b = input(3, "B", true)?;
    let p = if kind == CellKind::Lstm {
        input(7, "P", true)?
    } else {
        None
    };
    let init_h = input(5, "initial_h", false)?;
    let init_c = if kind == CellKind::Lstm {
        input(6, "initial_c", false)?
    } else {
        None
    };

    let what = |name: &str| format!("{label}: {name}");
    let r_dims = dims(r, &what("R"))?;
    let h = match (attrs.hidden_size, r_dims.as_slice()) {
        (Some(h), _) => h,
        (None, [_, _, h]) => *h,
        (None, _) => {
            return Err(invalid(
                &label,
                format!(
                    "R has shape {}, expected [{dirs}, {g}·H, H]",
                    show_dims(&r_dims)
                ),
            ));
        }
    };
    let in_node = |e: ModelError| FormatError::Model(prefix(&label, e));
    check_size("hidden size H", h, MAX_HIDDEN).map_err(in_node)?;
    let shape_err = |name: &str, want: String, found: &[usize]| {
        let found = show_dims(found);
        let why = format!("{dirs} direction(s), {g} gate block(s) of H = {h}");
        invalid(
            &label,
            format!("{name} has shape {found}, expected {want} ({why})"),
        )
    };
    if r_dims != [dirs, g * h, h] {
        return Err(shape_err("R", format!("[{dirs}, {}, {h}]", g * h), &r_dims));
    }
    let w_dims = dims(w, &what("W"))?;
    let d = match w_dims.as_slice() {
        [x, y, d] if (*x, *y) == (dirs, g * h) => *d,
        _ => return Err(shape_err("W", format!("[{dirs}, {}, D]", g * h), &w_dims)),
    };
    check_size("input size D", d, MAX_LAYER_INPUT).map_err(in_node)?;
    let b_dims = b.map(|b| dims(b, &what("B"))).transpose()?;
    if let Some(found) = b_dims.as_deref().filter(|&s| s != [dirs, 2 * g * h]) {
        return Err(shape_err("B", format!("[{dirs}, {}]", 2 * g * h), found));
    }
    let p_dims = p.map(|p| dims(p, &what("P"))).transpose()?;
    if let Some(found) = p_dims.as_deref().filter(|&s| s != [dirs, 3 * h]) {
        return Err(shape_err("P", format!("[{dirs}, {}]", 3 * h), found));
    }
    // All four are now bounded by their shapes: count them before decoding any.
    let count = [
        Some(&w_dims),
        Some(&r_dims),
        b_dims.as_ref(),
        p_dims.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.iter().product::<usize>() as u64)
    .sum::<u64>();
    *budget = budget.saturating_add(count);
    check_params(*budget)?;

    let weights = Weights {
        w: values(w, &what("W"), &w_dims)?,
        r: values(r, &what("R"), &r_dims)?,
        b: match (b, &b_dims) {
            (Some(b), Some(s)) => values(b, &what("B"), s)?,
            _ => vec![0.0; dirs * 2 * g * h],
        },
        p: match (p, &p_dims) {
            (Some(p), Some(s)) => Some(values(p, &what("P"), s)?),
            _ => None,
        },
        h,
        d,
    };
    let params = (0..dirs)
        .map(|dir| weights.direction(kind, dir, &attrs, &label))
        .collect::<Result<Vec<_>>>()?;
    let init = initial_states(&attrs, init_h, init_c, h, &label)?;
    Ok(Layer {
        attrs,
        params,
        init,
    })
}

/// A node's weights as stored (ONNX layout), `[dirs, …]` each.
struct Weights {
    w: Vec<f32>,
    r: Vec<f32>,
    /// `[dirs, 2·G·H]`: `Wb | Rb` per direction (zeros when the file has no `B`).
    b: Vec<f32>,
    p: Option<Vec<f32>>,
    h: usize,
    d: usize,
}

impl Weights {
    /// Direction `dir`'s layer in PyTorch's layout and gate order.
    fn direction(&self, kind: CellKind, dir: usize, attrs: &Attrs, label: &str) -> Result<Params> {
        let (g, h, d) = (kind.gate_blocks(), self.h, self.d);
        let order: &[usize] = match kind {
            CellKind::Lstm => &LSTM_ORDER,
            CellKind::Gru => &GRU_ORDER,
            CellKind::Rnn => &RNN_ORDER,
        };
        // Direction `dir`'s rows, gate blocks reordered.
        let gates = |v: &[f32], k: usize, cols: usize| -> Result<Vec<f32>> {
            reorder(block(v, k, g * h * cols, label)?, h * cols, order, label)
        };
        let in_node = |e: ModelError| FormatError::Model(prefix(label, e));
        let mut layer = Params::new(
            kind,
            matrix(gates(&self.w, dir, d)?, g * h, d, label)?,
            matrix(gates(&self.r, dir, h)?, g * h, h, label)?,
            Array1::from(gates(&self.b, 2 * dir, 1)?),
            Array1::from(gates(&self.b, 2 * dir + 1, 1)?),
        )
        .map_err(in_node)?;
        if let Some(p) = &self.p {
            let peep = reorder(block(p, dir, 3 * h, label)?, h, &PEEPHOLE_ORDER, label)?;
            layer = layer.with_peepholes(Array1::from(peep)).map_err(in_node)?;
        }
        if let Some(clip) = attrs.clip {
            layer = layer.with_clip(clip).map_err(in_node)?;
        }
        Ok(layer.with_linear_before_reset(attrs.linear_before_reset))
    }
}

/// Input `k` of `node` (`name` is its ONNX formal name), if given. Weights must be stored
/// in the file; an initial state given at run time (a graph input, or computed, such as
/// PyTorch's zeros) is `None`, the same as an absent one.
fn tensor<'a>(
    graph: &Graph<'a>,
    node: &NodeProto,
    k: usize,
    name: &str,
    weight: bool,
    label: &str,
) -> Result<Option<&'a TensorProto>> {
    let Some(tensor) = node.input.get(k).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match graph.source(tensor) {
        Source::Stored(t) => Ok(Some(t)),
        _ if !weight => Ok(None),
        Source::Input => Err(invalid(
            label,
            format!(
                "input {name} (\"{}\") is a graph input given at run time; gatescope needs \
                 the weights stored in the file as initializers",
                short(tensor)
            ),
        )),
        Source::Computed(by) => {
            let by = graph
                .nodes
                .get(by)
                .map_or_else(|| "another node".to_string(), |n| self::label(n, by));
            Err(invalid(
                label,
                format!(
                    "input {name} (\"{}\") is computed at run time by {by}; gatescope needs \
                     the weights stored in the file as initializers (export with constant \
                     folding)",
                    short(tensor)
                ),
            ))
        }
        Source::Missing => Err(invalid(
            label,
            format!(
                "input {name} (\"{}\") is neither an initializer nor produced by any node",
                short(tensor)
            ),
        )),
    }
}

/// Chunk `k` of `len` values.
fn block<'v>(v: &'v [f32], k: usize, len: usize, label: &str) -> Result<&'v [f32]> {
    v.chunks_exact(len.max(1)).nth(k).ok_or_else(|| {
        invalid(
            label,
            "tensor shorter than its shape (internal)".to_string(),
        )
    })
}

/// The gate blocks (`len` values each) of `v` in the order `order` gives.
fn reorder(v: &[f32], len: usize, order: &[usize], label: &str) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(v.len());
    for &k in order {
        out.extend_from_slice(block(v, k, len, label)?);
    }
    Ok(out)
}

fn matrix(v: Vec<f32>, rows: usize, cols: usize, label: &str) -> Result<Array2<f32>> {
    Array2::from_shape_vec((rows, cols), v).map_err(|e| invalid(label, format!("weights: {e}")))
}

/// `initial_h` / `initial_c`, `[dirs, 1, H]` (layout 0) or `[1, dirs, H]` (layout 1): with
/// batch 1 both hold direction `d`'s state at `d·H`.
fn initial_states(
    attrs: &Attrs,
    h0: Option<&TensorProto>,
    c0: Option<&TensorProto>,
    h: usize,
    label: &str,
) -> Result<Option<Vec<InitialState>>> {
    if h0.is_none() && c0.is_none() {
        return Ok(None);
    }
    let dirs = attrs.dirs;
    let read = |t: Option<&TensorProto>, name: &str| -> Result<Vec<Vec<f32>>> {
        let Some(t) = t else {
            return Ok(vec![Vec::new(); dirs]);
        };
        let what = format!("{label}: {name}");
        let shape = dims(t, &what)?;
        // The batch axis: 1 in layout 0, 0 in layout 1.
        let (want, batch) = if attrs.layout == 0 {
            ([dirs, 1, h], shape.get(1))
        } else {
            ([1, dirs, h], shape.first())
        };
        let batch = batch.copied().filter(|_| shape.len() == 3).unwrap_or(1);
        if batch != 1 {
            return Err(invalid(
                label,
                format!(
                    "{name} has shape {} with batch size {batch}; gatescope runs one \
                     sequence, so a stored initial state must have batch 1",
                    show_dims(&shape)
                ),
            ));
        }
        if shape != want {
            return Err(invalid(
                label,
                format!(
                    "{name} has shape {}, expected {}",
                    show_dims(&shape),
                    show_dims(&want)
                ),
            ));
        }
        Ok(values(t, &what, &shape)?
            .chunks_exact(h.max(1))
            .map(<[f32]>::to_vec)
            .collect())
    };
    let (hs, cs) = (read(h0, "initial_h")?, read(c0, "initial_c")?);
    Ok(Some(
        hs.into_iter()
            .zip(cs)
            .map(|(h0, c0)| InitialState { h0, c0 })
            .collect(),
    ))
}

pub(super) fn invalid(label: &str, message: String) -> FormatError {
    FormatError::Invalid(format!("{label}: {message}"))
}

/// Names the node in an error of the core.
fn prefix(label: &str, e: ModelError) -> ModelError {
    match e {
        ModelError::Shape {
            what,
            expected,
            found,
        } => ModelError::Shape {
            what: format!("{label}: {what}"),
            expected,
            found,
        },
        ModelError::NonFinite { what, index, value } => ModelError::NonFinite {
            what: format!("{label}: {what}"),
            index,
            value,
        },
        other => ModelError::Format(format!("{label}: {other}")),
    }
}
