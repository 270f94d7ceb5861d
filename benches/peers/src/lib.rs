//! The gatescope core behind the plug-in contract of the peers harness
//! (`../shared/peers/README.md`, "Adding an implementation"): an LSTM whose weights are
//! uploaded once ([`Lstm::new`]), with input and output buffers in wasm memory that the
//! adapter (`adapter.mjs`) reads and writes in place, so a timed call is one copy of `x` in,
//! [`Lstm::forward`], and a view of `h` out.
//!
//! `forward` runs the app's own sequence loop ([`run_steps`]) and keeps `h_t` of every step,
//! which is what the contract asks of every implementation (the app keeps every gate too).

use gatescope_core::forward::run_steps;
use gatescope_core::{Cell, CellKind, Params, State};
use ndarray::{Array1, Array2, ArrayView2};
use wasm_bindgen::prelude::*;

/// A single-layer LSTM, batch 1, `h0 = c0 = 0`.
#[wasm_bindgen]
pub struct Lstm {
    steps: usize,
    params: Params,
    cell: Cell,
    x: Vec<f32>,
    out: Vec<f32>,
    scratch: Vec<f32>,
}

fn array2(what: &str, rows: usize, cols: usize, v: &[f32]) -> Result<Array2<f32>, JsError> {
    Array2::from_shape_vec((rows, cols), v.to_vec()).map_err(|_| {
        JsError::new(&format!(
            "{what}: expected {rows}×{cols} values, got {}",
            v.len()
        ))
    })
}

#[wasm_bindgen]
impl Lstm {
    /// Weights in PyTorch's layout, gate order i, f, g, o: `w_ih [4H×D]`, `w_hh [4H×H]`,
    /// `b_ih`, `b_hh [4H]`; sequences of `steps` steps.
    #[wasm_bindgen(constructor)]
    pub fn new(
        steps: usize,
        hidden: usize,
        input: usize,
        w_ih: &[f32],
        w_hh: &[f32],
        b_ih: &[f32],
        b_hh: &[f32],
    ) -> Result<Lstm, JsError> {
        let rows = 4 * hidden;
        let params = Params::new(
            CellKind::Lstm,
            array2("weight_ih", rows, input, w_ih)?,
            array2("weight_hh", rows, hidden, w_hh)?,
            Array1::from(b_ih.to_vec()),
            Array1::from(b_hh.to_vec()),
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        if !(1..=gatescope_core::MAX_STEPS).contains(&steps) {
            return Err(JsError::new(&format!(
                "T must be 1 to {}, not {steps}",
                gatescope_core::MAX_STEPS
            )));
        }
        Ok(Lstm {
            steps,
            cell: Cell::new(&params),
            x: vec![0.0; steps * input],
            out: vec![0.0; steps * hidden],
            scratch: Vec::new(),
            params,
        })
    }

    /// Where the adapter writes `x` (`[T×D]`, row-major) before each [`Lstm::forward`].
    pub fn input_ptr(&mut self) -> *mut f32 {
        self.x.as_mut_ptr()
    }

    /// Where [`Lstm::forward`] leaves `h` (`[T×H]`, row-major).
    pub fn output_ptr(&self) -> *const f32 {
        self.out.as_ptr()
    }

    /// Runs the sequence in the input buffer from `h0 = c0 = 0`.
    pub fn forward(&mut self) {
        let (h, d) = (self.params.hidden_size(), self.params.input_size());
        let mut state = State::zeros(&self.params);
        let Ok(xs) = ArrayView2::from_shape((self.steps, d), &self.x) else {
            return;
        };
        let out = &mut self.out;
        run_steps(
            &mut self.cell,
            xs,
            &mut state,
            &mut self.scratch,
            |t, _, s| {
                out[t * h..(t + 1) * h].copy_from_slice(&s.h);
            },
        );
    }
}
