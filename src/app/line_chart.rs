//! The seed article's plot: one line per unit over time, drawn by plotters on a canvas.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use super::canvas::plotters_backend;
use super::hooks::use_canvas_size;
use super::{CurrentStep, SelectionRead, TraceSignal};
use crate::model::Series;
use crate::viz::charts::{draw_series_lines, unit_color_css};

/// A line chart of the states per unit over time (at most 16 units are drawn), with a
/// switch between h and c (the cell state exists for LSTM only).
#[component]
pub fn LineChart(
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    let chosen = expect_context::<super::Views>().chart;
    let series = Memo::new(move |_| {
        let s = chosen.get();
        if trace.with(|t| t.get(s).is_some()) {
            s
        } else {
            Series::H
        }
    });
    let CurrentStep(current) = expect_context();
    let SelectionRead(selection) = expect_context();
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    // Where steps 1 and T landed, in CSS pixels: the current-step marker is an HTML element
    // moved over the canvas, so playback never redraws the chart.
    let span = RwSignal::new(None::<(f64, f64)>);
    let ink = super::teach_menu::use_ink();
    // Drawn in the edit's own frame only when on screen (plotters' lines and labels cost
    // ~1.4 ms at T = 512, H = 64); off screen, after that frame is painted.
    super::hooks::use_view_update(
        canvas,
        move || {
            let (w, h) = size.get()?;
            let selected = selection.get().map(|(_, u)| u);
            Some((w, h, ink.get(), series.get(), selected, trace.get()))
        },
        move |(w, h, ink, series, selected, tr)| {
            let Some(el) = canvas.get_untracked() else {
                return;
            };
            if tr.get(series).is_none() {
                return;
            }
            let Some((backend, dpr)) = plotters_backend(&el, w, h) else {
                return;
            };
            let area = backend.into_drawing_area();
            match draw_series_lines(&area, &tr, series, None, selected, 16, ink) {
                Ok(x) => span.set(Some((x.first as f64 / dpr, x.last as f64 / dpr))),
                Err(e) => leptos::logging::error!("line chart: {e:?}"),
            }
        },
    );
    let marker = move || {
        let steps = trace.with(|t| t.steps());
        match span.get() {
            Some((a, b)) => {
                let f = if steps > 1 {
                    current.get() as f64 / (steps - 1) as f64
                } else {
                    0.0
                };
                format!("left: {:.1}px", a + f * (b - a))
            }
            None => "display: none".to_string(),
        }
    };
    let label = move || format!("Line chart of {} per unit over time", series.get().label());
    let kind = Memo::new(move |_| trace.with(|t| t.kind()));
    let switch = move || {
        Series::of(kind.get())
            .iter()
            .filter(|s| matches!(s, Series::H | Series::C))
            .map(|&s| {
                let name = format!("Plot {}", s.label());
                view! {
                    <button
                        aria-label=name
                        aria-pressed=move || (series.get() == s).to_string()
                        on:click=move |_| chosen.set(s)
                    >
                        {s.symbol()}
                    </button>
                }
            })
            .collect_view()
    };
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
                <span>{move || series.get().label()}" over time"</span>
                <span class="switch" role="group" aria-label="Quantity to plot">{switch}</span>
                <ul class="unit-legend" aria-label="Units">{legend}</ul>
            </figcaption>
            <div class="chart-body">
                <canvas node_ref=canvas role="img" aria-label=label></canvas>
                <div class="now-marker" aria-hidden="true" style=marker></div>
            </div>
            <super::save_png::SavePng canvas=canvas what="Line chart" />
        </figure>
    }
}
