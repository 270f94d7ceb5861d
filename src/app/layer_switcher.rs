//! Which layer and direction of a stacked or bidirectional model the heatmaps show.

use leptos::prelude::*;

use super::{SessionRead, SessionWrite};
use crate::model::Direction;

/// A row of toggle buttons, one per layer-direction ("Layer 1 →", "Layer 1 ←", …); absent
/// for a one-layer model.
#[component]
pub fn LayerSwitcher() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let labels = Memo::new(move |_| session.with(|s| s.layers().map(|l| l.labels())));
    let selected = Memo::new(move |_| session.with(|s| s.layers().map_or(0, |l| l.selected())));
    // What the shown layer-direction reads, for people who expect every layer to read x.
    let note = Memo::new(move |_| {
        session.with(|s| {
            let l = s.layers()?;
            let stack = l.stack();
            let (layer, dir) = stack.position(l.selected());
            let mut parts = Vec::new();
            if layer > 0 {
                let both = if stack.is_bidirectional() {
                    " (both directions)"
                } else {
                    ""
                };
                parts.push(format!(
                    "Layer {} reads layer {layer}'s h{both}, {} values per step, as its input x_t.",
                    layer + 1,
                    stack.output_size()
                ));
            }
            if dir == Direction::Reverse {
                parts.push(
                    "This direction reads the sequence backwards, from the last step to the \
                     first: column t is its state after reading x_t, so it has seen x_t to the end."
                        .to_string(),
                );
            }
            (!parts.is_empty()).then(|| parts.join(" "))
        })
    });
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
                    {move || note.get().map(|n| view! { <p class="ls-note">{n}</p> })}
                </div>
            }
        })
    }
}
