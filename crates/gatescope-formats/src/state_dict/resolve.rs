//! PyTorch's state_dict names → a [`Stack`], shared by the JSON and safetensors readers.
//!
//! A recurrent module's keys are `{prefix}{param}_l{k}` and `{prefix}{param}_l{k}_reverse`,
//! `param` one of `weight_ih [G·H, D_k]`, `weight_hh [G·H, H]`, `bias_ih [G·H]`,
//! `bias_hh [G·H]`, where `D_0 = D` and `D_k = dirs·H` above; a bare `{prefix}{param}` (the
//! old single-layer files, `nn.LSTMCell`) is layer 0. Every name is checked, and every shape
//! (and the parameter count) before any value is converted.

use std::collections::{BTreeSet, HashSet};

use gatescope_core::{layer_name, CellKind, Stack, MAX_LAYERS};

use super::layout::Layout;
use super::names::{choose_prefix, parse_name, Leaf, PARAMS};
use crate::{FormatError, LoadOptions, Result};

/// A reader's tensors: names in file order, shapes and values on demand, so that only the
/// recurrent ones are converted, and only after every shape has been checked.
pub(super) trait Source {
    /// Every key of the file, in file order.
    fn names(&self) -> &[String];
    /// The shape of tensor `i` of [`Source::names`], which the model wants of `rank`
    /// dimensions (a reader that cannot tell a shape without it, JSON, uses it in messages).
    fn shape(&self, i: usize, rank: usize) -> Result<Vec<usize>>;
    /// Tensor `i`'s values, row-major, as f32: as many as its shape's product.
    fn values(&self, i: usize) -> Result<Vec<f32>>;
    /// The cell the file itself names, if it does.
    fn cell(&self) -> Result<Option<CellKind>>;
    /// Keys that describe the file rather than hold a tensor (JSON's `"cell"`): never
    /// listed as ignored.
    fn is_meta(&self, _i: usize) -> bool {
        false
    }
    /// The vocabulary the file stores (JSON `"vocab"`, safetensors `__metadata__` `vocab`),
    /// as its raw entries; `None` when there is none.
    fn vocab(&self) -> Result<Option<Vec<String>>> {
        Ok(None)
    }
}

/// What [`resolve`] found: the model, its prefix and the keys it did not use.
pub(super) struct Resolved {
    pub stack: Stack,
    pub prefix: String,
    pub ignored: Vec<String>,
}

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(msg)
}

/// Reads the model under the chosen prefix (see the module docs).
pub(super) fn resolve(src: &impl Source, opts: &LoadOptions) -> Result<Resolved> {
    let names = src.names();
    let prefix = choose_prefix(names, opts)?;

    // Which key is which tensor of which layer-direction; everything else is ignored.
    let mut keys: Vec<(usize, usize, bool, usize)> = Vec::new(); // (layer, param, reverse, i)
    let mut ignored = Vec::new();
    let mut bare = false;
    let mut seen = HashSet::new();
    for (i, name) in names.iter().enumerate() {
        match parse_name(name) {
            Some((p, Leaf::Projection)) if p == prefix => {
                return Err(invalid(format!(
                    "{name}: an LSTM with proj_size (weight_hr) is not supported"
                )))
            }
            Some((
                p,
                Leaf::Param {
                    param,
                    layer,
                    reverse,
                    bare: b,
                },
            )) if p == prefix => {
                if !seen.insert((layer, param, reverse)) {
                    // Only a bare name and its `_l0` can collide (keys are unique).
                    let p = PARAMS.get(param).unwrap_or(&"");
                    let other = if b { format!("{p}_l0") } else { p.to_string() };
                    return Err(invalid(format!(
                        "{name}: the file also has {prefix}{other}, the same tensor; keep one"
                    )));
                }
                bare |= b;
                keys.push((layer, param, reverse, i));
            }
            _ if src.is_meta(i) => {}
            _ => ignored.push(name.clone()),
        }
    }

    // Layers 0..L, none missing, at most MAX_LAYERS.
    let layers: BTreeSet<usize> = keys.iter().map(|k| k.0).collect();
    let count = layers.len();
    if let Some(gap) = (0..count).find(|k| !layers.contains(k)) {
        let after = keys.iter().filter(|k| k.0 > gap).min_by_key(|k| k.0);
        let name = after
            .and_then(|k| names.get(k.3))
            .map_or("", String::as_str);
        return Err(invalid(format!(
            "{name}: there is no layer {gap} (no key {prefix}weight_ih_l{gap}); layers must be \
             numbered from 0 without gaps"
        )));
    }
    if count > MAX_LAYERS {
        return Err(invalid(format!(
            "{count} layers ({prefix}weight_ih_l0 … _l{}): gatescope runs at most {MAX_LAYERS}",
            count - 1
        )));
    }

    // Both directions in every layer, or only the forward one.
    let reversed: BTreeSet<usize> = keys.iter().filter(|k| k.2).map(|k| k.0).collect();
    let bidirectional = !reversed.is_empty();
    if bidirectional {
        if let Some(k) = (0..count).find(|k| !reversed.contains(k)) {
            let has = reversed.first().copied().unwrap_or(0);
            return Err(invalid(format!(
                "layer {k} has no reverse direction (no {prefix}weight_ih_l{k}_reverse) but \
                 layer {has} has one: a bidirectional model needs both directions in every layer"
            )));
        }
    }
    let dirs = if bidirectional { 2 } else { 1 };

    // slots[layer·dirs + dir][param] = index of the key.
    let mut slots = vec![[None::<usize>; 4]; count * dirs];
    for &(layer, param, reverse, i) in &keys {
        let slot = slots
            .get_mut(layer * dirs + usize::from(reverse))
            .and_then(|s| s.get_mut(param));
        if let Some(slot) = slot {
            *slot = Some(i);
        }
    }
    let has_bias = keys.iter().any(|k| k.1 >= 2);
    let key_name = |slot: usize, param: usize| {
        let p = PARAMS.get(param).unwrap_or(&"");
        format!("{prefix}{p}_{}", layer_name(slot / dirs, slot % dirs == 1))
    };
    for (s, slot) in slots.iter().enumerate() {
        for (param, key) in slot.iter().enumerate() {
            if key.is_none() && (param < 2 || has_bias) {
                let or_bare = if s == 0 && bare {
                    format!(" (or {prefix}{})", PARAMS.get(param).unwrap_or(&""))
                } else {
                    String::new()
                };
                let why = if param < 2 {
                    ""
                } else {
                    "; a model without biases has no bias keys at all"
                };
                return Err(invalid(format!(
                    "missing key {}{or_bare}{why}",
                    key_name(s, param)
                )));
            }
        }
    }

    let model = Layout::infer(src, &slots, opts, dirs)?;
    let stack = model.build(src, &slots, bidirectional)?;
    Ok(Resolved {
        stack,
        prefix: prefix.to_string(),
        ignored,
    })
}
