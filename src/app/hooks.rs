//! Browser timing and input hooks, each cleaning up after itself (leptos-use style).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::ev;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `on_frame(dt_seconds)` on every animation frame while `active` is true; stops
/// requesting frames when it turns false and cancels the pending frame on cleanup.
pub fn use_animation_frames(active: Signal<bool>, on_frame: impl FnMut(f64) + 'static) {
    type FrameFn = Closure<dyn FnMut(f64)>;
    let pending: Rc<Cell<Option<i32>>> = Rc::default();
    let last: Rc<Cell<Option<f64>>> = Rc::default();
    let callback: Rc<RefCell<Option<FrameFn>>> = Rc::default();
    let on_frame = Rc::new(RefCell::new(on_frame));

    let request = {
        let (pending, callback) = (pending.clone(), callback.clone());
        move || {
            if pending.get().is_some() {
                return;
            }
            let Some(window) = web_sys::window() else {
                return;
            };
            if let Some(cb) = callback.borrow().as_ref() {
                pending.set(
                    window
                        .request_animation_frame(cb.as_ref().unchecked_ref())
                        .ok(),
                );
            }
        }
    };
    {
        let (pending, last, request) = (pending.clone(), last.clone(), request.clone());
        *callback.borrow_mut() = Some(Closure::new(move |now: f64| {
            pending.set(None);
            let dt = last.get().map_or(0.0, |l| (now - l) / 1000.0);
            last.set(Some(now));
            (on_frame.borrow_mut())(dt);
            if active.try_get_untracked().unwrap_or(false) {
                request();
            } else {
                last.set(None);
            }
        }));
    }
    Effect::new(move |_| {
        if active.get() {
            request();
        }
    });
    let cleanup = SendWrapper::new(move || {
        if let (Some(id), Some(window)) = (pending.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
        callback.borrow_mut().take();
    });
    on_cleanup(move || (cleanup.take())());
}

/// Global transport keys: Space plays/pauses, ←/→ step, Home/End jump. Keys typed into
/// text fields are left alone, and Space/Enter on a focused button or disclosure summary keep their usual meaning.
pub fn use_transport_keys(on_key: impl Fn(TransportKey) + 'static) {
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let tag = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| el.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(tag.as_str(), "input" | "textarea" | "select") {
            return;
        }
        let key = match e.key().as_str() {
            " " | "Spacebar" if !matches!(tag.as_str(), "button" | "summary") => {
                TransportKey::PlayPause
            }
            "ArrowLeft" => TransportKey::Back,
            "ArrowRight" => TransportKey::Forward,
            "Home" => TransportKey::Start,
            "End" => TransportKey::End,
            _ => return,
        };
        e.prevent_default();
        on_key(key);
    });
    on_cleanup(move || handle.remove());
}

/// What a transport key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKey {
    PlayPause,
    Back,
    Forward,
    Start,
    End,
}

/// The CSS-pixel size of a canvas, kept current by a `ResizeObserver`. Drawing code reads
/// this signal instead of `clientWidth`, which would force a synchronous layout of the whole
/// page after every DOM change. The first size is read once, when the canvas mounts.
pub fn use_canvas_size(canvas: NodeRef<leptos::html::Canvas>) -> ReadSignal<Option<(f64, f64)>> {
    let (size, set_size) = signal(None::<(f64, f64)>);
    type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
    let observer: Rc<RefCell<Option<Observer>>> = Rc::default();
    let slot = observer.clone();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if slot.borrow().is_some() {
            return;
        }
        set_size.set(Some((el.client_width() as f64, el.client_height() as f64)));
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                let r = entry.content_rect();
                let new = Some((r.width(), r.height()));
                if size.try_get_untracked().is_some_and(|old| old != new) {
                    set_size.try_set(new);
                }
            }
        });
        if let Ok(obs) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
            obs.observe(&el);
            *slot.borrow_mut() = Some((obs, cb));
        }
    });
    let cleanup = SendWrapper::new(move || {
        if let Some((obs, _cb)) = observer.borrow_mut().take() {
            obs.disconnect();
        }
    });
    on_cleanup(move || (cleanup.take())());
    size
}

