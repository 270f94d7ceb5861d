//! What the app shows, as a plain type: the model, the input text and the last good trace.
//! Components hold one of these in a signal and call its methods; the rules (recompute on
//! valid input, keep the last good trace and mark it stale on invalid input, refuse sizes
//! beyond the app's limits without computing) live here and are tested natively.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use ndarray::{s, Array2, Axis};

use super::layers::Layers;
use super::presets::{format_sequence, Preset};
use crate::model::{
    examples, parse_sequence_limited, CellKind, ForwardRun, InitConfig, InitialState, Intervention,
    Interventions, Params, Series, Stack, Trace,
};
use gatescope_formats::ModelFile;
use ndarray::ArrayView2;

/// Largest hidden size the app shows (the core allows more; the views would not be legible).
pub const APP_MAX_HIDDEN: usize = 256;
/// Largest input size the app accepts.
pub const APP_MAX_INPUT: usize = 16;
/// Longest sequence the app accepts.
pub const APP_MAX_STEPS: usize = 10_000;

/// A randomly initialised model, as set in the model panel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelConfig {
    /// Default LSTM.
    pub kind: CellKind,
    /// H, 1..=[`APP_MAX_HIDDEN`]. Default 8.
    pub hidden: usize,
    /// D, 1..=[`APP_MAX_INPUT`]. Default 1.
    pub input: usize,
    /// Default 0.
    pub seed: u64,
    /// Multiplies PyTorch's init bound 1/√H. Default 1.
    pub scale: f32,
    /// LSTM forget-gate bias 1 instead of random. Default false.
    pub forget_bias_one: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            kind: CellKind::Lstm,
            hidden: 8,
            input: 1,
            seed: 0,
            scale: 1.0,
            forget_bias_one: false,
        }
    }
}

impl ModelConfig {
    /// Checks the app's limits, with a message for the user.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=APP_MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!(
                "Hidden size must be 1 to {APP_MAX_HIDDEN}; {} is outside that.",
                self.hidden
            ));
        }
        if !(1..=APP_MAX_INPUT).contains(&self.input) {
            return Err(format!(
                "Input size must be 1 to {APP_MAX_INPUT}; {} is outside that.",
                self.input
            ));
        }
        if !(self.scale.is_finite() && (0.0..=100.0).contains(&self.scale)) {
            return Err(format!(
                "Init scale must be a number from 0 to 100; {} is outside that.",
                self.scale
            ));
        }
        Ok(())
    }

    /// The weights this configuration describes.
    pub fn build(&self) -> Result<Params, String> {
        self.validate()?;
        let init = InitConfig {
            seed: self.seed,
            scale: self.scale,
            // The panel offers this for the LSTM only; a tick left over from an LSTM must not
            // change a GRU's init (InitConfig::forget_bias also sets the GRU's z block).
            forget_bias: (self.forget_bias_one && self.kind == CellKind::Lstm).then_some(1.0),
        };
        Params::init(self.kind, self.hidden, self.input, init).map_err(|e| e.to_string())
    }
}

/// Where the current weights came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSource {
    /// The seed article's built-in example.
    SeedExample,
    /// Seeded random initialisation.
    Random(ModelConfig),
    /// Weights from elsewhere (a model trained in the page), with their name.
    Loaded(String),
    /// A model file the user opened.
    File(Box<FileInfo>),
}

/// What the model panel says about an opened file, besides the model's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInfo {
    /// The file's name.
    pub name: String,
    /// `JSON`, `safetensors`, `ONNX`.
    pub format: &'static str,
    /// Where in the file the model was (a module prefix, ONNX node names); may be empty.
    pub source: String,
    /// The file's other keys or nodes, not part of the recurrent model.
    pub ignored: Vec<String>,
}

/// A model, its input, and the trace of the last input that was valid.
///
/// The input values (the trace's `x`, or the pending run's) are the source of truth. The
/// text field shows what the user typed, or, after the values were set another way (a cell
/// edit, a drag, a preset), those values formatted once, when first read.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    source: ModelSource,
    params: Params,
    /// What the user typed, if the text is theirs.
    typed: Option<String>,
    /// The values as text, formatted on first read when `typed` is `None`.
    formatted: OnceLock<String>,
    /// Counts changes of the input (typed or set), so the text field can tell that its text
    /// changed without having it formatted.
    input_rev: u64,
    trace: SharedTrace,
    error: Option<String>,
    model_error: Option<String>,
    /// A long forward pass still being computed, a chunk per frame (see [`SYNC_WORK`]).
    pending: Option<PendingRun>,
    /// Counts weight changes, so a trace of earlier weights is never resumed with new ones.
    model_rev: u64,
    /// `model_rev` of the weights that computed `trace`.
    trace_rev: u64,
    /// Unique in the page for every model shown (unlike `model_rev`, which a new session
    /// starts again), so a message about one model is never shown for another.
    model_id: u64,
    /// Layer 0's initial state (a file's own; zeros otherwise).
    init0: InitialState,
    /// The other layers and directions of a stacked or bidirectional model.
    layers: Option<Layers>,
    /// Gates and states forced inside layer 0's forward pass (see [`Session::set_interventions`]).
    interventions: Vec<Intervention>,
    /// The trace shown before `trace`, which the next edit writes into.
    spare: Spare,
}

