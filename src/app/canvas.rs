//! The thin web-sys layer between pure drawing data and a `<canvas>`.

use leptos::prelude::*;
use ndarray::ArrayView2;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::viz::{format_sig, text_on, ColorScale, Grid, Pixels};

fn context_of(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into()
        .map_err(JsValue::from)
}

/// Sizes the canvas backing store to `w × h` CSS pixels at the device pixel ratio; returns
/// that ratio. Resizing clears the canvas and its context state, so it only happens when the
/// size changed.
fn size_backing_store(canvas: &HtmlCanvasElement, w: f64, h: f64) -> f64 {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let (w, h) = (w.max(1.0), h.max(1.0));
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != bw || canvas.height() != bh {
        canvas.set_width(bw);
        canvas.set_height(bh);
    }
    dpr
}

/// Sizes the canvas backing store to `w × h` CSS pixels at the device pixel ratio and returns
/// the 2-D context with a transform in CSS pixels.
pub fn context_2d(
    canvas: &HtmlCanvasElement,
    w: f64,
    h: f64,
) -> Result<CanvasRenderingContext2d, JsValue> {
    let dpr = size_backing_store(canvas, w, h);
    let ctx = context_of(canvas)?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
    Ok(ctx)
}

/// A canvas's 2-D context, looked up once per component instead of once per draw:
/// `getContext` is a call into the browser that showed up in every edit's profile (six
/// heatmaps and six bar rows each asked on every repaint).
#[derive(Clone, Copy)]
pub struct CachedContext(StoredValue<Option<CanvasRenderingContext2d>, LocalStorage>);

impl CachedContext {
    pub fn new() -> Self {
        Self(StoredValue::new_local(None))
    }

    /// Like [`context_2d`], reusing the context found last time if it still belongs to
    /// `canvas` (a component keeps its canvas, but a stale context must never be drawn on).
    pub fn get(
        self,
        canvas: &HtmlCanvasElement,
        w: f64,
        h: f64,
    ) -> Result<CanvasRenderingContext2d, JsValue> {
        let dpr = size_backing_store(canvas, w, h);
        let cached = self
            .0
            .try_get_value()
            .flatten()
            .filter(|c| c.canvas().as_ref() == Some(canvas));
        let ctx = match cached {
            Some(ctx) => ctx,
            None => {
                let ctx = context_of(canvas)?;
                self.0.try_set_value(Some(ctx.clone()));
                ctx
            }
        };
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
        Ok(ctx)
    }
}

/// A plotters backend on `canvas`, its backing store sized to `w × h` CSS pixels at the
/// device pixel ratio, plus that ratio. plotters draws in backing-store pixels, so the
/// CSS-pixel transform of [`context_2d`] is undone first.
pub fn plotters_backend(
    canvas: &HtmlCanvasElement,
    w: f64,
    h: f64,
) -> Option<(plotters_canvas::CanvasBackend, f64)> {
    let ctx = context_2d(canvas, w, h).ok()?;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    let dpr = canvas.width() as f64 / w.max(1.0);
    plotters_canvas::CanvasBackend::with_canvas_object(canvas.clone()).map(|b| (b, dpr))
}

/// A detached canvas holding a heatmap's colours at one pixel per cell, with its context.
#[derive(Clone, PartialEq)]
pub struct Offscreen {
    pub canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
}

/// Puts a pixel buffer into a detached canvas of its own size, to be scaled onto the
/// visible canvas on every repaint without rebuilding the pixels. `reuse` (the previous
/// trace's canvas) is written over instead of creating a canvas and a context per edit.
pub fn pixels_to_canvas(pixels: &Pixels, reuse: Option<Offscreen>) -> Result<Offscreen, JsValue> {
    let off = match reuse {
        Some(off) => off,
        None => {
            let doc = web_sys::window()
                .and_then(|w| w.document())
                .ok_or_else(|| JsValue::from_str("no document"))?;
            let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
            let ctx = context_of(&canvas)?;
            Offscreen { canvas, ctx }
        }
    };
    let (w, h) = (pixels.width.max(1) as u32, pixels.height.max(1) as u32);
    if off.canvas.width() != w || off.canvas.height() != h {
        off.canvas.set_width(w);
        off.canvas.set_height(h);
    }
    if pixels.width > 0 && pixels.height > 0 {
        // putImageData replaces every pixel of the canvas (it is exactly this size), so
        // nothing of the previous image survives.
        let img = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&pixels.rgba),
            pixels.width as u32,
            pixels.height as u32,
        )?;
        off.ctx.put_image_data(&img, 0.0, 0.0)?;
    }
    Ok(off)
}

