//! Presets that teach: an input and a set of interventions that make one of the article's
//! claims visible, with one sentence saying what to look at.

use std::ops::RangeInclusive;

use ndarray::Array2;

use crate::model::{CellKind, Intervention, Series};

/// One teaching preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lesson {
    /// An impulse, then f = 0: the memory is erased at once.
    ForgetShut,
    /// i = 0 throughout: nothing is ever written.
    InputShut,
    /// An impulse, then f = 1 and i = 0 for 50 steps: c holds it exactly.
    ImpulseHeld,
    /// The same impulse with the model's own gates: it fades.
    ImpulseFades,
    /// GRU: an impulse, then z = 1: h is frozen.
    UpdateHeld,
}

/// Steps after the impulse in the impulse presets.
const HOLD: usize = 50;

impl Lesson {
    /// The presets that apply to `kind`, in the order the panel lists them.
    pub fn for_kind(kind: CellKind) -> &'static [Lesson] {
        match kind {
            CellKind::Lstm => &[
                Lesson::ImpulseHeld,
                Lesson::ImpulseFades,
                Lesson::ForgetShut,
                Lesson::InputShut,
            ],
            CellKind::Gru => &[Lesson::UpdateHeld, Lesson::ImpulseFades],
            CellKind::Rnn => &[Lesson::ImpulseFades],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Lesson::ForgetShut => "Forget gate shut: memory erased",
            Lesson::InputShut => "Input gate shut: nothing written",
            Lesson::ImpulseHeld => "Memory held for 50 steps",
            Lesson::ImpulseFades => "Memory left alone: it fades",
            Lesson::UpdateHeld => "Update gate held at 1: h frozen",
        }
    }

    /// What to look at, in one sentence.
    pub fn sentence(self) -> &'static str {
        match self {
            Lesson::ForgetShut => {
                "With f = 0 from step 2 on, c keeps nothing of step 1's impulse: each step's \
                 c is only what i·g writes (compare with \"Memory left alone\")."
            }
            Lesson::InputShut => {
                "With i = 0 at every step, nothing is ever written: from a zero initial state, \
                 c and h stay exactly 0 whatever the input."
            }
            Lesson::ImpulseHeld => {
                "Step 1 writes an impulse into c; then f = 1 keeps all of it and i = 0 writes \
                 nothing, so the c heatmap stays the same colour for 50 steps: the article's \
                 long-term memory."
            }
            Lesson::ImpulseFades => {
                "One impulse at step 1, then zeros, with the model's own gates: f < 1 lets \
                 the memory leak, so c (h for a GRU or RNN) drifts to where it would be with \
                 no impulse at all, and the impulse is forgotten."
            }
            Lesson::UpdateHeld => {
                "With z = 1 after step 1, the GRU's h is copied unchanged from step to step: \
                 the update gate is its memory."
            }
        }
    }

    /// The input: an impulse of 1 on every input at step 1, then zeros (the seed article's
    /// 1, 2, 3, 4, 5 for "Input gate shut").
    pub fn input(self, d: usize) -> Array2<f32> {
        match self {
            Lesson::InputShut => Array2::from_shape_fn((5, d), |(t, _)| (t + 1) as f32),
            _ => Array2::from_shape_fn((HOLD + 1, d), |(t, _)| if t == 0 { 1.0 } else { 0.0 }),
        }
    }

    /// The interventions, for an input of `steps` steps.
    pub fn interventions(self, steps: usize) -> Vec<Intervention> {
        let last = steps.saturating_sub(1);
        let all = |series, range: RangeInclusive<usize>, value| Intervention {
            series,
            unit: None,
            steps: range,
            value,
        };
        match self {
            Lesson::ForgetShut => vec![all(Series::F, 1..=last.max(1), 0.0)],
            Lesson::InputShut => vec![all(Series::I, 0..=last, 0.0)],
            Lesson::ImpulseHeld => vec![
                all(Series::F, 1..=last.max(1), 1.0),
                all(Series::I, 1..=last.max(1), 0.0),
            ],
            Lesson::ImpulseFades => vec![],
            Lesson::UpdateHeld => vec![all(Series::Z, 1..=last.max(1), 1.0)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Interventions;

    #[test]
    fn every_preset_is_valid_for_its_cells() {
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            for &lesson in Lesson::for_kind(kind) {
                let x = lesson.input(3);
                assert_eq!(x.ncols(), 3);
                let list = lesson.interventions(x.nrows());
                assert!(list.iter().all(|iv| *iv.steps.end() < x.nrows()));
                Interventions::new(kind, 4, list).unwrap();
            }
        }
    }
}
