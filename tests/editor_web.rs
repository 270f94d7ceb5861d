#![cfg(target_arch = "wasm32")]
//! The per-step editor in headless Chromium: mount the whole app into a fresh element, act on
//! the editor (cells, buttons, grips, presets), `tick().await`, and check the input text field,
//! which the session rewrites from the edited values.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit,
    PointerEvent, PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{mount_app, one, settle};

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text_field(root: &Element) -> String {
    one::<HtmlInputElement>(root, "#sequence-text").value()
}

fn cell(root: &Element, label: &str) -> HtmlInputElement {
    one(root, &format!("input[aria-label='{label}']"))
}

fn step_cells(root: &Element) -> u32 {
    count(root, ".sequence-editor input[aria-label^='x at step']")
}

fn button(root: &Element, label: &str) -> HtmlElement {
    one(root, &format!("button[aria-label='{label}']"))
}

fn preset(root: &Element, label: &str) -> HtmlElement {
    let group: Element = one(root, "[role='group'][aria-label='Presets']");
    let list = group.query_selector_all("button").unwrap();
    (0..list.length())
        .map(|k| list.item(k).unwrap().unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no preset {label}"))
}

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

/// Types `text` into a cell and commits it the way a blur does (a bubbling "change").
fn commit(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input.dispatch_event(&bubbling("change")).unwrap();
}

fn key(input: &HtmlInputElement, key: &str, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

fn pointer(target: &Element, kind: &str, client_y: i32, shift: bool) {
    let init = PointerEventInit::new();
    init.set_pointer_id(7);
    init.set_is_primary(true);
    init.set_pointer_type("mouse");
    init.set_button(0);
    init.set_client_y(client_y);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn editing_a_cell_rewrites_the_input_text() {
    let root = mount_app();
    settle().await;
    assert_eq!(step_cells(&root), 5);
    assert_eq!(cell(&root, "x at step 2").value(), "2");
    commit(&cell(&root, "x at step 2"), "7.5");
    settle().await;
    assert_eq!(text_field(&root), "1, 7.5, 3, 4, 5");
    assert_eq!(cell(&root, "x at step 2").value(), "7.5");

    // Enter commits too; a Unicode minus and a decimal comma are understood.
    let c4 = cell(&root, "x at step 4");
    c4.set_value("−0,25");
    key(&c4, "Enter", false);
    settle().await;
    assert_eq!(text_field(&root), "1, 7.5, 3, -0.25, 5");

    // Editing the text field updates the cells.
    let field: HtmlInputElement = one(&root, "#sequence-text");
    field.set_value("0.84147096, 9");
    field.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
    assert_eq!(step_cells(&root), 2);
    let c1 = cell(&root, "x at step 1");
    assert_eq!(c1.value(), "0.8415", "shortened to fit the cell");
    assert_eq!(
        c1.title(),
        "0.84147096",
        "the exact value is in the tooltip"
    );
    // Committing the shortened text unchanged (e.g. Enter without typing) does not round.
    key(&c1, "Enter", false);
    settle().await;
    assert_eq!(text_field(&root), "0.84147096, 9");
}

#[wasm_bindgen_test]
async fn arrow_keys_step_the_value() {
    let root = mount_app();
    settle().await;
    key(&cell(&root, "x at step 1"), "ArrowUp", false);
    settle().await;
    assert_eq!(text_field(&root), "1.1, 2, 3, 4, 5");
    key(&cell(&root, "x at step 1"), "ArrowDown", true);
    settle().await;
    assert_eq!(text_field(&root), "0.1, 2, 3, 4, 5");
    assert_eq!(cell(&root, "x at step 1").value(), "0.1");
    // Typed but uncommitted text is the base for the step.
    let c5 = cell(&root, "x at step 5");
    c5.set_value("2.5");
    key(&c5, "ArrowUp", false);
    settle().await;
    assert_eq!(text_field(&root), "0.1, 2, 3, 4, 2.6");
}

#[wasm_bindgen_test]
async fn dragging_a_grip_changes_the_value_live() {
    let root = mount_app();
    settle().await;
    let grip: Element = one(&root, ".se-steps li:nth-child(1) .se-grip");
    pointer(&grip, "pointerdown", 300, false);
    pointer(&grip, "pointermove", 301, false);
    settle().await;
    assert_eq!(
        text_field(&root),
        "1, 2, 3, 4, 5",
        "a 1 px wobble is a click, not a drag"
    );
    assert_eq!(
        count(&root, ".se-cell.se-dragging"),
        1,
        "the dragged cell is highlighted"
    );
    pointer(&grip, "pointermove", 250, false);
    settle().await;
    assert_eq!(
        text_field(&root),
        "2, 2, 3, 4, 5",
        "50 px up at 0.02 per px"
    );
    pointer(&grip, "pointermove", 260, true);
    settle().await;
    assert_eq!(text_field(&root), "1.98, 2, 3, 4, 5", "Shift: 0.002 per px");
    pointer(&grip, "pointerup", 260, false);
    pointer(&grip, "pointermove", 100, false);
    settle().await;
    assert_eq!(
        text_field(&root),
        "1.98, 2, 3, 4, 5",
        "released: moves do nothing"
    );
    assert_eq!(count(&root, ".se-cell.se-dragging"), 0);
}

#[wasm_bindgen_test]
async fn insert_and_delete_steps() {
    let root = mount_app();
    settle().await;
    button(&root, "Insert a step after step 2").click();
    settle().await;
    assert_eq!(step_cells(&root), 6);
    assert_eq!(text_field(&root), "1, 2, 2, 3, 4, 5");
    assert_eq!(count(&root, ".se-steps li"), 6);
    button(&root, "Delete step 1").click();
    settle().await;
    assert_eq!(step_cells(&root), 5);
    assert_eq!(text_field(&root), "2, 2, 3, 4, 5");
    for _ in 0..4 {
        button(&root, "Delete step 1").click();
        settle().await;
    }
    assert_eq!(step_cells(&root), 1);
    assert_eq!(text_field(&root), "5");
    let last: web_sys::HtmlButtonElement = button(&root, "Delete step 1").unchecked_into();
    assert!(last.disabled(), "the last step cannot be deleted");
}

#[wasm_bindgen_test]
async fn presets_replace_the_input() {
    let root = mount_app();
    settle().await;
    preset(&root, "Impulse").click();
    settle().await;
    assert!(
        text_field(&root).starts_with("1, 0, 0, 0"),
        "{}",
        text_field(&root)
    );
    assert_eq!(step_cells(&root), 20);
    preset(&root, "Random").click();
    settle().await;
    let first = text_field(&root);
    preset(&root, "Random").click();
    settle().await;
    assert_ne!(
        text_field(&root),
        first,
        "each Random click draws a new sequence"
    );
    preset(&root, "Seed example 1…5").click();
    settle().await;
    assert_eq!(text_field(&root), "1, 2, 3, 4, 5");
}

#[wasm_bindgen_test]
async fn invalid_cell_text_shows_a_message_and_changes_nothing() {
    let root = mount_app();
    settle().await;
    let c3 = cell(&root, "x at step 3");
    commit(&c3, "abc");
    settle().await;
    let message: Element = one(&root, ".se-error");
    assert_eq!(
        message.text_content().unwrap(),
        "Step 3: \"abc\" is not a number"
    );
    assert_eq!(text_field(&root), "1, 2, 3, 4, 5");
    assert_eq!(c3.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(c3.value(), "abc", "the typed text stays to be fixed");

    commit(&c3, "inf");
    settle().await;
    assert_eq!(
        message.text_content().unwrap(),
        "Step 3: \"inf\" is not a finite number"
    );
    assert_eq!(text_field(&root), "1, 2, 3, 4, 5");

    commit(&c3, "-3");
    settle().await;
    assert_eq!(message.text_content().unwrap(), "");
    assert_eq!(c3.get_attribute("aria-invalid").as_deref(), Some("false"));
    assert_eq!(text_field(&root), "1, 2, -3, 4, 5");

    // Escape puts the session's value back.
    commit(&c3, "oops");
    settle().await;
    key(&c3, "Escape", false);
    settle().await;
    assert_eq!(
        (
            c3.value().as_str(),
            message.text_content().unwrap().as_str()
        ),
        ("-3", "")
    );
}

#[wasm_bindgen_test]
async fn long_sequences_show_the_page_of_the_current_step() {
    let root = mount_app();
    settle().await;
    let field: HtmlInputElement = one(&root, "#sequence-text");
    let values: Vec<String> = (0..100).map(|k| k.to_string()).collect();
    field.set_value(&values.join(", "));
    field.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
    assert_eq!(step_cells(&root), 64);
    let note = |root: &Element| one::<Element>(root, ".se-note").text_content().unwrap();
    // A new input shows its last step, so the editor shows the last page.
    assert_eq!(
        note(&root),
        "Steps 37–100 of 100: the page with the current step. Step through time to edit others, or edit the text above."
    );
    assert!(
        count(&root, "[role='group'][aria-label='Presets'] button") == 6,
        "presets stay"
    );
    // Home and End move the current step, and the page with it; the cells edit their steps.
    let body = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .body()
        .unwrap();
    let press = |key: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        body.dispatch_event(&ev).unwrap();
    };
    press("Home");
    settle().await;
    assert!(
        note(&root).starts_with("Steps 1–64 of 100"),
        "{}",
        note(&root)
    );
    assert_eq!(cell(&root, "x at step 64").value(), "63");
    press("End");
    settle().await;
    assert!(
        note(&root).starts_with("Steps 37–100 of 100"),
        "{}",
        note(&root)
    );
    assert_eq!(step_cells(&root), 64);
    commit(&cell(&root, "x at step 100"), "-7");
    settle().await;
    assert!(
        text_field(&root).ends_with("97, 98, -7"),
        "{}",
        text_field(&root)
    );
    // Up to 64 steps, every step is shown and there is no note.
    field.set_value(&values[..64].join(", "));
    field.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
    assert_eq!(step_cells(&root), 64);
    assert_eq!(count(&root, ".se-note"), 0);
}

/// A long text (here 5000 values) reaches the field a moment after an edit, not in the edit's
/// frame (laying out 60 kB of text cost every frame of a drag), and then shows the edit.
#[wasm_bindgen_test]
async fn a_long_text_follows_cell_edits_a_moment_later() {
    let root = mount_app();
    settle().await;
    let field: HtmlInputElement = one(&root, "#sequence-text");
    let values: Vec<String> = (0..5000).map(|k| format!("{}.25", k % 10)).collect();
    field.set_value(&values.join(", "));
    field.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
    commit(&cell(&root, "x at step 5000"), "-7");
    settle().await;
    assert!(text_field(&root).ends_with("9.25"), "not yet written");
    dom::sleep_ms(400).await;
    assert!(
        text_field(&root).ends_with("8.25, -7"),
        "{}",
        &text_field(&root)[24_000..]
    );
}
