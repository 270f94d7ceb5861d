//! The step explainer's equations as a tree (MathML in HTML), a pure function of the core's
//! [`Breakdown`]: the seed article's equations 1–6 for an LSTM, PyTorch's for the GRU and
//! the RNN, with the real numbers in place.
//!
//! Every number printed is a value of the breakdown, to 4 significant digits; nothing is
//! computed here. Numbers carry `data-q` names (`i`, `pre-i`, `c-prev`, `kept`, …) so tests
//! can read them back; hoverable parts carry `data-cell="series,t,unit"` (0-based), the
//! heatmap cell they came from.

use super::format_sig;
use super::tree::{html, math, Element, Node};
use crate::model::explain::{Breakdown, Gate, Source, Sum, Term};
use crate::model::{CellKind, Series};
use crate::viz::walkthrough::highlights;

/// Terms shown one by one; a larger sum shows its largest ones and the others' total.
pub const MAX_TERMS: usize = 12;

/// The equations of `b`'s cell: an introduction and a numbered list, the lines of the
/// walk-through part `walk` highlighted.
pub fn equations(b: &Breakdown, walk: Option<usize>) -> Vec<Node> {
    let gate = |s: Series| b.gates.iter().find(|g| g.series == s);
    let mut items: Vec<Node> = Vec::new();
    let mut gates = |list: &[(Series, &'static str, &'static str, usize)]| {
        for &(s, name, note, n) in list {
            if let Some(g) = gate(s) {
                items.push(gate_line(b, g, name, note, n, walk).into());
            }
        }
    };
    match b.kind {
        CellKind::Lstm => {
            gates(&[
                (Series::I, "Input gate", "", 1),
                (Series::F, "Forget gate", "", 2),
                (Series::O, "Output gate", "", 3),
                (Series::G, "Candidate", " (the article's h̃)", 4),
            ]);
            items.extend(memory_line(b, walk).map(Node::from));
            items.push(lstm_output_line(b, walk).into());
        }
        CellKind::Gru => {
            gates(&[
                (Series::R, "Reset gate", "", 1),
                (Series::Z, "Update gate", "", 2),
            ]);
            items.extend(gru_candidate_line(b, walk).map(Node::from));
            items.push(gru_output_line(b, walk).into());
        }
        CellKind::Rnn => items.extend(rnn_line(b, walk).map(Node::from)),
    }
    let intro = html("p")
        .class("explainer-intro")
        .text(format!(
            "Unit {} at step t = {}. {} at ",
            b.unit + 1,
            b.t + 1,
            if b.kind == CellKind::Rnn {
                "The cell looks"
            } else {
                "Each gate looks"
            }
        ))
        .child(math("math").children(hx()))
        .text(format!(
            ": the last output (all {} units) and this step's input. Hover a term to see its \
             weight; hover a result to find it in the heatmaps.",
            b.h_prev.len()
        ));
    vec![
        intro.into(),
        html("ol").class("equations").children(items).into(),
    ]
}

fn mo(s: &str) -> Node {
    math("mo").text(s).into()
}
fn mi(s: &str) -> Node {
    math("mi").text(s).into()
}
fn mn_text(s: &str) -> Node {
    math("mn").text(s).into()
}

/// A number to 4 significant digits, named `q` for tests.
fn num(v: f64, q: Option<String>) -> Node {
    let mut e = math("mn").text(format_sig(v as f32, 4));
    if let Some(q) = q {
        e = e.attr("data-q", q);
    }
    e.into()
}

/// A number that follows an operator: parenthesised when negative.
fn factor(v: f64, q: Option<String>) -> Vec<Node> {
    let n = num(v, q);
    if format_sig(v as f32, 4).starts_with('-') {
        vec![mo("("), n, mo(")")]
    } else {
        vec![n]
    }
}

/// `base` with subscript `sub`.
fn sub(base: &str, sub: &str) -> Node {
    math("msub").child(mi(base)).child(mi(sub)).into()
}

/// `h_{t−1}` (or `c_{t−1}`).
fn prev(base: &str) -> Node {
    math("msub")
        .child(mi(base))
        .child(
            math("mrow")
                .child(mi("t"))
                .child(mo("−"))
                .child(mn_text("1")),
        )
        .into()
}

/// `[h_{t−1}; x_t]`, the article's concatenated input.
fn hx() -> Vec<Node> {
    vec![mo("["), prev("h"), mo(";"), sub("x", "t"), mo("]")]
}

/// A `<math>` with these children.
fn m(children: Vec<Node>) -> Node {
    math("math").children(children).into()
}

