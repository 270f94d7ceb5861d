//! Sequence text → `[T, D]` input, with errors that name the bad token and where it is.
//!
//! Format (shared by the app's text field and the CLI's `--input`): steps are separated by
//! `;` or newlines, values within a step by commas or whitespace. When `D = 1`, commas and
//! whitespace separate steps too, so `"1, 2, 3"` is three steps. Empty steps (a trailing `;`)
//! are ignored. A Unicode minus `−` is read as `-`.

use ndarray::Array2;
use thiserror::Error;

use super::params::MAX_STEPS;

/// Why sequence text was rejected. `position` counts characters from 1.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message}")]
pub struct ParseError {
    /// A complete sentence for the user.
    pub message: String,
    /// The offending token, if there is one.
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
            token: Some(token.text.clone()),
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

#[derive(Debug)]
struct Token {
    text: String,
    /// 1-based character position.
    pos: usize,
    /// 1-based step (as split by `;` / newlines).
    step: usize,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut step = 1;
    let mut step_has_tokens = false;
    let mut cur = String::new();
    let mut start = 0;
    let flush = |cur: &mut String, start: usize, step: usize, out: &mut Vec<Token>| {
        if !cur.is_empty() {
            out.push(Token {
                text: std::mem::take(cur),
                pos: start,
                step,
            });
        }
    };
    for (k, ch) in text.chars().enumerate() {
        let pos = k + 1;
        match ch {
            ';' | '\n' | '\r' => {
                flush(&mut cur, start, step, &mut out);
                step_has_tokens |= out.last().is_some_and(|t| t.step == step);
                if step_has_tokens {
                    step += 1;
                    step_has_tokens = false;
                }
            }
            ',' => flush(&mut cur, start, step, &mut out),
            c if c.is_whitespace() => flush(&mut cur, start, step, &mut out),
            c => {
                if cur.is_empty() {
                    start = pos;
                }
                cur.push(if c == '−' { '-' } else { c });
            }
        }
    }
    flush(&mut cur, start, step, &mut out);
    out
}

fn number(tok: &Token, what: &str) -> Result<f32, ParseError> {
    match tok.text.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_)
            if tok.text.to_ascii_lowercase().contains("nan")
                || tok.text.to_ascii_lowercase().contains("inf") =>
        {
            Err(ParseError::at(
                format!(
                    "{what}: \"{}\" at character {} is not a finite number",
                    tok.text, tok.pos
                ),
                tok,
            ))
        }
        Ok(_) => Err(ParseError::at(
            format!(
                "{what}: \"{}\" at character {} is too large (|x| must be below 3.4e38)",
                tok.text, tok.pos
            ),
            tok,
        )),
        Err(_) => Err(ParseError::at(
            format!(
                "{what}: \"{}\" at character {} is not a number",
                tok.text, tok.pos
            ),
            tok,
        )),
    }
}

/// Parses sequence text into `[T, D]` (see the module docs for the format).
pub fn parse_sequence(text: &str, input_size: usize) -> Result<Array2<f32>, ParseError> {
    const WHAT: &str = "input";
    let d = input_size.max(1);
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err(ParseError::general(format!(
            "{WHAT}: the sequence is empty; type at least one value"
        )));
    }
    let values = tokens
        .iter()
        .map(|t| number(t, WHAT))
        .collect::<Result<Vec<f32>, _>>()?;
    if d == 1 {
        let t = values.len();
        if t > MAX_STEPS {
            return Err(ParseError::general(format!(
                "{WHAT}: {t} steps is more than the limit of {MAX_STEPS}"
            )));
        }
        return Ok(Array2::from_shape_vec((t, 1), values).expect("sized"));
    }
    let steps = tokens.last().map_or(0, |t| t.step);
    if steps > MAX_STEPS {
        return Err(ParseError::general(format!(
            "{WHAT}: {steps} steps is more than the limit of {MAX_STEPS}"
        )));
    }
    let mut counts = vec![0usize; steps];
    for t in &tokens {
        counts[t.step - 1] += 1;
    }
    if let Some((k, &n)) = counts.iter().enumerate().find(|(_, &n)| n != d) {
        let first = tokens
            .iter()
            .find(|t| t.step == k + 1)
            .expect("step has tokens");
        return Err(ParseError::at(
            format!(
                "{WHAT}: step {} (from character {}) has {n} value{}, expected {d} (one per input dimension)",
                k + 1,
                first.pos,
                if n == 1 { "" } else { "s" }
            ),
            first,
        ));
    }
    Ok(Array2::from_shape_vec((steps, d), values).expect("sized"))
}

/// Parses exactly `len` comma- or whitespace-separated finite numbers (an initial state).
pub fn parse_vector(text: &str, len: usize, what: &str) -> Result<Vec<f32>, ParseError> {
    let tokens = tokenize(&text.replace(';', ","));
    let values = tokens
        .iter()
        .map(|t| number(t, what))
        .collect::<Result<Vec<f32>, _>>()?;
    if values.len() != len {
        return Err(ParseError::general(format!(
            "{what}: expected {len} values (one per hidden unit), found {}",
            values.len()
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
}
