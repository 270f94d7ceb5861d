//! Leptos components (wasm32 only). Each file shows one thing; the state they share lives
//! in plain types from [`crate::state`] held in signals that [`App`] provides as context.

mod below_fold;
mod canvas;
mod cell_diagram;
mod chunk;
mod compare_panel;
mod embedding_view;
mod formats_worker;
mod gradient_flow_chart;
mod heatmap_panel;
mod hooks;
mod interventions_panel;
mod layer_switcher;
mod layer_views;
mod layers_overview;
mod lesson_panel;
mod line_chart;
mod link_state;
mod model_info;
mod model_panel;
pub(crate) mod open_model;
mod panic_banner;
mod save_png;
mod sequence_editor;
mod sequence_input;
mod step_explainer;
mod step_vectors;
mod teach_menu;
mod text_compare;
mod text_flowchart;
mod text_mode;
mod text_mode_state;
mod text_reader;
mod text_training;
mod training_panel;
mod transport;
mod tree_view;
mod value_table;

use leptos::prelude::*;

use crate::model::explain::Breakdown;
use crate::model::Series;
use crate::state::view_options::ViewOptions;
use crate::state::{Playback, Session, SharedTrace};

pub use compare_panel::ComparePanel;
pub use heatmap_panel::HeatmapPanel;
pub use interventions_panel::InterventionsPanel;
pub use layer_switcher::LayerSwitcher;
pub use layers_overview::LayersOverview;
pub use model_info::ModelInfo;
pub use model_panel::ModelPanel;
pub use open_model::OpenModel;
pub use panic_banner::{install_panic_hook, show_internal_error, BANNER_ID};
pub use sequence_editor::SequenceEditor;
pub use sequence_input::SequenceInput;
pub use training_panel::TrainingPanel;
pub use transport::Transport;
pub use value_table::ValueTable;

/// The shared session, read side.
#[derive(Clone, Copy)]
pub struct SessionRead(pub ReadSignal<Session>);
/// The shared session, write side.
#[derive(Clone, Copy)]
pub struct SessionWrite(pub WriteSignal<Session>);
/// Playback state, read side.
#[derive(Clone, Copy)]
pub struct PlaybackRead(pub ReadSignal<Playback>);
/// Playback state, write side.
#[derive(Clone, Copy)]
pub struct PlaybackWrite(pub WriteSignal<Playback>);
/// The current step (0-based), always valid for the shown trace.
#[derive(Clone, Copy)]
pub struct CurrentStep(pub Memo<usize>);
/// The selected (step, unit), 0-based, read side.
#[derive(Clone, Copy)]
pub struct SelectionRead(pub ReadSignal<Option<(usize, usize)>>);
/// The selected (step, unit), write side.
#[derive(Clone, Copy)]
pub struct SelectionWrite(pub WriteSignal<Option<(usize, usize)>>);

/// What the step explainer and the cell diagram show, shared so both follow the same unit,
/// step and walk-through part.
#[derive(Clone, Copy)]
pub struct Explained {
    /// The explained unit's breakdown at the current step (the core's own numbers), or why
    /// there is none (a reverse direction, ONNX's options).
    pub breakdown: Memo<Result<Breakdown, String>>,
    /// The explained unit, 0-based (clamped to H where it is read).
    pub unit: RwSignal<usize>,
    /// The "Walk through this step" part on show ([`crate::viz::walkthrough::parts`]).
    pub walk: RwSignal<Option<usize>>,
    /// A heatmap cell to ring, (series, step, unit), while a number it gave is hovered.
    pub highlight: RwSignal<Option<(Series, usize, usize)>>,
}

/// How the page is looked at (`state::view_options`), shared so the link can hold it and a
/// lesson can set it.
#[derive(Clone, Copy)]
pub struct Views {
    /// The line chart's quantity.
    pub chart: RwSignal<Series>,
    /// Captions of the value tables the user has opened, so a table stays open when its
    /// panel is rebuilt (a cell switch, compare mode toggled).
    pub tables: RwSignal<Vec<String>>,
    /// Compare mode's models while it is open.
    pub compare: RwSignal<Option<Vec<crate::model::CellKind>>>,
    /// The lesson and step on show, 0-based.
    pub lesson: RwSignal<Option<(usize, usize)>>,
}

impl Views {
    fn new(v: &ViewOptions) -> Self {
        Self {
            chart: RwSignal::new(v.chart),
            tables: RwSignal::new(v.tables.iter().map(|s| s.label().to_string()).collect()),
            compare: RwSignal::new(v.compare.clone()),
            lesson: RwSignal::new(v.lesson),
        }
    }

