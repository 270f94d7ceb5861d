//! Property tests of every text and file parser: sequence text, initial-state vectors, model /
//! input / target JSON, the editor's cells and the model form's fields. None may panic on any
//! text; accepted values are finite and within the shape limits; formatted values parse back
//! bit-identically; error messages quote a short excerpt and carry no control characters.
//! Inputs found by `cargo fuzz` (fuzz/) are kept at the end as plain regression tests.
#![cfg(not(target_arch = "wasm32"))]

use gatescope::model::io::{input_from_json, params_from_json, params_to_json, target_from_json};
use gatescope::model::parse::{EXCERPT_CHARS, MAX_TEXT_BYTES};
use gatescope::model::{
    parse_sequence, parse_vector, CellKind, ModelError, Params, ParseError, MAX_HIDDEN, MAX_INPUT,
    MAX_STEPS,
};
use gatescope::state::editor::{
    cell_error_message, format_cell, nudge, parse_cell, CellTextError, CELL_CHARS,
};
use gatescope::state::model_form::{ModelForm, NumField, MAX_SCALE};
use gatescope::state::{format_sequence, ModelConfig, APP_MAX_HIDDEN, APP_MAX_INPUT};
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use serde_json::Value;

/// Cases per property; `PROPTEST_CASES` overrides it for a longer run.
fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Longest error message any parser may produce, in characters (the longest fixed wording
/// plus an excerpt of at most `EXCERPT_CHARS + 1` characters and a few numbers).
const MAX_MESSAGE_CHARS: usize = 240;

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// Any `char`, control characters, surrogates' neighbours and all.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// A finite f32 from anywhere in its range: subnormals, -0, the extremes.
fn finite_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>()
            .prop_map(f32::from_bits)
            .prop_filter("finite", |v| v.is_finite()),
        Just(0.0f32),
        Just(-0.0f32),
        Just(f32::MAX),
        Just(f32::MIN),
        Just(f32::MIN_POSITIVE),
        Just(f32::from_bits(1)),
        -10.0f32..10.0,
    ]
}

/// Pieces that make sequence text interesting: numbers of every form, separators of every
/// kind, words the number parser half-knows, control and non-ASCII characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        finite_f32().prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        prop::sample::select(vec![
            ",",
            ", ",
            " ",
            "\t",
            ";",
            "; ",
            "\n",
            "\r\n",
            "\r",
            "\u{a0}",
            "\u{2028}",
            "\u{85}",
            "\u{3000}",
            "−",
            "-",
            "+",
            ".",
            "e",
            "E",
            "1e",
            "1e39",
            "-1e39",
            "3.4028236e38",
            "1e-50",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "infinity",
            "0x10",
            "1_000",
            "é",
            "🦀",
            "\u{7}",
            "\u{1b}[31m",
            "\u{0}",
            "\u{feff}",
            "\u{200b}",
            "\u{fffd}",
            "…",
            "\"",
            "'",
            "[",
            "]",
            "{",
            "}",
            "0,5",
            "−1.5",
            "--1",
            "1..2",
            ".5",
            "5.",
            "+.5e-3",
        ])
        .prop_map(str::to_string),
        (1usize..60).prop_map(|n| "9".repeat(n)),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn soup(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|v| v.concat())
}

/// Arbitrary text, or text made of the pieces above.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any_text(40), soup(40)]
}

fn value_sep() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![",", ", ", " ", "\t", " ,  ", "\u{a0}", "\u{3000}"])
}

fn step_sep() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![";", "; ", "\n", "\r\n", " ;\n", ";;", "\n\n", "\r"])
}

/// A finite value as a user might write it: shortest form, or with a Unicode minus.
fn written(v: f32, unicode_minus: bool) -> String {
    let s = v.to_string();
    if unicode_minus {
        s.replace('-', "−")
    } else {
        s
    }
}

