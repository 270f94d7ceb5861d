//! The step explainer: the seed article's equations 1–6 for the selected unit at the current
//! step, with the core's own numbers in place (GRU and RNN get PyTorch's equations).

use leptos::prelude::*;

use super::tree_view::{closest_attr, TreeHost};
use super::{CurrentStep, Explained, SelectionWrite};
use crate::model::parse::excerpt;
use crate::model::Series;
use crate::viz::explainer::equations;
use crate::viz::tree::html;

/// The "Step explainer" region: a "Unit" control and the equations of that unit's step.
/// It follows the transport and the heatmap selection, and every change of the weights
/// (training) or of the interventions.
#[component]
pub fn StepExplainer() -> impl IntoView {
    let ex = expect_context::<Explained>();
    let CurrentStep(current) = expect_context();
    let SelectionWrite(set_selection) = expect_context();
    let units = Memo::new(move |_| {
        ex.breakdown
            .with(|b| b.as_ref().map(|b| b.h_prev.len()).unwrap_or(1))
    });
    let shown_unit = move || ex.unit.get().min(units.get().saturating_sub(1)) + 1;
    let (unit_error, set_unit_error) = signal(None::<String>);
    let on_unit = move |ev: leptos::ev::Event| {
        // Anything but a unit of the model gets a message; the explainer keeps its unit, and
        // leaving the field shows that unit again.
        let text = event_target_value(&ev);
        let h = units.get_untracked();
        match text.trim().parse::<usize>() {
            Ok(u) if (1..=h).contains(&u) => {
                set_unit_error.set(None);
                ex.unit.set(u - 1);
                // The views ring the explained cell.
                set_selection.set(Some((current.get_untracked(), u - 1)));
            }
            _ if text.trim().is_empty() => {
                set_unit_error.set(Some(format!("Unit must be a whole number from 1 to {h}.")))
            }
            _ => set_unit_error.set(Some(format!(
                "Unit must be a whole number from 1 to {h}; \"{}\" is not.",
                excerpt(text.trim())
            ))),
        }
    };
    // The equations are a tree built from the breakdown (`viz::explainer`), patched into
    // `body` in place; hovering a part that names a heatmap cell rings that cell.
    let body = NodeRef::<leptos::html::Div>::new();
    let host = TreeHost::new();
    // Built in the edit's own frame only when on screen (~1 ms at H = 64); off screen,
    // right after that frame is painted.
    super::hooks::use_view_update(
        body,
        move || Some((ex.walk.get(), ex.breakdown.get())),
        move |(walk, breakdown)| {
            let tree = match &breakdown {
                Ok(b) => equations(b, walk),
                Err(e) => vec![html("p").class("explainer-note").text(e.clone()).into()],
            };
            if let Some(el) = body.get_untracked() {
                host.show(&el, tree);
            }
        },
    );
    let on_over = move |ev: leptos::ev::MouseEvent| {
        let cell = closest_attr(&ev, "data-cell").and_then(|(_, v)| parse_cell(&v));
        if ex.highlight.get_untracked() != cell {
            ex.highlight.set(cell);
        }
    };
    let on_leave = move |_| ex.highlight.set(None);
    view! {
        <section class="step-explainer" aria-label="Step explainer">
            <div class="explainer-head">
                <h2>"Step explainer"</h2>
                <label class="unit-field">
                    "Unit"
                    <input
                        id="explainer-unit"
                        aria-describedby="explainer-unit-msg"
                        aria-invalid=move || unit_error.with(Option::is_some).to_string()
                        type="number"
                        min="1"
                        max=move || units.get()
                        step="1"
                        prop:value=shown_unit
                        on:input=on_unit
                        on:change=move |ev| {
                            // Leaving the field with a unit that does not exist shows the
                            // explained one again.
                            let el = event_target::<web_sys::HtmlInputElement>(&ev);
                            el.set_value(&shown_unit().to_string());
                            set_unit_error.set(None);
                        }
                    />
                </label>
                <span class="explainer-step">"at step t = "{move || current.get() + 1}</span>
            </div>
            <p class="unit-error" id="explainer-unit-msg" role="status">{move || unit_error.get()}</p>
            <div class="explainer-body" node_ref=body on:mouseover=on_over on:mouseleave=on_leave></div>
        </section>
    }
}

/// `"h,2,0"` → (h, step 2, unit 0).
fn parse_cell(text: &str) -> Option<(Series, usize, usize)> {
    let mut parts = text.split(',');
    let series = Series::from_symbol(parts.next()?)?;
    Some((
        series,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    ))
}
