//! [`CharModel`]: embedding, recurrent stack and linear readout, validated together.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::error::TextError;
use super::run::CharRun;
use super::vocab::Vocab;
use crate::error::ModelError;
use crate::forward::{check_entries, InitialState};
use crate::params::{check_finite, check_size, CellKind, InitConfig, Params, MAX_INPUT};
use crate::rng::SplitMix64;
use crate::stack::{forward_stack, Stack};

/// Mixed into the seed for the embedding's draws, so they do not repeat the cell's.
const EMBED_SALT: u64 = 0x6A09_E667_F3BC_C908;
/// Mixed into the seed for the readout's draws.
const FC_SALT: u64 = 0xBB67_AE85_84CA_A73B;

/// A character-level model, always valid: shapes agree, every value finite.
///
/// | tensor (PyTorch name) | shape | |
/// |---|---|---|
/// | `embedding.weight` | `[V, E]` | row `k` is the input `x_t` when token `k` is read |
/// | the [`Stack`] | D = E, H | `rnn.` / `lstm.` / `gru.weight_ih_l0`, … |
/// | `fc.weight` | `[V, dirs·H]` | `z_t = W_fc h_t + b_fc`, the logits of the next character |
/// | `fc.bias` | `[V]` | |
///
/// `V` is [`Vocab::len`]; `E ≤` [`MAX_INPUT`]; `h_t` is the stack's output (the last
/// layer's `h`, both directions for a bidirectional stack).
#[derive(Debug, Clone, PartialEq)]
pub struct CharModel {
    vocab: Vocab,
    embedding: Array2<f32>,
    stack: Stack,
    fc_weight: Array2<f32>,
    fc_bias: Array1<f32>,
}

/// Sizes and seed of [`CharModel::init`]. Defaults: `E = 16`, `H = 64`, PyTorch's
/// initialisation with seed 0 ([`InitConfig::default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharModelConfig {
    /// E, `1..=`[`MAX_INPUT`]. Default 16.
    pub embed_size: usize,
    /// H, `1..=`[`crate::MAX_HIDDEN`]. Default 64.
    pub hidden_size: usize,
    /// The cell's draws (seed, scale, memory-gate bias); its seed also seeds the embedding
    /// and the readout (each mixed with its own constant).
    pub init: InitConfig,
}

impl Default for CharModelConfig {
    fn default() -> Self {
        Self {
            embed_size: 16,
            hidden_size: 64,
            init: InitConfig::default(),
        }
    }
}

impl CharModel {
    /// Validates and wraps the four parts (table above).
    ///
    /// Errors: `embedding` not `[V, D]` with the stack's `D`, `fc_weight` not
    /// `[V, dirs·H]`, `fc_bias` not `[V]` (each [`ModelError::Shape`], naming PyTorch's
    /// tensor), or a value that is not finite.
    pub fn new(
        vocab: Vocab,
        embedding: Array2<f32>,
        stack: Stack,
        fc_weight: Array2<f32>,
        fc_bias: Array1<f32>,
    ) -> Result<Self, TextError> {
        let (v, e, out) = (vocab.len(), stack.input_size(), stack.output_size());
        let expect = |what: &str, found: (usize, usize), want: (usize, usize)| {
            if found == want {
                Ok(())
            } else {
                Err(ModelError::shape(
                    what,
                    format!(
                        "[{}, {}] (V = {v} entries of the vocabulary)",
                        want.0, want.1
                    ),
                    format!("[{}, {}]", found.0, found.1),
                ))
            }
        };
        expect("embedding.weight", embedding.dim(), (v, e))?;
        expect("fc.weight", fc_weight.dim(), (v, out))?;
        if fc_bias.len() != v {
            return Err(ModelError::shape(
                "fc.bias",
                format!("[{v}] (V = {v} entries of the vocabulary)"),
                format!("[{}]", fc_bias.len()),
            )
            .into());
        }
        check_finite("embedding.weight", embedding.iter(), &[v, e])?;
        check_finite("fc.weight", fc_weight.iter(), &[v, out])?;
        check_finite("fc.bias", fc_bias.iter(), &[v])?;
        Ok(Self {
            vocab,
            embedding,
            stack,
            fc_weight,
            fc_bias,
        })
    }

