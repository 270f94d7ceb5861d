//! What the model is: format, cell, layers, directions, H, D and parameter count, and for an
//! opened file where in it the model was and which of its other keys were left aside.

use leptos::prelude::*;

use super::SessionRead;
use crate::state::ModelSource;

/// `1234567` → `1,234,567`.
fn grouped(n: u64) -> String {
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

/// The model's facts as a definition list.
#[component]
pub fn ModelInfo() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let facts = Memo::new(move |_| {
        session.with(|s| {
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
            let (ignored, what) = match s.source() {
                ModelSource::File(info) if info.format == "ONNX" => (info.ignored.clone(), "op"),
                ModelSource::File(info) => (info.ignored.clone(), "key"),
                _ => (Vec::new(), "key"),
            };
            (rows, ignored, what)
        })
    });
    let rows = move || {
        facts.with(|(rows, _, _)| {
            rows.iter()
                .map(|(k, v)| view! { <dt>{*k}</dt><dd>{v.clone()}</dd> })
                .collect_view()
        })
    };
    let ignored = move || {
        facts.with(|(_, ignored, what)| {
            (!ignored.is_empty()).then(|| {
                let items = ignored
                    .iter()
                    .map(|k| view! { <li><code>{k.clone()}</code></li> })
                    .collect_view();
                let n = ignored.len();
                view! {
                    <details class="mi-ignored">
                        <summary>{format!("{n} other {what}{} not shown", if n == 1 { "" } else { "s" })}</summary>
                        <ul>{items}</ul>
                    </details>
                }
            })
        })
    };
    view! {
        <div class="model-info">
            <dl class="mi-facts">{rows}</dl>
            {ignored}
        </div>
    }
}