    /// The options as they are now (`None` once the app is gone); the layer is the
    /// session's.
    fn options_untracked(&self) -> Option<ViewOptions> {
        Some(ViewOptions {
            chart: self.chart.try_get_untracked()?,
            tables: self.tables.try_with_untracked(|t| {
                t.iter()
                    .filter_map(|c| Series::ALL.into_iter().find(|s| s.label() == c))
                    .collect()
            })?,
            compare: self.compare.try_get_untracked()?,
            layer: None,
            lesson: self.lesson.try_get_untracked()?,
        })
    }

    fn track(&self) {
        self.chart.track();
        self.tables.track();
        self.compare.track();
        self.lesson.track();
    }
}

/// A `SharedTrace` signal, the common prop type of the views.
pub type TraceSignal = Signal<SharedTrace>;

/// The explainer's shared state. A click on a heatmap cell selects (t, unit): the explainer
/// then shows that unit, and the transport moves to that step.
fn explained(
    session: ReadSignal<Session>,
    current: Memo<usize>,
    selection: ReadSignal<Option<(usize, usize)>>,
    set_playback: WriteSignal<Playback>,
    unit: usize,
) -> Explained {
    let unit = RwSignal::new(unit);
    // Not on the first run: a link's own timestep wins over its selection's.
    Effect::new(move |first: Option<()>| {
        let picked = selection.get();
        if first.is_none() {
            return;
        }
        if let Some((t, u)) = picked {
            unit.set(u);
            let steps = session.with_untracked(|s| s.view_trace().steps());
            set_playback.update(|p| {
                p.pause();
                p.seek(t, steps);
            });
        }
    });
    let breakdown = Memo::new(move |_| {
        let (t, u) = (current.get(), unit.get());
        session.with(|s| {
            let trace = s.view_trace();
            let u = u.min(trace.hidden_size().saturating_sub(1));
            crate::model::explain::breakdown(s.view_params(), &trace, t, u, s.view_interventions())
                .map_err(|e| explain_refusal(&e.to_string()))
        })
    });
    Explained {
        breakdown,
        unit,
        walk: RwSignal::new(None),
        highlight: RwSignal::new(None),
    }
}

/// The core's reason in the explainer's words.
fn explain_refusal(reason: &str) -> String {
    if reason.contains("only forward PyTorch cells") {
        "The step explainer writes out PyTorch's forward cells. This layer-direction runs \
         backwards in time or uses ONNX's extra options (peepholes, clip), whose equations \
         differ; its values are in the heatmaps and tables."
            .to_string()
    } else {
        reason.to_string()
    }
}

