//! Text mode's shared state ([`TextMode`], a context of signals) and what it does: the
//! lab it trains, pushing its model into the session, and how text mode opens ([`Start`]).
//! The lab's code is text mode's chunk: the main module reaches it only through the chunk
//! functions at the end of this file.

use std::sync::Arc;

use leptos::prelude::*;

use super::chunk::chunk_fn;
use crate::model::text::CharModel;
use crate::model::Series;
use crate::state::text_lab::{CorpusChoice, TextLab, TextSettings, QUOTE_PRESET_STEPS};
use crate::state::text_link::TextRecipe;
use crate::state::Session;

/// How long a frame may train, in ms (the rest of the frame paints).
const TRAIN_BUDGET_MS: f64 = 12.0;
/// How often a training model is pushed into the views, in ms.
const PUSH_EVERY_MS: f64 = 500.0;

/// Text mode's shared state.
#[derive(Clone, Copy)]
pub struct TextMode {
    /// The lab, once text mode is opened.
    pub lab: RwSignal<Option<TextLab>>,
    /// The characters on show in the views, with the session model they belong to.
    pub shown: RwSignal<Option<(u64, Arc<Vec<String>>)>>,
    /// Counts pushes into the session (views that need the lab's model refresh on it).
    pub pushed: RwSignal<u64>,
    /// Training runs, a frame at a time.
    pub running: RwSignal<bool>,
    /// Why the last action failed.
    pub message: RwSignal<Option<String>>,
    /// Training stops at this many steps (a preset's).
    pub target: RwSignal<Option<u64>>,
    /// What the reader colours the text by.
    pub series: RwSignal<Series>,
    /// What the quote preset found, in a sentence.
    pub finding: RwSignal<Option<String>>,
    /// A link's text, read once its model is trained.
    pub pending_text: RwSignal<Option<String>>,
}

impl TextMode {
    pub(super) fn new() -> Self {
        Self {
            lab: RwSignal::new(None),
            shown: RwSignal::new(None),
            pushed: RwSignal::new(0),
            running: RwSignal::new(false),
            message: RwSignal::new(None),
            target: RwSignal::new(None),
            series: RwSignal::new(Series::H),
            finding: RwSignal::new(None),
            pending_text: RwSignal::new(None),
        }
    }

    /// Trains the quote preset ([`TextSettings::quote_preset`]) to its step count; then
    /// [`TextMode::finish_preset`] shows the unit it found.
    pub fn run_quote_preset(self, session: WriteSignal<Session>) {
        self.start(
            CorpusChoice::Builtin(crate::model::text::Corpus::Code),
            TextSettings::quote_preset(crate::model::CellKind::Lstm),
            session,
        );
        self.finding.set(None);
        self.target.set(Some(QUOTE_PRESET_STEPS));
        self.running.set(true);
    }

    /// After training to a target (the quote preset, or a link's recipe): reads the link's
    /// text if there is one, else (for the quote preset) a quoted line; for the quote preset,
    /// says which unit tracks quotes, and colours by it unless a link chose the unit.
    fn finish_training(self, session: WriteSignal<Session>, unit: RwSignal<usize>) {
        let pending = self.pending_text.try_update(Option::take).flatten();
        let from_link = pending.is_some();
        let found = self.lab.try_update(|l| {
            let l = l.as_mut()?;
            let quote = *l.settings() == TextSettings::quote_preset(l.settings().kind);
            let text = pending.unwrap_or_else(|| {
                if quote {
                    l.quoted_line()
                } else {
                    l.text().to_string()
                }
            });
            let failed = l.set_text(&text).err();
            Some((quote.then(|| l.quote_unit()).flatten(), l.steps(), failed))
        });
        self.push(session, true);
        let Some(Some((quote, steps, failed))) = found else {
            return;
        };
        if let Some(e) = failed {
            self.message
                .try_set(Some(format!("The link's text cannot be read: {e}")));
        }
        if let Some((u, r)) = quote {
            if !from_link {
                unit.set(u);
                self.series.set(Series::H);
            }
            self.finding.set(Some(format!(
                "After {steps} steps, unit {}'s h tells characters inside double quotes from \
                 the rest: point-biserial r = {r:.2} over the whole corpus (|r| = 1 would be a \
                 perfect switch). Its colour flips at each quote.",
                u + 1
            )));
        }
    }

