//! How the page is looked at, beyond the model and the transport: the line chart's quantity,
//! the value tables left open, compare mode and its models, the layer-direction on show and
//! the lesson step. All of it goes into the link (`state::link`), so a link opens the page as
//! it was seen, not just the same numbers.

use crate::model::{CellKind, Series};

use super::lessons::LESSONS;

/// The view state a link carries. `Default` is the page as it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewOptions {
    /// The line chart's quantity.
    pub chart: Series,
    /// The main panels' value tables that are open.
    pub tables: Vec<Series>,
    /// Compare mode, when open: the models compared, in [`super::compare::COMPARED`]'s order.
    pub compare: Option<Vec<CellKind>>,
    /// The layer-direction on show (0-based), for a stacked or bidirectional model.
    pub layer: Option<usize>,
    /// The lesson and its step, 0-based.
    pub lesson: Option<(usize, usize)>,
}

impl Default for ViewOptions {
    fn default() -> Self {
        Self {
            chart: Series::H,
            tables: Vec::new(),
            compare: None,
            layer: None,
            lesson: None,
        }
    }
}

/// Largest layer-direction index a link may name (a 16-layer bidirectional stack has 32).
const MAX_LAYER_LINK: usize = 64;

impl ViewOptions {
    /// The link pairs of everything that differs from the default, in the order `chart`,
    /// `tables`, `cmp`, `layer`, `lesson`; numbers count from 1.
    pub fn encode(&self, out: &mut Vec<(&'static str, String)>) {
        if self.chart != Series::H {
            out.push(("chart", self.chart.symbol().to_string()));
        }
        if !self.tables.is_empty() {
            out.push(("tables", symbols(self.tables.iter().map(|s| s.symbol()))));
        }
        // An empty list (every model unticked) cannot be read back: it is left out.
        if let Some(kinds) = self.compare.as_ref().filter(|k| !k.is_empty()) {
            out.push(("cmp", symbols(kinds.iter().map(|k| k.name()))));
        }
        if let Some(k) = self.layer.filter(|&k| k > 0) {
            out.push(("layer", (k + 1).to_string()));
        }
        if let Some((l, s)) = self.lesson {
            out.push(("lesson", format!("{}.{}", l + 1, s + 1)));
        }
    }

    /// Reads one of this type's link fields into `self`; `None` if `key` is not one of them,
    /// else `Some(Err(message))` for a value that cannot be used (the field keeps its
    /// default).
    pub fn read(&mut self, key: &str, v: &str) -> Option<Result<(), String>> {
        let shown = excerpt(v);
        Some(match key {
            "chart" => match Series::from_symbol(v) {
                Some(s) => {
                    self.chart = s;
                    Ok(())
                }
                None => Err(format!(
                    "Chart must be one of i, f, g, o, r, z, n, c, h; \"{shown}\" is not."
                )),
            },
            "tables" => list(v, Series::from_symbol)
                .map(|t| self.tables = t)
                .ok_or_else(|| {
                    format!("Tables must list quantities such as h,c; \"{shown}\" does not.")
                }),
            "cmp" => match list(v, |n| CellKind::parse(n).ok()) {
                Some(mut kinds) if !kinds.is_empty() => {
                    kinds
                        .sort_by_key(|k| super::compare::COMPARED.iter().position(|(c, _)| c == k));
                    self.compare = Some(kinds);
                    Ok(())
                }
                _ => Err(format!(
                    "Compare must list lstm, gru or rnn; \"{shown}\" does not."
                )),
            },
            "layer" => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_LAYER_LINK).contains(&n) => {
                    self.layer = Some(n - 1);
                    Ok(())
                }
                _ => Err(format!(
                    "Layer must be a whole number from 1 to {MAX_LAYER_LINK}; \"{shown}\" is not."
                )),
            },
            "lesson" => lesson(v).map(|at| self.lesson = Some(at)).ok_or_else(|| {
                format!(
                    "Lesson must be \"lesson.step\" of one of the {} lessons; \"{shown}\" is not.",
                    LESSONS.len()
                )
            }),
            _ => return None,
        })
    }
}

/// The link keys [`ViewOptions::read`] takes.
pub const KEYS: [&str; 5] = ["chart", "tables", "cmp", "layer", "lesson"];

fn excerpt(v: &str) -> String {
    crate::model::parse::excerpt(v)
}

fn symbols<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(",")
}

/// A comma-separated list, every item read by `one`, without repeats; `None` if any item is
/// unknown.
fn list<T: PartialEq>(v: &str, one: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    let mut out = Vec::new();
    for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let x = one(item)?;
        if !out.contains(&x) {
            out.push(x);
        }
    }
    Some(out)
}

/// `L.S`, both from 1, naming an existing lesson step.
fn lesson(v: &str) -> Option<(usize, usize)> {
    let (l, s) = v.split_once('.')?;
    let (l, s) = (l.parse::<usize>().ok()?, s.parse::<usize>().ok()?);
    let steps = LESSONS.get(l.checked_sub(1)?)?.steps.len();
    (1..=steps).contains(&s).then(|| (l - 1, s - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_default_options_round_trip() {
        let v = ViewOptions {
            chart: Series::C,
            tables: vec![Series::F, Series::H],
            compare: Some(vec![CellKind::Lstm, CellKind::Rnn]),
            layer: Some(2),
            lesson: Some((1, 2)),
        };
        let mut out = Vec::new();
        v.encode(&mut out);
        let keys: Vec<_> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, KEYS);
        let mut back = ViewOptions::default();
        for (k, value) in &out {
            assert_eq!(back.read(k, value), Some(Ok(())), "{k}={value}");
        }
        assert_eq!(back, v);
    }

    #[test]
    fn the_default_writes_nothing() {
        let mut out = Vec::new();
        ViewOptions::default().encode(&mut out);
        assert!(out.is_empty());
        assert_eq!(ViewOptions::default().read("x", "1"), None);
    }

    #[test]
    fn bad_values_leave_the_default() {
        for (k, v) in [
            ("chart", "q"),
            ("tables", "h,<b>"),
            ("cmp", ""),
            ("cmp", "lstm,transformer"),
            ("layer", "0"),
            ("layer", "65"),
            ("layer", "-1"),
            ("lesson", "9.1"),
            ("lesson", "1.99"),
            ("lesson", "0.1"),
            ("lesson", "1"),
            ("lesson", "1.1.1"),
        ] {
            let mut o = ViewOptions::default();
            let r = o.read(k, v);
            assert!(matches!(r, Some(Err(_))), "{k}={v}: {r:?}");
            assert_eq!(o, ViewOptions::default(), "{k}={v}");
        }
    }

    #[test]
    fn compare_models_are_kept_in_the_panel_order() {
        let mut o = ViewOptions::default();
        assert_eq!(o.read("cmp", "rnn, lstm,rnn"), Some(Ok(())));
        assert_eq!(o.compare, Some(vec![CellKind::Lstm, CellKind::Rnn]));
    }
}
