//! Text mode's state (issue 12): a corpus, a character model trained on it in the page, and a
//! text the model reads. The session shows the model's cell on that text (its `x` is the
//! embedding rows); this type owns everything before the cell (characters → embedding) and
//! after it (readout → next character).

use ndarray::{Array2, ArrayView2};

use crate::model::text::probe::{best_unit, quote_mask};
use crate::model::text::{
    check_corpus, top_k_of, CharModel, CharModelConfig, CharStepReport, CharTrainConfig,
    CharTrainer, Corpus, Vocab,
};
use crate::model::{CellKind, InitConfig, Params, Series};

/// Most characters of the text the model reads (each is a column of the views).
pub const MAX_READ_CHARS: usize = 1_000;
/// Most bits-per-character points kept for the chart (older ones are merged in pairs).
const MAX_HISTORY: usize = 2_000;

/// What the model learns from.
#[derive(Debug, Clone, PartialEq)]
pub enum CorpusChoice {
    Builtin(Corpus),
    /// Pasted by the user (checked by [`check_corpus`]).
    Pasted(String),
}

impl CorpusChoice {
    pub fn text(&self) -> &str {
        match self {
            CorpusChoice::Builtin(c) => c.text(),
            CorpusChoice::Pasted(t) => t,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            CorpusChoice::Builtin(c) => c.title(),
            CorpusChoice::Pasted(_) => "your text",
        }
    }

    /// A one-word name: the built-in corpus's id, or `pasted`.
    pub fn id(&self) -> &str {
        match self {
            CorpusChoice::Builtin(c) => c.id(),
            CorpusChoice::Pasted(_) => "pasted",
        }
    }
}

/// The model's shape and the training settings. Defaults: an LSTM, H = 32, E = 16, seed 0;
/// Adam at 0.01 with clipping at 1, 8 streams of 32 characters (the core's defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextSettings {
    pub kind: CellKind,
    pub hidden: usize,
    pub embed: usize,
    pub seed: u64,
    pub train: CharTrainConfig,
}

impl Default for TextSettings {
    fn default() -> Self {
        Self {
            kind: CellKind::Lstm,
            hidden: 32,
            embed: 16,
            seed: 0,
            train: CharTrainConfig::default(),
        }
    }
}

/// Steps of the quote preset ([`TextSettings::quote_preset`]).
pub const QUOTE_PRESET_STEPS: u64 = 300;

impl TextSettings {
    /// The setting of the core's evidence test (`crates/gatescope-core/tests/
    /// text_evidence.rs`): the code corpus, E = 16, H = 32, 8 streams of 64 characters,
    /// Adam at 0.01, clipping at 1, seed 1, [`QUOTE_PRESET_STEPS`] steps. There, an LSTM
    /// unit's h separates the characters inside quotes from the rest with |r| ≈ 0.89.
    pub fn quote_preset(kind: CellKind) -> Self {
        Self {
            kind,
            hidden: 32,
            embed: 16,
            seed: 1,
            train: CharTrainConfig {
                learning_rate: 0.01,
                seq_len: 64,
                batch_size: 8,
                seed: 1,
                ..CharTrainConfig::default()
            },
        }
    }
}

/// A corpus, a model learning it, and the text it reads.
#[derive(Debug, Clone)]
pub struct TextLab {
    corpus: CorpusChoice,
    settings: TextSettings,
    /// The model as it started (a seeded init, or an opened file's): what Reset returns to.
    start: CharModel,
    /// Built on the first training step, so an opened model is shown before it is trained
    /// (and a model that cannot train, a stacked one, is still read).
    trainer: Option<CharTrainer>,
    /// The opened file's name, for an opened model.
    file: Option<String>,
    /// Bits per character of the training batches, one point per `stride` steps.
    bpc: Vec<f32>,
    stride: u64,
    /// Sum and count of the points not yet merged into `bpc`.
    pending: (f64, u64),
    text: String,
    tokens: Vec<usize>,
    /// Counts model changes (training steps, resets), so the views know when to refresh.
    revision: u64,
}

impl TextLab {
    /// A fresh model for `corpus` (its vocabulary is the corpus's characters), reading the
    /// corpus's first line.
    pub fn new(corpus: CorpusChoice, settings: TextSettings) -> Result<Self, String> {
        let text = check_corpus(corpus.text()).map_err(|e| format!("Corpus: {e}."))?;
        let vocab = Vocab::from_text(text).map_err(|e| format!("Corpus: {e}."))?;
        let cfg = CharModelConfig {
            embed_size: settings.embed,
            hidden_size: settings.hidden,
            init: InitConfig {
                seed: settings.seed,
                ..Default::default()
            },
        };
        let model = CharModel::init(settings.kind, vocab, cfg).map_err(|e| format!("{e}."))?;
        // Checked now, so a bad setting is refused before anything changes.
        let trainer =
            CharTrainer::new(model.clone(), text, settings.train).map_err(|e| format!("{e}."))?;
        let mut lab = Self::with_model(corpus, settings, model, None);
        lab.trainer = Some(trainer);
        let first = default_text(lab.corpus.text());
        lab.set_text(&first)?;
        Ok(lab)
    }

