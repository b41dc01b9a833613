//! Who may do what. The one place both APIs ask before any editorial action,
//! so REST and GraphQL can never disagree about a permission.
//!
//! | action                     | admin | editor | author                      |
//! |----------------------------|-------|--------|-----------------------------|
//! | read drafts / admin lists  | yes   | yes    | yes (the list shows all; editing is limited) |
//! | create article             | yes   | yes    | yes                         |
//! | edit / delete article      | yes   | yes    | own, while draft or in review |
//! | submit for review          | yes   | yes    | own                         |
//! | share / revoke preview links | yes | yes    | own                         |
//! | publish, schedule, unpublish, archive | yes | yes | no                |
//! | add or retract corrections | yes   | yes    | no                          |
//! | moderate replies           | yes   | yes    | no                          |
//! | manage tags                | yes   | yes    | no                          |
//! | manage users, read audit   | yes   | no     | no                          |
//! | manage webhooks            | yes   | no     | no                          |
//! | upload media, browse library | yes | yes    | yes                         |
//! | edit / delete media        | yes   | yes    | own uploads                 |
//!
//! Anonymous callers may only read public content and post replies; every
//! action here refuses them with [`DomainError::Unauthenticated`].

use crate::error::DomainError;
use crate::ids::UserId;
use crate::lifecycle::ArticleStatus;
use crate::user::Role;

/// A signed-in member of staff, as far as permissions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// Who.
    pub id: UserId,
    /// With which powers.
    pub role: Role,
}

/// What permissions need to know about an existing article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleFacts {
    /// The actor is on the byline.
    pub actor_is_author: bool,
    /// Stored status.
    pub status: ArticleStatus,
}

/// Everything the policy rules on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See drafts and the editor lists (previews).
    ReadDrafts,
    /// Start a new article.
    CreateArticle,
    /// Change an article's content (or restore a revision of it).
    EditArticle(ArticleFacts),
    /// Delete an article for good.
    DeleteArticle(ArticleFacts),
    /// Hand an article to the editors.
    SubmitArticle(ArticleFacts),
    /// Hand out (or revoke) a link that shows the article as it stands to
    /// anyone who holds it, before publication.
    SharePreview(ArticleFacts),
    /// Publish, schedule, unpublish or archive.
    PublishArticle,
    /// Add a correction to a published article, or retract one.
    CorrectArticle,
    /// Approve, reject, mark as spam or delete replies.
    ModerateReplies,
    /// Create, rename or delete tags.
    ManageTags,
    /// Create, change or disable accounts.
    ManageUsers,
    /// Read the audit log.
    ReadAuditLog,
    /// Create, change, rotate or delete webhook endpoints; read their deliveries.
    ManageWebhooks,
    /// Upload an image or browse the media library.
    UploadMedia,
    /// Change an image's metadata; `own` when the actor uploaded it.
    EditMedia {
        /// The actor uploaded it.
        own: bool,
    },
    /// Delete an image from the library; `own` when the actor uploaded it.
    DeleteMedia {
        /// The actor uploaded it.
        own: bool,
    },
}

