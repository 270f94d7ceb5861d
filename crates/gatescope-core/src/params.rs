//! Weights in PyTorch's layout, their validation, seeded initialisation and the seed
//! article's per-gate view.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};

use super::error::{ModelError, Result};
use super::rng::SplitMix64;

/// Largest hidden size the core accepts.
pub const MAX_HIDDEN: usize = 512;
/// Largest input size of a model (its first layer).
pub const MAX_INPUT: usize = 64;
/// Largest input size of any layer: a layer above a bidirectional one reads both
/// directions' `h`, `2H` values.
pub const MAX_LAYER_INPUT: usize = 2 * MAX_HIDDEN;
/// Longest sequence the core accepts.
pub const MAX_STEPS: usize = 100_000;

/// Which recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellKind {
    /// Long short-term memory, gate order i, f, g, o.
    Lstm,
    /// Gated recurrent unit, gate order r, z, n (PyTorch, `linear_before_reset = 1`).
    Gru,
    /// Elman RNN with tanh.
    Rnn,
}

impl CellKind {
    /// Number of gate blocks G in `weight_ih [G·H, D]`.
    pub fn gate_blocks(self) -> usize {
        match self {
            CellKind::Lstm => 4,
            CellKind::Gru => 3,
            CellKind::Rnn => 1,
        }
    }

    /// The name used in model files and the CLI: `lstm`, `gru`, `rnn`.
    pub fn name(self) -> &'static str {
        match self {
            CellKind::Lstm => "lstm",
            CellKind::Gru => "gru",
            CellKind::Rnn => "rnn",
        }
    }

    /// Parses `lstm`, `gru` or `rnn` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "lstm" => Ok(CellKind::Lstm),
            "gru" => Ok(CellKind::Gru),
            "rnn" => Ok(CellKind::Rnn),
            _ => Err(ModelError::Format(format!(
                "cell: expected \"lstm\", \"gru\" or \"rnn\", found {s:?}"
            ))),
        }
    }
}

/// Checks `1 <= value <= max`.
pub fn check_size(what: &'static str, value: usize, max: usize) -> Result<()> {
    if (1..=max).contains(&value) {
        Ok(())
    } else {
        Err(ModelError::Size {
            what,
            value,
            min: 1,
            max,
        })
    }
}

pub(crate) fn check_finite<'a>(
    what: &str,
    values: impl IntoIterator<Item = &'a f32>,
    shape: &[usize],
) -> Result<()> {
    for (flat, v) in values.into_iter().enumerate() {
        if !v.is_finite() {
            let mut rest = flat;
            let mut idx = vec![0; shape.len()];
            for (k, d) in shape.iter().enumerate().rev() {
                idx[k] = rest % d.max(&1);
                rest /= d.max(&1);
            }
            let index = idx.iter().map(|i| format!("[{i}]")).collect::<String>();
            return Err(ModelError::NonFinite {
                what: what.to_string(),
                index,
                value: *v,
            });
        }
    }
    Ok(())
}

/// Parameters of one recurrent layer, named and laid out exactly as PyTorch's
/// `nn.LSTM` / `nn.GRU` / `nn.RNN` state_dict (`G` gate blocks of `H` rows each):
///
/// | tensor      | shape      | LSTM blocks    | GRU blocks | RNN |
/// |-------------|------------|----------------|------------|-----|
/// | `weight_ih` | `[G·H, D]` | i, f, g, o     | r, z, n    | –   |
/// | `weight_hh` | `[G·H, H]` | i, f, g, o     | r, z, n    | –   |
/// | `bias_ih`   | `[G·H]`    |                |            |     |
/// | `bias_hh`   | `[G·H]`    |                |            |     |
///
/// A value of this type is always valid: shapes agree, sizes are within
/// [`MAX_HIDDEN`] / [`MAX_INPUT`], and every number is finite.
///
/// ONNX's extra features are options of the same layer, each off by default (PyTorch's
/// cells): LSTM peepholes ([`Params::with_peepholes`]), a pre-activation clip
/// ([`Params::with_clip`]) and the GRU's `linear_before_reset = 0`
/// ([`Params::with_linear_before_reset`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    kind: CellKind,
    weight_ih: Array2<f32>,
    weight_hh: Array2<f32>,
    bias_ih: Array1<f32>,
    bias_hh: Array1<f32>,
    /// LSTM peepholes `[3H]`, blocks `P_i, P_f, P_o` (ONNX's `P`, reordered from i, o, f).
    peephole: Option<Array1<f32>>,
    /// Every gate's pre-activation is clamped to `[-clip, clip]` before σ / tanh (ONNX `clip`).
    clip: Option<f32>,
    /// GRU only: `true` (PyTorch, the default) applies `r` to `W_hn h + b_hn`; `false` (ONNX's
    /// default) computes `W_hn (r ⊙ h) + b_hn`.
    linear_before_reset: bool,
}

