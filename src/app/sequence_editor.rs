//! Per-step editing of the input: preset buttons, then one small cell per timestep that can
//! be typed into, dragged (its ⇕ grip) or stepped with the arrow keys, with buttons to insert
//! a copy of a step or delete it. Every change goes through [`Session`], which rewrites the
//! input text, so the text field and the cells always agree. The rules (parsing, rounding,
//! drag rates) are plain functions in [`crate::state::editor`].

use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::hooks::{use_frame_coalescer, FrameCoalescer};
use super::{CurrentStep, PlaybackRead, SessionRead, SessionWrite};
use crate::state::editor::{
    cell_error_message, cell_label, format_cell, nudge, parse_cell, step_window, Drag,
    MAX_EDITABLE_STEPS,
};
use crate::state::{Preset, Session, SharedTrace};

/// The id of the message line (cells point at it with `aria-describedby` while invalid).
const ERROR_ID: &str = "sequence-editor-error";

/// A cell whose text was rejected. It is shown only while `trace` is still the current trace:
/// any new trace resets every cell to the session's values, so the message would be stale.
#[derive(Clone, PartialEq)]
struct CellError {
    t: usize,
    d: usize,
    message: String,
    trace: SharedTrace,
}

/// A drag in progress on the grip of cell (t, d).
#[derive(Clone, Copy)]
struct ActiveDrag {
    t: usize,
    d: usize,
    pointer_id: i32,
    drag: Drag,
}

/// The editor's state and actions; every field is a Copy handle, so this is Copy too.
#[derive(Clone, Copy)]
struct Editor {
    set_session: WriteSignal<Session>,
    trace: Memo<SharedTrace>,
    /// (T, D) of the last valid input.
    shape: Memo<(usize, usize)>,
    /// The steps shown (all, or the page of 64 holding the current step).
    window: Memo<std::ops::Range<usize>>,
    error: RwSignal<Option<CellError>>,
    /// The cell whose message is shown, if any: what each cell's bindings watch.
    invalid_cell: Memo<Option<(usize, usize)>>,
    drag: StoredValue<Option<ActiveDrag>>,
    /// The cell being dragged, for its highlight.
    dragging: RwSignal<Option<(usize, usize)>>,
    /// Drag values, one recompute per frame.
    drag_values: StoredValue<FrameCoalescer<(usize, usize, f32)>, LocalStorage>,
    list: NodeRef<html::Ol>,
}

impl Editor {
    /// The session's value of cell (t, d), if it exists (untracked).
    fn value(&self, t: usize, d: usize) -> Option<f32> {
        self.trace.with_untracked(|tr| tr.x().get((t, d)).copied())
    }

    /// The current message, if it still applies (tracked).
    fn current_error(&self) -> Option<CellError> {
        let trace = self.trace.get();
        self.error.get().filter(|e| e.trace == trace)
    }

    fn set(&self, t: usize, d: usize, v: f32) {
        self.error.set(None);
        self.set_session.update(|s| s.set_value(t, d, v));
    }

