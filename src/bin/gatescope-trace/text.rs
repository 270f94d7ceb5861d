//! `--text`: a character model (embedding → cells → readout) over a text. Its trace is the
//! usual one with `x` the embedding rows, plus the characters read and the five most likely
//! next characters at every step.

use gatescope::model::{InitialState, StackTrace};
use gatescope_formats::trace_out::{model_message, CharText};
use gatescope_formats::{self as formats, CharModelFile, FormatError, LoadOptions};

/// How many next characters each step lists.
const TOP: usize = 5;

/// Reads `path` as a character model (exit-2 message on failure).
pub fn load(path: &str, bytes: &[u8], opts: &LoadOptions) -> Result<CharModelFile, String> {
    formats::load_char(path, bytes, opts).map_err(|e| match e {
        FormatError::Model(m) => format!("{path}: {}", model_message(&m)),
        FormatError::Invalid(m) if m.contains("no vocabulary") => {
            format!("{path}: not a character model ({m}); --text needs one, --input reads others")
        }
        other => format!("{path}: {other}"),
    })
}

/// Encodes `text`, runs the model from `init` and collects the characters and predictions.
pub fn run(
    file: &CharModelFile,
    text: &str,
    init: &[InitialState],
) -> Result<(StackTrace, CharText), String> {
    let m = &file.model;
    let tokens = m.encode(text).map_err(|e| format!("--text: {e}"))?;
    let run = m
        .forward_from(&tokens, init)
        .map_err(|e| format!("--text: {e}"))?;
    let entry = |id: usize| m.vocab().entry(id).unwrap_or("").to_string();
    let chars = CharText {
        tokens: tokens.iter().map(|&id| entry(id)).collect(),
        next: (0..run.steps())
            .map(|t| {
                run.top_k(t, TOP)
                    .into_iter()
                    .map(|p| (entry(p.id), p.p))
                    .collect()
            })
            .collect(),
    };
    Ok((run.trace().clone(), chars))
}
