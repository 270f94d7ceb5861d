//! The "Lessons" panel: pick a lesson (`state::lessons`), read a step, and go Back or Next.
//! A step's state is a link fragment applied to a fresh session (the link's own checks);
//! its part of the page is outlined; an action step lights "Next" once the learner did it.

use std::time::Duration;

use leptos::prelude::*;

use super::{Explained, PlaybackWrite, SelectionWrite, SessionRead, SessionWrite};
use crate::state::lessons::{Action, LESSONS};
use crate::state::link::decode;
use crate::state::Session;

/// How often an action that shows in the page (a button's effect) is checked.
const CHECK_EVERY: Duration = Duration::from_millis(250);

/// Lesson and step on show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct At {
    lesson: Option<usize>,
    step: usize,
}

impl At {
    fn of(v: Option<(usize, usize)>) -> Self {
        v.map_or(Self::default(), |(l, s)| Self {
            lesson: Some(l),
            step: s,
        })
    }

    fn pair(self) -> Option<(usize, usize)> {
        self.lesson.map(|l| (l, self.step))
    }
}

#[component]
pub fn LessonPanel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let PlaybackWrite(set_playback) = expect_context();
    let SelectionWrite(set_selection) = expect_context();
    let super::CurrentStep(current) = expect_context();
    let ex = expect_context::<Explained>();
    let views = expect_context::<super::Views>();
    let shared = views.lesson;
    let at = Signal::derive(move || At::of(shared.get()));
    let set_at = move |a: At| shared.set(a.pair());
    let done = RwSignal::new(false);
    let step_of = move |a: At| {
        a.lesson
            .and_then(|l| LESSONS.get(l))
            .and_then(|l| l.steps.get(a.step).copied())
    };

    // Applies a step's state when the step changes.
    Effect::new(move |first: Option<()>| {
        let a = at.get();
        done.set(false);
        // A link that opens on a lesson step carries the state as it was left.
        if first.is_none() {
            return;
        }
        let Some(step) = step_of(a) else { return };
        if let Some(pairs) = step.pairs() {
            let (link, _) = decode(&pairs);
            views.chart.set(link.views.chart);
            views.compare.set(link.views.compare.clone());
            let mut s = Session::seed_example();
            link.apply(&mut s);
            let (steps, units) = (s.x().nrows(), s.params().hidden_size());
            let v = link.view(steps, units);
            set_session.set(s);
            set_selection.set(v.selection);
            let seek = move || {
                set_playback.try_update(|p| {
                    p.pause();
                    p.seek(v.step.unwrap_or(usize::MAX), steps);
                });
            };
            seek();
            // Again after the app has fitted the transport to the new trace's length.
            set_timeout(seek, Duration::ZERO);
            ex.unit.set(v.unit.unwrap_or(0));
            ex.walk.set(None);
        }
    });
    // Points at the step's part of the page, again when a view whose code loads on demand
    // appears (the part may be one).
    let shown = use_context::<super::chunk::ChunksShown>();
    Effect::new(move |prev: Option<Option<&'static str>>| {
        let target = step_of(at.get()).map(|s| s.highlight);
        if let Some(super::chunk::ChunksShown(n)) = shown {
            n.track();
        }
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(doc) = &doc {
            for sel in [prev.flatten(), target].into_iter().flatten() {
                if let Ok(Some(el)) = doc.query_selector(sel) {
                    let _ = el
                        .class_list()
                        .toggle_with_force("lesson-target", Some(sel) == target);
                }
            }
        }
        target
    });
    // The learner's action: reactive ones at once, page ones on a timer.
    Effect::new(move |_| {
        let Some((action, _)) = step_of(at.get()).and_then(|s| s.action) else {
            return;
        };
        let now = match action {
            Action::PlayToEnd => {
                let last = session.with(|s| s.view_trace().steps()).saturating_sub(1);
                current.get() == last
            }
            Action::Walk => ex.walk.get().is_some(),
            Action::Intervene => session.with(|s| !s.interventions().is_empty()),
            Action::Shows(_) => false,
        };
        if now {
            done.set(true);
        }
    });
    let ticker = StoredValue::new_local(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Some(Some(h)) = ticker.try_update_value(Option::take) {
            h.clear();
        }
        let Some((Action::Shows(sel), _)) = step_of(at.get()).and_then(|s| s.action) else {
            return;
        };
        let check = move || {
            let found = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(sel).ok().flatten())
                .is_some();
            if found {
                done.try_set(true);
            }
        };
        if let Ok(h) = set_interval_with_handle(check, CHECK_EVERY) {
            ticker.set_value(Some(h));
        }
    });
    on_cleanup(move || {
        if let Some(Some(h)) = ticker.try_update_value(Option::take) {
            h.clear();
        }
    });

    let pick = move |ev: leptos::ev::Event| {
        let lesson = event_target_value(&ev)
            .parse::<usize>()
            .ok()
            .filter(|&l| l < LESSONS.len());
        set_at(At { lesson, step: 0 });
    };
    let go = move |delta: isize| {
        let mut a = at.get_untracked();
        if let Some(n) = a.lesson.and_then(|l| LESSONS.get(l)).map(|l| l.steps.len()) {
            a.step = a.step.saturating_add_signed(delta).min(n - 1);
            set_at(a);
        }
    };
    let body = move || {
        let a = at.get();
        let l = a.lesson?;
        let lesson = LESSONS.get(l)?;
        let step = lesson.steps.get(a.step).copied()?;
        let last = a.step + 1 == lesson.steps.len();
        let waiting = move || step.action.is_some() && !done.get();
        Some(view! {
            <div class="lesson-step">
                <p class="lesson-count">{format!("Step {} of {}", a.step + 1, lesson.steps.len())}</p>
                <h3>{step.title}</h3>
                <p>{step.text}</p>
                {step.action.map(|(_, ask)| view! {
                    <p class="lesson-ask" class:done=move || done.get()>
                        {move || if done.get() { "✓ " } else { "→ " }}{ask}
                    </p>
                })}
                <div class="lesson-nav">
                    <button on:click=move |_| go(-1) disabled=a.step == 0>"Previous"</button>
                    {(!last).then(|| view! {
                        <button class="lesson-next" on:click=move |_| go(1) disabled=waiting>"Next step"</button>
                    })}
                    {last.then(|| view! {
                        <button on:click=move |_| set_at(At::default())>"Finish"</button>
                    })}
                </div>
            </div>
        })
    };
    let options = LESSONS
        .iter()
        .enumerate()
        .map(|(k, l)| view! { <option value=k.to_string()>{l.title}</option> })
        .collect_view();
    view! {
        <section class="lessons-panel" aria-label="Lessons">
            <div class="lesson-head">
                <h2>"Lessons"</h2>
                <label>
                    "Lesson"
                    <select on:change=pick prop:value=move || at.get().lesson.map_or(String::new(), |l| l.to_string())>
                        <option value="">"Choose a lesson…"</option>
                        {options}
                    </select>
                </label>
            </div>
            {body}
        </section>
    }
}
