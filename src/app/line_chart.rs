//! The seed article's plot: one line per unit over time, drawn by plotters on a canvas.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use super::canvas::context_2d;
use super::{CurrentStep, ResizeTick, SelectionRead, TraceSignal};
use crate::model::Series;
use crate::viz::charts::{draw_series_lines, unit_color_css};

/// A line chart of `series` per unit over time (at most 16 units are drawn).
#[component]
pub fn LineChart(
    /// The trace to show.
    trace: TraceSignal,
    /// Which quantity to plot, usually h or c.
    series: Series,
) -> impl IntoView {
    let CurrentStep(current) = expect_context();
    let SelectionRead(selection) = expect_context();
    let ResizeTick(resized) = expect_context();
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        resized.track();
        let now = current.get();
        let selected = selection.get().map(|(_, u)| u);
        trace.with(|tr| {
            let Some(el) = canvas.get() else { return };
            if tr.get(series).is_none() {
                return;
            }
            // Size the backing store to the CSS box first; plotters then draws in its pixels.
            // plotters works in backing-store pixels, so undo the CSS-pixel transform.
            match context_2d(&el) {
                Ok((ctx, _, _)) => {
                    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
                }
                Err(_) => return,
            }
            let Some(backend) = CanvasBackend::with_canvas_object(el.clone()) else {
                return;
            };
            let area = backend.into_drawing_area();
            if let Err(e) = draw_series_lines(&area, tr, series, Some(now), selected, 16) {
                leptos::logging::error!("line chart: {e:?}");
            }
        });
    });
    let label = format!("Line chart of {} per unit over time", series.label());
    let legend = move || {
        let units = trace.with(|t| t.hidden_size()).min(16);
        (0..units)
            .map(|u| {
                let style = format!("background: {}", unit_color_css(u));
                view! { <li><span class="swatch" style=style></span>{u + 1}</li> }
            })
            .collect_view()
    };
    view! {
        <figure class="line-chart">
            <figcaption>
                {series.label()}" over time"
                <ul class="unit-legend" aria-label="Units">{legend}</ul>
            </figcaption>
            <canvas node_ref=canvas role="img" aria-label=label></canvas>
        </figure>
    }
}
