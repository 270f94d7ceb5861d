//! The cell diagram (colah's "Understanding LSTMs" figure) as data: where every wire, node,
//! gate box and label of an LSTM, GRU or RNN step sits, which quantity of the step's
//! [`Breakdown`] each one shows, and how a value becomes a stroke width or an opacity.
//!
//! Coordinates are in viewBox units, [`VIEW_W`] wide, y downwards. [`figure`] turns these
//! lists and a breakdown into an element tree ([`crate::viz::tree`]: the SVG, the
//! walk-through controls), which `app::cell_diagram` patches into the page. Nothing here
//! computes a model number: every value comes from the breakdown, and the mappings below
//! only turn values into styles.

use crate::model::explain::Breakdown;
use crate::model::{CellKind, Series};
use crate::viz::format_sig;
use crate::viz::tree::{self, html, svg, Element};
use crate::viz::walkthrough::{part, parts};
// Short names for the layout tables at the end.
use Anchor::{End, Start};
use Series::{C, F, G, H, I, N, O, R, Z};

/// The viewBox width of every diagram.
pub const VIEW_W: f64 = 480.0;
/// The smallest font size used in the diagram, in viewBox units: 13 px or more once the
/// diagram is scaled down to [`PHONE_WIDTH`].
pub const FONT_MIN: f64 = 19.0;
/// The narrowest width the diagram is drawn at: a 390 px phone less the page's padding.
pub const PHONE_WIDTH: f64 = 340.0;
const _: () = assert!(
    FONT_MIN * PHONE_WIDTH / VIEW_W >= 13.0,
    "text too small on a phone"
);
/// Gate boxes: width and height.
pub const BOX_W: f64 = 84.0;
pub const BOX_H: f64 = 56.0;
/// The radius of the ×, + and 1− nodes.
pub const NODE_R: f64 = 15.0;

/// The thinnest and thickest line.
pub const MIN_WIDTH: f64 = 1.5;
pub const MAX_WIDTH: f64 = 12.0;
/// The widest line of a bounded quantity (a gate, h, g, n), which never exceeds 1 in size.
pub const BOUNDED_WIDTH: f64 = 7.0;
/// |c| at which the memory line reaches [`MAX_WIDTH`].
pub const C_FULL: f64 = 4.0;
/// The opacity of a line whose gate is shut (0): faint but still visible.
pub const SHUT_OPACITY: f64 = 0.18;

/// A point in viewBox units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

const fn p(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// One number of the step, read from the [`Breakdown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A gate's recorded value.
    Gate(Series),
    /// LSTM `c_{t-1}`, `f·c_{t-1}`, `i·g`, `c_t`.
    CPrev,
    Kept,
    Written,
    C,
    /// The unit's `h_{t-1}` and `h_t`.
    HPrev,
    H,
    /// `x_t` when the input has one entry (a vector has no single value to show).
    X,
    /// RNN: the pre-activation of h.
    RnnPre,
    /// GRU: `W_hn h_{t-1} + b_hn`, which r multiplies.
    NRecurrent,
}

/// The value of `q` in `b`, if `b` has it.
pub fn quantity(b: &Breakdown, q: Quantity) -> Option<f32> {
    match q {
        Quantity::Gate(s) => b.gates.iter().find(|g| g.series == s).map(|g| g.value),
        Quantity::CPrev => b.c_prev,
        Quantity::Kept => b.kept,
        Quantity::Written => b.written,
        Quantity::C => b.c,
        Quantity::HPrev => Some(b.h_prev_unit),
        Quantity::H => Some(b.h),
        Quantity::X => match b.x.as_slice() {
            [x] => Some(*x),
            _ => None,
        },
        // Shown at f32 precision like every other number of the diagram.
        Quantity::RnnPre => b.rnn_pre.as_ref().map(|s| s.total as f32),
        Quantity::NRecurrent => b.n_recurrent.as_ref().map(|s| s.total as f32),
    }
}

/// `q` with 4 significant digits, or "–" when `b` has no such value.
pub fn label_value(b: &Breakdown, q: Quantity) -> String {
    quantity(b, q).map_or_else(|| "–".to_string(), |v| format_sig(v, 4))
}

/// How open a gate is, in 0..=1: its value clamped (NaN counts as shut).
pub fn openness(gate: f32) -> f64 {
    if gate.is_nan() {
        0.0
    } else {
        f64::from(gate).clamp(0.0, 1.0)
    }
}

/// The size of a bounded quantity (h, g, n: |v| clamped to 1; NaN as 0).
pub fn magnitude(v: f32) -> f64 {
    openness(v.abs())
}

/// The memory line's width for a cell state `c`: [`MIN_WIDTH`] at 0, growing with √|c| up
/// to [`MAX_WIDTH`] at |c| ≥ [`C_FULL`] (so small states still differ); NaN as 0, ±∞ as full.
pub fn memory_width(c: f32) -> f64 {
    let a = if c.is_nan() { 0.0 } else { f64::from(c).abs() };
    let frac = (a / C_FULL).min(1.0).sqrt();
    MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * frac
}

/// The width of a line carrying a bounded value (a gate, h, g, n): [`MIN_WIDTH`] at 0 to
/// [`BOUNDED_WIDTH`] at 1.
pub fn bounded_width(v: f32) -> f64 {
    MIN_WIDTH + (BOUNDED_WIDTH - MIN_WIDTH) * magnitude(v)
}

/// The opacity of a line a gate controls: [`SHUT_OPACITY`] shut, 1 fully open.
pub fn flow_opacity(gate: f32) -> f64 {
    SHUT_OPACITY + (1.0 - SHUT_OPACITY) * openness(gate)
}

/// `x` for an SVG attribute: two decimals, and "0" for anything not finite, so no "NaN"
/// or "inf" ever reaches the DOM.
pub fn attr(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "0".to_string()
    }
}

/// What sets a wire's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// The thinnest line (inputs, values the breakdown does not record).
    Thin,
    /// The memory line: [`memory_width`] of the quantity.
    Memory(Quantity),
    /// [`bounded_width`] of the quantity.
    Bounded(Quantity),
    /// [`bounded_width`] of `1 − z` for a gate z (the GRU's 1− branch).
    Complement(Series),
}

/// What sets a wire's opacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opacity {
    Full,
    /// [`flow_opacity`] of the gate: the line the gate lets through.
    Gate(Series),
    /// [`flow_opacity`] of `1 − z`.
    Complement(Series),
}

