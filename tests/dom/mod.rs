//! Helpers shared by the browser test files (`mod dom;`): mount the app into a fresh
//! element, query it, fire events, and let effects and deferred work run.
#![allow(dead_code)] // each test file uses a different subset

use gatescope::app::App;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// An app mounted into its own element. Dropping it unmounts the app (removing its window
/// listeners, so tests don't see each other's apps) and removes the element.
pub struct Mounted {
    root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl std::ops::Deref for Mounted {
    type Target = HtmlElement;
    fn deref(&self) -> &HtmlElement {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Mounts the whole app into a fresh element appended to the body.
pub fn mount_app() -> Mounted {
    // Every test opens the app's plain address: an earlier test's app wrote its state into
    // the address's fragment (the link), which a new app would read.
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_default();
        if let Ok(h) = w.history() {
            h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
                .unwrap();
        }
    }
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = mount_to(root.clone(), App);
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

/// Every element under `root` matching `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|k| list.item(k).unwrap().unchecked_into())
        .collect()
}

/// The first element under `root` matching `selector`, as `T`; panics if there is none.
pub fn one<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into()
}

/// Opens every closed value-table disclosure under `root`, as a user clicking each "Values"
/// summary would, then settles. Tables are built only while open, and stay open (remembered
/// by caption) when their panels are rebuilt.
pub async fn open_tables(root: &Element) {
    for summary in all(root, "details.value-table:not([open]) > summary") {
        summary.unchecked_into::<HtmlElement>().click();
    }
    settle().await;
}

/// The value table whose caption starts with `label` (e.g. "Hidden state h"), after opening
/// the closed tables.
pub async fn table_for(root: &Element, label: &str) -> Element {
    open_tables(root).await;
    all(root, "table")
        .into_iter()
        .find(|t| {
            t.query_selector("caption")
                .unwrap()
                .and_then(|c| c.text_content())
                .is_some_and(|c| c.starts_with(label))
        })
        .unwrap_or_else(|| panic!("no table captioned {label}"))
}

/// Dispatches a bubbling event of `kind` (e.g. "input", "change") at `target`.
pub fn fire(target: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// Lets effects run (a change can pass through chained memos and other components' effects,
/// each scheduled separately), then the next animation frame and the zero-delay timeouts
/// after it that write the value tables, then effects again.
pub async fn settle() {
    tick().await;
    tick().await;
    next_frame().await;
    sleep_ms(0).await;
    tick().await;
}

/// Loads the panels whose code comes on demand (the training panel), as a user pressing
/// their "Load it now" buttons would, then settles. Returns how many there were.
pub async fn load_on_demand(root: &Element) -> usize {
    let buttons: Vec<HtmlElement> = all(root, ".chunk-slot button")
        .into_iter()
        .map(JsCast::unchecked_into)
        .collect();
    for b in &buttons {
        b.click();
    }
    settle().await;
    buttons.len()
}

/// Waits for the next animation frame.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits `ms` milliseconds of browser time.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}
