//! The numbers behind a heatmap, as a table a screen reader can reach.

use leptos::prelude::*;

use super::{CurrentStep, TraceSignal};
use crate::model::Series;
use crate::viz::axis::table_steps;
use crate::viz::format_sig;

/// Steps listed at once when a trace is too large to list whole.
const WINDOW: usize = 20;

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
    let window = Memo::new(move |_| {
        let (t_len, h) = trace.with(|t| (t.steps(), t.hidden_size()));
        // Quantised: the window only moves when the current step leaves it.
        let page_end = (current.get() / WINDOW + 1) * WINDOW - 1;
        table_steps(t_len, h, page_end.min(t_len.saturating_sub(1)), WINDOW)
    });
    let body = move || {
        let steps = window.get();
        trace.with(|tr| {
            let Some(values) = tr.get(series) else {
                return ().into_any();
            };
            let (t_len, h) = values.dim();
            let caption = if steps.len() < t_len {
                format!("{} (steps {}–{} of {})", series.label(), steps.start + 1, steps.end, t_len)
            } else {
                series.label().to_string()
            };
            let head = steps
                .clone()
                .map(|t| {
                    view! {
                        <th scope="col" aria-current=move || (current.get() == t).then_some("step")>
                            {format!("t = {}", t + 1)}
                        </th>
                    }
                })
                .collect_view();
            let rows = (0..h)
                .map(|unit| {
                    let cells = steps.clone().map(|t| view! { <td>{format_sig(values[[t, unit]], 4)}</td> }).collect_view();
                    view! { <tr><th scope="row">{format!("unit {}", unit + 1)}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <table class="values">
                    <caption>{caption}</caption>
                    <thead><tr><th scope="col">"unit"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        })
    };
    view! { <div class="sr-only">{body}</div> }
}
