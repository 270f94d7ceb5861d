//! One recurrent step, shared by all three cells: a single fused matrix–vector product
//! `pre = W·[h_{t-1}; x_t] + b` into preallocated buffers, then the cell's nonlinearity.

use super::params::{CellKind, Params};

/// Numerically safe logistic function: never evaluates `exp` of a large positive number,
/// so it stays finite (0 or 1 at worst) for every finite `z`.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Dot product with eight independent accumulators, so the compiler can vectorise it.
/// The wasm SIMD version below adds in exactly the same order, so browser and native
/// results are bit-identical.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// [`dot`] with two explicit `f32x4` accumulators: lanes 0–3 and 4–7 of the scalar version.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::{
        f32x4, f32x4_add, f32x4_extract_lane as lane, f32x4_mul, f32x4_splat,
    };
    debug_assert_eq!(a.len(), b.len());
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let (mut lo, mut hi) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for (x, y) in ca.zip(cb) {
        lo = f32x4_add(
            lo,
            f32x4_mul(f32x4(x[0], x[1], x[2], x[3]), f32x4(y[0], y[1], y[2], y[3])),
        );
        hi = f32x4_add(
            hi,
            f32x4_mul(f32x4(x[4], x[5], x[6], x[7]), f32x4(y[4], y[5], y[6], y[7])),
        );
    }
    let s = f32x4_add(lo, hi);
    ((lane::<0>(s) + lane::<1>(s)) + (lane::<2>(s) + lane::<3>(s))) + tail
}

/// Largest pre-activation magnitude kept (see [`Cell::step`]).
const PRE_LIMIT: f32 = 1e30;

fn dot_f64(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
}

/// The recurrent state carried from step to step. `c` is empty except for LSTM.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub h: Vec<f32>,
    pub c: Vec<f32>,
}

impl State {
    /// All zeros, shaped for `params`.
    pub fn zeros(params: &Params) -> Self {
        let h = params.hidden_size();
        let c = if params.kind() == CellKind::Lstm {
            h
        } else {
            0
        };
        Self {
            h: vec![0.0; h],
            c: vec![0.0; c],
        }
    }
}

/// A cell ready to step: the fused weights plus scratch space, so stepping allocates nothing.
///
/// The fused matrix has `R` rows and `H + D` columns, h-columns first as in the seed's
/// `[h_{t-1}; x_t]`:
/// - LSTM, `R = 4H`: the blocks i, f, g, o, i.e. the seed's `W_i, W_f, W_g, W_o` stacked,
///   bias `bias_ih + bias_hh`.
/// - RNN, `R = H`: `[W_hh | W_ih]`, bias `bias_ih + bias_hh`.
/// - GRU, `R = 4H`: r and z as for LSTM, then `[0 | W_in]` with `b_in` and `[W_hn | 0]` with
///   `b_hn`, kept apart because PyTorch's reset gate multiplies `(W_hn h + b_hn)` only.
#[derive(Debug, Clone)]
pub struct Cell {
    kind: CellKind,
    hidden: usize,
    input: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    /// `[h_{t-1}; x_t]`, length `H + D`.
    z: Vec<f32>,
    /// Pre-activations, length `R`.
    pre: Vec<f32>,
    /// Activated gates of the last step: LSTM i,f,g,o (4H); GRU r,z,n (3H); RNN empty.
    gates: Vec<f32>,
}

impl Cell {
    pub fn new(params: &Params) -> Self {
        let (kind, h, d) = (params.kind(), params.hidden_size(), params.input_size());
        let cols = h + d;
        let rows = match kind {
            CellKind::Lstm | CellKind::Gru => 4 * h,
            CellKind::Rnn => h,
        };
        let mut w = vec![0.0; rows * cols];
        let mut b = vec![0.0; rows];
        let (wih, whh, bih, bhh) = (
            params.weight_ih(),
            params.weight_hh(),
            params.bias_ih(),
            params.bias_hh(),
        );
        // Copies source row `src` of weight_hh and/or weight_ih into fused row `dst`.
        let mut put = |dst: usize, src: usize, use_h: bool, use_x: bool| {
            let row = &mut w[dst * cols..(dst + 1) * cols];
            if use_h {
                for (o, v) in row[..h].iter_mut().zip(whh.row(src)) {
                    *o = *v;
                }
            }
            if use_x {
                for (o, v) in row[h..].iter_mut().zip(wih.row(src)) {
                    *o = *v;
                }
            }
            b[dst] = if use_h { bhh[src] } else { 0.0 } + if use_x { bih[src] } else { 0.0 };
        };
        match kind {
            CellKind::Lstm | CellKind::Rnn => (0..rows).for_each(|r| put(r, r, true, true)),
            CellKind::Gru => {
                (0..2 * h).for_each(|r| put(r, r, true, true));
                (0..h).for_each(|j| put(2 * h + j, 2 * h + j, false, true));
                (0..h).for_each(|j| put(3 * h + j, 2 * h + j, true, false));
            }
        }
        let gates = vec![
            0.0;
            if kind == CellKind::Rnn {
                0
            } else {
                (kind.gate_blocks()) * h
            }
        ];
        Self {
            kind,
            hidden: h,
            input: d,
            w,
            b,
            z: vec![0.0; cols],
            pre: vec![0.0; rows],
            gates,
        }
    }

