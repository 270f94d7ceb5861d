//! The step explainer: the seed article's equations 1–6 for the selected unit at the current
//! step, with the core's own numbers in place (GRU and RNN get PyTorch's equations).

use leptos::prelude::*;

use super::explainer_parts::{factor, hx, num, result_view, sub, terms_view};
use super::{CurrentStep, Explained, SelectionWrite};
use crate::model::explain::{Breakdown, Gate};
use crate::model::parse::excerpt;
use crate::model::{CellKind, Series};
use crate::state::walkthrough::highlights;

/// The "Step explainer" region: a "Unit" control and the equations of that unit's step.
/// It follows the transport and the heatmap selection, and every change of the weights
/// (training) or of the interventions.
#[component]
pub fn StepExplainer() -> impl IntoView {
    let ex = expect_context::<Explained>();
    let CurrentStep(current) = expect_context();
    let SelectionWrite(set_selection) = expect_context();
    let units = Memo::new(move |_| {
        ex.breakdown
            .with(|b| b.as_ref().map(|b| b.h_prev.len()).unwrap_or(1))
    });
    let shown_unit = move || ex.unit.get().min(units.get().saturating_sub(1)) + 1;
    let (unit_error, set_unit_error) = signal(None::<String>);
    let on_unit = move |ev: leptos::ev::Event| {
        // Anything but a unit of the model gets a message; the explainer keeps its unit, and
        // leaving the field shows that unit again.
        let text = event_target_value(&ev);
        let h = units.get_untracked();
        match text.trim().parse::<usize>() {
            Ok(u) if (1..=h).contains(&u) => {
                set_unit_error.set(None);
                ex.unit.set(u - 1);
                // The views ring the explained cell.
                set_selection.set(Some((current.get_untracked(), u - 1)));
            }
            _ if text.trim().is_empty() => {
                set_unit_error.set(Some(format!("Unit must be a whole number from 1 to {h}.")))
            }
            _ => set_unit_error.set(Some(format!(
                "Unit must be a whole number from 1 to {h}; \"{}\" is not.",
                excerpt(text.trim())
            ))),
        }
    };
    let body = move || {
        ex.breakdown.with(|r| match r {
            Ok(b) => equations(b).into_any(),
            Err(e) => view! { <p class="explainer-note">{e.clone()}</p> }.into_any(),
        })
    };
    view! {
        <section class="step-explainer" aria-label="Step explainer">
            <div class="explainer-head">
                <h2>"Step explainer"</h2>
                <label class="unit-field">
                    "Unit"
                    <input
                        id="explainer-unit"
                        aria-describedby="explainer-unit-msg"
                        aria-invalid=move || unit_error.with(Option::is_some).to_string()
                        type="number"
                        min="1"
                        max=move || units.get()
                        step="1"
                        prop:value=shown_unit
                        on:input=on_unit
                        on:change=move |ev| {
                            // Leaving the field with a unit that does not exist shows the
                            // explained one again.
                            let el = event_target::<web_sys::HtmlInputElement>(&ev);
                            el.set_value(&shown_unit().to_string());
                            set_unit_error.set(None);
                        }
                    />
                </label>
                <span class="explainer-step">"at step t = "{move || current.get() + 1}</span>
            </div>
            <p class="unit-error" id="explainer-unit-msg" role="status">{move || unit_error.get()}</p>
            {body}
        </section>
    }
}

