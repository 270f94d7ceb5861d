//! Gradient flow of the compared models: ‖∂h_T/∂x_t‖ on a log scale, plus the LSTM's forget
//! product, with a one-line summary a teacher can read out.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use super::canvas::plotters_backend;
use super::hooks::use_canvas_size;
use crate::model::{CellKind, Params};
use crate::state::gradient_flow::{gradient_flow, GradientFlow};
use crate::state::SharedTrace;
use crate::viz::charts::{draw_log_lines, LogLine, UNIT_COLORS};
use crate::viz::format_sig;

/// One model to plot: its name, cell, weights and trace.
pub type FlowInput = (&'static str, CellKind, Params, SharedTrace);

/// How many orders of magnitude the sensitivity to x_t falls from the last step to the first.
fn decades(flow: &GradientFlow) -> Option<f32> {
    let (first, last) = (*flow.input.first()?, *flow.input.last()?);
    (first > 0.0 && last > 0.0).then(|| (last / first).log10())
}

/// The chart and its summary for `models` (computed when the models change).
#[component]
pub fn GradientFlowChart(
    /// The compared models.
    models: Vec<FlowInput>,
) -> impl IntoView {
    let flows: Vec<(&'static str, CellKind, Result<GradientFlow, String>)> = models
        .iter()
        .map(|(name, kind, p, t)| (*name, *kind, gradient_flow(p, t)))
        .collect();
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let error = flows.iter().find_map(|(_, _, f)| f.as_ref().err().cloned());
    let ok: Vec<(&'static str, CellKind, GradientFlow)> = flows
        .into_iter()
        .filter_map(|(n, k, f)| f.ok().map(|f| (n, k, f)))
        .collect();
    let summary = ok
        .iter()
        .filter_map(|(name, _, f)| {
            let short = name.split(' ').next().unwrap_or(name);
            decades(f).map(|d| format!("{short} {} decades", format_sig(d, 2)))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let table_rows = ok
        .iter()
        .map(|(name, _, f)| {
            let cells = f
                .input
                .iter()
                .map(|v| view! { <td>{format_sig(*v, 3)}</td> })
                .collect_view();
            view! { <tr><th scope="row">{*name}</th>{cells}</tr> }
        })
        .collect_view();
    let steps = ok.first().map_or(0, |(_, _, f)| f.input.len());
    let stored = StoredValue::new(ok);
    let ink = super::teach_menu::use_ink();
    Effect::new(move |_| {
        let Some((w, h)) = size.get() else { return };
        let ink = ink.get();
        let Some(el) = canvas.get() else { return };
        let Some((backend, _)) = plotters_backend(&el, w, h) else {
            return;
        };
        stored.with_value(|ok| {
            let mut lines: Vec<LogLine<'_>> = ok
                .iter()
                .enumerate()
                .map(|(k, (name, _, f))| LogLine {
                    label: name,
                    color: UNIT_COLORS[k],
                    values: &f.input,
                    dashed: false,
                })
                .collect();
            if let Some((_, _, f)) = ok.iter().find(|(_, kind, _)| *kind == CellKind::Lstm) {
                if let Some(fp) = &f.forget_product {
                    lines.push(LogLine {
                        label: "LSTM Π f (t+1..T)",
                        color: UNIT_COLORS[3],
                        values: fp,
                        dashed: true,
                    });
                }
            }
            if let Err(e) = draw_log_lines(
                &backend.into_drawing_area(),
                &lines,
                ("timestep t", "‖∂h_T/∂x_t‖"),
                ink,
            ) {
                leptos::logging::error!("gradient chart: {e:?}");
            }
        });
    });
    view! {
        <figure class="flow-chart">
            <figcaption>
                "How much the last state h"<sub>"T"</sub>" still depends on each input x"<sub>"t"</sub>
                " (log scale)"
            </figcaption>
            {error.map(|e| view! { <p class="compare-error" role="status">{e}</p> })}
            <canvas
                node_ref=canvas
                role="img"
                aria-label="Line chart of the norm of dh_T/dx_t per timestep for each model, log scale"
            ></canvas>
            <super::save_png::SavePng canvas=canvas what="Gradient flow" />
            <p class="flow-summary">
                "From the last step back to t = 1, the dependence falls by: "{summary}
            </p>
            <div class="sr-only">
                <table>
                    <caption>"‖∂h_T/∂x_t‖ per timestep"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"model"</th>
                            {(0..steps).map(|t| view! { <th scope="col">{format!("t = {}", t + 1)}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </figure>
    }
}
