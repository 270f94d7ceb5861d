//! [`CharTrainer`]: truncated BPTT over a corpus, a step per call.
//!
//! `B` streams read the corpus side by side, each from its own seeded start. A step takes the
//! next `L` characters of every stream as inputs and the `L` characters one further as
//! targets, runs each from the state where that stream's previous chunk ended (truncated
//! BPTT: the state is carried, its gradient is not), averages the `B` chunks' gradients
//! ([`CharModel::grads`]), clips their global norm and applies the optimiser. A stream that
//! reaches the corpus's end restarts from a new seeded position with a zero state.

use super::error::TextError;
use super::model::CharModel;
use crate::cell::Cell;
use crate::forward::InitialState;
use crate::optim::{clip_global_norm, global_norm, OptState, Optimizer};
use crate::rng::SplitMix64;
use crate::trace::Series;
use crate::trainer::{TrainConfig, TrainError};

/// Longest chunk `L`.
pub const MAX_SEQ_LEN: usize = 1024;
/// Most streams `B`.
pub const MAX_STREAMS: usize = 256;

/// How a [`CharTrainer`] trains; build with `..Default::default()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharTrainConfig {
    /// Step size, finite and `> 0`. Default 0.01.
    pub learning_rate: f32,
    /// Update rule. Default Adam (β1 0.9, β2 0.999, ε 1e-8).
    pub optimizer: Optimizer,
    /// Global-norm bound of the gradient (finite, `> 0`), `None` for none. Default
    /// `Some(1.0)`.
    pub clip_norm: Option<f32>,
    /// Characters per chunk, `L`, `1..=`[`MAX_SEQ_LEN`] (shortened to the corpus's length
    /// − 1 if that is less). Default 32.
    pub seq_len: usize,
    /// Streams read side by side, `B`, `1..=`[`MAX_STREAMS`]. Default 8.
    pub batch_size: usize,
    /// Seed of the streams' start positions. Default 0.
    pub seed: u64,
}

impl Default for CharTrainConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.01,
            optimizer: Optimizer::default(),
            clip_norm: Some(1.0),
            seq_len: 32,
            batch_size: 8,
            seed: 0,
        }
    }
}

impl CharTrainConfig {
    /// Checks every setting; the error names the first bad one. The optimiser's settings
    /// are checked by the same rules as [`TrainConfig::validate`].
    pub fn validate(&self) -> Result<(), TextError> {
        let shared = TrainConfig {
            learning_rate: self.learning_rate,
            optimizer: self.optimizer,
            clip_norm: self.clip_norm,
            seed: self.seed,
            ..TrainConfig::default()
        };
        match shared.validate() {
            Err(TrainError::Config {
                what,
                value,
                expected,
            }) => {
                return Err(TextError::Config {
                    what,
                    value,
                    expected,
                })
            }
            Err(other) => return Err(TextError::config("training", other, "valid settings")),
            Ok(()) => {}
        }
        if !(1..=MAX_SEQ_LEN).contains(&self.seq_len) {
            return Err(TextError::config(
                "sequence length",
                self.seq_len,
                "1..=1024",
            ));
        }
        if !(1..=MAX_STREAMS).contains(&self.batch_size) {
            return Err(TextError::config("batch size", self.batch_size, "1..=256"));
        }
        Ok(())
    }
}

/// What one [`CharTrainer::step`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharStepReport {
    /// Steps taken so far, this one included.
    pub step: u64,
    /// Mean cross-entropy over the batch before the update, nats per character.
    pub loss: f64,
    /// `loss / ln 2`, bits per character.
    pub bpc: f64,
    /// `‖∇‖₂` of the batch-mean gradient before clipping.
    pub grad_norm: f32,
}

/// Trains a one-layer [`CharModel`] on a corpus, one step per [`CharTrainer::step`].
#[derive(Debug, Clone)]
pub struct CharTrainer {
    model: CharModel,
    tokens: Vec<usize>,
    config: CharTrainConfig,
    /// The chunk length actually used: `min(seq_len, N − 1)`.
    len: usize,
    /// Trainable values, the length of the optimiser's state and of the gradient.
    n_params: usize,
    opt: OptState,
    rng: SplitMix64,
    /// Each stream's next input position and carried state.
    streams: Vec<(usize, InitialState)>,
    steps: u64,
}

