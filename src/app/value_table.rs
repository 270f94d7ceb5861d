//! The numbers behind a heatmap, as a table a screen reader can reach.

use leptos::prelude::*;

use super::TraceSignal;
use crate::model::Series;
use crate::viz::axis::table_steps;
use crate::viz::format_sig;

/// Rows are units, columns are timesteps; values to 4 significant digits. Large traces list
/// a window of steps (the caption says which) so the table stays usable.
#[component]
pub fn ValueTable(
    /// Which quantity.
    series: Series,
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    let body = move || {
        trace.with(|tr| {
            let Some(values) = tr.get(series) else {
                return ().into_any();
            };
            let (t_len, h) = values.dim();
            let steps = table_steps(t_len, h, t_len.saturating_sub(1), 20);
            let partial = steps.len() < t_len;
            let caption = if partial {
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
            let head = steps
                .clone()
                .map(|t| view! { <th scope="col">{format!("t = {}", t + 1)}</th> })
                .collect_view();
            let rows = (0..h)
                .map(|unit| {
                    let cells = steps
                        .clone()
                        .map(|t| view! { <td>{format_sig(values[[t, unit]], 4)}</td> })
                        .collect_view();
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