    /// Opens text mode as a link describes it: the recipe's model, trained again to its
    /// step count (seeded: the same weights), then the link's text.
    pub fn start_recipe(
        self,
        recipe: TextRecipe,
        read: Option<String>,
        session: WriteSignal<Session>,
    ) {
        self.start(
            CorpusChoice::Builtin(recipe.corpus),
            recipe.settings,
            session,
        );
        self.pending_text.set(read);
        self.target.set(Some(recipe.steps));
        self.running.set(true);
    }

    /// What the link holds of text mode while it is on show: the recipe (with the step
    /// count being trained to, if training to one) and the text read.
    pub fn recipe_untracked(self, session_model: u64) -> Option<(TextRecipe, String)> {
        let on_show = self
            .shown
            .try_with_untracked(|s| s.as_ref().is_some_and(|(id, _)| *id == session_model))?;
        if !on_show {
            return None;
        }
        let target = self.target.try_get_untracked()?;
        let pending = self.pending_text.try_get_untracked()?;
        self.lab
            .try_with_untracked(|l| {
                let l = l.as_ref()?;
                let mut r = TextRecipe::of(l)?;
                r.steps = target.unwrap_or(r.steps);
                Some((r, pending.unwrap_or_else(|| l.text().to_string())))
            })
            .flatten()
    }

    /// Replaces the lab (a new corpus, new settings) and shows its model.
    pub fn start(
        self,
        corpus: CorpusChoice,
        settings: TextSettings,
        session: WriteSignal<Session>,
    ) {
        match TextLab::new(corpus, settings) {
            Ok(lab) => {
                self.running.set(false);
                self.target.set(None);
                self.finding.set(None);
                self.pending_text.set(None);
                self.lab.set(Some(lab));
                self.message.set(None);
                self.push(session, true);
            }
            Err(e) => self.message.set(Some(e)),
        }
    }

    /// Puts the lab's model and text into the session: the whole model when `model` (or
    /// when the session shows another one), else only the input, which keeps the learner's
    /// interventions.
    pub fn push(self, session: WriteSignal<Session>, model: bool) {
        let Some(Some((name, stack, x, labels))) = self.lab.try_with_untracked(|l| {
            l.as_ref()
                .map(|l| (l.model_name(), l.model().stack().clone(), l.x(), l.labels()))
        }) else {
            return;
        };
        let shown_id = self
            .shown
            .try_with_untracked(|s| s.as_ref().map(|(id, _)| *id))
            .flatten();
        let mut result = None;
        session.try_update(|s| {
            let same = shown_id == Some(s.model_id()) && s.stack() == stack;
            if !model && same {
                s.set_x(&x);
            } else if let Some(cell) = stack.as_single().filter(|p| p.is_plain()) {
                s.load_model(&name, cell.clone(), &x);
            } else {
                // A stacked or bidirectional model (opened from a file): every layer shown.
                let file = gatescope_formats::ModelFile {
                    stack,
                    format: gatescope_formats::Format::Json,
                    source: String::new(),
                    ignored: Vec::new(),
                    init: Vec::new(),
                };
                s.load_file(&name, file);
                if s.model_error().is_none() {
                    s.set_x(&x);
                }
            }
            result = Some(match s.model_error() {
                Some(e) => Err(e.to_string()),
                None => Ok(s.model_id()),
            });
        });
        match result {
            Some(Ok(id)) => {
                self.shown.try_set(Some((id, Arc::new(labels))));
                self.pushed.try_update(|n| *n += 1);
            }
            Some(Err(e)) => {
                self.message.try_set(Some(e));
            }
            None => {}
        }
    }

