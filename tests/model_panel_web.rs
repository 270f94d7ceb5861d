#![cfg(target_arch = "wasm32")]
//! The model panel in headless Chromium: mount the app into a fresh element, edit the
//! settings like a user (set the value, fire bubbling "input" and "change"), `tick().await`,
//! and check the value tables and the panel.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, fire, mount_app, one, open_tables, settle, table_for};
use leptos::task::tick;

/// Cell (unit, t), both 0-based, of a value table.
async fn cell(root: &Element, label: &str, unit: usize, t: usize) -> String {
    let table = table_for(root, label).await;
    let rows = all(&table, "tbody tr");
    all(&rows[unit], "td")[t].text_content().unwrap()
}

/// Every value table has `h` unit rows.
async fn assert_rows(root: &Element, h: usize) {
    open_tables(root).await;
    let tables = all(root, "table.values");
    assert!(tables.len() >= 6, "{} value tables", tables.len());
    for t in tables {
        let caption = one::<Element>(&t, "caption").text_content().unwrap();
        assert_eq!(all(&t, "tbody tr").len(), h, "rows of {caption}");
    }
}

/// The input whose `<label for>` reads exactly `name`, inside the model panel.
fn field(root: &Element, name: &str) -> HtmlInputElement {
    let panel = one(root, "section.model-panel");
    let label = all(&panel, "label")
        .into_iter()
        .find(|l| l.text_content().unwrap().trim() == name)
        .unwrap_or_else(|| panic!("no label {name:?}"));
    let id = label.get_attribute("for").expect("label has for=");
    one::<Element>(&panel, &format!("#{id}")).unchecked_into()
}

async fn set_field(root: &Element, name: &str, value: &str) {
    let input = field(root, name);
    input.set_value(value);
    fire(&input, "input");
    fire(&input, "change");
    settle().await;
}

fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap().trim() == name)
        .unwrap_or_else(|| panic!("no button {name:?}"))
        .unchecked_into()
}

fn panel_text(root: &Element) -> String {
    one::<Element>(root, "section.model-panel")
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn every_control_is_labelled() {
    let root = mount_app();
    tick().await;
    let panel = one::<Element>(&root, "section[aria-label=Model].model-panel");
    for (name, value) in [
        ("Hidden size", "4"),
        ("Input size", "1"),
        ("Seed", "0"),
        ("Init scale", "1"),
    ] {
        let input = field(&root, name);
        assert_eq!(input.type_(), "number", "{name}");
        assert_eq!(
            input.value(),
            value,
            "{name} shows the seed example's setting"
        );
        assert_eq!(
            input.get_attribute("aria-invalid").as_deref(),
            Some("false")
        );
    }
    let bias = field(&root, "Forget-gate bias 1");
    assert_eq!(bias.type_(), "checkbox");
    assert!(!bias.checked());
    assert_eq!(field(&root, "Hidden size").max(), "256");
    assert_eq!(field(&root, "Input size").max(), "16");
    button(&root, "Seed article example");
    let text = panel.text_content().unwrap();
    assert!(text.contains("Seed article example"), "{text}");
    assert!(text.contains("seeded random init"), "{text}");
}

#[wasm_bindgen_test]
async fn sizes_recompute_invalid_text_changes_nothing_and_the_example_comes_back() {
    let root = mount_app();
    settle().await;
    assert_rows(&root, 4).await;

    set_field(&root, "Hidden size", "8").await;
    assert_rows(&root, 8).await;
    assert!(panel_text(&root).contains("Random init, seed 0"));
    let h_before = cell(&root, "Hidden state h", 7, 4).await;

    set_field(&root, "Hidden size", "1000").await;
    let input = field(&root, "Hidden size");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let msg_id = input
        .get_attribute("aria-describedby")
        .expect("described by its message");
    let msg = one::<Element>(&root, &format!("#{msg_id}"))
        .text_content()
        .unwrap();
    assert!(msg.contains("Hidden size must be 1 to 256"), "{msg}");
    assert_eq!(input.value(), "1000", "the user's text stays");
    assert_rows(&root, 8).await;
    assert_eq!(
        cell(&root, "Hidden state h", 7, 4).await,
        h_before,
        "same trace"
    );

    for bad in ["0", "", "2.5"] {
        set_field(&root, "Hidden size", bad).await;
        assert_eq!(
            field(&root, "Hidden size")
                .get_attribute("aria-invalid")
                .as_deref(),
            Some("true"),
            "{bad:?}"
        );
        assert_rows(&root, 8).await;
    }
    set_field(&root, "Init scale", "NaN").await;
    assert_eq!(
        field(&root, "Init scale")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(panel_text(&root).contains("Init scale must be a number from 0 to 100"));
    assert_rows(&root, 8).await;

    button(&root, "Seed article example").click();
    settle().await;
    assert_rows(&root, 4).await;
    assert_eq!(cell(&root, "Hidden state h", 0, 0).await, "-0.09260");
    assert!(panel_text(&root).contains("Seed article example"));
    for (name, value) in [("Hidden size", "4"), ("Init scale", "1")] {
        let input = field(&root, name);
        assert_eq!(input.value(), value, "{name} is reset");
        assert_eq!(
            input.get_attribute("aria-invalid").as_deref(),
            Some("false")
        );
    }
    assert!(all(&root, ".model-panel .mp-error").is_empty());
}

#[wasm_bindgen_test]
async fn other_settings_apply_and_keep_text_being_fixed() {
    let root = mount_app();
    tick().await;
    set_field(&root, "Input size", "2").await;
    let x = one::<Element>(&root, "#sequence-text")
        .unchecked_into::<HtmlInputElement>()
        .value();
    assert_eq!(x, "1 0; 2 0; 3 0; 4 0; 5 0", "the input gains a dimension");
    set_field(&root, "Input size", "17").await;
    assert!(panel_text(&root).contains("Input size must be 1 to 16, not 17."));

    // Another setting still applies, taking the session's input size (2), and the "17"
    // being fixed is not overwritten.
    set_field(&root, "Seed", "3").await;
    assert!(panel_text(&root).contains("Random init, seed 3"));
    assert_eq!(field(&root, "Input size").value(), "17");
    assert_eq!(
        field(&root, "Input size")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    // At t = 1 the forget gate multiplies c_0 = 0, so compare a later step.
    let h_seed3 = cell(&root, "Hidden state h", 0, 4).await;

    let bias = field(&root, "Forget-gate bias 1");
    bias.click();
    settle().await;
    assert!(field(&root, "Forget-gate bias 1").checked());
    assert_ne!(
        cell(&root, "Hidden state h", 0, 4).await,
        h_seed3,
        "new weights"
    );

    set_field(&root, "Input size", "1").await;
    assert_eq!(
        field(&root, "Input size")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false")
    );
    assert!(all(&root, ".model-panel .mp-error").is_empty());
    let x = one::<Element>(&root, "#sequence-text")
        .unchecked_into::<HtmlInputElement>()
        .value();
    assert_eq!(x, "1, 2, 3, 4, 5");

    set_field(&root, "Init scale", "0").await;
    assert_eq!(
        cell(&root, "Hidden state h", 0, 0).await,
        "0",
        "zero weights, zero state"
    );
}
