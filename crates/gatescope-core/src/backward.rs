//! Backpropagation through time (BPTT) for all three cells, from a recorded [`Trace`].
//!
//! - [`mse_loss`]: `L = ½ Σ_{t,j} (h_t − y_t)²_j` and its direct gradient `∂L/∂h_t = h_t − y_t`.
//! - [`backward`]: every gradient of a loss whose direct gradients `∂L/∂h_t` are given, walking
//!   the recorded gates backwards, so the forward pass is not run again.
//!
//! # Notation
//!
//! Row `t` of every `[T, ·]` array is the step that consumed `x_t` (as in [`Trace`]); `h_{t−1}`
//! of the first step is `h_0` (and `c_0` for LSTM). `ℓ_t` is the given direct gradient
//! `∂L/∂h_t` (the loss's own term, without anything that flows back through later steps);
//! `δh_t` and `δc_t` are the **total** derivatives `dL/dh_t`, `dL/dc_t`; `ε_t` and `εᶜ_t` are
//! what step `t+1` sends back to `h_t` and `c_t` (`ε_T = εᶜ_T = 0`). `⊙` is the elementwise
//! product; with a gate `s = σ(a)`, `∂s/∂a = s(1 − s)`, and with `u = tanh(a)`,
//! `∂u/∂a = 1 − u²`, so both come from the recorded values.
//!
//! # Equations
//!
//! Every step, from `t = T` down to `1`:
//!
//! ```text
//! δh_t = ℓ_t + ε_t
//! ```
//!
//! LSTM (gates i, f, g, o):
//!
//! ```text
//! δc_t  = εᶜ_t + δh_t ⊙ o_t ⊙ (1 − tanh² c_t)
//! âi_t  = δc_t ⊙ g_t ⊙ i_t (1 − i_t)            âf_t = δc_t ⊙ c_{t−1} ⊙ f_t (1 − f_t)
//! âg_t  = δc_t ⊙ i_t ⊙ (1 − g_t²)               âo_t = δh_t ⊙ tanh c_t ⊙ o_t (1 − o_t)
//! εᶜ_{t−1} = δc_t ⊙ f_t
//! ```
//!
//! GRU (gates r, z, n; PyTorch's `n_t = tanh(W_in x_t + b_in + r_t ⊙ m_t)`):
//!
//! ```text
//! m_t   = W_hn h_{t−1} + b_hn                    (recomputed: the trace does not hold it)
//! ân_t  = δh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)
//! âz_t  = δh_t ⊙ (h_{t−1} − n_t) ⊙ z_t (1 − z_t)
//! âr_t  = ân_t ⊙ m_t ⊙ r_t (1 − r_t)
//! ```
//!
//! RNN: `â_t = δh_t ⊙ (1 − h_t²)`.
//!
//! The pre-activation gradients, stacked in the parameters' block order, are `gˣ_t` (for the
//! input side) and `gʰ_t` (for the hidden side). They are equal except for the GRU's n block,
//! where the reset gate scales the hidden side: `gˣ = [âr; âz; ân]`, `gʰ = [âr; âz; r ⊙ ân]`.
//! Then
//!
//! ```text
//! ∂L/∂W_ih = Σ_t gˣ_t x_tᵀ        ∂L/∂b_ih = Σ_t gˣ_t        ∂L/∂x_t = W_ihᵀ gˣ_t
//! ∂L/∂W_hh = Σ_t gʰ_t h_{t−1}ᵀ    ∂L/∂b_hh = Σ_t gʰ_t
//! ε_{t−1}  = W_hhᵀ gʰ_t  (+ δh_t ⊙ z_t for GRU)
//! ∂L/∂h_0  = ε_0                   ∂L/∂c_0 = εᶜ_0 (LSTM)
//! ```
//!
//! # Precision and cost
//!
//! The recurrence (`δh`, `δc`, `ε`, `∂L/∂x`) runs in f32 like the forward pass; the parameter
//! gradients are sums over all `T` steps and are accumulated in f64, then rounded to f32 once,
//! so long sequences do not drift. One call allocates its result and a few buffers of length
//! `G·H` up front (plus the f64 accumulators, `G·H·(H + D + 2)` values); the step loop
//! allocates nothing. Per step it does one rank-1 update of the accumulators and one
//! transposed matrix–vector product; natively a whole backward pass takes 1.3–1.8× its
//! forward pass.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

