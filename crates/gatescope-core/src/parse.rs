//! Sequence text → `[T, D]` input, with errors that name the bad token and where it is.
//!
//! Format (shared by the app's text field and the CLI's `--input`): steps are separated by
//! `;` or newlines, values within a step by commas or whitespace. When `D = 1`, commas and
//! whitespace separate steps too, so `"1, 2, 3"` is three steps. Empty steps (a trailing `;`)
//! are ignored. A Unicode minus `−` is read as `-`.
//!
//! The text is read in one pass, straight into the values: no token is copied unless it is
//! quoted in an error, so a pasted megabyte costs a megabyte. Text longer than
//! [`MAX_TEXT_BYTES`] is refused before it is read, and an error quotes at most
//! [`EXCERPT_CHARS`] characters of a bad token.

use ndarray::Array2;
use thiserror::Error;

use super::params::MAX_STEPS;

/// Longest text the parser reads (8 MiB): enough for [`MAX_STEPS`] steps of a few values
/// each; longer text is refused at once instead of being scanned.
pub const MAX_TEXT_BYTES: usize = 8 << 20;
/// Most characters of a bad token that an error message quotes.
pub const EXCERPT_CHARS: usize = 24;

/// Why sequence text was rejected. `position` counts characters from 1.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message}")]
pub struct ParseError {
    /// A complete sentence for the user.
    pub message: String,
    /// The offending token (at most [`EXCERPT_CHARS`] characters and an ellipsis), if any.
    pub token: Option<String>,
    /// 1-based character position of the token, if there is one.
    pub position: Option<usize>,
    /// 1-based step the problem is in, if known.
    pub step: Option<usize>,
}

impl ParseError {
    fn at(message: String, token: &Token) -> Self {
        Self {
            message,
            token: Some(token.excerpt()),
            position: Some(token.pos),
            step: Some(token.step),
        }
    }
    fn general(message: String) -> Self {
        Self {
            message,
            token: None,
            position: None,
            step: None,
        }
    }
}

/// A token as a slice of the text: nothing is copied.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    /// 1-based character position.
    pos: usize,
    /// 1-based step (as split by `;` / newlines).
    step: usize,
}

impl Token<'_> {
    fn excerpt(&self) -> String {
        excerpt(self.text)
    }
}

/// `text` as quoted in messages: cut to [`EXCERPT_CHARS`] characters (and an ellipsis if it
/// was longer), control characters and bidirectional formatting characters shown as `�`, so a
/// message never carries them (a right-to-left override would print the rest of the message
/// backwards). Shared by every parser that quotes what the user typed.
pub fn excerpt(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if unsafe_in_message(c) { '\u{FFFD}' } else { c })
        .collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// Control characters and Unicode's bidirectional formatting characters (ALM, LRM, RLM, the
/// embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069).
fn unsafe_in_message(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What ends a token.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sep {
    /// `,` or whitespace.
    Value,
    /// `;` or a line break.
    Step,
    /// The end of the text.
    End,
}

/// One thing the scanner read.
#[derive(Debug, Clone, Copy)]
enum Event<'a> {
    Token(Token<'a>),
    /// Step `n` (1-based), which had tokens, ended.
    StepEnd(usize),
}

/// The tokens and step ends of a text, in order, as slices of it.
struct Scanner<'a> {
    text: &'a str,
    chars: std::iter::Enumerate<std::str::CharIndices<'a>>,
    step: usize,
    step_has_tokens: bool,
    done: bool,
    /// A step end to report after the token just returned.
    pending_end: bool,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            chars: text.char_indices().enumerate(),
            step: 1,
            step_has_tokens: false,
            done: false,
            pending_end: false,
        }
    }

    fn end_step(&mut self) -> Option<Event<'a>> {
        self.pending_end = false;
        if !self.step_has_tokens {
            return None;
        }
        self.step_has_tokens = false;
        self.step += 1;
        Some(Event::StepEnd(self.step - 1))
    }
}

impl<'a> Iterator for Scanner<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if self.pending_end {
            if let Some(e) = self.end_step() {
                return Some(e);
            }
        }
        let mut start: Option<(usize, usize)> = None; // (byte, 1-based char position)
        while !self.done {
            let (byte, sep) = match self.chars.next() {
                Some((k, (b, ch))) => {
                    let sep = match ch {
                        ';' | '\n' | '\r' => Some(Sep::Step),
                        ',' => Some(Sep::Value),
                        c if c.is_whitespace() => Some(Sep::Value),
                        _ => None,
                    };
                    if sep.is_none() {
                        start.get_or_insert((b, k + 1));
                        continue;
                    }
                    (b, sep)
                }
                None => {
                    self.done = true;
                    (self.text.len(), Some(Sep::End))
                }
            };
            let ends_step = sep != Some(Sep::Value);
            if let Some((b0, pos)) = start {
                self.step_has_tokens = true;
                self.pending_end = ends_step;
                return Some(Event::Token(Token {
                    text: &self.text[b0..byte],
                    pos,
                    step: self.step,
                }));
            }
            if ends_step {
                if let Some(e) = self.end_step() {
                    return Some(e);
                }
            }
        }
        None
    }
}