/// A line of the diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wire {
    /// SVG path data, in viewBox units.
    pub d: &'static str,
    pub width: Width,
    pub opacity: Opacity,
    /// Ends in an arrowhead (a value leaving the cell).
    pub arrow: bool,
    /// The series whose walk-through part highlights it (empty: an input).
    pub tags: &'static [Series],
}

/// The operation drawn in a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Times,
    Plus,
    Tanh,
    OneMinus,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Times => "×",
            Op::Plus => "+",
            Op::Tanh => "tanh",
            Op::OneMinus => "1−",
        }
    }
}

/// A ×, + or tanh node; tanh is drawn as an ellipse, the others as circles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub op: Op,
    pub at: Point,
    /// The state this node produces, marked when an intervention forced it.
    pub forced: Option<Series>,
    /// Where the "forced" tag goes (text anchor end).
    pub forced_at: Point,
    pub tags: &'static [Series],
}

/// A gate (or the RNN's one tanh) box: `fun` over its name, and its value below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateBox {
    /// The box's centre x and top y.
    pub cx: f64,
    pub top: f64,
    /// "σ" or "tanh".
    pub fun: &'static str,
    /// The series it computes (forced marking, name).
    pub series: Series,
    pub value: Quantity,
    pub tags: &'static [Series],
}

impl GateBox {
    /// Where the "forced" tag goes (text anchor start): below the box, right of its stem.
    pub fn forced_at(&self) -> Point {
        p(self.cx + 6.0, self.top + BOX_H + 21.0)
    }
}

/// Horizontal text anchor of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A named value: `name` with subscript `sub`, then the value beside it, or under it when
/// `stacked`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Label {
    pub at: Point,
    pub anchor: Anchor,
    pub name: &'static str,
    pub sub: &'static str,
    /// Shown with 4 significant digits; a missing value (x_t of several entries) shows the
    /// name only.
    pub value: Quantity,
    pub stacked: bool,
    pub tags: &'static [Series],
}

/// Everything one cell kind draws, back to front: wires, nodes, boxes, labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diagram {
    pub view_h: f64,
    pub wires: &'static [Wire],
    pub nodes: &'static [Node],
    pub boxes: &'static [GateBox],
    pub labels: &'static [Label],
}

impl Diagram {
    /// The SVG `viewBox`.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", VIEW_W, self.view_h)
    }
}

/// The diagram of `kind`.
pub fn diagram(kind: CellKind) -> &'static Diagram {
    match kind {
        CellKind::Lstm => &LSTM,
        CellKind::Gru => &GRU,
        CellKind::Rnn => &RNN,
    }
}

/// A wire's stroke width and opacity for breakdown `b` (both finite).
pub fn wire_style(b: &Breakdown, w: &Wire) -> (f64, f64) {
    let val = |q: Quantity| quantity(b, q).unwrap_or(0.0);
    let gate = |s: Series| val(Quantity::Gate(s));
    let width = match w.width {
        Width::Thin => MIN_WIDTH,
        Width::Memory(q) => memory_width(val(q)),
        Width::Bounded(q) => bounded_width(val(q)),
        Width::Complement(s) => MIN_WIDTH + (BOUNDED_WIDTH - MIN_WIDTH) * (1.0 - openness(gate(s))),
    };
    let opacity = match w.opacity {
        Opacity::Full => 1.0,
        Opacity::Gate(s) => flow_opacity(gate(s)),
        Opacity::Complement(s) => SHUT_OPACITY + (1.0 - SHUT_OPACITY) * (1.0 - openness(gate(s))),
    };
    (width, opacity)
}

/// How a walk-through part shows an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// No walk-through running.
    Normal,
    /// The part covers it.
    Strong,
    /// Another part's element.
    Dim,
}

/// How an element tagged `tags` shows while the walk-through part covering `part` (None: no
/// walk-through) is on. An untagged element (an input) is strong in a part that covers no
/// series (the RNN's "Mix": the inputs and their sum).
pub fn emphasis(tags: &[Series], part: Option<&[Series]>) -> Emphasis {
    match part {
        None => Emphasis::Normal,
        Some(series) => {
            let covered = if tags.is_empty() {
                series.is_empty()
            } else {
                tags.iter().any(|t| series.contains(t))
            };
            if covered {
                Emphasis::Strong
            } else {
                Emphasis::Dim
            }
        }
    }
}

/// The walk-through part after `cur` among `n` (the first when none is on; stays on the last).
pub fn walk_next(cur: Option<usize>, n: usize) -> Option<usize> {
    match (n, cur) {
        (0, _) => None,
        (_, None) => Some(0),
        (_, Some(k)) => Some((k + 1).min(n - 1)),
    }
}

/// The walk-through part before `cur` among `n` (the first when none is on; stays on it).
pub fn walk_back(cur: Option<usize>, n: usize) -> Option<usize> {
    match (n, cur) {
        (0, _) => None,
        (_, None) => Some(0),
        (_, Some(k)) => Some(k.min(n - 1).saturating_sub(1)),
    }
}

/// A one-sentence account of the step for screen readers: "Unit 2 at step 3 (LSTM):
/// Forget gate f 0.7300, …".
pub fn summary(b: &Breakdown) -> String {
    let v = |q: Quantity| label_value(b, q);
    let mark = |s: Series| if b.is_forced(s) { " (forced)" } else { "" };
    let gates: Vec<String> = b
        .gates
        .iter()
        .map(|g| {
            let forced = if g.forced {
                format!(" (forced; the weights give {})", format_sig(g.natural, 4))
            } else {
                String::new()
            };
            format!("{} {}{forced}", g.series.label(), format_sig(g.value, 4))
        })
        .collect();
    let mut parts = Vec::new();
    if !gates.is_empty() {
        parts.push(gates.join(", "));
    }
    match b.kind {
        CellKind::Lstm => parts.push(format!(
            "memory c from {} to {}{} (kept {}, written {})",
            v(Quantity::CPrev),
            v(Quantity::C),
            mark(Series::C),
            v(Quantity::Kept),
            v(Quantity::Written)
        )),
        CellKind::Gru => parts.push(format!("recurrent part of n {}", v(Quantity::NRecurrent))),
        CellKind::Rnn => parts.push(format!("pre-activation {}", v(Quantity::RnnPre))),
    }
    parts.push(format!(
        "output h {}{} (was {})",
        v(Quantity::H),
        mark(Series::H),
        v(Quantity::HPrev)
    ));
    format!(
        "Unit {} at step {} ({}): {}.",
        b.unit + 1,
        b.t + 1,
        b.kind.name().to_ascii_uppercase(),
        parts.join("; ")
    )
}

