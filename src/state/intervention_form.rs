//! The interventions form as plain data: what the user typed, checked into an
//! [`Intervention`] with a message for anything wrong, and a short description of each one.
//! Steps and units are 1-based here, as everywhere on screen; the core's are 0-based.

use crate::model::parse::excerpt;
use crate::model::{CellKind, Intervention, Series};

/// What the form can force for `kind`: its gates, then its states (c for an LSTM, h).
pub fn targets(kind: CellKind) -> Vec<Series> {
    let mut out: Vec<Series> = Series::of(kind)
        .iter()
        .copied()
        .filter(|s| !matches!(s, Series::C | Series::H))
        .collect();
    if kind == CellKind::Lstm {
        out.push(Series::C);
    }
    out.push(Series::H);
    out
}

/// The form's fields, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub series: Series,
    /// One unit (0-based), or `None` for every unit.
    pub unit: Option<usize>,
    /// First and last step (1-based); empty means the first / the last step.
    pub from: String,
    pub to: String,
    pub value: String,
}

impl Draft {
    /// The intervention, or one sentence saying which field is wrong. `hidden` and `steps`
    /// are the model's H and the input's length.
    pub fn build(
        &self,
        kind: CellKind,
        hidden: usize,
        steps: usize,
    ) -> Result<Intervention, String> {
        if !targets(kind).contains(&self.series) {
            return Err(format!(
                "A {} has no {}.",
                kind.name().to_ascii_uppercase(),
                self.series.label()
            ));
        }
        if let Some(u) = self.unit.filter(|&u| u >= hidden) {
            return Err(format!(
                "Unit {} does not exist; the model has {hidden}.",
                u + 1
            ));
        }
        let unit = self.unit;
        let from = match self.from.trim() {
            "" => 1,
            text => whole(text, "From step", 1, steps)?,
        };
        let to = match self.to.trim() {
            "" => steps,
            text => whole(text, "To step", 1, steps)?,
        };
        if to < from {
            return Err(format!("To step ({to}) comes before From step ({from})."));
        }
        let text = self.value.trim();
        let value: f32 = text
            .parse()
            .map_err(|_| format!("Set to: \"{}\" is not a number.", excerpt(text)))?;
        if !value.is_finite() {
            return Err(format!(
                "Set to: \"{}\" is not a finite number.",
                excerpt(text)
            ));
        }
        if self.series.range() == crate::model::Range::Unit && !(0.0..=1.0).contains(&value) {
            return Err(format!(
                "Set to: {} is a gate between 0 and 1; {value} is outside that.",
                self.series.label()
            ));
        }
        if self.series.range() == crate::model::Range::Symmetric && !(-1.0..=1.0).contains(&value) {
            return Err(format!(
                "Set to: {} lies between −1 and 1; {value} is outside that.",
                self.series.label()
            ));
        }
        Ok(Intervention {
            series: self.series,
            unit,
            steps: from - 1..=to - 1,
            value,
        })
    }
}

/// A whole number in `min..=max`, or a message naming `field`.
fn whole(text: &str, field: &str, min: usize, max: usize) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{field} must be a whole number from {min} to {max}; \"{}\" is not.",
            excerpt(text)
        )),
    }
}

/// "f = 1 · all units · steps 2–30", 1-based, as the list of interventions shows it.
pub fn describe(iv: &Intervention) -> String {
    let unit = match iv.unit {
        Some(u) => format!("unit {}", u + 1),
        None => "all units".to_string(),
    };
    let (a, b) = (iv.steps.start() + 1, iv.steps.end() + 1);
    let steps = if a == b {
        format!("step {a}")
    } else {
        format!("steps {a}–{b}")
    };
    format!("{} = {} · {unit} · {steps}", iv.series.symbol(), iv.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(series: Series, unit: Option<usize>, from: &str, to: &str, value: &str) -> Draft {
        Draft {
            series,
            unit,
            from: from.into(),
            to: to.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_draft_becomes_a_zero_based_intervention() {
        let iv = draft(Series::F, Some(1), "3", "5", "1")
            .build(CellKind::Lstm, 4, 10)
            .unwrap();
        assert_eq!((iv.unit, iv.steps.clone(), iv.value), (Some(1), 2..=4, 1.0));
        let all = draft(Series::H, None, "", "", "0")
            .build(CellKind::Rnn, 4, 10)
            .unwrap();
        assert_eq!((all.unit, all.steps), (None, 0..=9));
        assert_eq!(describe(&iv), "f = 1 · unit 2 · steps 3–5");
        let c = draft(Series::C, None, "7", "7", "-2.5")
            .build(CellKind::Lstm, 4, 9)
            .unwrap();
        assert_eq!(describe(&c), "c = -2.5 · all units · step 7");
    }

    #[test]
    fn bad_fields_get_one_message_each() {
        let long = "9".repeat(5000);
        let bad = [
            (
                draft(Series::F, Some(4), "", "", "1"),
                "Unit 5 does not exist",
            ),
            (draft(Series::F, None, "x", "", "1"), "\"x\" is not"),
            (draft(Series::F, None, "0", "", "1"), "From step must be"),
            (draft(Series::F, None, "", "11", "1"), "To step must be"),
            (draft(Series::F, None, "5", "3", "1"), "comes before"),
            (draft(Series::F, None, "", "", "abc"), "is not a number"),
            (draft(Series::F, None, "", "", "NaN"), "finite"),
            (draft(Series::F, None, "", "", "inf"), "finite"),
            (
                draft(Series::F, None, "", "", &long),
                "999…\" is not a finite",
            ),
            (
                draft(Series::F, None, "\u{202E}1", "", "1"),
                "\"\u{FFFD}1\" is not",
            ),
            (draft(Series::F, None, "", "", "1.5"), "between 0 and 1"),
            (draft(Series::G, None, "", "", "-2"), "between −1 and 1"),
            (draft(Series::Z, None, "", "", "1"), "has no"),
        ];
        for (d, want) in bad {
            let msg = d.build(CellKind::Lstm, 4, 10).unwrap_err();
            assert!(msg.contains(want), "{:?}: {msg}", d.series);
            assert!(msg.chars().count() < 120, "short: {msg}");
        }
        assert!(draft(Series::C, None, "", "", "1")
            .build(CellKind::Gru, 4, 10)
            .is_err());
        assert!(draft(Series::C, None, "", "", "-40")
            .build(CellKind::Lstm, 4, 10)
            .is_ok());
    }

    #[test]
    fn each_cell_offers_its_gates_and_states() {
        assert_eq!(
            targets(CellKind::Lstm),
            [
                Series::I,
                Series::F,
                Series::G,
                Series::O,
                Series::C,
                Series::H
            ]
        );
        assert_eq!(
            targets(CellKind::Gru),
            [Series::R, Series::Z, Series::N, Series::H]
        );
        assert_eq!(targets(CellKind::Rnn), [Series::H]);
    }
}
