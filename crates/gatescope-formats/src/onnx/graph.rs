//! The graph: where each tensor comes from, and the chains of recurrent nodes in it.

use std::collections::{BTreeMap, BTreeSet};

use gatescope_core::CellKind;

use super::node::{label, short};
use super::proto::{GraphProto, NodeProto, TensorProto};
use crate::{FormatError, LoadOptions, Result};

/// Ops that only reshape a layer's `Y` into the next layer's `X` (their data is input 0).
const LINK_OPS: [&str; 6] = [
    "Transpose",
    "Reshape",
    "Squeeze",
    "Unsqueeze",
    "Flatten",
    "Identity",
];

/// Most link nodes between two layers (PyTorch's exporter writes one to three): longer
/// paths are not followed, so a hostile graph cannot make every recurrent node walk it.
const MAX_LINKS: usize = 64;

/// `LSTM`, `GRU` or `RNN` of the default ONNX domain.
pub(super) fn cell_of(node: &NodeProto) -> Option<CellKind> {
    if !matches!(node.domain(), "" | "ai.onnx") {
        return None;
    }
    match node.op_type() {
        "LSTM" => Some(CellKind::Lstm),
        "GRU" => Some(CellKind::Gru),
        "RNN" => Some(CellKind::Rnn),
        _ => None,
    }
}

/// Where a node's input comes from.
pub(super) enum Source<'a> {
    /// An initializer, or a `Constant` node's value.
    Stored(&'a TensorProto),
    /// A graph input without an initializer: given at run time.
    Input,
    /// An output of this node.
    Computed(usize),
    /// Nowhere (an invalid graph).
    Missing,
}

/// The top-level graph, indexed by tensor name.
pub(super) struct Graph<'a> {
    pub nodes: &'a [NodeProto],
    /// Initializers and `Constant` nodes' values.
    stored: BTreeMap<&'a str, &'a TensorProto>,
    inputs: BTreeSet<&'a str>,
    /// Tensor → (node, output index); the first producer if a file names two.
    producers: BTreeMap<&'a str, (usize, usize)>,
}

/// Recurrent nodes linked `Y → X` by [`LINK_OPS`] only, first layer first.
pub(super) struct Chain {
    pub nodes: Vec<usize>,
    /// The nodes between them.
    links: Vec<usize>,
    pub first: usize,
    pub kind: CellKind,
}

impl<'a> Graph<'a> {
    pub fn new(g: &'a GraphProto) -> Self {
        let mut stored = BTreeMap::new();
        let mut producers = BTreeMap::new();
        for (i, n) in g.node.iter().enumerate() {
            for (k, out) in n.output.iter().enumerate() {
                producers.entry(out.as_str()).or_insert((i, k));
            }
            let value = n.attribute.iter().find(|a| a.name() == "value");
            if let (true, Some(out), Some(t)) = (
                is_constant(n),
                n.output.first(),
                value.and_then(|a| a.t.as_ref()),
            ) {
                stored.entry(out.as_str()).or_insert(t);
            }
        }
        // An initializer wins over a Constant node or graph input of the same name.
        for t in &g.initializer {
            stored.insert(t.name(), t);
        }
        Self {
            nodes: &g.node,
            stored,
            inputs: g.input.iter().map(|v| v.name()).collect(),
            producers,
        }
    }

