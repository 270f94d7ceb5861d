//! Per-step editing of the input: preset buttons, then one small cell per timestep that can
//! be typed into, dragged (its ⇕ grip) or stepped with the arrow keys, with buttons to insert
//! a copy of a step or delete it. Every change goes through [`Session`], which rewrites the
//! input text, so the text field and the cells always agree. The rules (parsing, rounding,
//! drag rates) are plain functions in [`crate::state::editor`]; the row of cells is a plain
//! tree ([`crate::state::editor_cells`]) patched into the list, whose events the list
//! handles for all its cells (a keyed `<For>` of `view!`s cost ~31 KB gzip of wasm).

use leptos::ev::{Event, KeyboardEvent, MouseEvent, PointerEvent};
use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::hooks::{use_frame_coalescer, FrameCoalescer};
use super::tree_view::{closest_attr, TreeHost};
use super::{CurrentStep, PlaybackRead, SessionRead, SessionWrite};
use crate::state::editor::{
    cell_error_message, format_cell, nudge, parse_cell, step_window, Drag, MAX_EDITABLE_STEPS,
};
use crate::state::editor_cells::{parse_grip, CellsView, ERROR_ID};
use crate::state::{Preset, Session, SharedTrace};

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

    /// A click on a step's insert or delete button.
    fn on_button(&self, ev: &MouseEvent) {
        let Some((el, act)) = closest_attr(ev, "data-act") else {
            return;
        };
        let Some(t) = el.get_attribute("data-t").and_then(|t| t.parse().ok()) else {
            return;
        };
        match act.as_str() {
            "ins" => self.insert(t),
            "del" => self.delete(t),
            _ => {}
        }
    }

    /// A cell's text committed (blur or Enter in the browser's own terms).
    fn on_change(&self, ev: &Event) {
        if let Some((t, d)) = cell_of(ev) {
            self.commit(t, d, &event_target_value(ev));
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

    // The row of cells follows the trace, the page of steps, the message and the drag. A
    // cell keeps its element (and so its focus) while its step stays at its place.
    let cells = TreeHost::new();
    Effect::new(move |_| {
        let (window, invalid, dragging) = (window.get(), ed.invalid_cell.get(), ed.dragging.get());
        let Some(list) = ed.list.get() else { return };
        let nodes = trace.with(|tr| {
            CellsView {
                x: tr.x(),
                window,
                invalid,
                dragging,
            }
            .steps()
        });
        cells.show(&list, nodes);
    });
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
                <ol
                    class=steps_class
                    aria-label="Steps"
                    node_ref=ed.list
                    on:click=move |ev: MouseEvent| ed.on_button(&ev)
                    on:change=move |ev: Event| ed.on_change(&ev)
                    on:keydown=move |ev: KeyboardEvent| {
                        if let Some((t, d)) = cell_of(&ev) {
                            ed.on_key(t, d, ev);
                        }
                    }
                    on:pointerdown=move |ev: PointerEvent| {
                        let grip = closest_attr(&ev, "data-grip").and_then(|(_, g)| parse_grip(&g));
                        if let Some((t, d)) = grip {
                            ed.drag_start(t, d, ev);
                        }
                    }
                    on:pointermove=move |ev: PointerEvent| ed.drag_move(ev)
                    on:pointerup=move |ev: PointerEvent| ed.drag_end(ev)
                    on:pointercancel=move |ev: PointerEvent| ed.drag_end(ev)
                    on:lostpointercapture=move |ev: PointerEvent| ed.drag_end(ev)
                ></ol>
            </div>
            <p id=ERROR_ID class="se-error" role="status">{error_text}</p>
        </section>
    }
}

/// The step and dimension of the cell an event happened in (its input's `data-t`/`data-d`).
fn cell_of(ev: &Event) -> Option<(usize, usize)> {
    let (el, d) = closest_attr(ev, "data-d")?;
    let t = el.get_attribute("data-t")?;
    Some((t.parse().ok()?, d.parse().ok()?))
}
