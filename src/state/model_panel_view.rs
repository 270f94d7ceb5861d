//! The model panel's contents as a plain [`crate::viz::tree`]: the active model's name, the
//! number fields with their messages, the cell selector, the forget-bias checkbox, the seed
//! example's button and the note on the weights. `app::model_panel` patches it into its
//! section and handles the controls' events there, by element id. (As `view!`s with a
//! reactive binding per attribute the panel cost several times its tree's wasm.)
//!
//! The number inputs carry no `value` here: what the user types is never overwritten by a
//! re-render; the panel writes texts into them only when [`ModelForm`] says so.

use super::model_form::{init_note, ModelForm, NumField};
use super::session::{ModelSource, Session};
use crate::model::CellKind;
use crate::viz::tree::{html, Element, Node};

/// Shown while the seed example is active: editing replaces its hand-set weights.
pub const EXAMPLE_NOTE: &str = "Any change here swaps in a seeded random init.";

/// The id of the cell selector.
pub const CELL_ID: &str = "model-cell";
/// The id of the forget-gate bias checkbox.
pub const FORGET_BIAS_ID: &str = "model-forget-bias";

/// The `data-act` of the seed example's button.
pub const SEED_EXAMPLE_ACT: &str = "seed-example";

/// The field whose input has element id `id`.
pub fn field_of_id(id: &str) -> Option<NumField> {
    NumField::ALL.into_iter().find(|f| f.id() == id)
}

/// The line under the controls: what any change does to this model, or how the random
/// weights are drawn.
pub fn panel_note(s: &Session) -> String {
    match s.source() {
        ModelSource::SeedExample => EXAMPLE_NOTE.to_string(),
        ModelSource::Loaded(_) => {
            "Trained in this page; any change here swaps in a seeded random init.".to_string()
        }
        ModelSource::File(_) => {
            "Opened from a file; any change here swaps in a seeded random init.".to_string()
        }
        _ => init_note(&s.config()),
    }
}

/// The panel's children for session `s` with the number fields' state `form`.
pub fn model_panel(s: &Session, form: &ModelForm) -> Vec<Node> {
    let cfg = s.config();
    let is_example = matches!(s.source(), ModelSource::SeedExample);
    let head = html("div")
        .class("mp-head")
        .child(html("h2").class("mp-title").text("Model"))
        .child(
            html("p")
                .class("mp-active")
                .attr("aria-live", "polite")
                .child(html("span").class("sr-only").text("Active: "))
                .text(s.model_name()),
        );
    let fields = html("div").class("mp-fields").children(
        NumField::ALL
            .into_iter()
            .map(|f| field(f, form.error(f).is_some()).into()),
    );
    let mut errors: Vec<Node> = NumField::ALL
        .into_iter()
        .filter_map(|f| {
            let e = form.error(f)?;
            Some(
                html("p")
                    .attr("id", f.message_id())
                    .class("mp-error")
                    .text(e)
                    .into(),
            )
        })
        .collect();
    if let Some(e) = s.model_error() {
        errors.push(
            html("p")
                .attr("id", "model-error")
                .class("mp-error")
                .text(e)
                .into(),
        );
    }
    let errors = html("div")
        .class("mp-errors")
        .attr("aria-live", "polite")
        .children(errors);
    let options = [
        (CellKind::Lstm, "LSTM"),
        (CellKind::Gru, "GRU"),
        (CellKind::Rnn, "RNN (tanh)"),
    ]
    .into_iter()
    .map(|(k, label)| {
        html("option")
            .attr("value", k.name())
            .attr_if(k == cfg.kind, "selected", "")
            .text(label)
            .into()
    });
    let cell = html("span")
        .class("mp-cell")
        .child(
            html("label")
                .attr("for", CELL_ID)
                .attr(
                    "title",
                    "LSTM and GRU have long-term memory (gates); the RNN is the traditional network without it",
                )
                .text("Cell"),
        )
        .child(html("select").attr("id", CELL_ID).children(options));
    let check = html("span")
        .class("mp-check")
        .child(
            html("input")
                .attr("id", FORGET_BIAS_ID)
                .attr("type", "checkbox")
                .attr_if(cfg.forget_bias_one, "checked", "")
                .attr_if(cfg.kind != CellKind::Lstm, "disabled", ""),
        )
        .child(
            html("label")
                .attr("for", FORGET_BIAS_ID)
                .attr(
                    "title",
                    "Set the LSTM's forget-gate bias to 1 (Jozefowicz et al. 2015) instead of drawing it at random",
                )
                .text("Forget-gate bias 1"),
        );
    let seed = html("button")
        .attr("type", "button")
        .class(if is_example {
            "mp-seed current"
        } else {
            "mp-seed"
        })
        .attr(
            "title",
            "The seed article's LSTM (H = 4, D = 1) and its input 1, 2, 3, 4, 5",
        )
        .attr("data-act", SEED_EXAMPLE_ACT)
        .text("Seed article example");
    let row = html("div")
        .class("mp-row")
        .child(cell)
        .child(check)
        .child(seed);
    let note = html("p").class("mp-note").text(panel_note(s));
    vec![
        head.into(),
        fields.into(),
        errors.into(),
        row.into(),
        note.into(),
    ]
}