/// The equations of `b`'s cell, in the article's order for an LSTM (i, f, o, g, c, h).
fn equations(b: &Breakdown) -> impl IntoView {
    let gate = |s: Series| b.gates.iter().find(|g| g.series == s);
    let lines = match b.kind {
        CellKind::Lstm => {
            let gates = [
                (Series::I, "Input gate", "", 1),
                (Series::F, "Forget gate", "", 2),
                (Series::O, "Output gate", "", 3),
                (Series::G, "Candidate", " (the article's h̃)", 4),
            ]
            .into_iter()
            .filter_map(|(s, name, note, n)| Some(gate_line(b, gate(s)?, name, note, n)))
            .collect_view();
            view! { {gates}{memory_line(b)}{lstm_output_line(b)} }.into_any()
        }
        CellKind::Gru => {
            let gates = [
                (Series::R, "Reset gate", "", 1),
                (Series::Z, "Update gate", "", 2),
            ]
            .into_iter()
            .filter_map(|(s, name, note, n)| Some(gate_line(b, gate(s)?, name, note, n)))
            .collect_view();
            view! { {gates}{gru_candidate_line(b)}{gru_output_line(b)} }.into_any()
        }
        CellKind::Rnn => rnn_line(b).into_any(),
    };
    view! {
        <p class="explainer-intro">
            "Unit "{b.unit + 1}" at step t = "{b.t + 1}". Each gate looks at "
            <math>{hx()}</math>
            ": the last output (all "{b.h_prev.len()}" units) and this step's input. Hover a term \
             to see its weight; hover a result to find it in the heatmaps."
        </p>
        <ol class="equations">{lines}</ol>
    }
}

/// A line `(n) name: k_t = σ(W_k [h_{t−1}; x_t] + b_k)`, its terms, and its value.
fn gate_line(
    b: &Breakdown,
    g: &Gate,
    name: &'static str,
    note: &'static str,
    n: usize,
) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let (s, kind) = (g.series, b.kind);
    let sym = s.symbol();
    let act = if s == Series::G || s == Series::N {
        "tanh"
    } else {
        "σ"
    };
    let weight = match sym {
        "i" => "W_i",
        "f" => "W_f",
        "g" => "W_g",
        "o" => "W_o",
        "r" => "W_r",
        _ => "W_z",
    };
    let bias_name = &weight[2..];
    view! {
        <li class="eq" class:forced=g.forced class:walk=move || highlights(kind, ex.walk.get(), s) data-eq=sym>
            <div class="eq-head">
                <span class="eq-no">{format!("({n})")}</span>
                <span class="eq-name">{name}{note}</span>
                <math display="block">
                    {sub(sym, "t")}<mo>"="</mo><mi>{act}</mi><mo>"("</mo>
                    {sub("W", bias_name)}{hx()}<mo>"+"</mo>{sub("b", bias_name)}<mo>")"</mo>
                </math>
            </div>
            <div class="eq-line">
                <math><mo>"="</mo><mi>{act}</mi><mo>"("</mo></math>
                {terms_view(b, weight, &g.sum)}
                <math><mo>")"</mo></math>
            </div>
            <div class="eq-line">
                <math>
                    <mo>"="</mo><mi>{act}</mi><mo>"("</mo>
                    {num(g.sum.total, Some(format!("pre-{sym}")))}<mo>")"</mo>
                </math>
                {g.forced.then(|| view! {
                    <math><mo>"="</mo>{num(f64::from(g.natural), Some(format!("natural-{sym}")))}</math>
                    <span class="forced-arrow">"→ an intervention sets it to"</span>
                })}
                {result_view(b, s, g.value)}
            </div>
        </li>
    }
}

