//! The sequence loop: runs a [`Cell`] over every input and records every step.

use ndarray::{Array1, Array2, ArrayView2};

use super::cell::{Cell, State};
use super::error::{ModelError, Result};
use super::intervene::Interventions;
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

/// Steps whose input projections are computed together, ahead of their recurrence.
const BLOCK: usize = 32;

/// The one sequence loop: advances `state` over the rows of `xs` (`[n, D]`) and calls
/// `record(k, cell, state)` after step `k` (0-based within `xs`), when
/// [`Cell::gates`] and `state` hold that step's values.
///
/// The input projections `W_ih·x_t + b_ih` do not depend on the recurrence, so they are
/// computed a block of steps at a time first (into `scratch`, grown once to
/// `BLOCK · projection_len`); the recurrence then only adds `W_hh·h_{t-1} + b_hh`.
/// Every forward pass in gatescope (the app's traces, training, the CLI, the peers
/// benchmark) goes through this loop; what each keeps is its `record`.
pub fn run_steps(
    cell: &mut Cell,
    xs: ArrayView2<'_, f32>,
    state: &mut State,
    scratch: &mut Vec<f32>,
    mut record: impl FnMut(usize, &Cell, &State),
) {
    let (n, d) = xs.dim();
    let plen = cell.projection_len();
    if scratch.len() < BLOCK * plen {
        scratch.resize(BLOCK * plen, 0.0);
    }
    let mut row = vec![0.0; if xs.is_standard_layout() { 0 } else { d }];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        for (k, out) in scratch.chunks_exact_mut(plen).take(len).enumerate() {
            let x = xs.row(start + k);
            match x.as_slice() {
                Some(x) => cell.project(x, out),
                None => {
                    // A strided view (e.g. a transposed array): copy the row (D ≤ 64).
                    row.iter_mut().zip(x).for_each(|(dst, v)| *dst = *v);
                    cell.project(&row, out);
                }
            }
        }
        for (k, xp) in scratch.chunks_exact(plen).take(len).enumerate() {
            cell.step_projected(xp, state);
            record(start + k, cell, state);
        }
        start += len;
    }
}

/// A forward pass that can be run a few steps at a time, so a long sequence can be computed
/// across animation frames without freezing the page. [`forward`] is this run to the end.
#[derive(Debug, Clone)]
pub struct ForwardRun {
    cell: Cell,
    state: State,
    scratch: Vec<f32>,
    done: usize,
    trace: Trace,
}

impl ForwardRun {
    /// Validates the inputs (as [`forward`] does) and prepares buffers for every step.
    pub fn new(params: &Params, x: ArrayView2<'_, f32>, init: &InitialState) -> Result<Self> {
        let (state, trace) = prepare(params, x, init)?;
        Ok(Self {
            cell: Cell::new(params),
            state,
            scratch: Vec::new(),
            done: 0,
            trace,
        })
    }

    /// A run over `x` that keeps the first `from` steps of `prefix`, a trace computed by
    /// `params` whose first `from` inputs equal `x`'s: after one value changed (`from` is its
    /// step), a step was inserted or deleted (the first step that moved). The state after
    /// step `from − 1` is read from `prefix`, which records every step's `h` and `c`: every
    /// step is a checkpoint, so only steps `from..` are computed again.
    ///
    /// Errors: those of [`ForwardRun::new`]; a `prefix` of another cell or size than
    /// `params`, shorter than `from` steps, or whose inputs before `from` differ from `x`'s.
    pub fn resume(
        params: &Params,
        prefix: &Trace,
        x: ArrayView2<'_, f32>,
        from: usize,
    ) -> Result<Self> {
        Self::resume_in(params, std::borrow::Cow::Borrowed(prefix), x, from)
    }

    /// [`ForwardRun::resume`] that writes into `prefix`'s own arrays instead of a copy of
    /// them, when `x` has as many steps as `prefix` (a value changed): a caller that keeps
    /// an older trace nobody shows any more saves copying the whole trace (80 MB at
    /// T = 10 000, H = 256: 11 ms a frame of a drag in the browser). Steps `from..` of
    /// `prefix` are recomputed; the result equals [`ForwardRun::resume`]'s.
    pub fn resume_owned(
        params: &Params,
        prefix: Trace,
        x: ArrayView2<'_, f32>,
        from: usize,
    ) -> Result<Self> {
        Self::resume_in(params, std::borrow::Cow::Owned(prefix), x, from)
    }

