//! Text mode's state: the text is checked against the corpus's characters, the views get one
//! embedding row and one label per character, training is recorded, Reset starts again.

use super::*;
use crate::model::{forward, InitialState, Series};

fn code_lab() -> TextLab {
    TextLab::new(CorpusChoice::Builtin(Corpus::Code), TextSettings::default()).unwrap()
}

#[test]
fn a_new_lab_reads_its_corpus_first_line() {
    let lab = code_lab();
    let first = Corpus::Code.text().lines().next().unwrap();
    assert_eq!(lab.text(), first);
    let n = first.chars().count();
    assert_eq!(lab.x().dim(), (n, 16));
    assert_eq!(lab.labels().len(), n);
    assert!(lab.labels().iter().any(|l| l == "␣"));
    assert_eq!(lab.steps(), 0);
}

#[test]
fn text_outside_the_vocabulary_or_too_long_is_refused_and_nothing_changes() {
    let mut lab = code_lab();
    let before = lab.text().to_string();
    let err = lab.set_text("memory ☃").unwrap_err();
    assert!(err.contains("'☃'") && err.contains("position 8"), "{err}");
    assert!(lab.set_text("").is_err());
    let long = "a".repeat(MAX_READ_CHARS + 1);
    assert!(lab.set_text(&long).unwrap_err().contains("more than 1000"));
    assert_eq!(lab.text(), before);
    lab.set_text("gate(\"in\")").unwrap();
    assert_eq!(lab.tokens().len(), 10);
}

#[test]
fn predictions_come_from_the_shown_states() {
    let lab = code_lab();
    let cell = lab.cell().unwrap();
    let trace = forward(cell, lab.x().view(), &InitialState::default()).unwrap();
    let h = trace.get(Series::H).unwrap();
    let shown = lab.predictions(h, 5);
    let run = lab.model().run_text(lab.text()).unwrap();
    assert_eq!(shown.len(), run.steps());
    for (t, row) in shown.iter().enumerate() {
        let want = run.top_k(t, 5);
        assert_eq!(row.len(), 5);
        for ((ch, p), w) in row.iter().zip(&want) {
            assert_eq!(*p, w.p);
            let entry = lab.model().vocab().entry(w.id).unwrap();
            assert_eq!(*ch, visible(entry.chars().next().unwrap()));
        }
    }
}

#[test]
fn training_is_recorded_and_reset_starts_from_the_same_weights() {
    let mut lab = code_lab();
    let start = lab.model().clone();
    let r = lab.train(3).unwrap().unwrap();
    assert_eq!((lab.steps(), r.step), (3, 3));
    assert_eq!(lab.bpc_history().len(), 3);
    assert!(lab.bpc_history().iter().all(|b| b.is_finite() && *b > 0.0));
    assert_ne!(lab.model(), &start);
    let rev = lab.revision();
    lab.set_text("a(in)").unwrap();
    lab.reset();
    assert_eq!(lab.model(), &start);
    assert_eq!((lab.steps(), lab.text()), (0, "a(in)"));
    assert!(lab.revision() > rev);
}

#[test]
fn a_long_history_is_halved_not_dropped() {
    let mut lab = code_lab();
    for k in 0..5_000 {
        TextLab::record(
            &mut lab.bpc,
            &mut lab.stride,
            &mut lab.pending,
            f64::from(k % 2),
        );
    }
    assert!(lab.bpc_history().len() < MAX_HISTORY);
    assert!(lab.history_stride() >= 4);
    // Alternating 0 and 1: every merged point is their mean.
    assert!(lab.bpc_history().iter().all(|&b| (b - 0.5).abs() < 1e-6));
}

#[test]
fn a_pasted_corpus_is_checked() {
    let err = TextLab::new(CorpusChoice::Pasted(String::new()), TextSettings::default());
    assert!(err.unwrap_err().starts_with("Corpus:"));
    let lab = TextLab::new(
        CorpusChoice::Pasted("abab(ba)\nab".to_string()),
        TextSettings::default(),
    )
    .unwrap();
    assert_eq!(lab.text(), "abab(ba)");
    assert_eq!(lab.model().vocab_size(), 5);
}

/// The app's quote preset reproduces the core's evidence: trained as the preset says, an
/// LSTM unit's h separates inside-quotes characters with |r| ≥ 0.8 over the corpus. (The
/// RNN under the same preset is the core test's business: it is reported there.)
#[test]
fn the_quote_preset_finds_a_quote_unit() {
    let settings = TextSettings::quote_preset(CellKind::Lstm);
    let mut lab = TextLab::new(CorpusChoice::Builtin(Corpus::Code), settings).unwrap();
    let fresh = lab.quote_unit().unwrap();
    lab.train(QUOTE_PRESET_STEPS as usize).unwrap();
    let (unit, r) = lab.quote_unit().unwrap();
    assert!(
        r.abs() >= 0.8,
        "unit {unit}: r = {r} (untrained: {fresh:?})"
    );
    assert!(fresh.1.abs() < 0.8, "untrained: {fresh:?}");
    let line = lab.quoted_line();
    assert!(line.contains('"') && lab.clone().set_text(&line).is_ok());
}

#[test]
fn an_opened_model_reads_at_once_and_trains_only_on_a_corpus_it_can_read() {
    let trained = code_lab().model().clone();
    let mut lab = TextLab::opened(
        trained.clone(),
        "mine.json",
        CorpusChoice::Builtin(Corpus::Code),
    );
    assert_eq!(lab.model(), &trained);
    assert_eq!(lab.model_name(), "mine.json");
    assert!(!lab.text().is_empty());
    lab.train(2).unwrap();
    assert!(lab
        .model_name()
        .starts_with("mine.json, trained 2 more steps"));
    lab.reset();
    assert_eq!(lab.model(), &trained);
    // The English corpus has letters the code corpus (and so this model) never saw.
    let mut other = TextLab::opened(trained, "mine.json", CorpusChoice::Builtin(Corpus::English));
    let err = other.train(1).unwrap_err();
    assert!(
        err.starts_with("This model cannot train on English prose"),
        "{err}"
    );
    assert_eq!(other.steps(), 0);
    assert!(
        !other.text().is_empty(),
        "it still reads its own characters"
    );
}
