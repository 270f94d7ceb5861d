//! What the model is, as a plain [`crate::viz::tree`] for `app::model_info`: format, cell,
//! layers, directions, H, D and parameter count, and for an opened file where in it the
//! model was and which of its other keys were left aside. (As a `view!` with a reactive
//! list per part, this panel's code was several times the size of its tree's.)

use super::{ModelSource, Session};
use crate::viz::tree::{html, Node};

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The facts of `s`'s model: a `<dl class="mi-facts">`, then, for a file with keys or ops
/// that were not used, a closed `<details class="mi-ignored">` listing them.
pub fn model_facts(s: &Session) -> Vec<Node> {
    let stack = s.stack();
    let mut rows = Vec::new();
    if let ModelSource::File(info) = s.source() {
        rows.push(("File", info.name.clone()));
        rows.push(("Format", info.format.to_string()));
        if !info.source.is_empty() {
            rows.push(("Found at", info.source.clone()));
        }
    }
    rows.push(("Cell", stack.kind().name().to_ascii_uppercase()));
    rows.push(("Layers", stack.num_layers().to_string()));
    let dirs = if stack.is_bidirectional() {
        "2 (bidirectional)"
    } else {
        "1"
    };
    rows.push(("Directions", dirs.to_string()));
    rows.push((
        "H · D",
        format!("{} · {}", stack.hidden_size(), stack.input_size()),
    ));
    rows.push(("Parameters", grouped(stack.num_params())));
    let list = html("dl").class("mi-facts").children(
        rows.into_iter()
            .flat_map(|(k, v)| [html("dt").text(k).into(), html("dd").text(v).into()]),
    );
    let mut out = vec![list.into()];
    let (ignored, what) = match s.source() {
        ModelSource::File(info) if info.format == "ONNX" => (info.ignored.as_slice(), "op"),
        ModelSource::File(info) => (info.ignored.as_slice(), "key"),
        _ => (&[][..], "key"),
    };
    if !ignored.is_empty() {
        let n = ignored.len();
        let plural = if n == 1 { "" } else { "s" };
        let items = ignored
            .iter()
            .map(|k| html("li").child(html("code").text(k.as_str())).into());
        out.push(
            html("details")
                .class("mi-ignored")
                .child(html("summary").text(format!("{n} other {what}{plural} not shown")))
                .child(html("ul").children(items))
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(112), "112");
        assert_eq!(grouped(2368), "2,368");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn the_seed_example_reads_as_the_article_gives_it() {
        let nodes = model_facts(&Session::seed_example());
        assert_eq!(nodes.len(), 1, "no file, so no ignored keys");
        // H = 4, D = 1: 4·4·(4 + 1) weights + 2·4·4 biases = 112.
        assert_eq!(
            nodes[0].text_content(),
            "CellLSTMLayers1Directions1H · D4 · 1Parameters112"
        );
    }
}
