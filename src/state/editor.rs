//! The per-step editor's rules as plain functions: what a cell shows, how typed text is read,
//! and how dragging or arrow keys change a value. The Leptos component
//! (`app::sequence_editor`) only wires these to events.

use std::fmt;

use crate::model::parse::excerpt;

/// Most steps shown as editable cells at once; longer sequences show a page of this many,
/// the one holding the current step.
pub const MAX_EDITABLE_STEPS: usize = 64;

/// The steps the editor shows for a sequence of `steps` steps when step `current` (0-based)
/// is current: all of them up to `page` steps, otherwise the page of `page` steps holding
/// `current` (pages start at multiples of `page`; the last one ends at the last step, so a
/// page is always full). Moving within a page leaves it unchanged.
pub fn step_window(steps: usize, current: usize, page: usize) -> std::ops::Range<usize> {
    if steps <= page || page == 0 {
        return 0..steps;
    }
    let start = (current.min(steps - 1) / page * page).min(steps - page);
    start..start + page
}
/// Characters a cell shows before its value is shortened (the exact value is in its tooltip).
pub const CELL_CHARS: usize = 6;
/// Value change per pixel dragged upwards.
pub const DRAG_PER_PX: f64 = 0.02;
/// Value change per pixel dragged upwards with Shift held.
pub const DRAG_PER_PX_FINE: f64 = 0.002;
/// Arrow Up / Down change.
pub const KEY_STEP: f64 = 0.1;
/// Arrow Up / Down change with Shift held.
pub const KEY_STEP_BIG: f64 = 1.0;
/// Dragging stops at ± this, so a long drag cannot run off to absurd values.
pub const DRAG_LIMIT: f64 = 1e6;
/// Pixels the pointer must travel before a press on the grip counts as a drag.
const DRAG_THRESHOLD_PX: f64 = 2.0;

/// The accessible name of the input for dimension `d` (0-based) of step `t` (0-based), for
/// an input of size `dims`: `"x at step 3"`, or `"x[2] at step 3"` when `dims > 1`.
pub fn cell_label(t: usize, d: usize, dims: usize) -> String {
    if dims > 1 {
        format!("x[{}] at step {}", d + 1, t + 1)
    } else {
        format!("x at step {}", t + 1)
    }
}

/// What a cell shows for `v`: the exact shortest form if it has at most [`CELL_CHARS`]
/// characters, otherwise as many significant digits as fit (`0.8415`, `123457`, `1.2e-5`).
pub fn format_cell(v: f32) -> String {
    if v == 0.0 {
        return "0".to_string(); // also for -0
    }
    if !v.is_finite() {
        return v.to_string();
    }
    let exact = v.to_string();
    if exact.len() <= CELL_CHARS {
        return exact;
    }
    if v.abs() >= 0.01 {
        for decimals in (0..=5).rev() {
            let s = trim_fraction(&format!("{v:.decimals$}"));
            if s.len() <= CELL_CHARS {
                return s;
            }
        }
    }
    for decimals in (0..=3).rev() {
        let s = format!("{v:.decimals$e}");
        let (mantissa, exp) = s.split_once('e').expect("exponent form");
        let s = format!("{}e{exp}", trim_fraction(mantissa));
        if s.len() <= CELL_CHARS || decimals == 0 {
            return s;
        }
    }
    unreachable!("the loop returns at decimals = 0")
}

/// `"1.2500"` → `"1.25"`, `"2.000"` → `"2"`, `"-0.0"` → `"0"`; integers are left alone.
fn trim_fraction(s: &str) -> String {
    if !s.contains('.') {
        return s.to_string();
    }
    let t = s.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" {
        "0".to_string()
    } else {
        t.to_string()
    }
}

/// Why a cell's text was not accepted. The text each variant carries is the trimmed cell
/// text as quoted in messages: at most
/// [`EXCERPT_CHARS`](crate::model::parse::EXCERPT_CHARS) characters and an ellipsis, control
/// characters shown as `�` (see [`excerpt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellTextError {
    Empty,
    NotANumber(String),
    NotFinite(String),
    TooLarge(String),
}