    fn resume_in(
        params: &Params,
        prefix: std::borrow::Cow<'_, Trace>,
        x: ArrayView2<'_, f32>,
        from: usize,
    ) -> Result<Self> {
        let same_shape = prefix.kind == params.kind()
            && prefix.hidden_size() == params.hidden_size()
            && prefix.input_size() == params.input_size();
        let from = from.min(x.nrows());
        if !same_shape || prefix.steps() < from {
            return Err(ModelError::Format(format!(
                "cannot resume at step {from} from a {} trace of {} steps (H = {}, D = {})",
                prefix.kind.name(),
                prefix.steps(),
                prefix.hidden_size(),
                prefix.input_size()
            )));
        }
        if prefix.reverse {
            return Err(ModelError::Format(
                "cannot resume a reverse direction's trace: every step depends on the last input"
                    .to_string(),
            ));
        }
        let rows = ndarray::s![..from, ..];
        if prefix.x.slice(rows) != x.slice(rows) {
            return Err(ModelError::Format(format!(
                "cannot resume at step {from}: earlier inputs differ from the trace's"
            )));
        }
        let init = InitialState {
            h0: prefix.h0.to_vec(),
            c0: prefix.c0.to_vec(),
        };
        let mut run = if x.dim() == (prefix.steps(), prefix.input_size()) {
            // Same length (a value changed): one copy of the whole trace (none when it is
            // owned) is cheaper than zeroing a new one and copying the prefix into it.
            check_finite("input x", x.iter(), &[x.nrows(), x.ncols()])?;
            let state = init.resolve(params)?;
            let mut trace = prefix.into_owned();
            trace.x.assign(&x);
            Self {
                cell: Cell::new(params),
                state,
                scratch: Vec::new(),
                done: 0,
                trace,
            }
        } else {
            let mut run = Self::new(params, x, &init)?;
            for (dst, src) in run.trace.series.iter_mut().zip(&prefix.series) {
                dst.slice_mut(rows).assign(&src.slice(rows));
            }
            for (dst, src) in run.trace.extents.iter_mut().zip(&prefix.extents) {
                dst[..from].copy_from_slice(&src[..from]);
            }
            run
        };
        // Rows before `from` are the prefix's now, so the state after step `from − 1` is
        // read from the run's own trace.
        if from > 0 {
            let series = &run.trace.series;
            let last = series.len() - 1;
            copy_from_row(&mut run.state.h, &series[last], from - 1);
            if !run.state.c.is_empty() {
                copy_from_row(&mut run.state.c, &series[last - 1], from - 1);
            }
        }
        run.done = from;
        Ok(run)
    }

    /// The input being run, `[T, D]`.
    pub fn x(&self) -> ArrayView2<'_, f32> {
        self.trace.x()
    }

    /// The trace as computed so far, and how many of its steps are done.
    pub fn computed(&self) -> (&Trace, usize) {
        (&self.trace, self.done)
    }

    /// Steps computed so far, and T.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.trace.steps())
    }

    /// True once every step is computed.
    pub fn is_done(&self) -> bool {
        self.done == self.trace.steps()
    }

    /// Runs with `iv` forced inside the steps (see [`crate::intervene`]); steps already
    /// computed are kept, so a run resumed at `from` gets `iv` for steps `from..` only.
    ///
    /// Errors: `iv` checked for another cell kind or hidden size.
    pub fn with_interventions(mut self, iv: Interventions) -> Result<Self> {
        let shape = (self.trace.kind, self.trace.hidden_size());
        if iv.shape() != shape {
            return Err(ModelError::Format(format!(
                "interventions for a {} with H = {} cannot run on a {} with H = {}",
                iv.shape().0.name().to_ascii_uppercase(),
                iv.shape().1,
                shape.0.name().to_ascii_uppercase(),
                shape.1
            )));
        }
        self.cell = self.cell.with_interventions(iv);
        Ok(self)
    }

    /// Computes up to `max_steps` more steps; returns [`ForwardRun::is_done`].
    pub fn advance(&mut self, max_steps: usize) -> bool {
        let t0 = self.done;
        self.cell.start_at(t0, false);
        let t_end = t0.saturating_add(max_steps).min(self.trace.steps());
        let Trace {
            x, series, extents, ..
        } = &mut self.trace;
        let xs = x.slice(ndarray::s![t0..t_end, ..]);
        run_steps(
            &mut self.cell,
            xs,
            &mut self.state,
            &mut self.scratch,
            |k, cell, state| record(series, extents, t0 + k, cell, state),
        );
        self.done = t_end;
        self.is_done()
    }

    /// The trace. Steps not yet computed (if [`ForwardRun::is_done`] is false) are zeros.
    pub fn finish(self) -> Trace {
        self.trace
    }
}

