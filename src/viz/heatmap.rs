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
    HeatPixels::new(values, scale, max_cols).pixels
}

/// A heatmap's pixels (see [`heatmap_pixels`]) and, when steps are merged, each pixel
/// column's mean over its steps, kept so that a new colour scale re-colours W·H means
/// instead of averaging all T·H values again (2.6 million at T = 10 000, H = 256).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatPixels {
    pub pixels: Pixels,
    /// `[W, H]`, when W < T.
    means: Option<ndarray::Array2<f32>>,
}

impl HeatPixels {
    pub fn new(values: ArrayView2<'_, f32>, scale: &ColorScale, max_cols: usize) -> Self {
        let (t_len, h) = values.dim();
        let width = t_len.min(max_cols.max(1));
        let mut heat = Self {
            pixels: Pixels {
                width,
                height: h,
                rgba: vec![0u8; width * h * 4],
            },
            means: (width < t_len).then(|| ndarray::Array2::zeros((width, h))),
        };
        heat.repaint(values, scale, 0, true);
        heat
    }

    /// After `values` (of the shape this was made for) changed from pixel column `from_col`
    /// on: recomputes those columns, and colours them, or every column when `rescaled` (the
    /// colour scale changed). Returns the first column whose pixels changed.
    pub fn repaint(
        &mut self,
        values: ArrayView2<'_, f32>,
        scale: &ColorScale,
        from_col: usize,
        rescaled: bool,
    ) -> usize {
        let first = if rescaled { 0 } else { from_col };
        match self.means.as_mut() {
            Some(means) => {
                column_means(values, means, from_col);
                colour_columns(&mut self.pixels, means.view(), scale, first);
            }
            None => colour_columns(&mut self.pixels, values, scale, first),
        }
        first
    }
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

/// Rows `from_col..` of `means` (`[W, H]`, W ≤ T) become the means of the steps each pixel
/// column of a W-column heatmap of `values` (`[T, H]`) shows: column c holds steps
/// `[c·T/W, (c+1)·T/W)`.
fn column_means(values: ArrayView2<'_, f32>, means: &mut ndarray::Array2<f32>, from_col: usize) {
    let (t_len, h) = values.dim();
    let width = means.nrows();
    if means.ncols() != h || width == 0 || width > t_len {
        return;
    }
    for col in from_col..width {
        let (t0, t1) = (
            col * t_len / width,
            ((col + 1) * t_len / width).max(col * t_len / width + 1),
        );
        let mut out = means.row_mut(col);
        out.fill(0.0);
        for t in t0..t1.min(t_len) {
            out.zip_mut_with(&values.row(t), |s, &v| *s += v);
        }
        let n = (t1 - t0) as f32;
        out.mapv_inplace(|s| s / n);
    }
}

/// Colours pixel columns `from_col..` of `pixels` from `grid` (`[W, H]`: one row per pixel
/// column, steps or their means), unit 0 in the top row.
fn colour_columns(
    pixels: &mut Pixels,
    grid: ArrayView2<'_, f32>,
    scale: &ColorScale,
    from_col: usize,
) {
    let width = pixels.width;
    if width == 0
        || grid.dim() != (width, pixels.height)
        || pixels.rgba.len() != width * pixels.height * 4
    {
        return;
    }
    // Whole opaque pixels from the table, one 4-byte array per pixel: this loop runs for
    // every cell of six heatmaps on every edit, in the UI's size-optimised build, so it
    // avoids per-pixel range slicing (the table has 256 entries and `lut_index` ≤ 255).
    let mut lut = [[0u8, 0, 0, 255]; 256];
    for (slot, [r, g, b]) in lut.iter_mut().zip(scale.lut()) {
        *slot = [r, g, b, 255];
    }
    let (px, _) = pixels.rgba.as_chunks_mut::<4>();
    for (col, column) in grid.rows().into_iter().enumerate().skip(from_col) {
        for (unit, &v) in column.iter().enumerate() {
            if let Some(p) = px.get_mut(unit * width + col) {
                *p = lut[scale.lut_index(v) & 255];
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
        use super::{first_column_of, heatmap_pixels, HeatPixels};
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
                let mut heat = HeatPixels::new(old.view(), &scale, max_cols);
                let col = first_column_of(edit, t_len, heat.pixels.width);
                assert_eq!(heat.repaint(new.view(), &scale, col, false), col);
                assert_eq!(
                    heat.pixels,
                    heatmap_pixels(new.view(), &scale, max_cols),
                    "T = {t_len}, edit at {edit}"
                );
            }
        }
    }

    /// What a heatmap does after an edit that also changed its colour scale: the kept
    /// column means are updated from the edited column on, and every column is re-coloured
    /// from them; the image equals a full render of the new values with the new scale.
    #[test]
    fn kept_means_recoloured_with_a_new_scale_equal_a_full_render() {
        use super::{first_column_of, heatmap_pixels, HeatPixels};
        use crate::model::Series;
        use crate::viz::ColorScale;
        let old =
            ndarray::Array2::from_shape_fn((997, 4), |(t, u)| ((t + 7 * u) as f32 * 0.05).sin());
        let mut new = old.clone();
        new[[990, 2]] = 3.0;
        let (s_old, s_new) = (
            ColorScale::for_series(Series::C, (-1.0, 1.0)),
            ColorScale::for_series(Series::C, (-1.0, 3.0)),
        );
        let mut heat = HeatPixels::new(old.view(), &s_old, 100);
        let col = first_column_of(990, 997, 100);
        assert_eq!(
            heat.repaint(new.view(), &s_new, col, true),
            0,
            "every column"
        );
        let px = heat.pixels;
        assert_eq!(px, heatmap_pixels(new.view(), &s_new, 100));
        assert_ne!(
            px,
            heatmap_pixels(new.view(), &s_old, 100),
            "the scale matters"
        );
    }

    /// Each pixel is the colour the scale gives the value itself (computed without the
    /// table), up to the table's 256 steps: unit u in row u, step t in column t, opaque; an
    /// aggregated column shows the mean of its steps.
    #[test]
    fn pixels_show_each_value_at_its_step_and_unit() {
        use super::heatmap_pixels;
        use crate::model::Series;
        use crate::viz::ColorScale;
        let scale = ColorScale::for_series(Series::C, (-2.0, 3.0));
        let close = |px: &[u8], v: f32| {
            let [r, g, b] = scale.rgb(v);
            px[3] == 255 && [r, g, b].iter().zip(px).all(|(&a, &b)| a.abs_diff(b) <= 4)
        };
        let values =
            ndarray::Array2::from_shape_fn((7, 3), |(t, u)| t as f32 - 2.0 + 0.3 * u as f32);
        let px = heatmap_pixels(values.view(), &scale, 100);
        assert_eq!((px.width, px.height), (7, 3));
        for ((t, u), &v) in values.indexed_iter() {
            let k = (u * 7 + t) * 4;
            assert!(
                close(&px.rgba[k..k + 4], v),
                "step {t}, unit {u}: {:?}",
                &px.rgba[k..k + 4]
            );
        }
        // Two columns of 3 and 4 steps (7 steps into 2 columns: steps 0..3 and 3..7).
        let px = heatmap_pixels(values.view(), &scale, 2);
        for u in 0..3 {
            for (col, steps) in [(0, 0..3), (1, 3..7)] {
                let n = steps.len() as f32;
                let mean = steps.map(|t| values[[t, u]]).sum::<f32>() / n;
                let k = (u * 2 + col) * 4;
                assert!(close(&px.rgba[k..k + 4], mean), "column {col}, unit {u}");
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
