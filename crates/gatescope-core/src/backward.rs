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
//! The recurrence (`δh`, `δc`, `ε`, `∂L/∂x`) runs in f32 like the forward pass. The parameter
//! gradients are sums over all `T` steps: for each block of 32 steps the outer products
//! `gˣ_t x_tᵀ`, `gʰ_t h_{t−1}ᵀ` are summed as one small matrix product in f32 (sums held in
//! registers), then added to f64 sums that are rounded to f32 once, so long sequences do not
//! drift. One call allocates its result, the f64 sums (`G·H·(H + D + 2)` values) and the
//! block's vectors up front; the step loop allocates nothing. Per step it does one transposed
//! matrix–vector product (two with `∂L/∂x`), and per block the outer-product sums.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

use super::activation::Act;
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
    let (rows, d, hid, t_len) = (
        params.kind().gate_blocks() * params.hidden_size(),
        params.input_size(),
        params.hidden_size(),
        trace.steps(),
    );
    let mut acc = vec![0.0f64; rows * (d + hid + 2)];
    let mut per_step = PerStep {
        x: Array2::zeros((t_len, d)),
        dh: Array2::zeros((t_len, hid)),
        dc: if params.kind() == CellKind::Lstm {
            Array2::zeros((t_len, hid))
        } else {
            Array2::zeros((0, 0))
        },
    };
    let (h0, c0) = bptt(params, trace, dl_dh, &mut acc, Some(&mut per_step))?;
    let mut sums = acc.into_iter().map(|v| v as f32);
    let mut take = |n: usize| sums.by_ref().take(n).collect::<Vec<f32>>();
    Ok(Grads {
        weight_ih: Array2::from_shape_vec((rows, d), take(rows * d)).expect("sized"),
        weight_hh: Array2::from_shape_vec((rows, hid), take(rows * hid)).expect("sized"),
        bias_ih: Array1::from(take(rows)),
        bias_hh: Array1::from(take(rows)),
        x: per_step.x,
        h0: Array1::from(h0),
        c0: Array1::from(c0),
        dh: per_step.dh,
        dc: per_step.dc,
    })
}

/// What [`bptt`] writes per step when asked: `∂L/∂x_t`, `dL/dh_t`, `dL/dc_t` (LSTM).
pub(crate) struct PerStep {
    pub x: Array2<f32>,
    pub dh: Array2<f32>,
    pub dc: Array2<f32>,
}

/// Steps whose parameter-gradient terms are summed in f32 before they are added to the f64
/// sums: short enough that f32 loses nothing the golden tolerance could see, long enough
/// that the f64 additions cost little.
const F32_BLOCK: usize = 32;

