//! The current step as vectors: one row of bars per gate or state.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::canvas::CachedContext;
use super::hooks::use_canvas_size;
use super::{CurrentStep, SelectionRead, TraceSignal};
use crate::model::Series;
use crate::viz::bars::{bar_domain, bars};
use crate::viz::{format_sig, ColorScale};

/// i, f, g, o, c and h at the current step as bars (one per unit), coloured like the
/// heatmaps, with the selected unit outlined.
#[component]
pub fn StepVectors(
    /// The trace to show.
    trace: TraceSignal,
) -> impl IntoView {
    let CurrentStep(current) = expect_context();
    // Keyed on the cell kind only, so a new trace repaints the rows instead of rebuilding them.
    let kind = Memo::new(move |_| trace.with(|t| t.kind()));
    let rows = move || {
        Series::of(kind.get())
            .iter()
            .map(|&s| view! { <VectorRow series=s trace=trace /> })
            .collect_view()
    };
    view! {
        <section class="step-vectors" aria-label="Values at the current step">
            <h2>"At step t = "{move || current.get() + 1}</h2>
            <div class="vec-rows">{rows}</div>
        </section>
    }
}

#[component]
fn VectorRow(series: Series, trace: TraceSignal) -> impl IntoView {
    let CurrentStep(current) = expect_context();
    let SelectionRead(selection) = expect_context();
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let context = CachedContext::new();
    let values = Memo::new(move |_| {
        let t = current.get();
        trace.with(|tr| {
            tr.get(series)
                .map(|a| a.row(t.min(a.nrows().saturating_sub(1))).to_vec())
                .unwrap_or_default()
        })
    });
    // Over the whole trace, so once per trace, not once per step.
    let range = Memo::new(move |_| {
        trace.with(|tr| {
            let mm = tr.min_max(series).unwrap_or((0.0, 1.0));
            (
                mm.0.abs().max(mm.1.abs()),
                ColorScale::for_series(series, mm),
            )
        })
    });
    Effect::new(move |_| {
        let Some((w, h)) = size.get() else { return };
        let selected = selection.get().map(|(_, u)| u);
        let (max_abs, scale) = range.get();
        let Some(el) = canvas.get() else { return };
        let Ok(ctx) = context.get(&el, w, h) else {
            return;
        };
        values.with(|v| {
            ctx.clear_rect(0.0, 0.0, w, h);
            let domain = bar_domain(series.range(), max_abs);
            let zero = if domain.0 < 0.0 { h / 2.0 } else { h - 0.5 };
            ctx.set_fill_style_str("#c9ced8");
            ctx.fill_rect(0.0, zero - 0.5, w, 1.0);
            let bars = bars(v, domain, w, h);
            // Many thin bars: one path in one colour keeps playback at frame rate.
            let one_colour = bars.len() > 64;
            if one_colour {
                ctx.set_fill_style_str("#4a6fa5");
                ctx.begin_path();
                for b in &bars {
                    ctx.rect(b.x, b.y, b.w, b.h.max(1.0));
                }
                ctx.fill();
            }
            for (k, (b, &x)) in bars.iter().zip(v.iter()).enumerate() {
                if !one_colour {
                    let [r, g, bl] = scale.rgb(x);
                    ctx.set_fill_style_str(&format!("rgb({r},{g},{bl})"));
                    ctx.fill_rect(b.x, b.y, b.w, b.h.max(1.0));
                }
                if selected == Some(k) {
                    ctx.set_stroke_style_str("#e0007a");
                    ctx.set_line_width(2.0);
                    ctx.stroke_rect(b.x - 1.0, 1.0, b.w + 2.0, h - 2.0);
                }
            }
        });
    });
    let text = move || {
        values.with(|v| {
            v.iter()
                .map(|x| format_sig(*x, 3))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    view! {
        <div class="vec-row">
            <span class="sym" title=series.label()>{series.symbol()}</span>
            <canvas node_ref=canvas aria-hidden="true"></canvas>
            <span class="sr-only">{series.label()}": "{text}</span>
        </div>
    }
}