impl CharTrainer {
    /// Validates `config` and the corpus ([`super::check_corpus`]), encodes it with the
    /// model's vocabulary, and places the streams.
    ///
    /// Errors: a bad setting, an empty or too long corpus, a character the vocabulary lacks
    /// (without `"<unk>"`), a stacked or bidirectional model.
    pub fn new(model: CharModel, corpus: &str, config: CharTrainConfig) -> Result<Self, TextError> {
        config.validate()?;
        super::check_corpus(corpus)?;
        let tokens = model.encode(corpus)?;
        let n = model.to_flat()?.len();
        let len = config.seq_len.min(tokens.len() - 1);
        let mut rng = SplitMix64::new(config.seed);
        let streams = (0..config.batch_size)
            .map(|_| (start(&mut rng, tokens.len(), len), InitialState::default()))
            .collect();
        Ok(Self {
            model,
            tokens,
            config,
            len,
            n_params: n,
            opt: OptState::new(config.optimizer, n),
            rng,
            streams,
            steps: 0,
        })
    }

    /// The model as trained so far.
    pub fn model(&self) -> &CharModel {
        &self.model
    }
    /// Gives up the trained model.
    pub fn into_model(self) -> CharModel {
        self.model
    }
    pub fn config(&self) -> &CharTrainConfig {
        &self.config
    }
    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// The corpus's token ids.
    pub fn tokens(&self) -> &[usize] {
        &self.tokens
    }

    /// One update (module docs).
    ///
    /// Errors: [`TextError::Diverged`] when the gradient or the new weights are not finite;
    /// the model, the optimiser and the streams are then left as they were.
    pub fn step(&mut self) -> Result<CharStepReport, TextError> {
        let mut cell = Cell::new(self.model.single()?);
        let mut sums = vec![0.0f64; self.n_params];
        let mut loss = 0.0;
        let mut streams = self.streams.clone();
        let mut rng = self.rng.clone();
        for (pos, state) in &mut streams {
            if *pos + self.len >= self.tokens.len() {
                *pos = start(&mut rng, self.tokens.len(), self.len);
                *state = InitialState::default();
            }
            let (inputs, targets) = (
                &self.tokens[*pos..*pos + self.len],
                &self.tokens[*pos + 1..*pos + self.len + 1],
            );
            let (g, trace) = self.model.chunk(&mut cell, inputs, targets, state)?;
            loss += g.loss;
            for (s, v) in sums.iter_mut().zip(g.flat()) {
                *s += f64::from(v);
            }
            let last = |s: Series| {
                trace
                    .get(s)
                    .map_or(Vec::new(), |a| a.row(a.nrows() - 1).to_vec())
            };
            *state = InitialState {
                h0: last(Series::H),
                c0: last(Series::C),
            };
            *pos += self.len;
        }
        let b = streams.len() as f64;
        let mut grads: Vec<f32> = sums.iter().map(|&s| (s / b) as f32).collect();
        let step = self.steps + 1;
        let grad_norm = match self.config.clip_norm {
            Some(c) => clip_global_norm(&mut grads, c),
            None => global_norm(&grads),
        };
        let diverged = |reason: String| TextError::Diverged { step, reason };
        if !grad_norm.is_finite() {
            return Err(diverged(format!("gradient norm {grad_norm}")));
        }
        let mut flat = self.model.to_flat()?;
        let mut opt = self.opt.clone();
        opt.update(&mut flat, &grads, self.config.learning_rate);
        self.model = self
            .model
            .with_flat(&flat)
            .map_err(|e| diverged(e.to_string()))?;
        self.opt = opt;
        self.streams = streams;
        self.rng = rng;
        self.steps = step;
        let loss = loss / b;
        Ok(CharStepReport {
            step,
            loss,
            bpc: loss / std::f64::consts::LN_2,
            grad_norm,
        })
    }
}

/// A seeded start position for a chunk of `len` inputs (and one target beyond) in `n` tokens.
fn start(rng: &mut SplitMix64, n: usize, len: usize) -> usize {
    let room = (n - len) as u64; // positions 0..room keep pos + len < n
    (rng.next_u64() % room) as usize
}
