//! gatescope's recurrent core: pure Rust and ndarray, no web dependency, tested natively.
//! The app re-exports it as `gatescope::model`.
//!
//! - [`params`]: weights in PyTorch's layout, seeded init, the seed's per-gate view.
//! - [`cell`]: one step (input projection, recurrent product on [`kernel`] panels, and the
//!   cell's nonlinearity from [`activation`]).
//! - [`forward`](mod@forward): the sequence loop, returning a [`Trace`] of every gate at every step.
//! - [`stack`]: stacked and bidirectional layers (PyTorch's `num_layers`, `bidirectional`).
//! - [`backward`](mod@backward): backpropagation through time from a [`Trace`], returning [`Grads`].
//! - [`train`]: a readout, losses, mini-batch training with SGD / Adam ([`optim`]) on the
//!   seeded toy [`tasks`].
//! - [`text`]: a character-level model (embedding → cells → readout → softmax), its
//!   training, sampling and probes.
//! - [`parse`] / [`io`]: sequence text and model / input files, with precise errors.

pub mod activation;
pub mod backward;
pub mod cell;
pub mod error;
pub mod examples;
pub mod explain;
pub mod forward;
pub mod intervene;
pub mod io;
pub mod kernel;
pub mod optim;
pub mod params;
pub mod parse;
pub mod rng;
pub mod stack;
pub mod tasks;
pub mod text;
pub mod trace;
pub mod train;
pub mod trainer;

pub use backward::{backward, mse_loss, Grads};
pub use cell::{sigmoid, Cell, State};
pub use error::{ModelError, Result};
pub use forward::{forward, forward_directed, ForwardRun, InitialState, MAX_TRACE_ENTRIES};
pub use intervene::{Intervention, Interventions};
pub use optim::{AdamConfig, Optimizer, SgdConfig};
pub use params::{
    CellKind, ClassicView, InitConfig, Params, MAX_HIDDEN, MAX_INPUT, MAX_LAYER_INPUT, MAX_STEPS,
};
pub use parse::{parse_sequence, parse_sequence_limited, parse_vector, ParseError};
pub use stack::{
    forward_stack, forward_stack_after, layer_name, Direction, Stack, StackTrace, MAX_LAYERS,
};
pub use tasks::{Loss, Sample, Task};
pub use text::{CharModel, CharModelConfig, CharRun, Prediction, TextError, Vocab};
pub use trace::{Range, Series, Trace};
pub use train::{readout_loss, EvalReport, LossGrad, Model, SampleGrads};
pub use trainer::{StepReport, TrainConfig, TrainError, Trainer};
