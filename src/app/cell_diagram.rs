//! The cell diagram: the explained unit's step drawn in colah's style, every value from the
//! step's breakdown, and the "Walk through this step" mode.
//!
//! Everything inside the figure (heading, SVG, walk-through controls) is a tree built by
//! [`crate::viz::cell_diagram::figure`] from [`Explained::breakdown`] and
//! [`Explained::walk`], patched in place by [`TreeHost`] (so it moves with the transport and
//! the wires' CSS transitions run). This file only wires events: the walk-through buttons
//! (delegated through their `data-walk`) and the keys.

use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::tree_view::{closest_attr, TreeHost};
use super::Explained;
use crate::viz::cell_diagram as cd;
use crate::viz::walkthrough::parts;

/// The cell diagram of the explained unit at the current step, with its walk-through. Reads
/// [`Explained`] from context; shows the breakdown's message when there is none. The
/// walk-through part lives in [`Explained::walk`], which the step explainer follows too.
#[component]
pub fn CellDiagram() -> impl IntoView {
    let ex = expect_context::<Explained>();
    let figure = NodeRef::<html::Figure>::new();
    let host = TreeHost::new();
    Effect::new(move |_| {
        let walk = ex.walk.get();
        let tree = ex.breakdown.with(|r| match r {
            Ok(b) => cd::figure(b, walk),
            Err(e) => cd::figure_message(e),
        });
        if let Some(el) = figure.get() {
            host.show(&el, tree);
        }
    });
    // Moves the walk-through with `f` (not when there is no breakdown).
    let step = move |f: fn(Option<usize>, usize) -> Option<usize>| {
        let kind = ex
            .breakdown
            .with_untracked(|r| r.as_ref().ok().map(|b| b.kind));
        if let Some(k) = kind {
            let n = parts(k).len();
            ex.walk.update(|w| *w = f(*w, n));
        }
    };
    // ←/→ walk through the parts (starting the walk), Esc stops. Default-prevented, so the
    // global transport keys (a window listener; this one is on the figure itself, as Leptos
    // here does not delegate events) leave the timestep alone.
    let on_key = move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        if ex.breakdown.with_untracked(Result::is_err) {
            return;
        }
        match ev.key().as_str() {
            "ArrowRight" => step(cd::walk_next),
            "ArrowLeft" => step(cd::walk_back),
            "Escape" if ex.walk.get_untracked().is_some() => ex.walk.set(None),
            _ => return,
        }
        ev.prevent_default();
        keep_focus(figure);
    };
    let session = use_context::<super::SessionRead>();
    let on_click = move |ev: MouseEvent| {
        if closest_attr(&ev, "data-export").is_some() {
            save_svg(figure, session);
            return;
        }
        let Some((_, action)) = closest_attr(&ev, "data-walk") else {
            return;
        };
        match action.as_str() {
            "start" => {
                ex.walk.set(Some(0));
                focus_in(figure, "[data-walk=next]");
            }
            "back" => step(cd::walk_back),
            "next" => step(cd::walk_next),
            "done" => {
                ex.walk.set(None);
                focus_in(figure, "[data-walk=start]");
            }
            _ => {}
        }
        keep_focus(figure);
    };
    view! {
        <figure
            class="cell-diagram"
            role="group"
            aria-label="Cell diagram"
            tabindex="0"
            node_ref=figure
            on:keydown=on_key
            on:click=on_click
        ></figure>
    }
}

/// After the element holding the focus was removed (a walk-through button), gives the
/// focus back to the diagram.
fn keep_focus(figure: NodeRef<html::Figure>) {
    request_animation_frame(move || {
        let lost = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
        if let (true, Some(el)) = (lost, figure.get_untracked()) {
            let _ = el.focus();
        }
    });
}

/// Focuses the element matching `selector` inside the figure, once the figure shows it.
fn focus_in(figure: NodeRef<html::Figure>, selector: &'static str) {
    request_animation_frame(move || {
        let found = figure
            .get_untracked()
            .and_then(|f| f.query_selector(selector).ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = found {
            let _ = el.focus();
        }
    });
}

/// The page's colours, which the diagram's stylesheet reads as variables.
const SVG_VARS: &str = "svg{--ink:#1d2330;--muted:#5b6475;--line:#dfe3ea;--paper:#fff;\
--accent:#0b6bcb;--radius:10px;background:#fff;font-family:system-ui,sans-serif}";

/// Saves the drawing as a standalone SVG file: the element as the page shows it, with the
/// diagram's stylesheet inside, named after the model, cell and step count.
fn save_svg(figure: NodeRef<leptos::html::Figure>, session: Option<super::SessionRead>) {
    let Some(svg) = figure
        .get_untracked()
        .and_then(|f| f.query_selector("svg").ok().flatten())
    else {
        return;
    };
    let Ok(serializer) = web_sys::XmlSerializer::new() else {
        return;
    };
    let Ok(text) = serializer.serialize_to_string(&svg) else {
        return;
    };
    let Some(open_end) = text.find('>') else {
        return;
    };
    let style = format!(
        "<style>{SVG_VARS}{}</style>",
        include_str!("../../style/diagram.css")
    );
    let file = format!("{}{style}{}", &text[..=open_end], &text[open_end + 1..]);
    let name = session.map_or_else(
        || "cell-diagram.svg".to_string(),
        |super::SessionRead(s)| {
            s.with_untracked(|s| super::open_model::view_file_name(s, "cell-diagram", "svg"))
        },
    );
    let _ = super::open_model::download(&name, file.as_bytes(), "image/svg+xml");
}
