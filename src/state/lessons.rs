//! Guided lessons, as data: each step has a title, a few sentences, the app state it sets
//! (written as a link fragment, `state::link`), the part of the page it points at, and
//! optionally an action the learner takes before "Next" lights up. The sentences follow the
//! seed article's claims and only say what the app shows for these states (see
//! `tests/e2e/lessons.mjs`, which walks every lesson, and the presets' tests).

/// What the learner does before "Next".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Play the sequence to its last step.
    PlayToEnd,
    /// Start the cell diagram's walk-through.
    Walk,
    /// Add an intervention.
    Intervene,
    /// Make an element matching this selector appear (a button's effect).
    Shows(&'static str),
}

/// One step of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonStep {
    pub title: &'static str,
    pub text: &'static str,
    /// A link fragment (`x=…&t=…&iv=…`) applied to a fresh session, or `None` to keep the
    /// learner's state.
    pub state: Option<&'static str>,
    /// A CSS selector of the part to point at.
    pub highlight: &'static str,
    /// What the learner does, and the sentence that asks for it.
    pub action: Option<(Action, &'static str)>,
}

/// A lesson: a title and its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    pub title: &'static str,
    pub steps: &'static [LessonStep],
}

const SEED: &str = "x=1,2,3,4,5";

pub const LESSONS: [Lesson; 4] = [
    Lesson {
        title: "What each gate does",
        steps: &[
            LessonStep {
                title: "The article's LSTM",
                text: "This is the seed article's own example: an LSTM with 4 units reading 1, 2, 3, 4, 5. Each heatmap is one gate or state. Rows are units, columns are steps, and every cell is a real number the model computed.",
                state: Some("x=1,2,3,4,5&t=5&unit=1"),
                highlight: ".heatmaps",
                action: None,
            },
            LessonStep {
                title: "The forget gate",
                text: "The step explainer writes out the forget gate f of unit 1 at step 2: its weights times [h(t−1); x(t)], plus a bias, through σ. A value near 1 keeps the memory c; near 0 erases it.",
                state: Some("x=1,2,3,4,5&t=2&sel=2,1&unit=1"),
                highlight: ".step-explainer",
                action: None,
            },
            LessonStep {
                title: "Kept and written",
                text: "Equation (5) splits the new memory c into what was kept (f × the old c) and what was written (i × g). The candidate g proposes content; the input gate i decides how much of it goes in.",
                state: Some("x=1,2,3,4,5&t=3&sel=3,2&unit=2"),
                highlight: ".step-explainer",
                action: None,
            },
            LessonStep {
                title: "The cell, part by part",
                text: "The cell diagram draws the same step: the memory line on top, the four gates below, each with its value.",
                state: None,
                highlight: ".cell-diagram",
                action: Some((Action::Walk, "Press \"Walk through this step\" in the cell diagram.")),
            },
            LessonStep {
                title: "Play it",
                text: "Every step repeats the same equations with the new input and the last step's h and c.",
                state: Some("x=1,2,3,4,5&t=1&unit=1"),
                highlight: ".transport",
                action: Some((Action::PlayToEnd, "Press Play and watch the sequence fill in to step 5.")),
            },
        ],
    },
    Lesson {
        title: "Long-term memory",
        steps: &[
            LessonStep {
                title: "One impulse",
                text: "The input is a single 1 at step 1, then 50 zeros. With the model's own gates, f is below 1, so the memory leaks: c drifts to where it would be with no impulse at all.",
                state: Some("x=ZEROS50&t=51&unit=1"),
                highlight: ".heatmaps",
                action: None,
            },
            LessonStep {
                title: "Hold the memory",
                text: "Now, after step 1, the forget gate is held at 1 and the input gate at 0 (hatched cells). c keeps step 1's value exactly for 50 steps: this is the article's long-term memory.",
                state: Some("x=ZEROS50&t=51&unit=1&iv=f@2..51=1&iv=i@2..51=0"),
                highlight: ".heatmaps",
                action: None,
            },
            LessonStep {
                title: "Erase it",
                text: "With f = 0 from step 2, c keeps nothing of step 1: each step's c is only what i × g writes.",
                state: Some("x=ZEROS50&t=51&unit=1&iv=f@2..51=0"),
                highlight: ".heatmaps",
                action: None,
            },
            LessonStep {
                title: "Your turn",
                text: "Interventions act inside the forward pass, so everything after them changes and nothing before.",
                state: Some("x=ZEROS50&t=51&unit=1"),
                highlight: ".interventions",
                action: Some((Action::Intervene, "Add an intervention: a preset, or clamp a gate with the form.")),
            },
        ],
    },
    Lesson {
        title: "Why a plain RNN forgets",
        steps: &[
            LessonStep {
                title: "No gates",
                text: "A traditional RNN has no gates: h(t) = tanh(W [h(t−1); x(t)] + b). Here it reads one impulse and 29 zeros; watch how long the impulse stays visible in h.",
                state: Some("cell=rnn&h=4&d=1&seed=0&x=ZEROS30&t=30&unit=1"),
                highlight: ".heatmaps",
                action: None,
            },
            LessonStep {
                title: "Side by side",
                text: "Compare mode runs the same input through this RNN and through an LSTM and a GRU of the same size and seed, and plots how much the last state still depends on each input (log scale).",
                state: None,
                highlight: ".compare",
                action: Some((Action::Shows(".compare-grid"), "Press \"Compare LSTM, GRU and RNN\".")),
            },
            LessonStep {
                title: "Reading the chart",
                text: "The line for each model falls towards step 1 when its last state depends less on early inputs. The sentence under the chart says by how many decades: the larger the fall, the more that model has forgotten. Gradients that shrink like this are the vanishing gradient.",
                state: None,
                highlight: ".compare",
                action: None,
            },
        ],
    },
    Lesson {
        title: "Watch it learn",
        steps: &[
            LessonStep {
                title: "The memory task",
                text: "The training panel teaches an LSTM, a GRU and an RNN the same task: remember which of 4 classes was shown at step 1, across 20 noisy steps, and name it at the end.",
                state: Some(SEED),
                highlight: ".training",
                action: None,
            },
            LessonStep {
                title: "Train",
                text: "All three start from the same kind of initial weights and see the same samples. The loss chart shows how fast each one learns.",
                state: None,
                highlight: ".training",
                action: Some((Action::Shows(".train-show button:not([disabled])"), "Press Train.")),
            },
            LessonStep {
                title: "Look inside",
                text: "Show a model in the views above: its gates update as it trains, and the step explainer follows its weights.",
                state: None,
                highlight: ".training",
                action: Some((Action::Shows(".train-show button[aria-pressed='true']"), "Press \"Show the LSTM\".")),
            },
        ],
    },
];

