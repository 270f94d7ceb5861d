//! The model settings (placeholder: being written).

use leptos::prelude::*;

/// Hidden size, input size, seed, init scale, forget bias, and the seed example.
#[component]
pub fn ModelPanel() -> impl IntoView {
    view! { <section class="model-panel" aria-label="Model"></section> }
}
