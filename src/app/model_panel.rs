//! The model settings: hidden size, input size, seed, init scale, forget-gate bias, and the
//! seed article's example. Every valid edit recomputes at once; invalid text gets a message
//! at its field and leaves the session untouched. The rules live in
//! [`crate::state::model_form`] and are tested natively.

use leptos::{html, prelude::*};
use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;

use super::{SessionRead, SessionWrite};
use crate::model::CellKind;
use crate::state::model_form::{init_note, ModelForm, NumField};
use crate::state::{ModelConfig, ModelSource, Session};

/// Shown while the seed example is active: editing replaces its hand-set weights.
const EXAMPLE_NOTE: &str = "Any change here swaps in a seeded random init.";

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
    let is_example =
        Memo::new(move |_| session.with(|s| matches!(s.source(), ModelSource::SeedExample)));
    let form = RwSignal::new(ModelForm::new(session.with_untracked(Session::config)));
    let refs: [NodeRef<html::Input>; 4] = std::array::from_fn(|_| NodeRef::new());

    // Writes texts into the inputs. The inputs are otherwise left alone, so what the user
    // types (even text the browser cannot read as a number) is never overwritten.
    let show = move |changes: Vec<(NumField, String)>| {
        for (field, text) in changes {
            if let Some(input) = refs[field.index()].get_untracked() {
                input.set_value(&text);
            }
        }
    };
    // The session's settings changed (here or elsewhere): refresh the fields that hold
    // valid text, keep those the user is still fixing.
    Effect::new(move |_| {
        let cfg = config.get();
        // Untracked: `sync` changes only texts, which nothing renders reactively.
        let changes = form
            .try_update_untracked(|f| f.sync(cfg))
            .unwrap_or_default();
        show(changes);
    });

    let on_edit = move |field: NumField, ev: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
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
    let on_forget_bias = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
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
    let on_cell = move |ev: leptos::ev::Event| {
        let Ok(kind) = CellKind::parse(&event_target_value(&ev)) else {
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
    let on_seed_example = move |_| {
        set_session.update(Session::use_seed_example);
        let cfg = session.with_untracked(Session::config);
        let all = form.write().reset(cfg);
        show(all);
    };

    // Memoised so that retyping without changing a message does not re-announce it.
    let errors = Memo::new(move |_| {
        form.with(|f| NumField::ALL.map(|field| f.error(field).map(str::to_string)))
    });
    let fields = NumField::ALL
        .map(|field| {
            let (min, max, step) = field.bounds();
            let invalid = Memo::new(move |_| errors.with(|e| e[field.index()].is_some()));
            let initial = form.with_untracked(|f| f.text(field).to_string());
            view! {
                <div class="mp-field" class:invalid=move || invalid.get()>
                    <label for=field.id() title=field.hint()>{field.label()}</label>
                    <input
                        node_ref=refs[field.index()]
                        id=field.id()
                        type="number"
                        inputmode=if field == NumField::Scale { "decimal" } else { "numeric" }
                        min=min
                        max=(!max.is_empty()).then_some(max)
                        step=step
                        autocomplete="off"
                        value=initial
                        aria-invalid=move || if invalid.get() { "true" } else { "false" }
                        aria-describedby=move || invalid.get().then_some(field.message_id())
                        on:input=move |ev| on_edit(field, ev)
                        on:change=move |ev| on_edit(field, ev)
                    />
                </div>
            }
        })
        .into_iter()
        .collect::<Vec<_>>();
    let messages = move || {
        let mut shown: Vec<_> = errors.with(|errs| {
            NumField::ALL
                .iter()
                .zip(errs)
                .filter_map(|(&field, e)| {
                    e.clone().map(|e| {
                        view! { <p id=field.message_id() class="mp-error">{e}</p> }
                    })
                })
                .collect()
        });
        if let Some(e) = session.with(|s| s.model_error().map(str::to_string)) {
            shown.push(view! { <p id="model-error" class="mp-error">{e}</p> });
        }
        shown
    };
    let note = move || {
        if is_example.get() {
            EXAMPLE_NOTE.to_string()
        } else if session.with(|s| matches!(s.source(), ModelSource::Loaded(_))) {
            "Trained in this page; any change here swaps in a seeded random init.".to_string()
        } else if session.with(|s| matches!(s.source(), ModelSource::File(_))) {
            "Opened from a file; any change here swaps in a seeded random init.".to_string()
        } else {
            config.with(init_note)
        }
    };

    view! {
        <section class="model-panel" aria-label="Model">
            <div class="mp-head">
                <h2 class="mp-title">"Model"</h2>
                <p class="mp-active" aria-live="polite">
                    <span class="sr-only">"Active: "</span>
                    {move || session.with(Session::model_name)}
                </p>
            </div>
            <div class="mp-fields">{fields}</div>
            <div class="mp-errors" aria-live="polite">{messages}</div>
            <div class="mp-row">
                <span class="mp-cell">
                    <label for="model-cell" title="LSTM and GRU have long-term memory (gates); the RNN is the traditional network without it">
                        "Cell"
                    </label>
                    <select id="model-cell" on:change=on_cell prop:value=move || config.with(|c| c.kind.name())>
                        <option value="lstm">"LSTM"</option>
                        <option value="gru">"GRU"</option>
                        <option value="rnn">"RNN (tanh)"</option>
                    </select>
                </span>
                <span class="mp-check">
                    <input
                        id="model-forget-bias"
                        type="checkbox"
                        prop:checked=move || config.with(|c| c.forget_bias_one)
                        disabled=move || config.with(|c| c.kind != CellKind::Lstm)
                        on:change=on_forget_bias
                    />
                    <label
                        for="model-forget-bias"
                        title="Set the LSTM's forget-gate bias to 1 (Jozefowicz et al. 2015) instead of drawing it at random"
                    >
                        "Forget-gate bias 1"
                    </label>
                </span>
                <button
                    type="button"
                    class="mp-seed"
                    class:current=move || is_example.get()
                    title="The seed article's LSTM (H = 4, D = 1) and its input 1, 2, 3, 4, 5"
                    on:click=on_seed_example
                >
                    "Seed article example"
                </button>
            </div>
            <p class="mp-note">{note}</p>
        </section>
    }
}