    pub fn kind(&self) -> CellKind {
        self.kind
    }
    pub fn hidden_size(&self) -> usize {
        self.hidden
    }
    pub fn input_size(&self) -> usize {
        self.input
    }

    /// Activated gates of the last [`Cell::step`]: LSTM `[i | f | g | o]`, GRU `[r | z | n]`,
    /// each block `H` long; empty for RNN (its only quantity is `h`).
    pub fn gates(&self) -> &[f32] {
        &self.gates
    }

    /// Advances `state` by one input `x` (length `D`). With `σ` the logistic function:
    ///
    /// LSTM (seed §4.1, PyTorch `nn.LSTM`):
    /// ```text
    /// i_t = σ(W_i·[h_{t-1}; x_t] + b_i)      f_t = σ(W_f·[h_{t-1}; x_t] + b_f)
    /// g_t = tanh(W_g·[h_{t-1}; x_t] + b_g)   o_t = σ(W_o·[h_{t-1}; x_t] + b_o)
    /// c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t         h_t = o_t ⊙ tanh(c_t)
    /// ```
    /// GRU (PyTorch `nn.GRU`):
    /// ```text
    /// r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    /// z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    /// n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    /// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
    /// ```
    /// RNN: `h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`.
    pub fn step(&mut self, x: &[f32], state: &mut State) {
        let h = self.hidden;
        debug_assert_eq!(x.len(), self.input);
        debug_assert_eq!(state.h.len(), h);
        self.z[..h].copy_from_slice(&state.h);
        self.z[h..].copy_from_slice(x);
        let cols = self.z.len();
        for ((p, row), b) in self
            .pre
            .iter_mut()
            .zip(self.w.chunks_exact(cols))
            .zip(&self.b)
        {
            let mut v = b + dot(row, &self.z);
            if !v.is_finite() {
                // Only reachable for inputs near f32::MAX: products overflow f32 but not f64.
                v = (*b as f64 + dot_f64(row, &self.z)) as f32;
            }
            // Every σ/tanh is saturated far below 1e30; the clamp keeps sums such as GRU's
            // `pre_n + r·pre_hn` from meeting ∞ − ∞.
            *p = v.clamp(-PRE_LIMIT, PRE_LIMIT);
        }
        match self.kind {
            CellKind::Lstm => {
                let (pre, gates) = (&self.pre, &mut self.gates);
                for j in 0..h {
                    let i = sigmoid(pre[j]);
                    let f = sigmoid(pre[h + j]);
                    let g = pre[2 * h + j].tanh();
                    let o = sigmoid(pre[3 * h + j]);
                    let c = f * state.c[j] + i * g;
                    state.c[j] = c;
                    state.h[j] = o * c.tanh();
                    gates[j] = i;
                    gates[h + j] = f;
                    gates[2 * h + j] = g;
                    gates[3 * h + j] = o;
                }
            }
            CellKind::Gru => {
                let (pre, gates) = (&self.pre, &mut self.gates);
                for j in 0..h {
                    let r = sigmoid(pre[j]);
                    let z = sigmoid(pre[h + j]);
                    let n = (pre[2 * h + j] + r * pre[3 * h + j]).tanh();
                    state.h[j] = (1.0 - z) * n + z * state.h[j];
                    gates[j] = r;
                    gates[h + j] = z;
                    gates[2 * h + j] = n;
                }
            }
            CellKind::Rnn => {
                for (hj, p) in state.h.iter_mut().zip(&self.pre) {
                    *hj = p.tanh();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_finite_and_saturates() {
        for z in [
            -1e30f32,
            -1e4,
            -100.0,
            -88.8,
            0.0,
            88.8,
            100.0,
            1e4,
            1e30,
            f32::MAX,
            f32::MIN,
        ] {
            let s = sigmoid(z);
            assert!(
                s.is_finite() && (0.0..=1.0).contains(&s),
                "sigmoid({z}) = {s}"
            );
        }
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1e4), 1.0);
        assert_eq!(sigmoid(-1e4), 0.0);
    }

    #[test]
    fn dot_matches_naive_sum_for_all_lengths() {
        for n in 0..40 {
            let a: Vec<f32> = (0..n).map(|k| (k as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|k| (k as f32 * 0.11).cos()).collect();
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            assert!((dot(&a, &b) as f64 - naive).abs() < 1e-5, "n = {n}");
        }
    }
}
