//! Pieces of the step explainer's equations, as MathML: a number, a symbol with a subscript,
//! the terms of a pre-activation (each weight × input, hoverable), and a result.
//!
//! Every number printed here is a value of the core's [`Breakdown`]; nothing is computed
//! in view code. Numbers carry `data-q` names so a test can read them back.

use leptos::prelude::*;

use super::Explained;
use crate::model::explain::{Breakdown, Source, Sum, Term};
use crate::model::Series;
use crate::viz::format_sig;

/// Terms shown one by one; a larger sum shows its largest ones and the others' total.
pub const MAX_TERMS: usize = 12;

/// A number to 4 significant digits, named `q` for tests (`data-q`).
pub fn num(v: f64, q: Option<String>) -> impl IntoView {
    view! { <mn data-q=q>{format_sig(v as f32, 4)}</mn> }
}

/// A number that follows an operator: parenthesised when negative.
pub fn factor(v: f64, q: Option<String>) -> impl IntoView {
    let text = format_sig(v as f32, 4);
    let neg = text.starts_with('-');
    view! {
        {neg.then(|| view! { <mo>"("</mo> })}
        <mn data-q=q>{text}</mn>
        {neg.then(|| view! { <mo>")"</mo> })}
    }
}

/// `base` with subscript `sub` (e.g. W with subscript f).
pub fn sub(base: &'static str, sub: &'static str) -> impl IntoView {
    view! { <msub><mi>{base}</mi><mi>{sub}</mi></msub> }
}

/// `[h_{t−1}; x_t]`, the article's concatenated input.
pub fn hx() -> impl IntoView {
    view! {
        <mo>"["</mo>
        <msub><mi>"h"</mi><mrow><mi>"t"</mi><mo>"−"</mo><mn>"1"</mn></mrow></msub>
        <mo>";"</mo>
        <msub><mi>"x"</mi><mi>"t"</mi></msub>
        <mo>"]"</mo>
    }
}

/// The name of a term's input: `h_{t−1}[k]` or `x_t[k]`, counting from 1 as the views do.
pub fn source_name(s: Source) -> String {
    match s {
        Source::H(k) => format!("h(t−1)[{}]", k + 1),
        Source::X(k) => format!("x(t)[{}]", k + 1),
    }
}

/// The heatmap cell an input came from: `h_{t−1}[k]` is h at step t − 1 (none at t = 0,
/// where it is the initial state). `x` has no heatmap.
fn source_cell(b: &Breakdown, s: Source) -> Option<(Series, usize, usize)> {
    match s {
        Source::H(k) if b.t > 0 => Some((Series::H, b.t - 1, k)),
        _ => None,
    }
}

/// One weight × input, which on hover names the weight's row and column and rings the
/// heatmap cell of its input.
fn term_view(b: &Breakdown, weight: &'static str, term: Term, first: bool) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let (row, col) = (
        b.unit + 1,
        match term.source {
            Source::H(k) => k + 1,
            Source::X(k) => b.h_prev.len() + k + 1,
        },
    );
    let title = format!(
        "{weight}[{row}, {col}] = {} (row {row}: unit {row}; column {col}: {}) × {} = {}",
        format_sig(term.weight, 4),
        source_name(term.source),
        format_sig(term.input, 4),
        format_sig(term.product as f32, 4),
    );
    let cell = source_cell(b, term.source);
    let src = match term.source {
        Source::H(k) => format!("h{k}"),
        Source::X(k) => format!("x{k}"),
    };
    view! {
        <span
            class="term"
            title=title
            data-src=src
            on:mouseenter=move |_| ex.highlight.set(cell)
            on:mouseleave=move |_| ex.highlight.set(None)
        >
            <math>
                {(!first).then(|| view! { <mo>"+"</mo> })}
                {factor(f64::from(term.weight), None)}
                <mo>"·"</mo>
                {factor(f64::from(term.input), None)}
            </math>
        </span>
    }
}

/// The terms of `sum` and its bias, `w·v + w·v + … + b`: all of them up to [`MAX_TERMS`],
/// else the largest ones and "others", so the shown parts still add up to the total.
pub fn terms_view(b: &Breakdown, weight: &'static str, sum: &Sum) -> impl IntoView {
    let (shown, others) = if sum.terms.len() <= MAX_TERMS {
        (sum.terms.clone(), None)
    } else {
        let (shown, rest) = sum.largest(MAX_TERMS);
        (shown, Some(rest))
    };
    let hidden = sum.terms.len() - shown.len();
    let terms = shown
        .into_iter()
        .enumerate()
        .map(|(k, t)| term_view(b, weight, t, k == 0))
        .collect_view();
    let others = others.map(|v| {
        view! {
            <span class="term others" title=format!("the other {hidden} terms, added up")>
                <math><mo>"+"</mo>{factor(v, None)}</math>
                <span class="others-label">{format!("({hidden} smaller terms)")}</span>
            </span>
        }
    });
    view! {
        {terms}
        {others}
        <span class="term bias" title="the bias">
            <math><mo>"+"</mo>{factor(sum.bias, None)}</math>
        </span>
    }
}

/// A result `= value` that rings its own heatmap cell on hover, marked when an
/// intervention forced it.
pub fn result_view(b: &Breakdown, series: Series, value: f32) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let cell = Some((series, b.t, b.unit));
    let forced = b.is_forced(series);
    view! {
        <span
            class="result"
            class:forced=forced
            on:mouseenter=move |_| ex.highlight.set(cell)
            on:mouseleave=move |_| ex.highlight.set(None)
        >
            <math><mo>"="</mo>{num(f64::from(value), Some(series.symbol().to_string()))}</math>
            {forced.then(|| view! { <span class="forced-note">"forced"</span> })}
        </span>
    }
}
