//! What the app shows, as a plain type: the model, the input text and the last good trace.
//! Components hold one of these in a signal and call its methods; the rules (recompute on
//! valid input, keep the last good trace and mark it stale on invalid input) live here and
//! are tested natively.

use std::ops::Deref;
use std::sync::Arc;

use super::examples;
use super::forward::{forward, InitialState};
use super::params::Params;
use super::parse::parse_sequence;
use super::trace::Trace;

/// A model, the text the user typed, and the trace of the last text that was valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    model_name: String,
    params: Params,
    input_text: String,
    trace: SharedTrace,
    error: Option<String>,
}

impl Session {
    /// Builds a session, or explains why `input_text` cannot be run by `params`.
    pub fn new(
        model_name: impl Into<String>,
        params: Params,
        input_text: &str,
    ) -> Result<Self, String> {
        let trace = SharedTrace::new(run(&params, input_text)?);
        Ok(Self {
            model_name: model_name.into(),
            params,
            input_text: input_text.to_string(),
            trace,
            error: None,
        })
    }

    /// The seed article's case study: its LSTM (H = 4, D = 1) on 1, 2, 3, 4, 5.
    pub fn seed_example() -> Self {
        Self::new(
            "Seed article example",
            examples::seed_article_lstm(),
            examples::SEED_ARTICLE_INPUT,
        )
        .expect("the built-in example runs")
    }

    /// Replaces the input text. Valid text recomputes the trace; invalid text keeps the
    /// last good trace, records the message and makes [`Session::is_stale`] true.
    pub fn set_input(&mut self, text: &str) {
        self.input_text = text.to_string();
        match run(&self.params, text) {
            Ok(trace) => {
                self.trace = SharedTrace::new(trace);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn model_name(&self) -> &str {
        &self.model_name
    }
    pub fn params(&self) -> &Params {
        &self.params
    }
    pub fn input_text(&self) -> &str {
        &self.input_text
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
    /// True while the shown trace belongs to older text than what is typed.
    pub fn is_stale(&self) -> bool {
        self.error.is_some()
    }
}

/// A trace behind an `Arc`: cloning is free and equality is identity, so a reactive memo
/// over it notifies exactly when a new trace was computed, without comparing megabytes.
#[derive(Debug, Clone)]
pub struct SharedTrace(Arc<Trace>);

impl SharedTrace {
    pub fn new(trace: Trace) -> Self {
        Self(Arc::new(trace))
    }
}

impl PartialEq for SharedTrace {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for SharedTrace {
    type Target = Trace;
    fn deref(&self) -> &Trace {
        &self.0
    }
}

fn run(params: &Params, text: &str) -> Result<Trace, String> {
    let x = parse_sequence(text, params.input_size()).map_err(|e| e.to_string())?;
    forward(params, x.view(), &InitialState::default()).map_err(|e| e.to_string())
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
}
