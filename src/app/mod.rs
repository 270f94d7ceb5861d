//! Leptos components (wasm32 only). Each file shows one thing; the state they share is a
//! [`Session`](crate::model::Session) in a signal, provided as context by [`App`].

mod canvas;
mod heatmap_panel;
mod line_chart;
mod model_panel;
mod sequence_editor;
mod sequence_input;
mod value_table;

use leptos::prelude::*;

use crate::model::Series;
use crate::state::{Session, SharedTrace};

pub use heatmap_panel::HeatmapPanel;
pub use line_chart::LineChart;
pub use model_panel::ModelPanel;
pub use sequence_editor::SequenceEditor;
pub use sequence_input::SequenceInput;
pub use value_table::ValueTable;

/// The shared session, read side.
#[derive(Clone, Copy)]
pub struct SessionRead(pub ReadSignal<Session>);
/// The shared session, write side.
#[derive(Clone, Copy)]
pub struct SessionWrite(pub WriteSignal<Session>);

/// The whole app, opening on the seed article's case study.
#[component]
pub fn App() -> impl IntoView {
    let (session, set_session) = signal(Session::seed_example());
    provide_context(SessionRead(session));
    provide_context(SessionWrite(set_session));
    // Identity-compared: notifies only when a new trace was computed.
    let trace = Memo::new(move |_| session.with(Session::shared_trace));
    let stale = Memo::new(move |_| session.with(Session::is_stale));
    let model_name = move || session.with(Session::model_name);
    let dims = move || {
        session.with(|s| {
            let p = s.params();
            format!(
                "{} · H = {} · D = {}",
                p.kind().name().to_uppercase(),
                p.hidden_size(),
                p.input_size()
            )
        })
    };
    let panels = move || {
        let kind = trace.with(|t| t.kind());
        Series::of(kind)
            .iter()
            .map(|&s| view! { <HeatmapPanel series=s trace=Signal::from(trace) /> })
            .collect_view()
    };
    view! {
        <header class="topbar">
            <h1><span class="logo" aria-hidden="true">"◧"</span>" gatescope"</h1>
            <p class="tagline">"A real LSTM, every gate at every timestep"</p>
            <p class="model-badge" aria-label="Model">
                <strong>{model_name}</strong>
                <span class="dims">{dims}</span>
            </p>
        </header>
        <main>
            <SequenceInput />
            <SequenceEditor />
            <ModelPanel />
            <section class="heatmaps" class:stale=move || stale.get() aria-label="Gates and states over time">
                {panels}
            </section>
            <section class="charts" aria-label="Hidden and cell state over time">
                <LineChart trace=Signal::from(trace) series=Series::H />
                <LineChart trace=Signal::from(trace) series=Series::C />
            </section>
        </main>
    }
}

/// A `SharedTrace` signal, the common prop type of the views.
pub type TraceSignal = Signal<SharedTrace>;
