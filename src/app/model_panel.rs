//! The model settings: hidden size, input size, seed, init scale, forget-gate bias, and the
//! seed article's example. Every valid edit recomputes at once; invalid text gets a message
//! at its field and leaves the session untouched. The rules live in
//! [`crate::state::model_form`], the panel's contents in [`crate::state::model_panel_view`]
//! (a plain tree patched into the section, which handles its controls' events); both are
//! tested natively.

use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlSelectElement};

use super::tree_view::{closest_attr, TreeHost};
use super::{SessionRead, SessionWrite};
use crate::model::CellKind;
use crate::state::model_form::{ModelForm, NumField};
use crate::state::model_panel_view::{
    field_of_id, model_panel, CELL_ID, FORGET_BIAS_ID, SEED_EXAMPLE_ACT,
};
use crate::state::{ModelConfig, ModelSource, Session};

/// True when the browser could not read a number input's text (`validity.badInput`), in
/// which case its `value` is empty although the field is not.
fn bad_input(input: &HtmlInputElement) -> bool {
    js_sys::Reflect::get(input, &JsValue::from_str("validity"))
        .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("badInput")))
        .ok()
        .and_then(|b| b.as_bool())
        .unwrap_or(false)
}

/// Hidden size, input size, seed, init scale, forget bias, and the seed example.
#[component]
pub fn ModelPanel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let config = Memo::new(move |_| session.with(Session::config));
    let form = RwSignal::new(ModelForm::new(session.with_untracked(Session::config)));
    let section = NodeRef::<html::Section>::new();
    let host = TreeHost::new();

    // Writes texts into the inputs. The inputs are otherwise left alone, so what the user
    // types (even text the browser cannot read as a number) is never overwritten.
    let show = move |changes: Vec<(NumField, String)>| {
        let Some(section) = section.get_untracked() else {
            return;
        };
        for (field, text) in changes {
            let input = section
                .query_selector(&format!("#{}", field.id()))
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<HtmlInputElement>().ok());
            if let Some(input) = input {
                input.set_value(&text);
            }
        }
    };
    // The panel's contents follow the session and the form. The first time, the inputs
    // are new: they get the form's texts.
    // The selector is told the cell kind only when that changes: an edit of the input must
    // not touch the panel's controls (a select's value written on every edit cost frames).
    Effect::new(move |shown: Option<Option<CellKind>>| {
        let nodes = session.with(|s| form.with(|f| model_panel(s, f)));
        let el = section.get()?;
        host.show(&el, nodes);
        let kind = config.with(|c| c.kind);
        if shown.flatten() != Some(kind) {
            if let Ok(Some(select)) = el.query_selector(&format!("#{CELL_ID}")) {
                if let Some(select) = select.dyn_ref::<HtmlSelectElement>() {
                    select.set_value(kind.name());
                }
            }
        }
        if shown.flatten().is_none() {
            let texts = form
                .with_untracked(|f| NumField::ALL.map(|field| (field, f.text(field).to_string())));
            show(texts.to_vec());
        }
        Some(kind)
    });
    // The session's settings changed (here or elsewhere): refresh the fields that hold
    // valid text, keep those the user is still fixing.
    Effect::new(move |_| {
        let cfg = config.get();
        // Untracked: `sync` changes only texts, which the tree does not show.
        let changes = form
            .try_update_untracked(|f| f.sync(cfg))
            .unwrap_or_default();
        show(changes);
    });

    let on_edit = move |field: NumField, input: HtmlInputElement| {
        let text = input.value();
        let current = session.with_untracked(Session::config);
        let next = if text.is_empty() && bad_input(&input) {
            form.write().edit_unreadable(field);
            None
        } else {
            form.write().edit(field, &text, current)
        };
        if let Some(cfg) = next {
            set_session.update(|s| s.set_config(cfg));
        }
    };
    let on_forget_bias = move |on: bool| {
        let current = session.with_untracked(Session::config);
        if current.forget_bias_one != on {
            set_session.update(|s| {
                s.set_config(ModelConfig {
                    forget_bias_one: on,
                    ..current
                })
            });
        }
    };
    let on_cell = move |value: String| {
        let Ok(kind) = CellKind::parse(&value) else {
            return;
        };
        let current = session.with_untracked(Session::config);
        if current.kind != kind
            || matches!(
                session.with_untracked(|s| s.source().clone()),
                ModelSource::SeedExample
            )
        {
            set_session.update(|s| s.set_config(ModelConfig { kind, ..current }));
        }
    };
    // Typing, and a committed change, in any of the panel's controls.
    let on_control = move |ev: leptos::ev::Event, committed: bool| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let id = target.id();
        if let Some(field) = field_of_id(&id) {
            if let Ok(input) = target.dyn_into::<HtmlInputElement>() {
                on_edit(field, input);
            }
        } else if committed && id == CELL_ID {
            on_cell(event_target_value(&ev));
        } else if committed && id == FORGET_BIAS_ID {
            on_forget_bias(event_target_checked(&ev));
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if closest_attr(&ev, "data-act").is_some_and(|(_, act)| act == SEED_EXAMPLE_ACT) {
            set_session.update(Session::use_seed_example);
            let cfg = session.with_untracked(Session::config);
            let all = form.write().reset(cfg);
            show(all);
        }
    };

    view! {
        <section
            class="model-panel"
            aria-label="Model"
            node_ref=section
            on:input=move |ev| on_control(ev, false)
            on:change=move |ev| on_control(ev, true)
            on:click=on_click
        ></section>
    }
}