/// (5) `c_t = f·c_{t−1} + i·g`, split into what was kept and what was written.
fn memory_line(b: &Breakdown) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = b.kind;
    let value = |s: Series| {
        b.gates
            .iter()
            .find(|g| g.series == s)
            .map_or(0.0, |g| g.value)
    };
    let (Some(c_prev), Some(kept), Some(written), Some(c)) = (b.c_prev, b.kept, b.written, b.c)
    else {
        return None;
    };
    Some(view! {
        <li class="eq" class:forced=b.is_forced(Series::C) class:walk=move || highlights(kind, ex.walk.get(), Series::C) data-eq="c">
            <div class="eq-head">
                <span class="eq-no">"(5)"</span>
                <span class="eq-name">"Memory update (the article's long-term memory hᴸ)"</span>
                <math display="block">
                    {sub("c", "t")}<mo>"="</mo>{sub("f", "t")}<mo>"·"</mo>
                    <msub><mi>"c"</mi><mrow><mi>"t"</mi><mo>"−"</mo><mn>"1"</mn></mrow></msub>
                    <mo>"+"</mo>{sub("i", "t")}<mo>"·"</mo>{sub("g", "t")}
                </math>
            </div>
            <div class="eq-line">
                <span class="part kept">
                    <math>
                        <mo>"="</mo>{factor(f64::from(value(Series::F)), None)}<mo>"·"</mo>
                        {factor(f64::from(c_prev), Some("c-prev".to_string()))}
                    </math>
                    <span class="part-label">"kept from memory "</span>
                    <math>{num(f64::from(kept), Some("kept".to_string()))}</math>
                </span>
                <span class="part written">
                    <math>
                        <mo>"+"</mo>{factor(f64::from(value(Series::I)), None)}<mo>"·"</mo>
                        {factor(f64::from(value(Series::G)), None)}
                    </math>
                    <span class="part-label">"written "</span>
                    <math>{num(f64::from(written), Some("written".to_string()))}</math>
                </span>
                {result_view(b, Series::C, c)}
            </div>
        </li>
    })
}

/// (6) `h_t = o·tanh(c_t)`.
fn lstm_output_line(b: &Breakdown) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = b.kind;
    let o = b
        .gates
        .iter()
        .find(|g| g.series == Series::O)
        .map_or(0.0, |g| g.value);
    view! {
        <li class="eq" class:forced=b.is_forced(Series::H) class:walk=move || highlights(kind, ex.walk.get(), Series::H) data-eq="h">
            <div class="eq-head">
                <span class="eq-no">"(6)"</span>
                <span class="eq-name">"Output (the article's short-term memory hˢ)"</span>
                <math display="block">
                    {sub("h", "t")}<mo>"="</mo>{sub("o", "t")}<mo>"·"</mo>
                    <mi>"tanh"</mi><mo>"("</mo>{sub("c", "t")}<mo>")"</mo>
                </math>
            </div>
            <div class="eq-line">
                <math>
                    <mo>"="</mo>{factor(f64::from(o), None)}<mo>"·"</mo><mi>"tanh"</mi><mo>"("</mo>
                    {num(f64::from(b.c.unwrap_or(0.0)), None)}<mo>")"</mo>
                </math>
                {result_view(b, Series::H, b.h)}
            </div>
        </li>
    }
}

/// (3) PyTorch's GRU candidate: `n_t = tanh(W_in x_t + b_in + r_t·(W_hn h_{t−1} + b_hn))`.
fn gru_candidate_line(b: &Breakdown) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = b.kind;
    let n = b.gates.iter().find(|g| g.series == Series::N)?;
    let rec = b.n_recurrent.as_ref()?;
    let r = b
        .gates
        .iter()
        .find(|g| g.series == Series::R)
        .map_or(0.0, |g| g.value);
    Some(view! {
        <li class="eq" class:forced=n.forced class:walk=move || highlights(kind, ex.walk.get(), Series::N) data-eq="n">
            <div class="eq-head">
                <span class="eq-no">"(3)"</span>
                <span class="eq-name">"Candidate"</span>
                <math display="block">
                    {sub("n", "t")}<mo>"="</mo><mi>"tanh"</mi><mo>"("</mo>
                    {sub("W", "in")}{sub("x", "t")}<mo>"+"</mo>{sub("b", "in")}<mo>"+"</mo>
                    {sub("r", "t")}<mo>"·"</mo><mo>"("</mo>{sub("W", "hn")}
                    <msub><mi>"h"</mi><mrow><mi>"t"</mi><mo>"−"</mo><mn>"1"</mn></mrow></msub>
                    <mo>"+"</mo>{sub("b", "hn")}<mo>")"</mo><mo>")"</mo>
                </math>
            </div>
            <div class="eq-line">
                <span class="part-label">"input part "</span>
                {terms_view(b, "W_in", &n.sum)}
                <math><mo>"="</mo>{num(n.sum.total, Some("n-input".to_string()))}</math>
            </div>
            <div class="eq-line">
                <span class="part-label">"recurrent part "</span>
                {terms_view(b, "W_hn", rec)}
                <math><mo>"="</mo>{num(rec.total, Some("n-recurrent".to_string()))}</math>
            </div>
            <div class="eq-line">
                <math>
                    <mo>"="</mo><mi>"tanh"</mi><mo>"("</mo>{num(n.sum.total, None)}<mo>"+"</mo>
                    {factor(f64::from(r), None)}<mo>"·"</mo>{factor(rec.total, None)}<mo>")"</mo>
                </math>
                {n.forced.then(|| view! {
                    <math><mo>"="</mo>{num(f64::from(n.natural), Some("natural-n".to_string()))}</math>
                    <span class="forced-arrow">"→ an intervention sets it to"</span>
                })}
                {result_view(b, Series::N, n.value)}
            </div>
        </li>
    })
}