fn matrix(max_t: usize, max_d: usize) -> impl Strategy<Value = Array2<f32>> {
    (1..=max_t, 1..=max_d).prop_flat_map(|(t, d)| {
        prop::collection::vec(finite_f32(), t * d)
            .prop_map(move |v| Array2::from_shape_vec((t, d), v).unwrap())
    })
}

fn kind() -> impl Strategy<Value = CellKind> {
    prop::sample::select(vec![CellKind::Lstm, CellKind::Gru, CellKind::Rnn])
}

fn params() -> impl Strategy<Value = Params> {
    (kind(), 1usize..6, 1usize..4).prop_flat_map(|(kind, h, d)| {
        let rows = kind.gate_blocks() * h;
        (
            prop::collection::vec(finite_f32(), rows * d),
            prop::collection::vec(finite_f32(), rows * h),
            prop::collection::vec(finite_f32(), rows),
            prop::collection::vec(finite_f32(), rows),
        )
            .prop_map(move |(wi, wh, bi, bh)| {
                Params::new(
                    kind,
                    Array2::from_shape_vec((rows, d), wi).unwrap(),
                    Array2::from_shape_vec((rows, h), wh).unwrap(),
                    Array1::from(bi),
                    Array1::from(bh),
                )
                .unwrap()
            })
    })
}

/// JSON values biased towards what the readers look for: numbers (some out of f32's range),
/// nested lists, objects with the model's keys.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        finite_f32().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec!["lstm", "GRU", "rnn", "Lstm", "x", "\u{7}bell", ""])
            .prop_map(Value::from),
        any_text(8).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "cell",
                        "weight_ih_l0",
                        "weight_hh_l0",
                        "bias_ih_l0",
                        "bias_hh_l0",
                        "weight_ih",
                        "weight_hh",
                        "bias_ih",
                        "bias_hh",
                        "other",
                    ]),
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

/// A valid model file with one value replaced by something else: most paths through
/// `params_from_json`'s checks.
fn damaged_model() -> impl Strategy<Value = String> {
    (
        params(),
        any::<prop::sample::Index>(),
        json_value(),
        any::<bool>(),
    )
        .prop_map(|(p, at, replacement, drop_cell)| {
            let mut v: Value = serde_json::from_str(&params_to_json(&p)).unwrap();
            let obj = v.as_object_mut().unwrap();
            if drop_cell {
                obj.remove("cell");
            }
            let keys: Vec<String> = obj.keys().cloned().collect();
            let key = at.get(&keys).clone();
            obj.insert(key, replacement);
            v.to_string()
        })
}

fn config() -> impl Strategy<Value = ModelConfig> {
    (
        kind(),
        prop_oneof![0usize..=APP_MAX_HIDDEN + 2, any::<usize>()],
        prop_oneof![0usize..=APP_MAX_INPUT + 2, any::<usize>()],
        any::<u64>(),
        prop_oneof![
            0.0f32..=MAX_SCALE,
            any::<f32>(),
            Just(-0.0f32),
            Just(f32::NAN)
        ],
        any::<bool>(),
    )
        .prop_map(
            |(kind, hidden, input, seed, scale, forget_bias_one)| ModelConfig {
                kind,
                hidden,
                input,
                seed,
                scale,
                forget_bias_one,
            },
        )
}

fn valid_config() -> impl Strategy<Value = ModelConfig> {
    (
        kind(),
        1..=APP_MAX_HIDDEN,
        1..=APP_MAX_INPUT,
        any::<u64>(),
        prop_oneof![
            0.0f32..=MAX_SCALE,
            Just(-0.0f32),
            Just(MAX_SCALE),
            Just(0.1)
        ],
        any::<bool>(),
    )
        .prop_map(
            |(kind, hidden, input, seed, scale, forget_bias_one)| ModelConfig {
                kind,
                hidden,
                input,
                seed,
                scale,
                forget_bias_one,
            },
        )
}

