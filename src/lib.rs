//! gatescope: a real LSTM (and GRU, RNN) running in the browser, every gate visible at every
//! timestep.
//!
//! Dependencies point one way: [`model`] (pure Rust + ndarray) ← [`state`] (the app's state
//! as plain types) and [`viz`] (drawing as pure functions of data) ← `app` (Leptos
//! components, wasm32 only). Nothing but `app` knows about the browser, so the rest is
//! tested natively.

pub mod model;
pub mod state;
pub mod viz;

#[cfg(target_arch = "wasm32")]
pub mod app;
