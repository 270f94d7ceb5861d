//! Training in the browser, as a plain type: the same memory task for an LSTM, a GRU and a
//! traditional RNN, stepped together so their learning curves can be compared live.

use super::gradient_flow::{gradient_flow, GradientFlow};
use crate::model::rng::SplitMix64;
use crate::model::{
    forward, CellKind, InitConfig, InitialState, Model, Sample, Task, TrainConfig, Trainer,
};

/// Held-out sequences each model is scored on.
const HELD_OUT: usize = 64;
/// Hidden size of every model.
pub const HIDDEN: usize = 16;
/// The memory-gate bias every model starts with: the LSTM's forget gate and the GRU's
/// update gate start open ([`InitConfig::forget_bias`]); the RNN has no gate to set.
pub const MEMORY_BIAS: f32 = 3.0;

/// One model being trained and what it has shown so far.
#[derive(Debug, Clone)]
pub struct Lane {
    pub kind: CellKind,
    pub name: &'static str,
    pub trainer: Trainer,
    /// Batch loss after each step (step 1 first).
    pub losses: Vec<f32>,
    /// Held-out accuracy at the last evaluation.
    pub accuracy: Option<f32>,
    /// Gradient flow on the probe sequence at the last evaluation.
    pub flow: Option<GradientFlow>,
    /// ‖∂L/∂h_t‖ per step for the task's loss on the probe sequence, at the last evaluation.
    pub dl_dh: Option<Vec<f32>>,
}

/// The models, their task and a fixed held-out set.
#[derive(Debug, Clone)]
pub struct TrainingRun {
    pub task: Task,
    pub lanes: Vec<Lane>,
    held_out: Vec<Sample>,
    /// A fixed task sequence on which the gradient flow is measured as training proceeds.
    probe: Sample,
}

impl TrainingRun {
    /// The seed article's claim as an experiment: remember one of 4 classes across
    /// `distractors` noise steps, H = 16, Adam, the same initialisation and seeds for every
    /// model, including the memory-gate bias [`MEMORY_BIAS`] (the LSTM's forget gate and
    /// the GRU's update gate start open; the RNN has no gate, so it has no effect there).
    /// This is the setting of `tests/train.rs` (seed 0): with N = 20, within 300 steps the
    /// LSTM and the GRU learn the task and the RNN stays at chance. `init_seed` draws the
    /// initial weights: the same seed gives the same start (the page's "Reset"), another
    /// gives new ones ("New weights"); the samples are the same either way.
    pub fn remember(distractors: usize, cfg: TrainConfig, init_seed: u64) -> Result<Self, String> {
        let task = Task::remember(distractors);
        let held_out = task
            .batch(&mut SplitMix64::new(999), HELD_OUT)
            .map_err(|e| e.to_string())?;
        let mut lanes = Vec::new();
        for (kind, name) in [
            (CellKind::Lstm, "LSTM"),
            (CellKind::Gru, "GRU"),
            (CellKind::Rnn, "RNN"),
        ] {
            let init = InitConfig {
                seed: init_seed,
                forget_bias: Some(MEMORY_BIAS),
                ..Default::default()
            };
            let model = Model::for_task(kind, HIDDEN, &task, init).map_err(|e| e.to_string())?;
            let trainer = Trainer::new(model, task, TrainConfig { seed: 100, ..cfg })
                .map_err(|e| e.to_string())?;
            lanes.push(Lane {
                kind,
                name,
                trainer,
                losses: Vec::new(),
                accuracy: None,
                flow: None,
                dl_dh: None,
            });
        }
        let probe = task
            .sample(&mut SplitMix64::new(4242))
            .map_err(|e| e.to_string())?;
        let mut run = Self {
            task,
            lanes,
            held_out,
            probe,
        };
        run.evaluate()?;
        Ok(run)
    }

    /// One training step for every model.
    pub fn step(&mut self) -> Result<(), String> {
        for lane in &mut self.lanes {
            let report = lane
                .trainer
                .step()
                .map_err(|e| format!("{}: {e}", lane.name))?;
            lane.losses.push(report.loss);
        }
        Ok(())
    }

    /// Scores every model on the held-out set and measures its gradient flow on the probe
    /// sequence (‖∂h_T/∂x_t‖: how much the final state, where the answer is read, still
    /// depends on each input).
    pub fn evaluate(&mut self) -> Result<(), String> {
        for lane in &mut self.lanes {
            let e = lane
                .trainer
                .eval(&self.held_out)
                .map_err(|e| format!("{}: {e}", lane.name))?;
            lane.accuracy = e.accuracy;
            let cell = lane.trainer.model().cell();
            let trace = forward(cell, self.probe.inputs(), &InitialState::default())
                .map_err(|e| e.to_string())?;
            lane.flow = gradient_flow(cell, &trace).ok();
            lane.dl_dh = lane
                .trainer
                .model()
                .grads(&self.probe, self.task.loss())
                .ok()
                .map(|g| g.cell.dh_norms().to_vec());
        }
        Ok(())
    }

    /// A fresh sequence from the task (seeded), to watch a trained model on.
    pub fn sample(&self, seed: u64) -> Result<Sample, String> {
        self.task
            .sample(&mut SplitMix64::new(seed))
            .map_err(|e| e.to_string())
    }

    /// Steps taken (the same for every model).
    pub fn steps(&self) -> usize {
        self.lanes.first().map_or(0, |l| l.losses.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_every_model_and_scores_them() {
        let mut run = TrainingRun::remember(3, TrainConfig::default(), 0).unwrap();
        assert_eq!(run.lanes.len(), 3);
        assert!(run.lanes.iter().all(|l| l.accuracy.is_some()));
        assert!(run.lanes.iter().all(|l| l
            .flow
            .as_ref()
            .is_some_and(|f| f.input.len() == run.task.steps())));
        for _ in 0..3 {
            run.step().unwrap();
        }
        assert_eq!(run.steps(), 3);
        assert!(run
            .lanes
            .iter()
            .all(|l| l.losses.len() == 3 && l.losses.iter().all(|v| v.is_finite())));
        let bad = TrainConfig {
            learning_rate: f32::NAN,
            ..TrainConfig::default()
        };
        assert!(TrainingRun::remember(3, bad, 0).is_err());
    }

    #[test]
    fn reset_starts_from_the_same_weights_unless_asked_for_new_ones() {
        let weights = |seed| {
            let run = TrainingRun::remember(3, TrainConfig::default(), seed).unwrap();
            run.lanes
                .iter()
                .map(|l| l.trainer.model().to_flat())
                .collect::<Vec<_>>()
        };
        assert_eq!(weights(0), weights(0));
        let (a, b) = (weights(0), weights(1));
        assert!(a.iter().zip(&b).all(|(x, y)| x != y));
    }

    #[test]
    fn every_gated_model_starts_with_the_same_memory_gate_bias() {
        let run = TrainingRun::remember(3, TrainConfig::default(), 0).unwrap();
        for lane in &run.lanes {
            let cell = lane.trainer.model().cell();
            assert_eq!(cell.hidden_size(), HIDDEN);
            // Block 1: the LSTM's f, the GRU's z. The RNN has one block and no gate.
            let keep = cell.bias_ih().to_vec();
            match lane.kind {
                CellKind::Lstm | CellKind::Gru => assert!(
                    keep[HIDDEN..2 * HIDDEN].iter().all(|&b| b == MEMORY_BIAS),
                    "{}",
                    lane.name
                ),
                CellKind::Rnn => assert!(keep.iter().all(|&b| b.abs() < 1.0)),
            }
        }
    }
}