/// Refuses a trace of more than [`MAX_TRACE_ENTRIES`] values (`entries` counted in `u64`).
pub(crate) fn check_entries(entries: u64, what: &'static str) -> Result<()> {
    if entries > MAX_TRACE_ENTRIES {
        return Err(ModelError::Size {
            what,
            value: usize::try_from(entries).unwrap_or(usize::MAX),
            min: 1,
            max: MAX_TRACE_ENTRIES as usize,
        });
    }
    Ok(())
}

/// Checks `x` and `init` against `params` (see [`forward`]'s errors) and builds the
/// initial state and a trace of `x` with every step still zero.
fn prepare(params: &Params, x: ArrayView2<'_, f32>, init: &InitialState) -> Result<(State, Trace)> {
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
    check_entries(t_len as u64 * hidden as u64, "trace size T·H")?;
    check_finite("input x", x.iter(), &[t_len, d])?;
    let state = init.resolve(params)?;
    let (h0, c0) = (Array1::from(state.h.clone()), Array1::from(state.c.clone()));
    let kind = params.kind();
    let series = Series::of(kind)
        .iter()
        .map(|_| Array2::zeros((t_len, hidden)))
        .collect();
    // Rows not yet computed are zeros, and so are their extents.
    let extents = vec![vec![(0.0, 0.0); t_len]; Series::of(kind).len()];
    let trace = Trace {
        kind,
        x: x.as_standard_layout().into_owned(),
        h0,
        c0,
        series,
        extents,
        reverse: false,
    };
    Ok((state, trace))
}

/// [`forward`] with a [`Cell`] already built for `params`: training runs every sequence of
/// a batch through the same weights, packed once per batch instead of once per sequence.
pub fn forward_with(
    params: &Params,
    cell: &mut Cell,
    x: ArrayView2<'_, f32>,
    init: &InitialState,
) -> Result<Trace> {
    let same = (cell.kind(), cell.hidden_size(), cell.input_size())
        == (params.kind(), params.hidden_size(), params.input_size());
    if !same {
        return Err(ModelError::Format(
            "forward_with: the cell was built for other parameters".to_string(),
        ));
    }
    let (mut state, mut trace) = prepare(params, x, init)?;
    let Trace {
        x, series, extents, ..
    } = &mut trace;
    cell.start_at(0, false);
    run_steps(
        cell,
        x.view(),
        &mut state,
        &mut Vec::new(),
        |t, cell, state| record(series, extents, t, cell, state),
    );
    Ok(trace)
}

/// [`forward`] in either direction. `reverse` runs the steps from `x[T-1]` down to `x[0]`
/// (a bidirectional layer's second half, or ONNX's `direction = "reverse"`); row `t` of the
/// trace is still the state right after consuming `x[t]`.
pub fn forward_directed(
    params: &Params,
    x: ArrayView2<'_, f32>,
    init: &InitialState,
    reverse: bool,
) -> Result<Trace> {
    if !reverse {
        return forward(params, x, init);
    }
    let (mut state, mut trace) = prepare(params, x, init)?;
    trace.reverse = true;
    let Trace {
        x, series, extents, ..
    } = &mut trace;
    let last = x.nrows() - 1;
    let mut cell = Cell::new(params);
    cell.start_at(last, true);
    run_steps(
        &mut cell,
        x.slice(ndarray::s![..;-1, ..]),
        &mut state,
        &mut Vec::new(),
        |k, cell, state| record(series, extents, last - k, cell, state),
    );
    Ok(trace)
}