/// (4) `h_t = (1 − z_t)·n_t + z_t·h_{t−1}`.
fn gru_output_line(b: &Breakdown) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = b.kind;
    let value = |s: Series| {
        b.gates
            .iter()
            .find(|g| g.series == s)
            .map_or(0.0, |g| g.value)
    };
    let z = f64::from(value(Series::Z));
    view! {
        <li class="eq" class:forced=b.is_forced(Series::H) class:walk=move || highlights(kind, ex.walk.get(), Series::H) data-eq="h">
            <div class="eq-head">
                <span class="eq-no">"(4)"</span>
                <span class="eq-name">"Output"</span>
                <math display="block">
                    {sub("h", "t")}<mo>"="</mo><mo>"("</mo><mn>"1"</mn><mo>"−"</mo>{sub("z", "t")}
                    <mo>")"</mo><mo>"·"</mo>{sub("n", "t")}<mo>"+"</mo>{sub("z", "t")}<mo>"·"</mo>
                    <msub><mi>"h"</mi><mrow><mi>"t"</mi><mo>"−"</mo><mn>"1"</mn></mrow></msub>
                </math>
            </div>
            <div class="eq-line">
                <math>
                    <mo>"="</mo><mo>"("</mo><mn>"1"</mn><mo>"−"</mo>{factor(z, None)}<mo>")"</mo>
                    <mo>"·"</mo>{factor(f64::from(value(Series::N)), None)}<mo>"+"</mo>
                    {factor(z, None)}<mo>"·"</mo>{factor(f64::from(b.h_prev_unit), Some("h-prev".to_string()))}
                </math>
                {result_view(b, Series::H, b.h)}
            </div>
        </li>
    }
}

/// The plain RNN: `h_t = tanh(W [h_{t−1}; x_t] + b)`.
fn rnn_line(b: &Breakdown) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = b.kind;
    let pre = b.rnn_pre.as_ref()?;
    Some(view! {
        <li class="eq" class:forced=b.is_forced(Series::H) class:walk=move || highlights(kind, ex.walk.get(), Series::H) data-eq="h">
            <div class="eq-head">
                <span class="eq-no">"(1)"</span>
                <span class="eq-name">"Output"</span>
                <math display="block">
                    {sub("h", "t")}<mo>"="</mo><mi>"tanh"</mi><mo>"("</mo><mi>"W"</mi>{hx()}
                    <mo>"+"</mo><mi>"b"</mi><mo>")"</mo>
                </math>
            </div>
            <div class="eq-line">
                <math><mo>"="</mo><mi>"tanh"</mi><mo>"("</mo></math>
                {terms_view(b, "W", pre)}
                <math><mo>")"</mo></math>
            </div>
            <div class="eq-line">
                <math><mo>"="</mo><mi>"tanh"</mi><mo>"("</mo>{num(pre.total, Some("pre-h".to_string()))}<mo>")"</mo></math>
                {result_view(b, Series::H, b.h)}
            </div>
        </li>
    })
}
