//! Training live: LSTM, GRU and RNN train on the same memory task, a chunk of steps per frame,
//! with a log-scale loss chart and held-out accuracy.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use super::canvas::plotters_backend;
use super::chunk::{chunk_view, when_seen};
use super::hooks::{use_animation_frames, use_canvas_size};
use super::SessionWrite;
use crate::model::TrainConfig;
use crate::state::training::TrainingRun;
use crate::viz::charts::{draw_log_lines, LogLine, UNIT_COLORS};

/// Distractor steps of the memory task.
const DISTRACTORS: usize = 20;
/// Work per frame, so the page keeps its frame rate while training.
const FRAME_BUDGET_MS: f64 = 12.0;
/// Held-out accuracy is refreshed every this many steps.
const EVAL_EVERY: usize = 25;
/// Training stops by itself here.
const MAX_STEPS: usize = 3000;

/// Which gradient the training view plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlowMetric {
    /// ‖∂h_T/∂x_t‖: how much the final state still depends on each input.
    Input,
    /// ‖∂L/∂h_t‖: the task loss's gradient reaching each step.
    Loss,
}

/// The training panel: set up, Train/Pause, Step, Reset, learning rate and batch size.
#[component]
pub fn TrainingPanel() -> impl IntoView {
    view! {
        <section class="training" aria-label="Training">
            {when_seen("Train on a memory task", "the training panel", training_preload, training_body)}
        </section>
    }
}

// The panel's views, training and charts download when the panel comes into view.
chunk_view!(
    training,
    training_preload,
    fn training_body() {
        view! { <TrainingLab /> }
    }
);