fn field() -> impl Strategy<Value = NumField> {
    prop::sample::select(NumField::ALL.to_vec())
}

/// Text for a model form field: numbers of every shape, or anything.
fn field_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        any::<i128>().prop_map(|v| v.to_string()),
        any::<u64>().prop_map(|v| format!("+{v}")),
        any::<f32>().prop_map(|v| v.to_string()),
        (1usize..80).prop_map(|n| "1".repeat(n)),
        (1usize..80).prop_map(|n| format!("-{}1", "0".repeat(n))),
        (1usize..80).prop_map(|n| format!("{}7", "0".repeat(n))),
    ]
}

// ---------------------------------------------------------------------------------------
// Checks shared by the properties
// ---------------------------------------------------------------------------------------

fn no_control(s: &str) -> bool {
    !s.chars().any(hidden_in_messages)
}

/// A message fit to show the user: bounded, one line, no control characters.
fn check_message(msg: &str) -> Result<(), TestCaseError> {
    prop_assert!(no_control(msg), "control character in {msg:?}");
    prop_assert!(
        msg.chars().count() <= MAX_MESSAGE_CHARS,
        "message of {} chars: {msg:?}",
        msg.chars().count()
    );
    Ok(())
}

/// The excerpt of a token is at most `EXCERPT_CHARS` characters of it (control characters
/// shown as U+FFFD) and an ellipsis if it was cut.
fn check_excerpt(excerpt: &str, token: &str) -> Result<(), TestCaseError> {
    let n = excerpt.chars().count();
    prop_assert!(n <= EXCERPT_CHARS + 1, "excerpt of {n} chars: {excerpt:?}");
    prop_assert!(no_control(excerpt), "control character in {excerpt:?}");
    let shown: String = token
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if hidden_in_messages(c) { '\u{FFFD}' } else { c })
        .collect();
    if token.chars().count() > EXCERPT_CHARS {
        prop_assert_eq!(excerpt, format!("{shown}…"));
    } else {
        prop_assert_eq!(excerpt, shown);
    }
    Ok(())
}

