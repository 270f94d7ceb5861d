//! Where one number of a trace comes from: the breakdown of one unit's step into the seed
//! article's equations, with the real weights and inputs (for the step explainer).
//!
//! For an LSTM gate k ∈ {i, f, g, o} of unit j at step t:
//!
//! ```text
//! pre_k = Σ_m W_k[j, m] · [h_{t-1}; x_t][m] + b_k[j]      (h first, then x; b = b_ih + b_hh)
//! k     = σ(pre_k)  (tanh for g)
//! c_t   = f·c_{t-1} (kept) + i·g (written)      h_t = o·tanh(c_t)
//! ```
//!
//! GRU: r and z as above; `n = tanh((W_in x + b_in) + r·(W_hn h + b_hn))`, its two parts kept
//! apart; `h_t = (1 − z)·n + z·h_{t-1}`. RNN: `h_t = tanh(pre)`.
//!
//! The terms are the core's f32 weights times the trace's f32 inputs; each pre-activation is
//! their sum accumulated in f64 (so the shown parts add up to it), and each gate and state is
//! the trace's own recorded value.
//!
//! Under interventions ([`crate::intervene`]) the recorded value of a clamped gate or a set
//! state is the forced one; the breakdown says so ([`Gate::forced`], [`Breakdown::forced`])
//! and gives the value the weights alone would have produced ([`Gate::natural`]).

use super::activation;
use super::error::{ModelError, Result};
use super::intervene::Intervention;
use super::params::{CellKind, Params};
use super::trace::{Series, Trace};

/// Which entry of `[h_{t-1}; x_t]` a term multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `h_{t-1}[k]`.
    H(usize),
    /// `x_t[k]`.
    X(usize),
}

/// One weight × input of a pre-activation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    pub source: Source,
    pub weight: f32,
    pub input: f32,
    /// `weight · input`, in f64 (exact for two f32 values).
    pub product: f64,
}

/// A sum of terms plus a bias: one pre-activation, or one part of the GRU's n.
#[derive(Debug, Clone, PartialEq)]
pub struct Sum {
    /// Every term, `h` entries first (the article's `[h_{t-1}; x_t]`).
    pub terms: Vec<Term>,
    /// The bias (for a whole gate `b_ih + b_hh`; for a GRU n part, that part's own).
    pub bias: f64,
    /// `Σ product + bias`.
    pub total: f64,
}

impl Sum {
    fn new(terms: Vec<Term>, bias: f64) -> Self {
        let total = terms.iter().map(|t| t.product).sum::<f64>() + bias;
        Self { terms, bias, total }
    }

    /// The `k` terms of largest magnitude, in their original order, and the sum of the rest,
    /// so that `shown + others + bias == total` still holds (up to f64 rounding).
    pub fn largest(&self, k: usize) -> (Vec<Term>, f64) {
        let mut order: Vec<usize> = (0..self.terms.len()).collect();
        order.sort_by(|&a, &b| {
            self.terms[b]
                .product
                .abs()
                .total_cmp(&self.terms[a].product.abs())
        });
        let mut keep: Vec<usize> = order.iter().copied().take(k).collect();
        keep.sort_unstable();
        let others = order.iter().skip(k).map(|&m| self.terms[m].product).sum();
        (keep.iter().map(|&m| self.terms[m]).collect(), others)
    }
}

/// One gate of the step: its pre-activation and the value the trace recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub series: Series,
    /// For LSTM gates and GRU r, z: the whole pre-activation. For the GRU's n: the input
    /// part `W_in x + b_in` (the recurrent part is [`Breakdown::n_recurrent`]).
    pub sum: Sum,
    /// The recorded gate value (after any intervention).
    pub value: f32,
    /// True when an intervention forced this gate at this step and unit.
    pub forced: bool,
    /// The activation of the pre-activation, the value the weights give (for the GRU's n,
    /// with the recorded r), computed in f32 by the core's own σ and tanh.
    pub natural: f32,
}

/// One unit's step, every number of its equations.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub kind: CellKind,
    /// Step (0-based) and unit (0-based).
    pub t: usize,
    pub unit: usize,
    /// `h_{t-1}` (all units) and `x_t`.
    pub h_prev: Vec<f32>,
    pub x: Vec<f32>,
    /// LSTM i, f, g, o; GRU r, z, n; empty for RNN.
    pub gates: Vec<Gate>,
    /// GRU: `W_hn h_{t-1} + b_hn`, which r multiplies.
    pub n_recurrent: Option<Sum>,
    /// RNN: the pre-activation of h.
    pub rnn_pre: Option<Sum>,
    /// LSTM: `c_{t-1}`, `f·c_{t-1}` (kept), `i·g` (written), `c_t`.
    pub c_prev: Option<f32>,
    pub kept: Option<f32>,
    pub written: Option<f32>,
    pub c: Option<f32>,
    /// The unit's `h_{t-1}` and `h_t`.
    pub h_prev_unit: f32,
    pub h: f32,
    /// Everything an intervention forced at this step and unit (gates and states), in the
    /// cell's series order.
    pub forced: Vec<Series>,
}

impl Breakdown {
    /// True when an intervention forced `s` at this step and unit.
    pub fn is_forced(&self, s: Series) -> bool {
        self.forced.contains(&s)
    }
}

