//! Stacked and bidirectional layers, exactly as PyTorch's
//! `nn.LSTM(input_size, hidden_size, num_layers = L, bidirectional = …)` defines them:
//!
//! ```text
//! layer 0 reads x                                   [T, D]
//! layer k reads the concatenated h of layer k − 1   [T, dirs·H]  (forward half first)
//! the forward direction runs t = 0 … T−1, the reverse one t = T−1 … 0;
//! row t of either is the state right after consuming its input at t
//! output = the last layer's [h_fwd | h_rev]          [T, dirs·H]
//! ```
//!
//! Every layer and direction is one [`Params`] run by the one sequence loop
//! ([`forward_directed`]); nothing here steps a cell itself.

use ndarray::{concatenate, Array2, ArrayView2, Axis};

use super::error::{ModelError, Result};
use super::forward::{check_entries, forward_directed, InitialState};
use super::params::{check_size, CellKind, Params, MAX_INPUT};
use super::trace::{Series, Trace};

/// Most layers a [`Stack`] holds.
pub const MAX_LAYERS: usize = 4;

/// Which way a layer runs through time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Forward,
    Reverse,
}

impl Direction {
    /// `forward` / `reverse`, as in the CLI's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        }
    }
}

/// A validated stack of 1–[`MAX_LAYERS`] layers, each with one or two directions.
///
/// The layers are kept in PyTorch's order: layer-major, then direction (`l0`, `l0_reverse`,
/// `l1`, …), the order of `--h0` values and of [`StackTrace::traces`].
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    layers: Vec<Params>,
    bidirectional: bool,
    /// Every layer runs backwards only (ONNX's `direction = "reverse"`; PyTorch has no such
    /// model). Never set together with `bidirectional`.
    reverse: bool,
}

impl Stack {
    /// Checks that every layer is the same cell with the same H, that layer 0's D is within
    /// [`MAX_INPUT`] (and equal for both directions), and that every later layer reads
    /// `dirs·H` inputs.
    pub fn new(layers: Vec<Params>, bidirectional: bool) -> Result<Self> {
        let dirs = if bidirectional { 2 } else { 1 };
        let Some(first) = layers.first() else {
            return Err(ModelError::Format("model: no layers".to_string()));
        };
        if !layers.len().is_multiple_of(dirs) {
            return Err(ModelError::Format(format!(
                "model: a bidirectional stack needs both directions of every layer; found {} \
                 layer-directions",
                layers.len()
            )));
        }
        check_size("number of layers", layers.len() / dirs, MAX_LAYERS)?;
        check_size("input size D", first.input_size(), MAX_INPUT)?;
        let (kind, h) = (first.kind(), first.hidden_size());
        for (k, p) in layers.iter().enumerate() {
            let name = layer_name(k / dirs, k % dirs == 1);
            if p.kind() != kind {
                return Err(ModelError::Format(format!(
                    "{name}: a {} in a stack of {}s",
                    p.kind().name().to_ascii_uppercase(),
                    kind.name().to_ascii_uppercase()
                )));
            }
            if p.hidden_size() != h {
                return Err(ModelError::shape(
                    format!("{name}: hidden size"),
                    h,
                    p.hidden_size(),
                ));
            }
            let want_d = if k < dirs {
                first.input_size()
            } else {
                dirs * h
            };
            if p.input_size() != want_d {
                return Err(ModelError::shape(
                    format!("{name}: weight_ih"),
                    format!("[{}, {want_d}]", kind.gate_blocks() * h),
                    format!("[{}, {}]", kind.gate_blocks() * h, p.input_size()),
                ));
            }
        }
        Ok(Self {
            layers,
            bidirectional,
            reverse: false,
        })
    }

    /// A stack whose every layer runs from the last step to the first, as ONNX's
    /// `direction = "reverse"` defines it: row t is the state right after consuming x_t,
    /// and layer k + 1 reads layer k's h. PyTorch has no such model, so it has no
    /// state_dict names.
    pub fn new_reverse(layers: Vec<Params>) -> Result<Self> {
        let mut stack = Self::new(layers, false)?;
        stack.reverse = true;
        Ok(stack)
    }

    /// True for a [`Stack::new_reverse`] stack.
    pub fn is_reverse(&self) -> bool {
        self.reverse
    }

    /// One layer, one direction: the model every earlier version of gatescope had.
    pub fn single(params: Params) -> Result<Self> {
        Self::new(vec![params], false)
    }

