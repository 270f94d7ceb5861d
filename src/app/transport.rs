//! Play, pause, step and scrub through time. The bar's contents are a plain tree
//! ([`crate::state::transport_view`]) patched into the section, which handles its controls'
//! events.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::hooks::{use_animation_frames, use_transport_keys, TransportKey};
use super::tree_view::{closest_attr, TreeHost};
use super::{CurrentStep, PlaybackRead, PlaybackWrite, TraceSignal};
use crate::state::transport_view::{transport, TransportAct};

/// The transport bar: Play/Pause, step and jump buttons, the "Timestep" slider, speed and
/// loop. Also owns the animation loop and the keyboard shortcuts.
#[component]
pub fn Transport(
    /// The trace being played (for its length).
    trace: TraceSignal,
) -> impl IntoView {
    let PlaybackRead(playback) = expect_context();
    let PlaybackWrite(set_playback) = expect_context();
    let CurrentStep(current) = expect_context();
    let steps = Memo::new(move |_| trace.with(|t| t.steps()));
    let playing = Signal::derive(move || playback.with(|p| p.is_playing()));

    use_animation_frames(playing, move |dt| {
        let n = steps.get_untracked();
        set_playback.update(|p| {
            p.tick(dt, n);
        });
    });
    use_transport_keys(move |key| {
        let n = steps.get_untracked();
        set_playback.update(|p| match key {
            TransportKey::PlayPause => p.toggle(n),
            TransportKey::Back => p.step_by(-1, n),
            TransportKey::Forward => p.step_by(1, n),
            TransportKey::Start => p.seek(0, n),
            TransportKey::End => p.seek(n.saturating_sub(1), n),
        });
    });

    let section = NodeRef::<html::Section>::new();
    let host = TreeHost::new();
    Effect::new(move |_| {
        let nodes = playback.with(|p| transport(p, current.get(), steps.get()));
        if let Some(el) = section.get() {
            host.show(&el, nodes);
        }
    });
    // Clicks on the buttons, moves of the sliders, and "Loop".
    let on_control = move |ev: &web_sys::Event| {
        let Some((el, act)) = closest_attr(ev, "data-act") else {
            return;
        };
        let Some(act) = TransportAct::parse(&act) else {
            return;
        };
        let n = steps.get_untracked();
        let input = el.dyn_into::<web_sys::HtmlInputElement>().ok();
        set_playback.update(|p| match act {
            TransportAct::Start => p.seek(0, n),
            TransportAct::Back => p.step_by(-1, n),
            TransportAct::PlayPause => p.toggle(n),
            TransportAct::Forward => p.step_by(1, n),
            TransportAct::End => p.seek(usize::MAX, n),
            TransportAct::Seek => {
                if let Some(t) = input.and_then(|i| i.value().parse::<usize>().ok()) {
                    p.seek(t.saturating_sub(1), n);
                }
            }
            TransportAct::Speed => {
                if let Some(s) = input.and_then(|i| i.value().parse::<f64>().ok()) {
                    p.set_speed(s);
                }
            }
            TransportAct::Loop => {
                if let Some(i) = input {
                    p.set_looping(i.checked());
                }
            }
        });
    };
    view! {
        <section
            class="transport"
            aria-label="Playback"
            node_ref=section
            on:click=move |ev| {
                // A slider or the checkbox acts on its input or change event, not on click.
                let on_input = ev
                    .target()
                    .is_some_and(|t| t.dyn_ref::<web_sys::HtmlInputElement>().is_some());
                if !on_input {
                    on_control(&ev);
                }
            }
            on:input=move |ev| {
                let loop_box = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .is_some_and(|i| i.type_() == "checkbox");
                if !loop_box {
                    on_control(&ev);
                }
            }
            on:change=move |ev| {
                let loop_box = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .is_some_and(|i| i.type_() == "checkbox");
                if loop_box {
                    on_control(&ev);
                }
            }
        ></section>
    }
}
