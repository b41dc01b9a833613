//! What a content save records besides the content, inside the save's
//! transaction: the slug history, a revision, an audit entry and, for a
//! public article, a webhook event.

use masthead_domain::webhook::WebhookEventType;
use masthead_domain::{Article, ArticleStatus};
use sea_orm::ConnectionTrait;

use crate::articles::ArticleRepo;
use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::error::Result;
use crate::outbox;
use crate::revisions::{self, Saved};
use crate::slug_history;

impl ArticleRepo<'_> {
    /// The records of a content save: slug history, revision, audit entry.
    pub(crate) async fn record_save(
        &self,
        db: &impl ConnectionTrait,
        article: &Article,
        saved: Saved,
    ) -> Result<()> {
        let lifecycle = article.lifecycle;
        let has_been_public = lifecycle.published_at.is_some()
            || matches!(
                lifecycle.status,
                ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::Archived
            );
        let previous_slug =
            slug_history::follow(db, article.id.0, article.slug.as_str(), has_been_public).await?;
        let published = saved == Saved::Created
            && matches!(
                lifecycle.status,
                ArticleStatus::Published | ArticleStatus::Scheduled
            );
        let number = revisions::record(
            db,
            article,
            saved,
            self.actor(),
            published,
            self.store().revisions_keep(),
        )
        .await?;
        let action = match saved {
            Saved::Created => AuditAction::Create,
            Saved::Updated => AuditAction::Update,
            Saved::Restored(_) => AuditAction::Restore,
        };
        let mut entry = NewAuditEntry::article(self.actor(), action, article.id)
            .at_version(article.version)
            .with("revision", number)
            .with("slug", article.slug.as_str())
            .with("title", article.title.as_str());
        if let Saved::Restored(from) = saved {
            entry = entry.with("restored_from", from);
        }
        if let Some(previous) = &previous_slug {
            entry = entry.with("previous_slug", previous.as_str());
        }
        audit::record(db, entry).await?;
        if lifecycle.is_public_at(crate::now()) {
            let event = match saved {
                Saved::Created => WebhookEventType::ArticlePublished,
                Saved::Updated | Saved::Restored(_) => WebhookEventType::ArticleUpdated,
            };
            outbox::article_event(db, self.store(), event, article, previous_slug.as_deref())
                .await?;
        }
        Ok(())
    }
}