/// How [`Params::init`] draws weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitConfig {
    /// Seed of the generator. Default 0.
    pub seed: u64,
    /// Multiplies PyTorch's bound `1/√H`. Default 1.0 (PyTorch's own initialisation).
    pub scale: f32,
    /// The memory-gate bias: when set, the bias of the gate that keeps the old state is this
    /// value, all of it in `bias_ih` (the same block of `bias_hh` zeroed), so the gate
    /// starts open (LSTM: Gers et al. 2000, Jozefowicz et al. 2015). Despite the name it
    /// applies to both gated cells, block 1 of each:
    ///
    /// - LSTM: the forget gate f (`c_t = f ⊙ c_{t-1} + i ⊙ g`);
    /// - GRU: the update gate z (`h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}`), whose positive bias
    ///   likewise means "keep the old state";
    /// - RNN: no effect (it has no gate).
    ///
    /// Default `None` (left random).
    pub forget_bias: Option<f32>,
}

impl Default for InitConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            scale: 1.0,
            forget_bias: None,
        }
    }
}

impl Params {
    /// Validates and wraps PyTorch-layout tensors; `H` and `D` come from `weight_hh` and
    /// `weight_ih`. `D` may be up to [`MAX_LAYER_INPUT`] (a layer inside a stack); a model's
    /// first layer is held to [`MAX_INPUT`] by [`Stack::new`](crate::Stack::new).
    pub fn new(
        kind: CellKind,
        weight_ih: Array2<f32>,
        weight_hh: Array2<f32>,
        bias_ih: Array1<f32>,
        bias_hh: Array1<f32>,
    ) -> Result<Self> {
        let g = kind.gate_blocks();
        let h = weight_hh.ncols();
        check_size("hidden size H", h, MAX_HIDDEN)?;
        let d = weight_ih.ncols();
        check_size("input size D", d, MAX_LAYER_INPUT)?;
        let rows = g * h;
        let expect2 = |what: &str, a: &Array2<f32>, cols: usize| {
            if a.dim() != (rows, cols) {
                Err(ModelError::shape(
                    what,
                    format!("[{rows}, {cols}]"),
                    format!("[{}, {}]", a.nrows(), a.ncols()),
                ))
            } else {
                Ok(())
            }
        };
        expect2("weight_ih", &weight_ih, d)?;
        expect2("weight_hh", &weight_hh, h)?;
        for (what, b) in [("bias_ih", &bias_ih), ("bias_hh", &bias_hh)] {
            if b.len() != rows {
                return Err(ModelError::shape(
                    what,
                    format!("[{rows}]"),
                    format!("[{}]", b.len()),
                ));
            }
        }
        check_finite("weight_ih", weight_ih.iter(), &[rows, d])?;
        check_finite("weight_hh", weight_hh.iter(), &[rows, h])?;
        check_finite("bias_ih", bias_ih.iter(), &[rows])?;
        check_finite("bias_hh", bias_hh.iter(), &[rows])?;
        Ok(Self {
            kind,
            weight_ih,
            weight_hh,
            bias_ih,
            bias_hh,
            peephole: None,
            clip: None,
            linear_before_reset: true,
        })
    }

