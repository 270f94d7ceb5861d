//! `gatescope-formats-worker`: the page's model-file reader, a Web Worker loaded on the first
//! "Open model…" or "Save". It holds the parsers (JSON, safetensors, ONNX) and the writers,
//! so the app's own wasm does not: the first visit downloads none of them.
//!
//! Messages (JS arrays): in `[id, op, name, bytes]` with `op` one of `"load"` (bytes: a model
//! file named `name`), `"json"` or `"safetensors"` (bytes: a model message of
//! `gatescope_formats::wire`), `"pack"` (bytes: a model message; out: the link text of its
//! weights, `gatescope_formats::link`), `"unpack"` (bytes: that text; out: the model
//! message) or `"trace-json"` / `"trace-csv"` (bytes: a run message, `wire::encode_run`; out:
//! the trace exactly as `gatescope-trace` prints it), `"char-load"` (bytes: a character-model
//! file; out: its `wire::encode_char` message) or `"char-json"` / `"char-safetensors"`
//! (bytes: that message; out: the file); out `[id, true, bytes]` (a model message, or the written file) or
//! `[id, false, message]`. `["ready"]` is posted once, when messages can be sent.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gatescope_formats::{link, load, load_char, state_dict, trace_out, wire, LoadOptions};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let msg = js_sys::Array::from(&ev.data());
        let id = msg.get(0);
        let op = msg.get(1).as_string().unwrap_or_default();
        let name = msg.get(2).as_string().unwrap_or_default();
        let bytes = js_sys::Uint8Array::new(&msg.get(3)).to_vec();
        let result = match op.as_str() {
            "load" => load(&name, &bytes, &LoadOptions::default()).map(|f| wire::encode(&f)),
            "json" => wire::decode(&bytes)
                .and_then(|f| state_dict::to_json(&f.stack))
                .map(String::into_bytes),
            "safetensors" => {
                wire::decode(&bytes).and_then(|f| state_dict::to_safetensors(&f.stack))
            }
            "pack" => link::pack(&bytes).map(String::into_bytes),
            "trace-json" | "trace-csv" => wire::decode_run(&bytes).and_then(|run| {
                let stack = &run.file.stack;
                let trace = trace_out::forward(
                    &name,
                    stack,
                    run.x.view(),
                    &run.file.init,
                    &run.interventions,
                )
                .map_err(gatescope_formats::FormatError::Invalid)?;
                let mut out = Vec::new();
                let written = if op == "trace-json" {
                    trace_out::write_json(&mut out, &trace, stack.is_bidirectional(), None)
                } else {
                    trace_out::write_csv(&mut out, &trace, stack.is_bidirectional())
                };
                written
                    .map(|()| out)
                    .map_err(|e| gatescope_formats::FormatError::Invalid(e.to_string()))
            }),
            "unpack" => link::unpack(&String::from_utf8_lossy(&bytes)),
            "char-load" => load_char(&name, &bytes, &LoadOptions::default())
                .map(|f| wire::encode_char(&f.model)),
            "char-json" => wire::decode_char(&bytes)
                .and_then(|m| state_dict::char_to_json(&m))
                .map(String::into_bytes),
            "char-safetensors" => {
                wire::decode_char(&bytes).and_then(|m| state_dict::char_to_safetensors(&m))
            }
            other => Err(gatescope_formats::FormatError::Invalid(format!(
                "unknown request {other:?}"
            ))),
        };
        let (ok, payload): (bool, JsValue) = match result {
            Ok(out) => (true, js_sys::Uint8Array::from(&out[..]).into()),
            Err(e) => (false, JsValue::from_str(&e.to_string())),
        };
        let out = js_sys::Array::of3(&id, &JsValue::from_bool(ok), &payload);
        let _ = reply_to.post_message(&out);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    let _ = scope.post_message(&js_sys::Array::of1(&JsValue::from_str("ready")));
}

/// Natively there is no worker; the readers are used directly (see the CLI).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