/// A parse error names a token that really is at its position in `text`.
fn check_parse_error(e: &ParseError, text: &str) -> Result<(), TestCaseError> {
    check_message(&e.message)?;
    prop_assert_eq!(e.token.is_some(), e.position.is_some(), "{:?}", e);
    if let (Some(tok), Some(pos)) = (&e.token, e.position) {
        prop_assert!(pos >= 1 && pos <= text.chars().count(), "{:?}", e);
        // The token starts at `pos` and runs to the next separator.
        let rest: String = text.chars().skip(pos - 1).collect();
        let end = rest
            .find(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .unwrap_or(rest.len());
        prop_assert!(end > 0, "empty token at {pos}: {:?}", e);
        check_excerpt(tok, &rest[..end])?;
    }
    Ok(())
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

fn same_bits(a: &Array2<f32>, b: &Array2<f32>) -> bool {
    a.dim() == b.dim() && bits(a) == bits(b)
}

fn params_bits(p: &Params) -> (CellKind, (usize, usize), Vec<u32>) {
    let all = p
        .weight_ih()
        .iter()
        .chain(p.weight_hh().iter())
        .chain(p.bias_ih().iter())
        .chain(p.bias_hh().iter())
        .map(|v| v.to_bits())
        .collect();
    (p.kind(), (p.hidden_size(), p.input_size()), all)
}

fn model_error_message(e: &ModelError) -> Result<(), TestCaseError> {
    let msg = e.to_string();
    prop_assert!(no_control(&msg), "control character in {msg:?}");
    // Messages name keys and JSON excerpts; none should echo a whole file.
    prop_assert!(msg.chars().count() <= 400, "message of {} chars", msg.len());
    Ok(())
}

fn config_differs_only_in(field: NumField, a: &ModelConfig, b: &ModelConfig) -> bool {
    let same = |f: NumField| match f {
        NumField::Hidden => a.hidden == b.hidden,
        NumField::Input => a.input == b.input,
        NumField::Seed => a.seed == b.seed,
        NumField::Scale => a.scale.to_bits() == b.scale.to_bits(),
    };
    a.kind == b.kind
        && a.forget_bias_one == b.forget_bias_one
        && NumField::ALL.iter().all(|&f| f == field || same(f))
}

// ---------------------------------------------------------------------------------------
// Sequence text
// ---------------------------------------------------------------------------------------

fn check_sequence(text: &str, d: usize) -> Result<(), TestCaseError> {
    match parse_sequence(text, d) {
        Ok(x) => {
            prop_assert_eq!(x.ncols(), d.max(1));
            prop_assert!((1..=MAX_STEPS).contains(&x.nrows()), "T = {}", x.nrows());
            prop_assert!(x.iter().all(|v| v.is_finite()));
        }
        Err(e) => check_parse_error(&e, text)?,
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn sequence_text_never_panics_and_errors_point_at_their_token(
        text in text(),
        d in prop_oneof![0usize..6, Just(MAX_INPUT), any::<usize>()],
    ) {
        check_sequence(&text, d)?;
    }

    #[test]
    fn formatted_sequences_parse_back_bit_identically(x in matrix(30, 6)) {
        let text = format_sequence(&x);
        let back = parse_sequence(&text, x.ncols()).unwrap();
        prop_assert!(same_bits(&back, &x), "{text:?} read as {back:?}");
    }

    /// Any mix of separators, surrounding blanks, empty steps and Unicode minus signs reads
    /// the same values.
    #[test]
    fn separators_do_not_change_the_values(
        x in matrix(20, 4),
        seps in prop::collection::vec((value_sep(), step_sep(), any::<bool>()), 80),
        lead in prop::sample::select(vec!["", " ", ";", "\n ;", "\u{a0}"]),
        trail in prop::sample::select(vec!["", " ", ";", ";\n", ",", "\r\n"]),
    ) {
        let (t, d) = x.dim();
        let mut text = lead.to_string();
        for r in 0..t {
            for c in 0..d {
                let (vs, ss, minus) = seps[(r * d + c) % seps.len()];
                text.push_str(&written(x[[r, c]], minus));
                if c + 1 < d {
                    text.push_str(vs);
                } else if r + 1 < t {
                    // Steps of a scalar input may be separated by either kind.
                    text.push_str(if d == 1 && minus { vs } else { ss });
                }
            }
        }
        text.push_str(trail);
        let back = parse_sequence(&text, d).unwrap();
        prop_assert!(same_bits(&back, &x), "{text:?} read as {back:?}");
    }

    /// One bad token in otherwise valid text: the error quotes it and points at it.
    #[test]
    fn a_bad_token_is_named_where_it_is(
        x in matrix(10, 3),
        at in any::<prop::sample::Index>(),
        bad in prop_oneof![
            "[a-zA-Z_#%!?é🦀\u{7}\u{1b}\u{0}]{1,60}",
            Just("nan".to_string()),
            Just("1e39".to_string()),
            Just("−inf".to_string()),
            (30usize..80).prop_map(|n| format!("{}e9", "9".repeat(n))),
        ],
    ) {
        prop_assume!(bad
            .replace('−', "-")
            .parse::<f32>()
            .map_or(true, |v| !v.is_finite()));
        let (t, d) = x.dim();
        let k = at.index(t * d);
        let mut tokens: Vec<String> = x.iter().map(|v| v.to_string()).collect();
        tokens[k] = bad.clone();
        let text = tokens
            .chunks(d)
            .map(|step| step.join(" "))
            .collect::<Vec<_>>()
            .join("; ");
        let e = parse_sequence(&text, d).unwrap_err();
        let pos = tokens[..k].iter().map(|s| s.chars().count()).sum::<usize>()
            + (k - k / d) // one space within a step
            + 2 * (k / d) // "; " between steps
            + 1;
        prop_assert_eq!(e.position, Some(pos), "{:?} in {:?}", e, text);
        prop_assert_eq!(e.step, Some(k / d + 1));
        check_parse_error(&e, &text)?;
        check_excerpt(e.token.as_deref().unwrap(), &bad)?;
    }

    /// Steps of the wrong width are reported with the step and its first token.
    #[test]
    fn ragged_steps_are_refused(
        widths in prop::collection::vec(1usize..5, 1..10),
        d in 2usize..5,
    ) {
        let text = widths
            .iter()
            .map(|&w| vec!["1"; w].join(","))
            .collect::<Vec<_>>()
            .join(";");
        match parse_sequence(&text, d) {
            Ok(x) => {
                prop_assert!(widths.iter().all(|&w| w == d));
                prop_assert_eq!(x.dim(), (widths.len(), d));
            }
            Err(e) => {
                let bad = widths.iter().position(|&w| w != d).unwrap();
                prop_assert_eq!(e.step, Some(bad + 1), "{:?}", e);
                check_parse_error(&e, &text)?;
            }
        }
    }

    #[test]
    fn vectors_never_panic_and_read_back(
        text in text(),
        len in 0usize..6,
        v in prop::collection::vec(finite_f32(), 0..10),
        sep in value_sep(),
    ) {
        match parse_vector(&text, len, "h0") {
            Ok(out) => {
                prop_assert_eq!(out.len(), len);
                prop_assert!(out.iter().all(|x| x.is_finite()));
            }
            Err(e) => check_parse_error(&e, &text)?,
        }
        let written: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        let back = parse_vector(&written.join(sep), v.len(), "h0").unwrap();
        prop_assert_eq!(
            back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Model, input and target files
// ---------------------------------------------------------------------------------------

fn check_params(text: &str) -> Result<(), TestCaseError> {
    match params_from_json(text) {
        Ok(p) => {
            prop_assert!((1..=MAX_HIDDEN).contains(&p.hidden_size()));
            prop_assert!((1..=MAX_INPUT).contains(&p.input_size()));
            let (_, _, all) = params_bits(&p);
            prop_assert!(all.iter().all(|&b| f32::from_bits(b).is_finite()));
            // What was read is written back and read again unchanged.
            let again = params_from_json(&params_to_json(&p)).unwrap();
            prop_assert_eq!(params_bits(&again), params_bits(&p));
        }
        Err(e) => model_error_message(&e)?,
    }
    Ok(())
}

fn check_input(text: &str, d: usize) -> Result<(), TestCaseError> {
    match input_from_json(text, d) {
        Ok(x) => {
            prop_assert!((1..=MAX_INPUT).contains(&x.ncols()), "D = {}", x.ncols());
            prop_assert_eq!(x.ncols(), d);
            prop_assert!((1..=MAX_STEPS).contains(&x.nrows()));
            prop_assert!(x.iter().all(|v| v.is_finite()));
        }
        Err(e) => model_error_message(&e)?,
    }
    Ok(())
}

fn check_target(text: &str, t: usize, h: usize) -> Result<(), TestCaseError> {
    match target_from_json(text, t, h) {
        Ok(y) => {
            prop_assert_eq!(y.dim(), (t, h));
            prop_assert!(t >= 1 && h >= 1, "accepted a [{t}][{h}] target");
            prop_assert!(y.iter().all(|v| v.is_finite()));
        }
        Err(e) => model_error_message(&e)?,
    }
    Ok(())
}

fn json_matrix(x: &Array2<f32>) -> String {
    Value::from(x.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>()).to_string()
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn model_files_never_panic(
        text in prop_oneof![
            text(),
            json_value().prop_map(|v| v.to_string()),
            damaged_model(),
        ],
    ) {
        check_params(&text)?;
    }

    #[test]
    fn model_files_round_trip_bit_identically(p in params(), drop_cell in any::<bool>()) {
        let text = params_to_json(&p);
        let back = params_from_json(&text).unwrap();
        prop_assert_eq!(params_bits(&back), params_bits(&p));
        // Without "cell" the kind is inferred from weight_hh's rows: unambiguous for H > 1
        // (4H, 3H, H), and for H = 1 too (4, 3, 1).
        if drop_cell {
            let mut v: Value = serde_json::from_str(&text).unwrap();
            v.as_object_mut().unwrap().remove("cell");
            let back = params_from_json(&v.to_string()).unwrap();
            prop_assert_eq!(params_bits(&back), params_bits(&p));
        }
    }

    #[test]
    fn input_and_target_files_never_panic(
        text in prop_oneof![text(), json_value().prop_map(|v| v.to_string())],
        d in prop_oneof![0usize..4, Just(MAX_INPUT + 1), any::<usize>()],
        t in prop_oneof![0usize..4, any::<usize>()],
        h in prop_oneof![0usize..4, any::<usize>()],
    ) {
        check_input(&text, d)?;
        check_target(&text, t, h)?;
    }

    #[test]
    fn input_and_target_files_round_trip_bit_identically(x in matrix(12, 4)) {
        let text = json_matrix(&x);
        let (t, d) = x.dim();
        prop_assert!(same_bits(&input_from_json(&text, d).unwrap(), &x));
        prop_assert!(same_bits(&target_from_json(&text, t, d).unwrap(), &x));
        if d == 1 {
            let flat = Value::from(x.iter().copied().collect::<Vec<_>>()).to_string();
            prop_assert!(same_bits(&input_from_json(&flat, 1).unwrap(), &x));
            prop_assert!(same_bits(&target_from_json(&flat, t, 1).unwrap(), &x));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The editor's cells
// ---------------------------------------------------------------------------------------

fn check_cell(text: &str) -> Result<(), TestCaseError> {
    match parse_cell(text) {
        Ok(v) => prop_assert!(v.is_finite()),
        Err(e) => {
            check_message(&e.to_string())?;
            check_message(&cell_error_message(9_999, 15, 16, &e))?;
            let trimmed = text.trim();
            match &e {
                CellTextError::Empty => prop_assert!(trimmed.is_empty()),
                CellTextError::NotANumber(s)
                | CellTextError::NotFinite(s)
                | CellTextError::TooLarge(s) => check_excerpt(s, trimmed)?,
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn cells_never_panic_and_quote_an_excerpt(text in text()) {
        check_cell(&text)?;
    }

    /// What a cell shows fits in it and reads back as a number (of the same sign).
    #[test]
    fn cells_show_a_short_number_for_every_value(v in finite_f32()) {
        let shown = format_cell(v);
        prop_assert!(shown.len() <= CELL_CHARS, "{v} shown as {shown:?}");
        let back = parse_cell(&shown).unwrap();
        prop_assert!(back == 0.0 || back.signum() == v.signum(), "{v} shown as {shown:?}");
        // Arrow keys never leave the finite numbers.
        for (up, big) in [(true, false), (false, false), (true, true), (false, true)] {
            prop_assert!(nudge(v, up, big).is_finite());
        }
    }

    #[test]
    fn cells_read_back_what_they_were_given(
        v in finite_f32(),
        unicode_minus in any::<bool>(),
        decimal_comma in any::<bool>(),
        pad in prop::sample::select(vec!["", " ", "\t", "\u{a0}", "\n"]),
    ) {
        let mut s = written(v, unicode_minus);
        if decimal_comma {
            s = s.replace('.', ",");
        }
        let got = parse_cell(&format!("{pad}{s}{pad}")).unwrap();
        prop_assert_eq!(got.to_bits(), v.to_bits(), "{:?}", s);
    }
}

// ---------------------------------------------------------------------------------------
// The model form
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum FormOp {
    Edit(NumField, String),
    Unreadable(NumField),
    Sync(ModelConfig),
    Reset(ModelConfig),
}

fn form_op() -> impl Strategy<Value = FormOp> {
    prop_oneof![
        4 => (field(), field_text()).prop_map(|(f, t)| FormOp::Edit(f, t)),
        1 => field().prop_map(FormOp::Unreadable),
        2 => valid_config().prop_map(FormOp::Sync),
        1 => valid_config().prop_map(FormOp::Reset),
    ]
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn form_fields_accept_only_valid_settings(
        f in field(),
        text in field_text(),
        base in prop_oneof![valid_config(), config()],
    ) {
        match f.apply(&text, base) {
            Ok(cfg) => {
                prop_assert!(cfg.validate().is_ok());
                prop_assert!(config_differs_only_in(f, &cfg, &base), "{:?} -> {:?}", base, cfg);
                // The text shown for the new value reads back as the same value.
                prop_assert_eq!(f.apply(&f.format(&cfg), cfg), Ok(cfg));
            }
            Err(msg) => check_message(&msg)?,
        }
    }

    #[test]
    fn form_fields_read_back_their_own_text(cfg in valid_config(), f in field()) {
        let back = f.apply(&f.format(&cfg), cfg).unwrap();
        prop_assert_eq!(back, cfg);
        // The scale field reads "-0" as 0; other fields leave the scale as it was.
        let scale = if f == NumField::Scale { cfg.scale + 0.0 } else { cfg.scale };
        prop_assert_eq!(back.scale.to_bits(), scale.to_bits());
    }

    /// Any sequence of edits, syncs and resets: the form's messages match its texts, valid
    /// text shows the settings, and an edit returns a config only when it is valid and new.
    #[test]
    fn form_keeps_texts_and_messages_consistent(
        start in valid_config(),
        ops in prop::collection::vec(form_op(), 1..24),
    ) {
        let mut form = ModelForm::new(start);
        let mut current = start;
        for op in ops {
            match op {
                FormOp::Edit(f, text) => {
                    let out = form.edit(f, &text, current);
                    prop_assert_eq!(form.text(f), text.as_str());
                    match f.apply(&text, current) {
                        Ok(cfg) => {
                            prop_assert_eq!(form.error(f), None);
                            prop_assert_eq!(out, (cfg != current).then_some(cfg));
                            current = cfg;
                        }
                        Err(msg) => {
                            prop_assert_eq!(form.error(f), Some(msg.as_str()));
                            prop_assert_eq!(out, None);
                        }
                    }
                }
                FormOp::Unreadable(f) => {
                    form.edit_unreadable(f);
                    prop_assert_eq!(form.text(f), "");
                    check_message(form.error(f).unwrap())?;
                }
                FormOp::Sync(cfg) => {
                    let changed = form.sync(cfg);
                    for (f, text) in changed {
                        prop_assert_eq!(form.text(f), text.as_str());
                        prop_assert_eq!(text, f.format(&cfg));
                    }
                    current = cfg;
                }
                FormOp::Reset(cfg) => {
                    prop_assert_eq!(form.reset(cfg).len(), NumField::ALL.len());
                    prop_assert_eq!(&form, &ModelForm::new(cfg));
                    current = cfg;
                }
            }
            for f in NumField::ALL {
                match form.error(f) {
                    Some(msg) => check_message(msg)?,
                    // A field without a message shows a value that is (or, after an edit
                    // that changed nothing else, matches) the current setting.
                    None => prop_assert!(
                        f.apply(form.text(f), current).is_ok(),
                        "{:?} shows {:?} without a message",
                        f,
                        form.text(f)
                    ),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Limits (plain tests: each input is large, so one case each)
// ---------------------------------------------------------------------------------------

#[test]
fn oversized_text_is_refused_by_every_text_parser() {
    let huge = "1 ".repeat(MAX_TEXT_BYTES / 2 + 1);
    let e = parse_sequence(&huge, 1).unwrap_err();
    assert!(e.token.is_none() && e.message.contains("limit"), "{e:?}");
    assert!(parse_vector(&huge, 3, "h0").is_err());
}

#[test]
fn a_megabyte_token_is_quoted_as_an_excerpt_everywhere() {
    let token = format!("{}x", "9".repeat(1 << 20));
    let e = parse_sequence(&format!("1, {token}"), 1).unwrap_err();
    assert_eq!(
        e.token.as_deref().unwrap().chars().count(),
        EXCERPT_CHARS + 1
    );
    assert!(e.message.len() < 200, "{}", e.message.len());
    let e = parse_cell(&token).unwrap_err();
    assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    for f in NumField::ALL {
        let msg = f
            .apply(&"1".repeat(1 << 20), ModelConfig::default())
            .unwrap_err();
        assert!(msg.len() < 200, "{f:?}: {}", msg.len());
    }
}

// ---------------------------------------------------------------------------------------
// Regression tests: inputs that failed the properties above (or a fuzz target), kept as
// literals so they are checked on every `cargo test`.
// ---------------------------------------------------------------------------------------

/// `input_from_json` sized its buffer as `steps × input_size` before checking the size:
/// a huge `input_size` overflowed the multiplication (debug) or aborted the process on a
/// failed allocation (release). Now a size error.
#[test]
fn regression_input_file_with_a_huge_input_size() {
    for d in [0, MAX_INPUT + 1, usize::MAX / 2 + 1, usize::MAX] {
        let e = input_from_json("[[1], [2]]", d).unwrap_err();
        assert!(matches!(e, ModelError::Size { .. }), "{d}: {e:?}");
    }
    // D = 0 read `[[], []]` as a [2, 0] input, which nothing can run.
    assert!(input_from_json("[[], []]", 0).is_err());
}

/// `target_from_json` accepted `[[]]` as a `[1][0]` target and `[]`-shaped sizes of zero.
#[test]
fn regression_target_file_with_zero_sizes() {
    assert!(matches!(
        target_from_json("[[]]", 1, 0),
        Err(ModelError::Size { .. })
    ));
    assert!(matches!(
        target_from_json("[1]", 0, 1),
        Err(ModelError::Size { .. })
    ));
    assert!(target_from_json("[1]", usize::MAX, usize::MAX).is_err());
}

/// JSON strings may hold DEL (U+007F), which serde_json writes unescaped: a model file's
/// error quoted it raw.
#[test]
fn regression_model_file_messages_show_no_control_characters() {
    let text = r#"{"bias_hh_l0":[0,0,0,0,0,0],"bias_ih_l0":[null,"t3",1],"weight_hh_l0":[[0,0],[0,0],[0,0],[0,0],[0,0],[0,0]],"weight_ih_l0":[[0,0],[0,0],[0,0],[0,0],[0,0],[0,0]]}"#;
    let msg = params_from_json(text).unwrap_err().to_string();
    assert!(no_control(&msg), "{msg:?}");
    // An unknown cell name is quoted as a short excerpt, not whole.
    let mut v: Value = serde_json::from_str(text).unwrap();
    v["bias_ih_l0"] = Value::from(vec![0; 6]);
    v["cell"] = Value::from(format!("{}\u{7}", "x".repeat(10_000)));
    let msg = params_from_json(&v.to_string()).unwrap_err().to_string();
    assert!(msg.starts_with("cell: expected"), "{msg:?}");
    assert!(msg.len() < 200 && no_control(&msg), "{msg:?}");
}

/// What a message must never carry: control characters, and the bidirectional formatting
/// characters that would reorder the rest of the message (ALM, LRM, RLM, U+202A–U+202E,
/// U+2066–U+2069). Written out here rather than taken from the parser, as the reference.
fn hidden_in_messages(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}