    /// Adds LSTM peepholes `[3H]` in the order `P_i, P_f, P_o`:
    /// `i_t = σ(… + P_i ⊙ c_{t-1})`, `f_t = σ(… + P_f ⊙ c_{t-1})`, `o_t = σ(… + P_o ⊙ c_t)`
    /// (ONNX; the output gate sees the new cell state). All zeros is the same as none.
    pub fn with_peepholes(mut self, p: Array1<f32>) -> Result<Self> {
        if self.kind != CellKind::Lstm {
            return Err(ModelError::Format(format!(
                "peepholes: only an LSTM has them, this is a {}",
                self.kind.name().to_ascii_uppercase()
            )));
        }
        let want = 3 * self.hidden_size();
        if p.len() != want {
            return Err(ModelError::shape(
                "peepholes P",
                format!("[{want}]"),
                format!("[{}]", p.len()),
            ));
        }
        check_finite("peepholes P", p.iter(), &[want])?;
        self.peephole = p.iter().any(|&v| v != 0.0).then_some(p);
        Ok(self)
    }

    /// Clamps every gate's pre-activation to `[-clip, clip]` before its σ / tanh (ONNX's
    /// `clip`, as onnxruntime applies it: peephole terms included, the cell state itself
    /// not clipped). `clip` must be positive and finite.
    pub fn with_clip(mut self, clip: f32) -> Result<Self> {
        if !(clip.is_finite() && clip > 0.0) {
            return Err(ModelError::Format(format!(
                "clip: expected a positive finite number, found {clip}"
            )));
        }
        self.clip = Some(clip);
        Ok(self)
    }

    /// GRU: `true` keeps PyTorch's `n_t = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`;
    /// `false` is ONNX's default `n_t = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)`.
    /// Ignored for LSTM and RNN.
    pub fn with_linear_before_reset(mut self, on: bool) -> Self {
        self.linear_before_reset = on || self.kind != CellKind::Gru;
        self
    }