// ---- The drawing: the figure's contents as a tree, for `app::tree_view`. ----

/// How far a subscript sits below the baseline, and the line height of a stacked value.
const SUB_DY: f64 = 5.0;
const LINE_DY: f64 = 22.0;

/// Everything inside the "Cell diagram" figure for breakdown `b` with walk-through part
/// `walk` on show: the heading, the drawing ([`draw`]), the walk-through controls
/// ([`walk_controls`]) and the key hint.
pub fn figure(b: &Breakdown, walk: Option<usize>) -> Vec<tree::Node> {
    vec![
        heading(&format!("unit {} · step {}", b.unit + 1, b.t + 1)),
        draw(b, walk),
        walk_controls(b.kind, walk),
        html("button")
            .class("cd-export")
            .attr("type", "button")
            .attr("data-export", "svg")
            .attr("title", "Save this drawing as an SVG file")
            .text("SVG")
            .child(html("span").class("sr-only").text(" of the cell diagram"))
            .into(),
        html("p")
            .class("cd-keys")
            .text("Keys here: ← → walk through the parts, Esc stops.")
            .into(),
    ]
}

/// The figure's contents when there is no breakdown: the heading and `message`.
pub fn figure_message(message: &str) -> Vec<tree::Node> {
    vec![
        heading(""),
        html("p").class("cd-error").text(message).into(),
    ]
}

fn heading(whereabouts: &str) -> tree::Node {
    html("h2")
        .text("Cell diagram ")
        .child(html("span").class("cd-where").text(whereabouts))
        .into()
}

/// The `<svg>` of `b`'s cell: [`diagram`]'s wires, nodes, boxes and labels, back to front,
/// each styled by its value in `b`, with the elements of walk-through part `walk`
/// (`cd-strong`) standing out from the rest (`cd-dim`), and forced states marked
/// (`cd-forced`). Its accessible name is [`summary`]. Every number attribute goes through
/// [`attr`], so none is "NaN" or "inf".
pub fn draw(b: &Breakdown, walk: Option<usize>) -> tree::Node {
    let dg = diagram(b.kind);
    let on = part(b.kind, walk).map(|p| p.series);
    let arrow = svg("marker")
        .attr("id", "cd-arrow")
        .attr("viewBox", "0 0 10 10")
        .attr("refX", "9")
        .attr("refY", "5")
        .attr("markerWidth", "12")
        .attr("markerHeight", "12")
        .attr("markerUnits", "userSpaceOnUse")
        .attr("orient", "auto")
        .child(
            svg("path")
                .class("cd-arrowhead")
                .attr("d", "M0 0L10 5L0 10z"),
        );
    svg("svg")
        .class(if on.is_some() {
            "cd-svg cd-walking"
        } else {
            "cd-svg"
        })
        .attr("viewBox", dg.view_box())
        .attr("role", "img")
        .attr("aria-label", summary(b))
        .child(svg("defs").child(arrow))
        .children(dg.wires.iter().map(|w| wire_tree(b, on, w)))
        .children(dg.nodes.iter().map(|n| node_tree(b, on, n)))
        .children(dg.boxes.iter().map(|gb| box_tree(b, on, gb)))
        .children(dg.labels.iter().map(|l| label_tree(b, on, l)))
        .into()
}

/// "Walk through this step", or the part on show (an index past `kind`'s parts counts as
/// none) with Back / Next / Done. Buttons carry `data-walk` ("start", "back", "next",
/// "done") for the container's click handler.
pub fn walk_controls(kind: CellKind, walk: Option<usize>) -> tree::Node {
    let all = parts(kind);
    let n = all.len();
    let button = |action: &'static str, text: &'static str| {
        html("button").attr("data-walk", action).text(text)
    };
    let inner = match walk.filter(|&k| k < n) {
        None => vec![button("start", "Walk through this step")
            .class("cd-walk-start")
            .into()],
        Some(k) => vec![
            html("div")
                .class("cd-part")
                .attr("aria-live", "polite")
                .child(html("h3").text(format!("{} of {}: {}", k + 1, n, all[k].title)))
                .child(html("p").text(all[k].sentence))
                .into(),
            html("div")
                .class("cd-buttons")
                .child(button("back", "Back").attr("aria-disabled", (k == 0).to_string()))
                .child(button("next", "Next").attr("aria-disabled", (k + 1 == n).to_string()))
                .child(button("done", "Done"))
                .into(),
        ],
    };
    html("div").class("cd-walk").children(inner).into()
}

/// The group every drawn element sits in: its walk-through emphasis and forced mark.
fn group(tags: &[Series], on: Option<&[Series]>, forced: bool) -> Element {
    let mut class = String::from("cd-el");
    match emphasis(tags, on) {
        Emphasis::Normal => {}
        Emphasis::Strong => class.push_str(" cd-strong"),
        Emphasis::Dim => class.push_str(" cd-dim"),
    }
    if forced {
        class.push_str(" cd-forced");
    }
    svg("g").class(class)
}

/// `q` of `b` with 4 significant digits, empty when `b` has none.
fn value_text(b: &Breakdown, q: Quantity) -> String {
    quantity(b, q).map(|v| format_sig(v, 4)).unwrap_or_default()
}

/// An SVG `<text>` at `at` (a number attribute) with `class`.
fn text_at(class: &'static str, at: Point) -> Element {
    svg("text")
        .class(class)
        .attr("x", attr(at.x))
        .attr("y", attr(at.y))
}

fn wire_tree(b: &Breakdown, on: Option<&[Series]>, w: &Wire) -> tree::Node {
    let (width, opacity) = wire_style(b, w);
    let path = svg("path")
        .class("cd-wire")
        .attr("d", w.d)
        .attr(
            "style",
            format!("stroke-width:{};opacity:{}", attr(width), attr(opacity)),
        )
        .attr_if(w.arrow, "marker-end", "url(#cd-arrow)");
    group(w.tags, on, false).child(path).into()
}

