//! The vocabulary: which character each token id stands for.

use std::collections::BTreeMap;

use super::error::TextError;
use crate::parse::excerpt;

/// The one entry that is not a single character: where unknown characters go, if present.
pub const UNK: &str = "<unk>";
/// Most entries a vocabulary may have (a few thousand covers a Chinese article; the
/// embedding and readout then hold `V·(E + H + 1)` values).
pub const MAX_VOCAB: usize = 4096;

/// A validated vocabulary: entry `k` is the text of token id `k`. Every entry is exactly
/// one Unicode scalar value (`char`), except at most one [`UNK`] (`"<unk>"`), which unknown
/// characters map to. No character appears twice; `1..=`[`MAX_VOCAB`] entries.
///
/// This is the list stored with a model: `__metadata__["vocab"]` in safetensors (a JSON
/// list as a string), a `"vocab"` key in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocab {
    entries: Vec<String>,
    ids: BTreeMap<char, usize>,
    unk: Option<usize>,
}

impl Vocab {
    /// Validates `entries` (index = token id).
    ///
    /// Errors ([`TextError::Vocab`]): empty, more than [`MAX_VOCAB`], an entry that is not
    /// one character nor `"<unk>"`, a character or `"<unk>"` twice (both positions named).
    pub fn new(entries: Vec<String>) -> Result<Self, TextError> {
        if entries.is_empty() {
            return Err(TextError::Vocab("the list is empty".into()));
        }
        if entries.len() > MAX_VOCAB {
            return Err(TextError::Vocab(format!(
                "{} entries is more than the {MAX_VOCAB} allowed",
                entries.len()
            )));
        }
        let mut ids = BTreeMap::new();
        let mut unk = None;
        for (k, e) in entries.iter().enumerate() {
            if e == UNK {
                if let Some(first) = unk.replace(k) {
                    return Err(TextError::Vocab(format!(
                        "entry {k} is \"<unk>\" again (first at entry {first})"
                    )));
                }
                continue;
            }
            let mut chars = e.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else {
                return Err(TextError::Vocab(format!(
                    "entry {k} is {:?}: every entry must be exactly one character (or \"<unk>\")",
                    excerpt(e)
                )));
            };
            if let Some(first) = ids.insert(ch, k) {
                return Err(TextError::Vocab(format!(
                    "entry {k} is {ch:?} again (first at entry {first}): characters must be \
                     distinct"
                )));
            }
        }
        Ok(Self { entries, ids, unk })
    }

    /// The distinct characters of `text`, sorted by code point (a corpus's vocabulary).
    ///
    /// Errors: empty text, or more than [`MAX_VOCAB`] distinct characters.
    pub fn from_text(text: &str) -> Result<Self, TextError> {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        if chars.is_empty() {
            return Err(TextError::Empty { what: "text" });
        }
        Self::new(chars.into_iter().map(String::from).collect())
    }

    /// V, the number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Never true for a valid vocabulary (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, index = token id.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The text of token `id`: one character, or `"<unk>"`.
    pub fn entry(&self, id: usize) -> Option<&str> {
        self.entries.get(id).map(String::as_str)
    }

    /// The id of `ch`, if the vocabulary has it (not falling back to `"<unk>"`).
    pub fn id(&self, ch: char) -> Option<usize> {
        self.ids.get(&ch).copied()
    }

    /// The id of the `"<unk>"` entry, if there is one.
    pub fn unk(&self) -> Option<usize> {
        self.unk
    }

    /// The ids of `text`'s characters; a character the vocabulary lacks maps to `"<unk>"`,
    /// or, without one, is an error naming it and its position.
    pub fn encode(&self, text: &str) -> Result<Vec<usize>, TextError> {
        text.chars()
            .enumerate()
            .map(|(index, ch)| {
                self.id(ch).or(self.unk).ok_or(TextError::UnknownChar {
                    ch,
                    index,
                    vocab_size: self.len(),
                })
            })
            .collect()
    }

    /// The text of `ids`: `"<unk>"` and ids beyond the vocabulary become U+FFFD.
    pub fn decode(&self, ids: &[usize]) -> String {
        ids.iter()
            .map(|&id| match self.entry(id) {
                Some(e) if Some(id) != self.unk => e,
                _ => "\u{FFFD}",
            })
            .collect()
    }
}
