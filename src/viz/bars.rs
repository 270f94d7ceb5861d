//! Bar geometry for the per-step vector view.

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
