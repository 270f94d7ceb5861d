//! Tick placement for axes drawn in HTML around canvases.

/// Up to about `max_labels` indices in `0..n`, evenly spaced on a "nice" step (1, 2, 5,
/// 10, …), always including the first index.
pub fn ticks(n: usize, max_labels: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let max_labels = max_labels.max(1);
    let mut step = 1;
    'outer: for mag in [1, 10, 100, 1000, 10_000, 100_000] {
        for m in [1, 2, 5] {
            step = m * mag;
            if n.div_ceil(step) <= max_labels {
                break 'outer;
            }
        }
    }
    if step <= 2 {
        return (0..n).step_by(step).collect();
    }
    // Ticks sit on multiples of the step in 1-based numbering (t = 1, 5, 10, …).
    let mut out = vec![0];
    out.extend((step..=n).step_by(step).map(|k| k - 1).filter(|&k| k > 0));
    out
}

/// The steps a value table lists: all of them when the table is small, otherwise a window of
/// `window` steps ending at `current`, so screen readers get a usable table at any T.
pub fn table_steps(
    t_len: usize,
    hidden: usize,
    current: usize,
    window: usize,
) -> std::ops::Range<usize> {
    if (t_len as u64) * (hidden as u64) <= 1024 || t_len <= window {
        return 0..t_len;
    }
    let end = (current + 1).clamp(window, t_len);
    end - window..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_axes_label_every_step() {
        assert_eq!(ticks(5, 10), vec![0, 1, 2, 3, 4]);
        assert_eq!(
            ticks(20, 12),
            vec![0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
            "odd steps 1, 3, 5, …"
        );
    }

    #[test]
    fn long_axes_use_nice_steps() {
        assert_eq!(
            ticks(100, 10),
            vec![0, 9, 19, 29, 39, 49, 59, 69, 79, 89, 99]
        );
        assert!(ticks(10_000, 8).len() <= 9);
    }

    #[test]
    fn tables_window_large_traces() {
        assert_eq!(table_steps(5, 4, 4, 20), 0..5);
        assert_eq!(table_steps(10_000, 256, 9_999, 20), 9_980..10_000);
        assert_eq!(table_steps(10_000, 256, 3, 20), 0..20);
    }
}
