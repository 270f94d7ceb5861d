//! The current step as vectors: one row of bars per gate or state.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::canvas::CachedContext;
use super::hooks::use_canvas_size;
use super::{CurrentStep, SelectionRead, TraceSignal};
use crate::model::Series;
use crate::viz::bars::{bar_domain, bars_image, BarColours};
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
    let holder = NodeRef::<leptos::html::Div>::new();
    let session = use_context::<super::SessionRead>();
    let save = move |_| {
        let (Some(div), Some(super::SessionRead(s))) = (holder.get_untracked(), session) else {
            return;
        };
        let step = current.get_untracked() + 1;
        let Some(name) = s.try_with_untracked(|s| {
            super::open_model::view_file_name(s, &format!("bars-at-step-{step}"), "png")
        }) else {
            return;
        };
        if let Some(url) = rows_png(&div) {
            let _ = super::open_model::download_url(&name, &url);
        }
    };
    view! {
        <section class="step-vectors" aria-label="Values at the current step">
            <h2>"At step t = "{move || current.get() + 1}</h2>
            <div class="vec-rows" node_ref=holder>{rows}</div>
            <button type="button" class="png-save" title="Save these bars as a PNG image" on:click=save>
                "PNG"<span class="sr-only">" of the values at the current step"</span>
            </button>
        </section>
    }
}

/// The rows' canvases stacked into one image, each with its quantity's symbol on the left;
/// a data URL.
fn rows_png(rows: &web_sys::HtmlDivElement) -> Option<String> {
    use wasm_bindgen::JsCast;
    const LABEL: f64 = 28.0;
    let doc = web_sys::window()?.document()?;
    let list = rows.query_selector_all(".vec-row").ok()?;
    let mut parts = Vec::new();
    for k in 0..list.length() {
        let row = list.item(k)?.dyn_into::<web_sys::Element>().ok()?;
        let canvas = row
            .query_selector("canvas")
            .ok()??
            .dyn_into::<web_sys::HtmlCanvasElement>()
            .ok()?;
        let sym = row
            .query_selector(".sym")
            .ok()?
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        parts.push((sym, canvas));
    }
    let width = parts.iter().map(|(_, c)| c.width()).max()? as f64 + LABEL;
    let height: f64 = parts.iter().map(|(_, c)| f64::from(c.height()) + 4.0).sum();
    let out = doc
        .create_element("canvas")
        .ok()?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    out.set_width(width as u32);
    out.set_height(height as u32);
    let ctx = out
        .get_context("2d")
        .ok()??
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .ok()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_fill_style_str("#1d2330");
    ctx.set_font("italic bold 18px serif");
    let mut y = 0.0;
    for (sym, c) in &parts {
        let h = f64::from(c.height());
        let _ = ctx.fill_text(sym, 6.0, y + h / 2.0 + 6.0);
        let _ = ctx.draw_image_with_html_canvas_element(c, LABEL, y);
        y += h + 4.0;
    }
    out.to_data_url().ok()
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
    // Drawn in the edit's own frame only when on screen; off screen, after it is painted.
    super::hooks::use_view_update(
        canvas,
        move || {
            let (w, h) = size.get()?;
            let selected = selection.get().map(|(_, u)| u);
            Some((w, h, selected, range.get(), values.get()))
        },
        move |(w, h, selected, (max_abs, scale), v)| {
            let Some(el) = canvas.get_untracked() else {
                return;
            };
            let Ok(ctx) = context.get(&el, w, h) else {
                return;
            };
            let (wp, hp) = (el.width() as usize, el.height() as usize);
            let dpr = if w > 0.0 { wp as f64 / w } else { 1.0 };
            let domain = bar_domain(series.range(), max_abs);
            // Many thin bars read better in one colour.
            let one_colour = v.len() > 64;
            let colours = BarColours {
                bar: |x: f32| {
                    if one_colour {
                        [0x4a, 0x6f, 0xa5]
                    } else {
                        scale.rgb(x)
                    }
                },
                zero: [0xc9, 0xce, 0xd8],
                outline: [0xe0, 0x00, 0x7a],
            };
            let img = bars_image(&v, domain, (wp, hp), dpr, &colours, selected);
            if img.rgba.is_empty() {
                return;
            }
            if let Ok(data) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
                wasm_bindgen::Clamped(&img.rgba),
                wp as u32,
                hp as u32,
            ) {
                let _ = ctx.put_image_data(&data, 0.0, 0.0);
            }
        },
    );
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