    /// An opened model (`file`: its name), to read text with and to train further on
    /// `corpus` if its vocabulary covers it. It first reads the corpus's first line, or its
    /// own characters if it cannot read that.
    pub fn opened(model: CharModel, file: &str, corpus: CorpusChoice) -> Self {
        let settings = TextSettings {
            kind: model.kind(),
            hidden: model.hidden_size(),
            embed: model.embed_size(),
            ..TextSettings::default()
        };
        let mut lab = Self::with_model(corpus, settings, model, Some(file.to_string()));
        let first = default_text(lab.corpus.text());
        if lab.set_text(&first).is_err() {
            let own: String = lab
                .model()
                .vocab()
                .entries()
                .iter()
                .filter(|e| e.chars().count() == 1 && !e.chars().any(char::is_control))
                .take(60)
                .map(String::as_str)
                .collect();
            let _ = lab.set_text(&own);
        }
        lab
    }

    fn with_model(
        corpus: CorpusChoice,
        settings: TextSettings,
        model: CharModel,
        file: Option<String>,
    ) -> Self {
        Self {
            corpus,
            settings,
            start: model,
            trainer: None,
            file,
            bpc: Vec::new(),
            stride: 1,
            pending: (0.0, 0),
            text: String::new(),
            tokens: Vec::new(),
            revision: 0,
        }
    }

    pub fn corpus(&self) -> &CorpusChoice {
        &self.corpus
    }

    pub fn settings(&self) -> &TextSettings {
        &self.settings
    }

    pub fn model(&self) -> &CharModel {
        self.trainer
            .as_ref()
            .map_or(&self.start, CharTrainer::model)
    }

    /// The cell the session shows (text mode trains one-layer, forward models).
    pub fn cell(&self) -> Option<&Params> {
        self.model().stack().as_single()
    }

    pub fn steps(&self) -> u64 {
        self.trainer.as_ref().map_or(0, CharTrainer::steps)
    }

    /// The opened file's name, for an opened model.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The model's name in the page, short enough for the top bar: "Text LSTM (code), 300
    /// steps".
    pub fn model_name(&self) -> String {
        let kind = self.settings.kind.name().to_ascii_uppercase();
        match &self.file {
            Some(f) if self.steps() == 0 => f.clone(),
            Some(f) => format!(
                "{f}, trained {} more steps on {}",
                self.steps(),
                self.corpus.title()
            ),
            None => format!("Text {kind} ({}), {} steps", self.corpus.id(), self.steps()),
        }
    }

    /// Runs `n` training steps; the last one's report. The first builds the trainer, which
    /// refuses a model that cannot train on the corpus (a character it lacks, a stack).
    pub fn train(&mut self, n: usize) -> Result<Option<CharStepReport>, String> {
        if n > 0 && self.trainer.is_none() {
            let t = CharTrainer::new(self.start.clone(), self.corpus.text(), self.settings.train)
                .map_err(|e| {
                format!("This model cannot train on {}: {e}.", self.corpus.title())
            })?;
            self.trainer = Some(t);
        }
        let Some(trainer) = self.trainer.as_mut() else {
            return Ok(None);
        };
        let mut last = None;
        for _ in 0..n {
            let r = trainer
                .step()
                .map_err(|e| format!("Training stopped: {e}."))?;
            last = Some(r);
            Self::record(&mut self.bpc, &mut self.stride, &mut self.pending, r.bpc);
        }
        if n > 0 {
            self.revision += 1;
        }
        Ok(last)
    }

    /// Keeps at most [`MAX_HISTORY`] points: when full, neighbours are averaged in pairs and
    /// each point then stands for twice as many steps.
    fn record(history: &mut Vec<f32>, stride: &mut u64, pending: &mut (f64, u64), bpc: f64) {
        pending.0 += bpc;
        pending.1 += 1;
        if pending.1 < *stride {
            return;
        }
        history.push((pending.0 / pending.1 as f64) as f32);
        *pending = (0.0, 0);
        if history.len() >= MAX_HISTORY {
            *history = history
                .chunks(2)
                .map(|c| c.iter().sum::<f32>() / c.len() as f32)
                .collect();
            *stride *= 2;
        }
    }

