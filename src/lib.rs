//! gatescope: a real LSTM (and GRU, RNN) running in the browser, every gate visible at every
//! timestep.
//!
//! Dependencies point one way: [`model`] (pure Rust + ndarray) ← [`viz`] (drawing as pure
//! functions of data) ← `app` (Leptos components, wasm32 only). Nothing in `model` or `viz`
//! knows about the browser, so both are tested natively.

pub mod model;
pub mod viz;

#[cfg(target_arch = "wasm32")]
pub mod app;