fn node_tree(b: &Breakdown, on: Option<&[Series]>, n: &Node) -> tree::Node {
    let (cx, cy) = (attr(n.at.x), attr(n.at.y));
    let shape = if n.op == Op::Tanh {
        svg("ellipse").attr("rx", "30").attr("ry", "16")
    } else {
        svg("circle").attr("r", attr(NODE_R))
    };
    let shape = shape.class("cd-node").attr("cx", cx).attr("cy", cy);
    let op_class = match n.op {
        Op::Tanh => "cd-op cd-op-word",
        Op::OneMinus => "cd-op cd-op-small",
        Op::Times | Op::Plus => "cd-op",
    };
    let op = text_at(op_class, n.at)
        .attr("text-anchor", "middle")
        .attr("dominant-baseline", "central")
        .text(n.op.symbol());
    let forced = n.forced.is_some_and(|s| b.is_forced(s));
    let mut g = group(n.tags, on, forced).child(shape).child(op);
    if n.forced.is_some() {
        g = g.child(
            text_at("cd-forced-label", n.forced_at)
                .attr("text-anchor", "end")
                .text("forced"),
        );
    }
    g.into()
}

fn box_tree(b: &Breakdown, on: Option<&[Series]>, gb: &GateBox) -> tree::Node {
    let rect = svg("rect")
        .class("cd-box")
        .attr("x", attr(gb.cx - BOX_W / 2.0))
        .attr("y", attr(gb.top))
        .attr("width", attr(BOX_W))
        .attr("height", attr(BOX_H))
        .attr("rx", "8");
    let fun = text_at("cd-fun", p(gb.cx, gb.top + 23.0))
        .attr("text-anchor", "middle")
        .text(format!("{} ", gb.fun))
        .child(svg("tspan").class("cd-name").text(gb.series.symbol()));
    let value = text_at("cd-value", p(gb.cx, gb.top + 47.0))
        .attr("text-anchor", "middle")
        .text(value_text(b, gb.value));
    let tag = text_at("cd-forced-label", gb.forced_at()).text("forced");
    group(gb.tags, on, b.is_forced(gb.series))
        .child(rect)
        .child(fun)
        .child(value)
        .child(tag)
        .into()
}

fn label_tree(b: &Breakdown, on: Option<&[Series]>, l: &Label) -> tree::Node {
    let has_sub = !l.sub.is_empty();
    let back = if has_sub { -SUB_DY } else { 0.0 };
    // Beside the name (after a gap), or under it, starting a new line at the label's x.
    let value = svg("tspan").class("cd-value");
    let value = if l.stacked {
        value
            .attr("x", attr(l.at.x))
            .attr("dy", attr(LINE_DY + back))
    } else {
        value.attr("dx", "7").attr("dy", attr(back))
    };
    let mut text = text_at("cd-label", l.at)
        .attr("text-anchor", l.anchor.as_str())
        .child(svg("tspan").class("cd-name").text(l.name));
    if has_sub {
        text = text.child(
            svg("tspan")
                .class("cd-sub")
                .attr("dy", attr(SUB_DY))
                .text(l.sub),
        );
    }
    let text = text.child(value.text(value_text(b, l.value)));
    group(l.tags, on, false).child(text).into()
}

// ---- The three layouts, built by short constructors so each element reads as one line. ----

const fn wire(d: &'static str, width: Width, opacity: Opacity, tags: &'static [Series]) -> Wire {
    Wire {
        d,
        width,
        opacity,
        arrow: false,
        tags,
    }
}

/// A wire leaving the cell, with an arrowhead.
const fn exit(d: &'static str, width: Width, tags: &'static [Series]) -> Wire {
    Wire {
        arrow: true,
        ..wire(d, width, Opacity::Full, tags)
    }
}

const fn node(op: Op, at: Point, tags: &'static [Series]) -> Node {
    Node {
        op,
        at,
        forced: None,
        forced_at: at,
        tags,
    }
}

/// A node producing state `s`, with its "forced" tag at `forced_at`.
const fn state_node(
    op: Op,
    at: Point,
    s: Series,
    forced_at: Point,
    tags: &'static [Series],
) -> Node {
    Node {
        forced: Some(s),
        forced_at,
        ..node(op, at, tags)
    }
}

/// The box of gate `s` (its value is the gate's own, it is highlighted with `s`).
const fn gate_box(
    cx: f64,
    top: f64,
    fun: &'static str,
    s: Series,
    tags: &'static [Series],
) -> GateBox {
    GateBox {
        cx,
        top,
        fun,
        series: s,
        value: Quantity::Gate(s),
        tags,
    }
}

/// A label with its value beside the name.
const fn label(
    at: Point,
    anchor: Anchor,
    (name, sub): (&'static str, &'static str),
    value: Quantity,
    tags: &'static [Series],
) -> Label {
    Label {
        at,
        anchor,
        name,
        sub,
        value,
        stacked: false,
        tags,
    }
}

/// A label with its value under the name.
const fn stacked(at: Point, name: &'static str, value: Quantity, tags: &'static [Series]) -> Label {
    Label {
        stacked: true,
        ..label(at, Anchor::Middle, (name, ""), value, tags)
    }
}

const THIN: Width = Width::Thin;
const FULL: Opacity = Opacity::Full;
const fn gate_width(s: Series) -> Width {
    Width::Bounded(Quantity::Gate(s))
}

// LSTM: c along the top; f, i, g, o boxes along the bottom; the [h; x] bus under them.
const LSTM_BOX_TOP: f64 = 190.0;
const LSTM: Diagram = Diagram {
    view_h: 350.0,
    wires: &[
        wire(
            "M0 288H330M60 288V246M150 288V246M240 288V246M330 288V246",
            THIN,
            FULL,
            &[],
        ),
        wire("M196 350V288", THIN, FULL, &[]),
        wire("M0 56H45", Width::Memory(Quantity::CPrev), FULL, &[F]),
        wire("M60 190V71", gate_width(F), Opacity::Gate(F), &[F]),
        wire(
            "M75 56H225",
            Width::Memory(Quantity::Kept),
            Opacity::Gate(F),
            &[F, C],
        ),
        wire("M150 190V124H225", gate_width(I), Opacity::Gate(I), &[I]),
        wire("M240 190V139", gate_width(G), FULL, &[G]),
        wire(
            "M240 109V71",
            Width::Memory(Quantity::Written),
            Opacity::Gate(I),
            &[I, G, C],
        ),
        exit("M255 56H470", Width::Memory(Quantity::C), &[C]),
        wire("M420 56V88", Width::Memory(Quantity::C), FULL, &[O]),
        wire("M420 120V145", THIN, FULL, &[O]),
        wire("M330 190V160H405", gate_width(O), Opacity::Gate(O), &[O]),
        Wire {
            opacity: Opacity::Gate(O),
            ..exit("M420 175V288H470", Width::Bounded(Quantity::H), &[H])
        },
    ],
    nodes: &[
        node(Op::Times, p(60.0, 56.0), &[F]),
        state_node(Op::Plus, p(240.0, 56.0), C, p(270.0, 30.0), &[C]),
        node(Op::Times, p(240.0, 124.0), &[I, G]),
        node(Op::Tanh, p(420.0, 104.0), &[O]),
        state_node(Op::Times, p(420.0, 160.0), H, p(400.0, 142.0), &[O, H]),
    ],
    boxes: &[
        gate_box(60.0, LSTM_BOX_TOP, "σ", F, &[F]),
        gate_box(150.0, LSTM_BOX_TOP, "σ", I, &[I]),
        gate_box(240.0, LSTM_BOX_TOP, "tanh", G, &[G]),
        gate_box(330.0, LSTM_BOX_TOP, "σ", O, &[O]),
    ],
    labels: &[
        label(p(4.0, 32.0), Start, ("c", "t−1"), Quantity::CPrev, &[F]),
        label(p(476.0, 32.0), End, ("c", "t"), Quantity::C, &[C]),
        stacked(p(120.0, 90.0), "kept", Quantity::Kept, &[F, C]),
        Label {
            anchor: Start,
            ..stacked(p(262.0, 96.0), "written", Quantity::Written, &[I, G, C])
        },
        label(p(4.0, 318.0), Start, ("h", "t−1"), Quantity::HPrev, &[]),
        label(p(204.0, 342.0), Start, ("x", "t"), Quantity::X, &[]),
        label(p(476.0, 318.0), End, ("h", "t"), Quantity::H, &[H]),
    ],
};

