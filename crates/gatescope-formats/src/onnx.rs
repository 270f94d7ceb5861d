//! ONNX models: the `LSTM`, `GRU` and `RNN` nodes of an `.onnx` graph, read into a core
//! [`Stack`] in PyTorch's layout ([`from_onnx`], [`read_onnx`]).
//!
//! - **Weights** `W [dirs, G·H, D]`, `R [dirs, G·H, H]`, `B [dirs, 2·G·H]` (`Wb | Rb`) and
//!   `P [dirs, 3H]` must be stored in the file: graph initializers or `Constant` nodes, as
//!   `FLOAT`, `DOUBLE`, `FLOAT16` or `BFLOAT16`. ONNX's gate blocks are reordered into
//!   PyTorch's (LSTM i, o, f, c → i, f, g, o; peepholes i, o, f → i, f, o; GRU z, r, h →
//!   r, z, n): `weight_ih = W[dir]`, `weight_hh = R[dir]`, `bias_ih = Wb`, `bias_hh = Rb`
//!   (zeros without `B`).
//! - **Attributes**: `hidden_size`, `direction`, `layout` (it only changes the layout of
//!   `X`, `Y` and the initial states), `clip`, GRU `linear_before_reset` (ONNX's default 0
//!   is not PyTorch's formula; both run). Other activations, `activation_alpha` / `_beta`
//!   and LSTM `input_forget = 1` are refused by name.
//! - **Initial states** `initial_h` / `initial_c` stored in the file (batch 1) become
//!   [`ModelFile::init`]. Given at run time instead (a graph input, or computed, as
//!   PyTorch's exporter computes its zeros), they start at zero, as gatescope's own do.
//! - **Layers**: PyTorch's exporter writes one node per layer of a stacked model, the `Y`
//!   `[T, dirs, B, H]` of one reshaped into the `X` of the next by `Transpose`, `Reshape`,
//!   `Squeeze`, `Unsqueeze`, `Flatten` or `Identity` nodes. Such a chain is one [`Stack`],
//!   layers in chain order. Any other op between two recurrent nodes breaks the chain.
//!   A graph with several chains needs [`LoadOptions::prefix`] (a node-name prefix) or
//!   [`LoadOptions::cell`] to say which.
//! - **`direction = "reverse"`** on every layer is read by [`read_onnx`] (with
//!   [`OnnxModel::reverse`]); [`from_onnx`] makes it a [`Stack::new_reverse`] stack.
//!
//! Every other node's op type goes into [`ModelFile::ignored`] (once each, in graph order).
//! The protobuf structs are prost's, generated from a subset of ONNX's `onnx.proto`
//! (`src/onnx/README.md`).

mod attrs;
mod graph;
mod node;
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod proto;
mod tensor;

use gatescope_core::{InitialState, Stack, MAX_LAYERS};
use prost::Message;

use crate::{check_params, Format, FormatError, LoadOptions, ModelFile, Result, MAX_FILE_BYTES};
use graph::{cell_of, choose, Graph};
use node::label;

/// An ONNX model as read, with what a [`ModelFile`] cannot hold.
#[derive(Debug, Clone, PartialEq)]
pub struct OnnxModel {
    /// The layers, in PyTorch's layout and order.
    pub file: ModelFile,
    /// Every layer has `direction = "reverse"`: each [`Params`](gatescope_core::Params) of
    /// `file.stack` runs from `x[T-1]` down to `x[0]`
    /// (`forward_directed(params, x, init, true)`), layer k + 1 reading layer k's `h`.
    pub reverse: bool,
}

/// Reads an `.onnx` model's recurrent nodes into a [`ModelFile`].
///
/// A model whose layers all run in reverse (`direction = "reverse"`) becomes a
/// [`Stack::new_reverse`] stack. Errors: everything [`read_onnx`] refuses.
pub fn from_onnx(bytes: &[u8], opts: &LoadOptions) -> Result<ModelFile> {
    let model = read_onnx(bytes, opts)?;
    if !model.reverse {
        return Ok(model.file);
    }
    let mut file = model.file;
    file.stack = Stack::new_reverse(file.stack.layers().to_vec())?;
    Ok(file)
}

