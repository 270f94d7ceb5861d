//! Compare mode: the hidden state of an LSTM, a GRU and a traditional RNN on the same input,
//! side by side, with the app's shared transport and selection.

use leptos::prelude::*;

use super::chunk::{chunk_view, on_demand};
use super::gradient_flow_chart::GradientFlowChart;
use super::{HeatmapPanel, SessionRead};
use crate::model::{CellKind, Params, Series};
use crate::state::compare::{compare_traces, COMPARED};
use crate::state::SharedTrace;

/// The compared models (name, cell kind, weights, trace), or why they could not be run.
type Compared = Option<Result<Vec<(&'static str, CellKind, Params, SharedTrace)>, String>>;

/// "With vs without long-term memory": off by default; when on, three h heatmaps (LSTM, GRU,
/// RNN) on the current input, time axes aligned with the views above.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let SessionRead(session) = expect_context();
    // Open or not is the shared view state (a link or a lesson may open it); the ticked
    // models are kept here too, so closing and reopening keeps them.
    let compare = expect_context::<super::Views>().compare;
    let open = Memo::new(move |_| compare.with(Option::is_some));
    let chosen = RwSignal::new(
        compare
            .get_untracked()
            .unwrap_or_else(|| COMPARED.iter().map(|(k, _)| *k).collect()),
    );
    Effect::new(move |_| {
        if let Some(list) = compare.get() {
            if chosen.with_untracked(|c| *c != list) {
                chosen.set(list);
            }
        }
    });
    let set_chosen = move |f: &dyn Fn(&mut Vec<CellKind>)| {
        chosen.update(|c| f(c));
        if open.get_untracked() {
            compare.set(Some(chosen.get_untracked()));
        }
    };
    // Only what the comparison depends on, so progress ticks and messages don't recompute it.
    let inputs =
        Memo::new(move |_| session.with(|s| (s.shared_trace(), s.params().clone(), s.config())));
    let result = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        Some(inputs.with(|(trace, params, cfg)| {
            compare_traces(params, *cfg, trace.x(), &chosen.get()).map(|v| {
                v.into_iter()
                    .map(|c| (c.name, c.kind, c.params, SharedTrace::new(c.trace)))
                    .collect::<Vec<_>>()
            })
        }))
    });
    let body = move || {
        open.get().then(|| {
            on_demand("the comparison", compare_preload, move || {
                compare_body(result)
            })
        })
    };
    view! {
        <section class="compare" aria-label="With vs without long-term memory">
            <div class="compare-head">
                <h2>"With vs without long-term memory"</h2>
                <button
                    type="button"
                    aria-pressed=move || open.get().to_string()
                    on:click=move |_| {
                        compare.update(|c| {
                            *c = match c {
                                Some(_) => None,
                                None => Some(chosen.get_untracked()),
                            }
                        })
                    }
                >
                    {move || if open.get() { "Hide comparison" } else { "Compare LSTM, GRU and RNN" }}
                </button>
            </div>
            <div class="compare-pick" role="group" aria-label="Models to compare">
                {COMPARED
                    .into_iter()
                    .map(|(kind, name)| {
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&kind))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        set_chosen(&|c| {
                                            c.retain(|k| *k != kind);
                                            if on {
                                                c.push(kind);
                                                c.sort_by_key(|k| COMPARED.iter().position(|(m, _)| m == k));
                                            }
                                        });
                                    }
                                />
                                {name}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {body}
        </section>
    }
}

// The comparison's views (heatmaps, gradient flow) download when it is first opened.
chunk_view!(
    compare,
    compare_preload,
    fn compare_body(result: Memo<Compared>) {
        move || match result.get() {
            None => ().into_any(),
            Some(Err(e)) => view! { <p class="compare-error" role="status">{e}</p> }.into_any(),
            Some(Ok(models)) => view! {
                <div class="compare-grid">
                    {models
                        .clone()
                        .into_iter()
                        .map(|(name, _, _, trace)| {
                            let trace = Signal::derive(move || trace.clone());
                            view! { <HeatmapPanel series=Series::H trace=trace model=name /> }
                        })
                        .collect_view()}
                </div>
                <GradientFlowChart models=models />
                <p class="compare-note">
                    "Same input, same hidden size and seed. The shown model is used as it is; the
                     others get a seeded random init. Training them on a memory task comes next."
                </p>
            }
            .into_any(),
        }
    }
);
