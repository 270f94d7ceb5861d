//! Heatmaps as pixel buffers: one pixel per (timestep, unit), drawn once into an
//! `ImageData` and scaled by the canvas, instead of one rectangle per cell.

use ndarray::ArrayView2;

use super::colormap::ColorScale;

/// An RGBA image, row-major, 4 bytes per pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Renders `values` (`[T, H]`) with time along x and unit 0 in the top row.
///
/// When `T > max_cols`, consecutive steps are merged into `max_cols` columns, each showing
/// the mean of its steps, so a 10 000-step trace fits the canvas.
pub fn heatmap_pixels(values: ArrayView2<'_, f32>, scale: &ColorScale, max_cols: usize) -> Pixels {
    let (t_len, h) = values.dim();
    let width = t_len.min(max_cols.max(1));
    let mut pixels = Pixels {
        width,
        height: h,
        rgba: vec![0u8; width * h * 4],
    };
    paint_columns(&mut pixels, values, scale, 0);
    pixels
}

/// The first pixel column of a `width`-column heatmap of `t_len` steps that shows step `t`
/// or a later one: after an edit at step `t`, the columns from here on are redrawn.
pub fn first_column_of(t: usize, t_len: usize, width: usize) -> usize {
    if t_len == 0 {
        return 0;
    }
    // Column c shows steps [c·T/W, (c+1)·T/W); the one holding t is the last with start ≤ t.
    let mut c = (t.min(t_len) * width / t_len).min(width);
    while c > 0 && c * t_len / width > t {
        c -= 1;
    }
    c
}

/// Redraws the pixel columns `from_col..` of `pixels` (made by [`heatmap_pixels`] for
/// values of this shape) from `values`; the columns before are left as they are.
pub fn paint_columns(
    pixels: &mut Pixels,
    values: ArrayView2<'_, f32>,
    scale: &ColorScale,
    from_col: usize,
) {
    let (t_len, h) = values.dim();
    let width = pixels.width;
    if width == 0 || pixels.height != h || pixels.rgba.len() != width * h * 4 {
        return;
    }
    // Whole opaque pixels from the table, written 4 bytes at a time: this loop runs for
    // every cell of six heatmaps on every edit.
    let lut: Vec<[u8; 4]> = scale
        .lut()
        .into_iter()
        .map(|[r, g, b]| [r, g, b, 255])
        .collect();
    let rgba = &mut pixels.rgba;
    let mut put = |col: usize, unit: usize, v: f32| {
        let k = (unit * width + col) * 4;
        if let (Some(px), Some(c)) = (rgba.get_mut(k..k + 4), lut.get(scale.lut_index(v))) {
            px.copy_from_slice(c);
        }
    };
    if width == t_len {
        // One column per step: walk the rows in memory order.
        for (t, row) in values.rows().into_iter().enumerate().skip(from_col) {
            for (unit, &v) in row.iter().enumerate() {
                put(t, unit, v);
            }
        }
    } else {
        let mut sums = vec![0.0f32; h];
        for col in from_col..width {
            let (t0, t1) = (
                col * t_len / width,
                ((col + 1) * t_len / width).max(col * t_len / width + 1),
            );
            sums.iter_mut().for_each(|s| *s = 0.0);
            for t in t0..t1.min(t_len) {
                for (s, &v) in sums.iter_mut().zip(values.row(t)) {
                    *s += v;
                }
            }
            for (unit, s) in sums.iter().enumerate() {
                put(col, unit, s / (t1 - t0) as f32);
            }
        }
    }
}

/// Geometry of a heatmap drawn `w × h` (CSS pixels) for `t_len` steps and `units` units,
/// with `cols` pixel columns (fewer than steps when aggregated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub w: f64,
    pub h: f64,
    pub t_len: usize,
    pub units: usize,
    pub cols: usize,
}

impl Grid {
    /// The (step, unit) under a point, if it is inside.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        if !(0.0..self.w).contains(&x)
            || !(0.0..self.h).contains(&y)
            || self.t_len == 0
            || self.units == 0
        {
            return None;
        }
        let t = ((x / self.w) * self.t_len as f64) as usize;
        let u = ((y / self.h) * self.units as f64) as usize;
        Some((t.min(self.t_len - 1), u.min(self.units - 1)))
    }

    /// Left and right edge of the pixel column that shows step `t`.
    pub fn column_span(&self, t: usize) -> (f64, f64) {
        let cols = self.cols.max(1);
        let col = (t * cols / self.t_len.max(1)).min(cols - 1);
        let cw = self.w / cols as f64;
        (col as f64 * cw, (col + 1) as f64 * cw)
    }

    /// Top and bottom edge of unit `u`'s row.
    pub fn row_span(&self, u: usize) -> (f64, f64) {
        let rh = self.h / self.units.max(1) as f64;
        (u as f64 * rh, (u + 1) as f64 * rh)
    }
}

#[cfg(test)]
mod grid_tests {
    use super::Grid;

    /// Redrawing from the column of an edited step gives the image of a full redraw.
    #[test]
    fn repainting_from_an_edited_step_equals_a_full_render() {
        use super::{first_column_of, heatmap_pixels, paint_columns};
        use crate::model::Series;
        use crate::viz::ColorScale;
        let scale = ColorScale::for_series(Series::H, (0.0, 1.0));
        for (t_len, max_cols) in [(40, 1024), (1000, 64), (997, 100)] {
            let old = ndarray::Array2::from_shape_fn((t_len, 3), |(t, u)| {
                ((t * 3 + u) as f32 * 0.1).sin()
            });
            for edit in [0, 1, t_len / 2, t_len - 1] {
                let mut new = old.clone();
                for t in edit..t_len {
                    new[[t, 1]] = -new[[t, 1]];
                }
                let mut px = heatmap_pixels(old.view(), &scale, max_cols);
                let col = first_column_of(edit, t_len, px.width);
                paint_columns(&mut px, new.view(), &scale, col);
                assert_eq!(
                    px,
                    heatmap_pixels(new.view(), &scale, max_cols),
                    "T = {t_len}, edit at {edit}"
                );
            }
        }
    }

    #[test]
    fn hit_testing_and_spans_agree() {
        let g = Grid {
            w: 500.0,
            h: 200.0,
            t_len: 5,
            units: 4,
            cols: 5,
        };
        assert_eq!(g.cell_at(0.0, 0.0), Some((0, 0)));
        assert_eq!(g.cell_at(499.9, 199.9), Some((4, 3)));
        assert_eq!(g.cell_at(500.0, 10.0), None);
        assert_eq!(g.column_span(2), (200.0, 300.0));
        assert_eq!(g.row_span(1), (50.0, 100.0));
    }

    #[test]
    fn aggregated_columns_map_many_steps_to_one() {
        let g = Grid {
            w: 1000.0,
            h: 100.0,
            t_len: 10_000,
            units: 2,
            cols: 1000,
        };
        assert_eq!(g.column_span(0), (0.0, 1.0));
        assert_eq!(g.column_span(9), (0.0, 1.0));
        assert_eq!(g.column_span(9_999), (999.0, 1000.0));
        assert_eq!(g.cell_at(999.5, 99.0), Some((9_995, 1)));
    }
}
