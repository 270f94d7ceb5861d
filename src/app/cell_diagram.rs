//! The cell diagram: the explained unit's step drawn in colah's style, every value from the
//! step's breakdown, and the "Walk through this step" mode.
//!
//! The layout and the value-to-style mappings are plain data in
//! [`crate::viz::cell_diagram`]; this file only draws them. The SVG is built once per cell
//! kind and its attributes follow [`Explained::breakdown`], so it moves with the transport.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use super::Explained;
use crate::model::explain::Breakdown;
use crate::model::{CellKind, Series};
use crate::viz::walkthrough::{part, parts};
use crate::viz::cell_diagram::{
    self as cd, Emphasis, GateBox, Label, Node, Op, Quantity, Wire, BOX_H, BOX_W, NODE_R,
};
use crate::viz::format_sig;

type BreakdownMemo = Memo<Result<Breakdown, String>>;
/// The series the walk-through part on show covers (None: no walk-through).
type PartMemo = Memo<Option<&'static [Series]>>;

/// The cell diagram of the explained unit at the current step, with its walk-through. Reads
/// [`Explained`] from context; shows the breakdown's message when there is none.
#[component]
pub fn CellDiagram() -> impl IntoView {
    let ex = expect_context::<Explained>();
    let kind = Memo::new(move |_| ex.breakdown.with(|r| r.as_ref().ok().map(|b| b.kind)));
    let figure = NodeRef::<html::Figure>::new();
    let whereabouts = move || {
        ex.breakdown.with(|r| {
            r.as_ref()
                .map(|b| format!("unit {} · step {}", b.unit + 1, b.t + 1))
                .unwrap_or_default()
        })
    };
    // ←/→ walk through the parts (starting the walk), Esc stops. Default-prevented, so the
    // global transport keys (a window listener; this one is on the figure itself, as Leptos
    // here does not delegate events) leave the timestep alone.
    let on_key = move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let Some(k) = kind.get_untracked() else {
            return;
        };
        let n = parts(k).len();
        match ev.key().as_str() {
            "ArrowRight" => ex.walk.update(|w| *w = cd::walk_next(*w, n)),
            "ArrowLeft" => ex.walk.update(|w| *w = cd::walk_back(*w, n)),
            "Escape" if ex.walk.get_untracked().is_some() => ex.walk.set(None),
            _ => return,
        }
        ev.prevent_default();
        keep_focus(figure);
    };
    let body = move || match kind.get() {
        Some(k) => view! {
            <DiagramSvg kind=k />
            <WalkControls kind=k figure=figure />
            <p class="cd-keys">"Keys here: ← → walk through the parts, Esc stops."</p>
        }
        .into_any(),
        None => {
            let msg = move || ex.breakdown.with(|r| r.as_ref().err().cloned());
            view! { <p class="cd-error">{msg}</p> }.into_any()
        }
    };
    view! {
        <figure
            class="cell-diagram"
            role="group"
            aria-label="Cell diagram"
            tabindex="0"
            node_ref=figure
            on:keydown=on_key
        >
            <h2>"Cell diagram " <span class="cd-where">{whereabouts}</span></h2>
            {body}
        </figure>
    }
}

/// After the element holding the focus was removed (a walk-through button), gives the
/// focus back to the diagram.
fn keep_focus(figure: NodeRef<html::Figure>) {
    request_animation_frame(move || {
        let lost = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
        if let (true, Some(el)) = (lost, figure.get_untracked()) {
            let _ = el.focus();
        }
    });
}

fn focus_button(button: NodeRef<html::Button>) {
    request_animation_frame(move || {
        if let Some(el) = button.get_untracked() {
            let _ = el.focus();
        }
    });
}

