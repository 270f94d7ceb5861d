//! The app in headless Chromium: mount into a fresh element, act, `tick().await`, assert.
#![cfg(target_arch = "wasm32")]

use gatescope::model::{examples, forward, parse_sequence, InitialState, Series, Trace};
use gatescope::viz::format_sig;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, load_on_demand, mount_app, settle, sleep_ms, table_for};

fn seed_trace(text: &str) -> Trace {
    let p = examples::seed_article_lstm();
    forward(
        &p,
        parse_sequence(text, 1).unwrap().view(),
        &InitialState::default(),
    )
    .unwrap()
}

/// Cell (unit, t), both 0-based, of a value table.
fn cell(table: &Element, unit: usize, t: usize) -> String {
    let rows = all(table, "tbody tr");
    let cells = all(&rows[unit], "td");
    cells[t].text_content().unwrap()
}

/// Checks every table cell of every series against the model's trace.
async fn assert_tables_show(root: &Element, trace: &Trace) {
    for &s in trace.series() {
        let table = table_for(root, s.label()).await;
        let values = trace.get(s).unwrap();
        let (t_len, h) = values.dim();
        assert_eq!(all(&table, "tbody tr").len(), h, "{} rows", s.label());
        for unit in 0..h {
            for t in 0..t_len {
                assert_eq!(
                    cell(&table, unit, t),
                    format_sig(values[[t, unit]], 4),
                    "{} unit {unit} t {t}",
                    s.label()
                );
            }
        }
    }
}

fn type_into(root: &Element, text: &str) {
    let input: HtmlInputElement = root
        .query_selector("#sequence-text")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn opens_on_the_seed_example_with_six_named_heatmaps() {
    let root = mount_app();
    settle().await;
    let names: Vec<String> = all(&root, ".heatmap canvas[role=img]")
        .iter()
        .map(|c| c.get_attribute("aria-label").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Input gate i",
            "Forget gate f",
            "Candidate g",
            "Output gate o",
            "Cell state c",
            "Hidden state h"
        ]
    );
    let trace = seed_trace(examples::SEED_ARTICLE_INPUT);
    assert_tables_show(&root, &trace).await;
    // The golden h_1 of the classic case, unit 1: −0.0926005 (refdata README §11).
    assert_eq!(
        cell(&table_for(&root, "Hidden state h").await, 0, 0),
        "-0.09260"
    );
    // Canvases were painted: the first cell of the forget-gate map is not blank.
    let canvas: web_sys::HtmlCanvasElement = root
        .query_selector("[data-series=f] canvas")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let px = ctx.get_image_data(2.0, 2.0, 1.0, 1.0).unwrap().data();
    assert_eq!(px[3], 255, "heatmap pixels are opaque once drawn");
    let want = gatescope::viz::ColorScale::for_series(Series::F, (0.0, 1.0))
        .rgb(trace.get(Series::F).unwrap()[[0, 0]]);
    for c in 0..3 {
        assert!(
            (px[c] as i32 - want[c] as i32).abs() <= 2,
            "f[0][0] colour {px:?} vs {want:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn editing_recomputes_and_invalid_text_keeps_the_last_trace() {
    let root = mount_app();
    settle().await;
    type_into(&root, "0.5, -1, 2");
    settle().await;
    let trace = seed_trace("0.5, -1, 2");
    assert_tables_show(&root, &trace).await;
    assert!(!root
        .query_selector(".heatmaps")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("stale"));

    type_into(&root, "0.5, -1, oops");
    settle().await;
    let help = root
        .query_selector("#sequence-help")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        help.contains("\"oops\""),
        "the message names the bad token: {help}"
    );
    assert!(root
        .query_selector(".heatmaps")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("stale"));
    assert_tables_show(&root, &trace).await;

    type_into(&root, "3");
    settle().await;
    assert_tables_show(&root, &seed_trace("3")).await;
    assert!(!root
        .query_selector(".heatmaps")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("stale"));
}

fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.get_attribute("aria-label").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no button named {name}"))
        .unchecked_into()
}

