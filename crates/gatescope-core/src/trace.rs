//! The record of a forward pass: the input and every gate and state at every step.

use ndarray::{Array1, Array2, ArrayView2};

use super::params::CellKind;

/// One recorded quantity of a cell. Each is stored as a `[T, H]` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    /// LSTM input gate i_t ∈ (0, 1).
    I,
    /// LSTM forget gate f_t ∈ (0, 1).
    F,
    /// LSTM candidate g_t ∈ (−1, 1) (the classic C̃_t).
    G,
    /// LSTM output gate o_t ∈ (0, 1).
    O,
    /// LSTM cell state c_t, unbounded.
    C,
    /// Hidden state h_t ∈ (−1, 1), all cells.
    H,
    /// GRU reset gate r_t ∈ (0, 1).
    R,
    /// GRU update gate z_t ∈ (0, 1).
    Z,
    /// GRU new-state candidate n_t ∈ (−1, 1).
    N,
}

/// The range a quantity can take, which decides its colour scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// (0, 1): a sigmoid gate.
    Unit,
    /// (−1, 1): a tanh output.
    Symmetric,
    /// Unbounded (the LSTM cell state).
    Unbounded,
}

impl Series {
    /// The symbol used in equations, CSV and JSON keys: `i`, `f`, `g`, ...
    pub fn symbol(self) -> &'static str {
        match self {
            Series::I => "i",
            Series::F => "f",
            Series::G => "g",
            Series::O => "o",
            Series::C => "c",
            Series::H => "h",
            Series::R => "r",
            Series::Z => "z",
            Series::N => "n",
        }
    }

    /// The accessible, human name: "Input gate i", "Cell state c", ...
    pub fn label(self) -> &'static str {
        match self {
            Series::I => "Input gate i",
            Series::F => "Forget gate f",
            Series::G => "Candidate g",
            Series::O => "Output gate o",
            Series::C => "Cell state c",
            Series::H => "Hidden state h",
            Series::R => "Reset gate r",
            Series::Z => "Update gate z",
            Series::N => "New state n",
        }
    }

    pub fn range(self) -> Range {
        match self {
            Series::I | Series::F | Series::O | Series::R | Series::Z => Range::Unit,
            Series::G | Series::H | Series::N => Range::Symmetric,
            Series::C => Range::Unbounded,
        }
    }

    /// Every series of every cell: LSTM i, f, g, o, c, then h, then GRU r, z, n.
    pub const ALL: [Series; 9] = [
        Series::I,
        Series::F,
        Series::G,
        Series::O,
        Series::C,
        Series::H,
        Series::R,
        Series::Z,
        Series::N,
    ];

    /// The series whose [`Series::symbol`] is `symbol`.
    pub fn from_symbol(symbol: &str) -> Option<Series> {
        Self::ALL.into_iter().find(|s| s.symbol() == symbol)
    }

    /// What a cell records, in display order.
    pub fn of(kind: CellKind) -> &'static [Series] {
        match kind {
            CellKind::Lstm => &[
                Series::I,
                Series::F,
                Series::G,
                Series::O,
                Series::C,
                Series::H,
            ],
            CellKind::Gru => &[Series::R, Series::Z, Series::N, Series::H],
            CellKind::Rnn => &[Series::H],
        }
    }
}

/// Every input, gate and state of one forward pass. Row `t` of every array is step `t+1`
/// (the step that consumed `x[t]`); the initial state is kept apart in `h0` / `c0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub(crate) kind: CellKind,
    /// `[T, D]`.
    pub(crate) x: Array2<f32>,
    /// `[H]`.
    pub(crate) h0: Array1<f32>,
    /// `[H]` for LSTM, empty otherwise.
    pub(crate) c0: Array1<f32>,
    /// `[T, H]` per entry of [`Series::of`]`(kind)`, in that order.
    pub(crate) series: Vec<Array2<f32>>,
    /// Per series, the (min, max) of each step's row, kept as the rows are written, so
    /// [`Trace::min_max`] reads T pairs instead of T·H values (colour scales ask on every
    /// edit).
    pub(crate) extents: Vec<Vec<(f32, f32)>>,
    /// Recorded by a reverse direction: steps ran from `T-1` down to 0, row `t` is still the
    /// state right after consuming `x[t]`, and `h0` / `c0` preceded `x[T-1]`.
    pub(crate) reverse: bool,
}

impl Trace {
    pub fn kind(&self) -> CellKind {
        self.kind
    }
    /// True when the steps ran backwards in time (a bidirectional layer's reverse half).
    pub fn is_reverse(&self) -> bool {
        self.reverse
    }
    /// T.
    pub fn steps(&self) -> usize {
        self.x.nrows()
    }
    /// D.
    pub fn input_size(&self) -> usize {
        self.x.ncols()
    }
    /// H.
    pub fn hidden_size(&self) -> usize {
        self.h0.len()
    }
    /// The input, `[T, D]`.
    pub fn x(&self) -> ArrayView2<'_, f32> {
        self.x.view()
    }
    pub fn h0(&self) -> &Array1<f32> {
        &self.h0
    }
    /// Empty unless the cell is an LSTM.
    pub fn c0(&self) -> &Array1<f32> {
        &self.c0
    }
    /// The quantities this trace holds, in display order.
    pub fn series(&self) -> &'static [Series] {
        Series::of(self.kind)
    }
    /// `[T, H]` values of `s`, or `None` if this cell has no such quantity.
    pub fn get(&self, s: Series) -> Option<ArrayView2<'_, f32>> {
        let k = self.series().iter().position(|&x| x == s)?;
        Some(self.series[k].view())
    }
    /// Smallest and largest value of `s` (for colour legends).
    pub fn min_max(&self, s: Series) -> Option<(f32, f32)> {
        let k = self.series().iter().position(|&x| x == s)?;
        Some(
            self.extents[k]
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &(a, b)| {
                    (lo.min(a), hi.max(b))
                }),
        )
    }
}
