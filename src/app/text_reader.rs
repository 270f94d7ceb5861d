//! Text mode's reader: the text the model reads, coloured character by character by one
//! unit's value (Karpathy's view), each character with the model's five most likely next
//! characters under it, and a unit finder: select part of the text, and the units are
//! ranked by how differently they behave there (LSTMVis's idea, `probe::rank_units`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::text_mode::TextMode;
use super::{CurrentStep, Explained, PlaybackWrite, SelectionWrite, SessionRead, SessionWrite};
use crate::model::text::probe::{rank_units, UnitScore};
use crate::model::Series;
use crate::state::Session;
use crate::viz::{text_on, ColorScale};

/// Units listed by the finder.
const FINDER_UNITS: usize = 8;

/// One character column of the Karpathy view.
#[derive(Clone, PartialEq)]
struct Column {
    label: String,
    value: f32,
    next: Vec<(String, f32)>,
}

/// The text box's selection as character indices `[start, end)` (the DOM counts UTF-16
/// code units).
fn char_span(area: &web_sys::HtmlTextAreaElement) -> Option<(usize, usize)> {
    let (a, b) = (area.selection_start().ok()??, area.selection_end().ok()??);
    let text = area.value();
    let to_char = |unit: u32| {
        let mut seen = 0u32;
        text.chars()
            .take_while(|c| {
                seen += c.len_utf16() as u32;
                seen <= unit
            })
            .count()
    };
    let (a, b) = (to_char(a), to_char(b));
    (b > a).then_some((a, b))
}