#[component]
fn TrainingLab() -> impl IntoView {
    let SessionWrite(set_session) = expect_context();
    let run = RwSignal::new(None::<TrainingRun>);
    let (running, set_running) = signal(false);
    // Shows a trained model in the visualiser above, on a fresh sequence from the task.
    // Which model the visualiser follows: reloaded with each evaluation while training, on
    // the same task sequence, so its gates can be watched as it learns.
    let following = RwSignal::new(None::<usize>);
    let show = move |k: usize| {
        let picked = run.with_untracked(|r| {
            let r = r.as_ref()?;
            let lane = r.lanes.get(k)?;
            let sample = r.sample(7).ok()?;
            let name = format!("{} trained {} steps", lane.name, r.steps());
            Some((
                name,
                lane.trainer.model().cell().clone(),
                sample.inputs().to_owned(),
            ))
        });
        if let Some((name, params, x)) = picked {
            set_session.update(|s| s.load_model(&name, params, &x));
        }
    };
    let (message, set_message) = signal(None::<String>);
    let (rate, set_rate) = signal(0.0f64);
    let lr_text = RwSignal::new("0.01".to_string());
    let batch_text = RwSignal::new("16".to_string());

    let config = move || -> Result<TrainConfig, String> {
        let lr = lr_text
            .get_untracked()
            .trim()
            .parse::<f32>()
            .map_err(|_| "Learning rate must be a number".to_string())?;
        let batch = batch_text
            .get_untracked()
            .trim()
            .parse::<usize>()
            .map_err(|_| "Batch size must be a whole number".to_string())?;
        Ok(TrainConfig {
            learning_rate: lr,
            batch_size: batch,
            ..TrainConfig::default()
        })
    };
    // Checked as soon as a field is changed, so a bad value gets its message at once (it is
    // used at the next Reset, or the first Train/Step).
    let checked =
        move || config().and_then(|c| c.validate().map(|()| c).map_err(|e| e.to_string()));
    let on_setting = move || set_message.set(checked().err());
    let lr_invalid = move || {
        lr_text.with(|t| {
            t.trim().parse::<f32>().ok().is_none_or(|learning_rate| {
                TrainConfig {
                    learning_rate,
                    ..TrainConfig::default()
                }
                .validate()
                .is_err()
            })
        })
    };
    let batch_invalid = move || {
        batch_text.with(|t| {
            t.trim().parse::<usize>().ok().is_none_or(|batch_size| {
                TrainConfig {
                    batch_size,
                    ..TrainConfig::default()
                }
                .validate()
                .is_err()
            })
        })
    };
    // The initial weights' seed: "Reset" keeps it, "New weights" moves on.
    let init_seed = RwSignal::new(0u64);
    let reset = move || match config()
        .and_then(|cfg| TrainingRun::remember(DISTRACTORS, cfg, init_seed.get_untracked()))
    {
        Ok(r) => {
            run.set(Some(r));
            set_message.set(None);
            true
        }
        Err(e) => {
            set_running.set(false);
            set_message.set(Some(e));
            false
        }
    };
    let step_once = move || {
        run.update(|r| {
            if let Some(r) = r {
                if let Err(e) = r.step() {
                    set_message.set(Some(e));
                    set_running.set(false);
                }
                if r.steps() % EVAL_EVERY == 0 {
                    let _ = r.evaluate();
                }
            }
        })
    };

    use_animation_frames(Signal::from(running), move |dt| {
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = move || perf.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        let mut done = 0usize;
        let mut failed = None;
        let mut evaluated = false;
        run.update(|r| {
            let Some(r) = r else { return };
            while now() - start < FRAME_BUDGET_MS && r.steps() < MAX_STEPS {
                if let Err(e) = r.step() {
                    failed = Some(e);
                    break;
                }
                done += 1;
                if r.steps() % EVAL_EVERY == 0 {
                    let _ = r.evaluate();
                    evaluated = true;
                }
            }
            if r.steps() >= MAX_STEPS {
                let _ = r.evaluate();
                set_running.set(false);
            }
        });
        if let Some(e) = failed {
            set_message.set(Some(e));
            set_running.set(false);
        }
        if let (true, Some(k)) = (evaluated, following.get_untracked()) {
            show(k);
        }
        if dt > 0.0 {
            set_rate.update(|v| *v = 0.8 * *v + 0.2 * done as f64 / dt);
        }
    });

    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let (metric, set_metric) = signal(FlowMetric::Input);
    let flow_canvas = NodeRef::<Canvas>::new();
    let flow_size = use_canvas_size(flow_canvas);
    let ink = super::teach_menu::use_ink();
    // The gradient view of the models as they are now (refreshed with each evaluation).
    Effect::new(move |_| {
        let Some((w, h)) = flow_size.get() else {
            return;
        };
        let Some(el) = flow_canvas.get() else { return };
        let ink = ink.get();
        run.with(|r| {
            let Some(r) = r else { return };
            let Some((backend, _)) = plotters_backend(&el, w, h) else {
                return;
            };
            let by_input = metric.get() == FlowMetric::Input;
            let mut lines: Vec<LogLine<'_>> = r
                .lanes
                .iter()
                .enumerate()
                .filter_map(|(k, l)| {
                    let values = if by_input {
                        l.flow.as_ref().map(|f| &f.input[..])
                    } else {
                        l.dl_dh.as_deref()
                    };
                    values.map(|values| LogLine {
                        label: l.name,
                        color: UNIT_COLORS[k],
                        values,
                        dashed: false,
                    })
                })
                .collect();
            let fp = r
                .lanes
                .iter()
                .find_map(|l| l.flow.as_ref().and_then(|f| f.forget_product.as_ref()));
            if let Some(fp) = fp {
                lines.push(LogLine {
                    label: "LSTM Π f (t+1..T)",
                    color: UNIT_COLORS[3],
                    values: fp,
                    dashed: true,
                });
            }
            let y = if by_input {
                "‖∂h_T/∂x_t‖"
            } else {
                "‖∂L/∂h_t‖"
            };
            let _ = draw_log_lines(&backend.into_drawing_area(), &lines, ("timestep t", y), ink);
        });
    });
    Effect::new(move |_| {
        let Some((w, h)) = size.get() else { return };
        let Some(el) = canvas.get() else { return };
        let ink = ink.get();
        run.with(|r| {
            let Some(r) = r else { return };
            let Some((backend, _)) = plotters_backend(&el, w, h) else {
                return;
            };
            let lines: Vec<LogLine<'_>> = r
                .lanes
                .iter()
                .enumerate()
                .map(|(k, l)| LogLine {
                    label: l.name,
                    color: UNIT_COLORS[k],
                    values: &l.losses,
                    dashed: false,
                })
                .collect();
            let _ = draw_log_lines(
                &backend.into_drawing_area(),
                &lines,
                ("training step", "batch loss"),
                ink,
            );
        });
    });

    let status = move || {
        run.with(|r| match r {
            None => "Not set up yet.".to_string(),
            Some(r) => {
                let acc = r
                    .lanes
                    .iter()
                    .map(|l| format!("{} {:.0}%", l.name, 100.0 * l.accuracy.unwrap_or(0.0)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                format!(
                    "Step {} · held-out accuracy: {acc} (chance 25%) · initial weights: seed {}",
                    r.steps(),
                    init_seed.get()
                )
            }
        })
    };
    view! {
            <div class="compare-head">
                <h2>"Train on a memory task"</h2>
                <button
                    type="button"
                    class="train-main"
                    aria-label=move || if running.get() { "Pause training" } else { "Train" }
                    on:click=move |_| {
                        if running.get_untracked() {
                            set_running.set(false);
                        } else if run.with_untracked(Option::is_some) || reset() {
                            set_running.set(true);
                        }
                    }
                >
                    {move || if running.get() { "❚❚ Pause" } else { "▶ Train" }}
                </button>
                <button type="button" on:click=move |_| {
                    if run.with_untracked(Option::is_none) && !reset() {
                        return;
                    }
                    set_running.set(false);
                    step_once();
                }>"Step"</button>
                <button type="button" on:click=move |_| {
                    set_running.set(false);
                    following.set(None);
                    reset();
                }
                    title="Back to step 0, from the same initial weights"
                >"Reset"</button>
                <button type="button"
                    title="Back to step 0, from newly drawn initial weights"
                    on:click=move |_| {
                        set_running.set(false);
                        following.set(None);
                        init_seed.update(|s| *s += 1);
                        reset();
                    }
                >"New weights"</button>
                <label class="train-field">
                    "Learning rate"
                    <input type="text" inputmode="decimal" size="5" prop:value=move || lr_text.get()
                        aria-invalid=move || lr_invalid().to_string()
                        aria-describedby=move || lr_invalid().then_some("train-error")
                        on:change=move |ev| { lr_text.set(event_target_value(&ev)); on_setting(); } />
                </label>
                <label class="train-field">
                    "Batch size"
                    <input type="text" inputmode="numeric" size="3" prop:value=move || batch_text.get()
                        aria-invalid=move || batch_invalid().to_string()
                        aria-describedby=move || batch_invalid().then_some("train-error")
                        on:change=move |ev| { batch_text.set(event_target_value(&ev)); on_setting(); } />
                </label>
            </div>
            <p class="train-task">
                "Remember one of 4 classes shown at t = 1 across "{DISTRACTORS}" noisy distractor steps, then
                 recall it. The same setup for all three: H = "{crate::state::training::HIDDEN}", Adam, same
                 seeds, and a memory-gate bias of "{crate::state::training::MEMORY_BIAS}" (the LSTM's forget gate
                 and the GRU's update gate start open; the RNN has no gate). Measured over 3 seeds: within
                 300 steps the LSTM and the GRU reach 98–100 % and the RNN stays near chance (25 %);
                 trained much longer, the RNN can partly catch up."
            </p>
            {move || message.get().map(|m| view! { <p id="train-error" class="compare-error" role="alert">{m}</p> })}
            <p class="train-status" role="status">
                {status}
                {move || running.get().then(|| format!(" · {:.0} steps/s", rate.get()))}
            </p>
            <p class="train-show">
                "Watch a model's gates above as it trains: "
                {["LSTM", "GRU", "RNN"]
                    .into_iter()
                    .enumerate()
                    .map(|(k, name)| {
                        view! {
                            <button
                                type="button"
                                disabled=move || run.with(Option::is_none)
                                aria-pressed=move || (following.get() == Some(k)).to_string()
                                on:click=move |_| {
                                    following.set(Some(k));
                                    show(k);
                                }
                            >
                                {format!("Show the {name}")}
                            </button>
                        }
                    })
                    .collect_view()}
            </p>
            <div class="train-charts">
            <figure>
                <figcaption>"Loss"</figcaption>
            <canvas node_ref=canvas class="train-chart" role="img" aria-label="Line chart of the batch loss per training step for LSTM, GRU and RNN, log scale"></canvas>
            <super::save_png::SavePng canvas=canvas what="Training loss" />
            </figure>
            <figure>
                <figcaption class="flow-caption">
                    <span>"Why: gradient flow back to each step (t = 1 holds the class)"</span>
                    <span class="switch" role="group" aria-label="Gradient measure">
                        <button
                            aria-label="Plot the norm of ∂hT/∂xt"
                            aria-pressed=move || (metric.get() == FlowMetric::Input).to_string()
                            on:click=move |_| set_metric.set(FlowMetric::Input)
                        >
                            "∂h"<sub>"T"</sub>"/∂x"<sub>"t"</sub>
                        </button>
                        <button
                            aria-label="Plot the norm of ∂L/∂ht"
                            aria-pressed=move || (metric.get() == FlowMetric::Loss).to_string()
                            on:click=move |_| set_metric.set(FlowMetric::Loss)
                        >
                            "∂L/∂h"<sub>"t"</sub>
                        </button>
                    </span>
                </figcaption>
                <canvas
                    node_ref=flow_canvas
                    class="train-chart"
                    role="img"
                    aria-label="Line chart of the gradient norm per timestep for the models being trained, with the LSTM forget-gate product, log scale"
                ></canvas>
                <super::save_png::SavePng canvas=flow_canvas what="Training gradient flow" />
            </figure>
            </div>
    }
}