fn number(tok: &Token, what: &str) -> Result<f32, ParseError> {
    let parsed = if tok.text.contains('−') {
        tok.text.replace('−', "-").parse::<f32>()
    } else {
        tok.text.parse::<f32>()
    };
    let quoted = tok.excerpt();
    let pos = tok.pos;
    let message = match parsed {
        Ok(v) if v.is_finite() => return Ok(v),
        Ok(_)
            if {
                let lower = tok.text.to_ascii_lowercase();
                lower.contains("nan") || lower.contains("inf")
            } =>
        {
            format!("{what}: \"{quoted}\" at character {pos} is not a finite number")
        }
        Ok(_) => format!(
            "{what}: \"{quoted}\" at character {pos} is too large (|x| must be below 3.4e38)"
        ),
        Err(_) => format!("{what}: \"{quoted}\" at character {pos} is not a number"),
    };
    Err(ParseError::at(message, tok))
}

fn check_length(text: &str, what: &str) -> Result<(), ParseError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ParseError::general(format!(
            "{what}: the text is {:.1} MB, more than the limit of {} MB",
            text.len() as f64 / (1 << 20) as f64,
            MAX_TEXT_BYTES >> 20
        )));
    }
    Ok(())
}

fn too_many_steps(what: &str, max_steps: usize) -> ParseError {
    ParseError::general(format!(
        "{what}: more than {max_steps} steps (at most {max_steps}); nothing was computed"
    ))
}

/// Parses sequence text into `[T, D]` (see the module docs for the format), at most
/// [`MAX_STEPS`] steps.
pub fn parse_sequence(text: &str, input_size: usize) -> Result<Array2<f32>, ParseError> {
    parse_sequence_limited(text, input_size, MAX_STEPS)
}

/// [`parse_sequence`] with a lower step limit (a caller's own, such as the app's), checked
/// while reading, so the message states that limit and nothing past it is parsed.
pub fn parse_sequence_limited(
    text: &str,
    input_size: usize,
    max_steps: usize,
) -> Result<Array2<f32>, ParseError> {
    const WHAT: &str = "input";
    let max_steps = max_steps.min(MAX_STEPS);
    check_length(text, WHAT)?;
    let d = input_size.max(1);
    let mut values = Vec::new();
    // The step being read: its first token and how many values it has so far.
    let mut first: Option<Token> = None;
    let mut count = 0usize;
    let mut steps = 0usize;
    for event in Scanner::new(text) {
        match event {
            Event::Token(tok) => {
                if d == 1 && values.len() >= max_steps {
                    return Err(too_many_steps(WHAT, max_steps));
                }
                values.push(number(&tok, WHAT)?);
                first.get_or_insert(tok);
                count += 1;
            }
            Event::StepEnd(step) => {
                steps = step;
                if d > 1 && step > max_steps {
                    return Err(too_many_steps(WHAT, max_steps));
                }
                if let (true, Some(tok)) = (d > 1 && count != d, first) {
                    return Err(ParseError::at(
                        format!(
                            "{WHAT}: step {step} (from character {}) has {count} value{}, expected {d} (one per input dimension)",
                            tok.pos,
                            if count == 1 { "" } else { "s" }
                        ),
                        &tok,
                    ));
                }
                first = None;
                count = 0;
            }
        }
    }
    if values.is_empty() {
        return Err(ParseError::general(format!(
            "{WHAT}: the sequence is empty; type at least one value"
        )));
    }
    let t = if d == 1 { values.len() } else { steps };
    Array2::from_shape_vec((t, d), values).map_err(|e| ParseError::general(format!("{WHAT}: {e}")))
}

