//! What the model is (`state::model_facts`): format, cell, layers, directions, H, D and
//! parameter count, and for an opened file where in it the model was and which of its other
//! keys were left aside.

use leptos::{html, prelude::*};

use super::tree_view::TreeHost;
use super::SessionRead;
use crate::state::model_facts::model_facts;

/// The model's facts as a definition list.
#[component]
pub fn ModelInfo() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let el = NodeRef::<html::Div>::new();
    let host = TreeHost::new();
    // Patched in place: an open list of ignored keys stays open while the facts change.
    Effect::new(move |_| {
        let nodes = session.with(model_facts);
        if let Some(el) = el.get() {
            host.show(&el, nodes);
        }
    });
    view! { <div class="model-info" node_ref=el></div> }
}
