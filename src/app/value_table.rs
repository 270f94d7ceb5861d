//! The numbers behind a heatmap, as a table a screen reader can reach.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{CurrentStep, TraceSignal};
use crate::model::Series;
use crate::viz::axis::table_steps;
use crate::viz::table::value_table_html;

/// Steps listed at once when a trace is too large to list whole: about 4096 cells, 5 to 20
/// steps, so a page turn during playback rebuilds a bounded table.
fn window_len(hidden: usize) -> usize {
    (4096 / hidden.max(1)).clamp(5, 20)
}

/// Rows are units, columns are timesteps; values to 4 significant digits; the current step's
/// column is marked `aria-current`. Large traces list a window of steps around the current
/// one (the caption says which), moving a page at a time so playback stays cheap.
#[component]
pub fn ValueTable(
    /// Which quantity.
    series: Series,
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    let CurrentStep(current) = expect_context();
    let holder = NodeRef::<Div>::new();
    let window = Memo::new(move |_| {
        let (t_len, h) = trace.with(|t| (t.steps(), t.hidden_size()));
        // Quantised: the window only moves when the current step leaves it.
        let w = window_len(h);
        let page_end = (current.get() / w + 1) * w - 1;
        table_steps(t_len, h, page_end.min(t_len.saturating_sub(1)), w)
    });
    let html = Memo::new(move |_| {
        let steps = window.get();
        trace.with(|tr| {
            let values = tr.get(series)?;
            let t_len = values.nrows();
            let caption = if steps.len() < t_len {
                format!(
                    "{} (steps {}–{} of {})",
                    series.label(),
                    steps.start + 1,
                    steps.end,
                    t_len
                )
            } else {
                series.label().to_string()
            };
            Some(value_table_html(&caption, values, steps))
        })
    });
    // Mark the current step's column; runs after the table is (re)built and on every step.
    Effect::new(move |_| {
        html.track();
        let now = current.get().to_string();
        let Some(div) = holder.get() else { return };
        let Ok(heads) = div.query_selector_all("th[data-t]") else {
            return;
        };
        for k in 0..heads.length() {
            if let Some(th) = heads
                .item(k)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                if th.get_attribute("data-t").as_deref() == Some(now.as_str()) {
                    let _ = th.set_attribute("aria-current", "step");
                } else {
                    let _ = th.remove_attribute("aria-current");
                }
            }
        }
    });
    view! { <div class="sr-only" node_ref=holder inner_html=move || html.get().unwrap_or_default()></div> }
}
