//! Loads the demo newsroom into an empty database, and creates the first admin
//! with a random password that is printed once.

use std::collections::HashMap;

use chrono::Duration;
use masthead_domain::{
    ArticleStatus, DisplayName, Email, Lifecycle, NewReply, Password, ReplyId, ReplyStatus, Role,
    Slug,
};
use masthead_persistence::replies::ReplyDraft;
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;

use crate::auth::password;
use crate::demo::content;
use crate::error::ApiError;

/// The address of the first admin on a fresh install.
pub const ADMIN_EMAIL: &str = "admin@atlas.example";

/// Creates the first admin with a random password and returns that password.
pub async fn create_first_admin(store: &Store) -> Result<String, ApiError> {
    let secret = password::random_password();
    let hash = password::hash(Password::parse("password", &secret)?).await?;
    store
        .users()
        .create(NewUser {
            email: Email::parse("email", ADMIN_EMAIL)?,
            display_name: DisplayName::parse("display_name", "Atlas Admin")?,
            slug: None,
            bio: None,
            role: Role::Admin,
            password_hash: hash,
        })
        .await?;
    Ok(secret)
}

/// Loads the demo authors, tags, articles and replies. Returns the first admin's password.
pub async fn load(store: &Store) -> Result<String, ApiError> {
    let admin_password = create_first_admin(store).await?;
    let mut authors = HashMap::new();
    for author in content::authors() {
        let hash =
            password::hash(Password::parse("password", &password::random_password())?).await?;
        let user = store
            .users()
            .create(NewUser {
                email: Email::parse("email", author.email)?,
                display_name: DisplayName::parse("display_name", author.display_name)?,
                slug: Some(Slug::parse("slug", author.slug)?),
                bio: Some(author.bio.to_owned()),
                role: author.role,
                password_hash: hash,
            })
            .await?;
        authors.insert(author.slug, user.id);
    }
    let mut tags = HashMap::new();
    for input in content::tags() {
        let tag = store.tags().create(input.validate()?).await?;
        tags.insert(tag.slug.to_string(), tag.id);
    }
    let now = masthead_persistence::now();
    for demo in content::articles() {
        let mut input = demo.input;
        input.authors = demo
            .author_slugs
            .iter()
            .filter_map(|slug| authors.get(slug).copied())
            .collect();
        input.tags = demo
            .tag_slugs
            .iter()
            .filter_map(|slug| tags.get(*slug).copied())
            .collect();
        let published_at = now - Duration::hours(demo.hours_ago);
        let lifecycle = Lifecycle {
            status: ArticleStatus::Published,
            published_at: Some(published_at),
            scheduled_at: None,
        };
        let article = store
            .articles()
            .create(input.validate()?, lifecycle)
            .await?;
        let mut reply_ids: Vec<ReplyId> = Vec::new();
        for reply in demo.replies {
            let created = store
                .replies()
                .create(ReplyDraft {
                    article_id: article.id,
                    parent_id: reply.parent.and_then(|index| reply_ids.get(index).copied()),
                    reply: NewReply::parse(reply.author_name, reply.author_email, reply.body)?,
                    status: ReplyStatus::Approved,
                    is_staff: false,
                    user_id: None,
                    client_hash: None,
                })
                .await?;
            reply_ids.push(created.id);
        }
    }
    Ok(admin_password)
}
