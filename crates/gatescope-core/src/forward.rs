//! The sequence loop: runs a [`Cell`] over every input and records every step.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::cell::{Cell, State};
use super::error::{ModelError, Result};
use super::params::{check_finite, check_size, CellKind, Params, MAX_STEPS};
use super::trace::{Series, Trace};

/// The state before the first step. Empty vectors mean zeros.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InitialState {
    /// `h_0`, length H (or empty for zeros).
    pub h0: Vec<f32>,
    /// `c_0`, length H (or empty for zeros); LSTM only, must be empty for GRU and RNN.
    pub c0: Vec<f32>,
}

impl InitialState {
    fn resolve(&self, params: &Params) -> Result<State> {
        let mut state = State::zeros(params);
        let h = params.hidden_size();
        let take = |what: &str, given: &[f32], dst: &mut Vec<f32>| -> Result<()> {
            if given.is_empty() {
                return Ok(());
            }
            if given.len() != h {
                return Err(ModelError::shape(
                    what,
                    format!("[{h}]"),
                    format!("[{}]", given.len()),
                ));
            }
            check_finite(what, given.iter(), &[h])?;
            dst.copy_from_slice(given);
            Ok(())
        };
        take("h0", &self.h0, &mut state.h)?;
        if params.kind() == CellKind::Lstm {
            take("c0", &self.c0, &mut state.c)?;
        } else if !self.c0.is_empty() {
            return Err(ModelError::Format(format!(
                "c0: a {} has no cell state; only LSTM takes c0",
                params.kind().name()
            )));
        }
        Ok(state)
    }
}

/// Most entries `T·H` a trace may hold (2^24 ≈ 16.8 M). An LSTM trace keeps six `[T, H]`
/// series of f32, so this bounds it at 400 MB, well inside wasm32's 4 GB address space,
/// whatever T and H are within their own limits.
pub const MAX_TRACE_ENTRIES: u64 = 1 << 24;

/// Runs `params` over `x` (`[T, D]`, one row per step) from `init` and returns the full
/// [`Trace`]: `x_t` and, per step, LSTM `i, f, g, o, c, h`, GRU `r, z, n, h`, RNN `h`,
/// each as `[T, H]`.
///
/// Errors: `x` not `[T, D]`, `T` outside `1..=`[`MAX_STEPS`], `T·H` beyond
/// [`MAX_TRACE_ENTRIES`], non-finite inputs, or an
/// initial state of the wrong length.
pub fn forward(params: &Params, x: ArrayView2<'_, f32>, init: &InitialState) -> Result<Trace> {
    let mut run = ForwardRun::new(params, x, init)?;
    run.advance(usize::MAX);
    Ok(run.finish())
}

/// A forward pass that can be run a few steps at a time, so a long sequence can be computed
/// across animation frames without freezing the page. [`forward`] is this run to the end.
#[derive(Debug, Clone)]
pub struct ForwardRun {
    cell: Cell,
    state: State,
    xt: Vec<f32>,
    done: usize,
    trace: Trace,
}

impl ForwardRun {
    /// Validates the inputs (as [`forward`] does) and prepares buffers for every step.
    pub fn new(params: &Params, x: ArrayView2<'_, f32>, init: &InitialState) -> Result<Self> {
        let (t_len, d) = x.dim();
        if d != params.input_size() {
            return Err(ModelError::shape(
                "input x",
                format!("[T, {}]", params.input_size()),
                format!("[{t_len}, {d}]"),
            ));
        }
        check_size("sequence length T", t_len, MAX_STEPS)?;
        let hidden = params.hidden_size();
        let entries = t_len as u64 * hidden as u64;
        if entries > MAX_TRACE_ENTRIES {
            return Err(ModelError::Size {
                what: "trace size T·H",
                value: usize::try_from(entries).unwrap_or(usize::MAX),
                min: 1,
                max: MAX_TRACE_ENTRIES as usize,
            });
        }
        check_finite("input x", x.iter(), &[t_len, d])?;
        let state = init.resolve(params)?;
        let (h0, c0) = (Array1::from(state.h.clone()), Array1::from(state.c.clone()));
        let kind = params.kind();
        let series = Series::of(kind)
            .iter()
            .map(|_| Array2::zeros((t_len, hidden)))
            .collect();
        let trace = Trace {
            kind,
            x: x.to_owned(),
            h0,
            c0,
            series,
        };
        Ok(Self {
            cell: Cell::new(params),
            state,
            xt: vec![0.0; d],
            done: 0,
            trace,
        })
    }

    /// The input being run, `[T, D]`.
    pub fn x(&self) -> ArrayView2<'_, f32> {
        self.trace.x()
    }

    /// Steps computed so far, and T.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.trace.steps())
    }

    /// True once every step is computed.
    pub fn is_done(&self) -> bool {
        self.done == self.trace.steps()
    }

    /// Computes up to `max_steps` more steps; returns [`ForwardRun::is_done`].
    pub fn advance(&mut self, max_steps: usize) -> bool {
        let hidden = self.trace.hidden_size();
        let t_end = self.done.saturating_add(max_steps).min(self.trace.steps());
        let lstm = self.trace.kind == CellKind::Lstm;
        for t in self.done..t_end {
            // Rows of a non-contiguous view cannot be borrowed as slices; copy one step (D ≤ 64).
            for (dst, src) in self.xt.iter_mut().zip(self.trace.x.row(t)) {
                *dst = *src;
            }
            self.cell.step(&self.xt, &mut self.state);
            let gates = self.cell.gates();
            let series = &mut self.trace.series;
            for (k, arr) in series
                .iter_mut()
                .take(gates.len() / hidden.max(1))
                .enumerate()
            {
                arr.row_mut(t)
                    .assign(&ArrayView1::from(&gates[k * hidden..(k + 1) * hidden]));
            }
            let last = series.len() - 1;
            if lstm {
                series[last - 1]
                    .row_mut(t)
                    .assign(&ArrayView1::from(&self.state.c[..]));
            }
            series[last]
                .row_mut(t)
                .assign(&ArrayView1::from(&self.state.h[..]));
        }
        self.done = t_end;
        self.is_done()
    }

    /// The trace. Steps not yet computed (if [`ForwardRun::is_done`] is false) are zeros.
    pub fn finish(self) -> Trace {
        self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InitConfig;

    #[test]
    fn a_run_in_chunks_equals_one_pass() {
        let p = Params::init(
            CellKind::Gru,
            5,
            2,
            InitConfig {
                seed: 4,
                ..Default::default()
            },
        )
        .unwrap();
        let x = Array2::from_shape_fn((23, 2), |(t, d)| ((t * 3 + d) as f32 * 0.37).sin());
        let whole = forward(&p, x.view(), &InitialState::default()).unwrap();
        let mut run = ForwardRun::new(&p, x.view(), &InitialState::default()).unwrap();
        let mut chunks = 0;
        while !run.advance(4) {
            chunks += 1;
        }
        assert_eq!((chunks, run.progress()), (5, (23, 23)));
        assert_eq!(run.finish(), whole);
    }
}