    /// One frame of training: steps within [`TRAIN_BUDGET_MS`] (at least one), stops at
    /// the target, and pushes the model into the views every [`PUSH_EVERY_MS`].
    fn train_frame(
        self,
        set_session: WriteSignal<Session>,
        unit: RwSignal<usize>,
        last_push: StoredValue<f64>,
    ) {
        // Stopped, or the app unmounted, while the call waited for the chunk.
        if self.running.try_get_untracked() != Some(true) {
            return;
        }
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = move || perf.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        let mut failed = None;
        let target = self.target.get_untracked();
        let mut reached = false;
        self.lab.update(|l| {
            let Some(l) = l else { return };
            // At least one step a frame, however slow the model.
            loop {
                if target.is_some_and(|n| l.steps() >= n) {
                    reached = true;
                    break;
                }
                if let Err(e) = l.train(1) {
                    failed = Some(e);
                    break;
                }
                if now() - start > TRAIN_BUDGET_MS {
                    break;
                }
            }
        });
        if let Some(e) = failed {
            self.running.set(false);
            self.message.set(Some(e));
        }
        if reached {
            self.running.set(false);
            self.target.set(None);
            self.finish_training(set_session, unit);
            return;
        }
        let t = now();
        if t - last_push.get_value() > PUSH_EVERY_MS || !self.running.get_untracked() {
            last_push.set_value(t);
            self.push(set_session, true);
        }
    }

    /// Shows an opened character model (`file`: its name) in text mode.
    pub fn open_model(self, model: CharModel, file: &str, session: WriteSignal<Session>) {
        let corpus = self
            .lab
            .with_untracked(|l| l.as_ref().map(|l| l.corpus().clone()))
            .unwrap_or(CorpusChoice::Builtin(crate::model::text::Corpus::Code));
        self.running.set(false);
        self.target.set(None);
        self.finding.set(None);
        self.message.set(None);
        self.lab.set(Some(TextLab::opened(model, file, corpus)));
        self.push(session, true);
    }
}

/// How text mode opens: what [`TextMode::begin`] does once text mode's chunk is in.
pub enum Start {
    /// The "Open text mode" button: the code corpus, default settings.
    Open,
    /// A link's recipe, trained again, then the link's text.
    Recipe(TextRecipe, Option<String>),
    /// An opened character model, with its file's name.
    File(CharModel, String),
}

impl TextMode {
    /// Opens text mode as `how` says. The lab and its training live in text mode's chunk,
    /// so this downloads it first; if that fails, the message says so where the learner
    /// looks (the text-mode panel) and the page carries on.
    pub fn begin(self, how: Start, session: WriteSignal<Session>) {
        leptos::task::spawn_local(async move {
            if self.begin_async(how, session).await.is_err() {
                self.message.try_set(Some(
                    "The code for text mode could not be downloaded (is the connection down?). \
                     Press \"Open text mode\" to try again."
                        .to_string(),
                ));
            }
        });
    }

    /// [`TextMode::begin`], for callers that are async already.
    pub async fn begin_async(
        self,
        how: Start,
        session: WriteSignal<Session>,
    ) -> Result<(), super::chunk::ChunkError> {
        text_start(self, how, session).await
    }
}

// Text mode's work lives in its chunk with its views: the main module reaches the lab only
// through these (see `chunk_fn!`), so the lab's code, its training and the character
// model's download with text mode.
chunk_fn!(
    text_mode,
    text_start_preload,
    fn text_start(tm: TextMode, how: Start, session: WriteSignal<Session>) -> () {
        match how {
            Start::Open => tm.start(
                CorpusChoice::Builtin(crate::model::text::Corpus::Code),
                TextSettings::default(),
                session,
            ),
            Start::Recipe(recipe, read) => tm.start_recipe(recipe, read, session),
            Start::File(model, file) => tm.open_model(model, &file, session),
        }
    }
);

chunk_fn!(
    text_mode,
    text_frame_preload,
    pub(super) fn text_frame(
        tm: TextMode,
        session: WriteSignal<Session>,
        unit: RwSignal<usize>,
        last_push: StoredValue<f64>,
    ) -> () {
        tm.train_frame(session, unit, last_push)
    }
);
