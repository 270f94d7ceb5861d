//! The numbers behind a heatmap, as a table behind a "Values" disclosure.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::hooks::Deferred;
use super::{CurrentStep, PlaybackRead, TraceSignal, Views};
use crate::model::Series;
use crate::viz::axis::table_steps;
use crate::viz::table::value_table_html;

/// Steps listed at once when a trace is too large to list whole: about 512 cells (2 to 20
/// steps), so an open table stays cheap to rewrite after an edit.
fn window_len(hidden: usize) -> usize {
    (512 / hidden.max(1)).clamp(2, 20)
}

/// Rows are units, columns are timesteps; values to 4 significant digits; the current step's
/// column is marked `aria-current`. Large traces list a window of steps around the current
/// one (the caption says which), moving a page at a time so playback stays cheap.
///
/// The table sits in a `<details>` disclosure, closed by default, and is built only while it
/// is open. Six always-present tables of ~512 cells cost ~20 ms of parsing and layout after
/// every edit (measured, T = 512, H = 64), the largest single cost of an edit, for numbers
/// nobody reads while editing. A disclosure keeps them one Tab and Enter away for keyboard
/// and screen-reader users (its summary is a native, focusable control named "Values of …"),
/// shows them to sighted users too, and costs nothing while closed. An open table is rebuilt
/// after the frame that shows a change, as before.
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
    let summary_rest = format!(" of {caption}");
    let region_label = format!("Values{summary_rest}");
    // Opened tables stay open when their panel is rebuilt (a cell switch, compare mode).
    let remembered = use_context::<Views>().map(|v| v.tables);
    let initially_open =
        remembered.is_some_and(|r| r.with_untracked(|open| open.contains(&caption)));
    let caption = StoredValue::new(caption);
    let CurrentStep(current) = expect_context();
    let holder = NodeRef::<Div>::new();
    let PlaybackRead(playback) = expect_context();
    let open = RwSignal::new(initially_open);
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
    let (written, set_written) = signal(0u32);
    let text_mode = use_context::<super::text_mode::TextMode>();
    let session = use_context::<super::SessionRead>();
    // Writes the table for the current trace and window. It may run deferred, after its
    // component is gone, so it only reads through `try_` accessors.
    let write = move || {
        if !open.try_get_untracked().unwrap_or(false) {
            return;
        }
        let (Some(Some(div)), Some(caption), Some(steps)) = (
            holder.try_get_untracked(),
            caption.try_get_value(),
            window.try_get_untracked(),
        ) else {
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
            let labels = session.and_then(|super::SessionRead(s)| {
                super::text_mode::step_labels(text_mode, s, t_len)
            });
            Some(value_table_html(
                &caption,
                values,
                steps.clone(),
                labels.as_deref().map(Vec::as_slice),
            ))
        });
        div.set_inner_html(&html.flatten().unwrap_or_default());
        set_written.try_update(|n| *n = n.wrapping_add(1));
    };
    // An open table follows changes after the frame that shows them has been painted (an
    // animation frame, then a zero-delay timeout); only the newest pending write runs. The
    // pending write is cancelled when a newer one is asked for, when the table closes and
    // when it is unmounted (a cell switch, compare mode closing).
    let pending = StoredValue::new_local(None::<Deferred>);
    let cancel_pending = move || {
        if let Some(Some(old)) = pending.try_update_value(Option::take) {
            old.cancel();
        }
    };
    Effect::new(move |_| {
        window.track();
        trace.track();
        if !open.get_untracked() {
            return;
        }
        let next = Deferred::after_paint(write);
        if let Some(Some(old)) = pending.try_update_value(|p| p.replace(next)) {
            old.cancel();
        }
    });
    on_cleanup(cancel_pending);
    // Opening builds the table at once: the user asked for it and is waiting for it.
    // Closing empties it, so a closed table costs no layout or memory.
    let on_toggle = move |ev: leptos::ev::Event| {
        let Some(details) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let is_open = details.has_attribute("open");
        // The toggle event is queued as a task, so it can arrive after a cell switch has
        // disposed this component: `try_` accessors only.
        if open.try_set(is_open).is_some() {
            return;
        }
        if let (Some(r), Some(caption)) = (remembered, caption.try_get_value()) {
            r.try_update(|all| {
                all.retain(|c| *c != caption);
                if is_open {
                    all.push(caption);
                }
            });
        }
        cancel_pending();
        if is_open {
            write();
        } else if let Some(Some(div)) = holder.try_get_untracked() {
            div.set_text_content(None);
        }
    };
    // A cell switch may rebuild a panel on the DOM of the one it replaces (Leptos patches a
    // view of the same shape in place): a details element left open, holding another
    // quantity's table. On mount, the DOM is made to match this table's own state.
    let details = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let (Some(el), Some(div)) = (details.get(), holder.get_untracked()) else {
            return false;
        };
        let el: &web_sys::Element = &el;
        if el.has_attribute("open") != initially_open {
            let _ = if initially_open {
                el.set_attribute("open", "")
            } else {
                el.remove_attribute("open")
            };
        }
        div.set_text_content(None);
        if initially_open {
            write();
        }
        true
    });
    // Mark the current step's column; runs after the table is (re)written and on every step.
    Effect::new(move |_| {
        written.track();
        let now = current.get().to_string();
        if !open.get() {
            return;
        }
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
    view! {
        <details class="value-table" open=initially_open on:toggle=on_toggle node_ref=details>
            <summary>"Values"<span class="sr-only">{summary_rest}</span></summary>
            // It scrolls, so it takes focus: keyboard users scroll it with the arrow keys.
            <div
                class="value-table-body"
                tabindex="0"
                role="region"
                aria-label=region_label
                node_ref=holder
            ></div>
        </details>
    }
}