/// Whether `node` is on screen (within 100 px of the viewport), kept by an
/// `IntersectionObserver`. False until the first report, which comes with the first frame
/// after the element mounts.
pub fn use_on_screen<E>(node: NodeRef<E>) -> ReadSignal<bool>
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let (on_screen, set_on_screen) = signal(false);
    type Observer = (
        web_sys::IntersectionObserver,
        Closure<dyn FnMut(js_sys::Array)>,
    );
    let observer: Rc<RefCell<Option<Observer>>> = Rc::default();
    let slot = observer.clone();
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if slot.borrow().is_some() {
            return;
        }
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The newest entry is the element's present state.
            let last = entries.length().checked_sub(1).map(|k| entries.get(k));
            if let Some(entry) = last
                .as_ref()
                .and_then(|e| e.dyn_ref::<web_sys::IntersectionObserverEntry>())
            {
                let now = entry.is_intersecting();
                if on_screen.try_get_untracked().is_some_and(|old| old != now) {
                    set_on_screen.try_set(now);
                }
            }
        });
        let init = web_sys::IntersectionObserverInit::new();
        init.set_root_margin("100px");
        if let Ok(obs) =
            web_sys::IntersectionObserver::new_with_options(cb.as_ref().unchecked_ref(), &init)
        {
            obs.observe(el.unchecked_ref());
            *slot.borrow_mut() = Some((obs, cb));
        }
    });
    let cleanup = SendWrapper::new(move || {
        if let Some((obs, _cb)) = observer.borrow_mut().take() {
            obs.disconnect();
        }
    });
    on_cleanup(move || (cleanup.take())());
    on_screen
}

/// Keeps a view in step with `inputs`: `draw(inputs)` runs at once while `node` is on
/// screen, and after the next paint while it is not, so an edit's frame is not spent on views
/// nobody sees (the DOM and the canvas still follow within a frame, for screen readers and
/// exports). `inputs` is tracked like an effect; `draw` is not. A newer change cancels a
/// waiting draw; so does cleanup.
pub fn use_view_update<E, T>(
    node: NodeRef<E>,
    inputs: impl Fn() -> Option<T> + 'static,
    draw: impl Fn(T) + 'static,
) where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
    T: 'static,
{
    let on_screen = use_on_screen(node);
    let pending = StoredValue::new_local(None::<Deferred>);
    let cancel = move || {
        if let Some(Some(d)) = pending.try_update_value(Option::take) {
            d.cancel();
        }
    };
    let draw = Rc::new(draw);
    Effect::new(move |_| {
        let now = on_screen.get();
        let Some(value) = inputs() else { return };
        cancel();
        if now {
            untrack(|| draw(value));
        } else {
            let draw = draw.clone();
            pending.set_value(Some(Deferred::after_paint(move || untrack(|| draw(value)))));
        }
    });
    on_cleanup(cancel);
}

/// Work scheduled for after the next paint: an animation frame, then a zero-delay timeout.
/// Dropping it does nothing; [`Deferred::cancel`] stops whichever of the two is pending and
/// drops the work at once, with everything it captured. (The browser's callbacks only hold
/// the empty slot then: a cancelled callback is never called, and what a never-called
/// callback captures is not freed, which with a trace captured was 60 MB a cancelled frame
/// at T = 10 000, H = 256.)
pub struct Deferred {
    work: Job,
    frame: Rc<Cell<Option<AnimationFrameRequestHandle>>>,
    timeout: Rc<Cell<Option<TimeoutHandle>>>,
}

/// The work of a [`Deferred`], shared with the browser's callbacks until it runs or is dropped.
type Job = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

impl Deferred {
    /// Runs `work` once the frame that shows the current change has been painted.
    pub fn after_paint(work: impl FnOnce() + 'static) -> Self {
        let work: Job = Rc::new(RefCell::new(Some(Box::new(work))));
        let frame: Rc<Cell<Option<AnimationFrameRequestHandle>>> = Rc::default();
        let timeout: Rc<Cell<Option<TimeoutHandle>>> = Rc::default();
        let (slot, done, job) = (timeout.clone(), frame.clone(), work.clone());
        let handle = request_animation_frame_with_handle(move || {
            done.set(None);
            let run = move || {
                // Taken before it runs, so the slot is not borrowed while it does.
                let next = job.borrow_mut().take();
                if let Some(f) = next {
                    f();
                }
            };
            slot.set(set_timeout_with_handle(run, std::time::Duration::ZERO).ok());
        });
        frame.set(handle.ok());
        Self {
            work,
            frame,
            timeout,
        }
    }