/// The BPTT recurrence of [`backward`]. It **adds** the parameter gradients to `acc`, laid
/// out flat as `∂W_ih [G·H·D]`, `∂W_hh [G·H·H]`, `∂b_ih [G·H]`, `∂b_hh [G·H]` (the order of
/// [`Model::to_flat`](super::train::Model::to_flat)), so a batch is summed in place; fills
/// `per_step` if given (training does not need it); returns `∂L/∂h_0` and `∂L/∂c_0`.
pub(crate) fn bptt(
    params: &Params,
    trace: &Trace,
    dl_dh: ArrayView2<'_, f32>,
    acc: &mut [f64],
    mut per_step: Option<&mut PerStep>,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let kind = params.kind();
    if !params.is_plain() {
        return Err(ModelError::Format(
            "gradients: only PyTorch's plain cells are supported (no peepholes, no clip, \
             GRU with linear_before_reset = 1)"
                .to_string(),
        ));
    }
    if trace.kind() != kind {
        return Err(ModelError::Format(format!(
            "trace: recorded by a {}, but the parameters are a {}",
            trace.kind().name().to_ascii_uppercase(),
            kind.name().to_ascii_uppercase()
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

    let flat = rows * (d + hid + 2);
    if acc.len() != flat {
        return Err(ModelError::shape(
            "gradient sums",
            format!("[{flat}]"),
            format!("[{}]", acc.len()),
        ));
    }
    // The last F32_BLOCK steps' gˣ, gʰ, x_t and h_{t−1}: their outer products are summed
    // as small matrix products when the block is full (see `add_outer_sums`).
    let gru_on = gru.is_some();
    let mut blk_gx = vec![0.0f32; F32_BLOCK * rows];
    let mut blk_gh = vec![0.0f32; sized(gru_on, F32_BLOCK * rows)];
    let mut blk_x = vec![0.0f32; F32_BLOCK * d];
    let mut blk_h = vec![0.0f32; F32_BLOCK * hid];
    let mut filled = 0;
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
    let mut dcs = vec![0.0f32; sized(lstm.is_some(), hid)]; // δc_t
    let mut tcs = vec![0.0f32; sized(lstm.is_some(), hid)]; // tanh(c_t)
    let zeros = vec![0.0f32; sized(lstm.is_some(), hid)];

    for t in (0..t_len).rev() {
        for ((o, &l), &e) in dh.iter_mut().zip(dl_dh.row(t)).zip(&eps) {
            *o = l + e;
        }
        if let Some(out) = per_step.as_deref_mut() {
            out.dh.row_mut(t).assign(&ArrayView1::from(&dh[..]));
        }
        let copy_prev = |a: &ArrayView2<'_, f32>, first: &Array1<f32>, dst: &mut [f32]| {
            let src = if t == 0 { first.view() } else { a.row(t - 1) };
            dst.iter_mut().zip(src).for_each(|(o, &v)| *o = v);
        };
        copy_prev(&hs, trace.h0(), &mut hp);

        // gˣ (and gʰ for the GRU); ε_{t−1} starts with the GRU's direct z term.
        if let Some([i, f, g, o, c]) = &lstm {
            copy_prev(c, trace.c0(), &mut cp);
            let (i, f, g, o, c) = (i.row(t), f.row(t), g.row(t), o.row(t), c.row(t));
            // tanh(c_t) for all units in one pass (four lanes at a time on wasm SIMD).
            match c.as_slice() {
                Some(c) => crate::activation::sum_into(Act::Tanh, c, &zeros, &mut tcs),
                None => crate::activation::sum_into(Act::Tanh, &c.to_vec(), &zeros, &mut tcs),
            }
            for j in 0..hid {
                let (i, f, g, o) = (i[j], f[j], g[j], o[j]);
                let tc = tcs[j];
                let dc = eps_c[j] + dh[j] * o * (1.0 - tc * tc);
                gx[j] = dc * g * i * (1.0 - i);
                gx[hid + j] = dc * cp[j] * f * (1.0 - f);
                gx[2 * hid + j] = dc * i * (1.0 - g * g);
                gx[3 * hid + j] = dh[j] * tc * o * (1.0 - o);
                eps_c[j] = dc * f;
                dcs[j] = dc;
            }
            if let Some(out) = per_step.as_deref_mut() {
                out.dc.row_mut(t).assign(&ArrayView1::from(&dcs[..]));
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

        // Parameter gradients: this step joins the block; a full block (or step 0) is summed.
        let slot = |len: usize| filled * len..(filled + 1) * len;
        let at = slot(rows);
        blk_gx[at.clone()].copy_from_slice(&gx);
        if gru_on {
            blk_gh[at].copy_from_slice(gh);
        }
        let at = slot(d);
        blk_x[at]
            .iter_mut()
            .zip(trace.x().row(t))
            .for_each(|(o, &v)| *o = v);
        let at = slot(hid);
        blk_h[at].copy_from_slice(&hp);
        filled += 1;
        if filled == F32_BLOCK || t == 0 {
            let blk_gh = if gru_on { &blk_gh } else { &blk_gx };
            let (wih, rest) = acc.split_at_mut(rows * d);
            let (whh, rest) = rest.split_at_mut(rows * hid);
            let (bih, bhh) = rest.split_at_mut(rows);
            add_outer_sums(wih, rows, d, &blk_gx, &blk_x, filled);
            add_outer_sums(whh, rows, hid, blk_gh, &blk_h, filled);
            add_outer_sums(bih, rows, 1, &blk_gx, &ONES, filled);
            add_outer_sums(bhh, rows, 1, blk_gh, &ONES, filled);
            filled = 0;
        }

        // ε_{t−1} += W_hhᵀ gʰ and (if wanted) ∂L/∂x_t = W_ihᵀ gˣ, as sums of weight rows.
        add_transposed(&mut eps, w_hh, gh);
        if let Some(out) = per_step.as_deref_mut() {
            let mut dx = out.x.row_mut(t);
            if let Some(dx) = dx.as_slice_mut() {
                add_transposed(dx, w_ih, &gx);
            }
        }
    }
    Ok((eps, eps_c))
}

/// `y += Wᵀ g` for a row-major `W [R, K]` (`y` has K values, `g` R): the sum of W's rows
/// scaled by `g`, four rows per pass over `y`. A function of its own so the compiler knows
/// `y` and `w` do not overlap, and vectorises it.
fn add_transposed(y: &mut [f32], w: &[f32], g: &[f32]) {
    let k = y.len();
    debug_assert_eq!(w.len(), g.len() * k);
    let mut quads = w.chunks_exact(4 * k.max(1)).zip(g.chunks_exact(4));
    for (rows, g) in &mut quads {
        let (r0, rest) = rows.split_at(k);
        let (r1, rest) = rest.split_at(k);
        let (r2, r3) = rest.split_at(k);
        add_four_rows(y, [r0, r1, r2, r3], [g[0], g[1], g[2], g[3]]);
    }
    let done = g.len() / 4 * 4;
    for (row, &gr) in w[done * k..].chunks_exact(k.max(1)).zip(&g[done..]) {
        for (o, a) in y.iter_mut().zip(row) {
            *o += gr * a;
        }
    }
}

/// `y += ((g₀·r₀ + g₁·r₁) + g₂·r₂) + g₃·r₃`, element by element, from `from` on.
fn add_four_rows_from(y: &mut [f32], r: [&[f32]; 4], g: [f32; 4], from: usize) {
    let [r0, r1, r2, r3] = r.map(|row| &row[from.min(row.len())..]);
    let start = from.min(y.len());
    let y = &mut y[start..];
    for ((((o, a), b), c), d) in y.iter_mut().zip(r0).zip(r1).zip(r2).zip(r3) {
        *o += ((g[0] * a + g[1] * b) + g[2] * c) + g[3] * d;
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn add_four_rows(y: &mut [f32], r: [&[f32]; 4], g: [f32; 4]) {
    add_four_rows_from(y, r, g, 0);
}

/// The wasm SIMD version: four outputs per f32x4, with whole-vector loads; per output the
/// same operations in the same order as the scalar version, so the bits are the same.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn add_four_rows(y: &mut [f32], r: [&[f32]; 4], g: [f32; 4]) {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_store};
    let k = y.len();
    if r.iter().any(|row| row.len() < k) {
        return add_four_rows_from(y, r, g, 0);
    }
    let gs = g.map(|v| f32x4_splat(v));
    let whole = k / 4 * 4;
    for j in (0..whole).step_by(4) {
        // SAFETY: j + 4 ≤ k, and y and every row hold at least k values; wasm allows
        // unaligned v128 loads and stores.
        unsafe {
            let ld = |row: &[f32]| v128_load(row.as_ptr().add(j) as *const v128);
            let s = f32x4_add(
                f32x4_add(
                    f32x4_add(f32x4_mul(gs[0], ld(r[0])), f32x4_mul(gs[1], ld(r[1]))),
                    f32x4_mul(gs[2], ld(r[2])),
                ),
                f32x4_mul(gs[3], ld(r[3])),
            );
            let o = y.as_mut_ptr().add(j) as *mut v128;
            v128_store(o, f32x4_add(v128_load(o), s));
        }
    }
    add_four_rows_from(y, r, g, whole);
}

/// The sixteen sums `Σ_{j<n} g[j·R + r] · v[j·K + k0 + l]` (l < 16) of [`add_outer_sums`],
/// each in f32 in the order of j.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn sums16(
    g: &[f32],
    v: &[f32],
    (rows, cols): (usize, usize),
    (r, k0): (usize, usize),
    n: usize,
) -> [f32; 16] {
    let mut s = [0.0f32; 16];
    for j in 0..n {
        let gj = g[j * rows + r];
        let vj: &[f32; 16] = v[j * cols + k0..j * cols + k0 + 16]
            .try_into()
            .expect("a full chunk");
        for l in 0..16 {
            s[l] += gj * vj[l];
        }
    }
    s
}

/// The wasm SIMD version: the sixteen sums in four f32x4 registers, whole-vector loads of
/// `v`; lane for lane the same operations as the scalar version, so the same bits.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn sums16(
    g: &[f32],
    v: &[f32],
    (rows, cols): (usize, usize),
    (r, k0): (usize, usize),
    n: usize,
) -> [f32; 16] {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_store};
    assert!(n == 0 || ((n - 1) * rows + r < g.len() && (n - 1) * cols + k0 + 16 <= v.len()));
    let mut acc = [f32x4_splat(0.0); 4];
    // SAFETY: the assert keeps every j < n in bounds: g[j·R + r] and v[j·K + k0 .. +16];
    // wasm allows unaligned v128 loads.
    unsafe {
        for j in 0..n {
            let gj = f32x4_splat(*g.get_unchecked(j * rows + r));
            let p = v.as_ptr().add(j * cols + k0);
            for (q, a) in acc.iter_mut().enumerate() {
                *a = f32x4_add(*a, f32x4_mul(gj, v128_load(p.add(4 * q) as *const v128)));
            }
        }
        let mut s = [0.0f32; 16];
        for (q, a) in acc.iter().enumerate() {
            v128_store(s.as_mut_ptr().add(4 * q) as *mut v128, *a);
        }
        s
    }
}

/// The "input" of the bias gradients in [`add_outer_sums`]: `∂L/∂b = Σ_t g_t · 1`.
const ONES: [f32; F32_BLOCK] = [1.0; F32_BLOCK];

/// `acc[r·K + k] += Σ_{j<n} g[j·R + r] · v[j·K + k]` (`R = rows`, `K = cols`): the sum of `n`
/// outer products `g_j v_jᵀ`, each entry summed over the block in f32, then added in f64.
///
/// Sixteen sums of a row stay in registers across the whole block, so each value of `v` is
/// loaded once per row and `acc` is touched once per block (one rank-1 update per step
/// loads and stores every sum every step).
fn add_outer_sums(acc: &mut [f64], rows: usize, cols: usize, g: &[f32], v: &[f32], n: usize) {
    const W: usize = 16;
    debug_assert!(acc.len() == rows * cols && g.len() >= n * rows && v.len() >= n * cols);
    for (r, out) in acc.chunks_exact_mut(cols.max(1)).enumerate().take(rows) {
        for (c, out) in out.chunks_mut(W).enumerate() {
            let k0 = c * W;
            let mut s = [0.0f32; W];
            if out.len() == W {
                s = sums16(g, v, (rows, cols), (r, k0), n);
            } else {
                for j in 0..n {
                    let gj = g[j * rows + r];
                    let vj = &v[j * cols + k0..j * cols + k0 + out.len()];
                    for (sl, &vl) in s.iter_mut().zip(vj) {
                        *sl += gj * vl;
                    }
                }
            }
            for (o, sl) in out.iter_mut().zip(&s) {
                *o += f64::from(*sl);
            }
        }
    }
}
