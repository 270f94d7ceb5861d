//! "Open model…" (a file picker, or a file dropped anywhere on the page) and "Save model"
//! (PyTorch-named JSON and safetensors). Files are read in the browser only, by the
//! model-file worker ([`super::formats_worker`]); nothing is uploaded. A bad file gets its
//! message here and the last model stays.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::formats_worker;
use super::hooks::use_file_drop;
use super::text_mode::TextMode;
use super::{SessionRead, SessionWrite};
use crate::state::Session;
use gatescope_formats::{self as formats, wire, Format};

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
fn open(
    file: web_sys::File,
    set_session: WriteSignal<Session>,
    status: RwSignal<Status>,
    opened: StoredValue<u64>,
    text: Option<TextMode>,
) {
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
        let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
            status.try_set(Status::Failed(format!(
                "{name}: the browser could not read it."
            )));
            return;
        };
        // Parsed in the worker; what comes back is the model alone (formats::wire).
        let model = formats_worker::request("load", &name, &buffer)
            .await
            .and_then(|bytes| wire::decode(&bytes).map_err(|e| e.to_string()));
        // A character model (an embedding beside the cell) opens in text mode, with its
        // vocabulary; without a usable one, its cell is shown as a plain model, and why.
        let mut char_note = None;
        if let (Ok(m), Some(tm)) = (&model, text) {
            if m.has_embedding() {
                let char_model = formats_worker::request("char-load", &name, &buffer)
                    .await
                    .and_then(|bytes| wire::decode_char(&bytes).map_err(|e| e.to_string()));
                match char_model {
                    Ok(cm) => {
                        let how = super::text_mode::Start::File(cm, name.clone());
                        if tm.begin_async(how, set_session).await.is_err() {
                            status.try_set(Status::Failed(format!(
                                "{name} is a character model, and the code for text mode \
                                 could not be downloaded (is the connection down?)."
                            )));
                            return;
                        }
                        let id = tm
                            .shown
                            .try_with_untracked(|s| s.as_ref().map(|(id, _)| *id));
                        opened.try_set_value(id.flatten().unwrap_or(0));
                        status.try_set(Status::Opened(
                            name,
                            Some("A character model: it opened in text mode, above.".to_string()),
                        ));
                        return;
                    }
                    Err(e) => {
                        char_note = Some(format!(
                            "It has an embedding, but cannot open as a character model ({e}); \
                             its cell is shown with numbers."
                        ))
                    }
                }
            }
        }
        let result = match model {
            Ok(model) => {
                let mut notice = None;
                let mut error = None;
                set_session.try_update(|s| {
                    notice = s.load_file(&name, model);
                    error = s.model_error().map(str::to_string);
                    opened.try_set_value(s.model_id());
                });
                match error {
                    Some(e) => Status::Failed(e),
                    None => Status::Opened(name, char_note.or(notice)),
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
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    download_url(name, &url)?;
    web_sys::Url::revoke_object_url(&url)
}

/// Offers what `href` points at (an object or data URL) as a download named `name`.
pub fn download_url(name: &str, href: &str) -> Result<(), JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(href);
    a.set_download(name);
    a.click();
    Ok(())
}

/// A download name for a view of the model on show: its name, cell and step count, and
/// `what` (`"forget-gate-f"`, `"cell-diagram"`).
pub fn view_file_name(session: &Session, what: &str, ext: &str) -> String {
    format!(
        "{}-{}-{}-steps-{what}.{ext}",
        file_stem(&session.model_name()),
        session.params().kind().name(),
        session.x().nrows()
    )
}

/// Has the worker write `message` with `op` and offers the result as the download `file`;
/// `what` ("model", "trace") names it in a failure.
fn write_file(
    status: RwSignal<Status>,
    op: &'static str,
    file: String,
    message: Vec<u8>,
    mime: &'static str,
    what: &'static str,
) {
    status.set(Status::Reading(format!("{file} (writing)")));
    let message = js_sys::Uint8Array::from(&message[..]);
    spawn_local(async move {
        let result = match formats_worker::request(op, &file, &message).await {
            Ok(bytes) => match download(&file, &bytes, mime) {
                Ok(()) => Status::Opened(file.clone(), Some(format!("Saved {file}."))),
                Err(_) => Status::Failed(format!("{file}: the browser refused the download.")),
            },
            Err(e) => Status::Failed(format!("Cannot save this {what}: {e}")),
        };
        status.try_set(result);
    });
}

/// Open and save buttons, the drop hint, and the last open's or save's message.
#[component]
pub fn OpenModel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let status = RwSignal::new(Status::Idle);
    // A message is about the model shown when it was written: once another model is shown
    // (the cell switched, the seed example, a trained model), it lapses.
    let opened = StoredValue::new(0u64);
    let model_id = Memo::new(move |_| session.with(Session::model_id));
    Effect::new(move |prev: Option<u64>| {
        let id = model_id.get();
        if prev.is_some_and(|p| p != id) && opened.get_value() != id {
            status.set(Status::Idle);
        }
        id
    });
    let text = use_context::<TextMode>();
    let dragging = use_file_drop(move |file| open(file, set_session, status, opened, text));
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open(file, set_session, status, opened, text);
        }
        // The same file picked again (after fixing it) must fire a change again.
        input.set_value("");
    };
    let save = move |format: Format| {
        let (stack, name) = session.with_untracked(|s| (s.stack(), file_stem(&s.model_name())));
        let (op, ext, mime) = match format {
            Format::Safetensors => ("safetensors", "safetensors", "application/octet-stream"),
            _ => ("json", "json", "application/json"),
        };
        let file = format!("{name}.{ext}");
        let message = wire::encode_stack(&stack);
        write_file(status, op, file, message, mime, "model");
    };
    // The trace as `gatescope-trace` prints it for this model, input and interventions,
    // written by the worker with the CLI's own code.
    let save_trace = move |csv: bool| {
        let (model, x, ivs, name) = session.with_untracked(|s| {
            let file = gatescope_formats::ModelFile {
                stack: s.stack(),
                format: Format::Safetensors,
                source: String::new(),
                ignored: Vec::new(),
                init: s.initial_states(),
            };
            let x = s.x().to_owned();
            let name = format!(
                "{}-{}-{}-steps-trace",
                file_stem(&s.model_name()),
                s.params().kind().name(),
                x.nrows()
            );
            (wire::encode(&file), x, s.interventions().to_vec(), name)
        });
        let (op, ext, mime) = if csv {
            ("trace-csv", "csv", "text/csv")
        } else {
            ("trace-json", "json", "application/json")
        };
        let file = format!("{name}.{ext}");
        let message = wire::encode_run(&model, x.view(), &ivs);
        write_file(status, op, file, message, mime, "trace");
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
            <div class="om-row">
                <button type="button" id="save-trace-json" title="Every gate and state at every step, exactly as gatescope-trace prints it for this model and input" on:click=move |_| save_trace(false)>
                    "Save trace JSON"
                </button>
                <button type="button" id="save-trace-csv" title="One row per step and unit, exactly as gatescope-trace --format csv prints it" on:click=move |_| save_trace(true)>
                    "Save trace CSV"
                </button>
            </div>
            <div class="om-status" aria-live="polite">{message}</div>
            <Show when=move || dragging.get()>
                <div class="drop-hint" aria-hidden="true">"Drop a model file to open it"</div>
            </Show>
        </div>
    }
}