    /// Cancels the frame or the timeout, whichever has not run yet, and drops the work.
    pub fn cancel(self) {
        if let Some(h) = self.frame.take() {
            h.cancel();
        }
        if let Some(h) = self.timeout.take() {
            h.clear();
        }
        let work = self.work.borrow_mut().take();
        drop(work);
    }
}

/// Keeps only the newest value pushed within one animation frame and hands it to `apply`
/// at the next frame: pointer moves can arrive faster than frames, and each would otherwise
/// recompute the trace. [`FrameCoalescer::flush`] applies a waiting value at once (at the
/// end of a drag, so the last position always lands). The pending frame is cancelled on
/// cleanup.
pub fn use_frame_coalescer<T: 'static>(
    apply: impl Fn(T) + 'static,
) -> StoredValue<FrameCoalescer<T>, LocalStorage> {
    let inner = Rc::new(CoalescerInner {
        latest: RefCell::new(None),
        frame: Cell::new(None),
        apply: Box::new(apply),
    });
    let stored = StoredValue::new_local(FrameCoalescer(inner.clone()));
    // on_cleanup needs Send; this hook only ever runs on the page's one thread.
    let inner = SendWrapper::new(inner);
    on_cleanup(move || {
        if let Some(h) = inner.frame.take() {
            h.cancel();
        }
        inner.latest.borrow_mut().take();
    });
    stored
}

/// See [`use_frame_coalescer`].
pub struct FrameCoalescer<T>(Rc<CoalescerInner<T>>);

struct CoalescerInner<T> {
    latest: RefCell<Option<T>>,
    frame: Cell<Option<AnimationFrameRequestHandle>>,
    apply: Box<dyn Fn(T)>,
}

impl<T: 'static> FrameCoalescer<T> {
    /// Replaces the waiting value; asks for a frame if none is pending.
    pub fn push(&self, value: T) {
        *self.0.latest.borrow_mut() = Some(value);
        let pending = self.0.frame.take();
        let idle = pending.is_none();
        self.0.frame.set(pending);
        if idle {
            let inner = self.0.clone();
            let handle = request_animation_frame_with_handle(move || {
                inner.frame.set(None);
                CoalescerInner::run(&inner);
            });
            self.0.frame.set(handle.ok());
        }
    }

    /// Applies the waiting value now, if there is one, and cancels its frame.
    pub fn flush(&self) {
        if let Some(h) = self.0.frame.take() {
            h.cancel();
        }
        CoalescerInner::run(&self.0);
    }
}

impl<T> CoalescerInner<T> {
    fn run(inner: &Rc<Self>) {
        // Taken before `apply` runs, so an `apply` that pushes again does not re-borrow.
        let value = inner.latest.borrow_mut().take();
        if let Some(v) = value {
            (inner.apply)(v);
        }
    }
}

/// Drag-and-drop of a file anywhere on the page: calls `on_file` with the first dropped
/// file, and returns whether a file is being dragged over the page (for a drop hint).
/// Without this the browser would open a dropped file in place of the app.
pub fn use_file_drop(on_file: impl Fn(web_sys::File) + 'static) -> ReadSignal<bool> {
    let (dragging, set_dragging) = signal(false);
    let has_files = |e: &web_sys::DragEvent| {
        e.data_transfer()
            .map(|dt| {
                dt.types()
                    .iter()
                    .any(|t| t.as_string().as_deref() == Some("Files"))
            })
            .unwrap_or(false)
    };
    let over = window_event_listener(ev::dragover, move |e: web_sys::DragEvent| {
        if has_files(&e) {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !dragging.get_untracked() {
                set_dragging.set(true);
            }
        }
    });
    // Leaving the window (no element to enter) ends the hint.
    let leave = window_event_listener(ev::dragleave, move |e: web_sys::DragEvent| {
        if e.related_target().is_none() {
            set_dragging.set(false);
        }
    });
    let drop = window_event_listener(ev::drop, move |e: web_sys::DragEvent| {
        set_dragging.set(false);
        let file = e
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            e.prevent_default();
            on_file(file);
        }
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
    });
    dragging
}