// GRU: h along the top; z, r, n boxes (z first, so r's path into n crosses nothing).
const GRU_BOX_TOP: f64 = 190.0;
const GRU: Diagram = Diagram {
    view_h: 350.0,
    wires: &[
        wire(
            "M20 56V288H300M60 288V246M170 288V246M300 288V246",
            THIN,
            FULL,
            &[],
        ),
        wire("M200 350V288", THIN, FULL, &[]),
        wire("M0 56H45", Width::Bounded(Quantity::HPrev), FULL, &[Z]),
        wire("M60 190V71", gate_width(Z), Opacity::Gate(Z), &[Z]),
        wire(
            "M75 56H285",
            Width::Bounded(Quantity::HPrev),
            Opacity::Gate(Z),
            &[Z, H],
        ),
        wire(
            "M60 104H135M165 104H285",
            Width::Complement(Z),
            Opacity::Complement(Z),
            &[Z],
        ),
        wire("M170 190V160H222", gate_width(R), Opacity::Gate(R), &[R]),
        wire("M237 288V175", THIN, FULL, &[R]),
        wire("M252 160H275V190", THIN, Opacity::Gate(R), &[R, N]),
        wire("M300 190V119", gate_width(N), FULL, &[N]),
        wire("M300 89V71", THIN, Opacity::Complement(Z), &[H]),
        exit("M315 56H470", Width::Bounded(Quantity::H), &[H]),
    ],
    nodes: &[
        node(Op::Times, p(60.0, 56.0), &[Z, H]),
        node(Op::OneMinus, p(150.0, 104.0), &[Z]),
        node(Op::Times, p(300.0, 104.0), &[H]),
        state_node(Op::Plus, p(300.0, 56.0), H, p(330.0, 30.0), &[H]),
        node(Op::Times, p(237.0, 160.0), &[R]),
    ],
    boxes: &[
        gate_box(60.0, GRU_BOX_TOP, "σ", Z, &[Z]),
        gate_box(170.0, GRU_BOX_TOP, "σ", R, &[R]),
        gate_box(300.0, GRU_BOX_TOP, "tanh", N, &[N]),
    ],
    labels: &[
        label(p(4.0, 32.0), Start, ("h", "t−1"), Quantity::HPrev, &[Z]),
        label(p(476.0, 32.0), End, ("h", "t"), Quantity::H, &[H]),
        label(
            p(237.0, 140.0),
            Anchor::Middle,
            ("W·h+b", ""),
            Quantity::NRecurrent,
            &[R],
        ),
        label(p(208.0, 342.0), Start, ("x", "t"), Quantity::X, &[]),
    ],
};