/// The SVG of one cell kind; every value and style follows the breakdown.
#[component]
fn DiagramSvg(kind: CellKind) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let bd = ex.breakdown;
    let dg = cd::diagram(kind);
    let part_series: PartMemo = Memo::new(move |_| part(kind, ex.walk.get()).map(|p| p.series));
    let summary = move || bd.with(|r| r.as_ref().map(cd::summary).unwrap_or_default());
    let walking = move || part_series.get().is_some();
    view! {
        <svg class="cd-svg" class:cd-walking=walking viewBox=dg.view_box() role="img" aria-label=summary>
            <defs>
                <marker
                    id="cd-arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="12"
                    markerHeight="12"
                    markerUnits="userSpaceOnUse"
                    orient="auto"
                >
                    <path class="cd-arrowhead" d="M0 0L10 5L0 10z" />
                </marker>
            </defs>
            {dg.wires.iter().map(|w| wire_view(bd, part_series, w)).collect_view()}
            {dg.nodes.iter().map(|n| node_view(bd, part_series, n)).collect_view()}
            {dg.boxes.iter().map(|b| box_view(bd, part_series, b)).collect_view()}
            {dg.labels.iter().map(|l| label_view(bd, part_series, l)).collect_view()}
        </svg>
    }
}

/// `q` of the breakdown with 4 significant digits, empty when it has none.
fn value_text(bd: BreakdownMemo, q: Quantity) -> impl Fn() -> String + Copy {
    move || {
        bd.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|b| cd::quantity(b, q))
                .map(|v| format_sig(v, 4))
                .unwrap_or_default()
        })
    }
}

/// True while an intervention forces `s` (never for None).
fn forced(bd: BreakdownMemo, s: Option<Series>) -> impl Fn() -> bool + Copy {
    move || s.is_some_and(|s| bd.with(|r| r.as_ref().is_ok_and(|b| b.is_forced(s))))
}

/// (strong, dim) for an element tagged `tags`.
fn emphasis(
    part: PartMemo,
    tags: &'static [Series],
) -> (impl Fn() -> bool + Copy, impl Fn() -> bool + Copy) {
    let e = move || cd::emphasis(tags, part.get());
    (
        move || e() == Emphasis::Strong,
        move || e() == Emphasis::Dim,
    )
}

fn wire_view(bd: BreakdownMemo, part: PartMemo, w: &'static Wire) -> impl IntoView {
    let (strong, dim) = emphasis(part, w.tags);
    let style = move || {
        let (width, opacity) = bd.with(|r| {
            r.as_ref()
                .map_or((cd::MIN_WIDTH, 1.0), |b| cd::wire_style(b, w))
        });
        format!(
            "stroke-width:{};opacity:{}",
            cd::attr(width),
            cd::attr(opacity)
        )
    };
    let arrow = w.arrow.then_some("url(#cd-arrow)");
    view! {
        <g class="cd-el" class:cd-strong=strong class:cd-dim=dim>
            <path class="cd-wire" d=w.d style=style marker-end=arrow />
        </g>
    }
}

fn node_view(bd: BreakdownMemo, part: PartMemo, n: &'static Node) -> impl IntoView {
    let (strong, dim) = emphasis(part, n.tags);
    let (x, y) = (n.at.x, n.at.y);
    let shape = if n.op == Op::Tanh {
        view! { <ellipse class="cd-node" cx=x cy=y rx="30" ry="16" /> }.into_any()
    } else {
        view! { <circle class="cd-node" cx=x cy=y r=NODE_R /> }.into_any()
    };
    let tag = n.forced.map(|_| {
        view! {
            <text class="cd-forced-label" x=n.forced_at.x y=n.forced_at.y text-anchor="end">
                "forced"
            </text>
        }
    });
    view! {
        <g class="cd-el" class:cd-strong=strong class:cd-dim=dim class:cd-forced=forced(bd, n.forced)>
            {shape}
            <text
                class="cd-op"
                class:cd-op-word=n.op == Op::Tanh
                class:cd-op-small=n.op == Op::OneMinus
                x=x
                y=y
                text-anchor="middle"
                dominant-baseline="central"
            >
                {n.op.symbol()}
            </text>
            {tag}
        </g>
    }
}