/// The trace shown before the current one, with the `model_rev` that computed it. Once no
/// view holds it any more, the next edit recomputes its steps from the edited one on in
/// place ([`ForwardRun::resume_owned`]) instead of copying the shown trace: at T = 10 000,
/// H = 256 that copy is 80 MB, 11 ms of every frame of a drag. It is a cache: a clone of the
/// session starts without one, and it takes no part in comparisons.
#[derive(Debug, Default)]
struct Spare(Option<(SharedTrace, u64)>);

impl Clone for Spare {
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl PartialEq for Spare {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Multiply-adds above which a new trace is computed in chunks across frames instead of
/// at once (about 10 ms of work in the browser), so typing and playback stay responsive.
pub const SYNC_WORK: u64 = 10_000_000;

/// Multiply-adds of one step of `params`, `G·H·(H + D)`.
///
/// Work is counted in `u64`: on wasm32 `usize` has 32 bits and wraps silently in release
/// builds, which once made a 4.3·10⁹ job look like 491 520 and froze the page.
pub fn work_per_step(params: &Params) -> u64 {
    let (h, d) = (params.hidden_size() as u64, params.input_size() as u64);
    params.kind().gate_blocks().max(1) as u64 * h * (h + d)
}

/// Multiply-adds of running `params` over `steps` steps (saturating, never wrapping).
pub fn sequence_work(params: &Params, steps: usize) -> u64 {
    work_per_step(params).saturating_mul(steps as u64)
}

/// A forward pass in progress, and the `model_rev` of its weights. Compared by progress
/// only: it exists to be finished.
#[derive(Debug, Clone)]
struct PendingRun(Box<ForwardRun>, u64);

impl PartialEq for PendingRun {
    fn eq(&self, other: &Self) -> bool {
        (self.0.progress(), self.1) == (other.0.progress(), other.1)
    }
}

impl Session {
    /// Builds a session, or explains why `input_text` cannot be run by `params`.
    pub fn new(source: ModelSource, params: Params, input_text: &str) -> Result<Self, String> {
        let trace = SharedTrace::new(run(&params, input_text)?);
        Ok(Self {
            source,
            params,
            typed: Some(input_text.to_string()),
            formatted: OnceLock::new(),
            input_rev: 0,
            trace,
            error: None,
            model_error: None,
            pending: None,
            model_rev: 0,
            trace_rev: 0,
            model_id: next_model_id(),
            init0: InitialState::default(),
            layers: None,
            interventions: Vec::new(),
            spare: Spare::default(),
        })
    }

    /// The seed article's case study: its LSTM (H = 4, D = 1) on 1, 2, 3, 4, 5.
    pub fn seed_example() -> Self {
        Self::new(
            ModelSource::SeedExample,
            examples::seed_article_lstm(),
            examples::SEED_ARTICLE_INPUT,
        )
        .expect("the built-in example runs")
    }

    /// Replaces the input text. Valid text recomputes the trace; invalid text keeps the
    /// last good trace, records the message and makes [`Session::is_stale`] true.
    ///
    /// When the work exceeds [`SYNC_WORK`], the new trace is only started: the last trace
    /// stays on show, [`Session::progress`] reports how far the new one is, and the caller
    /// finishes it with [`Session::advance_pending`].
    pub fn set_input(&mut self, text: &str) {
        self.typed = Some(text.to_string());
        self.formatted = OnceLock::new();
        self.input_rev += 1;
        match parse_sequence_limited(text, self.params.input_size(), APP_MAX_STEPS) {
            Ok(x) => {
                // Typing at the end of a long sequence recomputes only the steps that changed.
                let current = self.x();
                let from = (0..x.nrows().min(current.nrows()))
                    .find(|&t| x.row(t) != current.row(t))
                    .unwrap_or(x.nrows().min(current.nrows()));
                self.rerun_from(x, from);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Shows `run`: finished now when its remaining work is within [`SYNC_WORK`], otherwise
    /// kept pending (the last trace stays on show meanwhile).
    /// `base`: the shown trace's id and the step `run` resumed it from, if it did.
    fn run(&mut self, mut run: ForwardRun, base: Option<(u64, usize)>) {
        self.error = None;
        let (done, steps) = run.progress();
        if sequence_work(&self.params, steps - done) <= SYNC_WORK {
            run.advance(usize::MAX);
            self.show(SharedTrace::derived(run.finish(), base), self.model_rev);
            self.pending = None;
        } else {
            self.pending = Some(PendingRun(Box::new(run), self.model_rev));
        }
    }

    /// Runs the input `x`, whose steps before `from` are those of the current input, so only
    /// steps `from..` are computed (from the pending run's steps or the shown trace, which
    /// hold the state after every step). Sizes beyond the app's limits and non-finite
    /// values are refused with [`Session::error`] set, and nothing else changes.
    fn rerun_from(&mut self, x: Array2<f32>, from: usize) {
        if !(1..=APP_MAX_STEPS).contains(&x.nrows()) {
            self.error = Some(format!(
                "The input needs 1 to {APP_MAX_STEPS} steps; {} is outside that.",
                x.nrows()
            ));
            return;
        }
        if let Some(Err(e)) = self.layers.as_ref().map(|l| l.check_steps(x.nrows())) {
            self.error = Some(e);
            return;
        }
        let spare = self.take_spare(x.view(), from);
        let (params, rev) = (&self.params, self.model_rev);
        let mut base = None;
        let resumed = match &self.pending {
            Some(PendingRun(p, r)) if *r == rev => {
                let (partial, done) = p.computed();
                ForwardRun::resume(params, partial, x.view(), from.min(done))
            }
            None if self.trace_rev == rev => {
                base = Some((self.trace.id(), from));
                match spare {
                    Some((trace, same)) => ForwardRun::resume_owned(params, trace, x.view(), same),
                    None => ForwardRun::resume(params, &self.trace, x.view(), from),
                }
            }
            _ => ForwardRun::resume(params, &self.trace, x.view(), 0),
        };
        // A shown trace of other values (after invalid text, say) cannot be resumed:
        // then everything is computed again.
        let (run, base) = match resumed {
            Ok(run) => (Ok(run), base),
            Err(_) => (ForwardRun::new(&self.params, x.view(), &self.init0), None),
        };
        let run = run.and_then(|run| match self.checked_interventions() {
            Some(iv) => run.with_interventions(iv),
            None => Ok(run),
        });
        match run {
            Ok(run) => self.run(run, base),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// The spare trace, if no view holds it any more and it was computed by the current
    /// weights, with the number of its first steps whose inputs equal `x`'s (at most `from`).
    fn take_spare(&mut self, x: ArrayView2<'_, f32>, from: usize) -> Option<(Trace, usize)> {
        let (shared, rev) = self.spare.0.take()?;
        if rev != self.model_rev || self.pending.is_some() || shared.x().dim() != x.dim() {
            return None;
        }
        let old = shared.x();
        let same = (0..from.min(x.nrows()))
            .find(|&t| old.row(t) != x.row(t))
            .unwrap_or(from);
        let trace = Arc::try_unwrap(shared.trace).ok()?;
        Some((trace, same))
    }

    /// New weights: traces of the old ones are not resumed, and messages about them lapse.
    /// Interventions on gates or units the new model lacks are dropped.
    fn bump_model(&mut self) {
        self.spare = Spare::default();
        self.model_rev += 1;
        self.model_id = next_model_id();
        let (kind, h) = (self.params.kind(), self.params.hidden_size());
        self.interventions
            .retain(|iv| Series::of(kind).contains(&iv.series) && iv.unit.is_none_or(|u| u < h));
    }

    /// The interventions, validated for the current weights (`None` when there are none).
    fn checked_interventions(&self) -> Option<Interventions> {
        if self.interventions.is_empty() {
            return None;
        }
        let (kind, h) = (self.params.kind(), self.params.hidden_size());
        Interventions::new(kind, h, self.interventions.clone()).ok()
    }

    /// The gates and states forced inside the forward pass (layer 0's forward direction;
    /// the layers above read its forced output).
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// Replaces the interventions and recomputes the trace from the first step where the
    /// old or the new ones act (earlier steps are unchanged). A list the model cannot run
    /// (a gate it lacks, a unit past H, a value that is not finite, empty steps) is refused
    /// with its message, and nothing changes.
    pub fn set_interventions(&mut self, list: Vec<Intervention>) -> Result<(), String> {
        let (kind, h) = (self.params.kind(), self.params.hidden_size());
        Interventions::new(kind, h, list.clone()).map_err(|e| e.to_string())?;
        let first = |l: &[Intervention]| l.iter().map(|iv| *iv.steps.start()).min();
        let from = match (first(&self.interventions), first(&list)) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or(0),
        };
        self.interventions = list;
        // From the last valid input; typed text that does not parse keeps its message.
        let stale = self.error.take();
        let x = self.x().to_owned();
        self.rerun_from(x, from);
        // The trace before was computed with the old interventions.
        self.spare = Spare::default();
        if self.error.is_none() {
            self.error = stale;
        }
        Ok(())
    }

    /// Changes with every model shown, in the whole page (see [`Session::bump_model`]).
    pub fn model_id(&self) -> u64 {
        self.model_id
    }

    /// Puts `trace` (computed by weights `rev`) on show, with the other layers' traces for
    /// its input.
    fn show(&mut self, trace: SharedTrace, rev: u64) {
        let old = std::mem::replace(&mut self.trace, trace);
        self.spare = Spare(Some((old, self.trace_rev)));
        self.trace_rev = rev;
        if let Some(layers) = &mut self.layers {
            if let Err(e) = layers.refresh(&self.trace) {
                self.error = Some(e);
            }
        }
    }

    /// [`Session::rerun_from`] for values set other than by typing: the text then shows them.
    fn set_values_from(&mut self, x: Array2<f32>, from: usize) {
        self.typed = None;
        self.formatted = OnceLock::new();
        self.input_rev += 1;
        self.rerun_from(x, from);
    }

    /// Computes up to `steps` more steps of a pending trace; when it completes it replaces
    /// the shown trace. Returns true when nothing is pending any more.
    pub fn advance_pending(&mut self, steps: usize) -> bool {
        let Some(PendingRun(run, _)) = self.pending.as_mut() else {
            return true;
        };
        if run.advance(steps) {
            if let Some(PendingRun(run, rev)) = self.pending.take() {
                self.show(SharedTrace::new(run.finish()), rev);
            }
            return true;
        }
        false
    }

    /// Steps done and total of a trace being computed, if one is.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.pending.as_ref().map(|p| p.0.progress())
    }

    /// True while a new trace is being computed in chunks.
    pub fn is_computing(&self) -> bool {
        self.pending.is_some()
    }

    /// Replaces the input by values (the text then shows them).
    pub fn set_x(&mut self, x: &Array2<f32>) {
        self.set_values_from(x.clone(), 0);
    }

    /// The values being edited: those of the last valid input.
    pub fn x(&self) -> ArrayView2<'_, f32> {
        match &self.pending {
            Some(PendingRun(run, _)) => run.x(),
            None => self.trace.x(),
        }
    }

    /// Sets input dimension `d` of step `t` (0-based); ignored if out of range or not finite.
    /// Only steps `t..` are computed again.
    pub fn set_value(&mut self, t: usize, d: usize, v: f32) {
        let mut x = self.x().to_owned();
        if t < x.nrows() && d < x.ncols() && v.is_finite() {
            x[[t, d]] = v;
            self.set_values_from(x, t);
        }
    }

    /// Inserts a copy of step `t` after it (0-based), up to [`APP_MAX_STEPS`].
    pub fn insert_step(&mut self, t: usize) {
        let x = self.x();
        if t >= x.nrows() || x.nrows() >= APP_MAX_STEPS {
            return;
        }
        let mut out = Array2::zeros((x.nrows() + 1, x.ncols()));
        out.slice_mut(s![..=t, ..]).assign(&x.slice(s![..=t, ..]));
        out.slice_mut(s![t + 1.., ..]).assign(&x.slice(s![t.., ..]));
        self.set_values_from(out, t + 1);
    }

    /// Deletes step `t` (0-based); the last remaining step cannot be deleted.
    pub fn delete_step(&mut self, t: usize) {
        let x = self.x();
        if t < x.nrows() && x.nrows() > 1 {
            let keep: Vec<usize> = (0..x.nrows()).filter(|&k| k != t).collect();
            let out = x.select(Axis(0), &keep);
            self.set_values_from(out, t);
        }
    }

    /// Loads a preset input, shaped for the current model's D.
    pub fn apply_preset(&mut self, preset: Preset, seed: u64) {
        self.set_x(&preset.generate(self.params.input_size(), seed));
    }

    /// Switches to randomly initialised weights. Invalid settings leave everything as it was
    /// and set [`Session::model_error`]. A change of D keeps the steps and the values of the
    /// dimensions both sizes have (new dimensions start at 0).
    pub fn set_config(&mut self, cfg: ModelConfig) {
        match cfg.build() {
            Ok(params) => self.set_params(ModelSource::Random(cfg), params),
            Err(e) => self.model_error = Some(e),
        }
    }

    /// Shows `params` (e.g. a model trained in the page, named `name`) on the input `x`.
    /// Sizes beyond the app's limits are refused with [`Session::model_error`] set.
    pub fn load_model(&mut self, name: &str, params: Params, x: &Array2<f32>) {
        let (h, d) = (params.hidden_size(), params.input_size());
        if h > APP_MAX_HIDDEN || d > APP_MAX_INPUT || x.ncols() != d {
            self.model_error = Some(format!("{name}: H = {h}, D = {d} cannot be shown here"));
            return;
        }
        // Checked before anything is replaced, so the params and the trace always match.
        if !(1..=APP_MAX_STEPS).contains(&x.nrows()) || x.iter().any(|v| !v.is_finite()) {
            self.model_error = Some(format!(
                "{name}: its input needs 1 to {APP_MAX_STEPS} steps of finite values; nothing was loaded"
            ));
            return;
        }
        self.source = ModelSource::Loaded(name.to_string());
        self.params = params;
        self.layers = None;
        self.init0 = InitialState::default();
        self.bump_model();
        self.model_error = None;
        self.set_x(x);
    }

    /// Shows the model of an opened file, named `name`. The input keeps its steps; when the
    /// model reads a different number of values per step, each step is padded with zeros or
    /// trimmed, and the returned notice says so. A model beyond the app's limits, or one
    /// the current input cannot run, is refused with [`Session::model_error`] set, and
    /// everything stays as it was.
    pub fn load_file(&mut self, name: &str, file: ModelFile) -> Option<String> {
        let stack = &file.stack;
        let (h, d) = (stack.hidden_size(), stack.input_size());
        if h > APP_MAX_HIDDEN || d > APP_MAX_INPUT {
            self.model_error = Some(format!(
                "{name}: H = {h}, D = {d} is more than the app shows (H up to {APP_MAX_HIDDEN}, \
                 D up to {APP_MAX_INPUT})."
            ));
            return None;
        }
        let old = self.x().to_owned();
        let mut x = Array2::zeros((old.nrows(), d));
        let k = d.min(old.ncols());
        x.slice_mut(s![.., ..k]).assign(&old.slice(s![.., ..k]));
        // A lone reverse layer is shown through Layers too: layer 0's forward trace, which
        // the input editor resumes, is not what that model computes.
        let layers = (stack.layers().len() > 1 || stack.is_reverse())
            .then(|| Layers::new(stack.clone(), file.init.clone()));
        if let Some(Err(e)) = layers.as_ref().map(|l| l.check_steps(x.nrows())) {
            self.model_error = Some(format!("{name}: {e}"));
            return None;
        }
        let values = |n: usize| if n == 1 { "value" } else { "values" };
        let notice = match d.cmp(&old.ncols()) {
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(format!(
                "This model reads {d} values per step; the input had {}, so each step was \
                 padded with zeros.",
                old.ncols()
            )),
            std::cmp::Ordering::Less => Some(format!(
                "This model reads {d} {} per step; each step was trimmed to its first {d}.",
                values(d)
            )),
        };
        self.source = ModelSource::File(Box::new(FileInfo {
            name: name.to_string(),
            format: file.format.name(),
            source: file.source.clone(),
            ignored: file.ignored.clone(),
        }));
        self.params = stack.layers()[0].clone();
        self.init0 = file.init.first().cloned().unwrap_or_default();
        self.layers = layers;
        self.bump_model();
        self.model_error = None;
        self.set_x(&x);
        notice
    }

    /// The whole model: every layer and direction (one for most models).
    pub fn stack(&self) -> Stack {
        match &self.layers {
            Some(l) => l.stack().clone(),
            None => {
                Stack::single(self.params.clone()).expect("a session's params are one valid layer")
            }
        }
    }

    /// The other layers of a stacked or bidirectional model, if it is one.
    pub fn layers(&self) -> Option<&Layers> {
        self.layers.as_ref()
    }

    /// Shows layer-direction `k` of a stacked or bidirectional model (clamped).
    pub fn select_layer(&mut self, k: usize) {
        if let Some(l) = &mut self.layers {
            l.select(k);
        }
    }

    /// The trace the views show: the selected layer-direction's, or the one trace of a
    /// one-layer model. Its `x` is that layer's own input.
    pub fn view_trace(&self) -> SharedTrace {
        match &self.layers {
            Some(l) => l.view_trace(&self.trace),
            None => self.trace.clone(),
        }
    }

    /// The initial states the model runs from, one per layer-direction (empty for zeros).
    pub fn initial_states(&self) -> Vec<InitialState> {
        match &self.layers {
            Some(l) => l.init().to_vec(),
            None if self.init0 == InitialState::default() => Vec::new(),
            None => vec![self.init0.clone()],
        }
    }

    /// The weights of the layer-direction the views show.
    pub fn view_params(&self) -> &Params {
        match &self.layers {
            Some(l) => l.stack().layers().get(l.selected()).unwrap_or(&self.params),
            None => &self.params,
        }
    }

    /// The interventions acting on the trace the views show: all of them on layer 0's
    /// forward direction, none elsewhere (the layers above only read its output).
    pub fn view_interventions(&self) -> &[Intervention] {
        match &self.layers {
            Some(l) if l.selected() != 0 || l.stack().is_reverse() => &[],
            _ => &self.interventions,
        }
    }

    /// Switches back to the seed article's example model and input.
    pub fn use_seed_example(&mut self) {
        *self = Self::seed_example();
    }

    fn set_params(&mut self, source: ModelSource, params: Params) {
        let old = self.x().to_owned();
        let d = params.input_size();
        let mut x = Array2::zeros((old.nrows(), d));
        let k = d.min(old.ncols());
        x.slice_mut(s![.., ..k]).assign(&old.slice(s![.., ..k]));
        self.source = source;
        self.params = params;
        self.layers = None;
        self.init0 = InitialState::default();
        self.bump_model();
        self.model_error = None;
        if let (Some(text), true) = (self.typed.clone(), old.ncols() == d && self.error.is_none()) {
            self.set_input(&text);
        } else {
            self.set_x(&x);
        }
    }

    /// The model panel's settings for the current weights (the seed example is an LSTM with
    /// H = 4, D = 1).
    pub fn config(&self) -> ModelConfig {
        match &self.source {
            ModelSource::Random(cfg) => *cfg,
            ModelSource::Loaded(_) | ModelSource::File(_) => ModelConfig {
                kind: self.params.kind(),
                hidden: self.params.hidden_size(),
                input: self.params.input_size(),
                ..ModelConfig::default()
            },
            ModelSource::SeedExample => ModelConfig {
                hidden: 4,
                input: 1,
                ..ModelConfig::default()
            },
        }
    }

    pub fn source(&self) -> &ModelSource {
        &self.source
    }
    /// "Seed article example" or a description of the random model.
    pub fn model_name(&self) -> String {
        match &self.source {
            ModelSource::SeedExample => "Seed article example".to_string(),
            ModelSource::Random(c) => format!("Random init, seed {}", c.seed),
            ModelSource::Loaded(name) => name.clone(),
            ModelSource::File(info) => info.name.clone(),
        }
    }
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// Changes whenever [`Session::input_text`] may have changed (it is not formatted).
    pub fn input_rev(&self) -> u64 {
        self.input_rev
    }

    /// Numbers in the input, T·D (the text's length, about, without formatting it).
    pub fn input_values(&self) -> usize {
        self.x().len()
    }

    /// The text field's content: the user's own text, or the values formatted.
    pub fn input_text(&self) -> &str {
        match &self.typed {
            Some(text) => text,
            None => self
                .formatted
                .get_or_init(|| format_sequence(&self.x().to_owned())),
        }
    }
    /// The trace of the last valid input.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// The same trace as a cheap, shareable handle (for signals and memos).
    pub fn shared_trace(&self) -> SharedTrace {
        self.trace.clone()
    }
    /// Why the current text was rejected, if it was.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
    /// Why the last model change was refused, if it was.
    pub fn model_error(&self) -> Option<&str> {
        self.model_error.as_deref()
    }
    /// True while the shown trace belongs to older text than what is typed.
    pub fn is_stale(&self) -> bool {
        self.error.is_some()
    }
}

/// A trace behind an `Arc`: cloning is free and equality is identity, so a reactive memo
/// over it notifies exactly when a new trace was computed, without comparing megabytes.
///
/// Each trace has an id, and a trace computed by resuming another one names it: views
/// that drew trace `id` need only redraw the steps from `from` on ([`SharedTrace::derived`]).
#[derive(Debug, Clone)]
pub struct SharedTrace {
    trace: Arc<Trace>,
    id: u64,
    base: Option<(u64, usize)>,
}

static NEXT_MODEL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_model_id() -> u64 {
    NEXT_MODEL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

static NEXT_TRACE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl SharedTrace {
    pub fn new(trace: Trace) -> Self {
        Self::derived(trace, None)
    }

    /// A trace whose steps before `from` equal those of the trace with id `base` (when
    /// `base` is given).
    pub fn derived(trace: Trace, base: Option<(u64, usize)>) -> Self {
        let id = NEXT_TRACE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self {
            trace: Arc::new(trace),
            id,
            base,
        }
    }

    /// This trace's id (unique in the page).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The first step that may differ from trace `drawn`'s, when this trace was computed by
    /// resuming `drawn` (`None`: anything may differ; draw it all).
    pub fn changed_from(&self, drawn: u64) -> Option<usize> {
        self.base
            .filter(|(id, _)| *id == drawn)
            .map(|(_, from)| from)
    }
}

impl PartialEq for SharedTrace {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.trace, &other.trace)
    }
}

impl Deref for SharedTrace {
    type Target = Trace;
    fn deref(&self) -> &Trace {
        &self.trace
    }
}

fn start(params: &Params, text: &str) -> Result<ForwardRun, String> {
    let x = parse_sequence_limited(text, params.input_size(), APP_MAX_STEPS)
        .map_err(|e| e.to_string())?;
    ForwardRun::new(params, x.view(), &InitialState::default()).map_err(|e| e.to_string())
}

fn run(params: &Params, text: &str) -> Result<Trace, String> {
    let mut run = start(params, text)?;
    run.advance(usize::MAX);
    Ok(run.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Series;

    #[test]
    fn invalid_text_keeps_last_good_trace() {
        let mut s = Session::seed_example();
        assert_eq!(s.trace().steps(), 5);
        s.set_input("1, 2, 3");
        let good = s.trace().clone();
        let handle = s.shared_trace();
        assert_eq!(good.steps(), 3);
        s.set_input("1, 2, x3");
        assert!(s.is_stale());
        assert!(s.error().unwrap().contains("\"x3\""));
        assert_eq!(s.trace(), &good);
        assert_eq!(
            s.shared_trace(),
            handle,
            "the same trace object, not a recomputation"
        );
        assert_eq!(s.input_text(), "1, 2, x3");
        s.set_input("4");
        assert!(!s.is_stale());
        assert_eq!(s.trace().get(Series::H).unwrap().dim(), (1, 4));
    }

    #[test]
    fn too_many_steps_computes_nothing() {
        let mut s = Session::seed_example();
        let handle = s.shared_trace();
        s.set_input(&vec!["1"; APP_MAX_STEPS + 1].join(","));
        assert!(
            s.error().unwrap().contains("at most 10000"),
            "{:?}",
            s.error()
        );
        assert_eq!(s.shared_trace(), handle);
    }

    #[test]
    fn big_work_is_computed_in_chunks_and_edits_build_on_it() {
        let mut s = Session::seed_example();
        s.set_config(ModelConfig {
            hidden: 256,
            ..ModelConfig::default()
        });
        let shown = s.shared_trace();
        let text = vec!["0.5"; 700].join(", ");
        s.set_input(&text);
        assert!(
            s.is_computing(),
            "700 steps at H = 64 is over the synchronous budget"
        );
        assert_eq!(
            s.shared_trace(),
            shown,
            "the old trace stays until the new one is done"
        );
        assert_eq!(s.progress(), Some((0, 700)));
        s.set_value(699, 0, -1.0);
        assert!(
            s.input_text().ends_with("0.5, -1"),
            "edits apply to the pending input"
        );
        let mut frames = 0;
        while !s.advance_pending(100) {
            frames += 1;
        }
        assert_eq!((frames, s.is_computing()), (6, false));
        assert_eq!(s.trace().steps(), 700);
        assert_eq!(s.trace().x()[[699, 0]], -1.0);
        // Chunked and one-pass runs agree exactly (model::forward's own test).
    }

    #[test]
    fn a_loaded_model_is_shown_on_its_input() {
        let mut s = Session::seed_example();
        let p = Params::init(
            CellKind::Gru,
            16,
            5,
            InitConfig {
                seed: 3,
                ..Default::default()
            },
        )
        .unwrap();
        let x = Array2::from_shape_fn((22, 5), |(t, d)| (t == d) as u8 as f32);
        s.load_model("Trained GRU", p.clone(), &x);
        assert_eq!(
            (s.model_name(), s.params()),
            ("Trained GRU".to_string(), &p)
        );
        assert_eq!(s.trace().x(), x.view());
        assert_eq!(s.config().hidden, 16);
        let before = s.trace().clone();
        let wide = Params::init(CellKind::Lstm, 300, 1, InitConfig::default()).unwrap();
        s.load_model("too big", wide, &Array2::zeros((3, 1)));
        assert!(s.model_error().is_some());
        assert_eq!(s.trace(), &before);
    }

    #[test]
    fn cell_edits_rewrite_the_text() {
        let mut s = Session::seed_example();
        s.set_value(1, 0, -0.5);
        assert_eq!(s.input_text(), "1, -0.5, 3, 4, 5");
        s.insert_step(0);
        assert_eq!(s.input_text(), "1, 1, -0.5, 3, 4, 5");
        s.delete_step(5);
        s.delete_step(0);
        assert_eq!(s.input_text(), "1, -0.5, 3, 4");
        s.set_value(0, 0, f32::NAN);
        assert_eq!(
            s.input_text(),
            "1, -0.5, 3, 4",
            "non-finite edits are ignored"
        );
        for _ in 0..10 {
            s.delete_step(0);
        }
        assert_eq!(s.trace().steps(), 1, "the last step stays");
    }

    #[test]
    fn model_changes_adapt_the_input_and_bad_configs_change_nothing() {
        let mut s = Session::seed_example();
        s.set_config(ModelConfig {
            hidden: 16,
            input: 2,
            seed: 3,
            ..ModelConfig::default()
        });
        assert_eq!(s.params().input_size(), 2);
        assert_eq!(s.input_text(), "1 0; 2 0; 3 0; 4 0; 5 0");
        assert_eq!(s.trace().hidden_size(), 16);
        let before = s.clone();
        s.set_config(ModelConfig {
            hidden: 1000,
            ..ModelConfig::default()
        });
        assert!(s.model_error().unwrap().contains("Hidden size"));
        assert_eq!(s.trace(), before.trace());
        assert_eq!(s.params(), before.params());
        s.set_config(ModelConfig {
            hidden: 3,
            input: 1,
            ..ModelConfig::default()
        });
        assert_eq!((s.input_text(), s.model_error()), ("1, 2, 3, 4, 5", None));
        s.use_seed_example();
        let fresh = Session::seed_example();
        assert_eq!(
            (s.params(), s.input_text(), s.trace()),
            (fresh.params(), fresh.input_text(), fresh.trace())
        );
    }

    /// Edits recompute from the edited step on; the result is the whole pass's, bit for bit,
    /// including right after the weights changed (a trace of other weights is never resumed).
    #[test]
    fn edits_resume_from_the_edited_step_and_equal_a_whole_pass() {
        use crate::model::forward;
        let whole = |s: &Session| forward(s.params(), s.x(), &InitialState::default()).unwrap();
        let mut s = Session::seed_example();
        s.set_config(ModelConfig {
            hidden: 12,
            seed: 5,
            ..ModelConfig::default()
        });
        s.set_input(&vec!["0.25"; 60].join(", "));
        let drawn = s.shared_trace().id();
        s.set_value(41, 0, -2.0);
        assert_eq!(s.shared_trace().changed_from(drawn), Some(41));
        assert_eq!(s.shared_trace().changed_from(drawn + 999), None);
        assert_eq!(s.trace(), &whole(&s));
        assert_eq!(
            s.x()[[41, 0]],
            -2.0,
            "the value itself, not a re-parsed text"
        );
        s.insert_step(10);
        s.delete_step(3);
        assert_eq!((s.trace().steps(), s.trace()), (60, &whole(&s)));
        for seed in [6, 7] {
            s.set_config(ModelConfig {
                hidden: 12,
                seed,
                ..ModelConfig::default()
            });
            s.set_value(59, 0, 1.5);
            assert_eq!(s.trace(), &whole(&s), "seed {seed}");
        }
        assert!(
            s.input_text().ends_with(", 1.5"),
            "the text follows the values"
        );
        s.set_input("1, 2, oops");
        s.set_value(0, 0, 3.0);
        assert_eq!((s.is_stale(), s.trace()), (false, &whole(&s)));
        // Typing: only the steps after the first changed value are recomputed.
        let typed: Vec<String> = (0..60).map(|k| format!("{}", k as f32 * 0.1)).collect();
        s.set_input(&typed.join(", "));
        let mut more = typed.clone();
        more[57] = "-3".to_string();
        more.push("0.5".to_string());
        s.set_input(&more.join(", "));
        assert_eq!((s.trace().steps(), s.trace()), (61, &whole(&s)));
        assert_eq!(s.input_text(), more.join(", "), "the user's own text stays");
    }

    /// A drag: each move is written into the trace shown before last (no copy of the whole
    /// trace), once nothing else holds it, and every trace still equals a whole new pass.
    /// Interventions and new weights make the spare unusable; a trace still held is not
    /// reused.
    #[test]
    fn drag_moves_reuse_the_trace_before_last_and_equal_whole_passes() {
        use crate::model::Series;
        let whole = |s: &Session| {
            let mut run = ForwardRun::new(s.params(), s.x(), &InitialState::default()).unwrap();
            if let Some(iv) = s.checked_interventions() {
                run = run.with_interventions(iv).unwrap();
            }
            run.advance(usize::MAX);
            run.finish()
        };
        let data = |s: &Session| s.trace().get(Series::H).unwrap().as_ptr();
        let mut s = Session::seed_example();
        s.set_input(&vec!["0.5"; 40].join(", "));
        let first = data(&s);
        s.set_value(30, 0, 1.0);
        s.set_value(30, 0, 1.5);
        assert_eq!(data(&s), first, "the third trace is the first one's arrays");
        assert_eq!(s.trace(), &whole(&s));
        // A move at an earlier step: the reused trace is recomputed from there.
        s.set_value(12, 0, -1.0);
        assert_eq!(s.trace(), &whole(&s));
        let held = s.shared_trace();
        s.set_value(12, 0, -2.0);
        s.set_value(12, 0, -3.0);
        assert_ne!(
            data(&s),
            held.get(Series::H).unwrap().as_ptr(),
            "a held trace is not written"
        );
        assert_eq!(s.trace(), &whole(&s));
        assert_eq!(held.x()[[12, 0]], -1.0);
        drop(held);
        // With an intervention from step 20, and after it is removed again.
        let iv = Intervention {
            series: Series::F,
            unit: None,
            steps: 19..=25,
            value: 0.0,
        };
        s.set_interventions(vec![iv]).unwrap();
        s.set_value(30, 0, 2.0);
        s.set_value(5, 0, 0.1);
        assert_eq!(s.trace(), &whole(&s));
        s.set_interventions(Vec::new()).unwrap();
        s.set_value(30, 0, 2.5);
        assert_eq!(s.trace(), &whole(&s));
        // The trace before last differs from the new input before the edited step (at 8,
        // edited after it): it is recomputed from step 8, not from 35.
        s.set_value(8, 0, 0.7);
        let mut next = s.x().to_owned();
        next[[35, 0]] = 0.9;
        let mut probe = s.clone();
        probe.spare = Spare(s.spare.0.take());
        let (_, same) = probe
            .take_spare(next.view(), 35)
            .expect("the spare is free");
        assert_eq!(same, 8, "its inputs differ from step 8 on");
        s.set_value(35, 0, 0.9);
        assert_eq!(s.trace(), &whole(&s));
        // New weights.
        s.set_config(ModelConfig {
            seed: 9,
            ..ModelConfig::default()
        });
        s.set_value(30, 0, 3.0);
        assert_eq!(s.trace(), &whole(&s));
    }
}
