//! Typed errors for everything a user can get wrong: shapes, values, sizes, text.

use thiserror::Error;

/// Result alias used at every boundary of the model.
pub type Result<T, E = ModelError> = std::result::Result<T, E>;

/// What went wrong, with enough context to point the user at it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    /// A tensor has the wrong shape.
    #[error("{what}: expected shape {expected}, found {found}")]
    Shape {
        what: String,
        expected: String,
        found: String,
    },
    /// A value is NaN or infinite.
    #[error("{what}: value at {index} is not finite ({value})")]
    NonFinite {
        what: String,
        index: String,
        value: f32,
    },
    /// A size is zero or beyond a documented limit.
    #[error("{what} = {value} is outside the supported range {min}..={max}")]
    Size {
        what: &'static str,
        value: usize,
        min: usize,
        max: usize,
    },
    /// Sequence text that does not parse.
    #[error("{0}")]
    Parse(#[from] super::parse::ParseError),
    /// A model file that does not have the expected structure.
    #[error("{0}")]
    Format(String),
}

impl ModelError {
    pub(crate) fn shape(
        what: impl Into<String>,
        expected: impl ToString,
        found: impl ToString,
    ) -> Self {
        Self::Shape {
            what: what.into(),
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }
}