    /// The peepholes `[3H]` (`P_i, P_f, P_o`), if any.
    pub fn peepholes(&self) -> Option<ArrayView1<'_, f32>> {
        self.peephole.as_ref().map(|p| p.view())
    }
    /// The pre-activation clip, if any.
    pub fn clip(&self) -> Option<f32> {
        self.clip
    }
    /// See [`Params::with_linear_before_reset`]; always `true` for LSTM and RNN.
    pub fn linear_before_reset(&self) -> bool {
        self.linear_before_reset
    }
    /// True for PyTorch's own cells: no peepholes, no clip, `linear_before_reset`. Training
    /// (BPTT) handles these only.
    pub fn is_plain(&self) -> bool {
        self.peephole.is_none() && self.clip.is_none() && self.linear_before_reset
    }

    /// Weights and biases, as PyTorch counts them (`4H(D + H + 2)` for an LSTM), plus
    /// peepholes.
    pub fn num_params(&self) -> u64 {
        let rows = (self.kind.gate_blocks() * self.hidden_size()) as u64;
        let (d, h) = (self.input_size() as u64, self.hidden_size() as u64);
        rows * (d + h + 2) + self.peephole.as_ref().map_or(0, |p| p.len() as u64)
    }

    /// Seeded, deterministic initialisation with PyTorch's distribution: every weight and
    /// bias from `U(-k, k)`, `k = scale/√H`, drawn in the order `weight_ih`, `weight_hh`,
    /// `bias_ih`, `bias_hh` (row-major), the same on every platform.
    pub fn init(
        kind: CellKind,
        hidden_size: usize,
        input_size: usize,
        cfg: InitConfig,
    ) -> Result<Self> {
        check_size("hidden size H", hidden_size, MAX_HIDDEN)?;
        check_size("input size D", input_size, MAX_LAYER_INPUT)?;
        if !cfg.scale.is_finite() || cfg.scale < 0.0 {
            return Err(ModelError::NonFinite {
                what: "init scale".into(),
                index: String::new(),
                value: cfg.scale,
            });
        }
        let rows = kind.gate_blocks() * hidden_size;
        let k = cfg.scale / (hidden_size as f32).sqrt();
        let mut rng = SplitMix64::new(cfg.seed);
        let mut draw = |n: usize| (0..n).map(|_| rng.uniform(-k, k)).collect::<Vec<f32>>();
        let weight_ih =
            Array2::from_shape_vec((rows, input_size), draw(rows * input_size)).expect("sized");
        let weight_hh =
            Array2::from_shape_vec((rows, hidden_size), draw(rows * hidden_size)).expect("sized");
        let mut bias_ih = Array1::from(draw(rows));
        let mut bias_hh = Array1::from(draw(rows));
        if let (CellKind::Lstm | CellKind::Gru, Some(bias)) = (kind, cfg.forget_bias) {
            // Block 1 is the LSTM's f and the GRU's z: the gate that keeps the old state.
            let keep = hidden_size..2 * hidden_size;
            bias_ih.slice_mut(s![keep.clone()]).fill(bias);
            bias_hh.slice_mut(s![keep]).fill(0.0);
        }
        Self::new(kind, weight_ih, weight_hh, bias_ih, bias_hh)
    }

    pub fn kind(&self) -> CellKind {
        self.kind
    }
    /// H.
    pub fn hidden_size(&self) -> usize {
        self.weight_hh.ncols()
    }
    /// D.
    pub fn input_size(&self) -> usize {
        self.weight_ih.ncols()
    }
    /// `[G·H, D]`.
    pub fn weight_ih(&self) -> ArrayView2<'_, f32> {
        self.weight_ih.view()
    }
    /// `[G·H, H]`.
    pub fn weight_hh(&self) -> ArrayView2<'_, f32> {
        self.weight_hh.view()
    }
    /// `[G·H]`.
    pub fn bias_ih(&self) -> ArrayView1<'_, f32> {
        self.bias_ih.view()
    }
    /// `[G·H]`.
    pub fn bias_hh(&self) -> ArrayView1<'_, f32> {
        self.bias_hh.view()
    }

    /// The seed article's per-gate view of an LSTM (§4.1): for gate `k ∈ {i, f, g, o}`,
    /// `W_k = [W_hk | W_ik]` of shape `[H, H+D]` acting on `[h_{t-1}; x_t]` (h first), and
    /// `b_k = b_ik + b_hk`. `None` for GRU and RNN, whose n / h terms do not factor this way.
    pub fn classic_view(&self) -> Option<ClassicView> {
        if self.kind != CellKind::Lstm {
            return None;
        }
        let (h, d) = (self.hidden_size(), self.input_size());
        let block = |k: usize| {
            let rows = k * h..(k + 1) * h;
            let mut w = Array2::zeros((h, h + d));
            w.slice_mut(s![.., ..h])
                .assign(&self.weight_hh.slice(s![rows.clone(), ..]));
            w.slice_mut(s![.., h..])
                .assign(&self.weight_ih.slice(s![rows.clone(), ..]));
            let b = &self.bias_ih.slice(s![rows.clone()]) + &self.bias_hh.slice(s![rows]);
            (w, b)
        };
        let [(w_i, b_i), (w_f, b_f), (w_g, b_g), (w_o, b_o)] =
            [block(0), block(1), block(2), block(3)];
        Some(ClassicView {
            w_i,
            w_f,
            w_g,
            w_o,
            b_i,
            b_f,
            b_g,
            b_o,
        })
    }
}

/// The per-gate matrices of the seed's §4.1, each `W_k: [H, H+D]` on `[h_{t-1}; x_t]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassicView {
    pub w_i: Array2<f32>,
    pub w_f: Array2<f32>,
    /// The candidate's matrix, `W_C` in the classic notation.
    pub w_g: Array2<f32>,
    pub w_o: Array2<f32>,
    pub b_i: Array1<f32>,
    pub b_f: Array1<f32>,
    pub b_g: Array1<f32>,
    pub b_o: Array1<f32>,
}