impl LessonStep {
    /// The state as link pairs (the lessons' own fragments need no percent-decoding).
    pub fn pairs(&self) -> Option<Vec<(String, String)>> {
        let expand = |v: &str| {
            match v {
            "ZEROS50" => "1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0".to_string(),
            "ZEROS30" => "1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0".to_string(),
            other => other.to_string(),
        }
        };
        self.state.map(|s| {
            s.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), expand(v)))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::link::decode;
    use crate::state::Session;

    #[test]
    fn every_step_state_is_a_valid_link() {
        for lesson in LESSONS {
            assert!(!lesson.steps.is_empty());
            for step in lesson.steps {
                let Some(pairs) = step.pairs() else { continue };
                let (link, notes) = decode(&pairs);
                assert!(notes.is_empty(), "{}: {notes:?}", step.title);
                let mut s = Session::seed_example();
                assert!(link.apply(&mut s).is_empty(), "{}", step.title);
                let steps = s.x().nrows();
                let v = link.view(steps, s.params().hidden_size());
                assert!(v.notes.is_empty(), "{}: {:?}", step.title, v.notes);
            }
        }
    }

    #[test]
    fn holding_the_memory_holds_it_exactly() {
        let step = LESSONS[1].steps[1];
        let (link, _) = decode(&step.pairs().unwrap());
        let mut s = Session::seed_example();
        link.apply(&mut s);
        let c = s.trace().get(crate::model::Series::C).unwrap();
        assert_eq!(c.nrows(), 51);
        for t in 1..51 {
            assert_eq!(c.row(t), c.row(0));
        }
    }
}