    pub fn node(&self, i: usize) -> Result<&'a NodeProto> {
        self.nodes
            .get(i)
            .ok_or_else(|| FormatError::Invalid(format!("node #{i} does not exist")))
    }

    /// The node's name, or `LSTM #3` without one.
    pub fn name(&self, i: usize) -> String {
        match self.nodes.get(i) {
            Some(n) if !n.name().is_empty() => short(n.name()),
            Some(n) => format!("{} #{i}", short(n.op_type())),
            None => format!("#{i}"),
        }
    }

    pub fn source(&self, tensor: &str) -> Source<'a> {
        if let Some(t) = self.stored.get(tensor) {
            Source::Stored(t)
        } else if self.inputs.contains(tensor) {
            Source::Input
        } else if let Some(&(i, _)) = self.producers.get(tensor) {
            Source::Computed(i)
        } else {
            Source::Missing
        }
    }

    /// The recurrent node whose `Y` reaches node `r`'s `X` through [`LINK_OPS`] only, and
    /// the nodes on the way.
    fn previous(&self, r: usize) -> Option<(usize, Vec<usize>)> {
        let mut tensor = self.nodes.get(r)?.input.first()?;
        let mut links = Vec::new();
        // Bounded: a hostile file may loop, or make many nodes share one long path.
        for _ in 0..=MAX_LINKS {
            if self.stored.contains_key(tensor.as_str()) {
                return None;
            }
            let &(p, out) = self.producers.get(tensor.as_str())?;
            let n = self.nodes.get(p)?;
            if cell_of(n).is_some() {
                return (out == 0).then_some((p, links));
            }
            if !matches!(n.domain(), "" | "ai.onnx") || !LINK_OPS.contains(&n.op_type()) {
                return None;
            }
            links.push(p);
            tensor = n.input.first()?;
        }
        None
    }

    /// Every chain of recurrent nodes, by the graph position of its first node.
    pub fn chains(&self) -> Result<Vec<Chain>> {
        let recurrent: Vec<(usize, CellKind)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((i, cell_of(n)?)))
            .collect();
        let mut prev = BTreeMap::new();
        let mut next: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(r, _) in &recurrent {
            if let Some((p, links)) = self.previous(r) {
                next.entry(p).or_default().push(r);
                prev.insert(r, links);
            }
        }
        if let Some((p, many)) = next.iter().find(|(_, v)| v.len() > 1) {
            let many: Vec<String> = many.iter().map(|&i| self.name(i)).collect();
            return Err(FormatError::Invalid(format!(
                "the output Y of {} feeds {} recurrent nodes ({}); gatescope reads one chain of \
                 layers",
                label(self.node(*p)?, *p),
                many.len(),
                many.join(", ")
            )));
        }
        let mut chains = Vec::new();
        let mut covered = 0;
        for &(first, kind) in recurrent.iter().filter(|(r, _)| !prev.contains_key(r)) {
            let mut chain = Chain {
                nodes: vec![first],
                links: Vec::new(),
                first,
                kind,
            };
            let mut at = first;
            while let Some(&n) = next.get(&at).and_then(|v| v.first()) {
                if chain.nodes.len() > recurrent.len() {
                    break;
                }
                chain.nodes.push(n);
                chain.links.extend(prev.get(&n).into_iter().flatten());
                at = n;
            }
            covered += chain.nodes.len();
            chains.push(chain);
        }
        if covered != recurrent.len() {
            return Err(FormatError::Invalid(
                "the recurrent nodes' outputs and inputs form a cycle".to_string(),
            ));
        }
        Ok(chains)
    }

    /// `/lstm/LSTM, /lstm/LSTM_1`, at most `max` names.
    pub fn names(&self, chain: &Chain, max: usize) -> String {
        let names: Vec<String> = chain.nodes.iter().map(|&i| self.name(i)).collect();
        list(&names, max)
    }

    /// Op types of the nodes that are not part of `chain` (its recurrent nodes, the
    /// reshapes between them, and `Constant` nodes feeding either), each once.
    pub fn ignored(&self, chain: &Chain) -> Vec<String> {
        let mut used: BTreeSet<usize> = chain.nodes.iter().chain(&chain.links).copied().collect();
        for &i in &used.clone() {
            for input in self
                .nodes
                .get(i)
                .map(|n| n.input.as_slice())
                .unwrap_or_default()
            {
                match self.producers.get(input.as_str()) {
                    Some(&(p, _)) if self.nodes.get(p).is_some_and(is_constant) => {
                        used.insert(p);
                    }
                    _ => {}
                }
            }
        }
        let unused = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i));
        unique_ops(unused.map(|(_, n)| n))
    }
}

/// Each op type once, in order of first appearance.
fn unique_ops<'n>(nodes: impl Iterator<Item = &'n NodeProto>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    nodes
        .filter(|n| seen.insert(n.op_type()))
        .map(|n| short(n.op_type()))
        .collect()
}

/// `a, b, c`, or `a, b and 3 more` beyond `max` items.
fn list(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    match items.len().saturating_sub(max) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn is_constant(n: &NodeProto) -> bool {
    n.op_type() == "Constant" && matches!(n.domain(), "" | "ai.onnx")
}

/// The one chain `opts` selects: by node-name prefix (`/lstm` or `lstm` matches
/// `/lstm/LSTM`) and by cell, or the only one there is.
pub(super) fn choose(graph: &Graph<'_>, chains: Vec<Chain>, opts: &LoadOptions) -> Result<Chain> {
    if chains.is_empty() {
        let ops = unique_ops(graph.nodes.iter());
        let found = if ops.is_empty() {
            "the graph has no nodes".to_string()
        } else {
            format!("its nodes are {}", list(&ops, 12))
        };
        return Err(FormatError::Invalid(format!(
            "no LSTM, GRU or RNN node in the graph ({found})"
        )));
    }
    let describe = |c: &Chain| format!("[{}]", graph.names(c, 8));
    let all: Vec<String> = chains.iter().map(describe).collect();
    let prefix = opts.prefix.as_deref().map(|p| p.trim_start_matches('/'));
    let named = |i: usize, p: &str| {
        let name = graph.nodes.get(i).map_or("", |n| n.name());
        name.trim_start_matches('/').starts_with(p)
    };
    let matches = |c: &Chain| {
        prefix.is_none_or(|p| c.nodes.iter().any(|&i| named(i, p)))
            && opts.cell.is_none_or(|k| k == c.kind)
    };
    let mut chosen: Vec<Chain> = chains.into_iter().filter(matches).collect();
    match chosen.len() {
        0 => Err(FormatError::Invalid(format!(
            "no recurrent node matches{}{}; the graph has {}",
            opts.prefix
                .as_deref()
                .map(|p| format!(" the name prefix \"{}\"", short(p)))
                .unwrap_or_default(),
            opts.cell
                .map(|k| format!(" the cell {}", k.name().to_ascii_uppercase()))
                .unwrap_or_default(),
            list(&all, 8)
        ))),
        1 => chosen
            .pop()
            .ok_or_else(|| FormatError::Invalid("no chain".to_string())),
        n => {
            let listed: Vec<String> = chosen.iter().map(describe).collect();
            Err(FormatError::Invalid(format!(
                "the graph has {n} independent recurrent chains: {}; choose one with a \
                 node-name prefix (--prefix)",
                list(&listed, 8)
            )))
        }
    }
}
