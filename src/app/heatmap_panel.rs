//! One quantity (a gate or a state) as a unit × timestep heatmap with axes, legend and a
//! value table.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::canvas::paint_heatmap;
use super::value_table::ValueTable;
use super::TraceSignal;
use crate::model::Series;
use crate::viz::axis::ticks;
use crate::viz::{format_sig, heatmap_pixels, ColorScale};

/// Widest pixel buffer a heatmap draws; longer traces are aggregated into this many columns.
const MAX_COLS: usize = 1024;

/// A labelled heatmap of `series`: time on x (with `x_t` under each step), units on y.
#[component]
pub fn HeatmapPanel(
    /// Which gate or state.
    series: Series,
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let scale = Memo::new(move |_| {
        trace.with(|t| ColorScale::for_series(series, t.min_max(series).unwrap_or((0.0, 1.0))))
    });

    Effect::new(move |_| {
        let scale = scale.get();
        trace.with(|tr| {
            let (Some(el), Some(values)) = (canvas.get(), tr.get(series)) else {
                return;
            };
            let pixels = heatmap_pixels(values, &scale, MAX_COLS);
            if let Err(e) = paint_heatmap(&el, &pixels, values, &scale) {
                leptos::logging::error!("drawing {}: {e:?}", series.label());
            }
        });
    });

    let units = move || {
        trace.with(|tr| {
            let h = tr.hidden_size();
            ticks(h, 8)
                .into_iter()
                .map(|u| {
                    let top = format!("top: {:.3}%", (u as f64 + 0.5) * 100.0 / h as f64);
                    view! { <span style=top>{u + 1}</span> }
                })
                .collect_view()
        })
    };
    let times = move || {
        trace.with(|tr| {
            let t_len = tr.steps();
            let x = tr.x();
            let scalar = tr.input_size() == 1;
            ticks(t_len, 12)
                .into_iter()
                .map(|t| {
                    let left = format!("left: {:.3}%", (t as f64 + 0.5) * 100.0 / t_len as f64);
                    let xt = scalar.then(|| format_sig(x[[t, 0]], 3));
                    view! {
                        <span style=left>
                            <b>{t + 1}</b>
                            {xt.map(|v| view! { <i>{v}</i> })}
                        </span>
                    }
                })
                .collect_view()
        })
    };
    let legend_style = move || format!("background: {}", scale.get().css_gradient());
    let lo = move || format_sig(scale.get().lo, 3);
    let hi = move || format_sig(scale.get().hi, 3);
    let aria = series.label();

    view! {
        <figure class="heatmap" data-series=series.symbol()>
            <figcaption>
                <span class="sym">{series.symbol()}</span>
                <span class="name">{series.label()}</span>
            </figcaption>
            <div class="hm-grid">
                <div class="hm-ylabel" aria-hidden="true">"unit"</div>
                <div class="hm-units" aria-hidden="true">{units}</div>
                <canvas node_ref=canvas role="img" aria-label=aria></canvas>
                <div class="hm-xlabel" aria-hidden="true">
                    <span>"t"</span>
                    <span class="xt-label">"x"<sub>"t"</sub></span>
                </div>
                <div class="hm-times" aria-hidden="true">{times}</div>
            </div>
            <div class="legend" aria-hidden="true">
                <span>{lo}</span>
                <div class="bar" style=legend_style></div>
                <span>{hi}</span>
            </div>
            <ValueTable series=series trace=trace />
        </figure>
    }
}
