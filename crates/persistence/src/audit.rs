//! The audit log: an append-only record of who did what to which article,
//! reply, tag or staff account, and when. Entries are written inside the same transaction as the
//! change they describe (a rolled-back change leaves no entry, a committed one
//! always has one); nothing updates or deletes them.
//!
//! Article writes record themselves (see [`crate::articles`]). Other writers
//! call [`record`] with their transaction, e.g. reply moderation:
//!
//! ```ignore
//! let txn = db.begin().await?;
//! /* … change the reply … */
//! audit::record(&txn, NewAuditEntry::reply(actor, AuditAction::Moderate, reply_id, article_id)
//!     .with("status", "approved")).await?;
//! txn.commit().await?;
//! ```
//!
//! or, outside a transaction, `store.audit().record(entry)`.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use masthead_domain::{ArticleId, Author, MediaId, ReplyId, TagId, UserId};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::entities::audit_entry;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::page::{Cursor, Page, PageRequest};
use crate::store::Store;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// An article was created.
    Create,
    /// An article's content was saved.
    Update,
    /// An article was submitted for review.
    Submit,
    /// An article was published now.
    Publish,
    /// An article was scheduled for a later time.
    Schedule,
    /// An article went back to draft.
    Unpublish,
    /// An article was archived.
    Archive,
    /// An article (or reply) was deleted.
    Delete,
    /// An earlier revision became an article's current content.
    Restore,
    /// A reply's status was changed by a moderator.
    Moderate,
    /// A staff account's role changed.
    ChangeRole,
    /// A staff account was disabled (its logins ended).
    Disable,
    /// A disabled staff account was enabled again.
    Enable,
    /// A staff member changed their own password.
    ChangePassword,
    /// Someone else (an admin, the command line) set a staff member's password.
    ResetPassword,
    /// The sign-in limiter locked an account after repeated failures.
    Lock,
    /// A correction was added to a published article.
    Correct,
    /// A correction was retracted (it stays visible as retracted).
    RetractCorrection,
    /// A webhook endpoint got a new signing secret.
    RotateSecret,
    /// A webhook delivery was queued again by hand.
    Redeliver,
    /// A preview link to an article was handed out.
    CreatePreviewLink,
    /// A preview link was revoked before it expired.
    RevokePreviewLink,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [AuditAction; 22] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Submit,
        AuditAction::Publish,
        AuditAction::Schedule,
        AuditAction::Unpublish,
        AuditAction::Archive,
        AuditAction::Delete,
        AuditAction::Restore,
        AuditAction::Moderate,
        AuditAction::ChangeRole,
        AuditAction::Disable,
        AuditAction::Enable,
        AuditAction::ChangePassword,
        AuditAction::ResetPassword,
        AuditAction::Lock,
        AuditAction::Correct,
        AuditAction::RetractCorrection,
        AuditAction::RotateSecret,
        AuditAction::Redeliver,
        AuditAction::CreatePreviewLink,
        AuditAction::RevokePreviewLink,
    ];

    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Submit => "submit",
            AuditAction::Publish => "publish",
            AuditAction::Schedule => "schedule",
            AuditAction::Unpublish => "unpublish",
            AuditAction::Archive => "archive",
            AuditAction::Delete => "delete",
            AuditAction::Restore => "restore",
            AuditAction::Moderate => "moderate",
            AuditAction::ChangeRole => "change_role",
            AuditAction::Disable => "disable",
            AuditAction::Enable => "enable",
            AuditAction::ChangePassword => "change_password",
            AuditAction::ResetPassword => "reset_password",
            AuditAction::Lock => "lock",
            AuditAction::Correct => "correct",
            AuditAction::RetractCorrection => "retract",
            AuditAction::RotateSecret => "rotate_secret",
            AuditAction::Redeliver => "redeliver",
            AuditAction::CreatePreviewLink => "share_preview",
            AuditAction::RevokePreviewLink => "revoke_preview",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

/// What an action was done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSubject {
    /// An article.
    Article(ArticleId),
    /// A reply, under its article.
    Reply {
        /// The reply.
        reply: ReplyId,
        /// The article it is under.
        article: ArticleId,
    },
    /// A tag.
    Tag(TagId),
    /// A staff account (security events: role, access, password, lockout).
    User(UserId),
    /// A webhook endpoint.
    Webhook(Uuid),
    /// An image in the media library.
    Media(MediaId),
}

/// The kinds of subject, to filter the log by (`subject_type` in both APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    /// Articles.
    Article,
    /// Replies.
    Reply,
    /// Tags.
    Tag,
    /// Staff accounts.
    User,
    /// Webhook endpoints.
    Webhook,
    /// Images in the media library.
    Media,
}

