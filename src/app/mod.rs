//! Leptos components (wasm32 only).
