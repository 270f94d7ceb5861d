//! Views and code that load on demand (issue 8: a smaller first visit).
//!
//! A view declared with [`chunk_view!`] is compiled into its own WebAssembly chunk when the
//! app is built with the `split` feature (index.html asks Trunk for it; `tools/split.mjs`
//! then splits the module with `wasm-split-cli` from `wasm_split_cli_support`, the tool behind
//! Leptos's `#[lazy]`). The chunk is fetched the first time the view is shown, so text mode,
//! for example, costs nothing until someone opens it. Without the feature (tests, clippy)
//! the same view is an ordinary function and [`on_demand`] shows it at once. Code other than
//! views (text mode's training, say) goes into a chunk with [`chunk_fn!`]; the main module
//! must reach it only through such functions, or it stays in the main module.
//!
//! Loading is the only asynchronous part: the view itself is built synchronously, inside the
//! reactive owner of the place that shows it, exactly as an ordinary child view is. A failed
//! fetch (offline on a first visit, a server error) shows a message with a retry button in
//! place of the view; the rest of the page carries on.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::hooks::use_on_screen;

/// A chunk could not be fetched or instantiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkError;

impl std::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this part of gatescope could not be downloaded")
    }
}

impl std::error::Error for ChunkError {}

impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// Declares a function that lives in its own wasm chunk in a split build.
///
/// `chunk_fn!(chunk, preload_fn, fn name(arg: T, …) -> R { … })` defines
/// `async fn name(arg: T, …) -> Result<R, ChunkError>` and
/// `async fn preload_fn() -> Result<(), impl Into<ChunkError>>`. Arguments cross the chunk
/// boundary by value: pass `Copy` handles (signals, memos), not borrows. Functions with the
/// same `chunk` share one file. The main module calls into a chunk only through such
/// functions: whatever the main module's own code calls stays in the main module (the
/// split keeps everything reachable from it there), so work that belongs to an on-demand
/// part (training, say) is reached through one of these, not directly from a main-module
/// closure.
macro_rules! chunk_fn {
    ($chunk:ident, $preload:ident, $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload($preload)
        )]
        $vis fn $name($($arg: $ty),*) -> Result<$ret, $crate::app::chunk::ChunkError> {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> Result<$ret, $crate::app::chunk::ChunkError> {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        #[allow(dead_code)] // not every chunk function's preload is used
        async fn $preload() -> Result<(), $crate::app::chunk::ChunkError> {
            Ok(())
        }
    };
}
pub(crate) use chunk_fn;

/// Declares a view that lives in its own wasm chunk in a split build: [`chunk_fn!`] for a
/// function returning `AnyView`, `chunk_view!(chunk, preload_fn, fn name(args) { view })`.
macro_rules! chunk_view {
    ($chunk:ident, $preload:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $crate::app::chunk::chunk_fn!($chunk, $preload, fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView {
            ::leptos::prelude::IntoAny::into_any($body)
        });
    };
}
pub(crate) use chunk_view;

/// How many on-demand views have been shown. Code that looks an element up in the page (a
/// lesson's outline) looks again when this changes: the element may have just appeared.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChunksShown(pub RwSignal<u32>);

/// Where a chunk's download stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loading {
    Pending,
    Ready,
    Failed,
}

