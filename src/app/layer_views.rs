//! The views of a stacked, bidirectional or reversed model: every layer's h side by side
//! ([`LayersOverview`]) and the switcher of the layer the heatmaps show ([`LayerSwitcher`]).
//! Most models have one layer and show neither, so their code is a chunk that downloads only
//! when such a model is opened (issue 8: a smaller first visit).

use leptos::prelude::*;

use super::chunk::{chunk_view, on_demand};
use super::layer_switcher::LayerSwitcher;
use super::layers_overview::LayersOverview;
use super::SessionRead;

/// The overview and the switcher, while the session's model has more than one
/// layer-direction; nothing otherwise.
#[component]
pub fn LayerViews() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let stacked = Memo::new(move |_| session.with(|s| s.layers().is_some()));
    move || {
        stacked
            .get()
            .then(|| on_demand("the layer views", layers_preload, layers_body))
    }
}

chunk_view!(
    layers,
    layers_preload,
    fn layers_body() {
        view! {
            <LayersOverview />
            <LayerSwitcher />
        }
    }
);
