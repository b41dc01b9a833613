//! Loads the demo newsroom into an empty database, and creates the first admin
//! with a random password that is printed once.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::Duration;
use masthead_domain::media::{FocalPoint, MediaFormat, MediaMeta};
use masthead_domain::{
    ArticleStatus, DisplayName, Email, Lifecycle, MediaId, NewReply, Password, ReplyId,
    ReplyStatus, Role, Slug,
};
use masthead_persistence::media::NewMedia;
use masthead_persistence::replies::ReplyDraft;
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;
use sha2::{Digest, Sha256};

use crate::auth::password;
use crate::demo::{content, photo};
use crate::error::ApiError;
use crate::media::MediaStore;

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

/// Stores the demo's lead photo in `media` and records it in the library.
async fn lead_photo(store: &Store, media: &MediaStore) -> Result<MediaId, ApiError> {
    let bytes = photo::harbour_at_dusk().map_err(ApiError::Internal)?;
    let id = MediaId::generate();
    media.put_original(id, Bytes::from_static(bytes)).await?;
    let recorded = store
        .media()
        .record(NewMedia {
            id,
            sha256: crate::app::media::hex(&Sha256::digest(bytes)),
            format: MediaFormat::Jpeg,
            width: photo::WIDTH,
            height: photo::HEIGHT,
            bytes: bytes.len() as u64,
            file_name: "harbour-at-dusk.jpg".to_owned(),
            meta: MediaMeta {
                alt: "Three container cranes stand idle on an empty quay as the sun sets over \
                      the harbour"
                    .to_owned(),
                caption: "The container terminal at Port Averly on the ninth day of the strike."
                    .to_owned(),
                credit: "Masthead demo / generated image".to_owned(),
                focal: FocalPoint::new(0.3, 0.4)?,
            },
        })
        .await?;
    Ok(recorded.item().id)
}

/// Loads the demo authors, tags, articles and replies, and with `media` the
/// flagship's lead photo (without, the flagship keeps an external image URL).
/// Returns the first admin's password.
pub async fn load(store: &Store, media: Option<&MediaStore>) -> Result<String, ApiError> {
    let admin_password = create_first_admin(store).await?;
    let photo = match media {
        Some(media) => Some(lead_photo(store, media).await?),
        None => None,
    };
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
    for (index, demo) in content::articles().into_iter().enumerate() {
        let mut input = demo.input;
        if let (0, Some(photo)) = (index, photo) {
            content::with_lead_photo(&mut input, photo);
        }
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
