//! The built-in corpora (provenance in `corpora/README.md`) and the limit on pasted ones.

use super::error::TextError;

/// Most characters a training corpus may have (64 Ki).
pub const MAX_CORPUS_CHARS: usize = 65_536;

/// A built-in training text, a few kilobytes each, stored in the crate (`corpora/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Corpus {
    /// English prose written for gatescope.
    English,
    /// Code-like text with nested brackets and string literals, from a seeded generator
    /// (`tests/corpus_code.rs`), committed as text so it never changes.
    Code,
    /// Sections 2.1–2.4 of the seed article (Chinese), on long-term memory.
    Chinese,
}

impl Corpus {
    /// Every corpus, in menu order.
    pub const ALL: [Corpus; 3] = [Corpus::English, Corpus::Code, Corpus::Chinese];

    /// A stable identifier: `english`, `code`, `chinese`.
    pub fn id(self) -> &'static str {
        match self {
            Corpus::English => "english",
            Corpus::Code => "code",
            Corpus::Chinese => "chinese",
        }
    }

    /// The corpus named by [`Corpus::id`].
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            Corpus::English => "English prose",
            Corpus::Code => "Code: brackets and quotes",
            Corpus::Chinese => "The article on memory (Chinese)",
        }
    }

    /// Where the text comes from, one sentence.
    pub fn source(self) -> &'static str {
        match self {
            Corpus::English => "Written for gatescope by its authors (MIT OR Apache-2.0).",
            Corpus::Code => {
                "Generated for gatescope by a seeded generator (crates/gatescope-core/tests/\
                 corpus_code.rs, SplitMix64 seed 12) and committed as text."
            }
            Corpus::Chinese => {
                "Sections 2.1–2.4 (核心概念与联系) of the seed article \
                 (shared/seed/000_977c4f74f521bade.txt), quoted verbatim."
            }
        }
    }

    /// The text.
    pub fn text(self) -> &'static str {
        match self {
            Corpus::English => include_str!("../../corpora/english.txt"),
            Corpus::Code => include_str!("../../corpora/code.txt"),
            Corpus::Chinese => include_str!("../../corpora/chinese.txt"),
        }
    }
}

/// Checks a pasted corpus: `2..=`[`MAX_CORPUS_CHARS`] characters (one character predicts
/// nothing). Counting stops at the limit, so a huge paste costs no more than the limit.
pub fn check_corpus(text: &str) -> Result<&str, TextError> {
    let chars = text.chars().take(MAX_CORPUS_CHARS + 1).count();
    if chars < 2 {
        return Err(TextError::Empty {
            what: "the corpus after its first character",
        });
    }
    if chars > MAX_CORPUS_CHARS {
        return Err(TextError::TooLong {
            what: "the corpus",
            chars: text.chars().count(),
            max: MAX_CORPUS_CHARS,
        });
    }
    Ok(text)
}
