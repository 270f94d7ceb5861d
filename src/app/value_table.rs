//! The numbers behind a heatmap, as a table a screen reader can reach.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::hooks::Deferred;
use super::{CurrentStep, PlaybackRead, TraceSignal};
use crate::model::Series;
use crate::viz::axis::table_steps;
use crate::viz::table::value_table_html;

/// Steps listed at once when a trace is too large to list whole: about 512 cells (2 to 20
/// steps), because every cell of the six tables costs layout time on every edit.
fn window_len(hidden: usize) -> usize {
    (512 / hidden.max(1)).clamp(2, 20)
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
    /// The table's caption (the heatmap's accessible name).
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    let caption = StoredValue::new(caption);
    let CurrentStep(current) = expect_context();
    let holder = NodeRef::<Div>::new();
    let PlaybackRead(playback) = expect_context();
    // The step the listed window is anchored on. It stands still during playback: nobody
    // reads a table while it plays, and rebuilding tables then would cost frames.
    let anchor = Memo::new(move |prev: Option<&usize>| {
        if playback.with(|p| p.is_playing()) {
            prev.copied().unwrap_or_else(|| current.get_untracked())
        } else {
            current.get()
        }
    });
    let window = Memo::new(move |_| {
        let (t_len, h) = trace.with(|t| (t.steps(), t.hidden_size()));
        // Quantised: the window only moves when the current step leaves it.
        let w = window_len(h);
        let page_end = (anchor.get() / w).saturating_add(1).saturating_mul(w) - 1;
        table_steps(t_len, h, page_end.min(t_len.saturating_sub(1)), w)
    });
    // Tables are for screen readers, not for the next frame: they are built and written
    // after the frame that shows a change has been painted (an animation frame, then a
    // zero-delay timeout), and only the newest of several pending tables is written. The
    // pending frame and timeout are cancelled when a newer table is asked for and when the
    // table is unmounted (a cell switch, compare mode closing), and the deferred code only
    // reads signals with `try_` accessors, so it never touches a disposed signal.
    let (written, set_written) = signal(0u32);
    let pending = StoredValue::new_local(None::<Deferred>);
    Effect::new(move |_| {
        let steps = window.get();
        trace.track();
        let write = move || {
            let Some(div) = holder.try_get_untracked().flatten() else {
                return;
            };
            let Some(caption) = caption.try_get_value() else {
                return;
            };
            let html = trace.try_with_untracked(|tr| {
                let values = tr.get(series)?;
                let t_len = values.nrows();
                let caption = if steps.len() < t_len {
                    format!(
                        "{caption} (steps {}–{} of {})",
                        steps.start + 1,
                        steps.end,
                        t_len
                    )
                } else {
                    caption
                };
                Some(value_table_html(&caption, values, steps.clone()))
            });
            div.set_inner_html(&html.flatten().unwrap_or_default());
            set_written.try_update(|n| *n = n.wrapping_add(1));
        };
        let next = Deferred::after_paint(write);
        if let Some(Some(old)) = pending.try_update_value(|p| p.replace(next)) {
            old.cancel();
        }
    });
    on_cleanup(move || {
        if let Some(Some(old)) = pending.try_update_value(Option::take) {
            old.cancel();
        }
    });
    // Mark the current step's column; runs after the table is (re)written and on every step.
    Effect::new(move |_| {
        written.track();
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
    view! { <div class="value-table" node_ref=holder></div> }
}