/// `data-cell` for a heatmap cell.
fn cell(s: Series, t: usize, unit: usize) -> String {
    format!("{},{t},{unit}", s.symbol())
}

/// One weight × input; on hover it names the weight's row and column and rings the heatmap
/// cell of its input (h at t − 1; x and the initial state have none).
fn term_view(b: &Breakdown, weight: &str, term: Term, first: bool) -> Node {
    let (row, col) = (
        b.unit + 1,
        match term.source {
            Source::H(k) => k + 1,
            Source::X(k) => b.h_prev.len() + k + 1,
        },
    );
    let source = match term.source {
        Source::H(k) => format!("h(t−1)[{}]", k + 1),
        Source::X(k) => format!("x(t)[{}]", k + 1),
    };
    let title = format!(
        "{weight}[{row}, {col}] = {} (row {row}: unit {row}; column {col}: {source}) × {} = {}",
        format_sig(term.weight, 4),
        format_sig(term.input, 4),
        format_sig(term.product as f32, 4),
    );
    let mut parts = Vec::new();
    if !first {
        parts.push(mo("+"));
    }
    parts.extend(factor(f64::from(term.weight), None));
    parts.push(mo("·"));
    parts.extend(factor(f64::from(term.input), None));
    let e = html("span")
        .class("term")
        .attr("title", title)
        .child(m(parts));
    match term.source {
        Source::H(k) if b.t > 0 => e.attr("data-cell", cell(Series::H, b.t - 1, k)),
        _ => e,
    }
    .into()
}

/// `w·v + w·v + … + b`: all terms up to [`MAX_TERMS`], else the largest ones and the others'
/// sum, so the shown parts still add up to the total.
fn terms_view(b: &Breakdown, weight: &str, sum: &Sum) -> Vec<Node> {
    let (shown, others) = if sum.terms.len() <= MAX_TERMS {
        (sum.terms.clone(), None)
    } else {
        let (shown, rest) = sum.largest(MAX_TERMS);
        (shown, Some(rest))
    };
    let hidden = sum.terms.len() - shown.len();
    let mut out: Vec<Node> = shown
        .into_iter()
        .enumerate()
        .map(|(k, t)| term_view(b, weight, t, k == 0))
        .collect();
    if let Some(v) = others {
        let mut parts = vec![mo("+")];
        parts.extend(factor(v, None));
        out.push(
            html("span")
                .class("term others")
                .attr("title", format!("the other {hidden} terms, added up"))
                .child(m(parts))
                .child(
                    html("span")
                        .class("others-label")
                        .text(format!("({hidden} smaller terms)")),
                )
                .into(),
        );
    }
    let mut bias = vec![mo("+")];
    bias.extend(factor(sum.bias, None));
    out.push(
        html("span")
            .class("term bias")
            .attr("title", "the bias")
            .child(m(bias))
            .into(),
    );
    out
}

/// `= value`, ringing its own heatmap cell on hover, marked when an intervention forced it.
fn result_view(b: &Breakdown, s: Series, value: f32) -> Node {
    let forced = b.is_forced(s);
    let mut e = html("span")
        .class(if forced { "result forced" } else { "result" })
        .attr("data-cell", cell(s, b.t, b.unit))
        .child(m(vec![
            mo("="),
            num(f64::from(value), Some(s.symbol().to_string())),
        ]));
    if forced {
        e = e.child(html("span").class("forced-note").text("forced"));
    }
    e.into()
}

/// A numbered equation: its head (number, name, symbolic form) and its lines.
fn equation(
    b: &Breakdown,
    s: Series,
    forced: bool,
    walk: Option<usize>,
    head: (usize, String, Vec<Node>),
    lines: Vec<Element>,
) -> Element {
    let (n, name, symbolic) = head;
    let mut class = String::from("eq");
    if forced {
        class.push_str(" forced");
    }
    if highlights(b.kind, walk, s) {
        class.push_str(" walk");
    }
    html("li")
        .class(class)
        .attr("data-eq", s.symbol())
        .child(
            html("div")
                .class("eq-head")
                .child(html("span").class("eq-no").text(format!("({n})")))
                .child(html("span").class("eq-name").text(name))
                .child(math("math").attr("display", "block").children(symbolic)),
        )
        .children(lines.into_iter().map(Node::from))
}

fn line() -> Element {
    html("div").class("eq-line")
}

