//! Interventions: force a gate or a state, see what changes, clear them in one click; and
//! the presets that teach with them.

use leptos::prelude::*;

use super::tree_view::{closest_attr, TreeHost};
use super::{Explained, PlaybackWrite, SessionRead, SessionWrite};
use crate::model::{Intervention, Series};
use crate::state::intervention_form::{describe, targets, Draft};
use crate::state::teaching::Lesson;
use crate::viz::tree::html;

/// The "Interventions" panel: a form (what, unit, steps, value), the active list with a
/// remove button each and "Clear all", the teaching presets, and messages where the user
/// is looking.
#[component]
pub fn InterventionsPanel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let ex = expect_context::<Explained>();
    let PlaybackWrite(set_playback) = expect_context();
    let kind = Memo::new(move |_| session.with(|s| s.params().kind()));
    let list = Memo::new(move |_| session.with(|s| s.interventions().to_vec()));
    let series = RwSignal::new(Series::F);
    // A cell switch leaves a target the new cell lacks: fall back to its first.
    Effect::new(move |_| {
        let options = targets(kind.get());
        if !options.contains(&series.get_untracked()) {
            series.set(options[0]);
        }
    });
    // One unit (the explainer's) or every unit.
    let one_unit = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let value = RwSignal::new("1".to_string());
    let (message, set_message) = signal(None::<String>);
    let (told, set_told) = signal(None::<&'static str>);

    let apply = move |new: Vec<Intervention>| {
        let mut result = Ok(());
        set_session.update(|s| result = s.set_interventions(new));
        set_message.set(result.err());
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = Draft {
            series: series.get_untracked(),
            unit: one_unit.get_untracked().then(|| ex.unit.get_untracked()),
            from: from.get_untracked(),
            to: to.get_untracked(),
            value: value.get_untracked(),
        };
        let (k, h, steps) = session.with_untracked(|s| {
            (
                s.params().kind(),
                s.params().hidden_size(),
                s.view_trace().steps(),
            )
        });
        match draft.build(k, h, steps) {
            Ok(iv) => {
                let mut all = list.get_untracked();
                all.push(iv);
                apply(all);
                set_told.set(None);
            }
            Err(e) => set_message.set(Some(e)),
        }
    };
    let remove = move |k: usize| {
        let mut all = list.get_untracked();
        if k < all.len() {
            all.remove(k);
            apply(all);
        }
    };
    let clear = move |_| {
        apply(Vec::new());
        set_told.set(None);
    };
    let zero_h = move |_| {
        let (steps, h) =
            session.with_untracked(|s| (s.view_trace().steps(), s.params().hidden_size()));
        let u = ex.unit.get_untracked().min(h.saturating_sub(1));
        let mut all = list.get_untracked();
        all.push(Intervention {
            series: Series::H,
            unit: Some(u),
            steps: 0..=steps.saturating_sub(1),
            value: 0.0,
        });
        apply(all);
    };
    let use_lesson = move |lesson: Lesson| {
        let d = session.with_untracked(|s| s.params().input_size());
        let x = lesson.input(d);
        let mut result = Ok(());
        set_session.update(|s| {
            s.set_x(&x);
            result = s.set_interventions(lesson.interventions(x.nrows()));
        });
        set_message.set(result.err());
        set_told.set(Some(lesson.sentence()));
        // The whole story at once: every step drawn, none dimmed as "not yet played".
        set_playback.update(|p| p.seek(usize::MAX, x.nrows()));
    };

    // The lists (gates to force, presets, active interventions) are trees patched into
    // their containers (see `tree_view`), with delegated clicks: far less wasm than a
    // `view!` type per list.
    let options_el = NodeRef::<leptos::html::Select>::new();
    let presets_el = NodeRef::<leptos::html::Div>::new();
    let list_el = NodeRef::<leptos::html::Ul>::new();
    let (options_host, presets_host, list_host) =
        (TreeHost::new(), TreeHost::new(), TreeHost::new());
    Effect::new(move |_| {
        let (kind, chosen) = (kind.get(), series.get());
        let options = targets(kind)
            .into_iter()
            .map(|s| {
                let verb = if matches!(s, Series::C | Series::H) {
                    "set"
                } else {
                    "clamp"
                };
                html("option")
                    .attr("value", s.symbol())
                    .attr_if(s == chosen, "selected", "")
                    .text(format!("{verb} {}", s.label()))
                    .into()
            })
            .collect();
        if let Some(el) = options_el.get() {
            options_host.show(&el, options);
            el.set_value(chosen.symbol());
        }
        let presets = Lesson::for_kind(kind)
            .iter()
            .enumerate()
            .map(|(k, l)| {
                html("button")
                    .class("lesson")
                    .attr("type", "button")
                    .attr("data-lesson", k.to_string())
                    .text(l.label())
                    .into()
            })
            .collect();
        if let Some(el) = presets_el.get() {
            presets_host.show(&el, presets);
        }
    });
    Effect::new(move |_| {
        let items = list.with(|all| {
            all.iter()
                .enumerate()
                .map(|(k, iv)| {
                    let text = describe(iv);
                    // Named by hidden text, not aria-label, so label queries meet only fields.
                    html("li")
                        .child(html("span").class("iv-text").text(text.clone()))
                        .child(
                            html("button")
                                .class("iv-remove")
                                .attr("type", "button")
                                .attr("title", "Remove")
                                .attr("data-remove", k.to_string())
                                .child(html("span").attr("aria-hidden", "true").text("×"))
                                .child(
                                    html("span").class("sr-only").text(format!("Remove {text}")),
                                ),
                        )
                        .into()
                })
                .collect()
        });
        if let Some(el) = list_el.get() {
            list_host.show(&el, items);
        }
    });
    let on_preset = move |ev: leptos::ev::MouseEvent| {
        let picked = closest_attr(&ev, "data-lesson")
            .and_then(|(_, k)| k.parse::<usize>().ok())
            .and_then(|k| Lesson::for_kind(kind.get_untracked()).get(k).copied());
        if let Some(lesson) = picked {
            use_lesson(lesson);
        }
    };
    let on_remove = move |ev: leptos::ev::MouseEvent| {
        if let Some(k) = closest_attr(&ev, "data-remove").and_then(|(_, k)| k.parse().ok()) {
            remove(k);
        }
    };
    let on_series = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(s) = targets(kind.get_untracked())
            .into_iter()
            .find(|s| s.symbol() == v)
        {
            series.set(s);
        }
    };
    let explained_unit = move || {
        let h = session.with(|s| s.params().hidden_size());
        format!(
            "unit {} (the explained one)",
            ex.unit.get().min(h.saturating_sub(1)) + 1
        )
    };
    let only_layer0 = move || {
        session.with(|s| {
            s.layers()
                .map(|_| "Interventions act on layer 1 →; the layers above read its output.")
        })
    };

    view! {
        <section class="interventions" aria-label="Interventions">
            <h2>"Interventions"</h2>
            <p class="iv-help">"Take over a gate or a state and watch what changes. Forced cells are hatched in the heatmaps."</p>
            <div class="lessons" role="group" aria-label="Presets that teach" node_ref=presets_el on:click=on_preset></div>
            {move || told.get().map(|t| view! { <p class="lesson-note">{t}</p> })}
            <form class="iv-form" on:submit=add>
                <label>"Force" <select node_ref=options_el on:change=on_series></select></label>
                <label>
                    "Apply to"
                    <select on:change=move |ev| one_unit.set(event_target_value(&ev) == "one")>
                        <option value="all" selected=move || !one_unit.get()>"every unit"</option>
                        <option value="one" selected=move || one_unit.get()>{explained_unit}</option>
                    </select>
                </label>
                <label>"From step" <input id="iv-from" aria-describedby="iv-msg" type="text" inputmode="numeric" placeholder="1" size="4" bind:value=from /></label>
                <label>"To step" <input id="iv-to" aria-describedby="iv-msg" type="text" inputmode="numeric" placeholder="last" size="4" bind:value=to /></label>
                <label>"Set to" <input id="iv-value" aria-describedby="iv-msg" type="text" inputmode="decimal" size="5" bind:value=value /></label>
                <button type="submit">"Add"</button>
            </form>
            <div class="iv-quick">
                <button on:click=zero_h>{move || {
                    let h = session.with(|s| s.params().hidden_size());
                    format!("Zero h of unit {}", ex.unit.get().min(h.saturating_sub(1)) + 1)
                }}</button>
                <button on:click=clear disabled=move || list.with(Vec::is_empty)>"Clear all interventions"</button>
            </div>
            <p class="iv-message" id="iv-msg" role="status">{move || message.get()}</p>
            <ul class="iv-list" aria-label="Active interventions" node_ref=list_el on:click=on_remove></ul>
            <p class="iv-help">{only_layer0}</p>
        </section>
    }
}
