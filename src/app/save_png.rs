//! The "PNG" button under a canvas view: saves the canvas as drawn (at the screen's pixel
//! ratio), named after the model, its cell, the step count and the view.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::SessionRead;

/// A button that downloads `canvas` as `<model>-<cell>-<T>-steps-<slug>.png`.
#[component]
pub fn SavePng(
    /// The canvas to save.
    canvas: NodeRef<Canvas>,
    /// What the view shows, e.g. "Hidden state h": the file name's last part and the
    /// button's accessible name ("PNG of …").
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let slug: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let session = use_context::<SessionRead>();
    let save = move |_| {
        let (Some(el), Some(SessionRead(s))) = (canvas.get_untracked(), session) else {
            return;
        };
        let Some(name) =
            s.try_with_untracked(|s| super::open_model::view_file_name(s, &slug, "png"))
        else {
            return;
        };
        if let Ok(url) = el.to_data_url() {
            let _ = super::open_model::download_url(&name, &url);
        }
    };
    view! {
        <button type="button" class="png-save" title="Save this view as a PNG image" on:click=save>
            "PNG"<span class="sr-only">{format!(" of {what}")}</span>
        </button>
    }
}