    /// A seeded one-layer, one-direction model of `kind` for `vocab`:
    ///
    /// - the cell from [`Params::init`] (PyTorch's `U(−1/√H, 1/√H)`);
    /// - the embedding `U(−√3, √3)`: unit variance like PyTorch's `N(0, 1)`, drawn without
    ///   `ln`/`cos` so the same seed gives the same bits on every platform;
    /// - the readout like `nn.Linear`, `U(−1/√H, 1/√H)`, weight then bias.
    ///
    /// Errors: a size out of range ([`ModelError::Size`]) or a bad init scale.
    pub fn init(kind: CellKind, vocab: Vocab, cfg: CharModelConfig) -> Result<Self, TextError> {
        let (v, e, h) = (vocab.len(), cfg.embed_size, cfg.hidden_size);
        check_size("embedding size E", e, MAX_INPUT)?;
        let cell = Params::init(kind, h, e, cfg.init)?;
        let mut rng = SplitMix64::new(cfg.init.seed ^ EMBED_SALT);
        let a = 3f32.sqrt();
        let embedding = Array2::from_shape_simple_fn((v, e), || rng.uniform(-a, a));
        let mut rng = SplitMix64::new(cfg.init.seed ^ FC_SALT);
        let k = 1.0 / (h as f32).sqrt();
        let fc_weight = Array2::from_shape_simple_fn((v, h), || rng.uniform(-k, k));
        let fc_bias = Array1::from_shape_simple_fn(v, || rng.uniform(-k, k));
        Self::new(vocab, embedding, Stack::single(cell)?, fc_weight, fc_bias)
    }

