//! The app in headless Chromium: mount into a fresh element, act, `tick().await`, assert.
#![cfg(target_arch = "wasm32")]

use gatescope::app::App;
use gatescope::model::{examples, forward, parse_sequence, InitialState, Series, Trace};
use gatescope::viz::format_sig;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount_app() -> HtmlElement {
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    mount_to(root.clone(), App).forget();
    root
}

fn seed_trace(text: &str) -> Trace {
    let p = examples::seed_article_lstm();
    forward(
        &p,
        parse_sequence(text, 1).unwrap().view(),
        &InitialState::default(),
    )
    .unwrap()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|k| list.item(k).unwrap().unchecked_into())
        .collect()
}

fn table_for(root: &Element, label: &str) -> Element {
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

/// Cell (unit, t), both 0-based, of a value table.
fn cell(table: &Element, unit: usize, t: usize) -> String {
    let rows = all(table, "tbody tr");
    let cells = all(&rows[unit], "td");
    cells[t].text_content().unwrap()
}

/// Checks every table cell of every series against the model's trace.
fn assert_tables_show(root: &Element, trace: &Trace) {
    for &s in trace.series() {
        let table = table_for(root, s.label());
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
    tick().await;
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
    assert_tables_show(&root, &trace);
    // The golden h_1 of the classic case, unit 1: −0.0926005 (refdata README §11).
    assert_eq!(cell(&table_for(&root, "Hidden state h"), 0, 0), "-0.09260");
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
    tick().await;
    type_into(&root, "0.5, -1, 2");
    tick().await;
    let trace = seed_trace("0.5, -1, 2");
    assert_tables_show(&root, &trace);
    assert!(!root
        .query_selector(".heatmaps")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("stale"));

    type_into(&root, "0.5, -1, oops");
    tick().await;
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
    assert_tables_show(&root, &trace);

    type_into(&root, "3");
    tick().await;
    assert_tables_show(&root, &seed_trace("3"));
    assert!(!root
        .query_selector(".heatmaps")
        .unwrap()
        .unwrap()
        .class_list()
        .contains("stale"));
}