impl fmt::Display for CellTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellTextError::Empty => write!(f, "the cell is empty; type a number"),
            CellTextError::NotANumber(s) => write!(f, "\"{s}\" is not a number"),
            CellTextError::NotFinite(s) => write!(f, "\"{s}\" is not a finite number"),
            CellTextError::TooLarge(s) => {
                write!(f, "\"{s}\" is too large (|x| must be below 3.4e38)")
            }
        }
    }
}

/// Reads a cell's text as one finite number. Surrounding spaces are ignored, a Unicode minus
/// `−` is read as `-`, and a single decimal comma (`0,5`, as some phone keyboards type it)
/// as a point.
pub fn parse_cell(text: &str) -> Result<f32, CellTextError> {
    let raw = text.trim();
    if raw.is_empty() {
        return Err(CellTextError::Empty);
    }
    let mut s = raw.replace('−', "-");
    if !s.contains('.') && s.matches(',').count() == 1 {
        s = s.replace(',', ".");
    }
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => {
            let lower = s.to_ascii_lowercase();
            if lower.contains("nan") || lower.contains("inf") {
                Err(CellTextError::NotFinite(excerpt(raw)))
            } else {
                Err(CellTextError::TooLarge(excerpt(raw)))
            }
        }
        Err(_) => Err(CellTextError::NotANumber(excerpt(raw))),
    }
}

/// The message shown under the cells: `Step 3: "abc" is not a number` (with `, x[2]` after
/// the step when `dims > 1`).
pub fn cell_error_message(t: usize, d: usize, dims: usize, err: &CellTextError) -> String {
    if dims > 1 {
        format!("Step {}, x[{}]: {err}", t + 1, d + 1)
    } else {
        format!("Step {}: {err}", t + 1)
    }
}

/// Rounds to `decimals` places and returns an f32, never `-0`.
fn round_to(v: f64, decimals: i32) -> f32 {
    let scale = 10f64.powi(decimals);
    ((v * scale).round() / scale) as f32 + 0.0
}

/// Decimal places in the shortest form of `v` (f32's `Display` never uses an exponent).
fn decimals_of(v: f32) -> i32 {
    let s = v.to_string();
    s.split_once('.').map_or(0, |(_, frac)| frac.len() as i32)
}

/// Arrow Up (`up`) or Down: `v` ± 0.1, or ± 1 with Shift (`big`). Keeps the digits `v` already
/// had (0.123 → 0.223) up to 6 places and never returns float noise like 0.30000001.
pub fn nudge(v: f32, up: bool, big: bool) -> f32 {
    let step = if big { KEY_STEP_BIG } else { KEY_STEP };
    let step_decimals = if big { 0 } else { 1 };
    let decimals = decimals_of(v).min(6).max(step_decimals);
    let out = round_to(f64::from(v) + if up { step } else { -step }, decimals);
    if out.is_finite() {
        out
    } else {
        v
    }
}

/// A vertical drag on a cell's grip. Upwards raises the value by [`DRAG_PER_PX`] per pixel
/// ([`DRAG_PER_PX_FINE`] while Shift is held; switching mid-drag does not jump). Values are
/// rounded to the precision of the current rate (0.01 or 0.001).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drag {
    start_y: f64,
    last_y: f64,
    value: f64,
    moved: bool,
}

impl Drag {
    /// A press at client `y` on a cell holding `value`.
    pub fn start(value: f32, y: f64) -> Self {
        Self {
            start_y: y,
            last_y: y,
            value: f64::from(value),
            moved: false,
        }
    }

    /// The pointer is now at client `y` (pixels, downwards positive). Returns the new value, or
    /// `None` while the pointer is still within 2 px of where it was pressed (a click).
    pub fn move_to(&mut self, y: f64, fine: bool) -> Option<f32> {
        if !self.moved {
            if (y - self.start_y).abs() < DRAG_THRESHOLD_PX {
                return None;
            }
            self.moved = true;
        }
        let rate = if fine { DRAG_PER_PX_FINE } else { DRAG_PER_PX };
        self.value = (self.value - (y - self.last_y) * rate).clamp(-DRAG_LIMIT, DRAG_LIMIT);
        self.last_y = y;
        Some(round_to(self.value, if fine { 3 } else { 2 }))
    }