#[component]
pub fn TextReader() -> impl IntoView {
    let tm = expect_context::<TextMode>();
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let SelectionWrite(set_selection) = expect_context();
    let PlaybackWrite(set_playback) = expect_context();
    let CurrentStep(current) = expect_context();
    let ex = expect_context::<Explained>();
    let error = RwSignal::new(None::<String>);
    let unit_error = RwSignal::new(None::<String>);
    let series = tm.series;
    let span = RwSignal::new(None::<(usize, usize)>);

    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let r = tm.lab.try_update(|l| l.as_mut().map(|l| l.set_text(&text)));
        match r.flatten() {
            Some(Ok(())) => {
                error.set(None);
                span.set(None);
                tm.push(set_session, false);
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    };
    let on_select = move |target: Option<web_sys::EventTarget>| {
        let area = target.and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        if let Some(area) = area {
            span.set(char_span(&area));
        }
    };

    // The columns: the shown trace's values and the readout of its h.
    let on_show = move || {
        super::text_mode::step_labels(Some(tm), session, session.with(|s| s.view_trace().steps()))
    };
    let columns = Memo::new(move |_| {
        tm.pushed.track();
        let labels = on_show()?;
        let s = series.get();
        let unit = ex.unit.get();
        session.with(|sess: &Session| {
            let trace = sess.view_trace();
            // A quantity this cell lacks (c after switching to a GRU) falls back to h.
            let s = if trace.get(s).is_some() { s } else { Series::H };
            let values = trace.get(s)?;
            let h = trace.get(Series::H)?;
            let u = unit.min(trace.hidden_size().saturating_sub(1));
            let next = tm
                .lab
                .with_untracked(|l| l.as_ref().map(|l| l.predictions(h, 5)))?;
            let scale = ColorScale::for_series(s, trace.min_max(s).unwrap_or((0.0, 0.0)));
            let cols: Vec<Column> = labels
                .iter()
                .enumerate()
                .map(|(t, label)| Column {
                    label: label.clone(),
                    value: values[[t, u]],
                    next: next.get(t).cloned().unwrap_or_default(),
                })
                .collect();
            Some((cols, scale, u, s))
        })
    });
    let ranked = Memo::new(move |_| {
        let (a, b) = span.get()?;
        session.with(|s| {
            let trace = s.view_trace();
            let h = trace.get(series.get())?;
            (b <= h.nrows()).then(|| {
                rank_units(h, a..b)
                    .into_iter()
                    .take(FINDER_UNITS)
                    .collect::<Vec<UnitScore>>()
            })
        })
    });
    let pick = move |t: usize| {
        let unit = ex.unit.get_untracked();
        set_selection.set(Some((t, unit)));
        let steps = session.with_untracked(|s| s.view_trace().steps());
        set_playback.update(|p| {
            p.pause();
            p.seek(t, steps);
        });
    };
    let kinds = move || session.with(|s| Series::of(s.view_trace().kind()).to_vec());
    let view_columns = move || {
        columns.get().map(|(cols, scale, u, s)| {
            let now = current.get();
            let cells = cols
                .into_iter()
                .enumerate()
                .map(|(t, c)| {
                    let rgb = scale.rgb(c.value);
                    let style = format!(
                        "background: rgb({}, {}, {}); color: {}",
                        rgb[0],
                        rgb[1],
                        rgb[2],
                        text_on(rgb)
                    );
                    let title = format!("step {} · {} = {:.3}", t + 1, c.label, c.value);
                    let next = c
                        .next
                        .into_iter()
                        .map(|(ch, p)| {
                            // The probability as a bar behind the text (not as faded ink,
                            // which would fail contrast for the unlikely ones).
                            let pct = 100.0 * p.clamp(0.0, 1.0);
                            let bar = format!(
                                "background: linear-gradient(to right, #cfe0f5 {pct:.0}%, transparent {pct:.0}%)"
                            );
                            view! { <li style=bar><b>{ch}</b>{format!("{:.0}", 100.0 * p)}</li> }
                        })
                        .collect_view();
                    view! {
                        <div class="kcol" class:current=t == now>
                            <button type="button" class="kchar" style=style title=title on:click=move |_| pick(t)>
                                {c.label}
                            </button>
                            <ol class="knext">{next}</ol>
                        </div>
                    }
                })
                .collect_view();
            let legend = format!("background: {}", scale.css_gradient());
            view! {
                <p class="karpathy-key">
                    {format!("Coloured by unit {}'s {}; under each character, the 5 most likely next characters (%).", u + 1, s.label())}
                    <span class="karpathy-bar" style=legend></span>
                </p>
                <div class="karpathy-text">{cells}</div>
            }
        })
    };
    let finder = move || {
        let Some(list) = ranked.get() else {
            return view! { <p class="finder-hint">"Select part of the text in the box (a quoted string, a bracket's inside) to rank the units by it."</p> }.into_any();
        };
        let (a, b) = span.get().unwrap_or((0, 0));
        let rows = list
            .into_iter()
            .map(|s| {
                let label = format!("Unit {} · {:+.2}", s.unit + 1, s.score);
                view! {
                    <li><button type="button" class:current=move || ex.unit.get() == s.unit
                        on:click=move |_| ex.unit.set(s.unit)>{label}</button></li>
                }
            })
            .collect_view();
        view! {
            <p>{format!("Characters {}–{} selected. Units by (mean inside − mean outside) / spread; click one to colour the text by it:", a + 1, b)}</p>
            <ol class="finder-list">{rows}</ol>
        }
        .into_any()
    };
    view! {
        <div class="text-reader">
            <h3>"2 · Read a text"</h3>
            <label for="text-read">"Text to read"</label>
            <textarea id="text-read" rows="3" spellcheck="false"
                prop:value=move || tm.lab.with(|l| l.as_ref().map_or(String::new(), |l| l.text().to_string()))
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby="text-read-error"
                on:input=on_input
                on:select=move |ev| on_select(ev.target())
                on:keyup=move |ev| on_select(ev.target())
                on:mouseup=move |ev| on_select(ev.target())></textarea>
            <p id="text-read-error" class="text-error" role="alert">{move || error.get()}</p>
            {move || tm.finding.get().map(|f| view! { <p class="text-finding" role="status">{f}</p> })}
            <div class="karpathy" role="region" aria-label="Text coloured by a unit">
                <div class="text-row">
                    <label>"Colour by"
                        <select on:change=move |ev| {
                            if let Some(s) = Series::from_symbol(&event_target_value(&ev)) { series.set(s) }
                        } prop:value=move || series.get().symbol()>
                            {move || kinds().into_iter().map(|s| view! { <option value=s.symbol()>{s.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Unit"
                        <input type="number" min="1" prop:value=move || (ex.unit.get() + 1).to_string()
                            aria-invalid=move || unit_error.with(Option::is_some).to_string()
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                let units = session.with_untracked(|s| s.view_trace().hidden_size());
                                match text.trim().parse::<usize>() {
                                    Ok(u) if (1..=units).contains(&u) => {
                                        unit_error.set(None);
                                        ex.unit.set(u - 1);
                                    }
                                    _ => unit_error.set(Some(format!(
                                        "Unit must be a whole number from 1 to {units}; \"{}\" is not.",
                                        crate::model::parse::excerpt(&text)
                                    ))),
                                }
                            } />
                    </label>
                    <span class="text-error" role="alert">{move || unit_error.get()}</span>
                </div>
                {view_columns}
            </div>
            <div class="unit-finder" role="region" aria-label="Unit finder">
                <h4>"Unit finder"</h4>
                {finder}
            </div>
        </div>
    }
}
