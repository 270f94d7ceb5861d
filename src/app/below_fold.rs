//! Panels below the fold when the page opens (1366×768 and smaller): the step explainer with
//! the cell diagram, and the current step's bars with the line chart. Their code downloads
//! when they come into view (issue 8: a smaller first visit), through [`when_seen`].

use leptos::prelude::*;

use super::cell_diagram::CellDiagram;
use super::chunk::{chunk_view, when_seen};
use super::line_chart::LineChart;
use super::step_explainer::StepExplainer;
use super::step_vectors::StepVectors;
use super::TraceSignal;

/// The equations of the current step beside the drawing of the cell.
#[component]
pub fn ExplainRow() -> impl IntoView {
    view! {
        <div class="explain-row">
            {when_seen(
                "Step explainer",
                "the step explainer and the cell diagram",
                explain_preload,
                explain_body,
            )}
        </div>
    }
}

chunk_view!(
    explain,
    explain_preload,
    fn explain_body() {
        view! {
            <StepExplainer />
            <CellDiagram />
        }
    }
);

/// The side column's charts of `trace`: the current step's bars and the line chart.
#[component]
pub fn StepCharts(
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    // `display: contents`: the panels stay the side column's cards; the element gives the
    // placeholder's "Load it now" a place to move the focus into.
    view! {
        <div class="step-charts">
            {when_seen(
                "Values at the current step",
                "the step values and the line chart",
                charts_preload,
                move || charts_body(trace),
            )}
        </div>
    }
}

chunk_view!(
    charts,
    charts_preload,
    fn charts_body(trace: TraceSignal) {
        view! {
            <StepVectors trace=trace />
            <LineChart trace=trace />
        }
    }
);