    pub fn kind(&self) -> CellKind {
        self.layers[0].kind()
    }
    /// H, the same for every layer.
    pub fn hidden_size(&self) -> usize {
        self.layers[0].hidden_size()
    }
    /// D, the model's input size (layer 0's).
    pub fn input_size(&self) -> usize {
        self.layers[0].input_size()
    }
    pub fn num_layers(&self) -> usize {
        self.layers.len() / self.directions()
    }
    pub fn is_bidirectional(&self) -> bool {
        self.bidirectional
    }
    /// 1 or 2.
    pub fn directions(&self) -> usize {
        if self.bidirectional {
            2
        } else {
            1
        }
    }
    /// Width of the output, `dirs·H`.
    pub fn output_size(&self) -> usize {
        self.directions() * self.hidden_size()
    }
    /// Every layer-direction in PyTorch's order (layer-major, then direction).
    pub fn layers(&self) -> &[Params] {
        &self.layers
    }
    /// Layer `layer`, direction `dir`; `None` if there is no such layer.
    pub fn layer(&self, layer: usize, dir: Direction) -> Option<&Params> {
        let d = match (dir, self.bidirectional, self.reverse) {
            (Direction::Forward, _, false) | (Direction::Reverse, false, true) => 0,
            (Direction::Reverse, true, _) => 1,
            _ => return None,
        };
        if layer >= self.num_layers() {
            return None;
        }
        self.layers.get(layer * self.directions() + d)
    }
    /// The single layer of a one-layer model that runs forward.
    pub fn as_single(&self) -> Option<&Params> {
        (self.layers.len() == 1 && !self.reverse).then(|| &self.layers[0])
    }
    /// Every weight, bias and peephole, as PyTorch's `sum(p.numel())` counts them.
    pub fn num_params(&self) -> u64 {
        self.layers.iter().map(Params::num_params).sum()
    }
    /// `(layer, direction)` of entry `k` of [`Stack::layers`].
    pub fn position(&self, k: usize) -> (usize, Direction) {
        let dirs = self.directions();
        let dir = if k % dirs == 1 || self.reverse {
            Direction::Reverse
        } else {
            Direction::Forward
        };
        (k / dirs, dir)
    }
    /// Values in one trace entry for T steps, all layers and directions together, in `u64`.
    fn trace_entries(&self, steps: usize) -> u64 {
        let per_step: u64 = self
            .layers
            .iter()
            .map(|p| (Series::of(p.kind()).len() * p.hidden_size() + p.input_size()) as u64)
            .sum();
        steps as u64 * per_step
    }
}

/// PyTorch's suffix for a layer-direction: `l0`, `l0_reverse`, `l1`, …
pub fn layer_name(layer: usize, reverse: bool) -> String {
    if reverse {
        format!("l{layer}_reverse")
    } else {
        format!("l{layer}")
    }
}

/// The traces of every layer and direction of a [`Stack`], and the stack's output.
#[derive(Debug, Clone, PartialEq)]
pub struct StackTrace {
    traces: Vec<Trace>,
    output: Array2<f32>,
    bidirectional: bool,
}

impl StackTrace {
    /// One trace per layer-direction, in [`Stack::layers`]' order. Layer k > 0's `x` is the
    /// `[T, dirs·H]` output of layer k − 1.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }
    /// The trace of one layer and direction.
    pub fn trace(&self, layer: usize, dir: Direction) -> Option<&Trace> {
        let dirs = if self.bidirectional { 2 } else { 1 };
        let reverse_only = !self.bidirectional && self.traces.iter().all(Trace::is_reverse);
        let d = match (dir, self.bidirectional, reverse_only) {
            (Direction::Forward, _, false) | (Direction::Reverse, false, true) => 0,
            (Direction::Reverse, true, _) => 1,
            _ => return None,
        };
        if layer >= self.traces.len() / dirs {
            return None;
        }
        self.traces.get(layer * dirs + d)
    }
    /// The last layer's h, `[T, dirs·H]`, the forward half first (PyTorch's `output`).
    pub fn output(&self) -> ArrayView2<'_, f32> {
        self.output.view()
    }
    /// The model's input, `[T, D]`.
    pub fn x(&self) -> ArrayView2<'_, f32> {
        self.traces[0].x()
    }
    /// Gives up the traces (for a one-layer model, the one [`Trace`] of earlier versions).
    pub fn into_traces(self) -> Vec<Trace> {
        self.traces
    }
}