/// `k_t = σ(W_k [h_{t−1}; x_t] + b_k)`, its terms, and its value.
fn gate_line(
    b: &Breakdown,
    g: &Gate,
    name: &str,
    note: &str,
    n: usize,
    walk: Option<usize>,
) -> Element {
    let s = g.series;
    let sym = s.symbol();
    let act = if matches!(s, Series::G | Series::N) {
        "tanh"
    } else {
        "σ"
    };
    let weight = format!("W_{sym}");
    let mut symbolic = vec![sub(sym, "t"), mo("="), mi(act), mo("("), sub("W", sym)];
    symbolic.extend(hx());
    symbolic.extend([mo("+"), sub("b", sym), mo(")")]);
    let terms = line()
        .child(m(vec![mo("="), mi(act), mo("(")]))
        .children(terms_view(b, &weight, &g.sum))
        .child(m(vec![mo(")")]));
    let mut value = line().child(m(vec![
        mo("="),
        mi(act),
        mo("("),
        num(g.sum.total, Some(format!("pre-{sym}"))),
        mo(")"),
    ]));
    if g.forced {
        value = value
            .child(m(vec![
                mo("="),
                num(f64::from(g.natural), Some(format!("natural-{sym}"))),
            ]))
            .child(
                html("span")
                    .class("forced-arrow")
                    .text("→ an intervention sets it to"),
            );
    }
    value = value.child(result_view(b, s, g.value));
    equation(
        b,
        s,
        g.forced,
        walk,
        (n, format!("{name}{note}"), symbolic),
        vec![terms, value],
    )
}

fn value_of(b: &Breakdown, s: Series) -> f64 {
    b.gates
        .iter()
        .find(|g| g.series == s)
        .map_or(0.0, |g| f64::from(g.value))
}

/// (5) `c_t = f·c_{t−1} + i·g`, split into what was kept and what was written.
fn memory_line(b: &Breakdown, walk: Option<usize>) -> Option<Element> {
    let (c_prev, kept, written, c) = (b.c_prev?, b.kept?, b.written?, b.c?);
    let symbolic = vec![
        sub("c", "t"),
        mo("="),
        sub("f", "t"),
        mo("·"),
        prev("c"),
        mo("+"),
        sub("i", "t"),
        mo("·"),
        sub("g", "t"),
    ];
    let mut kept_parts = vec![mo("=")];
    kept_parts.extend(factor(value_of(b, Series::F), None));
    kept_parts.push(mo("·"));
    kept_parts.extend(factor(f64::from(c_prev), Some("c-prev".to_string())));
    let mut written_parts = vec![mo("+")];
    written_parts.extend(factor(value_of(b, Series::I), None));
    written_parts.push(mo("·"));
    written_parts.extend(factor(value_of(b, Series::G), None));
    let parts = line()
        .child(
            html("span")
                .class("part kept")
                .child(m(kept_parts))
                .child(html("span").class("part-label").text("kept from memory "))
                .child(m(vec![num(f64::from(kept), Some("kept".to_string()))])),
        )
        .child(
            html("span")
                .class("part written")
                .child(m(written_parts))
                .child(html("span").class("part-label").text("written "))
                .child(m(vec![num(
                    f64::from(written),
                    Some("written".to_string()),
                )])),
        )
        .child(result_view(b, Series::C, c));
    Some(equation(
        b,
        Series::C,
        b.is_forced(Series::C),
        walk,
        (
            5,
            "Memory update (the article's long-term memory hᴸ)".to_string(),
            symbolic,
        ),
        vec![parts],
    ))
}

/// (6) `h_t = o·tanh(c_t)`.
fn lstm_output_line(b: &Breakdown, walk: Option<usize>) -> Element {
    let symbolic = vec![
        sub("h", "t"),
        mo("="),
        sub("o", "t"),
        mo("·"),
        mi("tanh"),
        mo("("),
        sub("c", "t"),
        mo(")"),
    ];
    let mut parts = vec![mo("=")];
    parts.extend(factor(value_of(b, Series::O), None));
    parts.extend([mo("·"), mi("tanh"), mo("(")]);
    parts.push(num(f64::from(b.c.unwrap_or(0.0)), None));
    parts.push(mo(")"));
    let value = line().child(m(parts)).child(result_view(b, Series::H, b.h));
    equation(
        b,
        Series::H,
        b.is_forced(Series::H),
        walk,
        (
            6,
            "Output (the article's short-term memory hˢ)".to_string(),
            symbolic,
        ),
        vec![value],
    )
}