/// Polls a future once. A chunk that has loaded resolves on the first poll: its loader is
/// a `OnceCell` that is already set, and the call into the chunk is synchronous.
fn now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// Shows `view`'s view once `preload` has fetched its chunk: "Loading…" meanwhile, a message
/// and a retry button if the fetch failed. `what` names the part in those messages.
pub fn on_demand<P, PF, E, V, VF>(what: &'static str, preload: P, view: V) -> impl IntoView
where
    P: Fn() -> PF + Copy + Send + Sync + 'static,
    PF: Future<Output = Result<(), E>> + 'static,
    E: Into<ChunkError>,
    V: Fn() -> VF + Send + Sync + 'static,
    VF: Future<Output = Result<AnyView, ChunkError>>,
{
    on_demand_then(what, preload, view, || {})
}

/// [`on_demand`], calling `shown` when the view has been built (it is mounted right after).
fn on_demand_then<P, PF, E, V, VF>(
    what: &'static str,
    preload: P,
    view: V,
    shown: impl Fn() + Send + Sync + 'static,
) -> impl IntoView
where
    P: Fn() -> PF + Copy + Send + Sync + 'static,
    PF: Future<Output = Result<(), E>> + 'static,
    E: Into<ChunkError>,
    V: Fn() -> VF + Send + Sync + 'static,
    VF: Future<Output = Result<AnyView, ChunkError>>,
{
    let state = RwSignal::new(Loading::Pending);
    let counter = use_context::<ChunksShown>();
    let fetch = move || {
        state.set(Loading::Pending);
        leptos::task::spawn_local(async move {
            let loaded = preload().await.map_err(Into::into);
            // The view may have been closed while the chunk downloaded.
            state.try_set(if loaded.is_ok() {
                Loading::Ready
            } else {
                Loading::Failed
            });
        });
    };
    fetch();
    let failed = move || {
        view! {
            <p class="chunk-error" role="alert">
                {format!("The code for {what} could not be downloaded (is the connection down?). ")}
                <button type="button" on:click=move |_| fetch()>"Try again"</button>
            </p>
        }
        .into_any()
    };
    move || match state.get() {
        Loading::Pending => view! {
            <p class="chunk-loading" role="status">{format!("Loading {what}…")}</p>
        }
        .into_any(),
        Loading::Failed => failed(),
        Loading::Ready => match now(view()) {
            Some(Ok(v)) => {
                shown();
                if let Some(ChunksShown(n)) = counter {
                    // After the frame that mounts the view.
                    request_animation_frame(move || {
                        n.try_update(|n| *n += 1);
                    });
                }
                v
            }
            _ => failed(),
        },
    }
}

/// [`on_demand`] for a view below the fold: its chunk downloads once `title`'s placeholder
/// comes within 100 px of the viewport, or when someone focuses or presses the placeholder's
/// button (keyboard users reach it by Tab without scrolling first). Until then the placeholder
/// holds the view's place with its heading. If the placeholder's button had the focus, the
/// view's first control gets it, so Tab goes on from there instead of from the page's top.
pub fn when_seen<P, PF, E, V, VF>(
    title: &'static str,
    what: &'static str,
    preload: P,
    view: V,
) -> impl IntoView
where
    P: Fn() -> PF + Copy + Send + Sync + 'static,
    PF: Future<Output = Result<(), E>> + 'static,
    E: Into<ChunkError>,
    V: Fn() -> VF + Clone + Send + Sync + 'static,
    VF: Future<Output = Result<AnyView, ChunkError>>,
{
    let anchor = NodeRef::<leptos::html::Div>::new();
    let on_screen = use_on_screen(anchor);
    let asked = RwSignal::new(false);
    // Where the placeholder's button had the focus: the element the view is shown in.
    let focus_in = StoredValue::new_local(None::<web_sys::Element>);
    let refocus = move || {
        let Some(Some(parent)) = focus_in.try_get_value() else {
            return;
        };
        // After the frame that mounts the view.
        request_animation_frame(move || {
            let first = parent
                .query_selector("button:not([disabled]), input, select, textarea, summary")
                .ok()
                .flatten();
            if let Some(el) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
    };
    // Once asked for, the view stays (scrolling away does not unload it).
    let wanted = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || on_screen.get() || asked.get()
    });
    // No wrapper element: the view's own elements take the placeholder's place, so layouts
    // that style their children (the explain row's two cards) keep working.
    move || {
        if wanted.get() {
            on_demand_then(what, preload, view.clone(), refocus).into_any()
        } else {
            view! {
                <div node_ref=anchor class="chunk-slot">
                    <h2>{title}</h2>
                    <p class="chunk-loading">
                        {format!("The code for {what} downloads when it comes into view. ")}
                        <button
                            type="button"
                            on:focus=move |_| {
                                let parent = anchor.get_untracked().and_then(|el| el.parent_element());
                                focus_in.set_value(parent);
                                asked.set(true);
                            }
                            on:click=move |_| asked.set(true)
                        >
                            "Load it now"
                        </button>
                    </p>
                </div>
            }
            .into_any()
        }
    }
}
