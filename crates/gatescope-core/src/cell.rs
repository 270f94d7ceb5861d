//! One recurrent step, shared by all three cells and by every feature: the input
//! projection `W_ih·x_t + b_ih`, the recurrent product `W_hh·h_{t-1} + b_hh` (both on
//! [`Panels`]), then the cell's nonlinearity, four units at a time on wasm SIMD.
//!
//! The projection depends on `x_t` only, so the sequence loop computes it for a block of
//! steps ahead of the recurrence ([`Cell::project`] then [`Cell::step_projected`]);
//! [`Cell::step`] is the two in a row.

use super::activation::{self, sum_into, Act};
use super::intervene::Interventions;
use super::kernel::{padded, Panels};
use super::params::{CellKind, Params};

pub use super::activation::sigmoid;

/// Largest pre-activation magnitude kept. Every σ/tanh is saturated far below 1e30, and with
/// both products clamped, sums such as GRU's `x_n + r·h_n` never meet ∞ − ∞.
const PRE_LIMIT: f32 = 1e30;

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

/// A cell ready to step: its weights packed for [`Panels::mul_vec`] plus scratch space, so
/// stepping allocates nothing.
///
/// Both products have `R = G·H` rows in PyTorch's block order (LSTM i, f, g, o; GRU r, z, n;
/// RNN one block), `R` padded to whole panels; the seed's `W·[h_{t-1}; x_t]` is their sum.
/// Kept apart, the GRU needs no zero blocks for its reset gate, which multiplies
/// `W_hn h + b_hn` only.
#[derive(Debug, Clone)]
pub struct Cell {
    kind: CellKind,
    hidden: usize,
    input: usize,
    /// `W_ih [R, D]`, `b_ih`.
    wih: Panels,
    /// `W_hh [R, H]`, `b_hh`.
    whh: Panels,
    /// The projection of the last [`Cell::step`]'s input, `padded(R)`.
    xp: Vec<f32>,
    /// `W_hh·h_{t-1} + b_hh`, `padded(R)`.
    hp: Vec<f32>,
    /// Activated gates of the last step: LSTM i,f,g,o (4H); GRU r,z,n (3H); RNN empty.
    gates: Vec<f32>,
    /// The layer's options (ONNX features); `None` for PyTorch's plain cells, which take
    /// the vectorised path.
    options: Option<Box<Options>>,
    /// Forced gates and states (see [`crate::intervene`]); `None` for none.
    interventions: Option<Box<Interventions>>,
    /// The step the next [`Cell::step_projected`] computes (interventions are per step).
    t: usize,
    /// Steps count down (a reverse direction).
    backwards: bool,
}

/// The options of [`Params`] beyond PyTorch's cells, ready for the step.
#[derive(Debug, Clone)]
struct Options {
    /// `P_i, P_f, P_o` (`3H`), or empty.
    peephole: Vec<f32>,
    /// Pre-activation bound (`f32::INFINITY` when there is no clip).
    clip: f32,
    /// GRU with `linear_before_reset = 0`: `W_hn [H, H]` and `b_hn` on their own, for
    /// `W_hn (r ⊙ h) + b_hn`, and the `r ⊙ h` buffer.
    reset_first: Option<(Panels, Vec<f32>, Vec<f32>)>,
}

impl Cell {
    pub fn new(params: &Params) -> Self {
        let (kind, h, d) = (params.kind(), params.hidden_size(), params.input_size());
        let rows = kind.gate_blocks() * h;
        let (wih, whh, bih, bhh) = (
            params.weight_ih(),
            params.weight_hh(),
            params.bias_ih(),
            params.bias_hh(),
        );
        let gates = if kind == CellKind::Rnn { 0 } else { rows };
        let options = (!params.is_plain()).then(|| {
            let reset_first = (!params.linear_before_reset()).then(|| {
                let n = 2 * h;
                (
                    Panels::pack(h, h, |r, k| whh[[n + r, k]], |r| bhh[n + r]),
                    vec![0.0; h],
                    vec![0.0; padded(h)],
                )
            });
            Box::new(Options {
                peephole: params.peepholes().map_or(Vec::new(), |p| p.to_vec()),
                clip: params.clip().unwrap_or(f32::INFINITY),
                reset_first,
            })
        });
        Self {
            options,
            interventions: None,
            t: 0,
            backwards: false,
            kind,
            hidden: h,
            input: d,
            wih: Panels::pack(rows, d, |r, k| wih[[r, k]], |r| bih[r]),
            whh: Panels::pack(rows, h, |r, k| whh[[r, k]], |r| bhh[r]),
            xp: vec![0.0; padded(rows)],
            hp: vec![0.0; padded(rows)],
            gates: vec![0.0; gates],
        }
    }

