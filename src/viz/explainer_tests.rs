//! The explainer's tree against the core's breakdown: every printed number is the
//! breakdown's to 4 significant digits, the equations come in the article's order, large
//! sums show their 12 largest terms and the rest, forced values are marked.

use super::*;
use crate::model::explain::breakdown;
use crate::model::{examples, forward, InitConfig, InitialState, Intervention, Params};
use crate::viz::tree::Node;
use ndarray::Array2;

fn tree(b: &Breakdown, walk: Option<usize>) -> Node {
    crate::viz::tree::html("div")
        .children(equations(b, walk))
        .into()
}

fn q(n: &Node, name: &str) -> Option<String> {
    n.find_all(&|e| e.get("data-q") == Some(name))
        .first()
        .map(|e| Node::Element((*e).clone()).text_content())
}

#[test]
fn the_seed_examples_numbers_are_the_breakdowns() {
    let p = examples::seed_article_lstm();
    let x = Array2::from_shape_fn((5, 1), |(t, _)| (t + 1) as f32);
    let tr = forward(&p, x.view(), &InitialState::default()).unwrap();
    let b = breakdown(&p, &tr, 2, 1, &[]).unwrap();
    let n = tree(&b, None);
    let order: Vec<&str> = n
        .find_all(&|e| e.tag == "li")
        .iter()
        .filter_map(|e| e.get("data-eq"))
        .collect();
    assert_eq!(order, ["i", "f", "o", "g", "c", "h"], "the article's order");
    for g in &b.gates {
        let s = g.series.symbol();
        assert_eq!(q(&n, s).unwrap(), format_sig(g.value, 4));
        assert_eq!(
            q(&n, &format!("pre-{s}")).unwrap(),
            format_sig(g.sum.total as f32, 4)
        );
    }
    assert_eq!(q(&n, "c").unwrap(), format_sig(b.c.unwrap(), 4));
    assert_eq!(q(&n, "kept").unwrap(), format_sig(b.kept.unwrap(), 4));
    assert_eq!(q(&n, "h").unwrap(), format_sig(b.h, 4));
    // H + D terms and the bias per gate; the h terms point at h of step t − 1.
    let terms = n.find_all(&|e| e.get("class").is_some_and(|c| c.starts_with("term")));
    assert_eq!(terms.len(), 4 * (4 + 1 + 1));
    let cells: Vec<&str> = terms.iter().filter_map(|e| e.get("data-cell")).collect();
    assert_eq!(cells.len(), 4 * 4);
    assert!(cells.iter().all(|c| c.starts_with("h,1,")));
    assert!(n
        .find_all(&|e| e.get("class") == Some("eq walk"))
        .is_empty());
    let lit = tree(&b, Some(0));
    let walk: Vec<&str> = lit
        .find_all(&|e| e.get("class").is_some_and(|c| c.contains("walk")))
        .iter()
        .filter_map(|e| e.get("data-eq"))
        .collect();
    assert_eq!(walk, ["f"]);
}

#[test]
fn large_sums_show_the_largest_terms_and_the_others() {
    let p = Params::init(CellKind::Lstm, 40, 3, InitConfig::default()).unwrap();
    let x = Array2::from_elem((2, 3), 0.5f32);
    let tr = forward(&p, x.view(), &InitialState::default()).unwrap();
    let b = breakdown(&p, &tr, 1, 7, &[]).unwrap();
    let n = tree(&b, None);
    let li = n.find_all(&|e| e.get("data-eq") == Some("f"))[0];
    let li = Node::Element(li.clone());
    let terms = li.find_all(&|e| e.get("class") == Some("term"));
    assert_eq!(terms.len(), MAX_TERMS);
    let others = li.find_all(&|e| e.get("class") == Some("term others"));
    assert_eq!(others.len(), 1);
    assert!(li.text_content().contains("(31 smaller terms)"));
}

#[test]
fn forced_values_are_marked_with_the_weights_own_value() {
    let p = Params::init(CellKind::Gru, 3, 1, InitConfig::default()).unwrap();
    let x = Array2::from_elem((4, 1), 1.0f32);
    let list = vec![Intervention {
        series: Series::Z,
        unit: None,
        steps: 1..=3,
        value: 1.0,
    }];
    let iv = crate::model::Interventions::new(CellKind::Gru, 3, list.clone()).unwrap();
    let mut run = crate::model::ForwardRun::new(&p, x.view(), &InitialState::default())
        .unwrap()
        .with_interventions(iv)
        .unwrap();
    run.advance(usize::MAX);
    let tr = run.finish();
    let b = breakdown(&p, &tr, 2, 0, &list).unwrap();
    let n = tree(&b, None);
    assert_eq!(q(&n, "z").unwrap(), "1.000");
    assert!(q(&n, "natural-z").is_some());
    assert!(q(&n, "natural-r").is_none());
    let forced: Vec<&str> = n
        .find_all(&|e| e.get("class").is_some_and(|c| c.contains("forced")) && e.tag == "li")
        .iter()
        .filter_map(|e| e.get("data-eq"))
        .collect();
    assert_eq!(forced, ["z"]);
    assert_eq!(q(&n, "h-prev").unwrap(), format_sig(b.h_prev_unit, 4));
}
