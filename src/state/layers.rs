//! A stacked or bidirectional model in the app: every layer-direction's trace for the
//! current input, and which one the views show.
//!
//! The session keeps computing layer 0's forward direction incrementally (the input editor
//! and its fast resume work on it, as for a one-layer model); [`Layers`] recomputes the
//! whole stack from that trace's input whenever it changes.

use std::sync::Arc;

use crate::model::{forward_stack_after, Direction, InitialState, Stack};

use super::session::{work_per_step, SharedTrace};

/// Most multiply-adds the page spends on a stack's traces per input change (about a tenth
/// of a second in the browser); a longer input is refused with a message instead.
pub const STACK_WORK: u64 = 200_000_000;

/// The layers of a model with more than one layer-direction, their traces, and the one on
/// show.
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    stack: Arc<Stack>,
    init: Vec<InitialState>,
    /// One per layer-direction, in the stack's order, for the input of trace `computed_for`.
    traces: Vec<SharedTrace>,
    computed_for: Option<u64>,
    /// Index of the layer-direction on show.
    view: usize,
}

impl Layers {
    /// `init`: one initial state per layer-direction, or empty for zeros.
    pub fn new(stack: Stack, init: Vec<InitialState>) -> Self {
        Self {
            stack: Arc::new(stack),
            init,
            traces: Vec::new(),
            computed_for: None,
            view: 0,
        }
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    /// The initial state of every layer-direction (empty for zeros).
    pub fn init(&self) -> &[InitialState] {
        &self.init
    }

    /// Multiply-adds of one step through every layer-direction.
    pub fn work_per_step(&self) -> u64 {
        self.stack.layers().iter().map(work_per_step).sum()
    }

    /// Refuses an input of `steps` steps whose stack would cost more than [`STACK_WORK`].
    pub fn check_steps(&self, steps: usize) -> Result<(), String> {
        let per_step = self.work_per_step().max(1);
        if per_step.saturating_mul(steps as u64) > STACK_WORK {
            let most = STACK_WORK / per_step;
            return Err(format!(
                "This {}-layer model can show at most {most} steps at once; the input has {steps}.",
                self.stack.num_layers()
            ));
        }
        Ok(())
    }

    /// Computes every layer-direction for the input of `base` (layer 0's forward trace),
    /// unless that was done already.
    pub fn refresh(&mut self, base: &SharedTrace) -> Result<(), String> {
        if self.computed_for == Some(base.id()) {
            return Ok(());
        }
        self.check_steps(base.steps())?;
        // Layer 0's forward trace is `base` itself (resumed from the edited step): reused.
        let run = forward_stack_after(&self.stack, base, &self.init).map_err(|e| e.to_string())?;
        self.traces = run
            .into_traces()
            .into_iter()
            .map(SharedTrace::new)
            .collect();
        self.computed_for = Some(base.id());
        Ok(())
    }

    /// The trace on show: the selected layer-direction's, or `base` before the first
    /// [`Layers::refresh`].
    pub fn view_trace(&self, base: &SharedTrace) -> SharedTrace {
        self.traces
            .get(self.view)
            .cloned()
            .unwrap_or_else(|| base.clone())
    }

    /// Every layer-direction's trace (empty before the first [`Layers::refresh`]).
    pub fn traces(&self) -> &[SharedTrace] {
        &self.traces
    }

    /// Index of the layer-direction on show.
    pub fn selected(&self) -> usize {
        self.view
    }

    /// Shows layer-direction `k` (clamped to the stack).
    pub fn select(&mut self, k: usize) {
        self.view = k.min(self.stack.layers().len() - 1);
    }

    /// "Layer 1 →", "Layer 1 ←", … for every layer-direction, counting layers from 1.
    pub fn labels(&self) -> Vec<String> {
        (0..self.stack.layers().len())
            .map(|k| label(self.stack.position(k)))
            .collect()
    }
}

/// A layer-direction's name for people: layers count from 1, arrows give the direction.
pub fn label((layer, dir): (usize, Direction)) -> String {
    match dir {
        Direction::Forward => format!("Layer {} →", layer + 1),
        Direction::Reverse => format!("Layer {} ←", layer + 1),
    }
}

#[cfg(test)]
mod tests {
    use gatescope_formats::{Format, ModelFile};

    use super::*;
    use crate::model::{forward_stack, CellKind, InitConfig, Params, Series};
    use crate::state::Session;

    /// A stack of `layers` layers, both directions when `bidi`, seeded per layer-direction.
    fn stack(kind: CellKind, layers: usize, bidi: bool, h: usize, d: usize) -> Stack {
        let dirs = if bidi { 2 } else { 1 };
        let all = (0..layers * dirs)
            .map(|k| {
                let input = if k < dirs { d } else { dirs * h };
                let cfg = InitConfig {
                    seed: k as u64 + 7,
                    ..InitConfig::default()
                };
                Params::init(kind, h, input, cfg).unwrap()
            })
            .collect();
        Stack::new(all, bidi).unwrap()
    }

