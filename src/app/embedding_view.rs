//! Text mode's embedding view: the characters' embedding vectors on their first two
//! principal components (`viz::embedding`), redrawn as the model trains.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use super::canvas::plotters_backend;
use super::hooks::use_canvas_size;
use super::text_mode::TextMode;
use crate::model::text::probe::pca_2d;
use crate::state::text_lab::visible;
use crate::viz::embedding::draw_embedding;

#[component]
pub fn EmbeddingView() -> impl IntoView {
    let tm = expect_context::<TextMode>();
    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let ink = super::teach_menu::use_ink();
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        tm.pushed.track();
        let Some((w, h)) = size.get() else { return };
        let Some(el) = canvas.get() else { return };
        let ink = ink.get();
        tm.lab.with_untracked(|l| {
            let Some(l) = l else { return };
            let m = l.model();
            let Some(pca) = pca_2d(m.embedding()) else {
                note.set("The embedding needs at least 2 numbers per character to be drawn.".into());
                return;
            };
            let labels: Vec<String> = m
                .vocab()
                .entries()
                .iter()
                .map(|e| match e.chars().next() {
                    Some(c) if e.chars().count() == 1 => visible(c),
                    _ => e.clone(),
                })
                .collect();
            let Some((backend, _)) = plotters_backend(&el, w, h) else {
                return;
            };
            if let Err(e) = draw_embedding(&backend.into_drawing_area(), &pca, &labels, ink) {
                leptos::logging::error!("embedding view: {e:?}");
            }
            let shown = if pca.total_variance > 0.0 {
                100.0 * (pca.variances[0] + pca.variances[1]) / pca.total_variance
            } else {
                0.0
            };
            note.set(format!(
                "{} characters, {} numbers each, seen from the 2 directions along which they differ most ({shown:.0}% of the spread).",
                m.vocab_size(),
                m.embed_size()
            ));
        });
    });
    view! {
        <figure class="embedding-view">
            <h3>"3 · The embedding"</h3>
            <canvas node_ref=canvas role="img" aria-label="Scatter plot of the character embeddings on their two principal components"></canvas>
            <figcaption>{move || note.get()}</figcaption>
            <super::save_png::SavePng canvas=canvas what="Embedding" />
        </figure>
    }
}
