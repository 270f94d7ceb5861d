//! Text mode's training: the corpus (built in or pasted), the cell and its size, Train /
//! Pause / Step / Reset, bits per character as it learns, and text sampled from the model.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use super::canvas::plotters_backend;
use super::hooks::use_canvas_size;
use super::text_mode::TextMode;
use super::SessionWrite;
use crate::model::text::{Corpus, MAX_CORPUS_CHARS};
use crate::model::CellKind;
use crate::state::text_lab::{CorpusChoice, TextSettings};
use crate::viz::charts::{draw_log_lines, LogLine, UNIT_COLORS};

/// Hidden sizes offered.
const SIZES: [usize; 5] = [8, 16, 32, 64, 128];
/// Characters generated per sample.
const SAMPLE_CHARS: usize = 240;

#[component]
pub fn TextTraining() -> impl IntoView {
    let tm = expect_context::<TextMode>();
    let SessionWrite(set_session) = expect_context();
    let settings = Memo::new(move |_| tm.lab.with(|l| l.as_ref().map(|l| *l.settings())));
    let corpus_id = Memo::new(move |_| {
        tm.lab.with(|l| match l.as_ref().map(|l| l.corpus()) {
            Some(CorpusChoice::Builtin(c)) => c.id().to_string(),
            _ => "paste".to_string(),
        })
    });
    let pasting = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let restart = move |corpus: Option<CorpusChoice>, change: &dyn Fn(&mut TextSettings)| {
        let (Some(mut s), Some(old)) = (
            settings.get_untracked(),
            tm.lab
                .with_untracked(|l| l.as_ref().map(|l| l.corpus().clone())),
        ) else {
            return;
        };
        change(&mut s);
        tm.start(corpus.unwrap_or(old), s, set_session);
    };
    let on_corpus = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        match Corpus::from_id(&id) {
            Some(c) => {
                pasting.set(false);
                restart(Some(CorpusChoice::Builtin(c)), &|_| {});
            }
            None => pasting.set(true),
        }
    };
    let use_pasted = move |_| restart(Some(CorpusChoice::Pasted(pasted.get_untracked())), &|_| {});
    let on_cell = move |ev: leptos::ev::Event| {
        let kind = CellKind::parse(&event_target_value(&ev)).unwrap_or(CellKind::Lstm);
        restart(None, &|s| s.kind = kind);
    };
    let on_size = move |ev: leptos::ev::Event| {
        let h = event_target_value(&ev).parse().unwrap_or(32);
        restart(None, &|s| s.hidden = h);
    };
    let toggle = move |_| {
        tm.target.set(None);
        let was = tm.running.get_untracked();
        tm.running.set(!was);
        if was {
            tm.push(set_session, true);
        }
    };
    let step = move |_| {
        tm.running.set(false);
        let r = tm.lab.try_update(|l| l.as_mut().map(|l| l.train(1)));
        if let Some(Some(Err(e))) = r {
            tm.message.set(Some(e));
        }
        tm.push(set_session, true);
    };
    let reset = move |_| {
        tm.running.set(false);
        tm.lab.update(|l| {
            if let Some(l) = l {
                l.reset();
            }
        });
        tm.push(set_session, true);
    };
    let saved = RwSignal::new(None::<String>);
    let save = move |safetensors: bool| {
        let Some((message, file)) = tm.lab.with_untracked(|l| {
            l.as_ref().map(|l| {
                let ext = if safetensors { "safetensors" } else { "json" };
                let file = format!(
                    "gatescope-char-{}-h{}-{}-steps.{ext}",
                    l.model().kind().name(),
                    l.model().hidden_size(),
                    l.steps()
                );
                (gatescope_formats::wire::encode_char(l.model()), file)
            })
        }) else {
            return;
        };
        let op = if safetensors {
            "char-safetensors"
        } else {
            "char-json"
        };
        leptos::task::spawn_local(async move {
            let bytes = js_sys::Uint8Array::from(&message[..]);
            let note = match super::formats_worker::request(op, &file, &bytes).await {
                Ok(out) => {
                    match super::open_model::download(&file, &out, "application/octet-stream") {
                        Ok(()) => format!(
                            "Saved {file}. Open it with \"Open model…\" or gatescope-trace --text."
                        ),
                        Err(_) => format!("{file}: the browser refused the download."),
                    }
                }
                Err(e) => format!("Cannot save the text model: {e}"),
            };
            saved.try_set(Some(note));
        });
    };
    let stats = move || {
        tm.lab.with(|l| {
            l.as_ref().map_or(String::new(), |l| {
                let recent = l
                    .bpc_history()
                    .iter()
                    .rev()
                    .take(20)
                    .copied()
                    .collect::<Vec<_>>();
                let (loss, bpc) = if recent.is_empty() {
                    ("—".to_string(), "—".to_string())
                } else {
                    let b = recent.iter().sum::<f32>() / recent.len() as f32;
                    (
                        format!("{:.3}", b * std::f32::consts::LN_2),
                        format!("{b:.2}"),
                    )
                };
                format!(
                    "Step {} · loss {loss} nats, {bpc} bits per character (uniform guessing: {:.2}) · {} parameters",
                    l.steps(),
                    (l.model().vocab_size() as f64).log2(),
                    l.model().num_params()
                )
            })
        })
    };

    let canvas = NodeRef::<Canvas>::new();
    let size = use_canvas_size(canvas);
    let ink = super::teach_menu::use_ink();
    Effect::new(move |_| {
        // Redrawn when the views are (every half second while training), not every frame.
        tm.pushed.track();
        let Some((w, h)) = size.get() else { return };
        let Some(el) = canvas.get() else { return };
        let ink = ink.get();
        tm.lab.with_untracked(|l| {
            let Some(l) = l else { return };
            let Some((backend, _)) = plotters_backend(&el, w, h) else {
                return;
            };
            let lines = [LogLine {
                label: "bits per character",
                color: UNIT_COLORS[0],
                values: l.bpc_history(),
                dashed: false,
            }];
            let x = if l.history_stride() == 1 {
                "training step".to_string()
            } else {
                format!("training step ÷ {}", l.history_stride())
            };
            let _ = draw_log_lines(&backend.into_drawing_area(), &lines, (&x, "bits/char"), ink);
        });
    });

    let temperature = RwSignal::new("0.8".to_string());
    let sample = RwSignal::new(None::<Result<String, String>>);
    let generate = move |_: ()| {
        let t = temperature.get_untracked();
        let result = match t.trim().parse::<f32>() {
            Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => tm.lab.with_untracked(|l| {
                l.as_ref()
                    .map_or(Err("Open text mode first.".to_string()), |l| {
                        let prime: String = l.text().chars().take(1).collect();
                        l.sample(&prime, SAMPLE_CHARS, v, l.steps())
                            .map(|s| format!("{prime}{s}"))
                    })
            }),
            _ => Err(format!(
                "Temperature must be a number from 0 to 100; \"{}\" is not.",
                crate::model::parse::excerpt(&t)
            )),
        };
        sample.set(Some(result));
    };
    // A sample on show follows the model as it learns (each time the views are refreshed).
    Effect::new(move |_| {
        tm.pushed.track();
        if sample.with_untracked(|s| matches!(s, Some(Ok(_)))) {
            generate(());
        }
    });

    let corpus_options = Corpus::ALL
        .iter()
        .map(|c| view! { <option value=c.id()>{c.title()}</option> })
        .collect_view();
    let cell_options = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn]
        .iter()
        .map(|k| view! { <option value=k.name()>{k.name().to_ascii_uppercase()}</option> })
        .collect_view();
    let size_options = SIZES
        .iter()
        .map(|h| view! { <option value=h.to_string()>{h.to_string()}</option> })
        .collect_view();
    view! {
        <div class="text-training">
            <h3>"1 · Train on a corpus"</h3>
            <div class="text-row">
                <label>"Corpus"
                    <select on:change=on_corpus prop:value=move || if pasting.get() { "paste".to_string() } else { corpus_id.get() }>
                        {corpus_options}
                        <option value="paste">"Paste your own…"</option>
                    </select>
                </label>
                <label>"Cell"
                    <select on:change=on_cell prop:value=move || settings.get().map_or("lstm", |s| s.kind.name())>
                        {cell_options}
                    </select>
                </label>
                <label>"Hidden size"
                    <select on:change=on_size prop:value=move || settings.get().map_or("32".to_string(), |s| s.hidden.to_string())>
                        {size_options}
                    </select>
                </label>
                <button type="button" class="train-main" on:click=toggle
                    aria-label=move || if tm.running.get() { "Pause text training" } else { "Train the text model" }>
                    {move || if tm.running.get() { "❚❚ Pause" } else { "▶ Train" }}
                </button>
                <button type="button" on:click=step aria-label="Step text training">"Step"</button>
                <button type="button" on:click=reset aria-label="Reset text training" title="Back to step 0, same initial weights">"Reset"</button>
            </div>
            <p class="text-row">
                <button type="button" on:click=move |_| save(false) title="PyTorch names (embedding.weight, lstm.weight_ih_l0, fc.weight, …) and the vocabulary, as JSON">"Save text model JSON"</button>
                <button type="button" on:click=move |_| save(true) title="The same as safetensors, the vocabulary in __metadata__">"Save text model safetensors"</button>
                <span class="text-help" role="status">{move || saved.get()}</span>
            </p>
            <p class="text-row">
                <button type="button" class="text-preset" on:click=move |_| tm.run_quote_preset(set_session)>
                    "Preset: find a unit that tracks quotes"
                </button>
                <span class="text-help">"An LSTM, H = 32, trained 300 steps on the code corpus (a few seconds), then the unit whose h best tells inside-quotes from outside."</span>
            </p>
            {move || pasting.get().then(|| view! {
                <div class="text-paste">
                    <label for="text-corpus">{format!("Your corpus (up to {MAX_CORPUS_CHARS} characters)")}</label>
                    <textarea id="text-corpus" rows="4" prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                    <button type="button" on:click=use_pasted>"Use this corpus"</button>
                </div>
            })}
            <p class="text-stats" role="status">{stats}</p>
            <p class="text-source">{move || tm.lab.with(|l| match l.as_ref().map(|l| l.corpus()) {
                Some(CorpusChoice::Builtin(c)) => c.source().to_string(),
                _ => String::new(),
            })}</p>
            <figure class="text-chart">
                <canvas node_ref=canvas role="img" aria-label="Line chart of bits per character per training step, log scale"></canvas>
                <super::save_png::SavePng canvas=canvas what="Bits per character" />
            </figure>
            <div class="text-sample">
                <label for="text-temperature">"Temperature"</label>
                <input id="text-temperature" type="text" inputmode="decimal" size="4"
                    prop:value=move || temperature.get()
                    on:change=move |ev| temperature.set(event_target_value(&ev)) />
                <button type="button" on:click=move |_| generate(())>"Generate text"</button>
                {move || sample.get().map(|r| match r {
                    Ok(s) => view! { <pre class="text-sampled" aria-label="Generated text">{s}</pre> }.into_any(),
                    Err(e) => view! { <p class="text-error" role="alert">{e}</p> }.into_any(),
                })}
            </div>
        </div>
    }
}
