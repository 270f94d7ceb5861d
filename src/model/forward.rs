//! The sequence loop: runs a [`Cell`] over every input and records every step.

use ndarray::{s, Array1, Array2, ArrayView2};

use super::cell::{Cell, State};
use super::error::{ModelError, Result};
use super::params::{check_finite, check_size, CellKind, Params, MAX_STEPS};
use super::trace::Trace;

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

/// Runs `params` over `x` (`[T, D]`, one row per step) from `init` and returns the full
/// [`Trace`]: `x_t` and, per step, LSTM `i, f, g, o, c, h`, GRU `r, z, n, h`, RNN `h`,
/// each as `[T, H]`.
///
/// Errors: `x` not `[T, D]`, `T` outside `1..=`[`MAX_STEPS`], non-finite inputs, or an
/// initial state of the wrong length.
pub fn forward(params: &Params, x: ArrayView2<'_, f32>, init: &InitialState) -> Result<Trace> {
    let (t_len, d) = x.dim();
    if d != params.input_size() {
        return Err(ModelError::shape(
            "input x",
            format!("[T, {}]", params.input_size()),
            format!("[{t_len}, {d}]"),
        ));
    }
    check_size("sequence length T", t_len, MAX_STEPS)?;
    check_finite("input x", x.iter(), &[t_len, d])?;
    let mut state = init.resolve(params)?;
    let (h0, c0) = (Array1::from(state.h.clone()), Array1::from(state.c.clone()));

    let kind = params.kind();
    let hidden = params.hidden_size();
    let names = super::trace::Series::of(kind);
    let mut series: Vec<Array2<f32>> = names
        .iter()
        .map(|_| Array2::zeros((t_len, hidden)))
        .collect();
    let mut cell = Cell::new(params);
    let mut xt = vec![0.0f32; d];
    for t in 0..t_len {
        // Rows of a non-contiguous view cannot be borrowed as slices; copy one step (D ≤ 64).
        for (dst, src) in xt.iter_mut().zip(x.row(t)) {
            *dst = *src;
        }
        cell.step(&xt, &mut state);
        let gates = cell.gates();
        let n_gates = gates.len() / hidden.max(1);
        for (k, arr) in series.iter_mut().take(n_gates).enumerate() {
            arr.slice_mut(s![t, ..]).assign(&ndarray::ArrayView1::from(
                &gates[k * hidden..(k + 1) * hidden],
            ));
        }
        let last = series.len() - 1;
        if kind == CellKind::Lstm {
            series[last - 1]
                .slice_mut(s![t, ..])
                .assign(&ndarray::ArrayView1::from(&state.c[..]));
        }
        series[last]
            .slice_mut(s![t, ..])
            .assign(&ndarray::ArrayView1::from(&state.h[..]));
    }
    Ok(Trace {
        kind,
        x: x.to_owned(),
        h0,
        c0,
        series,
    })
}
