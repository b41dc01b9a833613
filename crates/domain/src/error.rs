//! The ways a domain rule can refuse something.

use std::fmt;

use crate::lifecycle::ArticleStatus;

/// Every refusal the domain can give. The API edge maps each variant to an
/// HTTP status and a GraphQL `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input broke one or more bounds; each entry names its field.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// The publishing state machine has no such edge.
    #[error("an article that is {from} cannot be {action}")]
    InvalidTransition {
        /// State the article was in.
        from: ArticleStatus,
        /// What was attempted, as a past participle ("published").
        action: &'static str,
    },
    /// The article's reply policy is `closed`.
    #[error("replies are closed on this article")]
    RepliesClosed,
    /// The action needs a signed-in member of staff.
    #[error("sign in first")]
    Unauthenticated,
    /// The role may not do this (see [`crate::policy`]).
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// A search query that cannot be understood; the message says why.
    #[error("{0}")]
    BadQuery(String),
}

/// One broken rule on one field, addressed by a path such as
/// `sections[2].blocks[0].text` so a form can put the message beside the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the input document.
    pub field: String,
    /// Human-readable reason, safe to show to the user.
    pub message: String,
}

impl FieldError {
    /// A refusal of `field` for `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error with `prefix` put in front of its path (`sections[1].` + `heading`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}{}", self.field);
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// All field errors of one input, so a client can fix them in one round trip.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records the error of `result`, if any, and passes its value on.
    pub fn collect<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// Records every error of a nested input, prefixing their paths.
    pub fn absorb(&mut self, prefix: &str, nested: ValidationErrors) {
        self.0
            .extend(nested.0.into_iter().map(|error| error.within(prefix)));
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    /// True when no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl From<ValidationErrors> for DomainError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<FieldError> for DomainError {
    fn from(error: FieldError) -> Self {
        Self::Invalid(error.into())
    }
}
