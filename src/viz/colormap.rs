//! Colour scales: viridis for gates in (0, 1), from the `colorous` crate (d3's 256-entry
//! table) rather than copied by hand — a hand-copied viridis here once lost a stop — and
//! ColorBrewer RdBu for signed quantities. Both are colour-blind-safe and stay readable
//! in greyscale (monotone lightness for viridis; lightness symmetric about a white zero for
//! RdBu).

use crate::model::{Range, Series};

/// ColorBrewer RdBu (9 classes), from negative (blue) through white to positive (red),
/// interpolated linearly: zero is exactly the neutral #f7f7f7 (d3's smoothed RdBu tints it).
const RDBU: [[u8; 3]; 9] = [
    [0x21, 0x66, 0xac],
    [0x43, 0x93, 0xc3],
    [0x92, 0xc5, 0xde],
    [0xd1, 0xe5, 0xf0],
    [0xf7, 0xf7, 0xf7],
    [0xfd, 0xdb, 0xc7],
    [0xf4, 0xa5, 0x82],
    [0xd6, 0x60, 0x4d],
    [0xb2, 0x18, 0x2b],
];

/// Which family of colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    /// Low → high, for gates in (0, 1).
    Sequential,
    /// Negative ← 0 → positive, for g, c, h.
    Diverging,
}

/// A palette stretched over `[lo, hi]`; values outside are clamped to the end colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorScale {
    pub palette: Palette,
    pub lo: f32,
    pub hi: f32,
}

impl ColorScale {
    /// The scale a quantity is shown with: gates on [0, 1]; tanh outputs on [−1, 1]; the
    /// unbounded cell state on `[−m, m]` with `m` its largest magnitude in `min_max`, so the
    /// legend shows the real range and zero stays white.
    pub fn for_series(s: Series, min_max: (f32, f32)) -> Self {
        match s.range() {
            Range::Unit => Self {
                palette: Palette::Sequential,
                lo: 0.0,
                hi: 1.0,
            },
            Range::Symmetric => Self {
                palette: Palette::Diverging,
                lo: -1.0,
                hi: 1.0,
            },
            Range::Unbounded => {
                let m = min_max.0.abs().max(min_max.1.abs());
                let m = if m.is_finite() && m > 1e-6 { m } else { 1.0 };
                Self {
                    palette: Palette::Diverging,
                    lo: -m,
                    hi: m,
                }
            }
        }
    }

    /// Colour of `v` (NaN maps to the middle colour rather than poisoning a buffer).
    pub fn rgb(&self, v: f32) -> [u8; 3] {
        let span = self.hi - self.lo;
        let u = if span > 0.0 {
            ((v - self.lo) / span).clamp(0.0, 1.0)
        } else {
            0.5
        };
        let u = if u.is_nan() { 0.5 } else { u as f64 };
        match self.palette {
            Palette::Sequential => {
                let c = colorous::VIRIDIS.eval_continuous(u);
                [c.r, c.g, c.b]
            }
            Palette::Diverging => {
                let x = u as f32 * (RDBU.len() - 1) as f32;
                let k = (x.floor() as usize).min(RDBU.len() - 2);
                let w = x - k as f32;
                let (a, b) = (RDBU[k], RDBU[k + 1]);
                std::array::from_fn(|c| {
                    (a[c] as f32 + (b[c] as f32 - a[c] as f32) * w).round() as u8
                })
            }
        }
    }

    /// The scale sampled at 256 evenly spaced values from `lo` to `hi`, for filling large
    /// pixel buffers without interpolating per pixel; index it with [`ColorScale::lut_index`].
    pub fn lut(&self) -> Vec<[u8; 3]> {
        (0..256)
            .map(|k| self.rgb(self.lo + (self.hi - self.lo) * k as f32 / 255.0))
            .collect()
    }

    /// The entry of [`ColorScale::lut`] nearest to `v` (clamped; NaN maps to the middle).
    #[inline(always)] // per cell of every heatmap on every edit; the UI is built at opt-level z
    pub fn lut_index(&self, v: f32) -> usize {
        let span = self.hi - self.lo;
        // A product with a factor that a loop over many values computes once, rather than
        // a division per value.
        let x = if span > 0.0 {
            (v - self.lo) * (255.0 / span)
        } else {
            127.5
        };
        if x.is_nan() {
            return 128;
        }
        // `f32::round` is a libm call on wasm (no instruction rounds half away from zero),
        // and this runs for every cell of every heatmap on every edit. For x in [0, 255],
        // x + 0.5 is exact in f64 and truncation is floor, so this equals `x.round()`.
        (f64::from(x.clamp(0.0, 255.0)) + 0.5) as usize
    }

    /// A CSS `linear-gradient` from `lo` (left) to `hi` (right), for legends: the scale
    /// sampled at 17 stops, close enough that the browser's linear blend matches it.
    pub fn css_gradient(&self) -> String {
        const N: usize = 16;
        let parts: Vec<String> = (0..=N)
            .map(|k| {
                let c = self.rgb(self.lo + (self.hi - self.lo) * k as f32 / N as f32);
                format!(
                    "rgb({},{},{}) {:.1}%",
                    c[0],
                    c[1],
                    c[2],
                    100.0 * k as f32 / N as f32
                )
            })
            .collect();
        format!("linear-gradient(to right, {})", parts.join(", "))
    }
}

