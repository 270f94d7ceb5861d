//! "Open model…" (a file picker, or a file dropped anywhere on the page) and "Save model"
//! (PyTorch-named JSON and safetensors). Files are read in the browser only; nothing is
//! uploaded. A bad file gets its message here and the last model stays.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::hooks::use_file_drop;
use super::{SessionRead, SessionWrite};
use crate::state::Session;
use gatescope_formats::{self as formats, Format, LoadOptions};

/// What the last open or save did.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Reading(String),
    /// Opened, with the session's notice about the input, if any.
    Opened(String, Option<String>),
    Failed(String),
}

/// Reads `file` and shows its model, or says why not.
fn open(file: web_sys::File, set_session: WriteSignal<Session>, status: RwSignal<Status>) {
    let name = file.name();
    if Format::from_file_name(&name).is_none() {
        status.set(Status::Failed(format!(
            "{name}: gatescope opens .json, .safetensors and .onnx model files."
        )));
        return;
    }
    // Checked before reading, so a huge file never fills the page's memory.
    let size = file.size();
    if size > formats::MAX_FILE_BYTES as f64 {
        status.set(Status::Failed(format!(
            "{name}: {:.0} MB is more than the {} MB a model file may have.",
            size / 1048576.0,
            formats::MAX_FILE_BYTES >> 20
        )));
        return;
    }
    status.set(Status::Reading(name.clone()));
    spawn_local(async move {
        let bytes = match JsFuture::from(file.array_buffer()).await {
            Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
            Err(_) => {
                status.try_set(Status::Failed(format!(
                    "{name}: the browser could not read it."
                )));
                return;
            }
        };
        let result = match formats::load(&name, &bytes, &LoadOptions::default()) {
            Ok(model) => {
                let mut notice = None;
                let mut error = None;
                set_session.try_update(|s| {
                    notice = s.load_file(&name, model);
                    error = s.model_error().map(str::to_string);
                });
                match error {
                    Some(e) => Status::Failed(e),
                    None => Status::Opened(name, notice),
                }
            }
            Err(e) => Status::Failed(format!("{name}: {e}")),
        };
        status.try_set(result);
    });
}

/// A file name for the saved model: the model's name without what file systems refuse.
fn file_stem(name: &str) -> String {
    let stem = name
        .rsplit_once('.')
        .filter(|(_, ext)| Format::from_file_name(&format!("x.{ext}")).is_some())
        .map_or(name, |(stem, _)| stem);
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.trim_matches('-').is_empty() {
        "gatescope-model".to_string()
    } else {
        clean
    }
}

/// Offers `bytes` as a download named `name`.
fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Open and save buttons, the drop hint, and the last open's or save's message.
#[component]
pub fn OpenModel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let status = RwSignal::new(Status::Idle);
    let dragging = use_file_drop(move |file| open(file, set_session, status));
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open(file, set_session, status);
        }
        // The same file picked again (after fixing it) must fire a change again.
        input.set_value("");
    };
    let save = move |format: Format| {
        let (stack, name) = session.with_untracked(|s| (s.stack(), file_stem(&s.model_name())));
        let written = match format {
            Format::Safetensors => {
                formats::state_dict::to_safetensors(&stack).map(|b| (b, "application/octet-stream"))
            }
            _ => formats::state_dict::to_json(&stack).map(|t| (t.into_bytes(), "application/json")),
        };
        let ext = if format == Format::Safetensors {
            "safetensors"
        } else {
            "json"
        };
        let file = format!("{name}.{ext}");
        status.set(match written {
            Ok((bytes, mime)) => match download(&file, &bytes, mime) {
                Ok(()) => Status::Opened(file.clone(), Some(format!("Saved {file}."))),
                Err(_) => Status::Failed(format!("{file}: the browser refused the download.")),
            },
            Err(e) => Status::Failed(format!("Cannot save this model: {e}")),
        });
    };
    let message = move || match status.get() {
        Status::Idle => None,
        Status::Reading(name) => {
            Some(view! { <p class="om-note">"Reading " {name} "…"</p> }.into_any())
        }
        Status::Opened(name, notice) => Some(
            view! {
                <p class="om-note">
                    {notice.unwrap_or_else(|| format!("Opened {name}."))}
                </p>
            }
            .into_any(),
        ),
        Status::Failed(e) => Some(view! { <p class="om-error" role="alert">{e}</p> }.into_any()),
    };
    view! {
        <div class="open-model">
            <div class="om-row">
                <label class="om-open" title="A PyTorch state_dict (.json or .safetensors) or an ONNX model with LSTM, GRU or RNN nodes. It is read in this page; nothing is uploaded.">
                    "Open model…"
                    <input
                        id="open-model"
                        type="file"
                        accept=".json,.safetensors,.onnx"
                        on:change=on_pick
                    />
                </label>
                <button type="button" id="save-json" title="PyTorch state_dict names, as JSON" on:click=move |_| save(Format::Json)>
                    "Save JSON"
                </button>
                <button type="button" id="save-safetensors" title="PyTorch state_dict names; load with safetensors.torch.load_file and load_state_dict" on:click=move |_| save(Format::Safetensors)>
                    "Save safetensors"
                </button>
            </div>
            <div class="om-status" aria-live="polite">{message}</div>
            <Show when=move || dragging.get()>
                <div class="drop-hint" aria-hidden="true">"Drop a model file to open it"</div>
            </Show>
        </div>
    }
}