    pub fn kind(&self) -> CellKind {
        self.kind
    }

    /// Forces gates and states while stepping (validated for this cell's kind and H; an
    /// empty set removes them).
    pub fn with_interventions(mut self, iv: Interventions) -> Self {
        self.interventions = (!iv.is_empty()).then(|| Box::new(iv));
        self
    }

    /// The step index the next step computes, counting down when `backwards`: the sequence
    /// loop sets it, so interventions land on their steps.
    pub fn start_at(&mut self, t: usize, backwards: bool) {
        self.t = t;
        self.backwards = backwards;
    }

    pub fn hidden_size(&self) -> usize {
        self.hidden
    }
    pub fn input_size(&self) -> usize {
        self.input
    }

    /// Length of one step's projection (`G·H` rounded up to whole panels).
    pub fn projection_len(&self) -> usize {
        self.xp.len()
    }

    /// Activated gates of the last step: LSTM `[i | f | g | o]`, GRU `[r | z | n]`, each
    /// block `H` long; empty for RNN (its only quantity is `h`).
    pub fn gates(&self) -> &[f32] {
        &self.gates
    }

    /// The input side of one step: `out = W_ih·x + b_ih` (`x` of length `D`, `out` of
    /// [`Cell::projection_len`]).
    pub fn project(&self, x: &[f32], out: &mut [f32]) {
        self.wih.mul_vec(x, out, PRE_LIMIT);
    }

    /// Advances `state` by one input `x` (length `D`): [`Cell::project`], then
    /// [`Cell::step_projected`]. With `σ` the logistic function:
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
        debug_assert_eq!(x.len(), self.input);
        let mut xp = std::mem::take(&mut self.xp);
        self.project(x, &mut xp);
        self.step_projected(&xp, state);
        self.xp = xp;
    }

    /// The recurrent side of [`Cell::step`], given the step's projection `xp` (from
    /// [`Cell::project`]).
    ///
    /// With [`Params`]' options (peepholes, clip, GRU `linear_before_reset = 0`), or an
    /// intervention at this step, the same step takes [`Cell::step_with_options`] after the
    /// recurrent product.
    pub fn step_projected(&mut self, xp: &[f32], state: &mut State) {
        let h = self.hidden;
        debug_assert_eq!(state.h.len(), h);
        debug_assert_eq!(xp.len(), self.hp.len());
        self.whh.mul_vec(&state.h, &mut self.hp, PRE_LIMIT);
        let t = self.t;
        self.t = if self.backwards {
            t.saturating_sub(1)
        } else {
            t + 1
        };
        let iv = self
            .interventions
            .take_if(|iv| iv.active_at(t))
            .map(|iv| (iv, t));
        if self.options.is_some() || iv.is_some() {
            let had = self.options.is_some();
            let mut options = self.options.take().unwrap_or_default();
            self.step_with_options(&mut options, xp, state, iv.as_ref());
            self.options = had.then_some(options);
            self.interventions = iv.map(|(iv, _)| iv);
            return;
        }
        let (hp, gates) = (&self.hp[..], &mut self.gates[..]);
        // The gates of all units first, one long pass each, then the state update.
        match self.kind {
            CellKind::Lstm => {
                sum_into(Act::Sigmoid, xp, hp, &mut gates[..2 * h]);
                sum_into(
                    Act::Tanh,
                    &xp[2 * h..],
                    &hp[2 * h..],
                    &mut gates[2 * h..3 * h],
                );
                sum_into(
                    Act::Sigmoid,
                    &xp[3 * h..],
                    &hp[3 * h..],
                    &mut gates[3 * h..],
                );
                let from = simd::lstm(gates, state, h);
                for j in from..h {
                    let (i, f, g, o) = (gates[j], gates[h + j], gates[2 * h + j], gates[3 * h + j]);
                    let c = f * state.c[j] + i * g;
                    state.c[j] = c;
                    state.h[j] = o * activation::tanh(c);
                }
            }
            CellKind::Gru => {
                sum_into(Act::Sigmoid, xp, hp, &mut gates[..2 * h]);
                let from = simd::gru(xp, hp, gates, state, h);
                for j in from..h {
                    let (r, z) = (gates[j], gates[h + j]);
                    let n = activation::tanh(xp[2 * h + j] + r * hp[2 * h + j]);
                    state.h[j] = (1.0 - z) * n + z * state.h[j];
                    gates[2 * h + j] = n;
                }
            }
            CellKind::Rnn => sum_into(Act::Tanh, xp, hp, &mut state.h),
        }
    }
}

