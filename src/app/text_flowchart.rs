//! The seed article's flowchart (§2.3) as text mode's header: 输入序列 → 嵌入层 → 长程记忆模块
//! or 传统神经网络 → 输出层. Each box names what it is in this model, and scrolls to the view
//! that shows it.

use leptos::prelude::*;

use super::text_mode::TextMode;
use crate::model::CellKind;

/// Scrolls the first element matching `selector` into view.
fn scroll_to(selector: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten());
    if let Some(el) = el {
        el.scroll_into_view();
    }
}

/// One box of the flowchart: the article's name, this model's, and where it is shown.
#[component]
fn Stage(
    /// The article's term.
    article: &'static str,
    /// What it is here.
    #[prop(into)]
    here: Signal<String>,
    /// The view to scroll to.
    target: &'static str,
    /// Not this model's path (the other branch of the article's choice).
    #[prop(optional)]
    dim: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="button" class="flow-stage" class:dim=move || dim.get() on:click=move |_| scroll_to(target)>
            <span class="flow-zh" lang="zh">{article}</span>
            <span class="flow-here">{move || here.get()}</span>
        </button>
    }
}

#[component]
pub fn TextFlowchart() -> impl IntoView {
    let tm = expect_context::<TextMode>();
    let facts = Memo::new(move |_| {
        tm.lab.with(|l| {
            l.as_ref().map(|l| {
                let m = l.model();
                (m.kind(), m.vocab_size(), m.embed_size(), m.hidden_size())
            })
        })
    });
    let kind = move || facts.get().map_or(CellKind::Lstm, |f| f.0);
    let input = Signal::derive(move || "Input: the text, one character per step".to_string());
    let embed = Signal::derive(move || {
        facts.get().map_or(String::new(), |(_, v, e, _)| {
            format!("Embedding: {v} characters → {e} numbers each")
        })
    });
    let memory = Signal::derive(move || {
        facts.get().map_or(String::new(), |(k, _, _, h)| {
            let name = k.name().to_ascii_uppercase();
            match k {
                CellKind::Rnn => format!("{name} (H = {h}) has no gated memory"),
                _ => format!("{name}, H = {h}: gated long-term memory"),
            }
        })
    });
    let traditional = Signal::derive(move || {
        if kind() == CellKind::Rnn {
            "This model: a traditional RNN".to_string()
        } else {
            "A traditional RNN: train one to compare".to_string()
        }
    });
    let output = Signal::derive(move || {
        facts.get().map_or(String::new(), |(_, v, _, _)| {
            format!("Output: p(next character), {v} values")
        })
    });
    let is_rnn = Signal::derive(move || kind() == CellKind::Rnn);
    let not_rnn = Signal::derive(move || kind() != CellKind::Rnn);
    view! {
        <nav class="text-flow" aria-label="The article's pipeline">
            <Stage article="输入序列" here=input target=".text-reader" />
            <span class="flow-arrow" aria-hidden="true">"→"</span>
            <Stage article="嵌入层" here=embed target=".embedding-view" />
            <span class="flow-arrow" aria-hidden="true">"→"</span>
            <div class="flow-choice">
                <Stage article="长程记忆模块" here=memory target=".heatmaps" dim=is_rnn />
                <Stage article="传统神经网络" here=traditional target=".text-training" dim=not_rnn />
            </div>
            <span class="flow-arrow" aria-hidden="true">"→"</span>
            <Stage article="输出层" here=output target=".karpathy" />
        </nav>
    }
}