/// Parses exactly `len` comma- or whitespace-separated finite numbers (an initial state);
/// `;` and line breaks separate values too.
pub fn parse_vector(text: &str, len: usize, what: &str) -> Result<Vec<f32>, ParseError> {
    check_length(text, what)?;
    let mut values = Vec::new();
    let mut found = 0usize;
    for event in Scanner::new(text) {
        if let Event::Token(tok) = event {
            found += 1;
            if values.len() < len {
                values.push(number(&tok, what)?);
            }
        }
    }
    if found != len {
        return Err(ParseError::general(format!(
            "{what}: expected {len} values (one per hidden unit), found {found}"
        )));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_sequences_split_on_everything() {
        let a = parse_sequence("1, 2 3;4\n5", 1).unwrap();
        assert_eq!(a.as_slice().unwrap(), &[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(a.dim(), (5, 1));
    }

    #[test]
    fn vector_steps_split_on_semicolons_and_newlines() {
        let a = parse_sequence("1, 2; 3 4\n-5 6e-1;", 2).unwrap();
        assert_eq!(a.dim(), (3, 2));
        assert_eq!(a.as_slice().unwrap(), &[1.0, 2.0, 3.0, 4.0, -5.0, 0.6]);
    }

    #[test]
    fn bad_token_is_named_with_position() {
        let e = parse_sequence("1, 2, abc, 4", 1).unwrap_err();
        assert_eq!(e.token.as_deref(), Some("abc"));
        assert_eq!(e.position, Some(7));
        assert!(e.message.contains("\"abc\""), "{}", e.message);
    }

    #[test]
    fn non_finite_and_overflow_are_rejected() {
        for (text, word) in [
            ("1, nan", "finite"),
            ("inf", "finite"),
            ("1e39", "too large"),
            ("-Infinity", "finite"),
        ] {
            let e = parse_sequence(text, 1).unwrap_err();
            assert!(e.message.contains(word), "{text}: {}", e.message);
        }
    }

    #[test]
    fn wrong_arity_names_the_step() {
        let e = parse_sequence("1 2; 3; 4 5", 2).unwrap_err();
        assert_eq!(e.step, Some(2));
        assert!(e.message.contains("step 2"), "{}", e.message);
    }

    #[test]
    fn empty_is_an_error_and_unicode_minus_works() {
        assert!(parse_sequence("  ; \n", 1).is_err());
        assert_eq!(parse_sequence("−1.5", 1).unwrap()[[0, 0]], -1.5);
    }

    #[test]
    fn vectors_need_the_exact_length() {
        assert_eq!(parse_vector("-0.5,0.1", 2, "h0").unwrap(), vec![-0.5, 0.1]);
        assert!(parse_vector("1,2,3", 2, "h0").is_err());
        assert!(parse_vector("1,x", 2, "h0")
            .unwrap_err()
            .message
            .contains("\"x\""));
    }

    #[test]
    fn messages_quote_a_short_excerpt_without_control_characters() {
        let long = format!("1, {}\u{7}x, 2", "9".repeat(100_000));
        let e = parse_sequence(&long, 1).unwrap_err();
        let token = e.token.unwrap();
        assert!(token.chars().count() <= EXCERPT_CHARS + 1, "{token}");
        assert!(e.message.len() < 200, "{}", e.message);
        let e = parse_sequence("1, a\u{1b}[31m", 1).unwrap_err();
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    }

    #[test]
    fn oversized_text_is_refused_before_it_is_read() {
        // Refused for its size, not for its step count: the tokens were never read.
        let huge = "1,".repeat(MAX_TEXT_BYTES / 2 + 1);
        let e = parse_sequence(&huge, 1).unwrap_err();
        assert!(
            e.message.contains("MB, more than the limit of 8 MB"),
            "{}",
            e.message
        );
        let e = parse_vector(&huge, 2, "h0").unwrap_err();
        assert!(e.message.contains("MB"), "{}", e.message);
        // One giant token: refused the same way, never copied into a message.
        let token = "9".repeat(MAX_TEXT_BYTES + 1);
        let e = parse_sequence(&token, 1).unwrap_err();
        assert!(e.message.len() < 100, "{}", e.message);
    }

    #[test]
    fn step_limits_hold_for_scalar_and_vector_inputs() {
        let many = "0 ".repeat(MAX_STEPS + 1);
        assert!(parse_sequence(&many, 1)
            .unwrap_err()
            .message
            .contains("at most 100000"));
        assert_eq!(
            parse_sequence(&many, MAX_STEPS + 1).unwrap().dim(),
            (1, MAX_STEPS + 1)
        );
        let steps = "0 0;".repeat(MAX_STEPS + 1);
        assert!(parse_sequence(&steps, 2)
            .unwrap_err()
            .message
            .contains("at most 100000"));
        assert_eq!(
            parse_sequence(&"0 0;".repeat(MAX_STEPS), 2)
                .unwrap()
                .nrows(),
            MAX_STEPS
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let e = parse_sequence("−1, é, 2", 1).unwrap_err();
        assert_eq!((e.position, e.token.as_deref()), (Some(5), Some("é")));
    }

    #[test]
    fn messages_never_carry_bidi_overrides() {
        for bad in ["\u{202e}1", "a\u{2067}b", "\u{200f}x"] {
            let e = parse_sequence(bad, 1).unwrap_err();
            assert!(!e.message.chars().any(unsafe_in_message), "{:?}", e.message);
            assert!(e.message.contains('\u{FFFD}'), "{:?}", e.message);
        }
    }

    #[test]
    fn a_lower_limit_is_checked_while_reading_and_named() {
        let text = "1 ".repeat(200_000);
        let e = parse_sequence_limited(&text, 1, 10_000).unwrap_err();
        assert!(e.message.contains("at most 10000"), "{}", e.message);
        assert_eq!(
            parse_sequence_limited(&"1 ".repeat(10_000), 1, 10_000)
                .unwrap()
                .nrows(),
            10_000
        );
        let e = parse_sequence_limited(&"1 2;".repeat(10_001), 2, 10_000).unwrap_err();
        assert!(e.message.contains("at most 10000"), "{}", e.message);
    }
}