    /// The vocabulary (index = token id).
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }
    /// `embedding.weight`, `[V, E]`.
    pub fn embedding(&self) -> ArrayView2<'_, f32> {
        self.embedding.view()
    }
    /// The recurrent layers (D = E).
    pub fn stack(&self) -> &Stack {
        &self.stack
    }
    /// `fc.weight`, `[V, dirs·H]`.
    pub fn fc_weight(&self) -> ArrayView2<'_, f32> {
        self.fc_weight.view()
    }
    /// `fc.bias`, `[V]`.
    pub fn fc_bias(&self) -> ArrayView1<'_, f32> {
        self.fc_bias.view()
    }
    pub fn kind(&self) -> CellKind {
        self.stack.kind()
    }
    /// V.
    pub fn vocab_size(&self) -> usize {
        self.vocab.len()
    }
    /// E (the stack's D).
    pub fn embed_size(&self) -> usize {
        self.embedding.ncols()
    }
    /// H of every layer.
    pub fn hidden_size(&self) -> usize {
        self.stack.hidden_size()
    }
    /// Every value, as PyTorch's `sum(p.numel() for p in model.parameters())` counts them.
    pub fn num_params(&self) -> u64 {
        (self.embedding.len() + self.fc_weight.len() + self.fc_bias.len()) as u64
            + self.stack.num_params()
    }

    /// The ids of `text` (see [`Vocab::encode`]).
    pub fn encode(&self, text: &str) -> Result<Vec<usize>, TextError> {
        self.vocab.encode(text)
    }

    /// The embedding rows of `tokens`, `[T, E]`: the `x` the cells read.
    ///
    /// Errors: an id `≥ V` ([`TextError::Config`]).
    pub fn embed(&self, tokens: &[usize]) -> Result<Array2<f32>, TextError> {
        let (v, e) = self.embedding.dim();
        let mut x = Array2::zeros((tokens.len(), e));
        for (mut row, &id) in x.rows_mut().into_iter().zip(tokens) {
            if id >= v {
                return Err(TextError::config("token id", id, "an id below V"));
            }
            row.assign(&self.embedding.row(id));
        }
        Ok(x)
    }

    /// Runs the model over `tokens` from zero states: [`CharModel::forward_from`] with no
    /// initial states.
    pub fn forward(&self, tokens: &[usize]) -> Result<CharRun, TextError> {
        self.forward_from(tokens, &[])
    }

    /// Encodes `text` and runs it ([`CharModel::encode`], [`CharModel::forward`]).
    pub fn run_text(&self, text: &str) -> Result<CharRun, TextError> {
        self.forward(&self.encode(text)?)
    }

    /// Runs the model over `tokens` (`T ≥ 1`) from `init` (one state per layer-direction in
    /// PyTorch's order, or empty for zeros): embedding lookup, [`forward_stack`], then
    ///
    /// ```text
    /// z_t = W_fc h_t + b_fc         (f32, [T, V])
    /// p_t = softmax(z_t)            (computed in f64 as exp(z − max z) / Σ, rounded to f32)
    /// ```
    ///
    /// Errors: an empty sequence, an id `≥ V`, those of [`forward_stack`], or `T·V` beyond
    /// [`crate::MAX_TRACE_ENTRIES`].
    pub fn forward_from(
        &self,
        tokens: &[usize],
        init: &[InitialState],
    ) -> Result<CharRun, TextError> {
        if tokens.is_empty() {
            return Err(TextError::Empty { what: "text" });
        }
        check_entries(
            tokens.len() as u64 * self.vocab_size() as u64,
            "logits size T·V",
        )?;
        let x = self.embed(tokens)?;
        let trace = forward_stack(&self.stack, x.view(), init)?;
        let logits = self.logits(trace.output());
        let probs = softmax_rows(logits.view());
        Ok(CharRun::new(tokens.to_vec(), trace, logits, probs))
    }

    /// `z_t = W_fc h_t + b_fc` for every row of `h` (`[T, dirs·H]`), `[T, V]`.
    pub(super) fn logits(&self, h: ArrayView2<'_, f32>) -> Array2<f32> {
        let mut z = h.dot(&self.fc_weight.t());
        for mut row in z.rows_mut() {
            row += &self.fc_bias;
        }
        z
    }

    /// The one forward layer of a trainable model, or why there is none.
    pub(super) fn single(&self) -> Result<&Params, TextError> {
        match self.stack.as_single() {
            Some(p) if p.is_plain() => Ok(p),
            _ => Err(TextError::Model(ModelError::Format(format!(
                "gradients and training: only one-layer, forward, plain models ({} layer(s), \
                 {} direction(s) here)",
                self.stack.num_layers(),
                self.stack.directions()
            )))),
        }
    }

    /// A model of the same vocabulary and stack shape with other values (training).
    pub(super) fn with_parts(
        &self,
        embedding: Array2<f32>,
        cell: Params,
        fc_weight: Array2<f32>,
        fc_bias: Array1<f32>,
    ) -> Result<Self, TextError> {
        Self::new(
            self.vocab.clone(),
            embedding,
            Stack::single(cell)?,
            fc_weight,
            fc_bias,
        )
    }

    /// Every trainable value of a one-layer model in one vector, in PyTorch's
    /// `parameters()` order: `embedding.weight`, `weight_ih_l0`, `weight_hh_l0`,
    /// `bias_ih_l0`, `bias_hh_l0`, `fc.weight`, `fc.bias` (each row-major).
    pub(super) fn to_flat(&self) -> Result<Vec<f32>, TextError> {
        let c = self.single()?;
        let mut out = Vec::new();
        out.extend(self.embedding.iter());
        out.extend(c.weight_ih().iter());
        out.extend(c.weight_hh().iter());
        out.extend(c.bias_ih().iter());
        out.extend(c.bias_hh().iter());
        out.extend(self.fc_weight.iter());
        out.extend(self.fc_bias.iter());
        Ok(out)
    }

    /// The model with the values of `flat` ([`CharModel::to_flat`]'s order and length).
    ///
    /// Errors: another length, a non-finite value.
    pub(super) fn with_flat(&self, flat: &[f32]) -> Result<Self, TextError> {
        let c = self.single()?;
        let mut rest = flat;
        let mut take = |n: usize| -> Result<Vec<f32>, TextError> {
            if rest.len() < n {
                return Err(ModelError::shape("flat parameters", "longer", flat.len()).into());
            }
            let (a, b) = rest.split_at(n);
            rest = b;
            Ok(a.to_vec())
        };
        let m2 = |dim: (usize, usize), v: Vec<f32>| {
            Array2::from_shape_vec(dim, v).map_err(|e| ModelError::Format(e.to_string()))
        };
        let embedding = m2(self.embedding.dim(), take(self.embedding.len())?)?;
        let w_ih = m2(c.weight_ih().dim(), take(c.weight_ih().len())?)?;
        let w_hh = m2(c.weight_hh().dim(), take(c.weight_hh().len())?)?;
        let b_ih = Array1::from(take(c.bias_ih().len())?);
        let b_hh = Array1::from(take(c.bias_hh().len())?);
        let fc_weight = m2(self.fc_weight.dim(), take(self.fc_weight.len())?)?;
        let fc_bias = Array1::from(take(self.fc_bias.len())?);
        if !rest.is_empty() {
            return Err(ModelError::shape("flat parameters", "shorter", flat.len()).into());
        }
        let cell = Params::new(c.kind(), w_ih, w_hh, b_ih, b_hh)?;
        self.with_parts(embedding, cell, fc_weight, fc_bias)
    }
}

/// Row-wise softmax, in f64 from the largest logit down, rounded to f32.
pub(super) fn softmax_rows(z: ArrayView2<'_, f32>) -> Array2<f32> {
    let mut p = Array2::zeros(z.dim());
    for (zr, mut pr) in z.rows().into_iter().zip(p.rows_mut()) {
        let e = exp_shifted(zr, 1.0);
        let sum: f64 = e.iter().sum();
        for (o, v) in pr.iter_mut().zip(&e) {
            *o = (v / sum) as f32;
        }
    }
    p
}

/// `exp((z_k − max z) / temperature)` for every k, in f64 (`temperature > 0`).
pub(super) fn exp_shifted(z: ArrayView1<'_, f32>, temperature: f64) -> Vec<f64> {
    let max = z.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
    z.iter()
        .map(|&v| ((v as f64 - max) / temperature).exp())
        .collect()
}