fn slider_value(root: &Element) -> String {
    let s: HtmlInputElement = root
        .query_selector("input[aria-label=Timestep]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    s.value()
}

/// The step marked current in the hidden-state table's header (1-based, as shown).
async fn table_current(root: &Element) -> String {
    let table = table_for(root, "Hidden state h").await;
    table
        .query_selector("th[aria-current]")
        .unwrap()
        .map(|th| th.text_content().unwrap())
        .unwrap_or_default()
}

fn pixel(root: &Element, series: &str, x_frac: f64, y_frac: f64) -> [u8; 4] {
    let canvas: web_sys::HtmlCanvasElement = root
        .query_selector(&format!("[data-series={series}] canvas"))
        .unwrap()
        .unwrap()
        .unchecked_into();
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (x, y) = (
        (canvas.width() as f64 * x_frac).floor(),
        (canvas.height() as f64 * y_frac).floor(),
    );
    let d = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
    [d[0], d[1], d[2], d[3]]
}

fn press(key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().body().unwrap().dispatch_event(&ev).unwrap();
}

/// Value tables are built only behind their "Values" disclosure: none while closed (an edit
/// pays nothing for them), the table at once when opened, kept current while open, still
/// open after a cell switch rebuilds the panels, and emptied when closed.
#[wasm_bindgen_test]
async fn value_tables_are_built_when_their_disclosure_opens() {
    let root = mount_app();
    settle().await;
    assert_eq!(all(&root, ".heatmaps details.value-table").len(), 6);
    assert!(all(&root, "details.value-table table").is_empty(), "closed");
    let summary: HtmlElement = dom::one(&root, "[data-series=h] details.value-table > summary");
    assert_eq!(
        summary.text_content().as_deref(),
        Some("Values of Hidden state h")
    );
    summary.click();
    settle().await;
    assert_eq!(all(&root, "details.value-table table").len(), 1, "one open");
    assert_eq!(
        cell(&dom::one(&root, "[data-series=h] table"), 0, 0),
        "-0.09260"
    );
    type_into(&root, "1, 2, 3");
    settle().await;
    let h: Element = dom::one(&root, "[data-series=h] table");
    assert_eq!(all(&h, "thead th[data-t]").len(), 3, "follows the edit");
    let select: web_sys::HtmlSelectElement = dom::one(&root, "#model-cell");
    select.set_value("gru");
    dom::fire(&select, "change");
    settle().await;
    let gru: Element = dom::one(&root, "[data-series=h] table");
    assert!(
        gru.text_content().unwrap().starts_with("Hidden state h"),
        "still open after the switch"
    );
    assert_eq!(all(&root, "details.value-table table").len(), 1);
    dom::one::<HtmlElement>(&root, "[data-series=h] details.value-table > summary").click();
    settle().await;
    assert!(
        all(&root, "details.value-table table").is_empty(),
        "closed again"
    );
}

#[wasm_bindgen_test]
async fn stepping_moves_the_highlight_and_dims_later_steps() {
    let root = mount_app();
    settle().await;
    assert_eq!(slider_value(&root), "5", "opens on the last step");
    assert_eq!(table_current(&root).await, "t = 5");
    // Sample the middle of step 5's column, first row (away from the outline and text).
    let before = pixel(&root, "f", 0.93, 0.05);
    button(&root, "Step back").click();
    settle().await;
    assert_eq!(slider_value(&root), "4");
    assert_eq!(table_current(&root).await, "t = 4");
    let after = pixel(&root, "f", 0.93, 0.05);
    for c in 0..3 {
        assert!(
            after[c] > before[c] || before[c] > 235,
            "step 5 is dimmed after stepping back: {before:?} → {after:?}"
        );
    }
    button(&root, "Go to start").click();
    settle().await;
    assert_eq!(slider_value(&root), "1");
    button(&root, "Step forward").click();
    settle().await;
    assert_eq!(slider_value(&root), "2");
    button(&root, "Go to end").click();
    settle().await;
    assert_eq!(slider_value(&root), "5");
    assert_eq!(
        pixel(&root, "f", 0.93, 0.05),
        before,
        "back at the end, nothing is dimmed"
    );
}

#[wasm_bindgen_test]
async fn keyboard_drives_the_transport() {
    let root = mount_app();
    settle().await;
    press("ArrowLeft");
    settle().await;
    assert_eq!(slider_value(&root), "4");
    press("Home");
    settle().await;
    assert_eq!(slider_value(&root), "1");
    press("ArrowRight");
    settle().await;
    assert_eq!(slider_value(&root), "2");
    press("End");
    settle().await;
    assert_eq!(slider_value(&root), "5");
    press(" ");
    settle().await;
    assert!(all(&root, "button")
        .iter()
        .any(|b| b.get_attribute("aria-label").as_deref() == Some("Pause")));
    assert_eq!(
        slider_value(&root),
        "1",
        "playing from the end restarts at step 1"
    );
    button(&root, "Pause").click();
    settle().await;
    assert!(all(&root, "button")
        .iter()
        .any(|b| b.get_attribute("aria-label").as_deref() == Some("Play")));
}

#[wasm_bindgen_test]
async fn playing_advances_through_time() {
    let root = mount_app();
    settle().await;
    let speed: HtmlInputElement = root
        .query_selector("input[aria-label=Speed]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    speed.set_value("20");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    speed
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    button(&root, "Play").click();
    settle().await;
    assert_eq!(slider_value(&root), "1");
    // 4 steps take 0.2 s at 20 steps/s; wait much longer so a loaded machine cannot flake.
    sleep_ms(1500).await;
    assert_eq!(
        slider_value(&root),
        "5",
        "at 20 steps/s, playback reaches the end of 5 steps"
    );
    assert!(
        all(&root, "button")
            .iter()
            .any(|b| b.get_attribute("aria-label").as_deref() == Some("Play")),
        "stops at the end"
    );
}

#[wasm_bindgen_test]
async fn clicking_a_cell_selects_it_everywhere() {
    let root = mount_app();
    settle().await;
    let canvas: HtmlElement = root
        .query_selector("[data-series=g] canvas")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let rect = canvas.get_bounding_client_rect();
    // Step 2, unit 3 of a 5 × 4 grid.
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + rect.width() * 0.3) as i32);
    init.set_client_y((rect.top() + rect.height() * 0.6) as i32);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
    settle().await;
    let marked: Vec<String> = all(&root, ".hm-units span.selected")
        .iter()
        .map(|s| s.text_content().unwrap())
        .collect();
    assert_eq!(marked, vec!["3"; 6], "unit 3 is marked in all six heatmaps");
}

