//! One quantity (a gate or a state) as a unit × timestep heatmap with axes, legend, a hover
//! tooltip, click-to-select and a value table.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::canvas::{
    columns_to_canvas, paint_heatmap, pixels_to_canvas, CachedContext, ForcedSpan, Offscreen,
    Overlay,
};
use super::hooks::use_canvas_size;
use super::value_table::ValueTable;
use super::{CurrentStep, Explained, SelectionRead, SelectionWrite, SessionRead, TraceSignal};
use crate::model::{Range, Series};
use crate::state::selection::{toggle, within};
use crate::viz::axis::ticks;
use crate::viz::{first_column_of, format_compact, format_sig, ColorScale, Grid, HeatPixels};

/// Widest pixel buffer a heatmap draws; longer traces are aggregated into this many columns.
const MAX_COLS: usize = 1024;

/// A labelled heatmap of `series`: time on x (with `x_t` under each step), units on y.
#[component]
pub fn HeatmapPanel(
    /// Which gate or state.
    series: Series,
    /// The trace to show.
    trace: TraceSignal,
    /// Which model, when several are shown (compare mode): prefixes the accessible name and
    /// the caption, e.g. "RNN: Hidden state h".
    #[prop(optional, into)]
    model: Option<String>,
) -> impl IntoView {
    let label = match &model {
        Some(m) => format!("{m}: {}", series.label()),
        None => series.label().to_string(),
    };
    let CurrentStep(current) = expect_context();
    let SelectionRead(selection) = expect_context();
    let SelectionWrite(set_selection) = expect_context();
    // The explainer's ring and the interventions belong to the main model's panels, not to
    // compare mode's.
    let main_view = model.is_none();
    let explained = use_context::<Explained>().filter(|_| main_view);
    let any_session = use_context::<SessionRead>();
    let session = any_session.filter(|_| main_view);
    let highlight = Memo::new(move |_| {
        explained
            .and_then(|e| e.highlight.get())
            .filter(|&(s, _, _)| s == series)
            .map(|(_, t, u)| (t, u))
    });
    let forced = Memo::new(move |_| {
        session.map_or_else(Vec::new, |SessionRead(s)| {
            s.with(|s| {
                s.view_interventions()
                    .iter()
                    .filter(|iv| iv.series == series)
                    .map(|iv| ForcedSpan {
                        first: *iv.steps.start(),
                        last: *iv.steps.end(),
                        unit: iv.unit,
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let context = CachedContext::new();
    let grid = StoredValue::new(None::<Grid>);
    let hover = RwSignal::new(None::<(usize, usize, f64, f64)>);
    // A new trace may be shorter or narrower: the hovered cell from the old one is dropped,
    // and the tooltip below re-checks it against the trace it reads anyway.
    Effect::new(move |prev: Option<()>| {
        trace.track();
        if prev.is_some() {
            hover.set(None);
        }
    });

    // Only the unbounded cell state's scale depends on the data: the other five skip a pass
    // over their whole series on every edit (and never change).
    let scale = Memo::new(move |_| {
        let min_max = match series.range() {
            Range::Unbounded => trace.with(|t| t.min_max(series)),
            Range::Unit | Range::Symmetric => None,
        };
        ColorScale::for_series(series, min_max.unwrap_or((0.0, 1.0)))
    });
    // The colours only change with the trace; playback repaints reuse this image. A new
    // trace is written into the previous detached canvas rather than a new one (no new
    // element or context per edit), and when it was computed by resuming the trace drawn
    // last (an edit at step t), only the pixel columns from t's on are recomputed and sent:
    // dragging a value near the end of 10 000 steps redraws a column, not the image.
    let base = Memo::new(move |prev: Option<&Option<HeatImage>>| {
        let scale = scale.get();
        // One copy of the previous image (the memo only lends it), repainted in place.
        let prev = prev.cloned().flatten();
        trace.with(|tr| {
            let values = tr.get(series)?;
            let mut off = None;
            if let Some(mut img) = prev {
                let from = tr.changed_from(img.trace_id).filter(|_| {
                    (img.heat.pixels.height, img.steps) == (values.ncols(), values.nrows())
                });
                if let Some(from) = from {
                    let col = first_column_of(from, values.nrows(), img.heat.pixels.width);
                    let first = img.heat.repaint(values, &scale, col, img.scale != scale);
                    columns_to_canvas(&img.heat.pixels, &img.off, first).ok()?;
                    img.trace_id = tr.id();
                    img.scale = scale;
                    return Some(img);
                }
                off = Some(img.off);
            }
            let heat = HeatPixels::new(values, &scale, MAX_COLS);
            let off = pixels_to_canvas(&heat.pixels, off).ok()?;
            Some(HeatImage {
                off,
                heat,
                steps: values.nrows(),
                trace_id: tr.id(),
                scale,
            })
        })
    });
    Effect::new(move |_| {
        let Some(size) = size.get() else { return };
        let forced = forced.read();
        let overlay = Overlay {
            current: current.get(),
            selection: selection.get(),
            highlight: highlight.get(),
            forced: &forced,
        };
        // The detached canvas only (a clone of the image would copy its pixels).
        let image = base.with(|b| b.as_ref().map(|b| b.off.canvas.clone()));
        let (Some(el), Some(image)) = (canvas.get(), image) else {
            return;
        };
        let scale = scale.get();
        trace.with(|tr| {
            let Some(values) = tr.get(series) else { return };
            match paint_heatmap(&el, context, size, &image, values, &scale, overlay) {
                Ok(g) => grid.set_value(Some(g)),
                Err(e) => leptos::logging::error!("drawing {}: {e:?}", series.label()),
            }
        });
    });

    let cell_under = move |ev: &web_sys::MouseEvent| {
        grid.get_value()
            .and_then(|g| g.cell_at(ev.offset_x() as f64, ev.offset_y() as f64))
            .map(|c| (c, g_w(grid)))
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        hover.set(
            cell_under(&ev).map(|((t, u), _)| (t, u, ev.offset_x() as f64, ev.offset_y() as f64)),
        );
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(((t, u), _)) = cell_under(&ev) {
            set_selection.update(|s| *s = toggle(*s, (t, u)));
        }
    };
    let tt_label = label.clone();
    let tooltip = move || {
        let (t, u, x, y) = hover.get()?;
        let (value, xt) = trace.with(|tr| {
            let (t, u) = within(Some((t, u)), tr.steps(), tr.hidden_size())?;
            let v = tr.get(series).and_then(|a| a.get([t, u]).copied());
            let x = tr
                .x()
                .row(t)
                .iter()
                .map(|v| format_sig(*v, 4))
                .collect::<Vec<_>>()
                .join(", ");
            Some((v, x))
        })?;
        let flip = x > g_w(grid) * 0.6;
        let style = format!(
            "left: {x:.0}px; top: {y:.0}px; transform: translate({}, 14px)",
            if flip { "calc(-100% - 12px)" } else { "12px" }
        );
        Some(view! {
            <div class="tooltip" style=style role="status">
                <div class="tt-head">{tt_label.clone()}</div>
                <div>"t = "{t + 1}" · unit "{u + 1}</div>
                <div class="tt-value">{value.map(|v| format_sig(v, 4))}</div>
                <div class="tt-x">"x"<sub>"t"</sub>" = "{xt}</div>
            </div>
        })
    };

    let units = move || {
        trace.with(|tr| {
            let h = tr.hidden_size();
            let sel = selection.get().map(|(_, u)| u);
            ticks(h, 8)
                .into_iter()
                .map(|u| {
                    let top = format!("top: {:.3}%", (u as f64 + 0.5) * 100.0 / h as f64);
                    view! { <span style=top class:selected=sel == Some(u)>{u + 1}</span> }
                })
                .collect_view()
        })
    };
    let text_mode = use_context::<super::text_mode::TextMode>();
    let times = move || {
        let t_len = trace.with(|tr| tr.steps());
        // In text mode, each step's character.
        let chars = any_session
            .and_then(|SessionRead(s)| super::text_mode::step_labels(text_mode, s, t_len));
        trace.with(|tr| {
            let t_len = tr.steps();
            let x = tr.x();
            // x_t under the axis only while it stays legible; the tooltip always has it.
            let scalar = tr.input_size() == 1 && t_len <= 40;
            let now = current.get();
            // Characters are narrow: more of them fit than numbers.
            // About 12 px per character label, whatever the panel's width.
            let fit = size
                .get()
                .map_or(12, |(w, _)| (w / 12.0) as usize)
                .clamp(6, 60);
            let most = match (&chars, t_len <= 40) {
                (Some(_), _) => fit,
                (None, true) => 12,
                (None, false) => 6,
            };
            // With characters under every tick, step numbers only on a few of them.
            let numbered = ticks(t_len, 6);
            ticks(t_len, most)
                .into_iter()
                .map(|t| {
                    let number = (chars.is_none() || numbered.contains(&t)).then_some(t + 1);
                    let left = format!("left: {:.3}%", (t as f64 + 0.5) * 100.0 / t_len as f64);
                    let xt = match &chars {
                        Some(c) => c.get(t).cloned(),
                        None => scalar.then(|| format_compact(x[[t, 0]], 3)),
                    };
                    let (is_now, is_future) = (t == now, t > now);
                    view! {
                        <span style=left class:current=is_now class:future=is_future>
                            // A blank number keeps the character on its own line.
                            <b>{number.map_or_else(|| "\u{a0}".to_string(), |n| n.to_string())}</b>
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
    let aria = label.clone();

    view! {
        <figure class="heatmap" data-series=series.symbol()>
            <figcaption>
                <span class="sym">{series.symbol()}</span>
                <span class="name">{label.clone()}</span>
            </figcaption>
            <div class="hm-grid">
                <div class="hm-ylabel" aria-hidden="true">"unit"</div>
                <div class="hm-units" aria-hidden="true">{units}</div>
                <div class="hm-canvas">
                    <canvas
                        node_ref=canvas
                        role="img"
                        aria-label=aria
                        on:mousemove=on_move
                        on:mouseleave=move |_| hover.set(None)
                        on:click=on_click
                    ></canvas>
                    {tooltip}
                </div>
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
            <super::save_png::SavePng canvas=canvas what=label.clone() />
            <ValueTable series=series trace=trace caption=label />
        </figure>
    }
}

fn g_w(grid: StoredValue<Option<Grid>>) -> f64 {
    grid.get_value().map_or(0.0, |g| g.w)
}

/// A heatmap's image: the detached canvas, its pixels, and what they show (the trace by id,
/// its length and the colour scale), so the next trace can be drawn as a difference.
#[derive(Clone)]
struct HeatImage {
    off: Offscreen,
    heat: HeatPixels,
    steps: usize,
    trace_id: u64,
    scale: ColorScale,
}

impl PartialEq for HeatImage {
    /// Same trace and scale; the pixels follow from them (not compared: megabytes).
    fn eq(&self, other: &Self) -> bool {
        (self.trace_id, self.scale, self.steps) == (other.trace_id, other.scale, other.steps)
    }
}