impl SubjectKind {
    /// Every kind.
    pub const ALL: [SubjectKind; 6] = [
        SubjectKind::Article,
        SubjectKind::Reply,
        SubjectKind::Tag,
        SubjectKind::User,
        SubjectKind::Webhook,
        SubjectKind::Media,
    ];

    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Article => "article",
            SubjectKind::Reply => "reply",
            SubjectKind::Tag => "tag",
            SubjectKind::User => "user",
            SubjectKind::Webhook => "webhook",
            SubjectKind::Media => "media",
        }
    }
}

impl FromStr for SubjectKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| format!("unknown audit subject {s:?}"))
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// Who did it; `None` for the system (demo loader, command line).
    pub actor: Option<UserId>,
    /// What.
    pub action: AuditAction,
    /// To what.
    pub subject: AuditSubject,
    /// The article version the action produced, when it produced one.
    pub version: Option<i32>,
    /// Action-specific facts (`{"from": "draft", "to": "in_review"}`, `{"restored_from": 3}`).
    pub detail: Map<String, Value>,
}

impl NewAuditEntry {
    /// An entry about an article.
    pub fn article(actor: Option<UserId>, action: AuditAction, article: ArticleId) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::Article(article),
            version: None,
            detail: Map::new(),
        }
    }

    /// An entry about a tag.
    pub fn tag(actor: Option<UserId>, action: AuditAction, tag: TagId) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::Tag(tag),
            version: None,
            detail: Map::new(),
        }
    }

    /// An entry about an image in the media library.
    pub fn media(actor: Option<UserId>, action: AuditAction, media: MediaId) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::Media(media),
            version: None,
            detail: Map::new(),
        }
    }

    /// A security event of a staff account.
    pub fn user(actor: Option<UserId>, action: AuditAction, user: UserId) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::User(user),
            version: None,
            detail: Map::new(),
        }
    }

    /// An entry about a webhook endpoint.
    pub fn webhook(actor: Option<UserId>, action: AuditAction, endpoint: Uuid) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::Webhook(endpoint),
            version: None,
            detail: Map::new(),
        }
    }

    /// An entry about a reply under `article`.
    pub fn reply(
        actor: Option<UserId>,
        action: AuditAction,
        reply: ReplyId,
        article: ArticleId,
    ) -> Self {
        Self {
            actor,
            action,
            subject: AuditSubject::Reply { reply, article },
            version: None,
            detail: Map::new(),
        }
    }

    /// The same entry naming the version the action produced.
    pub fn at_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }

    /// The same entry with one more detail.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Identity (time-ordered).
    pub id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// Who, by id (kept when the account is gone).
    pub actor_id: Option<UserId>,
    /// Who, resolved to a byline profile while the account exists.
    pub actor: Option<Author>,
    /// What.
    pub action: AuditAction,
    /// `article`, `reply`, `tag`, `user` or `webhook`.
    pub subject_type: SubjectKind,
    /// The article's, reply's, tag's or account's id.
    pub subject_id: Uuid,
    /// The article concerned (for replies: the article they are under).
    pub article_id: Option<ArticleId>,
    /// The article version the action produced.
    pub version: Option<i32>,
    /// Action-specific facts.
    pub detail: Map<String, Value>,
}

/// Which entries a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only entries about this article (and replies under it).
    pub article_id: Option<ArticleId>,
    /// Only entries about this kind of subject.
    pub subject: Option<SubjectKind>,
}

/// Appends `entry` through `db` (a transaction, so the entry commits or rolls
/// back with the change it describes).
pub async fn record(db: &impl ConnectionTrait, entry: NewAuditEntry) -> Result<()> {
    let (subject_type, subject_id, article_id) = match entry.subject {
        AuditSubject::Article(article) => (SubjectKind::Article, article.0, Some(article.0)),
        AuditSubject::Reply { reply, article } => (SubjectKind::Reply, reply.0, Some(article.0)),
        AuditSubject::Tag(tag) => (SubjectKind::Tag, tag.0, None),
        AuditSubject::User(user) => (SubjectKind::User, user.0, None),
        AuditSubject::Webhook(endpoint) => (SubjectKind::Webhook, endpoint, None),
        AuditSubject::Media(media) => (SubjectKind::Media, media.0, None),
    };
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(crate::now()),
        actor_id: Set(entry.actor.map(|actor| actor.0)),
        action: Set(entry.action.as_str().to_owned()),
        subject_type: Set(subject_type.as_str().to_owned()),
        subject_id: Set(subject_id),
        article_id: Set(article_id),
        version: Set(entry.version),
        detail: Set(Value::Object(entry.detail).to_string()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The audit repository: append and read.
pub struct AuditRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The audit log.
    pub fn audit(&self) -> AuditRepo<'_> {
        AuditRepo { store: self }
    }
}

