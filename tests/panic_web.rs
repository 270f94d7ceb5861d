//! If a panic happens anyway, the page says so (issue 7). The panic is triggered through a
//! test-only path: a closure that panics, called from JavaScript, as an event handler would
//! be. wasm32 aborts on panic, so this file holds this one test and nothing after it.
#![cfg(target_arch = "wasm32")]

use gatescope::app::{install_panic_hook, BANNER_ID};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_panic_shows_the_internal_error_banner() {
    let document = web_sys::window().unwrap().document().unwrap();
    let body = document.body().unwrap();
    let app = document.create_element("main").unwrap();
    body.append_child(&app).unwrap();
    install_panic_hook();
    let boom = Closure::<dyn Fn()>::new(|| panic!("test-only panic <b>not markup</b>"));
    let f: &js_sys::Function = boom.as_ref().unchecked_ref();
    assert!(
        f.call0(&wasm_bindgen::JsValue::NULL).is_err(),
        "the panic traps"
    );

    let banner = document.get_element_by_id(BANNER_ID).expect("banner shown");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap();
    assert!(text.contains("gatescope hit an internal error"), "{text}");
    assert!(text.contains("test-only panic <b>not markup</b>"), "{text}");
    assert!(
        banner.query_selector("b").unwrap().is_none(),
        "message is text, not HTML"
    );
    let reload = banner.query_selector("a.button").unwrap().expect("Reload");
    assert_eq!(reload.text_content().as_deref(), Some("Reload"));
    assert!(reload.get_attribute("href").is_some());
    assert!(
        app.has_attribute("inert"),
        "the dead app no longer takes clicks"
    );
}