impl From<Trace> for StackTrace {
    /// The one trace of a one-layer, one-direction model (its output is its h).
    fn from(trace: Trace) -> Self {
        let output = trace
            .get(Series::H)
            .expect("every cell records h")
            .to_owned();
        Self {
            traces: vec![trace],
            output,
            bidirectional: false,
        }
    }
}

/// Runs every layer and direction of `stack` over `x` (`[T, D]`).
///
/// `init` holds one [`InitialState`] per layer-direction, in PyTorch's order (as
/// `h_0[layers·dirs, H]`), or is empty for zeros everywhere.
///
/// Errors: those of [`forward_directed`] for any layer; `init` of the wrong length; more
/// than [`MAX_TRACE_ENTRIES`] values over all the layers' traces.
pub fn forward_stack(
    stack: &Stack,
    x: ArrayView2<'_, f32>,
    init: &[InitialState],
) -> Result<StackTrace> {
    run_stack(stack, x, init, None)
}

/// [`forward_stack`] over `first.x()`, where `first` is layer 0's forward trace already
/// computed (the app keeps it, resumed from the edited step): it is reused rather than
/// computed again when it is that layer's trace from the same initial state; otherwise
/// every layer is computed.
pub fn forward_stack_after(
    stack: &Stack,
    first: &Trace,
    init: &[InitialState],
) -> Result<StackTrace> {
    run_stack(stack, first.x(), init, Some(first))
}

/// True when `first` is what layer 0's forward direction computes from `init`.
fn is_first_layer(stack: &Stack, first: &Trace, init: &InitialState) -> bool {
    let p = &stack.layers[0];
    let same_start = |given: &[f32], had: &ndarray::Array1<f32>| {
        if given.is_empty() {
            had.iter().all(|&v| v == 0.0)
        } else {
            had.as_slice() == Some(given)
        }
    };
    !stack.reverse
        && !first.is_reverse()
        && (first.kind(), first.hidden_size(), first.input_size())
            == (p.kind(), p.hidden_size(), p.input_size())
        && same_start(&init.h0, first.h0())
        && same_start(&init.c0, first.c0())
}

fn run_stack(
    stack: &Stack,
    x: ArrayView2<'_, f32>,
    init: &[InitialState],
    first: Option<&Trace>,
) -> Result<StackTrace> {
    let n = stack.layers.len();
    if !init.is_empty() && init.len() != n {
        return Err(ModelError::shape(
            "initial states (layers × directions)",
            n,
            init.len(),
        ));
    }
    check_entries(
        stack.trace_entries(x.nrows()),
        "trace size T·(values per step, all layers)",
    )?;
    let zeros = InitialState::default();
    let reuse = first.filter(|f| is_first_layer(stack, f, init.first().unwrap_or(&zeros)));
    let dirs = stack.directions();
    let mut traces: Vec<Trace> = Vec::with_capacity(n);
    let mut input = x.to_owned();
    for layer in 0..stack.num_layers() {
        let from = traces.len();
        for d in 0..dirs {
            let k = layer * dirs + d;
            if let (0, Some(f)) = (k, reuse) {
                traces.push(f.clone());
                continue;
            }
            let trace = forward_directed(
                &stack.layers[k],
                input.view(),
                init.get(k).unwrap_or(&zeros),
                d == 1 || stack.reverse,
            )
            .map_err(|e| in_layer(e, layer, d == 1 || stack.reverse, n > 1))?;
            traces.push(trace);
        }
        let halves: Vec<ArrayView2<'_, f32>> = traces[from..]
            .iter()
            .map(|t| t.get(Series::H).expect("every cell records h"))
            .collect();
        input = concatenate(Axis(1), &halves).expect("equal T");
    }
    Ok(StackTrace {
        traces,
        output: input,
        bidirectional: stack.bidirectional,
    })
}

/// Names the layer in an error, when there is more than one.
fn in_layer(e: ModelError, layer: usize, reverse: bool, many: bool) -> ModelError {
    if !many {
        return e;
    }
    match e {
        ModelError::Format(m) => ModelError::Format(format!("{}: {m}", layer_name(layer, reverse))),
        ModelError::Shape {
            what,
            expected,
            found,
        } => ModelError::Shape {
            what: format!("{}: {what}", layer_name(layer, reverse)),
            expected,
            found,
        },
        other => other,
    }
}