/// Reads an `.onnx` model's recurrent nodes, including a model whose layers all run in
/// reverse (see [`OnnxModel::reverse`]).
///
/// Errors: not a protobuf ModelProto; no recurrent node, or several independent chains
/// of them that `opts` does not choose between; a weight not stored in the file; shapes
/// that disagree with each other or `hidden_size`; an unsupported attribute; a value that
/// is not finite; more than [`MAX_LAYERS`] layers or [`MAX_PARAMS`](crate::MAX_PARAMS)
/// parameters.
pub fn read_onnx(bytes: &[u8], opts: &LoadOptions) -> Result<OnnxModel> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge(format!(
            "{} bytes is more than the {} MB a model file may have",
            bytes.len(),
            MAX_FILE_BYTES >> 20
        )));
    }
    let model = proto::ModelProto::decode(bytes)
        .map_err(|e| FormatError::Invalid(format!("not an ONNX model (protobuf: {e})")))?;
    let Some(graph) = model.graph.as_ref() else {
        return Err(FormatError::Invalid(
            "not an ONNX model: it has no graph".to_string(),
        ));
    };
    let graph = Graph::new(graph);
    let chain = choose(&graph, graph.chains()?, opts)?;
    if chain.nodes.len() > MAX_LAYERS {
        return Err(FormatError::Invalid(format!(
            "{} chained recurrent nodes ({}): gatescope reads at most {MAX_LAYERS} layers",
            chain.nodes.len(),
            graph.names(&chain, MAX_LAYERS + 1)
        )));
    }
    let source = graph.names(&chain, MAX_LAYERS);
    let (first, kind) = (chain.first, chain.kind);
    let mut budget = 0;
    let mut layers: Vec<node::Layer> = Vec::with_capacity(chain.nodes.len());
    for &i in &chain.nodes {
        let n = graph.node(i)?;
        if cell_of(n) != Some(kind) {
            return Err(FormatError::Invalid(format!(
                "{} follows {}: every layer of a chain must be the same cell",
                label(n, i),
                label(graph.node(first)?, first)
            )));
        }
        let layer = node::read(&graph, i, kind, &mut budget)?;
        if let Some(prev) = layers.last() {
            check_follows(prev, &layer, &label(n, i))?;
        }
        layers.push(layer);
    }
    let reverse = layers.first().is_some_and(|l| l.attrs.reverse);
    let dirs = layers.first().map_or(1, |l| l.attrs.dirs);
    let init = if layers.iter().any(|l| l.init.is_some()) {
        let zeros = vec![InitialState::default(); dirs];
        layers
            .iter()
            .flat_map(|l| l.init.clone().unwrap_or_else(|| zeros.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let params = layers.into_iter().flat_map(|l| l.params).collect();
    let stack = Stack::new(params, dirs == 2)?;
    check_params(stack.num_params())?;
    Ok(OnnxModel {
        file: ModelFile {
            stack,
            format: Format::Onnx,
            source,
            ignored: graph.ignored(&chain),
            init,
        },
        reverse,
    })
}

/// Layer `next` must match `prev` (direction, H) and read its `dirs·H` outputs.
fn check_follows(prev: &node::Layer, next: &node::Layer, label: &str) -> Result<()> {
    let (p, n) = (&prev.attrs, &next.attrs);
    let dir = |a: &attrs::Attrs| match (a.dirs, a.reverse) {
        (2, _) => "bidirectional",
        (_, true) => "reverse",
        _ => "forward",
    };
    if (p.dirs, p.reverse) != (n.dirs, n.reverse) {
        return Err(FormatError::Invalid(format!(
            "{label}: direction {} after a {} layer; every layer of a chain must have the same",
            dir(n),
            dir(p)
        )));
    }
    let (Some(a), Some(b)) = (prev.params.first(), next.params.first()) else {
        return Ok(());
    };
    if a.hidden_size() != b.hidden_size() {
        return Err(FormatError::Invalid(format!(
            "{label}: hidden size {} after a layer of {}; every layer must have the same",
            b.hidden_size(),
            a.hidden_size()
        )));
    }
    let want = p.dirs * a.hidden_size();
    if b.input_size() != want {
        return Err(FormatError::Invalid(format!(
            "{label}: input size {} does not match the {want} values per step of the layer \
             before ({} direction(s) × H {})",
            b.input_size(),
            p.dirs,
            a.hidden_size()
        )));
    }
    Ok(())
}