/// Black or white, whichever reads better on `bg` (WCAG relative luminance).
pub fn text_on(bg: [u8; 3]) -> &'static str {
    let lin = |c: u8| {
        let s = c as f32 / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg[0]) + 0.7152 * lin(bg[1]) + 0.0722 * lin(bg[2]);
    // Contrast against black (l+0.05)/0.05 vs white 1.05/(l+0.05) cross at l ≈ 0.179.
    if l > 0.179 {
        "#000"
    } else {
        "#fff"
    }
}

/// `v` with `sig` significant digits, without exponent for everyday magnitudes.
pub fn format_sig(v: f32, sig: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return v.to_string();
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&mag) {
        return format!("{:.*e}", sig.saturating_sub(1), v);
    }
    let decimals = (sig as i32 - 1 - mag).max(0) as usize;
    format!("{v:.decimals$}")
}

/// Like [`format_sig`] but without trailing zeros: `1`, `0.5`, `-0.25`, for compact labels.
pub fn format_compact(v: f32, sig: usize) -> String {
    let s = format_sig(v, sig);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle() {
        let s = ColorScale {
            palette: Palette::Diverging,
            lo: -2.0,
            hi: 2.0,
        };
        let (neg, zero, pos) = (s.rgb(-2.0), s.rgb(0.0), s.rgb(9.0));
        assert!(neg[2] > neg[0] + 50, "negative is blue: {neg:?}");
        assert!(pos[0] > pos[2] + 50, "positive is red: {pos:?}");
        assert!(zero.iter().all(|&c| c >= 240), "zero is white: {zero:?}");
        assert_eq!(s.rgb(f32::NAN), zero);
        assert_eq!(s.rgb(-2.0), s.rgb(-30.0), "clamped");
    }

    /// Viridis against matplotlib's published table (`_viridis_data`, entries 0, 64, 128,
    /// 191 and 255 of 256, times 255): the reference values, not the crate's.
    #[test]
    fn viridis_matches_matplotlib() {
        let s = ColorScale {
            palette: Palette::Sequential,
            lo: 0.0,
            hi: 1.0,
        };
        for (u, want) in [
            (0.0, [68u8, 1, 84]),
            (64.0 / 255.0, [59, 82, 139]),
            (128.0 / 255.0, [33, 145, 140]),
            (191.0 / 255.0, [94, 201, 98]),
            (1.0, [253, 231, 37]),
        ] {
            let got = s.rgb(u);
            assert!(
                (0..3).all(|c| (got[c] as i32 - want[c] as i32).abs() <= 2),
                "viridis({u}) = {got:?}, matplotlib {want:?}"
            );
        }
    }

    /// RdBu against ColorBrewer's 9-class table: ends #2166ac / #b2182b, centre #f7f7f7,
    /// and the quarter points #92c5de / #f4a582.
    #[test]
    fn rdbu_matches_colorbrewer() {
        let s = ColorScale {
            palette: Palette::Diverging,
            lo: -1.0,
            hi: 1.0,
        };
        for (v, want) in [
            (-1.0, [0x21, 0x66, 0xac]),
            (-0.5, [0x92, 0xc5, 0xde]),
            (0.0, [0xf7, 0xf7, 0xf7]),
            (0.5, [0xf4, 0xa5, 0x82]),
            (1.0, [0xb2, 0x18, 0x2b]),
        ] {
            let got = s.rgb(v);
            assert!(
                (0..3).all(|c| got[c] == want[c]),
                "rdbu({v}) = {got:?}, ColorBrewer {want:?}"
            );
        }
    }

    #[test]
    fn lut_matches_direct_colours() {
        let s = ColorScale {
            palette: Palette::Sequential,
            lo: 0.0,
            hi: 1.0,
        };
        let lut = s.lut();
        for k in 0..=100 {
            let v = k as f32 / 100.0;
            let (a, b) = (lut[s.lut_index(v)], s.rgb(v));
            assert!(
                (0..3).all(|c| (a[c] as i32 - b[c] as i32).abs() <= 2),
                "{v}: {a:?} vs {b:?}"
            );
        }
        assert_eq!(lut[s.lut_index(-5.0)], s.rgb(0.0));
        assert_eq!(lut[s.lut_index(f32::NAN)], lut[128]);
    }

    #[test]
    fn cell_state_scale_uses_real_range() {
        let s = ColorScale::for_series(Series::C, (-0.4, 1.42));
        assert_eq!((s.lo, s.hi), (-1.42, 1.42));
        let g = ColorScale::for_series(Series::F, (0.2, 0.3));
        assert_eq!((g.lo, g.hi, g.palette), (0.0, 1.0, Palette::Sequential));
    }

    #[test]
    fn significant_digits() {
        assert_eq!(format_sig(0.0926005, 4), "0.09260");
        assert_eq!(format_sig(-1.4198511, 4), "-1.420");
        assert_eq!(format_sig(123.456, 4), "123.5");
        assert_eq!(format_sig(1.5e-7, 4), "1.500e-7");
        assert_eq!(format_sig(0.0, 4), "0");
        assert_eq!(format_compact(1.0, 3), "1");
        assert_eq!(format_compact(-0.25, 3), "-0.25");
        assert_eq!(format_compact(120.0, 3), "120");
    }

    #[test]
    fn text_contrast() {
        let gate = ColorScale::for_series(Series::F, (0.0, 1.0));
        assert_eq!(text_on(gate.rgb(0.0)), "#fff");
        assert_eq!(text_on(gate.rgb(1.0)), "#000");
        let signed = ColorScale::for_series(Series::H, (-1.0, 1.0));
        assert_eq!(text_on(signed.rgb(0.0)), "#000");
    }
}
