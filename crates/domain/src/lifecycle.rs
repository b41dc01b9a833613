//! The publishing state machine.
//!
//! ```text
//! draft ──submit──▶ in_review ──publish(now)──▶ published ──archive──▶ archived
//!   │                  │     └──publish(later)─▶ scheduled ──(time passes)──▶ published
//!   └──publish/schedule┘         unpublish: scheduled | published | archived ──▶ draft
//! ```
//!
//! A scheduled article becomes public exactly at its time without anyone
//! acting: readers see an article when it is published or scheduled and its
//! `published_at` is not in the future.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::error::DomainError;

/// Where an article is in its editorial life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleStatus {
    /// Being written; only staff see it.
    Draft,
    /// Submitted by its author, waiting for an editor.
    InReview,
    /// Will become public at `published_at`.
    Scheduled,
    /// Public.
    Published,
    /// Taken out of circulation; kept for the record.
    Archived,
}

impl ArticleStatus {
    /// Every status, in workflow order.
    pub const ALL: [ArticleStatus; 5] = [
        ArticleStatus::Draft,
        ArticleStatus::InReview,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Archived,
    ];

    /// Stable name, as stored and as shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::InReview => "in_review",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Archived => "archived",
        }
    }
}

impl fmt::Display for ArticleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ArticleStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown article status {s:?}"))
    }
}

/// The publishing part of an article: its status and the times that go with it.
/// Every change is a method that either returns the next state or says why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    /// Stored status (a scheduled article stays `Scheduled` in storage after its time).
    pub status: ArticleStatus,
    /// When the article became (or becomes) public; kept across corrections.
    pub published_at: Option<DateTime<Utc>>,
    /// The time an editor scheduled it for, if it was scheduled.
    pub scheduled_at: Option<DateTime<Utc>>,
}

impl Lifecycle {
    /// A new draft.
    pub fn draft() -> Self {
        Self {
            status: ArticleStatus::Draft,
            published_at: None,
            scheduled_at: None,
        }
    }

    /// The status a reader would describe at `now`: a scheduled article whose time has come is published.
    pub fn status_at(&self, now: DateTime<Utc>) -> ArticleStatus {
        match (self.status, self.published_at) {
            (ArticleStatus::Scheduled, Some(at)) if at <= now => ArticleStatus::Published,
            (status, _) => status,
        }
    }

    /// True when the public may read the article at `now`.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.status_at(now) == ArticleStatus::Published
    }

    /// An author hands a draft to the editors.
    pub fn submit(self) -> Result<Self, DomainError> {
        match self.status {
            ArticleStatus::Draft => Ok(Self {
                status: ArticleStatus::InReview,
                ..self
            }),
            from => Err(DomainError::InvalidTransition {
                from,
                action: "submitted for review",
            }),
        }
    }

    /// An editor publishes now. A correction's `published_at` is kept; a
    /// scheduled article published early gets `now`.
    pub fn publish(self, now: DateTime<Utc>) -> Result<Self, DomainError> {
        match self.status_at(now) {
            ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled => Ok(Self {
                status: ArticleStatus::Published,
                published_at: Some(now),
                scheduled_at: None,
            }),
            from => Err(DomainError::InvalidTransition {
                from,
                action: "published",
            }),
        }
    }

    /// An editor schedules the article for `at`, which must be in the future
    /// (a time in the past means "publish now").
    pub fn schedule(self, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Self, DomainError> {
        if at <= now {
            return self.publish(now);
        }
        match self.status_at(now) {
            ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled => Ok(Self {
                status: ArticleStatus::Scheduled,
                published_at: Some(at),
                scheduled_at: Some(at),
            }),
            from => Err(DomainError::InvalidTransition {
                from,
                action: "scheduled",
            }),
        }
    }

    /// Takes a published, scheduled or archived article back to draft.
    pub fn unpublish(self, now: DateTime<Utc>) -> Result<Self, DomainError> {
        match self.status_at(now) {
            ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::Archived => {
                Ok(Self::draft())
            }
            from => Err(DomainError::InvalidTransition {
                from,
                action: "unpublished",
            }),
        }
    }

    /// Retires an article from circulation (killed drafts too). `published_at` is kept for the record.
    pub fn archive(self, now: DateTime<Utc>) -> Result<Self, DomainError> {
        match self.status_at(now) {
            ArticleStatus::Archived => Err(DomainError::InvalidTransition {
                from: ArticleStatus::Archived,
                action: "archived",
            }),
            _ => Ok(Self {
                status: ArticleStatus::Archived,
                scheduled_at: None,
                ..self
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-05-18T14:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_happy_path() {
        let published = Lifecycle::draft().submit().unwrap().publish(now()).unwrap();
        assert_eq!(published.status, ArticleStatus::Published);
        assert_eq!(published.published_at, Some(now()));
        assert!(published.is_public_at(now()));
        let archived = published.archive(now()).unwrap();
        assert_eq!(archived.status, ArticleStatus::Archived);
        assert!(!archived.is_public_at(now()));
        assert_eq!(archived.unpublish(now()).unwrap(), Lifecycle::draft());
    }

    #[test]
    fn scheduled_becomes_public_exactly_at_its_time() {
        let at = now() + Duration::seconds(5);
        let scheduled = Lifecycle::draft().schedule(at, now()).unwrap();
        assert_eq!(scheduled.status, ArticleStatus::Scheduled);
        assert!(!scheduled.is_public_at(at - Duration::milliseconds(1)));
        assert!(scheduled.is_public_at(at));
        assert_eq!(scheduled.status_at(at), ArticleStatus::Published);
    }

    #[test]
    fn scheduling_in_the_past_publishes_now() {
        let published = Lifecycle::draft()
            .schedule(now() - Duration::hours(1), now())
            .unwrap();
        assert_eq!(published.status, ArticleStatus::Published);
        assert_eq!(published.published_at, Some(now()));
    }

    #[test]
    fn illegal_transitions_are_refused() {
        let published = Lifecycle::draft().publish(now()).unwrap();
        let in_review = Lifecycle::draft().submit().unwrap();
        let archived = published.archive(now()).unwrap();
        let refusals = [
            in_review.submit(),
            published.submit(),
            published.publish(now()),
            published.schedule(now() + Duration::hours(1), now()),
            Lifecycle::draft().unpublish(now()),
            in_review.unpublish(now()),
            archived.archive(now()),
            archived.publish(now()),
        ];
        for refusal in refusals {
            assert!(
                matches!(refusal, Err(DomainError::InvalidTransition { .. })),
                "{refusal:?}"
            );
        }
    }

    #[test]
    fn status_names_round_trip() {
        for status in ArticleStatus::ALL {
            assert_eq!(status.as_str().parse::<ArticleStatus>().unwrap(), status);
        }
        assert!("live".parse::<ArticleStatus>().is_err());
    }
}