#[wasm_bindgen_test]
async fn compare_mode_shows_lstm_gru_and_rnn_on_the_same_input() {
    let root = mount_app();
    settle().await;
    assert!(all(&root, ".compare canvas").is_empty(), "off by default");
    let toggle: HtmlElement = all(&root, ".compare-head button")
        .remove(0)
        .unchecked_into();
    toggle.click();
    settle().await;
    let names: Vec<String> = all(&root, ".compare .heatmap canvas[role=img]")
        .iter()
        .map(|c| c.get_attribute("aria-label").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "LSTM (long-term memory): Hidden state h",
            "GRU (long-term memory): Hidden state h",
            "RNN (traditional, no long-term memory): Hidden state h"
        ]
    );
    // The LSTM is the shown model; the RNN is a seeded init of the same size on the same input.
    let lstm = table_for(&root, "LSTM (long-term memory): Hidden state h").await;
    assert_eq!(cell(&lstm, 0, 0), "-0.09260");
    let session = gatescope::state::Session::seed_example();
    let rnn_params = gatescope::state::ModelConfig {
        kind: gatescope::model::CellKind::Rnn,
        ..session.config()
    }
    .build()
    .unwrap();
    let rnn = forward(&rnn_params, session.trace().x(), &InitialState::default()).unwrap();
    let table = table_for(
        &root,
        "RNN (traditional, no long-term memory): Hidden state h",
    )
    .await;
    let h = rnn.get(Series::H).unwrap();
    for t in 0..5 {
        for u in 0..4 {
            assert_eq!(
                cell(&table, u, t),
                format_sig(h[[t, u]], 4),
                "RNN h t={t} unit={u}"
            );
        }
    }
    // The gradient-flow view summarises how fast each model forgets, and has a data table.
    let summary = all(&root, ".flow-summary")
        .remove(0)
        .text_content()
        .unwrap();
    assert!(
        summary.contains("LSTM") && summary.contains("RNN") && summary.contains("decades"),
        "{summary}"
    );
    let flow = table_for(&root, "‖∂h_T/∂x_t‖ per timestep").await;
    assert_eq!(all(&flow, "tbody tr").len(), 3);
    // The user picks the models: without the GRU two remain; one alone is not a comparison.
    let boxes: Vec<HtmlInputElement> = all(&root, ".compare-pick input")
        .into_iter()
        .map(|e| e.unchecked_into())
        .collect();
    boxes[1].click();
    settle().await;
    assert_eq!(all(&root, ".compare .heatmap canvas[role=img]").len(), 2);
    boxes[2].click();
    settle().await;
    let msg = all(&root, ".compare .compare-error")
        .remove(0)
        .text_content()
        .unwrap();
    assert!(msg.contains("at least two"), "{msg}");
    boxes[1].click();
    boxes[2].click();
    settle().await;
    // Editing the input updates the comparison too.
    type_into(&root, "1, 0, 0");
    settle().await;
    let table = table_for(&root, "GRU (long-term memory): Hidden state h").await;
    assert_eq!(all(&table, "thead th[data-t]").len(), 3);
}

