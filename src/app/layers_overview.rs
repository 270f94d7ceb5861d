//! Every layer's h side by side on the shared time axis (LSTMVis #22): one small heatmap
//! per layer-direction, the one on show outlined; a click shows that one.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::canvas::{paint_heatmap, pixels_to_canvas, CachedContext, Offscreen, Overlay};
use super::hooks::use_canvas_size;
use super::{CurrentStep, SessionRead, SessionWrite};
use crate::model::Series;
use crate::state::SharedTrace;
use crate::viz::{heatmap_pixels, ColorScale};

/// Widest image a thumbnail draws; longer traces are averaged into this many columns.
const THUMB_COLS: usize = 512;

/// One layer-direction's h, painted at the current step.
#[component]
fn LayerThumb(trace: Signal<Option<SharedTrace>>, label: String) -> impl IntoView {
    let CurrentStep(current) = expect_context();
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let context = CachedContext::new();
    let scale = ColorScale::for_series(Series::H, (-1.0, 1.0));
    // A new trace is written into the previous detached canvas, not a new one per edit.
    let image = Memo::new(move |prev: Option<&Option<Offscreen>>| {
        let reuse = prev.cloned().flatten();
        trace.with(|t| {
            let h = t.as_ref()?.get(Series::H)?;
            let pixels = heatmap_pixels(h, &scale, THUMB_COLS);
            pixels_to_canvas(&pixels, reuse).ok()
        })
    });
    Effect::new(move |_| {
        let (Some(size), Some(el)) = (size.get(), canvas.get()) else {
            return;
        };
        let overlay = Overlay {
            current: current.get(),
            selection: None,
            highlight: None,
            forced: &[],
        };
        image.with(|img| {
            trace.with(|t| {
                let (Some(img), Some(t)) = (img, t) else {
                    return;
                };
                if let Some(h) = t.get(Series::H) {
                    let _ = paint_heatmap(&el, context, size, &img.canvas, h, &scale, overlay);
                }
            })
        });
    });
    view! {
        <canvas node_ref=canvas class="lo-canvas" role="img" aria-label=format!("{label}: hidden state h over time") />
    }
}

/// The overview, for a model with more than one layer-direction.
#[component]
pub fn LayersOverview() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let labels = Memo::new(move |_| session.with(|s| s.layers().map(|l| l.labels())));
    let selected = Memo::new(move |_| session.with(|s| s.layers().map_or(0, |l| l.selected())));
    move || {
        labels.get().map(|labels| {
            let items = labels
                .into_iter()
                .enumerate()
                .map(|(k, label)| {
                    let trace = Signal::from(Memo::new(move |_| {
                        session.with(|s| s.layers().and_then(|l| l.traces().get(k).cloned()))
                    }));
                    view! {
                        <button
                            type="button"
                            class="lo-item"
                            aria-pressed=move || (selected.get() == k).to_string()
                            title=format!("Show {label} in the heatmaps")
                            on:click=move |_| set_session.update(|s| s.select_layer(k))
                        >
                            <span class="lo-label">{label.clone()}</span>
                            <LayerThumb trace=trace label=label.clone() />
                        </button>
                    }
                })
                .collect_view();
            view! {
                <section class="layers-overview" aria-label="All layers: hidden state h">
                    <h2 class="lo-title">"All layers · h over time"</h2>
                    <div class="lo-grid">{items}</div>
                </section>
            }
        })
    }
}
