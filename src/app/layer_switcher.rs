//! Which layer and direction of a stacked or bidirectional model the heatmaps show.

use leptos::prelude::*;

use super::{SessionRead, SessionWrite};

/// A row of toggle buttons, one per layer-direction ("Layer 1 →", "Layer 1 ←", …); absent
/// for a one-layer model.
#[component]
pub fn LayerSwitcher() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let labels = Memo::new(move |_| session.with(|s| s.layers().map(|l| l.labels())));
    let selected = Memo::new(move |_| session.with(|s| s.layers().map_or(0, |l| l.selected())));
    move || {
        labels.get().map(|labels| {
            let buttons = labels
                .into_iter()
                .enumerate()
                .map(|(k, label)| {
                    view! {
                        <button
                            type="button"
                            class="ls-button"
                            aria-pressed=move || (selected.get() == k).to_string()
                            on:click=move |_| set_session.update(|s| s.select_layer(k))
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div class="layer-switcher" role="group" aria-label="Layer shown in the heatmaps">
                    <span class="ls-title">"Showing"</span>
                    {buttons}
                </div>
            }
        })
    }
}