impl Cell {
    /// The nonlinearity of [`Cell::step_projected`] with ONNX's options, one unit at a time
    /// (`hp` already holds `W_hh·h_{t-1} + b_hh`); `clip(z) = min(max(z, −clip), clip)`:
    ///
    /// LSTM: `i = σ(clip(x_i + h_i + P_i ⊙ c_{t-1}))`, `f = σ(clip(x_f + h_f + P_f ⊙ c_{t-1}))`,
    /// `g = tanh(clip(x_g + h_g))`, `c_t = f ⊙ c_{t-1} + i ⊙ g`,
    /// `o = σ(clip(x_o + h_o + P_o ⊙ c_t))`, `h_t = o ⊙ tanh(c_t)` (c_t itself unclipped).
    /// GRU: `r`, `z` as usual but clipped; `n = tanh(clip(x_n + r ⊙ h_n))`, or with
    /// `linear_before_reset = 0`, `n = tanh(clip(x_n + W_hn (r ⊙ h_{t-1}) + b_hn))`.
    /// RNN: `h_t = tanh(clip(x + h))`.
    ///
    /// With interventions at this step (`iv`: the set and the step), clamped gates replace
    /// the computed ones before the state update uses them, and set states replace the
    /// updated ones.
    fn step_with_options(
        &mut self,
        opt: &mut Options,
        xp: &[f32],
        state: &mut State,
        iv: Option<&(Box<Interventions>, usize)>,
    ) {
        let (h, kind) = (self.hidden, self.kind);
        let (hp, gates) = (&self.hp[..], &mut self.gates[..]);
        let lim = opt.clip;
        let clip = |z: f32| z.clamp(-lim, lim);
        let sig = |z: f32| activation::sigmoid(clip(z));
        let th = |z: f32| activation::tanh(clip(z));
        let pre = |k: usize| xp[k] + hp[k];
        // Clamped gates replace computed ones before anything uses them; a block computed
        // later (o, n) is clamped again once it is.
        let clamp = |gates: &mut [f32]| {
            if let Some((iv, t)) = iv {
                iv.clamp_gates(*t, kind, h, gates);
            }
        };
        match kind {
            CellKind::Lstm => {
                let p = |k: usize| opt.peephole.get(k).copied().unwrap_or(0.0);
                for j in 0..h {
                    let c_prev = state.c[j];
                    gates[j] = sig(pre(j) + p(j) * c_prev);
                    gates[h + j] = sig(pre(h + j) + p(h + j) * c_prev);
                    gates[2 * h + j] = th(pre(2 * h + j));
                }
                clamp(gates);
                for j in 0..h {
                    state.c[j] = gates[h + j] * state.c[j] + gates[j] * gates[2 * h + j];
                }
                for j in 0..h {
                    gates[3 * h + j] = sig(pre(3 * h + j) + p(2 * h + j) * state.c[j]);
                }
                clamp(gates);
                for j in 0..h {
                    state.h[j] = gates[3 * h + j] * activation::tanh(state.c[j]);
                }
            }
            CellKind::Gru => {
                for (j, gate) in gates[..2 * h].iter_mut().enumerate() {
                    *gate = sig(pre(j));
                }
                clamp(gates);
                if let Some((w_hn, rh, out)) = &mut opt.reset_first {
                    for (dst, (r, hv)) in rh.iter_mut().zip(gates.iter().zip(&state.h)) {
                        *dst = r * hv;
                    }
                    w_hn.mul_vec(rh, out, PRE_LIMIT);
                    for j in 0..h {
                        gates[2 * h + j] = th(xp[2 * h + j] + out[j]);
                    }
                } else {
                    for j in 0..h {
                        gates[2 * h + j] = th(xp[2 * h + j] + gates[j] * hp[2 * h + j]);
                    }
                }
                clamp(gates);
                for j in 0..h {
                    let (z, n) = (gates[h + j], gates[2 * h + j]);
                    state.h[j] = (1.0 - z) * n + z * state.h[j];
                }
            }
            CellKind::Rnn => {
                for j in 0..h {
                    state.h[j] = th(pre(j));
                }
            }
        }
        if let Some((iv, t)) = iv {
            iv.set_states(*t, state);
        }
    }
}

