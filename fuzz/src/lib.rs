//! Checks shared by the fuzz targets: what every parser's output and errors must satisfy
//! (the same properties as `tests/prop_parse.rs`), and a plain reference reading of the
//! sequence format to compare the one-pass scanner against.

use gatescope::model::parse::EXCERPT_CHARS;
use gatescope::model::{ModelError, ParseError, MAX_STEPS};

/// Longest message a parser may produce, in characters.
pub const MAX_MESSAGE_CHARS: usize = 240;

/// Text from the fuzzer's bytes (invalid UTF-8 replaced, so every input is used).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A message fit for the user: bounded and free of control characters.
pub fn check_message(msg: &str) {
    assert!(
        !msg.chars().any(hidden_in_messages),
        "control character in {msg:?}"
    );
    assert!(
        msg.chars().count() <= MAX_MESSAGE_CHARS,
        "message of {} chars: {msg:?}",
        msg.chars().count()
    );
}

/// `excerpt` is `token` cut to [`EXCERPT_CHARS`] characters (control characters shown as
/// U+FFFD) with an ellipsis if it was cut.
pub fn check_excerpt(excerpt: &str, token: &str) {
    let shown: String = token
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if hidden_in_messages(c) { '\u{FFFD}' } else { c })
        .collect();
    if token.chars().count() > EXCERPT_CHARS {
        assert_eq!(excerpt, format!("{shown}…"));
    } else {
        assert_eq!(excerpt, shown);
    }
}

/// A parse error's message is fit to show and its token is the text at its position.
pub fn check_parse_error(e: &ParseError, text: &str) {
    check_message(&e.message);
    assert_eq!(e.token.is_some(), e.position.is_some(), "{e:?}");
    if let (Some(tok), Some(pos)) = (&e.token, e.position) {
        assert!(pos >= 1 && pos <= text.chars().count(), "{e:?}");
        let rest: String = text.chars().skip(pos - 1).collect();
        let end = rest
            .find(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .unwrap_or(rest.len());
        assert!(end > 0, "empty token: {e:?}");
        check_excerpt(tok, &rest[..end]);
    }
}

/// A model / file error is fit to show.
pub fn check_model_error(e: &ModelError) {
    let msg = e.to_string();
    assert!(
        !msg.chars().any(hidden_in_messages),
        "control character in {msg:?}"
    );
    assert!(msg.chars().count() <= 400, "message of {} chars", msg.len());
}

/// One token as the format defines it: a finite f32, `−` read as `-`.
fn reference_number(tok: &str) -> Option<f32> {
    tok.replace('−', "-")
        .parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The steps of `text` and their tokens, read the obvious (allocating) way: steps split on
/// `;` and line breaks, tokens on commas and whitespace, empty ones dropped.
pub fn reference_steps(text: &str) -> Vec<Vec<&str>> {
    text.split([';', '\n', '\r'])
        .map(|step| {
            step.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|step| !step.is_empty())
        .collect()
}

/// What `parse_sequence(text, d)` must return: the values row by row, or `None` for an
/// error.
pub fn reference_sequence(text: &str, d: usize) -> Option<(usize, Vec<f32>)> {
    let d = d.max(1);
    let steps = reference_steps(text);
    let values = steps
        .iter()
        .flatten()
        .map(|t| reference_number(t))
        .collect::<Option<Vec<_>>>()?;
    if values.is_empty() {
        return None;
    }
    if d == 1 {
        return (values.len() <= MAX_STEPS).then_some((values.len(), values));
    }
    if steps.len() > MAX_STEPS || steps.iter().any(|s| s.len() != d) {
        return None;
    }
    Some((steps.len(), values))
}

/// What `parse_vector(text, len, _)` must return.
pub fn reference_vector(text: &str, len: usize) -> Option<Vec<f32>> {
    let tokens: Vec<&str> = reference_steps(text).into_iter().flatten().collect();
    if tokens.len() != len {
        return None;
    }
    tokens.iter().map(|t| reference_number(t)).collect()
}

/// Bit patterns, so -0 and 0 differ and the comparison is exact.
pub fn bits<'a>(v: impl IntoIterator<Item = &'a f32>) -> Vec<u32> {
    v.into_iter().map(|x| x.to_bits()).collect()
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
