//! The thin web-sys layer between pure drawing data and a `<canvas>`.

use ndarray::ArrayView2;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::viz::{format_sig, text_on, ColorScale, Pixels};

/// Sizes the canvas backing store to its CSS box at the device pixel ratio and returns the
/// 2-D context with a transform in CSS pixels, plus the box size.
pub fn context_2d(
    canvas: &HtmlCanvasElement,
) -> Result<(CanvasRenderingContext2d, f64, f64), JsValue> {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let (w, h) = (
        canvas.client_width().max(1) as f64,
        canvas.client_height().max(1) as f64,
    );
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != bw || canvas.height() != bh {
        canvas.set_width(bw);
        canvas.set_height(bh);
    }
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into()?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
    Ok((ctx, w, h))
}

/// Paints a heatmap: the pixel buffer scaled to the canvas without smoothing, thin cell
/// borders, and each cell's value printed inside it when cells are large enough to read.
pub fn paint_heatmap(
    canvas: &HtmlCanvasElement,
    pixels: &Pixels,
    values: ArrayView2<'_, f32>,
    scale: &ColorScale,
) -> Result<(), JsValue> {
    let (ctx, w, h) = context_2d(canvas)?;
    ctx.clear_rect(0.0, 0.0, w, h);
    if pixels.width == 0 || pixels.height == 0 {
        return Ok(());
    }
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let off: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    off.set_width(pixels.width as u32);
    off.set_height(pixels.height as u32);
    let octx: CanvasRenderingContext2d = off
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into()?;
    let img = ImageData::new_with_u8_clamped_array_and_sh(
        Clamped(&pixels.rgba),
        pixels.width as u32,
        pixels.height as u32,
    )?;
    octx.put_image_data(&img, 0.0, 0.0)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&off, 0.0, 0.0, w, h)?;

    let (t_len, units) = values.dim();
    let (cw, ch) = (w / pixels.width as f64, h / units as f64);
    if pixels.width == t_len && cw >= 6.0 && ch >= 6.0 {
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        ctx.set_line_width(1.0);
        for t in 1..t_len {
            ctx.begin_path();
            ctx.move_to(t as f64 * cw, 0.0);
            ctx.line_to(t as f64 * cw, h);
            ctx.stroke();
        }
        for u in 1..units {
            ctx.begin_path();
            ctx.move_to(0.0, u as f64 * ch);
            ctx.line_to(w, u as f64 * ch);
            ctx.stroke();
        }
    }
    if pixels.width == t_len && cw >= 44.0 && ch >= 18.0 {
        let size = (ch * 0.42).clamp(11.0, 17.0);
        ctx.set_font(&format!("600 {size}px system-ui, sans-serif"));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        for t in 0..t_len {
            for u in 0..units {
                let v = values[[t, u]];
                ctx.set_fill_style_str(text_on(scale.rgb(v)));
                ctx.fill_text(
                    &format_sig(v, 3),
                    (t as f64 + 0.5) * cw,
                    (u as f64 + 0.5) * ch,
                )?;
            }
        }
    }
    Ok(())
}
