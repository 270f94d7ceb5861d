//! Bar geometry for the per-step vector view, and the bars as pixels.

use super::heatmap::Pixels;
use crate::model::Range;

/// A bar in drawing coordinates (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The value range a vector of `range` is drawn against: gates on 0..1; signed quantities
/// on ±(their largest magnitude over the whole trace, `max_abs`), so small hidden states
/// still show and bars stay comparable from step to step.
pub fn bar_domain(range: Range, max_abs: f32) -> (f32, f32) {
    match range {
        Range::Unit => (0.0, 1.0),
        Range::Symmetric | Range::Unbounded => {
            let m = if max_abs.is_finite() && max_abs > 1e-6 {
                max_abs
            } else {
                1.0
            };
            (-m, m)
        }
    }
}

/// One bar per value in a `w × h` box, from the zero line (or the bottom, when the domain
/// starts at 0) to the value, with a gap between bars.
pub fn bars(values: &[f32], domain: (f32, f32), w: f64, h: f64) -> Vec<Bar> {
    let n = values.len().max(1) as f64;
    let slot = w / n;
    let gap = (slot * 0.18).min(6.0);
    let (lo, hi) = (domain.0 as f64, domain.1 as f64);
    let y_of = |v: f64| h - (v.clamp(lo, hi) - lo) / (hi - lo).max(f64::MIN_POSITIVE) * h;
    let base = y_of(0.0_f64.clamp(lo, hi));
    values
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let y = y_of(v as f64);
            Bar {
                x: k as f64 * slot + gap / 2.0,
                y: y.min(base),
                w: (slot - gap).max(1.0),
                h: (y - base).abs(),
            }
        })
        .collect()
}

/// Colours of [`bars_image`]: each bar's from its value; the zero line; the selected unit's
/// outline.
pub struct BarColours<F> {
    pub bar: F,
    pub zero: [u8; 3],
    pub outline: [u8; 3],
}

/// The bars of [`bars`] drawn into a transparent `w × h` image of device pixels (`dpr`
/// device pixels per CSS pixel): the zero line (1 CSS px), each bar at least 1 CSS px tall,
/// and a 2 CSS px outline around the `selected` unit's slot. Written in wasm and put on the
/// canvas whole, because the browser's own canvas rasterises hundreds of rectangles on
/// every frame (6 ms a frame for six rows of 256 units in headless Chromium).
pub fn bars_image<F: Fn(f32) -> [u8; 3]>(
    values: &[f32],
    domain: (f32, f32),
    (w, h): (usize, usize),
    dpr: f64,
    colours: &BarColours<F>,
    selected: Option<usize>,
) -> Pixels {
    let mut img = Pixels {
        width: w,
        height: h,
        rgba: vec![0; w * h * 4],
    };
    let (wf, hf) = (w as f64, h as f64);
    let zero = if domain.0 < 0.0 {
        hf / 2.0
    } else {
        hf - 0.5 * dpr
    };
    let line = dpr.max(1.0);
    fill(
        &mut img,
        (0.0, zero - line / 2.0),
        (wf, zero + line / 2.0),
        colours.zero,
    );
    for (k, (b, &v)) in bars(values, domain, wf, hf).iter().zip(values).enumerate() {
        fill(
            &mut img,
            (b.x, b.y),
            (b.x + b.w, b.y + b.h.max(line)),
            (colours.bar)(v),
        );
        if selected == Some(k) {
            let (x0, x1, y0, y1) = (b.x - 2.0 * dpr, b.x + b.w + 2.0 * dpr, 0.0, hf);
            let t = 2.0 * dpr;
            fill(&mut img, (x0, y0), (x1, y0 + t), colours.outline);
            fill(&mut img, (x0, y1 - t), (x1, y1), colours.outline);
            fill(&mut img, (x0, y0), (x0 + t, y1), colours.outline);
            fill(&mut img, (x1 - t, y0), (x1, y1), colours.outline);
        }
    }
    img
}