/// Writes columns `from_col..` of `pixels` into `off` (a canvas of the same size that holds
/// the rest already): after an edit near the end of a long trace, a few columns instead of
/// the whole image cross into JavaScript.
pub fn columns_to_canvas(pixels: &Pixels, off: &Offscreen, from_col: usize) -> Result<(), JsValue> {
    let (w, h) = (pixels.width, pixels.height);
    if from_col >= w || h == 0 {
        return Ok(());
    }
    let cols = w - from_col;
    let mut part = Vec::with_capacity(cols * h * 4);
    for row in pixels.rgba.chunks_exact(w * 4) {
        part.extend_from_slice(&row[from_col * 4..]);
    }
    let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&part), cols as u32, h as u32)?;
    off.ctx.put_image_data(&img, from_col as f64, 0.0)
}

/// What is drawn over the colours: the current step and the selected cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlay<'a> {
    /// 0-based current step; later steps are dimmed.
    pub current: usize,
    /// Selected (step, unit), 0-based.
    pub selection: Option<(usize, usize)>,
    /// A cell to ring in another colour (a number of it hovered in the step explainer).
    pub highlight: Option<(usize, usize)>,
    /// Cells forced by interventions.
    pub forced: &'a [ForcedSpan],
}

/// Cells an intervention forces: steps `first..=last` (0-based) of one unit or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForcedSpan {
    pub first: usize,
    pub last: usize,
    pub unit: Option<usize>,
}

