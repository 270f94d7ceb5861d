//! The app's state as plain types (no Leptos): the session (model, input, trace), presets
//! and playback. Components keep these in signals and call their methods; the rules are
//! tested natively.

pub mod compare;
pub mod editor;
pub mod editor_cells;
pub mod gradient_flow;
pub mod intervention_form;
pub mod intervention_spec;
pub mod layers;
pub mod lessons;
pub mod link;
pub mod model_facts;
pub mod model_form;
pub mod model_panel_view;
pub mod playback;
pub mod presets;
pub mod selection;
pub mod session;
pub mod teach;
pub mod teaching;
pub mod text_compare;
pub mod text_lab;
pub mod text_link;
pub mod training;
pub mod transport_view;
pub mod view_options;

pub use layers::Layers;
pub use playback::Playback;
pub use presets::{format_sequence, Preset};
pub use session::{
    FileInfo, ModelConfig, ModelSource, Session, SharedTrace, APP_MAX_HIDDEN, APP_MAX_INPUT,
    APP_MAX_STEPS,
};