// RNN: [h_{t-1}; x_t] into one tanh box, h_t out.
const RNN: Diagram = Diagram {
    view_h: 190.0,
    wires: &[
        wire("M0 90H218", Width::Bounded(Quantity::HPrev), FULL, &[]),
        wire("M120 190V90", THIN, FULL, &[]),
        exit("M302 90H470", Width::Bounded(Quantity::H), &[H]),
    ],
    nodes: &[],
    boxes: &[GateBox {
        value: Quantity::H,
        ..gate_box(260.0, 62.0, "tanh", H, &[H])
    }],
    labels: &[
        label(p(4.0, 52.0), Start, ("h", "t−1"), Quantity::HPrev, &[]),
        label(p(210.0, 78.0), End, ("Σ", ""), Quantity::RnnPre, &[]),
        label(p(128.0, 176.0), Start, ("x", "t"), Quantity::X, &[]),
        label(p(476.0, 52.0), End, ("h", "t"), Quantity::H, &[H]),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::explain::{Gate, Sum};
    use crate::viz::walkthrough::parts;

    const KINDS: [CellKind; 3] = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];
    const ODD: [f32; 5] = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, -0.0];

    fn sum(total: f64) -> Sum {
        Sum {
            terms: Vec::new(),
            bias: total,
            total,
        }
    }

    /// A breakdown with the given gate values and states (no real model behind it).
    fn breakdown(kind: CellKind, v: f32) -> Breakdown {
        let series: &[Series] = match kind {
            CellKind::Lstm => &[Series::I, Series::F, Series::G, Series::O],
            CellKind::Gru => &[Series::R, Series::Z, Series::N],
            CellKind::Rnn => &[],
        };
        let lstm = kind == CellKind::Lstm;
        Breakdown {
            kind,
            t: 2,
            unit: 1,
            h_prev: vec![0.0, v],
            x: vec![v],
            gates: series
                .iter()
                .map(|&s| Gate {
                    series: s,
                    sum: sum(0.5),
                    value: v,
                    forced: false,
                    natural: v,
                })
                .collect(),
            n_recurrent: (kind == CellKind::Gru).then(|| sum(f64::from(v))),
            rnn_pre: (kind == CellKind::Rnn).then(|| sum(f64::from(v))),
            c_prev: lstm.then_some(v),
            kept: lstm.then_some(v),
            written: lstm.then_some(v),
            c: lstm.then_some(v),
            h_prev_unit: v,
            h: v,
            forced: Vec::new(),
        }
    }

    fn grid() -> impl Iterator<Item = f32> {
        (-400..=400).map(|k| k as f32 / 50.0)
    }

    #[test]
    fn memory_width_is_monotonic_in_size_and_clamped() {
        let mut last = 0.0;
        for c in (0..=600).map(|k| k as f32 / 100.0) {
            let w = memory_width(c);
            assert!(w >= last, "{c}");
            assert_eq!(w, memory_width(-c));
            assert!((MIN_WIDTH..=MAX_WIDTH).contains(&w));
            last = w;
        }
        assert_eq!(memory_width(0.0), MIN_WIDTH);
        assert_eq!(memory_width(C_FULL as f32), MAX_WIDTH);
        assert_eq!(memory_width(1e6), MAX_WIDTH);
        assert!(
            memory_width(0.1) > memory_width(0.0) + 1.0,
            "small states still show"
        );
    }

    #[test]
    fn openness_and_opacity_are_monotonic_and_clamped() {
        let (mut o, mut f, mut b) = (-1.0, -1.0, -1.0);
        for g in grid() {
            assert!(openness(g) >= o && flow_opacity(g) >= f);
            (o, f) = (openness(g), flow_opacity(g));
            assert!((0.0..=1.0).contains(&o));
            assert!((SHUT_OPACITY..=1.0).contains(&f));
            if g >= 0.0 {
                assert!(bounded_width(g) >= b);
                b = bounded_width(g);
            }
            assert!((MIN_WIDTH..=BOUNDED_WIDTH).contains(&bounded_width(g)));
        }
        assert_eq!((openness(0.0), openness(1.0)), (0.0, 1.0));
        assert_eq!((flow_opacity(0.0), flow_opacity(1.0)), (SHUT_OPACITY, 1.0));
        assert_eq!(magnitude(-0.5), 0.5);
    }

    #[test]
    fn odd_values_give_finite_styles() {
        for v in ODD {
            for x in [
                memory_width(v),
                openness(v),
                magnitude(v),
                bounded_width(v),
                flow_opacity(v),
            ] {
                assert!(x.is_finite(), "{v} -> {x}");
            }
            for kind in KINDS {
                let b = breakdown(kind, v);
                for w in diagram(kind).wires {
                    let (width, opacity) = wire_style(&b, w);
                    assert!(
                        width.is_finite() && opacity.is_finite(),
                        "{kind:?} {v} {w:?}"
                    );
                    for s in [attr(width), attr(opacity)] {
                        assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
                    }
                }
            }
        }
        assert_eq!(memory_width(f32::NAN), MIN_WIDTH);
        assert_eq!(memory_width(f32::NEG_INFINITY), MAX_WIDTH);
        assert_eq!(openness(f32::NAN), 0.0);
    }

    #[test]
    fn attributes_are_never_nan() {
        assert_eq!(attr(f64::NAN), "0");
        assert_eq!(attr(f64::INFINITY), "0");
        assert_eq!(attr(1.5), "1.50");
    }

    /// Every drawn coordinate of `d` (absolute M/H/V commands only).
    fn coordinates(d: &str) -> Vec<(char, f64)> {
        let mut out = Vec::new();
        let mut cmd = ' ';
        let mut num = String::new();
        let flush = |num: &mut String, cmd: &mut char, out: &mut Vec<(char, f64)>| {
            if !num.is_empty() {
                out.push((*cmd, num.parse().expect("a number")));
                num.clear();
                if *cmd == 'M' {
                    *cmd = 'm'; // the y of a move
                } else if *cmd == 'm' {
                    *cmd = 'M';
                }
            }
        };
        for ch in d.chars() {
            if "MHV".contains(ch) {
                flush(&mut num, &mut cmd, &mut out);
                cmd = ch;
            } else if ch == ' ' {
                flush(&mut num, &mut cmd, &mut out);
            } else {
                assert!(ch.is_ascii_digit() || ch == '.', "{d}: {ch}");
                num.push(ch);
            }
        }
        flush(&mut num, &mut cmd, &mut out);
        out
    }

    #[test]
    fn everything_lies_inside_the_view_box() {
        for kind in KINDS {
            let dg = diagram(kind);
            let inside =
                |x: f64, y: f64| (0.0..=VIEW_W).contains(&x) && (0.0..=dg.view_h).contains(&y);
            for w in dg.wires {
                for (c, v) in coordinates(w.d) {
                    let (x, y) = if matches!(c, 'M' | 'H') {
                        (v, 0.0)
                    } else {
                        (0.0, v)
                    };
                    assert!(inside(x, y), "{kind:?} {}", w.d);
                }
            }
            for n in dg.nodes {
                assert!(inside(n.at.x - NODE_R, n.at.y - NODE_R));
                assert!(inside(n.at.x + NODE_R, n.at.y + NODE_R));
            }
            for b in dg.boxes {
                assert!(inside(b.cx - BOX_W / 2.0, b.top));
                assert!(inside(b.cx + BOX_W / 2.0, b.top + BOX_H));
                assert!(inside(b.forced_at().x, b.forced_at().y));
            }
            for l in dg.labels {
                assert!(inside(l.at.x, l.at.y - FONT_MIN));
            }
        }
    }

    #[test]
    fn every_forceable_series_has_a_place_to_show_it() {
        for kind in KINDS {
            let dg = diagram(kind);
            for &s in Series::of(kind) {
                let boxes = dg.boxes.iter().filter(|b| b.series == s).count();
                let nodes = dg.nodes.iter().filter(|n| n.forced == Some(s)).count();
                assert_eq!(boxes + nodes, 1, "{kind:?} {s:?}");
            }
        }
    }

    #[test]
    fn every_walk_through_part_highlights_something_and_dims_something() {
        for kind in KINDS {
            let dg = diagram(kind);
            let tags = dg
                .wires
                .iter()
                .map(|w| w.tags)
                .chain(dg.nodes.iter().map(|n| n.tags))
                .chain(dg.boxes.iter().map(|b| b.tags))
                .chain(dg.labels.iter().map(|l| l.tags));
            let tags: Vec<&[Series]> = tags.collect();
            for part in parts(kind) {
                let shown = |e| {
                    tags.iter()
                        .filter(|t| emphasis(t, Some(part.series)) == e)
                        .count()
                };
                assert!(shown(Emphasis::Strong) > 0, "{kind:?} {}", part.title);
                assert!(shown(Emphasis::Dim) > 0, "{kind:?} {}", part.title);
            }
            for t in &tags {
                assert!(
                    t.iter().all(|s| Series::of(kind).contains(s)),
                    "{kind:?} {t:?}"
                );
                assert_eq!(emphasis(t, None), Emphasis::Normal);
            }
        }
    }

    #[test]
    fn walking_stays_within_the_parts() {
        assert_eq!(walk_next(None, 4), Some(0));
        assert_eq!(walk_next(Some(0), 4), Some(1));
        assert_eq!(walk_next(Some(3), 4), Some(3));
        assert_eq!(walk_next(Some(9), 2), Some(1));
        assert_eq!(walk_back(None, 4), Some(0));
        assert_eq!(walk_back(Some(2), 4), Some(1));
        assert_eq!(walk_back(Some(0), 4), Some(0));
        assert_eq!(walk_back(Some(9), 2), Some(0));
        assert_eq!(walk_next(None, 0), None);
        assert_eq!(walk_back(Some(1), 0), None);
    }

    #[test]
    fn values_come_from_the_breakdown() {
        let mut b = breakdown(CellKind::Lstm, 0.5);
        b.c = Some(-1.25);
        b.gates[1].value = 0.75;
        assert_eq!(quantity(&b, Quantity::C), Some(-1.25));
        assert_eq!(quantity(&b, Quantity::Gate(Series::F)), Some(0.75));
        assert_eq!(quantity(&b, Quantity::RnnPre), None);
        assert_eq!(label_value(&b, Quantity::Gate(Series::F)), "0.7500");
        assert_eq!(label_value(&b, Quantity::NRecurrent), "–");
        b.x = vec![1.0, 2.0];
        assert_eq!(quantity(&b, Quantity::X), None, "a vector has no one value");
        let gru = breakdown(CellKind::Gru, 0.25);
        assert_eq!(quantity(&gru, Quantity::NRecurrent), Some(0.25));
        assert_eq!(quantity(&gru, Quantity::C), None);
    }

    #[test]
    fn the_summary_names_the_unit_step_values_and_forcing() {
        let mut b = breakdown(CellKind::Lstm, 0.5);
        b.gates[1].forced = true;
        b.forced = vec![Series::F, Series::H];
        let s = summary(&b);
        assert!(
            s.starts_with(
                "Unit 2 at step 3 (LSTM): Input gate i 0.5000, Forget gate f 0.5000 \
             (forced; the weights give 0.5000), Candidate g"
            ),
            "{s}"
        );
        assert!(s.contains("memory c from 0.5000 to 0.5000"), "{s}");
        assert!(s.contains("output h 0.5000 (forced) (was 0.5000)"), "{s}");
        let rnn = summary(&breakdown(CellKind::Rnn, -0.125));
        assert!(rnn.contains("pre-activation -0.1250"), "{rnn}");
        assert!(summary(&breakdown(CellKind::Gru, 0.5)).contains("Update gate z 0.5000"));
    }
    /// The elements of `n` whose class list has `class`.
    fn with_class<'a>(n: &'a tree::Node, class: &str) -> Vec<&'a Element> {
        n.find_all(&|e| {
            e.get("class")
                .is_some_and(|c| c.split(' ').any(|k| k == class))
        })
    }

    /// The texts of the `cd-value` elements of `n` (boxes and labels, in drawing order).
    fn values(n: &tree::Node) -> Vec<String> {
        with_class(n, "cd-value")
            .into_iter()
            .map(|e| tree::Node::Element(e.clone()).text_content())
            .collect()
    }

    #[test]
    fn the_drawing_is_an_image_named_by_its_summary() {
        for kind in KINDS {
            let b = breakdown(kind, 0.5);
            let n = draw(&b, None);
            let tree::Node::Element(root) = &n else {
                panic!("an element")
            };
            assert_eq!((root.tag, root.ns), ("svg", tree::Ns::Svg));
            assert_eq!(root.get("role"), Some("img"));
            assert_eq!(root.get("aria-label"), Some(summary(&b).as_str()));
            assert_eq!(root.get("viewBox"), Some(diagram(kind).view_box().as_str()));
            assert_eq!(root.get("class"), Some("cd-svg"));
            let dg = diagram(kind);
            assert_eq!(with_class(&n, "cd-wire").len(), dg.wires.len(), "{kind:?}");
            assert_eq!(with_class(&n, "cd-node").len(), dg.nodes.len(), "{kind:?}");
            assert_eq!(with_class(&n, "cd-box").len(), dg.boxes.len(), "{kind:?}");
            assert_eq!(
                with_class(&n, "cd-label").len(),
                dg.labels.len(),
                "{kind:?}"
            );
            let arrows = n.find_all(&|e| e.get("marker-end").is_some()).len();
            assert_eq!(arrows, dg.wires.iter().filter(|w| w.arrow).count());
            assert!(n.find_all(&|e| e.ns != tree::Ns::Svg).is_empty());
        }
    }

    #[test]
    fn the_drawing_shows_the_lstm_values() {
        let mut b = breakdown(CellKind::Lstm, 0.5);
        for (g, v) in b.gates.iter_mut().zip([0.125, 0.25, -0.375, 0.875]) {
            g.value = v; // i, f, g, o
        }
        (b.c_prev, b.kept, b.written, b.c) =
            (Some(1.5), Some(0.375), Some(-0.046875), Some(0.328125));
        (b.h_prev_unit, b.h, b.x) = (-0.625, 0.2789, vec![2.0]);
        let n = draw(&b, None);
        // Boxes f, i, g, o; then labels c_{t-1}, c_t, kept, written, h_{t-1}, x_t, h_t.
        assert_eq!(
            values(&n),
            [
                "0.2500", "0.1250", "-0.3750", "0.8750", "1.500", "0.3281", "0.3750", "-0.04688",
                "-0.6250", "2.000", "0.2789"
            ]
            .map(|v| v.to_string())
        );
        let wires: Vec<_> = with_class(&n, "cd-wire");
        let memory = wires
            .iter()
            .find(|w| w.get("d") == Some("M255 56H470"))
            .expect("the c_t line");
        let want = format!("stroke-width:{};opacity:1.00", attr(memory_width(0.328125)));
        assert_eq!(memory.get("style"), Some(want.as_str()));
        assert!(
            n.text_content().contains("σ f"),
            "gate boxes name their gate"
        );
        // x_t of several entries has no value to show.
        b.x = vec![1.0, 2.0];
        assert_eq!(values(&draw(&b, None))[9], "");
    }

    #[test]
    fn the_drawing_marks_forced_values() {
        let mut b = breakdown(CellKind::Lstm, 0.5);
        assert!(with_class(&draw(&b, None), "cd-forced").is_empty());
        b.gates[1].forced = true;
        b.forced = vec![Series::F, Series::C];
        let n = draw(&b, None);
        let forced = with_class(&n, "cd-forced");
        assert_eq!(forced.len(), 2);
        let names: Vec<String> = forced
            .iter()
            .map(|g| tree::Node::Element((*g).clone()).text_content())
            .collect();
        assert!(
            names[0].contains('+') && names[0].contains("forced"),
            "{names:?}"
        );
        assert!(
            names[1].contains("σ f") && names[1].contains("forced"),
            "{names:?}"
        );
    }

    #[test]
    fn the_drawing_highlights_the_walk_through_part() {
        for kind in KINDS {
            let b = breakdown(kind, 0.5);
            let idle = draw(&b, None);
            assert!(
                with_class(&idle, "cd-strong").is_empty() && with_class(&idle, "cd-dim").is_empty()
            );
            for (k, p) in parts(kind).iter().enumerate() {
                let n = draw(&b, Some(k));
                let tree::Node::Element(root) = &n else {
                    panic!("an element")
                };
                assert_eq!(root.get("class"), Some("cd-svg cd-walking"));
                let strong = with_class(&n, "cd-strong");
                assert!(
                    !strong.is_empty() && !with_class(&n, "cd-dim").is_empty(),
                    "{kind:?} {k}"
                );
                // Every gate box of the part's series stands out.
                for gb in diagram(kind)
                    .boxes
                    .iter()
                    .filter(|gb| p.series.contains(&gb.series))
                {
                    let name = gb.series.symbol();
                    assert!(
                        strong.iter().any(|g| {
                            g.children.iter().any(|c| matches!(c, tree::Node::Element(e) if e.get("class") == Some("cd-box")))
                                && tree::Node::Element((*g).clone()).text_content().contains(name)
                        }),
                        "{kind:?} part {k}: box {name}"
                    );
                }
            }
            assert_eq!(
                draw(&b, Some(9)),
                idle,
                "an index past the parts walks nothing"
            );
        }
        // LSTM part 1 (forget): f's box is strong, o's dim.
        let n = draw(&breakdown(CellKind::Lstm, 0.5), Some(0));
        let text = |class| {
            with_class(&n, class)
                .iter()
                .map(|g| tree::Node::Element((*g).clone()).text_content())
                .collect::<String>()
        };
        assert!(text("cd-strong").contains("σ f") && !text("cd-strong").contains("σ o"));
        assert!(text("cd-dim").contains("σ o"));
    }

    #[test]
    fn the_drawing_shows_gru_and_rnn_values() {
        let mut gru = breakdown(CellKind::Gru, 0.5);
        for (g, v) in gru.gates.iter_mut().zip([0.125, 0.25, -0.75]) {
            g.value = v; // r, z, n
        }
        gru.n_recurrent = Some(sum(1.0625));
        gru.h = 0.3;
        // Boxes z, r, n; labels h_{t-1}, h_t, W·h+b, x_t.
        assert_eq!(
            values(&draw(&gru, None)),
            ["0.2500", "0.1250", "-0.7500", "0.5000", "0.3000", "1.062", "0.5000"]
                .map(|v| v.to_string())
        );
        let mut rnn = breakdown(CellKind::Rnn, 0.5);
        rnn.rnn_pre = Some(sum(-2.5));
        rnn.h = -0.9866;
        // The tanh box shows h; labels h_{t-1}, Σ, x_t, h_t.
        let n = draw(&rnn, None);
        assert_eq!(
            values(&n),
            ["-0.9866", "0.5000", "-2.500", "0.5000", "-0.9866"].map(|v| v.to_string())
        );
        assert!(n.text_content().contains("tanh h"));
    }

    #[test]
    fn the_drawing_has_no_non_finite_attribute() {
        for v in ODD {
            for kind in KINDS {
                let mut b = breakdown(kind, v);
                b.forced = Series::of(kind).to_vec();
                for walk in [None, Some(0), Some(1)] {
                    let n = draw(&b, walk);
                    for e in n.find_all(&|_| true) {
                        for (name, value) in &e.attrs {
                            if *name == "aria-label" {
                                continue; // words, where the summary says what the value is
                            }
                            assert!(
                                !value.contains("NaN") && !value.contains("inf"),
                                "{kind:?} {v}: {name}={value}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn walk_controls_start_then_step_through_the_parts() {
        let buttons = |n: &tree::Node| -> Vec<(String, Option<String>)> {
            n.find_all(&|e| e.tag == "button")
                .into_iter()
                .map(|e| {
                    (
                        e.get("data-walk").unwrap_or_default().to_string(),
                        e.get("aria-disabled").map(str::to_string),
                    )
                })
                .collect()
        };
        let idle = walk_controls(CellKind::Lstm, None);
        assert_eq!(buttons(&idle), [("start".to_string(), None)]);
        assert_eq!(idle.text_content(), "Walk through this step");
        assert_eq!(
            walk_controls(CellKind::Rnn, Some(2)),
            idle,
            "past the parts: idle"
        );
        let first = walk_controls(CellKind::Lstm, Some(0));
        let f = |s: &str| Some(s.to_string());
        assert_eq!(
            buttons(&first),
            [
                ("back".to_string(), f("true")),
                ("next".to_string(), f("false")),
                ("done".to_string(), None)
            ]
        );
        assert!(first.text_content().starts_with("1 of 4: Forget"));
        let last = walk_controls(CellKind::Lstm, Some(3));
        assert_eq!(buttons(&last)[1], ("next".to_string(), f("true")));
        assert!(last.text_content().starts_with("4 of 4: Output"));
    }

    #[test]
    fn the_figure_has_a_heading_and_a_message_without_a_breakdown() {
        let b = breakdown(CellKind::Gru, 0.5);
        let fig = figure(&b, None);
        assert_eq!(fig.len(), 5);
        assert_eq!(fig[0].text_content(), "Cell diagram unit 2 · step 3");
        assert_eq!(fig[1], draw(&b, None));
        // The SVG export button, named by its text for screen readers.
        let export = fig[3].find_all(&|e| e.get("data-export") == Some("svg"));
        assert_eq!(export.len(), 1);
        assert_eq!(fig[3].text_content(), "SVG of the cell diagram");
        let msg = figure_message("No model yet.");
        assert_eq!(msg[0].text_content(), "Cell diagram ");
        assert_eq!(msg[1].text_content(), "No model yet.");
    }
}
