//! Interventions: forcing a gate or a state to a value inside the forward pass, so a learner
//! can see what a gate does by taking it over ("forget gate = 1", "input gate = 0", "h of
//! unit 3 = 0").
//!
//! They are part of the one step ([`Cell`](crate::Cell)), not a post-processing of the
//! trace: a clamped gate is the value the state update uses, and a set state is what the
//! next step reads. At step t, in order:
//!
//! ```text
//! gates from the weights  →  clamped gates (i f g o / r z n) replaced  →  state update
//! →  set states (c, h) replaced  →  recorded
//! ```
//!
//! Steps are 0-based here (the CLI's flags are 1-based).

use std::ops::RangeInclusive;

use super::cell::State;
use super::error::{ModelError, Result};
use super::params::CellKind;
use super::trace::Series;

/// One intervention: `series` of `unit` (or of every unit) takes `value` at every step in
/// `steps`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    /// A gate of the cell (LSTM i, f, g, o; GRU r, z, n) or a state (LSTM c; h for all).
    pub series: Series,
    /// The unit (0-based), or `None` for every unit.
    pub unit: Option<usize>,
    /// The steps (0-based, inclusive).
    pub steps: RangeInclusive<usize>,
    pub value: f32,
}

/// A validated set of interventions for a cell of one kind and hidden size.
#[derive(Debug, Clone, PartialEq)]
pub struct Interventions {
    kind: CellKind,
    hidden: usize,
    list: Vec<Intervention>,
}

impl Interventions {
    /// Checks every intervention against the cell: a series the cell has (a gate, c for an
    /// LSTM, h), a unit below `hidden`, a finite value and a non-empty step range.
    pub fn new(kind: CellKind, hidden: usize, list: Vec<Intervention>) -> Result<Self> {
        for iv in &list {
            let s = iv.series;
            let known = Series::of(kind).contains(&s);
            if !known {
                return Err(ModelError::Format(format!(
                    "intervention: a {} has no {} ({})",
                    kind.name().to_ascii_uppercase(),
                    s.symbol(),
                    s.label()
                )));
            }
            if let Some(u) = iv.unit.filter(|&u| u >= hidden) {
                return Err(ModelError::Format(format!(
                    "intervention on {}: unit {} does not exist (the cell has {hidden})",
                    s.symbol(),
                    u + 1
                )));
            }
            if !iv.value.is_finite() {
                return Err(ModelError::NonFinite {
                    what: format!("intervention on {}", s.symbol()),
                    index: String::new(),
                    value: iv.value,
                });
            }
            if iv.steps.is_empty() {
                return Err(ModelError::Format(format!(
                    "intervention on {}: steps {}..{} are empty",
                    s.symbol(),
                    iv.steps.start() + 1,
                    iv.steps.end() + 1
                )));
            }
        }
        Ok(Self { kind, hidden, list })
    }

    /// The cell kind and hidden size these were checked for.
    pub fn shape(&self) -> (CellKind, usize) {
        (self.kind, self.hidden)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    pub fn list(&self) -> &[Intervention] {
        &self.list
    }
    /// The first step any intervention touches (`None` when there are none): a trace is
    /// unchanged before it.
    pub fn first_step(&self) -> Option<usize> {
        self.list.iter().map(|iv| *iv.steps.start()).min()
    }
    /// True when something is forced at step `t`.
    pub fn active_at(&self, t: usize) -> bool {
        self.list.iter().any(|iv| iv.steps.contains(&t))
    }

    /// Replaces the clamped gates of step `t` in `gates` (the cell's gate blocks, `H` each,
    /// in PyTorch's order: LSTM i, f, g, o; GRU r, z, n).
    pub(crate) fn clamp_gates(&self, t: usize, kind: CellKind, h: usize, gates: &mut [f32]) {
        for iv in self.list.iter().filter(|iv| iv.steps.contains(&t)) {
            let Some(block) = gate_block(kind, iv.series) else {
                continue;
            };
            fill(&mut gates[block * h..(block + 1) * h], iv.unit, iv.value);
        }
    }

    /// Replaces the set states of step `t` (after its update).
    pub(crate) fn set_states(&self, t: usize, state: &mut State) {
        for iv in self.list.iter().filter(|iv| iv.steps.contains(&t)) {
            match iv.series {
                Series::C => fill(&mut state.c, iv.unit, iv.value),
                Series::H => fill(&mut state.h, iv.unit, iv.value),
                _ => {}
            }
        }
    }
}

/// Which gate block of `kind` holds `s`.
fn gate_block(kind: CellKind, s: Series) -> Option<usize> {
    match (kind, s) {
        (CellKind::Lstm, Series::I) | (CellKind::Gru, Series::R) => Some(0),
        (CellKind::Lstm, Series::F) | (CellKind::Gru, Series::Z) => Some(1),
        (CellKind::Lstm, Series::G) | (CellKind::Gru, Series::N) => Some(2),
        (CellKind::Lstm, Series::O) => Some(3),
        _ => None,
    }
}

fn fill(values: &mut [f32], unit: Option<usize>, v: f32) {
    match unit {
        Some(u) => {
            if let Some(x) = values.get_mut(u) {
                *x = v;
            }
        }
        None => values.iter_mut().for_each(|x| *x = v),
    }
}