    fn checked(&self, t: usize, d: usize, text: &str) -> Option<f32> {
        match parse_cell(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let dims = self.shape.get_untracked().1;
                let message = cell_error_message(t, d, dims, &e);
                self.error.set(Some(CellError {
                    t,
                    d,
                    message,
                    trace: self.trace.get_untracked(),
                }));
                None
            }
        }
    }

    /// Typed text is committed (change event or Enter). Text equal to what the cell shows
    /// changes nothing, so a shortened display never rounds the stored value.
    fn commit(&self, t: usize, d: usize, text: &str) {
        let Some(current) = self.value(t, d) else {
            return;
        };
        if text.trim() == format_cell(current) {
            self.error.update(|e| {
                if e.as_ref().is_some_and(|e| (e.t, e.d) == (t, d)) {
                    *e = None;
                }
            });
            return;
        }
        if let Some(v) = self.checked(t, d, text) {
            self.set(t, d, v);
        }
    }

    fn on_key(&self, t: usize, d: usize, ev: KeyboardEvent) {
        let Some(input) = ev
            .target()
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(current) = self.value(t, d) else {
            return;
        };
        match ev.key().as_str() {
            "ArrowUp" | "ArrowDown" => {
                ev.prevent_default();
                let text = input.value();
                let base = if text.trim() == format_cell(current) {
                    current
                } else if let Some(v) = self.checked(t, d, &text) {
                    v
                } else {
                    return;
                };
                self.set(t, d, nudge(base, ev.key() == "ArrowUp", ev.shift_key()));
                // When the new value equals the old one the trace is new but the text is the
                // same, so the cell is not rewritten: put back what the session holds.
                if let Some(v) = self.value(t, d) {
                    input.set_value(&format_cell(v));
                }
            }
            "Enter" => {
                ev.prevent_default();
                self.commit(t, d, &input.value());
            }
            "Escape" => {
                input.set_value(&format_cell(current));
                self.error.update(|e| {
                    if e.as_ref().is_some_and(|e| (e.t, e.d) == (t, d)) {
                        *e = None;
                    }
                });
            }
            _ => {}
        }
    }

    fn drag_start(&self, t: usize, d: usize, ev: PointerEvent) {
        if ev.button() != 0 {
            return;
        }
        // No text selection, no focus change.
        ev.prevent_default();
        // Commit (via its change event) whatever is being typed in a cell before the drag
        // recomputes the trace and rewrites every cell.
        if let Some(active) = document()
            .active_element()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = active.blur();
        }
        let Some(value) = self.value(t, d) else {
            return;
        };
        if let Some(el) = ev
            .target()
            .and_then(|el| el.dyn_into::<web_sys::Element>().ok())
        {
            // Fails for synthetic events (no such active pointer); moves still arrive then.
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let drag = Drag::start(value, f64::from(ev.client_y()));
        self.drag.set_value(Some(ActiveDrag {
            t,
            d,
            pointer_id: ev.pointer_id(),
            drag,
        }));
        self.dragging.set(Some((t, d)));
    }

    fn drag_move(&self, ev: PointerEvent) {
        let step = self.drag.try_update_value(|active| {
            let a = active
                .as_mut()
                .filter(|a| a.pointer_id == ev.pointer_id())?;
            let v = a.drag.move_to(f64::from(ev.client_y()), ev.shift_key())?;
            Some((a.t, a.d, v))
        });
        if let Some(Some(step)) = step {
            ev.prevent_default();
            self.drag_values.with_value(|c| c.push(step));
        }
    }

    fn drag_end(&self, ev: PointerEvent) {
        let ours = self
            .drag
            .with_value(|a| a.is_some_and(|a| a.pointer_id == ev.pointer_id()));
        if ours {
            self.drag_values.with_value(FrameCoalescer::flush);
            self.drag.set_value(None);
            self.dragging.set(None);
        }
    }

    fn insert(&self, t: usize) {
        self.error.set(None);
        self.set_session.update(|s| s.insert_step(t));
    }

    fn delete(&self, t: usize) {
        let steps = self.shape.get_untracked().0;
        if steps <= 1 {
            return;
        }
        // The last step's buttons disappear with it: hand focus to the step before.
        let first = self.window.get_untracked().start;
        if t + 1 == steps && t > first {
            if let Some(list) = self.list.get_untracked() {
                // nth-child counts from 1 within the shown page.
                let selector = format!("li:nth-child({}) .se-del", t - first);
                if let Ok(Some(el)) = list.query_selector(&selector) {
                    let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            }
        }
        self.error.set(None);
        self.set_session.update(|s| s.delete_step(t));
    }
}

