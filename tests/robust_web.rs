//! Regression tests for the ways the app used to die (issue 7): each of these panicked or
//! froze before the fix, and a panic aborts the whole page in the release build.
#![cfg(target_arch = "wasm32")]

mod dom;

use dom::{all, fire, mount_app, one, open_tables, settle, table_for};
use gatescope::model::{CellKind, Params, Series};
use gatescope::state::compare::compare_traces;
use gatescope::state::gradient_flow::gradient_flow;
use gatescope::state::session::{sequence_work, SYNC_WORK};
use gatescope::state::{ModelConfig, ModelSource, Session};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn type_into(root: &Element, text: &str) {
    let input: HtmlInputElement = one(root, "#sequence-text");
    input.set_value(text);
    fire(&input, "input");
}

fn mouse(target: &Element, kind: &str, x_frac: f64, y_frac: f64) {
    let rect = target.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + rect.width() * x_frac) as i32);
    init.set_client_y((rect.top() + rect.height() * y_frac) as i32);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// The heatmap tooltip remembered (t, unit) from the last mouse move and indexed the new,
/// shorter trace with it.
#[wasm_bindgen_test]
async fn hovering_the_last_step_while_the_input_shrinks() {
    let root = mount_app();
    settle().await;
    let canvases = all(&root, ".heatmap canvas[role=img]");
    assert_eq!(canvases.len(), 6);
    for c in &canvases {
        mouse(c, "mousemove", 0.95, 0.9);
    }
    settle().await;
    let tips: Vec<String> = all(&root, ".tooltip")
        .iter()
        .map(|t| t.text_content().unwrap())
        .collect();
    assert!(
        tips.iter().any(|t| t.contains("t = 5")),
        "hovering step 5: {tips:?}"
    );

    type_into(&root, "1, 2");
    settle().await;
    // Hovering again after the shrink must not resurrect the old cell either.
    for c in &canvases {
        mouse(c, "mousemove", 0.95, 0.9);
    }
    settle().await;
    assert!(
        all(&root, ".tooltip")
            .iter()
            .all(|t| !t.text_content().unwrap().contains("t = 5")),
        "no tooltip points past the end"
    );
    let h = table_for(&root, "Hidden state h").await;
    assert_eq!(
        all(&h, "thead th[data-t]").len(),
        2,
        "the new trace is shown"
    );
    type_into(&root, "1, 2, 3, 4, 5");
    settle().await;
    assert_eq!(
        all(
            &table_for(&root, "Hidden state h").await,
            "thead th[data-t]"
        )
        .len(),
        5,
        "still alive"
    );
}

/// On wasm32 `usize` has 32 bits: 8·H·(H+D)·T at H = 256, D = 16, T = 7711 used to wrap to
/// about 491 520 multiply-adds, so the "too much work" checks passed and the page froze.
#[wasm_bindgen_test]
fn work_estimates_do_not_wrap_on_wasm32() {
    let cfg = ModelConfig {
        hidden: 256,
        input: 16,
        ..ModelConfig::default()
    };
    let params: Params = cfg.build().unwrap();
    let t = 7711;
    let kinds = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];
    // LSTM + GRU + RNN: 8·H·(H + D)·T = 4 295 229 440, just past u32::MAX.
    let total: u64 = kinds
        .iter()
        .map(|&kind| sequence_work(&ModelConfig { kind, ..cfg }.build().unwrap(), t))
        .sum();
    assert_eq!(total, 8 * 256 * 272 * 7711);
    assert!(total > u64::from(u32::MAX));
    let x = ndarray::Array2::<f32>::zeros((t, 16));
    let err = compare_traces(&params, cfg, x.view(), &kinds).unwrap_err();
    assert!(err.contains("multiply-adds"), "{err}");

    // The gradient view's estimate (× (H + 1)) on a trace that is cheap to make.
    let small = ModelConfig {
        hidden: 256,
        input: 1,
        ..ModelConfig::default()
    }
    .build()
    .unwrap();
    let trace = gatescope::model::forward(
        &small,
        ndarray::Array2::<f32>::zeros((300, 1)).view(),
        &Default::default(),
    )
    .unwrap();
    assert!(trace.get(Series::H).is_some());
    assert!(gradient_flow(&small, &trace).is_err());

    // The session computes such a trace in chunks instead of at once.
    let mut s = Session::new(
        ModelSource::Random(cfg),
        params,
        "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    )
    .unwrap();
    let text = "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0;".repeat(t);
    s.set_input(&text);
    assert!(sequence_work(s.params(), t) > SYNC_WORK);
    assert!(s.is_computing(), "a 7711-step H = 256 trace is chunked");
}

/// Open value tables write themselves after the next frame; switching the cell kind or
/// closing compare mode disposes their signals before that. The tables are opened first (and
/// stay open across the rebuilds), so every switch asks for deferred writes.
#[wasm_bindgen_test]
async fn switching_the_cell_kind_and_compare_mode_fast() {
    // A panic inside a deferred callback is not this test's own failure; the banner the
    // panic hook shows is how it becomes visible here.
    gatescope::app::install_panic_hook();
    let root = mount_app();
    settle().await;
    open_tables(&root).await;
    let select: HtmlSelectElement = one(&root, "#model-cell");
    for k in 0..30 {
        select.set_value(["gru", "rnn", "lstm"][k % 3]);
        fire(&select, "change");
        // Effects run (and ask for their after-paint table writes); the frame does not come
        // before the next switch disposes them.
        leptos::task::tick().await;
        leptos::task::tick().await;
    }
    let toggle: HtmlElement = all(&root, ".compare-head button")
        .remove(0)
        .unchecked_into();
    for _ in 0..6 {
        toggle.click();
        leptos::task::tick().await;
        leptos::task::tick().await;
    }
    settle().await;
    settle().await;
    assert_eq!(select.value(), "lstm");
    assert_eq!(all(&root, ".heatmaps .heatmap canvas[role=img]").len(), 6);
    let h = table_for(&root, "Hidden state h").await;
    assert!(!all(&h, "tbody tr").is_empty(), "tables are written");
    let banner = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(gatescope::app::BANNER_ID));
    assert!(
        banner.is_none(),
        "a deferred callback panicked: {:?}",
        banner.and_then(|b| b.text_content())
    );
}