/// Fills the pixels whose centres lie in the box from `(x0, y0)` to `(x1, y1)` (at least one
/// pixel each way), clipped to the image.
fn fill(img: &mut Pixels, (x0, y0): (f64, f64), (x1, y1): (f64, f64), [r, g, b]: [u8; 3]) {
    let span = |a: f64, b: f64, n: usize| {
        let lo = a.round().clamp(0.0, n as f64) as usize;
        let hi = b.round().max(a.round() + 1.0).clamp(0.0, n as f64) as usize;
        lo..hi
    };
    let (xs, ys) = (span(x0, x1, img.width), span(y0, y1, img.height));
    let width = img.width;
    let (px, _) = img.rgba.as_chunks_mut::<4>();
    for y in ys {
        if let Some(row) = px.get_mut(y * width + xs.start..y * width + xs.end) {
            row.fill([r, g, b, 255]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_bars_grow_from_the_bottom() {
        let b = bars(&[0.0, 0.5, 1.0], (0.0, 1.0), 300.0, 100.0);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].h, b[1].h, b[2].h), (0.0, 50.0, 100.0));
        assert_eq!(b[2].y, 0.0);
    }

    /// Pixels worked out by hand: 3 slots of 10 px, bars 1..9, 11..19, 21..29 wide (18 %
    /// gaps), gates from the bottom, the zero line in row 9, a selected slot's outline.
    #[test]
    fn bars_image_puts_each_bar_and_line_where_the_geometry_says() {
        let colours = BarColours {
            bar: |v: f32| [(v * 200.0) as u8, 1, 2],
            zero: [9, 9, 9],
            outline: [7, 0, 7],
        };
        let at = |img: &Pixels, x: usize, y: usize| {
            let k = (y * img.width + x) * 4;
            [
                img.rgba[k],
                img.rgba[k + 1],
                img.rgba[k + 2],
                img.rgba[k + 3],
            ]
        };
        let img = bars_image(&[0.0, 0.5, 1.0], (0.0, 1.0), (30, 10), 1.0, &colours, None);
        assert_eq!(
            at(&img, 5, 5),
            [0, 0, 0, 0],
            "a zero gate has no bar above the line"
        );
        assert_eq!(at(&img, 5, 9), [9, 9, 9, 255], "the zero line");
        assert_eq!(at(&img, 15, 7), [100, 1, 2, 255], "half a bar");
        assert_eq!(at(&img, 15, 3), [0, 0, 0, 0], "above half a bar");
        assert_eq!(at(&img, 10, 7), [0, 0, 0, 0], "the gap between bars");
        assert_eq!(at(&img, 25, 0), [200, 1, 2, 255], "a full bar");
        let img = bars_image(
            &[0.0, 0.5, 1.0],
            (0.0, 1.0),
            (30, 10),
            1.0,
            &colours,
            Some(1),
        );
        assert_eq!(at(&img, 15, 0), [7, 0, 7, 255], "the outline's top");
        assert_eq!(at(&img, 9, 5), [7, 0, 7, 255], "the outline's left side");
        assert_eq!(at(&img, 15, 3), [0, 0, 0, 0], "inside the outline");
        // Twice the device pixels: a 2-pixel zero line in the middle of a signed domain.
        let img = bars_image(&[0.0], (-1.0, 1.0), (20, 20), 2.0, &colours, None);
        assert_eq!(
            (at(&img, 1, 9), at(&img, 1, 10)),
            ([9, 9, 9, 255], [9, 9, 9, 255])
        );
        assert_eq!((at(&img, 1, 8), at(&img, 1, 11)), ([0; 4], [0; 4]));
    }

    #[test]
    fn signed_bars_grow_from_the_middle() {
        let b = bars(&[-1.0, 0.5], (-1.0, 1.0), 200.0, 100.0);
        assert_eq!((b[0].y, b[0].h), (50.0, 50.0));
        assert_eq!((b[1].y, b[1].h), (25.0, 25.0));
        assert_eq!(bar_domain(Range::Unbounded, 3.5), (-3.5, 3.5));
        assert_eq!(bar_domain(Range::Symmetric, 0.2), (-0.2, 0.2));
        assert_eq!(bar_domain(Range::Unbounded, 0.0), (-1.0, 1.0));
    }
}