    fn file(stack: Stack) -> ModelFile {
        ModelFile {
            stack,
            format: Format::Safetensors,
            source: "lstm.".into(),
            ignored: vec!["fc.weight".into()],
            init: vec![],
        }
    }

    #[test]
    fn every_layer_direction_is_computed_and_follows_edits() {
        let mut s = Session::seed_example();
        let model = stack(CellKind::Lstm, 2, true, 5, 1);
        assert_eq!(s.load_file("m.safetensors", file(model.clone())), None);
        let layers = s.layers().expect("a stacked model");
        assert_eq!(layers.traces().len(), 4);
        assert_eq!(
            layers.labels(),
            ["Layer 1 →", "Layer 1 ←", "Layer 2 →", "Layer 2 ←"]
        );
        s.select_layer(3);
        let want = forward_stack(&model, s.x(), &[]).unwrap();
        assert_eq!(*s.view_trace(), want.traces()[3]);
        assert!(s.view_trace().is_reverse());
        // Layer 2 reads layer 1's [h→ | h←], 10 values per step.
        assert_eq!(s.view_trace().input_size(), 10);
        // An edit of step 3 recomputes every layer; the editor's x stays the model's input.
        s.set_value(2, 0, -4.0);
        assert_eq!(s.x()[[2, 0]], -4.0);
        let want = forward_stack(&model, s.x(), &[]).unwrap();
        assert_eq!(*s.view_trace(), want.traces()[3]);
        assert_eq!(s.trace(), &want.traces()[0]);
        // Selection is clamped, and a new model of one layer drops the others.
        s.select_layer(99);
        assert_eq!(s.layers().unwrap().selected(), 3);
        s.set_config(crate::state::ModelConfig::default());
        assert!(s.layers().is_none());
        assert_eq!(s.view_trace(), s.shared_trace());
    }

    /// An ONNX layer with `direction = "reverse"` alone is shown as what it computes.
    #[test]
    fn a_lone_reverse_layer_is_shown_backwards() {
        let mut s = Session::seed_example();
        let p = Params::init(CellKind::Gru, 3, 1, InitConfig::default()).unwrap();
        let model = Stack::new_reverse(vec![p]).unwrap();
        s.load_file("rev.onnx", file(model.clone()));
        let layers = s.layers().expect("shown through Layers");
        assert_eq!(layers.labels(), ["Layer 1 ←"]);
        assert!(s.view_trace().is_reverse());
        assert_eq!(
            *s.view_trace(),
            forward_stack(&model, s.x(), &[]).unwrap().traces()[0]
        );
    }

    #[test]
    fn input_is_adapted_to_the_models_d_with_a_notice() {
        let mut s = Session::seed_example();
        let notice = s
            .load_file(
                "gru.safetensors",
                file(stack(CellKind::Gru, 1, false, 6, 3)),
            )
            .expect("a notice");
        assert!(notice.contains("padded with zeros"), "{notice}");
        assert_eq!(s.x().dim(), (5, 3));
        assert_eq!(s.x().column(0).to_vec(), [1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!(s.x().column(2).iter().all(|&v| v == 0.0));
        assert!(s.layers().is_none(), "one layer needs no Layers");
        let notice = s
            .load_file("rnn.json", file(stack(CellKind::Rnn, 2, false, 4, 1)))
            .expect("a notice");
        assert!(
            notice.contains("reads 1 value per step; each step was trimmed to its first 1."),
            "{notice}"
        );
        assert_eq!(s.trace().get(Series::H).unwrap().dim(), (5, 4));
    }

    #[test]
    fn models_beyond_the_apps_limits_change_nothing() {
        let mut s = Session::seed_example();
        let before = s.clone();
        assert_eq!(
            s.load_file("big", file(stack(CellKind::Lstm, 1, false, 300, 1))),
            None
        );
        assert!(
            s.model_error().unwrap().contains("H = 300"),
            "{:?}",
            s.model_error()
        );
        s.set_input(&"1 ".repeat(9000));
        let huge = stack(CellKind::Lstm, 4, true, 256, 1);
        let kept = s.trace().clone();
        assert_eq!(s.load_file("huge", file(huge)), None);
        assert!(
            s.model_error().unwrap().contains("at most"),
            "{:?}",
            s.model_error()
        );
        assert_eq!(s.trace(), &kept);
        assert_eq!(before.params(), s.params());
    }

    #[test]
    fn a_long_input_for_a_big_stack_is_refused_and_the_trace_kept() {
        let mut s = Session::seed_example();
        s.load_file("m", file(stack(CellKind::Lstm, 3, true, 64, 1)));
        assert!(s.model_error().is_none());
        let kept = s.view_trace();
        s.set_input(&"1 ".repeat(9000));
        assert!(s.error().unwrap().contains("at most"), "{:?}", s.error());
        assert_eq!(s.view_trace(), kept);
    }
}
