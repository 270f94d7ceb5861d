//! "Walk through this step": the parts of one cell step in the order a teacher tells them,
//! each with one plain sentence and the quantities it covers, so the cell diagram and the
//! step explainer highlight the same thing at the same time.

use crate::model::{CellKind, Series};

/// One part of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkPart {
    /// A short title ("Forget").
    pub title: &'static str,
    /// One sentence of plain explanation.
    pub sentence: &'static str,
    /// The quantities this part computes; the explainer highlights their lines and the
    /// diagram their nodes and lines.
    pub series: &'static [Series],
}

const LSTM: [WalkPart; 4] = [
    WalkPart {
        title: "Forget",
        sentence: "The forget gate f looks at the last output and the new input, and decides \
                   how much of the old memory c to keep: 1 keeps all of it, 0 erases it.",
        series: &[Series::F],
    },
    WalkPart {
        title: "Input and candidate",
        sentence: "The candidate g proposes new content from the same inputs, and the input \
                   gate i decides how much of it to write.",
        series: &[Series::I, Series::G],
    },
    WalkPart {
        title: "Update the memory",
        sentence: "The new memory c is what was kept (f × old c) plus what was written (i × g).",
        series: &[Series::C],
    },
    WalkPart {
        title: "Output",
        sentence: "The output gate o decides how much of tanh(c) to show as this step's \
                   output h, which the next step reads.",
        series: &[Series::O, Series::H],
    },
];

const GRU: [WalkPart; 4] = [
    WalkPart {
        title: "Reset",
        sentence: "The reset gate r decides how much of the last output h the candidate may \
                   look at.",
        series: &[Series::R],
    },
    WalkPart {
        title: "Candidate",
        sentence: "The candidate n proposes a new output from the input and the reset part of \
                   the last output.",
        series: &[Series::N],
    },
    WalkPart {
        title: "Update gate",
        sentence: "The update gate z decides how much of the last output to keep: 1 keeps it \
                   unchanged, 0 replaces it by the candidate.",
        series: &[Series::Z],
    },
    WalkPart {
        title: "Blend",
        sentence: "The new output h is (1 − z) × n plus z × the last output.",
        series: &[Series::H],
    },
];

const RNN: [WalkPart; 2] = [
    WalkPart {
        title: "Mix",
        sentence: "A plain RNN adds up its weights times the last output and the new input, \
                   plus a bias, in one sum.",
        series: &[],
    },
    WalkPart {
        title: "Squash",
        sentence: "tanh squeezes that sum into (−1, 1), giving the new output h. There is no \
                   gate to protect a memory.",
        series: &[Series::H],
    },
];

/// The parts of a step of `kind`, in order.
pub fn parts(kind: CellKind) -> &'static [WalkPart] {
    match kind {
        CellKind::Lstm => &LSTM,
        CellKind::Gru => &GRU,
        CellKind::Rnn => &RNN,
    }
}

/// The part `k` of `kind`'s walk-through, if there is one (an index kept from another cell
/// kind may be past the end).
pub fn part(kind: CellKind, k: Option<usize>) -> Option<WalkPart> {
    k.and_then(|k| parts(kind).get(k).copied())
}

/// True when `s` is highlighted by walk-through part `k` (nothing is when no walk-through
/// is running).
pub fn highlights(kind: CellKind, k: Option<usize>, s: Series) -> bool {
    part(kind, k).is_some_and(|p| p.series.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gate_and_state_is_covered_once() {
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            for &s in Series::of(kind) {
                let n = parts(kind).iter().filter(|p| p.series.contains(&s)).count();
                assert_eq!(n, 1, "{kind:?} {s:?}");
            }
        }
    }

    #[test]
    fn indices_from_another_cell_are_ignored() {
        assert!(part(CellKind::Rnn, Some(3)).is_none());
        assert!(highlights(CellKind::Lstm, Some(0), Series::F));
        assert!(!highlights(CellKind::Lstm, None, Series::F));
    }
}