/// One number field: its label (with the field's hint) and its input.
fn field(f: NumField, invalid: bool) -> Element {
    let (min, max, step) = f.bounds();
    let input = html("input")
        .attr("id", f.id())
        .attr("type", "number")
        .attr(
            "inputmode",
            if f == NumField::Scale {
                "decimal"
            } else {
                "numeric"
            },
        )
        .attr("min", min)
        .attr_if(!max.is_empty(), "max", max)
        .attr("step", step)
        .attr("autocomplete", "off")
        .attr("aria-invalid", if invalid { "true" } else { "false" })
        .attr_if(invalid, "aria-describedby", f.message_id());
    html("div")
        .class(if invalid {
            "mp-field invalid"
        } else {
            "mp-field"
        })
        .child(
            html("label")
                .attr("for", f.id())
                .attr("title", f.hint())
                .text(f.label()),
        )
        .child(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_id<'a>(nodes: &'a [Node], id: &str) -> &'a Element {
        nodes
            .iter()
            .flat_map(|n| n.find_all(&|e| e.get("id") == Some(id)))
            .next()
            .unwrap_or_else(|| panic!("no #{id}"))
    }

    #[test]
    fn every_control_has_its_label_and_the_example_its_note() {
        let s = Session::seed_example();
        let form = ModelForm::new(s.config());
        let nodes = model_panel(&s, &form);
        for f in NumField::ALL {
            let labels: Vec<_> = nodes
                .iter()
                .flat_map(|n| n.find_all(&|e| e.tag == "label" && e.get("for") == Some(f.id())))
                .collect();
            assert_eq!(labels.len(), 1);
            assert_eq!(labels[0].children, vec![Node::from(f.label())]);
            assert_eq!(
                by_id(&nodes, f.id()).get("value"),
                None,
                "texts are the panel's job"
            );
        }
        assert_eq!(nodes[4].text_content(), EXAMPLE_NOTE);
        assert!(by_id(&nodes, FORGET_BIAS_ID).get("disabled").is_none());
        let seed = nodes[3].find_all(&|e| e.get("data-act") == Some(SEED_EXAMPLE_ACT));
        assert_eq!(seed[0].get("class"), Some("mp-seed current"));
        assert_eq!(field_of_id("model-seed"), Some(NumField::Seed));
        assert_eq!(field_of_id(CELL_ID), None);
    }

    #[test]
    fn an_invalid_field_points_at_its_message() {
        let mut s = Session::seed_example();
        let mut form = ModelForm::new(s.config());
        assert_eq!(form.edit(NumField::Hidden, "0", s.config()), None);
        let gru = crate::state::ModelConfig {
            kind: CellKind::Gru,
            ..s.config()
        };
        s.set_config(gru);
        let nodes = model_panel(&s, &form);
        let input = by_id(&nodes, "model-hidden");
        assert_eq!(input.get("aria-invalid"), Some("true"));
        assert_eq!(input.get("aria-describedby"), Some("model-hidden-msg"));
        let message = Node::from(by_id(&nodes, "model-hidden-msg").clone()).text_content();
        assert!(message.contains("Hidden size"), "{message}");
        assert_eq!(by_id(&nodes, "model-input").get("aria-describedby"), None);
        // A GRU has no forget gate; the random init's note says how weights are drawn.
        assert_eq!(by_id(&nodes, FORGET_BIAS_ID).get("disabled"), Some(""));
        let selected: Vec<_> = by_id(&nodes, CELL_ID)
            .children
            .iter()
            .filter_map(|c| match c {
                Node::Element(e) if e.get("selected").is_some() => e.get("value"),
                _ => None,
            })
            .collect();
        assert_eq!(selected, ["gru"]);
        assert!(nodes[4].text_content().starts_with("Weights ~ U(−k, k)"));
    }
}
