//! The page's side of the model-file worker (`src/bin/formats-worker.rs`): started on the
//! first request, it reads model files and writes saved ones, so the parsers never load with
//! the app. Requests wait for the worker's "ready" before they are posted (a message sent
//! earlier would find no handler), and a worker that fails rejects every waiting request
//! and is started afresh next time.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// Trunk's loader for the worker (workers keep their names unhashed).
const URL: &str = "./gatescope-formats-worker_loader.js";

struct Client {
    worker: Worker,
    ready: bool,
    queue: Vec<js_sys::Array>,
    pending: HashMap<u32, (js_sys::Function, js_sys::Function)>,
    next: u32,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn start() -> Result<Client, JsValue> {
    let worker = Worker::new(URL)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        let msg = js_sys::Array::from(&ev.data());
        if msg.get(0).as_string().as_deref() == Some("ready") {
            CLIENT.with(|c| {
                if let Some(c) = c.borrow_mut().as_mut() {
                    c.ready = true;
                    for m in c.queue.drain(..) {
                        let _ = c.worker.post_message(&m);
                    }
                }
            });
            return;
        }
        let id = msg.get(0).as_f64().unwrap_or(-1.0) as u32;
        let done = CLIENT.with(|c| c.borrow_mut().as_mut().and_then(|c| c.pending.remove(&id)));
        if let Some((resolve, reject)) = done {
            let f = if msg.get(1).as_bool() == Some(true) {
                resolve
            } else {
                reject
            };
            let _ = f.call1(&JsValue::NULL, &msg.get(2));
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        ev.prevent_default();
        // Dropped, so the next request starts a new worker.
        let client = CLIENT.with(|c| c.borrow_mut().take());
        if let Some(c) = client {
            c.worker.terminate();
            let why = JsValue::from_str("the model reader stopped unexpectedly; try again");
            for (_, (_, reject)) in c.pending {
                let _ = reject.call1(&JsValue::NULL, &why);
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        ready: false,
        queue: Vec::new(),
        pending: HashMap::new(),
        next: 0,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Sends `op` (`"load"`, `"json"`, `"safetensors"`) with `data` (an `ArrayBuffer` or a
/// `Uint8Array`) to the worker and returns its bytes, or its one-line message.
pub async fn request(op: &str, name: &str, data: &JsValue) -> Result<Vec<u8>, String> {
    let mut failed = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        CLIENT.with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                match start() {
                    Ok(client) => *c = Some(client),
                    Err(e) => {
                        failed = Some(format!("the model reader could not start: {e:?}"));
                        return;
                    }
                }
            }
            let Some(c) = c.as_mut() else { return };
            let id = c.next;
            c.next = c.next.wrapping_add(1);
            c.pending.insert(id, (resolve, reject));
            let msg = js_sys::Array::of4(&id.into(), &op.into(), &name.into(), data);
            if c.ready {
                let _ = c.worker.post_message(&msg);
            } else {
                c.queue.push(msg);
            }
        });
    });
    if let Some(e) = failed {
        return Err(e);
    }
    match JsFuture::from(promise).await {
        Ok(v) => Ok(js_sys::Uint8Array::new(&v).to_vec()),
        Err(e) => Err(e
            .as_string()
            .unwrap_or_else(|| "the model reader failed".to_string())),
    }
}