/// Editable per-step cells and presets.
#[component]
pub fn SequenceEditor() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let trace = Memo::new(move |_| session.with(Session::shared_trace));
    let shape = Memo::new(move |_| trace.with(|tr| (tr.steps(), tr.input_size())));
    let CurrentStep(current) = expect_context();
    let window = Memo::new(move |_| step_window(shape.get().0, current.get(), MAX_EDITABLE_STEPS));
    let error = RwSignal::new(None);
    let drag_values = use_frame_coalescer(move |(t, d, v): (usize, usize, f32)| {
        if trace.with_untracked(|tr| tr.x().get((t, d)).copied()) != Some(v) {
            error.set(None);
            set_session.update(|s| s.set_value(t, d, v));
        }
    });
    let ed = Editor {
        set_session,
        trace,
        shape,
        window,
        error,
        invalid_cell: Memo::new(move |_| {
            let trace = trace.get();
            error.with(|e| e.as_ref().filter(|e| e.trace == trace).map(|e| (e.t, e.d)))
        }),
        drag: StoredValue::new(None),
        dragging: RwSignal::new(None),
        drag_values,
        list: NodeRef::new(),
    };
    // Each Random click draws a new sequence.
    let random_seed = RwSignal::new(1u64);

    let presets = Preset::ALL
        .iter()
        .map(|&p| {
            let apply = move |_| {
                let seed = if p == Preset::Random {
                    let s = random_seed.get_untracked();
                    random_seed.set(s + 1);
                    s
                } else {
                    0
                };
                ed.error.set(None);
                ed.set_session.update(|s| s.apply_preset(p, seed));
            };
            view! { <button type="button" class="se-preset" on:click=apply>{p.label()}</button> }
        })
        .collect_view();

    let steps = move || {
        let dims = shape.get().1;
        window.get().map(|t| (t, dims)).collect::<Vec<_>>()
    };
    // Wider cells for longer step numbers, so every label reads "t=9937" in full.
    let steps_class = move || {
        let digits = window.get().end.max(1).ilog10() + 1;
        format!("se-steps se-digits-{}", digits.min(5))
    };
    // A long row of cells scrolls (by itself, not the page) to show the current step's cell,
    // unless playback is moving the step: that would cost a layout every frame.
    let PlaybackRead(playback) = expect_context();
    Effect::new(move |_| {
        let t = current.get();
        let w = window.get();
        if playback.with(|p| p.is_playing()) || !w.contains(&t) {
            return;
        }
        let Some(list) = ed.list.get() else { return };
        let Some(li) = list.children().item((t - w.start) as u32) else {
            return;
        };
        let (row, cell) = (
            list.get_bounding_client_rect(),
            li.get_bounding_client_rect(),
        );
        let centre = (row.width() - cell.width()) / 2.0;
        let target = f64::from(list.scroll_left()) + cell.left() - row.left() - centre;
        list.set_scroll_left(target.max(0.0) as i32);
    });
    let page_note = move || {
        let (t_len, w) = (shape.get().0, window.get());
        (w.len() < t_len).then(|| {
            view! {
                <p class="se-note">
                    {format!(
                        "Steps {}–{} of {t_len}: the page with the current step. Step through time to edit others, or edit the text above.",
                        w.start + 1,
                        w.end
                    )}
                </p>
            }
        })
    };
    let error_text = move || ed.current_error().map(|e| e.message);
    // With D > 1, a column naming the rows of cells (the cells' own names say it too).
    let dims = Memo::new(move |_| shape.get().1);
    let legend = move || {
        let d = dims.get();
        (d > 1).then(|| {
            let rows = (1..=d)
                .map(|k| view! { <span class="se-legend-x">"x["{k}"]"</span> })
                .collect_view();
            view! {
                <div class="se-legend" aria-hidden="true">
                    <span class="se-legend-head"></span>
                    {rows}
                </div>
            }
        })
    };

    view! {
        <section class="sequence-editor" aria-label="Edit steps">
            <div class="se-bar">
                <div class="se-presets" role="group" aria-label="Presets">
                    <span class="se-bar-label" aria-hidden="true">"Presets"</span>
                    {presets}
                </div>
                <p
                    class="se-hint"
                    title="Drag a step's ⇕ label up or down (Shift: finer), or press ↑ ↓ in a cell (±0.1, Shift: ±1)"
                >
                    "Drag "<span class="se-hint-grip" aria-hidden="true">"⇕"</span>" or press ↑ ↓ to adjust"
                </p>
            </div>
            {page_note}
            <div class="se-row">
                {legend}
                <ol class=steps_class aria-label="Steps" node_ref=ed.list>
                    <For
                        each=steps
                        key=|k| *k
                        children=move |(t, dims)| step_view(ed, t, dims)
                    />
                </ol>
            </div>
            <p id=ERROR_ID class="se-error" role="status">{error_text}</p>
        </section>
    }
}

