//! Links: the state round-trips bit for bit, and a table of bad links each gets a message
//! while the rest of the link still loads.

use super::*;
use crate::model::Series;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn owned(list: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    list.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[test]
fn a_state_round_trips_through_its_link() {
    let mut s = Session::seed_example();
    s.set_config(ModelConfig {
        kind: CellKind::Gru,
        hidden: 6,
        input: 2,
        seed: 11,
        scale: 0.75,
        forget_bias_one: false,
    });
    s.set_input("0.1 -2; 3.25 1e-7; 0.3333333 4");
    s.set_interventions(vec![Intervention {
        series: Series::Z,
        unit: Some(2),
        steps: 1..=2,
        value: 1.0,
    }])
    .unwrap();
    let mut teach = crate::state::teach::Teach::default();
    teach.set_hidden("training", true);
    teach.presenter = true;
    let views = crate::state::view_options::ViewOptions {
        chart: Series::Z,
        tables: vec![Series::H],
        compare: Some(vec![CellKind::Gru, CellKind::Rnn]),
        layer: None,
        lesson: Some((0, 1)),
    };
    let shown = Shown {
        step: 1,
        selection: Some((2, 5)),
        unit: 3,
        teach: teach.clone(),
        views: views.clone(),
        text: None,
    };
    let encoded = owned(encode(&s, None, &shown));
    let (link, notes) = decode(&encoded);
    assert!(notes.is_empty(), "{notes:?}");
    let mut fresh = Session::seed_example();
    assert!(link.apply(&mut fresh).is_empty());
    assert_eq!(fresh.trace(), s.trace(), "bit for bit");
    assert_eq!(fresh.interventions(), s.interventions());
    assert_eq!(fresh.config(), s.config());
    assert_eq!(link.teach, teach);
    assert_eq!(link.views, views);
    let v = link.view(3, 6);
    assert_eq!(
        (v.step, v.selection, v.unit),
        (Some(1), Some((2, 5)), Some(3))
    );
    assert!(v.notes.is_empty());
}

#[test]
fn the_seed_example_needs_only_its_input() {
    let s = Session::seed_example();
    let shown = Shown {
        step: 4,
        ..Shown::default()
    };
    let encoded = encode(&s, None, &shown);
    let keys: Vec<&str> = encoded.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["x", "t", "unit"]);
    let (link, _) = decode(&owned(encoded));
    let mut fresh = Session::seed_example();
    fresh.set_input("9");
    link.apply(&mut fresh);
    assert_eq!(fresh.trace(), s.trace());
}

#[test]
fn bad_links_get_a_message_and_the_rest_loads() {
    let long = "7".repeat(MAX_VALUE_CHARS + 1);
    let table: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("cell", "lstmx")], "Cell must be"),
        (vec![("h", "0")], "Hidden size must be a whole number"),
        (vec![("h", "9999")], "Hidden size must be 1 to 256"),
        (vec![("h", "NaN")], "Hidden size must be"),
        (vec![("d", "-3")], "Input size must be"),
        (vec![("seed", "1e3")], "Seed must be"),
        (vec![("scale", "inf")], "Init scale must be a number"),
        (
            vec![("scale", "1000")],
            "Init scale must be a number from 0 to 100",
        ),
        (vec![("fb", "yes")], "Forget-gate bias"),
        (vec![("weights", "<script>")], "Weights:"),
        (vec![("t", "0")], "Timestep must be"),
        (vec![("sel", "a,b")], "Selection must be"),
        (vec![("unit", "\u{202E}3")], "Unit must be"),
        (vec![("iv", "q=1")], "Intervention"),
        (vec![("iv", "f=NaN")], "not a finite number"),
        (vec![("iv", "f@5..2=1")], "run backwards"),
        (vec![("x", &long)], "longer than"),
        (vec![("evil", "1")], "not a field"),
        (vec![("hide", "everything")], "not a part of the page"),
        (vec![("present", "yes")], "Present must be"),
        (vec![("t", "2"), ("t", "3")], "appears twice"),
        (vec![("chart", "x")], "Chart must be"),
        (vec![("tables", "h;c")], "Tables must"),
        (vec![("cmp", "cnn")], "Compare must"),
        (vec![("layer", "1e9")], "Layer must be"),
        (vec![("lesson", "5.1")], "Lesson must be"),
        (vec![("lesson", "1.2"), ("lesson", "1.3")], "appears twice"),
        (vec![("text", "code,lstm,32")], "Text mode must be"),
        (
            vec![("text", "code,lstm,32,99999999,quote")],
            "more than a link may ask for",
        ),
    ];
    for (bad, want) in table {
        // The rest of the link: a good input and step.
        let mut all = pairs(&bad);
        all.push(("x".to_string(), "1, 2, 3".to_string()));
        let (link, notes) = decode(&all);
        assert!(
            notes.iter().any(|n| n.contains(want)),
            "{bad:?}: {notes:?} lacks {want:?}"
        );
        assert!(notes.iter().all(|n| n.chars().count() < 200), "{notes:?}");
        let mut s = Session::seed_example();
        link.apply(&mut s);
        if !bad.iter().any(|(k, _)| *k == "x") {
            assert_eq!(s.trace().steps(), 3, "{bad:?}: the input still loads");
        }
    }
    // Applied parts the session refuses: an input that does not parse, a gate the cell lacks.
    let (link, notes) = decode(&pairs(&[("x", "1, two"), ("iv", "z=1"), ("layer", "9")]));
    assert!(notes.is_empty());
    let mut s = Session::seed_example();
    let applied = link.apply(&mut s);
    assert_eq!(applied.len(), 3, "{applied:?}");
    assert!(applied[2].contains("Layer 9 does not exist"), "{applied:?}");
    assert_eq!(s.trace().steps(), 5, "the seed input stays");
    // Out of the trace's range: dropped with a message.
    let (link, _) = decode(&pairs(&[("t", "99"), ("sel", "1,9"), ("unit", "5")]));
    let v = link.view(5, 4);
    assert_eq!((v.step, v.selection, v.unit), (None, None, None));
    assert_eq!(v.notes.len(), 3);
}

#[test]
fn text_mode_links_carry_the_recipe_and_the_text_not_the_numbers() {
    use crate::model::text::Corpus;
    use crate::state::text_link::TextRecipe;
    let s = Session::seed_example();
    let recipe = TextRecipe {
        corpus: Corpus::Code,
        settings: crate::state::text_lab::TextSettings::quote_preset(CellKind::Lstm),
        steps: 300,
    };
    let shown = Shown {
        text: Some((recipe, "a(\"b\")&c=d#e".to_string())),
        ..Shown::default()
    };
    let encoded = owned(encode(&s, Some("weights"), &shown));
    let keys: Vec<&str> = encoded.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["text", "read", "t", "unit"]);
    let (link, notes) = decode(&encoded);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(link.text, Some(recipe));
    assert_eq!(link.read.as_deref(), Some("a(\"b\")&c=d#e"));
    // A hand-made link with numbers beside the recipe: they are dropped, with a message.
    let mut mixed = encoded.clone();
    mixed.push(("x".to_string(), "1, 2".to_string()));
    mixed.push(("w".to_string(), "zzz".to_string()));
    let (link, notes) = decode(&mixed);
    assert_eq!((link.input, link.weights), (None, None));
    assert!(
        notes.iter().any(|n| n.contains("come from its recipe")),
        "{notes:?}"
    );
}