/// Paints a heatmap from its prepared image: colours scaled without smoothing, thin cell
/// borders and printed values when cells are large enough to read, steps after the current
/// one dimmed, the current column outlined, the selected cell ringed, and forced cells
/// (interventions) hatched inside a dashed orange frame.
pub fn paint_heatmap(
    canvas: &HtmlCanvasElement,
    ctx: CachedContext,
    (w, h): (f64, f64),
    base: &HtmlCanvasElement,
    values: ArrayView2<'_, f32>,
    scale: &ColorScale,
    overlay: Overlay,
) -> Result<Grid, JsValue> {
    let ctx = ctx.get(canvas, w, h)?;
    let (w, h) = (w.max(1.0), h.max(1.0));
    let (t_len, units) = values.dim();
    let grid = Grid {
        w,
        h,
        t_len,
        units,
        cols: base.width() as usize,
    };
    ctx.clear_rect(0.0, 0.0, w, h);
    if t_len == 0 || units == 0 {
        return Ok(grid);
    }
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(base, 0.0, 0.0, w, h)?;

    let exact = grid.cols == t_len;
    let (cw, ch) = (w / grid.cols as f64, h / units as f64);
    if exact && cw >= 6.0 && ch >= 6.0 {
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        ctx.set_line_width(1.0);
        ctx.begin_path();
        for t in 1..t_len {
            ctx.move_to(t as f64 * cw, 0.0);
            ctx.line_to(t as f64 * cw, h);
        }
        for u in 1..units {
            ctx.move_to(0.0, u as f64 * ch);
            ctx.line_to(w, u as f64 * ch);
        }
        ctx.stroke();
    }
    if exact && cw >= 30.0 && ch >= 16.0 {
        // Wide cells get 3 significant digits, narrow ones 2; the font shrinks to fit.
        let sig = if cw >= 60.0 { 3 } else { 2 };
        let mut size = (ch * 0.42).min(cw / 3.6).clamp(10.0, 17.0);
        let widest = (0..t_len)
            .flat_map(|t| (0..units).map(move |u| (t, u)))
            .map(|(t, u)| format_sig(values[[t, u]], sig).len())
            .max()
            .unwrap_or(1) as f64;
        size = size.min((cw - 4.0) / (widest * 0.62)).max(9.0);
        ctx.set_font(&format!("600 {size:.1}px system-ui, sans-serif"));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        for t in 0..t_len {
            for u in 0..units {
                let v = values[[t, u]];
                ctx.set_fill_style_str(text_on(scale.rgb(v)));
                ctx.fill_text(
                    &format_sig(v, sig),
                    (t as f64 + 0.5) * cw,
                    (u as f64 + 0.5) * ch,
                )?;
            }
        }
    }

    let (x0, x1) = grid.column_span(overlay.current.min(t_len - 1));
    if x1 < w {
        // Not yet "written": the steps after the current one fade towards the page colour.
        ctx.set_fill_style_str("rgba(244,246,249,0.78)");
        ctx.fill_rect(x1, 0.0, w - x1, h);
    }
    ctx.set_stroke_style_str("#1d2330");
    ctx.set_line_width(3.0);
    let inset = 1.5;
    ctx.stroke_rect(
        x0 + inset,
        inset,
        (x1 - x0 - 2.0 * inset).max(1.0),
        h - 2.0 * inset,
    );

    paint_forced(&ctx, &grid, overlay.forced)?;
    if let Some((t, u)) = overlay.selection.filter(|&(t, u)| t < t_len && u < units) {
        let (sx0, sx1) = grid.column_span(t);
        let (sy0, sy1) = grid.row_span(u);
        let (x, y, w, h) = (
            sx0 + 2.5,
            sy0 + 2.5,
            (sx1 - sx0 - 5.0).max(1.0),
            (sy1 - sy0 - 5.0).max(1.0),
        );
        // A white halo under the magenta ring keeps it visible on every colour of the scale.
        for (colour, width) in [("#ffffff", 5.0), ("#e0007a", 2.5)] {
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(width);
            ctx.stroke_rect(x, y, w, h);
        }
    }
    if let Some((t, u)) = overlay.highlight.filter(|&(t, u)| t < t_len && u < units) {
        let (sx0, sx1) = grid.column_span(t);
        let (sy0, sy1) = grid.row_span(u);
        for (colour, width) in [("#ffffff", 7.0), ("#0b6bcb", 3.5)] {
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(width);
            ctx.stroke_rect(
                sx0 + 1.0,
                sy0 + 1.0,
                (sx1 - sx0 - 2.0).max(1.0),
                (sy1 - sy0 - 2.0).max(1.0),
            );
        }
    }
    Ok(grid)
}

/// Hatches the forced cells and frames each span with a dashed orange line, so the forced
/// values stand out on every colour of the scale.
fn paint_forced(
    ctx: &CanvasRenderingContext2d,
    grid: &Grid,
    forced: &[ForcedSpan],
) -> Result<(), JsValue> {
    for span in forced {
        if span.first >= grid.t_len {
            continue;
        }
        let (x0, _) = grid.column_span(span.first);
        let (_, x1) = grid.column_span(span.last.min(grid.t_len - 1));
        let (y0, y1) = match span.unit {
            Some(u) if u < grid.units => grid.row_span(u),
            Some(_) => continue,
            None => (0.0, grid.h),
        };
        ctx.save();
        ctx.begin_path();
        ctx.rect(x0, y0, x1 - x0, y1 - y0);
        ctx.clip();
        ctx.set_stroke_style_str("rgba(29,35,48,0.45)");
        ctx.set_line_width(1.5);
        ctx.begin_path();
        let mut k = x0 - (y1 - y0);
        while k < x1 {
            ctx.move_to(k, y1);
            ctx.line_to(k + (y1 - y0), y0);
            k += 7.0;
        }
        ctx.stroke();
        ctx.restore();
        ctx.set_line_dash(&js_sys::Array::of2(&6.0.into(), &4.0.into()))?;
        for (colour, width) in [("#ffffff", 4.5), ("#b35c00", 2.5)] {
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(width);
            ctx.stroke_rect(
                x0 + 1.5,
                y0 + 1.5,
                (x1 - x0 - 3.0).max(1.0),
                (y1 - y0 - 3.0).max(1.0),
            );
        }
        ctx.set_line_dash(&js_sys::Array::new())?;
    }
    Ok(())
}
