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
    let mut rgba = vec![0u8; width * h * 4];
    for col in 0..width {
        let (t0, t1) = (
            col * t_len / width,
            ((col + 1) * t_len / width).max(col * t_len / width + 1),
        );
        for unit in 0..h {
            let mean = (t0..t1).map(|t| values[[t, unit]]).sum::<f32>() / (t1 - t0) as f32;
            let [r, g, b] = scale.rgb(mean);
            let k = (unit * width + col) * 4;
            rgba[k..k + 4].copy_from_slice(&[r, g, b, 255]);
        }
    }
    Pixels {
        width,
        height: h,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::colormap::Palette;
    use ndarray::arr2;

    #[test]
    fn one_pixel_per_cell_with_units_as_rows() {
        let scale = ColorScale {
            palette: Palette::Sequential,
            lo: 0.0,
            hi: 1.0,
        };
        // T = 3, H = 2.
        let v = arr2(&[[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]);
        let p = heatmap_pixels(v.view(), &scale, 100);
        assert_eq!((p.width, p.height), (3, 2));
        let px = |x: usize, y: usize| &p.rgba[(y * 3 + x) * 4..(y * 3 + x) * 4 + 3];
        assert_eq!(px(0, 0), scale.rgb(0.0));
        assert_eq!(px(0, 1), scale.rgb(1.0));
        assert_eq!(px(2, 0), scale.rgb(1.0));
        assert!(p.rgba.chunks(4).all(|c| c[3] == 255));
    }

    #[test]
    fn long_sequences_are_aggregated() {
        let scale = ColorScale {
            palette: Palette::Sequential,
            lo: 0.0,
            hi: 1.0,
        };
        let v =
            ndarray::Array2::from_shape_fn((10_000, 3), |(t, _)| if t < 5_000 { 0.0 } else { 1.0 });
        let p = heatmap_pixels(v.view(), &scale, 800);
        assert_eq!((p.width, p.height), (800, 3));
        assert_eq!(&p.rgba[0..3], scale.rgb(0.0));
        assert_eq!(&p.rgba[799 * 4..799 * 4 + 3], scale.rgb(1.0));
    }
}