    /// Bits per character of the training batches so far, one point per
    /// [`TextLab::history_stride`] steps.
    pub fn bpc_history(&self) -> &[f32] {
        &self.bpc
    }

    pub fn history_stride(&self) -> u64 {
        self.stride
    }

    /// The text read, as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn tokens(&self) -> &[usize] {
        &self.tokens
    }

    /// Reads `text` from now on. Refused with a message (nothing changes) when it is empty,
    /// longer than [`MAX_READ_CHARS`], or has a character the corpus never had.
    pub fn set_text(&mut self, text: &str) -> Result<(), String> {
        let n = text.chars().take(MAX_READ_CHARS + 1).count();
        if n == 0 {
            return Err("Type at least one character.".to_string());
        }
        if n > MAX_READ_CHARS {
            return Err(format!(
                "The text has more than {MAX_READ_CHARS} characters; shorten it."
            ));
        }
        let tokens = self.model().encode(text).map_err(|e| {
            format!(
                "Text: {e}. The model knows only the {} characters of its corpus.",
                self.model().vocab_size()
            )
        })?;
        self.text = text.to_string();
        self.tokens = tokens;
        Ok(())
    }

    /// The embedding rows of the text, `[T, E]`: the `x` the cell reads.
    pub fn x(&self) -> Array2<f32> {
        // Tokens were encoded by this model's vocabulary, so every id is in range.
        self.model()
            .embed(&self.tokens)
            .unwrap_or_else(|_| Array2::zeros((0, self.settings.embed)))
    }

    /// Each read character as shown on a time axis (space, newline and tab made visible).
    pub fn labels(&self) -> Vec<String> {
        self.text.chars().map(visible).collect()
    }

    /// For each step of `h` (`[T, H]`, the states the page shows), the `k` most likely next
    /// characters (made visible) and their probabilities.
    pub fn predictions(&self, h: ArrayView2<'_, f32>, k: usize) -> Vec<Vec<(String, f32)>> {
        let Ok(p) = self.model().next_char_probs(h) else {
            return Vec::new();
        };
        let vocab = self.model().vocab();
        p.rows()
            .into_iter()
            .map(|row| {
                top_k_of(row, k)
                    .into_iter()
                    .map(|q| {
                        let ch = vocab.entry(q.id).unwrap_or("?");
                        let shown = match ch.chars().next() {
                            Some(c) if ch.chars().count() == 1 => visible(c),
                            _ => ch.to_string(),
                        };
                        (shown, q.p)
                    })
                    .collect()
            })
            .collect()
    }

    /// The unit whose h best separates the corpus's characters inside double quotes from
    /// the rest (point-biserial r over the whole corpus, `probe::best_unit`), and that r.
    pub fn quote_unit(&self) -> Option<(usize, f64)> {
        let text = self.corpus.text();
        let run = self.model().run_text(text).ok()?;
        let h = run.trace().traces().first()?.get(Series::H)?;
        best_unit(h, &quote_mask(text))
    }

    /// The first line of the corpus with a double quote (at most 120 characters), for
    /// reading with the quote unit; the first line if none has one.
    pub fn quoted_line(&self) -> String {
        let text = self.corpus.text();
        text.lines()
            .find(|l| l.contains('"'))
            .map_or_else(|| default_text(text), |l| l.chars().take(120).collect())
    }

    /// `len` characters generated after `prime` at `temperature` (seeded).
    pub fn sample(
        &self,
        prime: &str,
        len: usize,
        temperature: f32,
        seed: u64,
    ) -> Result<String, String> {
        self.model()
            .sample(prime, len, temperature, seed)
            .map_err(|e| format!("Sample: {e}."))
    }

    /// Back to step 0: the same initial weights (or the opened file's), the same text.
    pub fn reset(&mut self) {
        self.trainer = None;
        self.bpc.clear();
        self.stride = 1;
        self.pending = (0.0, 0);
        self.revision += 1;
    }
}

/// The first line of `corpus` with any content, at most 120 characters.
fn default_text(corpus: &str) -> String {
    let line = corpus
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(corpus);
    line.chars().take(120).collect()
}

/// A character as a time-axis label: space, newline and tab as visible signs.
pub fn visible(c: char) -> String {
    match c {
        ' ' => "␣".to_string(),
        '\n' => "↵".to_string(),
        '\t' => "⇥".to_string(),
        c if c.is_control() => format!("U+{:04X}", u32::from(c)),
        c => c.to_string(),
    }
}

#[cfg(test)]
#[path = "text_lab_tests.rs"]
mod tests;
