//! A recurrent node's attributes, checked against what the core runs.

use gatescope_core::CellKind;

use super::node::{invalid, short};
use super::proto::{attribute_proto::AttributeType, AttributeProto, NodeProto};
use crate::Result;

/// A recurrent node's attributes, with ONNX's defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Attrs {
    pub hidden_size: Option<usize>,
    /// 1, or 2 for `bidirectional`.
    pub dirs: usize,
    /// `direction = "reverse"`.
    pub reverse: bool,
    /// 0: `X` is `[T, B, D]`, initial states `[dirs, B, H]`; 1: `[B, T, D]`, `[B, dirs, H]`.
    pub layout: i64,
    pub clip: Option<f32>,
    /// GRU only; ONNX's default is 0 (not PyTorch's formula).
    pub linear_before_reset: bool,
}

/// The attributes of `node`, each checked; anything that changes the cell's equations
/// beyond what the core runs is refused by name.
pub(super) fn attributes(node: &NodeProto, kind: CellKind, label: &str) -> Result<Attrs> {
    let mut attrs = Attrs {
        hidden_size: None,
        dirs: 1,
        reverse: false,
        layout: 0,
        clip: None,
        linear_before_reset: false,
    };
    let mut activations: Option<Vec<String>> = None;
    for a in &node.attribute {
        let name = a.name();
        let bad = |why: String| invalid(label, format!("attribute {} {why}", short(name)));
        match name {
            "hidden_size" => {
                let v = int(a).ok_or_else(|| bad("is not an integer".into()))?;
                attrs.hidden_size = Some(
                    usize::try_from(v)
                        .ok()
                        .filter(|&v| v > 0)
                        .ok_or_else(|| bad(format!("= {v} is not a positive size")))?,
                );
            }
            "direction" => {
                let v = string(a).ok_or_else(|| bad("is not a string".into()))?;
                (attrs.dirs, attrs.reverse) = match v.as_str() {
                    "forward" => (1, false),
                    "reverse" => (1, true),
                    "bidirectional" => (2, false),
                    _ => {
                        return Err(bad(format!(
                            "= \"{}\" is not forward, reverse or bidirectional",
                            short(&v)
                        )))
                    }
                };
            }
            "layout" => {
                attrs.layout = int(a)
                    .filter(|v| matches!(v, 0 | 1))
                    .ok_or_else(|| bad("must be 0 or 1".into()))?;
            }
            "clip" => {
                let v =
                    a.f.filter(|_| {
                        matches!(a.r#type(), AttributeType::Float | AttributeType::Undefined)
                    })
                    .ok_or_else(|| bad("is not a float".into()))?;
                if !(v.is_finite() && v > 0.0) {
                    return Err(bad(format!("= {v} is not a positive finite number")));
                }
                attrs.clip = Some(v);
            }
            "linear_before_reset" if kind == CellKind::Gru => {
                attrs.linear_before_reset = int(a)
                    .filter(|v| matches!(v, 0 | 1))
                    .ok_or_else(|| bad("must be 0 or 1".into()))?
                    == 1;
            }
            "input_forget" if kind == CellKind::Lstm => match int(a) {
                Some(0) => {}
                Some(v) => {
                    return Err(bad(format!(
                        "= {v} is not supported (coupled input and forget gates; only 0)"
                    )))
                }
                None => return Err(bad("is not an integer".into())),
            },
            "activations" => {
                activations = Some(
                    a.strings
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect(),
                );
            }
            "activation_alpha" | "activation_beta" => {
                return Err(bad(
                    "is not supported (only the default activations, which take no parameters)"
                        .into(),
                ));
            }
            // Opset 1's switch for whether Y is output at all: the weights do not depend on it.
            "output_sequence" => {}
            _ => {
                return Err(bad(format!(
                    "is not one gatescope knows for {}",
                    kind.name().to_ascii_uppercase()
                )))
            }
        }
    }
    if let Some(found) = activations {
        let one: &[&str] = match kind {
            CellKind::Lstm => &["Sigmoid", "Tanh", "Tanh"],
            CellKind::Gru => &["Sigmoid", "Tanh"],
            CellKind::Rnn => &["Tanh"],
        };
        let ok = !found.is_empty()
            && found.len() % one.len() == 0
            && found.len() / one.len() <= attrs.dirs
            && found
                .iter()
                .zip(one.iter().cycle())
                .all(|(f, w)| f.eq_ignore_ascii_case(w));
        if !ok {
            let found: Vec<String> = found.iter().take(8).map(|s| short(s)).collect();
            return Err(invalid(
                label,
                format!(
                    "attribute activations = [{}] is not supported (only {})",
                    found.join(", "),
                    one.join(", ")
                ),
            ));
        }
    }
    Ok(attrs)
}

fn int(a: &AttributeProto) -> Option<i64> {
    a.i.filter(|_| matches!(a.r#type(), AttributeType::Int | AttributeType::Undefined))
}

fn string(a: &AttributeProto) -> Option<String> {
    let s =
        a.s.as_deref()
            .filter(|_| matches!(a.r#type(), AttributeType::String | AttributeType::Undefined))?;
    Some(String::from_utf8_lossy(s).into_owned())
}
