//! The state in the address bar (`state::link`): read once at start, written back with
//! `history.replaceState` (no history entries) at most every [`WRITE_EVERY`] while anything
//! changes, and a "Copy link" button.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::formats_worker::request;
use super::{CurrentStep, Explained, SelectionRead, SessionRead};
use crate::state::link::{decode, encode, Link, Shown};
use crate::state::{ModelSource, Session};
use gatescope_formats::link::MAX_LINK_PARAMS;
use gatescope_formats::wire;

/// The link text of the current model's weights (`gatescope_formats::link`), packed by the
/// model-file worker, with the [`Session::model_id`] it belongs to.
#[derive(Clone, Copy)]
pub struct LinkWeights(pub RwSignal<Option<(u64, String)>>);

/// The longest the address may lag behind the state.
const WRITE_EVERY: Duration = Duration::from_millis(400);

/// The link's pairs, read with the platform's `URLSearchParams` from the address's
/// fragment (`#x=…&t=…`). The fragment never reaches the server, so a long input is not cut
/// by a host's limit on request lines (Node's is 16 KB), and `file://` keeps it too.
pub fn read_pairs() -> Vec<(String, String)> {
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(hash.trim_start_matches('#')) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&params.entries()) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out.push((k, v));
            }
        }
    }
    out
}

/// Reads the link at start: what it asks for, and the messages about its bad parts.
pub fn read_link() -> (crate::state::link::Link, Vec<String>) {
    decode(&read_pairs())
}

/// What the address is written from: the signals themselves (plain handles), so no closure
/// holds an `Owner` (one that did kept the app from ever being cleaned up: its effects hold
/// the closure, the closure held the owner).
#[derive(Clone, Copy)]
struct Sources {
    session: ReadSignal<Session>,
    current: Memo<usize>,
    selection: ReadSignal<Option<(usize, usize)>>,
    unit: RwSignal<usize>,
    weights: RwSignal<Option<(u64, String)>>,
    teach: RwSignal<crate::state::teach::Teach>,
    views: super::Views,
    text: Option<super::text_mode::TextMode>,
}

impl Sources {
    fn from_context() -> Self {
        let SessionRead(session) = expect_context();
        let CurrentStep(current) = expect_context();
        let SelectionRead(selection) = expect_context();
        let ex = expect_context::<Explained>();
        let LinkWeights(weights) = expect_context();
        let super::teach_menu::TeachState(teach) = expect_context();
        Self {
            session,
            current,
            selection,
            unit: ex.unit,
            weights,
            teach,
            views: expect_context(),
            text: use_context(),
        }
    }
}

/// Writes the current state into the address, now (nothing once the app is gone).
fn write_now(src: Sources) -> Option<()> {
    let shown = Shown {
        step: src.current.try_get_untracked()?,
        selection: src.selection.try_get_untracked()?,
        unit: src.unit.try_get_untracked()?,
        teach: src.teach.try_get_untracked()?,
        views: src.views.options_untracked()?,
        text: src.text.and_then(|tm| {
            let id = src.session.try_with_untracked(Session::model_id)?;
            tm.recipe_untracked(id)
        }),
    };
    let pairs = src.session.try_with_untracked(|s| {
        let id = s.model_id();
        src.weights.try_with_untracked(|w| {
            let w = w
                .as_ref()
                .filter(|(of, _)| *of == id)
                .map(|(_, text)| text.as_str());
            encode(s, w, &shown)
        })
    })??;
    let params = web_sys::UrlSearchParams::new().ok()?;
    for (k, v) in pairs {
        params.append(k, &v);
    }
    let window = web_sys::window()?;
    let location = window.location();
    let url = format!(
        "{}{}#{}",
        location.pathname().ok()?,
        location.search().ok()?,
        String::from(params.to_string())
    );
    window
        .history()
        .ok()?
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .ok()
}

