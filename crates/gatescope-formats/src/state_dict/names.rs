//! Which keys of a state_dict are recurrent tensors, and of which module (prefix).

use crate::{FormatError, LoadOptions, Result};

/// The four tensors of one layer-direction, in this order everywhere.
pub(super) const PARAMS: [&str; 4] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];

/// The last part of a key, when it names a recurrent tensor.
#[derive(Clone, Copy)]
pub(super) enum Leaf {
    /// `param` (index into [`PARAMS`]) of layer `layer`; `bare` for a name without `_l{k}`.
    Param {
        param: usize,
        layer: usize,
        reverse: bool,
        bare: bool,
    },
    /// `weight_hr_l{k}`: an LSTM with `proj_size`, which gatescope does not run.
    Projection,
}

/// `"lstm.weight_ih_l0"` → `("lstm.", Param { … })`.
pub(super) fn parse_name(name: &str) -> Option<(&str, Leaf)> {
    let (prefix, leaf) = match name.rfind('.') {
        Some(dot) => name.split_at_checked(dot + 1)?,
        None => ("", name),
    };
    if let Some(rest) = leaf.strip_prefix("weight_hr_l") {
        return layer_suffix(rest).map(|_| (prefix, Leaf::Projection));
    }
    for (param, p) in PARAMS.iter().enumerate() {
        let Some(rest) = leaf.strip_prefix(p) else {
            continue;
        };
        if rest.is_empty() {
            return Some((
                prefix,
                Leaf::Param {
                    param,
                    layer: 0,
                    reverse: false,
                    bare: true,
                },
            ));
        }
        let (layer, reverse) = layer_suffix(rest.strip_prefix("_l")?)?;
        return Some((
            prefix,
            Leaf::Param {
                param,
                layer,
                reverse,
                bare: false,
            },
        ));
    }
    None
}

/// `"2"` → `(2, false)`, `"0_reverse"` → `(0, true)`; only PyTorch's own spelling (no
/// leading zeros), so that every name can be written back as it was read.
fn layer_suffix(s: &str) -> Option<(usize, bool)> {
    let (digits, reverse) = match s.strip_suffix("_reverse") {
        Some(d) => (d, true),
        None => (s, false),
    };
    let canonical = !digits.is_empty()
        && digits.len() <= 6
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical
        .then(|| digits.parse().ok())
        .flatten()
        .map(|k| (k, reverse))
}

/// `"lstm."` as messages quote it; the top level is `""`.
pub(super) fn quoted(prefix: &str) -> String {
    if prefix.is_empty() {
        "\"\" (top level)".to_string()
    } else {
        format!("{prefix:?}")
    }
}

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(msg)
}

/// Picks the module prefix: the one asked for, else the only one there is.
pub(super) fn choose_prefix<'a>(names: &'a [String], opts: &LoadOptions) -> Result<&'a str> {
    let mut found: Vec<&str> = Vec::new();
    for name in names {
        if let Some((prefix, Leaf::Param { .. })) = parse_name(name) {
            if !found.contains(&prefix) {
                found.push(prefix);
            }
        }
    }
    let listed = || {
        found
            .iter()
            .map(|p| quoted(p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(asked) = &opts.prefix {
        let asked = asked.trim();
        let want = match asked {
            "" => String::new(),
            p if p.ends_with('.') => p.to_string(),
            p => format!("{p}."),
        };
        return match found.iter().find(|p| **p == want) {
            Some(p) => Ok(p),
            None if found.is_empty() => Err(invalid(format!(
                "prefix {}: the file has no recurrent weights at all (no weight_ih_l0)",
                quoted(&want)
            ))),
            None => Err(invalid(format!(
                "prefix {}: no recurrent weights under it; the file has them under {}",
                quoted(&want),
                listed()
            ))),
        };
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let some: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = if names.len() > 5 { ", …" } else { "" };
            Err(invalid(format!(
                "no recurrent weights: expected keys like weight_ih_l0 or lstm.weight_ih_l0; \
                 found {} keys ({}{more})",
                names.len(),
                some.join(", ")
            )))
        }
        [first, ..] => Err(invalid(format!(
            "{} recurrent modules in the file: {}; choose one with --prefix NAME (for example \
             --prefix {})",
            found.len(),
            listed(),
            first.strip_suffix('.').unwrap_or(first)
        ))),
    }
}
