//! gatescope: a real LSTM (and GRU, RNN) running in the browser, every gate visible at every
//! timestep.
//!
//! Dependencies point one way: [`model`] (pure Rust + ndarray) ← [`state`] (the app's state
//! as plain types) and [`viz`] (drawing as pure functions of data) ← `app` (Leptos
//! components, wasm32 only). Nothing but `app` knows about the browser, so the rest is
//! tested natively.

/// The recurrent core, its own crate ([`gatescope_core`]) so that it is built at opt-level 3
/// in the app; re-exported here under its old path.
pub use gatescope_core as model;
pub mod state;
pub mod viz;

#[cfg(target_arch = "wasm32")]
pub mod app;
