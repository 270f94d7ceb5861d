//! The last line of defence: if the app ever panics, say so on the page.
//!
//! The release build aborts on panic, so after one the app no longer responds while the page
//! still looks alive. The hook puts a banner over it with the message and a way to reload,
//! and makes the dead controls inert. It builds the banner with plain DOM calls: the reactive
//! system may be the thing that broke. Text goes in through `textContent`, never as HTML.

use wasm_bindgen::JsCast;

/// The banner's element id.
pub const BANNER_ID: &str = "internal-error";

/// Installs the panic hook: the console message (as before) and the banner.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_internal_error(&info.to_string());
    }));
}

/// Shows the "internal error" banner with `message` (the first one wins if several come).
pub fn show_internal_error(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), None) = (doc.body(), doc.get_element_by_id(BANNER_ID)) else {
        return;
    };
    let _ = build(&doc, &body, message);
}

fn build(doc: &web_sys::Document, body: &web_sys::HtmlElement, message: &str) -> Option<()> {
    let children = body.children();
    for k in 0..children.length() {
        if let Some(el) = children.item(k) {
            let _ = el.set_attribute("inert", "");
        }
    }
    let banner = doc.create_element("div").ok()?;
    banner.set_id(BANNER_ID);
    banner.set_class_name("internal-error");
    banner.set_attribute("role", "alert").ok()?;
    let title = doc.create_element("strong").ok()?;
    title.set_text_content(Some("gatescope hit an internal error"));
    let text = doc.create_element("p").ok()?;
    text.set_text_content(Some(
        "The app stopped working and will not respond until the page is reloaded. \
         Your input is not lost if you copied it; please report this message:",
    ));
    let detail = doc.create_element("pre").ok()?;
    let short: String = message.chars().take(600).collect();
    detail.set_text_content(Some(&short));
    // A link to this very page, not a script: after an abort the wasm instance may not run
    // callbacks any more, and the page's CSP allows no inline handlers.
    let reload = doc.create_element("a").ok()?;
    reload.set_class_name("button");
    reload.set_text_content(Some("Reload"));
    let href = doc
        .location()
        .and_then(|l| l.href().ok())
        .unwrap_or_default();
    let href = href.split('#').next().unwrap_or_default().to_string();
    reload.set_attribute("href", &href).ok()?;
    for child in [&title, &text, &detail, &reload] {
        banner.append_child(child).ok()?;
    }
    body.append_child(&banner).ok()?;
    if let Some(link) = reload.dyn_ref::<web_sys::HtmlElement>() {
        let _ = link.focus();
    }
    Some(())
}
