//! Text mode (issue 12): the seed article's pipeline end to end. Characters → embedding →
//! the cell the rest of the page shows → readout → next character. A model is trained here
//! on a corpus; the text it reads becomes the session's input (one embedding row per
//! character), so every view (heatmaps, tables, explainer, diagram) works on it, with the
//! characters on the time axis.

use std::sync::Arc;

use leptos::prelude::*;

use super::chunk::{chunk_view, on_demand};
use super::hooks::use_animation_frames;
use super::text_mode_state::text_frame;
pub use super::text_mode_state::{Start, TextMode};
use super::{SessionRead, SessionWrite};
use crate::state::Session;

/// The characters to put on the time axis of a trace of `steps` steps, if the session shows
/// text mode's model on its text. `tm`: the context, taken when the caller was created.
pub fn step_labels(
    tm: Option<TextMode>,
    session: ReadSignal<Session>,
    steps: usize,
) -> Option<Arc<Vec<String>>> {
    let tm = tm?;
    // `try_`: table writes may run deferred, after the app is gone.
    let id = session.try_with(Session::model_id)?;
    tm.shown
        .try_with(|s| {
            s.as_ref()
                .filter(|(of, labels)| *of == id && labels.len() == steps)
                .map(|(_, labels)| labels.clone())
        })
        .flatten()
}

/// Provides [`TextMode`] and runs its training loop.
pub fn provide_text_mode() -> TextMode {
    let tm = TextMode::new();
    provide_context(tm);
    let SessionWrite(set_session) = expect_context();
    let unit = expect_context::<super::Explained>().unit;
    let last_push = StoredValue::new(0.0f64);
    let active = Signal::derive(move || tm.running.get());
    // A frame's training goes through text mode's chunk, where the lab lives. The call is
    // async (the first one waits for the chunk's loader), so it runs as a microtask, still
    // in this frame; a frame whose predecessor's call has not returned trains nothing.
    let busy = StoredValue::new(false);
    use_animation_frames(active, move |_| {
        if busy.try_get_value() != Some(false) {
            return;
        }
        busy.set_value(true);
        leptos::task::spawn_local(async move {
            let _ = text_frame(tm, set_session, unit, last_push).await;
            busy.try_set_value(false);
        });
    });
    tm
}

/// The text-mode section: the article's flowchart, training, the reader and the embedding.
#[component]
pub fn TextModePanel() -> impl IntoView {
    let tm = expect_context::<TextMode>();
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let open = Memo::new(move |_| tm.lab.with(Option::is_some));
    // Whether the views above show this model (the model panel may have replaced it).
    let on_show = Memo::new(move |_| {
        let id = session.with(Session::model_id);
        tm.shown
            .with(|s| s.as_ref().is_some_and(|(of, _)| *of == id))
    });
    Effect::new(move |_| {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = root
                .class_list()
                .toggle_with_force("text-on", open.get() && on_show.get());
        }
    });
    let start = move |_| tm.begin(Start::Open, set_session);
    let close = move |_| {
        tm.running.set(false);
        tm.lab.set(None);
        tm.shown.set(None);
        set_session.update(Session::use_seed_example);
    };
    view! {
        <section class="text-mode" aria-label="Text mode">
            <div class="text-head">
                <h2>"Text mode: characters in, next character out"</h2>
                {move || if open.get() {
                    view! { <button type="button" on:click=close>"Back to numbers"</button> }.into_any()
                } else {
                    view! { <button type="button" class="text-open" on:click=start>"Open text mode"</button> }.into_any()
                }}
            </div>
            {move || (!open.get()).then(|| view! {
                <p class="text-intro">
                    "Train a character model in this page, type a sentence, and watch it read: every gate of
                     every character, which unit tracks quotes or brackets, and what it expects next."
                </p>
            })}
            {move || tm.message.get().map(|m| view! { <p class="text-error" role="alert">{m}</p> })}
            {move || open.get().then(|| on_demand("text mode", text_mode_preload, move || text_mode_body(on_show)))}
        </section>
    }
}

chunk_view!(
    text_mode,
    text_mode_preload,
    fn text_mode_body(on_show: Memo<bool>) {
        let tm = expect_context::<TextMode>();
        let SessionWrite(set_session) = expect_context();
        view! {
            <super::text_flowchart::TextFlowchart />
            {move || (!on_show.get()).then(|| view! {
                <p class="text-note" role="status">
                    "The views show another model now. "
                    <button type="button" on:click=move |_| tm.push(set_session, true)>"Show the text model again"</button>
                </p>
            })}
            <super::text_training::TextTraining />
            <super::text_reader::TextReader />
            <super::embedding_view::EmbeddingView />
            <super::text_compare::TextCompareView />
        }
    }
);