/// (3) PyTorch's GRU candidate: `n_t = tanh(W_in x_t + b_in + r_t·(W_hn h_{t−1} + b_hn))`.
fn gru_candidate_line(b: &Breakdown, walk: Option<usize>) -> Option<Element> {
    let n = b.gates.iter().find(|g| g.series == Series::N)?;
    let rec = b.n_recurrent.as_ref()?;
    let symbolic = vec![
        sub("n", "t"),
        mo("="),
        mi("tanh"),
        mo("("),
        sub("W", "in"),
        sub("x", "t"),
        mo("+"),
        sub("b", "in"),
        mo("+"),
        sub("r", "t"),
        mo("·"),
        mo("("),
        sub("W", "hn"),
        prev("h"),
        mo("+"),
        sub("b", "hn"),
        mo(")"),
        mo(")"),
    ];
    let input = line()
        .child(html("span").class("part-label").text("input part "))
        .children(terms_view(b, "W_in", &n.sum))
        .child(m(vec![
            mo("="),
            num(n.sum.total, Some("n-input".to_string())),
        ]));
    let recurrent = line()
        .child(html("span").class("part-label").text("recurrent part "))
        .children(terms_view(b, "W_hn", rec))
        .child(m(vec![
            mo("="),
            num(rec.total, Some("n-recurrent".to_string())),
        ]));
    let mut parts = vec![
        mo("="),
        mi("tanh"),
        mo("("),
        num(n.sum.total, None),
        mo("+"),
    ];
    parts.extend(factor(value_of(b, Series::R), None));
    parts.push(mo("·"));
    parts.extend(factor(rec.total, None));
    parts.push(mo(")"));
    let mut value = line().child(m(parts));
    if n.forced {
        value = value
            .child(m(vec![
                mo("="),
                num(f64::from(n.natural), Some("natural-n".to_string())),
            ]))
            .child(
                html("span")
                    .class("forced-arrow")
                    .text("→ an intervention sets it to"),
            );
    }
    value = value.child(result_view(b, Series::N, n.value));
    Some(equation(
        b,
        Series::N,
        n.forced,
        walk,
        (3, "Candidate".to_string(), symbolic),
        vec![input, recurrent, value],
    ))
}

/// (4) `h_t = (1 − z_t)·n_t + z_t·h_{t−1}`.
fn gru_output_line(b: &Breakdown, walk: Option<usize>) -> Element {
    let symbolic = vec![
        sub("h", "t"),
        mo("="),
        mo("("),
        mn_text("1"),
        mo("−"),
        sub("z", "t"),
        mo(")"),
        mo("·"),
        sub("n", "t"),
        mo("+"),
        sub("z", "t"),
        mo("·"),
        prev("h"),
    ];
    let z = value_of(b, Series::Z);
    let mut parts = vec![mo("="), mo("("), mn_text("1"), mo("−")];
    parts.extend(factor(z, None));
    parts.extend([mo(")"), mo("·")]);
    parts.extend(factor(value_of(b, Series::N), None));
    parts.push(mo("+"));
    parts.extend(factor(z, None));
    parts.push(mo("·"));
    parts.extend(factor(f64::from(b.h_prev_unit), Some("h-prev".to_string())));
    let value = line().child(m(parts)).child(result_view(b, Series::H, b.h));
    equation(
        b,
        Series::H,
        b.is_forced(Series::H),
        walk,
        (4, "Output".to_string(), symbolic),
        vec![value],
    )
}

/// The plain RNN: `h_t = tanh(W [h_{t−1}; x_t] + b)`.
fn rnn_line(b: &Breakdown, walk: Option<usize>) -> Option<Element> {
    let pre = b.rnn_pre.as_ref()?;
    let mut symbolic = vec![sub("h", "t"), mo("="), mi("tanh"), mo("("), mi("W")];
    symbolic.extend(hx());
    symbolic.extend([mo("+"), mi("b"), mo(")")]);
    let terms = line()
        .child(m(vec![mo("="), mi("tanh"), mo("(")]))
        .children(terms_view(b, "W", pre))
        .child(m(vec![mo(")")]));
    let value = line()
        .child(m(vec![
            mo("="),
            mi("tanh"),
            mo("("),
            num(pre.total, Some("pre-h".to_string())),
            mo(")"),
        ]))
        .child(result_view(b, Series::H, b.h));
    Some(equation(
        b,
        Series::H,
        b.is_forced(Series::H),
        walk,
        (1, "Output".to_string(), symbolic),
        vec![terms, value],
    ))
}

#[cfg(test)]
#[path = "explainer_tests.rs"]
mod tests;
