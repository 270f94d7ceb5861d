//! Per-step editing of the input (placeholder: being written).

use leptos::prelude::*;

/// Editable per-step cells and presets.
#[component]
pub fn SequenceEditor() -> impl IntoView {
    view! { <div class="sequence-editor"></div> }
}