    /// True once the pointer has travelled past the click threshold.
    pub fn moved(&self) -> bool {
        self.moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sequences_show_the_page_of_the_current_step() {
        assert_eq!(step_window(5, 3, 64), 0..5);
        assert_eq!(step_window(64, 63, 64), 0..64);
        assert_eq!(step_window(10_000, 0, 64), 0..64);
        assert_eq!(step_window(10_000, 63, 64), 0..64);
        assert_eq!(step_window(10_000, 64, 64), 64..128);
        assert_eq!(step_window(10_000, 9_999, 64), 9_936..10_000);
        assert_eq!(step_window(100, 70, 64), 36..100, "the last page is full");
        assert_eq!(
            step_window(100, 500, 64),
            36..100,
            "a stale step is clamped"
        );
    }

    #[test]
    fn labels_name_step_and_dimension_from_one() {
        assert_eq!(cell_label(2, 0, 1), "x at step 3");
        assert_eq!(cell_label(2, 1, 3), "x[2] at step 3");
    }

    #[test]
    fn cells_show_short_values_exactly_and_shorten_long_ones() {
        for (v, want) in [
            (1.0, "1"),
            (-0.0, "0"),
            (0.0, "0"),
            (-0.951, "-0.951"),
            (0.125, "0.125"),
            (12.5, "12.5"),
            (0.841_470_96, "0.8415"),
            (-0.841_470_96, "-0.841"),
            (123_456.7, "123457"),
            (999_999.9, "1e6"),
            (0.012_345_6, "0.0123"),
            (0.000_123, "1.2e-4"),
            (-0.000_012_3, "-1e-5"),
            (3.0e30, "3e30"),
            (-1.5e-30, "-2e-30"),
        ] {
            let got = format_cell(v);
            assert_eq!(got, want, "{v}");
            assert!(got.len() <= CELL_CHARS, "{got}");
        }
    }

    #[test]
    fn shortened_values_stay_close() {
        for v in [
            0.841_470_96f32,
            -123.456_79,
            98_765.43,
            0.000_987_65,
            5.5e-9,
            2.4e20,
            -7.25e-12,
        ] {
            let back: f32 = format_cell(v).parse().unwrap();
            assert!(
                ((back - v) / v).abs() < 0.06,
                "{v} shown as {}",
                format_cell(v)
            );
        }
    }

    #[test]
    fn cell_text_accepts_finite_numbers_only() {
        assert_eq!(parse_cell(" 2.5 "), Ok(2.5));
        assert_eq!(parse_cell("−3"), Ok(-3.0));
        assert_eq!(parse_cell("0,5"), Ok(0.5));
        assert_eq!(parse_cell("1e-3"), Ok(0.001));
        assert_eq!(parse_cell(""), Err(CellTextError::Empty));
        assert_eq!(parse_cell("  "), Err(CellTextError::Empty));
        assert_eq!(
            parse_cell("abc"),
            Err(CellTextError::NotANumber("abc".into()))
        );
        assert_eq!(
            parse_cell("1,2,3"),
            Err(CellTextError::NotANumber("1,2,3".into()))
        );
        assert_eq!(
            parse_cell("1.5,2"),
            Err(CellTextError::NotANumber("1.5,2".into()))
        );
        assert_eq!(
            parse_cell("NaN"),
            Err(CellTextError::NotFinite("NaN".into()))
        );
        assert_eq!(
            parse_cell("-inf"),
            Err(CellTextError::NotFinite("-inf".into()))
        );
        assert_eq!(
            parse_cell("infinity"),
            Err(CellTextError::NotFinite("infinity".into()))
        );
        assert_eq!(
            parse_cell("1e39"),
            Err(CellTextError::TooLarge("1e39".into()))
        );
    }

    #[test]
    fn cell_errors_quote_a_short_excerpt_without_control_characters() {
        // Found by the property tests: the whole text, control characters and all, was
        // quoted in the message.
        assert_eq!(
            parse_cell("A\0a"),
            Err(CellTextError::NotANumber("A\u{FFFD}a".into()))
        );
        let long = format!("{}x", "9".repeat(1 << 20));
        let e = parse_cell(&long).unwrap_err();
        assert_eq!(e, CellTextError::NotANumber(format!("{}…", "9".repeat(24))));
        assert!(e.to_string().len() < 60, "{e}");
        assert_eq!(
            parse_cell(&"9".repeat(100)),
            Err(CellTextError::TooLarge(format!("{}…", "9".repeat(24))))
        );
    }

    #[test]
    fn error_messages_name_step_and_token() {
        let e = parse_cell("abc").unwrap_err();
        assert_eq!(
            cell_error_message(2, 0, 1, &e),
            "Step 3: \"abc\" is not a number"
        );
        assert_eq!(
            cell_error_message(2, 1, 2, &e),
            "Step 3, x[2]: \"abc\" is not a number"
        );
        let e = parse_cell("nan").unwrap_err();
        assert_eq!(
            cell_error_message(0, 0, 1, &e),
            "Step 1: \"nan\" is not a finite number"
        );
    }

    #[test]
    fn arrow_keys_step_without_float_noise() {
        assert_eq!(nudge(0.2, true, false), 0.3);
        assert_eq!(nudge(0.0, false, false), -0.1);
        assert_eq!(nudge(0.1, false, false), 0.0);
        assert!(nudge(0.1, false, false).is_sign_positive(), "no -0");
        assert_eq!(nudge(0.123, true, false), 0.223);
        assert_eq!(nudge(2.0, true, true), 3.0);
        assert_eq!(nudge(-0.5, true, true), 0.5);
        assert_eq!(nudge(0.841_470_96, true, false), 0.941_471);
        let mut v = 0.0;
        for _ in 0..30 {
            v = nudge(v, true, false);
        }
        assert_eq!(v, 3.0, "repeated steps do not drift");
        assert_eq!(nudge(f32::MAX, true, true), f32::MAX, "stays finite");
    }

    #[test]
    fn dragging_up_raises_the_value_and_shift_is_finer() {
        let mut d = Drag::start(1.0, 100.0);
        assert_eq!(d.move_to(101.0, false), None, "a click is not a drag");
        assert!(!d.moved());
        assert_eq!(d.move_to(90.0, false), Some(1.2));
        assert!(d.moved());
        assert_eq!(d.move_to(50.0, false), Some(2.0));
        assert_eq!(d.move_to(150.0, false), Some(0.0));
        assert_eq!(
            d.move_to(151.0, true),
            Some(-0.002),
            "fine: 0.002 per px, 3 decimals"
        );
        assert_eq!(
            d.move_to(152.0, false),
            Some(-0.02),
            "no jump when Shift is released"
        );
        assert_eq!(d.move_to(152.0, false), Some(-0.02));
    }

    #[test]
    fn drag_rounds_to_its_precision_and_is_bounded() {
        let mut d = Drag::start(0.123, 0.0);
        assert_eq!(d.move_to(-3.0, false), Some(0.18), "0.123 + 0.06, to 0.01");
        let mut d = Drag::start(0.0, 0.0);
        assert_eq!(d.move_to(-1e12, false), Some(DRAG_LIMIT as f32));
        assert_eq!(
            d.move_to(-1e12 + 10.0, false),
            Some(DRAG_LIMIT as f32 - 0.2),
            "no stored overshoot"
        );
        let mut d = Drag::start(0.5, 0.0);
        let mut last = 0.5;
        for y in 1..=50 {
            last = d.move_to(f64::from(y), false).unwrap_or(last);
        }
        assert_eq!(last, -0.5, "no drift over many small moves");
    }
}