/// One timestep: its label, insert/delete buttons and D cells. With D = 1 the label is the
/// cell's drag grip; with D > 1 each cell has its own grip.
fn step_view(ed: Editor, t: usize, dims: usize) -> impl IntoView {
    let n = t + 1;
    let cells = (0..dims).map(|d| cell_view(ed, t, d, dims)).collect_view();
    let insert_label = format!("Insert a step after step {n}");
    let delete_label = format!("Delete step {n}");
    let label = if dims == 1 {
        grip(
            ed,
            t,
            0,
            "se-t se-grip",
            view! { <span class="se-grip-icon">"⇕"</span>"t="{n} },
        )
        .into_any()
    } else {
        view! { <span class="se-t" aria-hidden="true">"t="{n}</span> }.into_any()
    };
    view! {
        <li class="se-step" class:se-multi={ dims > 1 }>
            <div class="se-head">
                {label}
                <button
                    type="button"
                    class="se-btn se-ins"
                    aria-label=insert_label.clone()
                    title=insert_label
                    on:click=move |_| ed.insert(t)
                >
                    "+"
                </button>
                <button
                    type="button"
                    class="se-btn se-del"
                    aria-label=delete_label.clone()
                    title=delete_label
                    disabled=move || { ed.shape.get().0 <= 1 }
                    on:click=move |_| ed.delete(t)
                >
                    "×"
                </button>
            </div>
            {cells}
        </li>
    }
}

/// A drag handle for cell (t, d): pointerdown captures the pointer, moves change the value.
fn grip(
    ed: Editor,
    t: usize,
    d: usize,
    class: &'static str,
    content: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <span
            class=class
            class:se-dragging=move || ed.dragging.get() == Some((t, d))
            aria-hidden="true"
            title="Drag up or down to change the value (Shift: finer)"
            on:pointerdown=move |ev: PointerEvent| ed.drag_start(t, d, ev)
            on:pointermove=move |ev: PointerEvent| ed.drag_move(ev)
            on:pointerup=move |ev: PointerEvent| ed.drag_end(ev)
            on:pointercancel=move |ev: PointerEvent| ed.drag_end(ev)
            on:lostpointercapture=move |ev: PointerEvent| ed.drag_end(ev)
        >
            {content}
        </span>
    }
}

/// The input for dimension `d` of step `t` (with its own grip when D > 1).
fn cell_view(ed: Editor, t: usize, d: usize, dims: usize) -> impl IntoView {
    // One memo per cell stands between the trace and the cell's five bindings: an edit
    // re-runs 64 small memos and re-renders only the cells whose value changed, instead of
    // re-running and re-subscribing every binding of every cell (which cost ~1 ms an edit).
    let value = Memo::new(move |_| ed.trace.with(|tr| tr.x().get((t, d)).copied()));
    let text = move || value.get().map(format_cell).unwrap_or_default();
    // A tooltip with the exact value, only when the cell shows it shortened.
    let exact = move || value.get().map(|v| v.to_string()).filter(|s| *s != text());
    let invalid = move || ed.invalid_cell.get() == Some((t, d));
    let own_grip = (dims > 1).then(|| grip(ed, t, d, "se-grip se-cell-grip", "⇕"));
    view! {
        <div
            class="se-cell"
            class:se-invalid=invalid
            class:se-dragging=move || ed.dragging.get() == Some((t, d))
        >
            {own_grip}
            <input
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                enterkeyhint="done"
                aria-label=cell_label(t, d, dims)
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=move || invalid().then_some(ERROR_ID)
                title=exact
                prop:value=text
                on:change=move |ev| ed.commit(t, d, &event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| ed.on_key(t, d, ev)
            />
        </div>
    }
}