#[wasm_bindgen_test]
async fn training_steps_all_three_models_and_rejects_a_bad_learning_rate() {
    let root = mount_app();
    settle().await;
    assert!(
        all(&root, ".training .train-status").is_empty(),
        "the training panel's code loads on demand"
    );
    assert!(load_on_demand(&root).await >= 1);
    let status = || {
        all(&root, ".train-status")
            .remove(0)
            .text_content()
            .unwrap()
    };
    assert!(status().contains("Not set up"), "{}", status());
    let step: HtmlElement = all(&root, ".training button")
        .into_iter()
        .find(|b| b.text_content().unwrap() == "Step")
        .unwrap()
        .unchecked_into();
    step.click();
    settle().await;
    step.click();
    settle().await;
    let s = status();
    assert!(
        s.starts_with("Step 2 ") && s.contains("LSTM") && s.contains("GRU") && s.contains("RNN"),
        "{s}"
    );

    let lr: HtmlInputElement = all(&root, ".train-field input").remove(0).unchecked_into();
    lr.set_value("fast");
    dom::fire(&lr, "change");
    button(&root, "Train").click(); // keeps the existing run: settings apply on Reset
    settle().await;
    button(&root, "Pause training").click();
    let reset: HtmlElement = all(&root, ".training button")
        .into_iter()
        .find(|b| b.text_content().unwrap() == "Reset")
        .unwrap()
        .unchecked_into();
    reset.click();
    settle().await;
    let msg = all(&root, ".training .compare-error")
        .remove(0)
        .text_content()
        .unwrap();
    assert!(msg.contains("Learning rate"), "{msg}");
    assert!(
        status().contains("Step"),
        "the last run stays on show: {}",
        status()
    );
}

#[wasm_bindgen_test]
async fn a_trained_model_can_be_watched_in_the_visualiser() {
    let root = mount_app();
    settle().await;
    load_on_demand(&root).await;
    let by_text = |text: &str| -> HtmlElement {
        all(&root, ".training button")
            .into_iter()
            .find(|b| b.text_content().unwrap() == text)
            .unwrap()
            .unchecked_into()
    };
    by_text("Step").click();
    settle().await;
    by_text("Show the LSTM").click();
    settle().await;
    let badge = all(&root, ".model-badge").remove(0).text_content().unwrap();
    assert!(
        badge.contains("LSTM trained 1 steps")
            && badge.contains("H = 16")
            && badge.contains("D = 5"),
        "{badge}"
    );
    // The remember task's sequence: 22 steps of 5 inputs (4 class channels and a recall cue).
    assert_eq!(slider_value(&root), "22");
    assert_eq!(
        all(&table_for(&root, "Forget gate f").await, "tbody tr").len(),
        16
    );
}