/// The whole app, opening on the seed article's case study.
#[component]
pub fn App() -> impl IntoView {
    // The link's state, if the address carries one (`state::link`): a bad part gets a
    // message, the rest loads.
    let (link, mut link_notes) = link_state::read_link();
    let mut initial = Session::seed_example();
    link_notes.extend(link.apply(&mut initial));
    // The input's length, also while a long one is still being computed.
    let steps = initial.x().nrows();
    let at = link.view(steps, initial.params().hidden_size());
    link_notes.extend(at.notes);
    let mut start = Playback::at_end(steps);
    if let Some(t) = at.step {
        start.seek(t, steps);
    }
    let (playback, set_playback) = signal(start);
    let (session, set_session) = signal(initial);
    let (selection, set_selection) = signal(at.selection);
    let link_teach = link.teach.clone();
    let link_text = (link.text, link.read.clone());
    let views = Views::new(&link.views);
    let (link_notes, set_link_notes) = signal(link_notes);
    // A trained or opened model's weights come unpacked from the worker, a moment later.
    link_state::load_linked_weights(link, set_session, set_link_notes);
    // Identity-compared: notifies only when a new trace was computed. The views show the
    // selected layer-direction's trace; the input editor edits the model's input (layer 0's).
    let trace = Memo::new(move |_| session.with(Session::view_trace));
    let current = Memo::new(move |_| {
        let last = trace.with(|t| t.steps()).saturating_sub(1);
        playback.with(|p| p.current()).min(last)
    });
    // A shorter sequence or fewer units must not leave the selection pointing past the end.
    Effect::new(move |prev: Option<usize>| {
        let (steps, units) = trace.with(|t| (t.steps(), t.hidden_size()));
        if let Some(old) = prev.filter(|&old| old != steps) {
            set_playback.update(|p| p.resize(old, steps));
        }
        let sel = selection.get_untracked();
        if crate::state::selection::within(sel, steps, units) != sel {
            set_selection.set(None);
        }
        steps
    });
    provide_context(SessionRead(session));
    provide_context(SessionWrite(set_session));
    provide_context(PlaybackRead(playback));
    provide_context(PlaybackWrite(set_playback));
    provide_context(CurrentStep(current));
    provide_context(SelectionRead(selection));
    provide_context(SelectionWrite(set_selection));
    provide_context(views);
    provide_context(explained(
        session,
        current,
        selection,
        set_playback,
        at.unit.unwrap_or(0),
    ));
    provide_context(link_state::LinkWeights(RwSignal::new(None)));
    provide_context(teach_menu::TeachState(RwSignal::new(link_teach)));
    provide_context(chunk::ChunksShown::default());
    let tm = text_mode::provide_text_mode();
    if let (Some(recipe), read) = link_text {
        tm.begin(text_mode::Start::Recipe(recipe, read), set_session);
    }
    teach_menu::use_teach_root();
    link_state::use_link_writer();
    link_state::use_weight_packer();

    // Long traces are computed a chunk per frame, ~10 ms each, so the page stays responsive.
    let computing = Memo::new(move |_| session.with(Session::is_computing));
    hooks::use_animation_frames(Signal::from(computing), move |_| {
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = move || perf.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        set_session.update(|s| {
            let per_step = crate::state::session::work_per_step(s.params()).max(1);
            let chunk = usize::try_from(1_000_000 / per_step).unwrap_or(1).max(1);
            while !s.advance_pending(chunk) && now() - start < 10.0 {}
        });
    });

    let trace = Signal::from(trace);
    let stale = Memo::new(move |_| session.with(Session::is_stale));
    let dims = move || {
        session.with(|s| {
            let p = s.params();
            let layers = match s.layers() {
                Some(l) => {
                    let st = l.stack();
                    let n = st.num_layers();
                    let count = if n == 1 {
                        String::new()
                    } else {
                        format!(" · {n} layers")
                    };
                    let dir = if st.is_bidirectional() {
                        " · bidirectional"
                    } else if st.is_reverse() {
                        " · reverse"
                    } else {
                        ""
                    };
                    format!("{count}{dir}")
                }
                None => String::new(),
            };
            format!(
                "{}{layers} · H = {} · D = {}",
                // ASCII names: `to_uppercase` would pull in Unicode's case tables.
                p.kind().name().to_ascii_uppercase(),
                p.hidden_size(),
                p.input_size()
            )
        })
    };
    // Keyed on the cell kind only: a new trace repaints the panels instead of rebuilding them.
    let kind = Memo::new(move |_| trace.with(|t: &SharedTrace| t.kind()));
    let panels = move || {
        crate::model::Series::of(kind.get())
            .iter()
            .map(|&s| view! { <HeatmapPanel series=s trace=trace /> })
            .collect_view()
    };
    view! {
        <header class="topbar">
            <h1><span class="logo" aria-hidden="true">"◧"</span>" gatescope"</h1>
            <p class="tagline">"A real LSTM, every gate at every timestep"</p>
            <teach_menu::TeachMenu />
            <link_state::CopyLink />
            <p class="model-badge">
                <strong>{move || session.with(Session::model_name)}</strong>
                <span class="dims">{dims}</span>
            </p>
        </header>
        {move || {
            let notes = link_notes.get();
            (!notes.is_empty())
                .then(|| {
                    view! {
                        <div class="link-notes" role="alert">
                            <p>"Parts of this link could not be used:"</p>
                            <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            <button on:click=move |_| set_link_notes.set(Vec::new())>"Dismiss"</button>
                        </div>
                    }
                })
        }}
        <main class="layout">
            <div class="main-col">
                <lesson_panel::LessonPanel />
                <text_mode::TextModePanel />
                <SequenceInput />
                <SequenceEditor />
                <Transport trace=trace />
                <layer_views::LayerViews />
                <section
                    class="heatmaps"
                    class:stale=move || stale.get()
                    class:computing=move || computing.get()
                    aria-label="Gates and states over time"
                    aria-busy=move || computing.get().to_string()
                >
                    {panels}
                </section>
                <below_fold::ExplainRow />
                <ComparePanel />
                <TrainingPanel />
            </div>
            <aside class="side-col">
                <ModelPanel />
                <OpenModel />
                <ModelInfo />
                <InterventionsPanel />
                <below_fold::StepCharts trace=trace />
            </aside>
        </main>
    }
}
