//! The "Teach" menu: hide any part of the page, and presenter mode. The state is plain data
//! (`state::teach`), kept in the link, and shown as attributes on the document's root element
//! that the stylesheet reads (`data-hide`, the `presenter` class).

use leptos::prelude::*;

use crate::state::teach::{Teach, PARTS};

/// The teacher's settings, shared with the link writer.
#[derive(Clone, Copy)]
pub struct TeachState(pub RwSignal<Teach>);

/// Keeps the root element's `data-hide` and `presenter` class in step with the settings.
pub fn use_teach_root() {
    let TeachState(teach) = expect_context();
    Effect::new(move |_| {
        let (hide, presenter) = teach.with(|t| (t.data_hide(), t.presenter));
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let _ = root.set_attribute("data-hide", &hide);
        let _ = root.class_list().toggle_with_force("presenter", presenter);
    });
}

/// The charts' line and type weights, heavier in presenter mode.
pub fn use_ink() -> Memo<crate::viz::charts::Ink> {
    let teach = use_context::<TeachState>();
    Memo::new(move |_| {
        crate::viz::charts::Ink::of(teach.is_some_and(|TeachState(t)| t.with(|t| t.presenter)))
    })
}

/// A disclosure with one checkbox per part of the page and "Presenter mode".
#[component]
pub fn TeachMenu() -> impl IntoView {
    let TeachState(teach) = expect_context();
    let boxes = PARTS
        .iter()
        .map(|&(key, label)| {
            view! {
                <label>
                    <input
                        type="checkbox"
                        prop:checked=move || teach.with(|t| t.is_hidden(key))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            teach.update(|t| t.set_hidden(key, on));
                        }
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="teach-menu">
            <summary>"Teach"</summary>
            <div class="teach-body">
                <label class="presenter-switch">
                    <input
                        type="checkbox"
                        prop:checked=move || teach.with(|t| t.presenter)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            teach.update(|t| t.presenter = on);
                        }
                    />
                    "Presenter mode"
                </label>
                <p class="teach-help">"Large type and no help texts, for the back of a room. Hidden parts stay hidden in the link."</p>
                {boxes}
            </div>
        </details>
    }
}