use super::error::{ModelError, Result};
use super::params::{check_finite, CellKind, Params};
use super::trace::{Series, Trace};

/// Every gradient of one sequence's loss, as returned by [`backward`]. Parameter gradients
/// have the shapes and PyTorch layout of [`Params`]; per-step arrays have one row per step.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    /// `∂L/∂W_ih`, `[G·H, D]`.
    pub weight_ih: Array2<f32>,
    /// `∂L/∂W_hh`, `[G·H, H]`.
    pub weight_hh: Array2<f32>,
    /// `∂L/∂b_ih`, `[G·H]`.
    pub bias_ih: Array1<f32>,
    /// `∂L/∂b_hh`, `[G·H]`. Equal to `bias_ih` for LSTM and RNN; for GRU the n block is
    /// scaled by the reset gate.
    pub bias_hh: Array1<f32>,
    /// `∂L/∂x_t`, `[T, D]`.
    pub x: Array2<f32>,
    /// `∂L/∂h_0`, `[H]`.
    pub h0: Array1<f32>,
    /// `∂L/∂c_0`, `[H]` for LSTM, empty otherwise.
    pub c0: Array1<f32>,
    /// Total `dL/dh_t`, `[T, H]`: the direct term plus everything flowing back from later
    /// steps (the `δh_t` of the module docs). Its row norms are the gradient flow over time.
    pub dh: Array2<f32>,
    /// Total `dL/dc_t`, `[T, H]` for LSTM (through `h_t` and through `c_{t+1}`); `[0, 0]`
    /// otherwise.
    pub dc: Array2<f32>,
}

impl Grads {
    /// `‖dL/dh_t‖₂` for every step, `[T]`: how much gradient reaches each step.
    pub fn dh_norms(&self) -> Array1<f32> {
        self.dh
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt() as f32)
            .collect()
    }
}

/// The summed squared error of the hidden states against `target` (`[T, H]`, row `t` the
/// target for `h_t`), and its direct gradient:
///
/// ```text
/// L = ½ Σ_{t,j} (h_{t,j} − y_{t,j})²        ∂L/∂h_t = h_t − y_t
/// ```
///
/// It is a sum over steps and units, not a mean. The loss is accumulated in f64 and rounded
/// to f32 (it overflows to `+∞` only for targets near `f32::MAX`).
///
/// Errors: `target` not `[T, H]` ([`ModelError::Shape`]) or not finite
/// ([`ModelError::NonFinite`]).
pub fn mse_loss(trace: &Trace, target: ArrayView2<'_, f32>) -> Result<(f32, Array2<f32>)> {
    let h = trace.get(Series::H).expect("every cell records h");
    let (t_len, hidden) = h.dim();
    if target.dim() != h.dim() {
        return Err(ModelError::shape(
            "target",
            format!("[{t_len}, {hidden}] ([T, H])"),
            format!("[{}, {}]", target.nrows(), target.ncols()),
        ));
    }
    check_finite("target", target.iter(), &[t_len, hidden])?;
    let mut sum = 0.0f64;
    let grad = Zip::from(&h).and(&target).map_collect(|&a, &y| {
        let d = a as f64 - y as f64;
        sum += d * d;
        a - y
    });
    Ok(((0.5 * sum) as f32, grad))
}

