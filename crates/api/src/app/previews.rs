//! Preview links: one implementation behind `POST/GET
//! /api/v1/admin/articles/{id}/preview-links`, `DELETE …/{link_id}`, the
//! GraphQL `createPreviewLink` / `revokePreviewLink` / `previewLinks`, and the
//! token reads `GET /api/v1/preview/{token}` and `preview(token:)`.
//!
//! Whoever may share the article per the policy table
//! ([`Action::SharePreview`]: editors and admins, authors for their own
//! articles) hands out a link that expires within [`MAX_EXPIRES_IN`]. The
//! token (256 random bits, base64url) is shown once; only its SHA-256 is
//! stored. A token opens its one article as it stands now, read-only, and
//! nothing else: the reader stays anonymous for every other field.

use chrono::{DateTime, Duration, Utc};
use masthead_domain::policy::Action;
use masthead_domain::{Article, ArticleId, FieldError};
use masthead_persistence::preview_links::PreviewLink;
use masthead_persistence::Visibility;
use rand::RngCore;
use uuid::Uuid;

use crate::app::articles::editable;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// The longest a preview link may live: seven days, in seconds.
pub const MAX_EXPIRES_IN: i64 = 7 * 24 * 60 * 60;

/// The lifetime of a link when the request names none: one day.
pub const DEFAULT_EXPIRES_IN: i64 = 24 * 60 * 60;

/// Length of a token: 32 bytes in unpadded base64url.
const TOKEN_LENGTH: usize = 43;

/// A link just handed out, with the token its holder needs (never shown again).
#[derive(Debug, Clone)]
pub struct NewPreviewLink {
    /// The stored link.
    pub link: PreviewLink,
    /// The token, in clear.
    pub token: String,
    /// `--preview-url` with the token in place of `{token}`.
    pub url: String,
}

/// Checks a requested lifetime in seconds: a whole number from 1 to
/// [`MAX_EXPIRES_IN`] (`field` names it in the error).
pub fn expires_in(field: &str, seconds: Option<&serde_json::Value>) -> Result<i64, FieldError> {
    let Some(value) = seconds else {
        return Ok(DEFAULT_EXPIRES_IN);
    };
    match value.as_i64() {
        Some(seconds) if (1..=MAX_EXPIRES_IN).contains(&seconds) => Ok(seconds),
        _ => Err(FieldError::new(
            field,
            format!("must be a whole number of seconds from 1 to {MAX_EXPIRES_IN} (7 days)"),
        )),
    }
}

/// Hands out a link to article `id` living `seconds` (checked with [`expires_in`]).
pub async fn create(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    seconds: i64,
) -> Result<NewPreviewLink, ApiError> {
    let (actor, article) = editable(state, caller, id, Action::SharePreview).await?;
    let (token, hash) = new_token();
    let expires_at = masthead_persistence::now() + Duration::seconds(seconds);
    let link = state
        .store
        .preview_links()
        .acting_as(actor.id)
        .create(article.id, actor.id, hash, expires_at)
        .await?;
    let url = state.settings.preview_url.replace("{token}", &token);
    Ok(NewPreviewLink { link, token, url })
}

/// Every link of article `id`, newest first (staff who may read drafts).
pub async fn list(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
) -> Result<Vec<PreviewLink>, ApiError> {
    crate::app::articles::get(state, caller, id).await?;
    Ok(state.store.preview_links().of_article(id).await?)
}

/// Revokes link `link` of article `id` (under GraphQL, `None`: the link's own
/// article). At once: the next read with its token is `NotFound`.
pub async fn revoke(
    state: &AppState,
    caller: Caller,
    id: Option<ArticleId>,
    link: Uuid,
) -> Result<PreviewLink, ApiError> {
    let id = match id {
        Some(id) => id,
        None => {
            caller.authorize(Action::ReadDrafts)?;
            state
                .store
                .preview_links()
                .by_id(link)
                .await?
                .ok_or(ApiError::NotFound)?
                .article_id
        }
    };
    let (actor, article) = editable(state, caller, id, Action::SharePreview).await?;
    Ok(state
        .store
        .preview_links()
        .acting_as(actor.id)
        .revoke(article.id, link)
        .await?)
}

/// The article `token` opens, as it stands now: a malformed token is a
/// `token` input error; an unknown, expired or revoked one, or one whose
/// article is gone, is `NotFound`.
pub async fn read(
    state: &AppState,
    token: &str,
) -> Result<(Article, PreviewLink, DateTime<Utc>), ApiError> {
    if !well_formed(token) {
        return Err(FieldError::new("token", "is not a preview token").into());
    }
    let now = masthead_persistence::now();
    let link = state
        .store
        .preview_links()
        .by_token_hash(&crate::auth::tokens::hash_refresh_token(token))
        .await?
        .filter(|link| link.is_active(now))
        .ok_or(ApiError::NotFound)?;
    let article = state
        .store
        .articles()
        .by_id(link.article_id, Visibility::Staff)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((article, link, now))
}

/// A token has the shape of one this module hands out.
fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LENGTH
        && token
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// A new token (256 random bits, base64url) and the hash it is stored under.
fn new_token() -> (String, String) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = crate::auth::tokens::hash_refresh_token(&token);
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifetimes_are_whole_seconds_up_to_seven_days() {
        assert_eq!(expires_in("e", None), Ok(DEFAULT_EXPIRES_IN));
        assert_eq!(expires_in("e", Some(&json!(1))), Ok(1));
        assert_eq!(expires_in("e", Some(&json!(604_800))), Ok(604_800));
        for bad in [
            json!(0),
            json!(604_801),
            json!(-5),
            json!("3600"),
            json!(1.5),
            json!(null),
        ] {
            assert!(expires_in("e", Some(&bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_43_url_safe_characters() {
        let (token, hash) = new_token();
        assert!(well_formed(&token), "{token}");
        assert_eq!(hash.len(), 64);
        assert!(!well_formed("short"));
        assert!(!well_formed(&format!("{}/", "a".repeat(42))));
    }
}
