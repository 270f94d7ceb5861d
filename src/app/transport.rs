//! Play, pause, step and scrub through time.

use leptos::prelude::*;

use super::hooks::{use_animation_frames, use_transport_keys, TransportKey};
use super::{CurrentStep, PlaybackRead, PlaybackWrite, TraceSignal};
use crate::state::playback::{MAX_SPEED, MIN_SPEED};

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

    let act = move |f: fn(&mut crate::state::Playback, usize)| {
        move |_| {
            let n = steps.get_untracked();
            set_playback.update(|p| f(p, n));
        }
    };
    let speed_text = move || {
        let s = playback.with(|p| p.speed());
        format!(
            "{} steps/s",
            if s < 1.0 {
                format!("{s:.1}")
            } else {
                format!("{s:.0}")
            }
        )
    };

    view! {
        <section class="transport" aria-label="Playback">
            <button class="icon" aria-label="Go to start" title="Go to start (Home)" on:click=act(|p, n| p.seek(0, n))>
                <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 2h2v12H3zM14 2v12L6 8z" /></svg>
            </button>
            <button class="icon" aria-label="Step back" title="Step back (←)" on:click=act(|p, n| p.step_by(-1, n))>
                <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M12 2v12L4 8z" /></svg>
            </button>
            <button
                class="play"
                aria-label=move || if playing.get() { "Pause" } else { "Play" }
                title="Play / pause (Space)"
                on:click=act(|p, n| p.toggle(n))
            >
                {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button class="icon" aria-label="Step forward" title="Step forward (→)" on:click=act(|p, n| p.step_by(1, n))>
                <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2v12l8-6z" /></svg>
            </button>
            <button class="icon" aria-label="Go to end" title="Go to end (End)" on:click=act(|p, n| p.seek(usize::MAX, n))>
                <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M11 2h2v12h-2zM2 2v12l8-6z" /></svg>
            </button>
            <label class="scrub">
                <span class="step-readout" aria-hidden="true">
                    "t = "<b>{move || current.get() + 1}</b>" / "{move || steps.get()}
                </span>
                <input
                    type="range"
                    aria-label="Timestep"
                    min="1"
                    max=move || steps.get().to_string()
                    prop:value=move || (current.get() + 1).to_string()
                    aria-valuetext=move || format!("step {} of {}", current.get() + 1, steps.get())
                    on:input=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse::<usize>() {
                            let n = steps.get_untracked();
                            set_playback.update(|p| p.seek(t.saturating_sub(1), n));
                        }
                    }
                />
            </label>
            <label class="speed">
                <span>"Speed"</span>
                <input
                    type="range"
                    aria-label="Speed"
                    min=MIN_SPEED.to_string()
                    max=MAX_SPEED.to_string()
                    step="0.5"
                    prop:value=move || playback.with(|p| p.speed()).to_string()
                    aria-valuetext=speed_text
                    on:input=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse::<f64>() {
                            set_playback.update(|p| p.set_speed(s));
                        }
                    }
                />
                <output>{speed_text}</output>
            </label>
            <label class="loop">
                <input
                    type="checkbox"
                    prop:checked=move || playback.with(|p| p.is_looping())
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        set_playback.update(|p| p.set_looping(on));
                    }
                />
                "Loop"
            </label>
        </section>
    }
}