/// Backpropagation through time over `trace`, which must be the complete output of
/// [`forward`](super::forward()) with these `params` (the trace does not record the weights,
/// so this is not checked). `dl_dh` (`[T, H]`) is the direct `∂L/∂h_t` of the loss, e.g. from
/// [`mse_loss`]; a loss on the last state only has zero rows before the last.
///
/// Uses the recorded gates and states; only the GRU's `W_hn h_{t−1} + b_hn` is recomputed.
/// See the module docs for the equations.
///
/// Errors: the trace's cell, H or D differ from `params` ([`ModelError::Format`],
/// [`ModelError::Shape`]); `dl_dh` is not `[T, H]` or not finite.
///
/// Gradients that explode past `f32::MAX` (huge weights, long sequences) come back as `±∞` or
/// NaN rather than as an error.
pub fn backward(params: &Params, trace: &Trace, dl_dh: ArrayView2<'_, f32>) -> Result<Grads> {
    let kind = params.kind();
    if trace.kind() != kind {
        return Err(ModelError::Format(format!(
            "trace: recorded by a {}, but the parameters are a {}",
            trace.kind().name().to_uppercase(),
            kind.name().to_uppercase()
        )));
    }
    let (hid, d, t_len) = (params.hidden_size(), params.input_size(), trace.steps());
    if (trace.hidden_size(), trace.input_size()) != (hid, d) {
        return Err(ModelError::shape(
            "trace",
            format!("H = {hid}, D = {d} (the parameters')"),
            format!("H = {}, D = {}", trace.hidden_size(), trace.input_size()),
        ));
    }
    if dl_dh.dim() != (t_len, hid) {
        return Err(ModelError::shape(
            "dL/dh",
            format!("[{t_len}, {hid}] ([T, H])"),
            format!("[{}, {}]", dl_dh.nrows(), dl_dh.ncols()),
        ));
    }
    check_finite("dL/dh", dl_dh.iter(), &[t_len, hid])?;

    let rows = kind.gate_blocks() * hid;
    let (w_ih, w_hh) = (params.weight_ih(), params.weight_hh());
    // Borrowed as they are when row-major (always, for weights built from JSON or `init`).
    let (w_ih, w_hh) = (w_ih.as_standard_layout(), w_hh.as_standard_layout());
    let (w_ih, w_hh) = (
        w_ih.as_slice().expect("standard layout"),
        w_hh.as_slice().expect("standard layout"),
    );
    let b_hh = params.bias_hh();
    let series = |s: Series| trace.get(s).expect("recorded for this cell");
    let hs = series(Series::H);
    let lstm = (kind == CellKind::Lstm)
        .then(|| [Series::I, Series::F, Series::G, Series::O, Series::C].map(series));
    let gru = (kind == CellKind::Gru).then(|| [Series::R, Series::Z, Series::N].map(series));
    let sized = |on: bool, n: usize| if on { n } else { 0 };

    // f64 accumulators of the parameter gradients.
    let mut acc_wih = vec![0.0f64; rows * d];
    let mut acc_whh = vec![0.0f64; rows * hid];
    let mut acc_bih = vec![0.0f64; rows];
    let mut acc_bhh = vec![0.0f64; rows];
    // Per-step buffers.
    let mut dh = vec![0.0f32; hid]; // δh_t
    let mut eps = vec![0.0f32; hid]; // ε_t, then ε_{t−1}
    let mut eps_c = vec![0.0f32; sized(lstm.is_some(), hid)]; // εᶜ_t, then εᶜ_{t−1}
    let mut gx = vec![0.0f32; rows];
    // gʰ differs from gˣ only for the GRU.
    let mut gh_gru = vec![0.0f32; sized(gru.is_some(), rows)];
    let mut m = vec![0.0f32; sized(gru.is_some(), hid)];
    let mut hp = vec![0.0f32; hid]; // h_{t−1}
    let mut cp = vec![0.0f32; sized(lstm.is_some(), hid)]; // c_{t−1}
    let mut x64 = vec![0.0f64; d];
    let mut hp64 = vec![0.0f64; hid];

    let mut out_dh = Array2::<f32>::zeros((t_len, hid));
    let mut out_dc = Array2::<f32>::zeros(if lstm.is_some() { (t_len, hid) } else { (0, 0) });
    let mut out_x = Array2::<f32>::zeros((t_len, d));

    for t in (0..t_len).rev() {
        for ((o, &l), &e) in dh.iter_mut().zip(dl_dh.row(t)).zip(&eps) {
            *o = l + e;
        }
        out_dh.row_mut(t).assign(&ArrayView1::from(&dh[..]));
        let copy_prev = |a: &ArrayView2<'_, f32>, first: &Array1<f32>, dst: &mut [f32]| {
            let src = if t == 0 { first.view() } else { a.row(t - 1) };
            dst.iter_mut().zip(src).for_each(|(o, &v)| *o = v);
        };
        copy_prev(&hs, trace.h0(), &mut hp);

        // gˣ (and gʰ for the GRU); ε_{t−1} starts with the GRU's direct z term.
        if let Some([i, f, g, o, c]) = &lstm {
            copy_prev(c, trace.c0(), &mut cp);
            let (i, f, g, o, c) = (i.row(t), f.row(t), g.row(t), o.row(t), c.row(t));
            let mut dc_row = out_dc.row_mut(t);
            for j in 0..hid {
                let (i, f, g, o) = (i[j], f[j], g[j], o[j]);
                let tc = c[j].tanh();
                let dc = eps_c[j] + dh[j] * o * (1.0 - tc * tc);
                dc_row[j] = dc;
                gx[j] = dc * g * i * (1.0 - i);
                gx[hid + j] = dc * cp[j] * f * (1.0 - f);
                gx[2 * hid + j] = dc * i * (1.0 - g * g);
                gx[3 * hid + j] = dh[j] * tc * o * (1.0 - o);
                eps_c[j] = dc * f;
            }
            eps.fill(0.0);
        } else if let Some([r, z, n]) = &gru {
            let (r, z, n) = (r.row(t), z.row(t), n.row(t));
            let hp_view = ArrayView1::from(&hp[..]);
            for (j, mj) in m.iter_mut().enumerate() {
                let row = 2 * hid + j;
                let w_hn = ArrayView1::from(&w_hh[row * hid..(row + 1) * hid]);
                *mj = b_hh[row] + w_hn.dot(&hp_view);
            }
            for j in 0..hid {
                let (r, z, n) = (r[j], z[j], n[j]);
                let an = dh[j] * (1.0 - z) * (1.0 - n * n);
                let az = dh[j] * (hp[j] - n) * z * (1.0 - z);
                let ar = an * m[j] * r * (1.0 - r);
                gx[j] = ar;
                gx[hid + j] = az;
                gx[2 * hid + j] = an;
                gh_gru[j] = ar;
                gh_gru[hid + j] = az;
                gh_gru[2 * hid + j] = r * an;
                eps[j] = dh[j] * z;
            }
        } else {
            for ((o, &d), &h) in gx.iter_mut().zip(&dh).zip(hs.row(t)) {
                *o = d * (1.0 - h * h);
            }
            eps.fill(0.0);
        }
        let gh: &[f32] = if gru.is_some() { &gh_gru } else { &gx };

        // Parameter gradients: rank-1 updates of the f64 accumulators.
        x64.iter_mut()
            .zip(trace.x().row(t))
            .for_each(|(o, &v)| *o = v as f64);
        hp64.iter_mut().zip(&hp).for_each(|(o, &v)| *o = v as f64);
        for (r, (&a, &b)) in gx.iter().zip(gh).enumerate() {
            let (a, b) = (a as f64, b as f64);
            acc_bih[r] += a;
            acc_bhh[r] += b;
            acc_wih[r * d..(r + 1) * d]
                .iter_mut()
                .zip(&x64)
                .for_each(|(o, &v)| *o += a * v);
            acc_whh[r * hid..(r + 1) * hid]
                .iter_mut()
                .zip(&hp64)
                .for_each(|(o, &v)| *o += b * v);
        }

        // ∂L/∂x_t = W_ihᵀ gˣ and ε_{t−1} += W_hhᵀ gʰ, as sums of weight rows.
        let mut dx = out_x.row_mut(t);
        for (r, (&a, &b)) in gx.iter().zip(gh).enumerate() {
            dx.iter_mut()
                .zip(&w_ih[r * d..(r + 1) * d])
                .for_each(|(o, &w)| *o += a * w);
            eps.iter_mut()
                .zip(&w_hh[r * hid..(r + 1) * hid])
                .for_each(|(o, &w)| *o += b * w);
        }
    }

    let to32 = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect::<Vec<f32>>();
    Ok(Grads {
        weight_ih: Array2::from_shape_vec((rows, d), to32(acc_wih)).expect("sized"),
        weight_hh: Array2::from_shape_vec((rows, hid), to32(acc_whh)).expect("sized"),
        bias_ih: Array1::from(to32(acc_bih)),
        bias_hh: Array1::from(to32(acc_bhh)),
        x: out_x,
        h0: Array1::from(eps),
        c0: Array1::from(eps_c),
        dh: out_dh,
        dc: out_dc,
    })
}