impl Default for Options {
    /// PyTorch's plain cell: the options path then computes exactly what the fast one does.
    fn default() -> Self {
        Self {
            peephole: Vec::new(),
            clip: f32::INFINITY,
            reset_first: None,
        }
    }
}

/// The state updates four units at a time, the same operations as the scalar loops in
/// [`Cell::step_projected`]. Each returns the first unit it left for the scalar loop.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::activation::simd::tanh;
    use super::State;

    /// SAFETY of both helpers: callers pass indices with `at + 4 ≤ s.len()`.
    #[inline]
    unsafe fn ld(s: &[f32], at: usize) -> v128 {
        v128_load(s.as_ptr().add(at) as *const v128)
    }
    #[inline]
    unsafe fn st(s: &mut [f32], at: usize, v: v128) {
        v128_store(s.as_mut_ptr().add(at) as *mut v128, v)
    }

    /// `c = f ⊙ c + i ⊙ g`, `h = o ⊙ tanh(c)` from the activated `gates` `[i | f | g | o]`.
    pub fn lstm(gates: &[f32], state: &mut State, h: usize) -> usize {
        assert!(gates.len() >= 4 * h && state.h.len() >= h && state.c.len() >= h);
        let mut j = 0;
        // SAFETY: the assert gives the lengths; j + 4 ≤ h keeps lanes within each block.
        unsafe {
            while j + 4 <= h {
                let (i, f) = (ld(gates, j), ld(gates, h + j));
                let (g, o) = (ld(gates, 2 * h + j), ld(gates, 3 * h + j));
                let c = f32x4_add(f32x4_mul(f, ld(&state.c, j)), f32x4_mul(i, g));
                st(&mut state.c, j, c);
                st(&mut state.h, j, f32x4_mul(o, tanh(c)));
                j += 4;
            }
        }
        j
    }

    /// `n = tanh(x_n + r ⊙ h_n)`, `h = (1 − z) ⊙ n + z ⊙ h`, given `r`, `z` in `gates`.
    pub fn gru(xp: &[f32], hp: &[f32], gates: &mut [f32], state: &mut State, h: usize) -> usize {
        assert!(xp.len() >= 3 * h && hp.len() >= 3 * h && gates.len() >= 3 * h);
        assert!(state.h.len() >= h);
        let mut j = 0;
        // SAFETY: the asserts give the lengths; j + 4 ≤ h keeps lanes within each block.
        unsafe {
            while j + 4 <= h {
                let (r, z) = (ld(gates, j), ld(gates, h + j));
                let n = tanh(f32x4_add(
                    ld(xp, 2 * h + j),
                    f32x4_mul(r, ld(hp, 2 * h + j)),
                ));
                let keep = f32x4_mul(z, ld(&state.h, j));
                let new = f32x4_add(f32x4_mul(f32x4_sub(f32x4_splat(1.0), z), n), keep);
                st(&mut state.h, j, new);
                st(gates, 2 * h + j, n);
                j += 4;
            }
        }
        j
    }
}

/// Without wasm SIMD the scalar loops do every unit.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    use super::State;

    pub fn lstm(_: &[f32], _: &mut State, _: usize) -> usize {
        0
    }
    pub fn gru(_: &[f32], _: &[f32], _: &mut [f32], _: &mut State, _: usize) -> usize {
        0
    }
}