fn box_view(bd: BreakdownMemo, part: PartMemo, gb: &'static GateBox) -> impl IntoView {
    let (strong, dim) = emphasis(part, gb.tags);
    let tag = gb.forced_at();
    view! {
        <g
            class="cd-el"
            class:cd-strong=strong
            class:cd-dim=dim
            class:cd-forced=forced(bd, Some(gb.series))
        >
            <rect
                class="cd-box"
                x=gb.cx - BOX_W / 2.0
                y=gb.top
                width=BOX_W
                height=BOX_H
                rx="8"
            />
            <text class="cd-fun" x=gb.cx y=gb.top + 23.0 text-anchor="middle">
                {gb.fun}
                " "
                <tspan class="cd-name">{gb.series.symbol()}</tspan>
            </text>
            <text class="cd-value" x=gb.cx y=gb.top + 47.0 text-anchor="middle">
                {value_text(bd, gb.value)}
            </text>
            <text class="cd-forced-label" x=tag.x y=tag.y>
                "forced"
            </text>
        </g>
    }
}

/// How far a subscript sits below the baseline, and the line height of a stacked value.
const SUB_DY: f64 = 5.0;
const LINE_DY: f64 = 22.0;

fn label_view(bd: BreakdownMemo, part: PartMemo, l: &'static Label) -> impl IntoView {
    let (strong, dim) = emphasis(part, l.tags);
    let has_sub = !l.sub.is_empty();
    let back = if has_sub { -SUB_DY } else { 0.0 };
    // Beside the name (after a gap), or under it, starting a new line at the label's x.
    let (vx, dx, dy) = if l.stacked {
        (Some(l.at.x), None, LINE_DY + back)
    } else {
        (None, Some(7.0), back)
    };
    let sub = has_sub.then(|| view! { <tspan class="cd-sub" dy=SUB_DY>{l.sub}</tspan> });
    view! {
        <g class="cd-el" class:cd-strong=strong class:cd-dim=dim>
            <text class="cd-label" x=l.at.x y=l.at.y text-anchor=l.anchor.as_str()>
                <tspan class="cd-name">{l.name}</tspan>
                {sub}
                <tspan class="cd-value" x=vx dx=dx dy=dy>{value_text(bd, l.value)}</tspan>
            </text>
        </g>
    }
}

/// "Walk through this step", then the part on show with Back / Next / Done. The part index
/// lives in [`Explained::walk`], which the step explainer follows too.
#[component]
fn WalkControls(kind: CellKind, figure: NodeRef<html::Figure>) -> impl IntoView {
    let ex = expect_context::<Explained>();
    let all = parts(kind);
    let n = all.len();
    // An index kept from another cell kind is past the end: not walking.
    let cur = Memo::new(move |_| ex.walk.get().filter(|&k| k < n));
    let walking = Memo::new(move |_| cur.get().is_some());
    let (start, next) = (
        NodeRef::<html::Button>::new(),
        NodeRef::<html::Button>::new(),
    );
    let go = move |f: fn(Option<usize>, usize) -> Option<usize>| {
        move |_| {
            ex.walk.update(|w| *w = f(*w, n));
            keep_focus(figure);
        }
    };
    let heading = move || {
        cur.get()
            .map(|k| format!("{} of {}: {}", k + 1, n, all[k].title))
            .unwrap_or_default()
    };
    let sentence = move || cur.get().map(|k| all[k].sentence).unwrap_or_default();
    let at_first = move || (cur.get() == Some(0)).to_string();
    let at_last = move || cur.get().is_some_and(|k| k + 1 == n).to_string();
    // Built once per walk, so a pressed Back or Next keeps the focus.
    move || {
        if walking.get() {
            view! {
                <div class="cd-walk">
                    <div class="cd-part" aria-live="polite">
                        <h3>{heading}</h3>
                        <p>{sentence}</p>
                    </div>
                    <div class="cd-buttons">
                        <button aria-disabled=at_first on:click=go(cd::walk_back)>
                            "Back"
                        </button>
                        <button node_ref=next aria-disabled=at_last on:click=go(cd::walk_next)>
                            "Next"
                        </button>
                        <button on:click=move |_| {
                            ex.walk.set(None);
                            focus_button(start);
                        }>"Done"</button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="cd-walk">
                    <button
                        class="cd-walk-start"
                        node_ref=start
                        on:click=move |_| {
                            ex.walk.set(Some(0));
                            focus_button(next);
                        }
                    >
                        "Walk through this step"
                    </button>
                </div>
            }
            .into_any()
        }
    }
}
