//! The application layer: one function per operation (create an article,
//! publish it, rename a tag, disable an account, …). REST handlers and GraphQL
//! resolvers only translate their wire format into a call here and the answer
//! back, so the two APIs cannot disagree about a rule.
//!
//! Every write follows the same order of checks:
//!
//! 1. the caller: anonymous is `Unauthenticated` (401);
//! 2. the subject: it is read once (404 when missing);
//! 3. the policy: [`masthead_domain::policy::authorize`] decides on what was
//!    read (403);
//! 4. the version: when the client names one (`If-Match`, `expectedVersion`)
//!    it must be the version read, else nothing is written
//!    ([`ApiError::PreconditionFailed`] with the current version);
//! 5. the write: a compare-and-swap on **the version the decision was based
//!    on**, so a write that lands in between (an editor publishing while an
//!    author saves) makes this one fail instead of slipping past the policy;
//! 6. the record: every write names its actor in the audit log (and, for
//!    content, in the revision), in the write's own transaction.

pub mod accounts;
pub mod articles;
pub mod corrections;
pub mod media;
pub mod previews;
pub mod replies;
pub mod search;
pub mod sessions;
pub mod tags;
pub mod webhooks;
pub mod workflow;

use masthead_domain::policy::{Actor, ArticleFacts};
use masthead_domain::Article;

use crate::error::ApiError;

/// The version a client says its write is based on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BasedOn {
    /// No expectation (no `If-Match`, `If-Match: *`, no `expectedVersion`).
    #[default]
    Any,
    /// One of these versions; an empty list matches none (e.g. only weak tags).
    Versions(Vec<i32>),
}

impl BasedOn {
    /// The GraphQL form: an optional `expectedVersion`.
    pub fn version(expected: Option<i32>) -> Self {
        match expected {
            None => Self::Any,
            Some(version) => Self::Versions(vec![version]),
        }
    }

    /// The version to write against when the decision was made on `article`:
    /// its own, provided the client's expectation (if any) names it.
    pub fn authorize(&self, article: &Article) -> Result<i32, ApiError> {
        match self {
            Self::Versions(versions) if !versions.contains(&article.version) => {
                Err(ApiError::PreconditionFailed {
                    current: article.version,
                })
            }
            _ => Ok(article.version),
        }
    }

    /// A lost compare-and-swap: the client that named a version gets the
    /// precondition failure; one that named none, a plain version conflict.
    pub fn lost(&self, error: ApiError) -> ApiError {
        match (self, error) {
            (Self::Versions(_), ApiError::VersionConflict { current }) => {
                ApiError::PreconditionFailed { current }
            }
            (_, other) => other,
        }
    }
}

/// What the policy needs to know about `article` when `actor` acts on it.
pub fn facts(article: &Article, actor: Option<Actor>) -> ArticleFacts {
    ArticleFacts {
        actor_is_author: actor.is_some_and(|actor| article.is_by(actor.id)),
        status: article.lifecycle.status,
    }
}
