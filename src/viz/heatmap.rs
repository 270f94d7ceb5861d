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
    // Whole opaque pixels from the table, written 4 bytes at a time: this loop runs for
    // every cell of six heatmaps on every edit.
    let lut: Vec<[u8; 4]> = scale
        .lut()
        .into_iter()
        .map(|[r, g, b]| [r, g, b, 255])
        .collect();
    let mut rgba = vec![0u8; width * h * 4];
    let mut put = |col: usize, unit: usize, v: f32| {
        let k = (unit * width + col) * 4;
        if let (Some(px), Some(c)) = (rgba.get_mut(k..k + 4), lut.get(scale.lut_index(v))) {
            px.copy_from_slice(c);
        }
    };
    if width == t_len {
        // One column per step: walk the rows in memory order.
        for (t, row) in values.rows().into_iter().enumerate() {
            for (unit, &v) in row.iter().enumerate() {
                put(t, unit, v);
            }
        }
    } else {
        let mut sums = vec![0.0f32; h];
        for col in 0..width {
            let (t0, t1) = (
                col * t_len / width,
                ((col + 1) * t_len / width).max(col * t_len / width + 1),
            );
            sums.iter_mut().for_each(|s| *s = 0.0);
            for t in t0..t1 {
                for (s, &v) in sums.iter_mut().zip(values.row(t)) {
                    *s += v;
                }
            }
            for (unit, s) in sums.iter().enumerate() {
                put(col, unit, s / (t1 - t0) as f32);
            }
        }
    }
    Pixels {
        width,
        height: h,
        rgba,
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