impl AuditRepo<'_> {
    /// Appends `entry` on its own (for changes made outside a transaction).
    pub async fn record(&self, entry: NewAuditEntry) -> Result<()> {
        record(self.store.writer(), entry).await
    }

    /// One page of entries, newest first (forwards from `page.after` only).
    pub async fn list(&self, filter: AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>> {
        let mut query = audit_entry::Entity::find();
        if let Some(article) = filter.article_id {
            query = query.filter(audit_entry::Column::ArticleId.eq(article.0));
        }
        if let Some(kind) = filter.subject {
            query = query.filter(audit_entry::Column::SubjectType.eq(kind.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(
                Condition::any()
                    .add(audit_entry::Column::At.lt(after.at))
                    .add(
                        Condition::all()
                            .add(audit_entry::Column::At.eq(after.at))
                            .add(audit_entry::Column::Id.lt(after.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(audit_entry::Column::At)
            .order_by_desc(audit_entry::Column::Id)
            .limit(page.size + 1)
            .all(self.store.db())
            .await?;
        let has_next = rows.len() as u64 > page.size;
        rows.truncate(page.size as usize);
        let mut actor_ids: Vec<Uuid> = rows.iter().filter_map(|row| row.actor_id).collect();
        actor_ids.sort_unstable();
        actor_ids.dedup();
        let actors: HashMap<Uuid, Author> = self
            .store
            .users()
            .authors(&actor_ids)
            .await?
            .into_iter()
            .map(|author| (author.id.0, author))
            .collect();
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    at: row.at,
                    id: row.id,
                };
                entry_from_row(row, &actors).map(|entry| (cursor, entry))
            })
            .collect::<Result<_>>()?;
        Ok(Page {
            items,
            has_next,
            has_previous: page.after.is_some(),
        })
    }
}

/// Detail keys that hold a point in time (the answers' schema declares each
/// `format: date-time`).
const TIME_KEYS: [&str; 3] = ["published_at", "expires_at", "previous_secret_until"];

/// A point in time as audit details hold it: RFC 3339 in UTC with a `Z`, the
/// one timestamp format of both APIs.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// `detail` with its times in [`time_text`]'s format: entries written before
/// it carry `+00:00`.
fn with_utc_times(mut detail: Map<String, Value>) -> Map<String, Value> {
    for key in TIME_KEYS {
        let parsed = detail
            .get(key)
            .and_then(Value::as_str)
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok());
        if let Some(at) = parsed {
            detail.insert(key.to_owned(), time_text(at.with_timezone(&Utc)).into());
        }
    }
    detail
}

fn entry_from_row(row: audit_entry::Model, actors: &HashMap<Uuid, Author>) -> Result<AuditEntry> {
    let detail = match serde_json::from_str(&row.detail) {
        Ok(Value::Object(map)) => with_utc_times(map),
        _ => {
            return Err(PersistenceError::Corrupt(format!(
                "audit detail {}",
                row.id
            )))
        }
    };
    let subject_type: SubjectKind = parse_stored(&row.subject_type)?;
    Ok(AuditEntry {
        id: row.id,
        at: row.at,
        actor_id: row.actor_id.map(UserId),
        actor: row.actor_id.and_then(|id| actors.get(&id).cloned()),
        action: parse_stored(&row.action)?,
        subject_type,
        subject_id: row.subject_id,
        article_id: row.article_id.map(ArticleId),
        version: row.version,
        detail,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_times_are_read_back_in_utc_with_a_z() {
        let mut detail = super::Map::new();
        detail.insert(
            "published_at".to_owned(),
            "2026-05-18T12:00:00.25+02:00".into(),
        );
        detail.insert("expires_at".to_owned(), "2026-05-18T10:00:00+00:00".into());
        detail.insert("title".to_owned(), "2026-05-18T12:00:00+02:00".into());
        let read = super::with_utc_times(detail);
        assert_eq!(read["published_at"], "2026-05-18T10:00:00.250000Z");
        assert_eq!(read["expires_at"], "2026-05-18T10:00:00.000000Z");
        assert_eq!(read["title"], "2026-05-18T12:00:00+02:00", "only times");
    }
}