/// Keeps the address in step with the state: every change (of the session, the step, the
/// selection, the explained unit) schedules one write, [`WRITE_EVERY`] later, of the state
/// as it is then. The state is read only when writing, so playback costs one write per
/// interval, not one per frame.
pub fn use_link_writer() {
    let src = Sources::from_context();
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        src.session.track();
        src.weights.track();
        src.teach.track();
        src.current.track();
        src.selection.track();
        src.unit.track();
        src.views.track();
        if let Some(tm) = src.text {
            tm.pushed.track();
            tm.target.track();
        }
        if pending.with_value(Option::is_some) {
            return;
        }
        let write = move || {
            pending.try_set_value(None);
            write_now(src);
        };
        if let Ok(h) = set_timeout_with_handle(write, WRITE_EVERY) {
            pending.set_value(Some(h));
        }
    });
    on_cleanup(move || {
        if let Some(Some(h)) = pending.try_update_value(Option::take) {
            h.clear();
        }
    });
}

/// "Copy link": writes the state into the address at once and copies it.
#[component]
pub fn CopyLink() -> impl IntoView {
    let src = Sources::from_context();
    let (status, set_status) = signal(None::<&'static str>);
    let copy = move |_| {
        write_now(src);
        let Some(window) = web_sys::window() else {
            return;
        };
        let href = window.location().href().unwrap_or_default();
        let promise = window.navigator().clipboard().write_text(&href);
        wasm_bindgen_futures::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(promise).await;
            set_status.try_set(Some(if done.is_ok() {
                "Link copied"
            } else {
                "Copying was refused: copy the address bar instead"
            }));
        });
    };
    view! {
        <span class="copy-link">
            <button on:click=copy>"Copy link"</button>
            <span role="status">{move || status.get()}</span>
        </span>
    }
}

/// Packs a trained or opened model's weights for the link (in the model-file worker, so the
/// compressor is not in the app's wasm), once per model. Models over
/// [`MAX_LINK_PARAMS`] are not packed: their link says the weights are not included.
pub fn use_weight_packer() {
    let SessionRead(session) = expect_context();
    let LinkWeights(weights) = expect_context();
    let model = Memo::new(move |_| session.with(|s| s.model_id()));
    Effect::new(move |_| {
        let id = model.get();
        let message = session.with_untracked(|s| {
            let carried = matches!(s.source(), ModelSource::Loaded(_) | ModelSource::File(_));
            let stack = s.stack();
            (carried && stack.num_params() <= MAX_LINK_PARAMS).then(|| wire::encode_stack(&stack))
        });
        let Some(message) = message else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = js_sys::Uint8Array::from(&message[..]);
            if let Ok(text) = request("pack", "", &bytes.into()).await {
                let text = String::from_utf8_lossy(&text).into_owned();
                weights.try_set(Some((id, text)));
            }
        });
    });
}

/// Loads a link's weights (unpacked by the worker) into the session, then the link's input
/// and interventions again; messages about what failed go to `notes`.
pub fn load_linked_weights(
    link: Link,
    session: WriteSignal<Session>,
    notes: WriteSignal<Vec<String>>,
) {
    let Some(text) = link.weights.clone() else {
        return;
    };
    let name = link
        .weights_name
        .clone()
        .unwrap_or_else(|| "Model from a link".to_string());
    wasm_bindgen_futures::spawn_local(async move {
        let bytes = js_sys::Uint8Array::from(text.as_bytes());
        let result = request("unpack", &name, &bytes.into())
            .await
            .and_then(|m| wire::decode(&m).map_err(|e| e.to_string()));
        match result {
            Ok(file) => {
                let mut more = Vec::new();
                session.try_update(|s| {
                    s.load_file(&name, file);
                    if let Some(e) = s.model_error() {
                        more.push(e.to_string());
                    }
                    more.extend(link.apply_input(s));
                });
                if !more.is_empty() {
                    notes.try_update(|n| n.extend(more));
                }
            }
            Err(e) => {
                notes.try_update(|n| n.push(format!("The link's weights cannot be used: {e}")));
            }
        }
    });
}