/// Writes step `t` (the cell's gates and the state after it) into a trace's `series`, and
/// each row's (min, max) into `extents`.
fn record(
    series: &mut [Array2<f32>],
    extents: &mut [Vec<(f32, f32)>],
    t: usize,
    cell: &Cell,
    state: &State,
) {
    let hidden = state.h.len();
    let gates = cell.gates().chunks_exact(hidden.max(1));
    let states = (!state.c.is_empty())
        .then_some(&state.c[..])
        .into_iter()
        .chain([&state.h[..]]);
    for ((arr, ext), row) in series
        .iter_mut()
        .zip(extents.iter_mut())
        .zip(gates.chain(states))
    {
        copy_row(arr, t, row);
        ext[t] = row
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
    }
}

fn copy_from_row(dst: &mut [f32], arr: &Array2<f32>, t: usize) {
    dst.iter_mut().zip(arr.row(t)).for_each(|(o, v)| *o = *v);
}

/// Row `t` of a standard-layout `[T, H]` array (every series is one) takes `v`.
fn copy_row(arr: &mut Array2<f32>, t: usize, v: &[f32]) {
    let mut row = arr.row_mut(t);
    match row.as_slice_mut() {
        Some(dst) => dst.copy_from_slice(v),
        None => row.iter_mut().zip(v).for_each(|(o, s)| *o = *s),
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
        // The kept row extents give the range of the whole series.
        for &s in whole.series() {
            let a = whole.get(s).unwrap();
            let lo = a.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            assert_eq!(whole.min_max(s), Some((lo, hi)), "{s:?}");
        }
    }

    /// Resuming after an edit, an insertion or a deletion gives the same trace as a whole
    /// new pass (equal bits: the same steps in the same order), for every cell.
    #[test]
    fn resumed_runs_equal_whole_passes() {
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            let p = Params::init(kind, 6, 2, InitConfig::default()).unwrap();
            let x = Array2::from_shape_fn((40, 2), |(t, d)| ((t * 5 + d) as f32 * 0.21).cos());
            let init = InitialState {
                h0: vec![0.3; 6],
                c0: if kind == CellKind::Lstm {
                    vec![-0.2; 6]
                } else {
                    vec![]
                },
            };
            let old = forward(&p, x.view(), &init).unwrap();
            let mut edited = x.clone();
            edited[[17, 1]] = 2.5;
            let deleted = x.select(
                ndarray::Axis(0),
                &(0..40).filter(|&t| t != 9).collect::<Vec<_>>(),
            );
            for (new, from) in [(edited, 17), (deleted, 9), (x.clone(), 0), (x.clone(), 40)] {
                let mut run = ForwardRun::resume(&p, &old, new.view(), from).unwrap();
                assert_eq!(run.progress().0, from);
                run.advance(usize::MAX);
                assert_eq!(
                    run.finish(),
                    forward(&p, new.view(), &init).unwrap(),
                    "{kind:?} from {from}"
                );
            }
            // An earlier input that differs is refused, not silently kept.
            let mut early = x.clone();
            early[[3, 0]] = 9.0;
            assert!(ForwardRun::resume(&p, &old, early.view(), 10).is_err());
            assert!(ForwardRun::resume_owned(&p, old.clone(), early.view(), 10).is_err());

            // Writing into an owned trace whose later steps came from other inputs (the
            // trace before last, after two drag moves) recomputes all of them.
            let mut elsewhere = x.clone();
            elsewhere[[17, 1]] = -7.0;
            elsewhere[[30, 0]] = 5.0;
            let mut edited = x.clone();
            edited[[17, 1]] = 2.5;
            let spare = forward(&p, elsewhere.view(), &init).unwrap();
            let mut run = ForwardRun::resume_owned(&p, spare, edited.view(), 17).unwrap();
            run.advance(usize::MAX);
            let whole = forward(&p, edited.view(), &init).unwrap();
            assert_eq!(run.finish(), whole, "{kind:?}, owned");
            // A different length is still resumed (by copying the prefix).
            let shorter = forward(&p, edited.slice(ndarray::s![..25, ..]), &init).unwrap();
            let mut run = ForwardRun::resume_owned(&p, shorter, edited.view(), 20).unwrap();
            run.advance(usize::MAX);
            assert_eq!(run.finish(), whole, "{kind:?}, owned and shorter");
        }
    }
}