/// Decides whether `actor` (None for anonymous) may do `action`.
pub fn authorize(actor: Option<Actor>, action: Action) -> Result<(), DomainError> {
    let Some(actor) = actor else {
        return Err(DomainError::Unauthenticated);
    };
    let allowed = match (actor.role, action) {
        (Role::Admin, _) => true,
        (Role::Editor, Action::ManageUsers | Action::ReadAuditLog | Action::ManageWebhooks) => {
            false
        }
        (Role::Editor, _) => true,
        (Role::Author, Action::ReadDrafts | Action::CreateArticle) => true,
        (Role::Author, Action::EditArticle(facts) | Action::DeleteArticle(facts)) => {
            facts.actor_is_author
                && matches!(facts.status, ArticleStatus::Draft | ArticleStatus::InReview)
        }
        (Role::Author, Action::SubmitArticle(facts) | Action::SharePreview(facts)) => {
            facts.actor_is_author
        }
        (Role::Author, Action::UploadMedia) => true,
        (Role::Author, Action::EditMedia { own } | Action::DeleteMedia { own }) => own,
        (Role::Author, _) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::Forbidden(describe(action)))
    }
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::ReadDrafts => "reading drafts needs a staff role",
        Action::CreateArticle => "creating articles needs a staff role",
        Action::EditArticle(_) => "authors may edit only their own articles before publication",
        Action::DeleteArticle(_) => "authors may delete only their own articles before publication",
        Action::SubmitArticle(_) => "authors may submit only their own articles",
        Action::SharePreview(_) => "authors may share previews only of their own articles",
        Action::PublishArticle => "publishing needs the editor or admin role",
        Action::CorrectArticle => "corrections need the editor or admin role",
        Action::ModerateReplies => "moderating replies needs the editor or admin role",
        Action::ManageTags => "managing tags needs the editor or admin role",
        Action::ManageUsers => "managing users needs the admin role",
        Action::ReadAuditLog => "reading the audit log needs the admin role",
        Action::ManageWebhooks => "managing webhooks needs the admin role",
        Action::UploadMedia => "uploading media needs a staff role",
        Action::EditMedia { .. } => "authors may edit only the images they uploaded",
        Action::DeleteMedia { .. } => "authors may delete only the images they uploaded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Option<Actor> {
        Some(Actor {
            id: UserId::generate(),
            role,
        })
    }

    fn facts(own: bool, status: ArticleStatus) -> ArticleFacts {
        ArticleFacts {
            actor_is_author: own,
            status,
        }
    }

    #[test]
    fn anonymous_is_unauthenticated_for_everything() {
        assert_eq!(
            authorize(None, Action::ReadDrafts),
            Err(DomainError::Unauthenticated)
        );
        assert_eq!(
            authorize(None, Action::ModerateReplies),
            Err(DomainError::Unauthenticated)
        );
    }

    #[test]
    fn admin_may_do_everything() {
        for action in [
            Action::ManageUsers,
            Action::ReadAuditLog,
            Action::PublishArticle,
            Action::DeleteArticle(facts(false, ArticleStatus::Published)),
        ] {
            assert!(authorize(actor(Role::Admin), action).is_ok());
        }
    }

    #[test]
    fn editor_may_not_manage_users_or_read_audit() {
        assert!(authorize(actor(Role::Editor), Action::PublishArticle).is_ok());
        assert!(authorize(actor(Role::Editor), Action::CorrectArticle).is_ok());
        assert!(authorize(actor(Role::Editor), Action::ModerateReplies).is_ok());
        assert!(authorize(
            actor(Role::Editor),
            Action::EditArticle(facts(false, ArticleStatus::Published))
        )
        .is_ok());
        assert!(matches!(
            authorize(actor(Role::Editor), Action::ManageUsers),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            authorize(actor(Role::Editor), Action::ReadAuditLog),
            Err(DomainError::Forbidden(_))
        ));
    }

    #[test]
    fn previews_are_shared_by_editors_and_by_authors_of_their_own_articles() {
        let published = facts(false, ArticleStatus::Published);
        assert!(authorize(actor(Role::Editor), Action::SharePreview(published)).is_ok());
        assert!(authorize(actor(Role::Admin), Action::SharePreview(published)).is_ok());
        let author = actor(Role::Author);
        assert!(authorize(
            author,
            Action::SharePreview(facts(true, ArticleStatus::InReview))
        )
        .is_ok());
        assert!(matches!(
            authorize(
                author,
                Action::SharePreview(facts(false, ArticleStatus::Draft))
            ),
            Err(DomainError::Forbidden(_))
        ));
        assert_eq!(
            authorize(None, Action::SharePreview(published)),
            Err(DomainError::Unauthenticated)
        );
    }

    #[test]
    fn author_edits_own_unpublished_work_only() {
        let author = actor(Role::Author);
        assert!(authorize(
            author,
            Action::EditArticle(facts(true, ArticleStatus::Draft))
        )
        .is_ok());
        assert!(authorize(
            author,
            Action::EditArticle(facts(true, ArticleStatus::InReview))
        )
        .is_ok());
        assert!(authorize(
            author,
            Action::EditArticle(facts(true, ArticleStatus::Published))
        )
        .is_err());
        assert!(authorize(
            author,
            Action::EditArticle(facts(false, ArticleStatus::Draft))
        )
        .is_err());
        assert!(authorize(
            author,
            Action::DeleteArticle(facts(false, ArticleStatus::Draft))
        )
        .is_err());
        assert!(authorize(
            author,
            Action::SubmitArticle(facts(true, ArticleStatus::Draft))
        )
        .is_ok());
        assert!(authorize(
            author,
            Action::SubmitArticle(facts(false, ArticleStatus::Draft))
        )
        .is_err());
        for action in [
            Action::PublishArticle,
            Action::CorrectArticle,
            Action::ModerateReplies,
            Action::ManageTags,
            Action::ManageUsers,
        ] {
            assert!(authorize(author, action).is_err(), "{action:?}");
        }
    }

    #[test]
    fn authors_upload_and_edit_only_their_own_media() {
        let author = actor(Role::Author);
        assert!(authorize(author, Action::UploadMedia).is_ok());
        assert!(authorize(author, Action::EditMedia { own: true }).is_ok());
        assert!(authorize(author, Action::DeleteMedia { own: true }).is_ok());
        assert!(authorize(author, Action::EditMedia { own: false }).is_err());
        assert!(authorize(author, Action::DeleteMedia { own: false }).is_err());
        for role in [Role::Editor, Role::Admin] {
            assert!(authorize(actor(role), Action::EditMedia { own: false }).is_ok());
            assert!(authorize(actor(role), Action::DeleteMedia { own: false }).is_ok());
        }
        assert_eq!(
            authorize(None, Action::UploadMedia),
            Err(DomainError::Unauthenticated)
        );
    }
}