/// The breakdown of `unit` at step `t` of `trace`, computed by `params` with the
/// interventions `forced` (empty for a plain run; those that computed `trace`).
///
/// Errors: the trace is not `params`' (cell, H, D), `t` or `unit` out of range, a reverse
/// direction's trace, or parameters with ONNX's options (their equations differ; not yet
/// written out).
pub fn breakdown(
    params: &Params,
    trace: &Trace,
    t: usize,
    unit: usize,
    forced: &[Intervention],
) -> Result<Breakdown> {
    let (kind, h, d) = (params.kind(), params.hidden_size(), params.input_size());
    if (trace.kind(), trace.hidden_size(), trace.input_size()) != (kind, h, d) {
        return Err(ModelError::Format(
            "breakdown: the trace was not computed by these parameters".to_string(),
        ));
    }
    if t >= trace.steps() || unit >= h {
        return Err(ModelError::Format(format!(
            "breakdown: step {} unit {} is outside {} steps × {h} units",
            t + 1,
            unit + 1,
            trace.steps()
        )));
    }
    if !params.is_plain() || trace.is_reverse() {
        return Err(ModelError::Format(
            "breakdown: only forward PyTorch cells are written out".to_string(),
        ));
    }
    let series = |s: Series| trace.get(s).expect("the trace's own cell records it");
    let h_all = series(Series::H);
    let h_prev: Vec<f32> = if t == 0 {
        trace.h0().to_vec()
    } else {
        h_all.row(t - 1).to_vec()
    };
    let x = trace.x().row(t).to_vec();
    let (wih, whh, bih, bhh) = (
        params.weight_ih(),
        params.weight_hh(),
        params.bias_ih(),
        params.bias_hh(),
    );
    // Row `r` of the gate blocks on `[h; x]`; which parts and biases to include.
    let sum = |r: usize, with_h: bool, with_x: bool, bias: f64| {
        let hs = (0..h)
            .filter(|_| with_h)
            .map(|k| term(Source::H(k), whh[[r, k]], h_prev[k]));
        let xs = (0..d)
            .filter(|_| with_x)
            .map(|k| term(Source::X(k), wih[[r, k]], x[k]));
        Sum::new(hs.chain(xs).collect(), bias)
    };
    let both = |r: usize| f64::from(bih[r]) + f64::from(bhh[r]);
    let forced_here: Vec<Series> = Series::of(kind)
        .iter()
        .copied()
        .filter(|&s| {
            forced.iter().any(|iv| {
                iv.series == s && iv.steps.contains(&t) && iv.unit.is_none_or(|u| u == unit)
            })
        })
        .collect();
    let mut b = Breakdown {
        kind,
        t,
        unit,
        h_prev: h_prev.clone(),
        x: x.clone(),
        gates: Vec::new(),
        n_recurrent: None,
        rnn_pre: None,
        c_prev: None,
        kept: None,
        written: None,
        c: None,
        h_prev_unit: h_prev[unit],
        h: h_all[[t, unit]],
        forced: forced_here.clone(),
    };
    let is_forced = |s: Series| forced_here.contains(&s);
    let (mut gates, mut n_recurrent) = (Vec::new(), None);
    let gate = |s: Series, sum: Sum, natural: f32| Gate {
        series: s,
        forced: is_forced(s),
        natural,
        sum,
        value: series(s)[[t, unit]],
    };
    let sig = |sum: &Sum| activation::sigmoid(sum.total as f32);
    match kind {
        CellKind::Lstm => {
            for (k, s) in [Series::I, Series::F, Series::G, Series::O]
                .into_iter()
                .enumerate()
            {
                let r = k * h + unit;
                let pre = sum(r, true, true, both(r));
                let natural = if s == Series::G {
                    activation::tanh(pre.total as f32)
                } else {
                    sig(&pre)
                };
                gates.push(gate(s, pre, natural));
            }
            let c_prev = if t == 0 {
                trace.c0()[unit]
            } else {
                series(Series::C)[[t - 1, unit]]
            };
            let value = |s: Series| series(s)[[t, unit]];
            b.c_prev = Some(c_prev);
            b.kept = Some(value(Series::F) * c_prev);
            b.written = Some(value(Series::I) * value(Series::G));
            b.c = Some(value(Series::C));
        }
        CellKind::Gru => {
            for (k, s) in [Series::R, Series::Z].into_iter().enumerate() {
                let r = k * h + unit;
                let pre = sum(r, true, true, both(r));
                let natural = sig(&pre);
                gates.push(gate(s, pre, natural));
            }
            let r = 2 * h + unit;
            let (input, recurrent) = (
                sum(r, false, true, f64::from(bih[r])),
                sum(r, true, false, f64::from(bhh[r])),
            );
            let reset = series(Series::R)[[t, unit]];
            let natural =
                activation::tanh((input.total + f64::from(reset) * recurrent.total) as f32);
            gates.push(gate(Series::N, input, natural));
            n_recurrent = Some(recurrent);
        }
        CellKind::Rnn => b.rnn_pre = Some(sum(unit, true, true, both(unit))),
    }
    b.gates = gates;
    b.n_recurrent = n_recurrent;
    Ok(b)
}

fn term(source: Source, weight: f32, input: f32) -> Term {
    Term {
        source,
        weight,
        input,
        product: f64::from(weight) * f64::from(input),
    }
}
