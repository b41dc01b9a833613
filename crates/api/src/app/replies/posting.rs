//! Posting a reply, the same for REST and GraphQL: bounds, rate limit,
//! the article's policy, the honeypot, spam signals, and the event that tells
//! subscribers about a reply that went public.

use chrono::Duration;
use masthead_domain::limits::REPLY_REPEAT_WINDOW_MINUTES;
use masthead_domain::reply::initial_status;
use masthead_domain::spam::same_text;
use masthead_domain::{
    ArticleId, FieldError, NewReply, Reply, ReplyId, ReplyPolicy, ReplyStatus, ValidationErrors,
};
use masthead_persistence::replies::ReplyDraft;
use masthead_persistence::reply_targets::ReplyTarget;
use masthead_persistence::Visibility;

use crate::auth::Caller;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::events::Event;
use crate::state::AppState;

/// How the caller names the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleRef {
    /// By its URL name.
    Slug(String),
    /// By its id (text, parsed here so both APIs report it the same way).
    Id(String),
}

/// A reply as the caller sent it; every field is checked here.
#[derive(Debug, Clone, Default)]
pub struct PostReply {
    /// The reply it answers, if any.
    pub parent_id: Option<String>,
    /// Shown with the reply (ignored for staff, who post under their account).
    pub author_name: Option<String>,
    /// Never shown publicly (ignored for staff).
    pub author_email: Option<String>,
    /// The text.
    pub body: Option<String>,
    /// The honeypot: a field people never see. Filled in means a robot.
    pub website: Option<String>,
}

/// Posts `input` under `article` as `caller` from `address`. Returns the
/// reply as the poster may see it: a honeypot catch is stored as spam but
/// reported as pending, so the robot learns nothing. Each outcome is
/// counted (`masthead_replies_total`).
pub async fn post_reply(
    state: &AppState,
    caller: Caller,
    address: ClientAddress,
    article: ArticleRef,
    input: PostReply,
) -> Result<Reply, ApiError> {
    let posted = post(state, caller, address, article, input).await;
    crate::metrics::reply(match &posted {
        Ok(reply) if reply.status == ReplyStatus::Approved => "posted",
        Ok(_) => "held",
        Err(_) => "refused",
    });
    posted
}

async fn post(
    state: &AppState,
    caller: Caller,
    address: ClientAddress,
    article: ArticleRef,
    input: PostReply,
) -> Result<Reply, ApiError> {
    let staff = match caller.0 {
        Some(actor) => Some(
            state
                .store
                .users()
                .by_id(actor.id)
                .await?
                .ok_or(ApiError::Unauthenticated)?,
        ),
        None => None,
    };
    let body = input.body.as_deref().unwrap_or_default();
    let (parent_id, reply) = match &staff {
        Some(user) => validate(
            input.parent_id.as_deref(),
            user.display_name.as_str(),
            user.email.as_str(),
            body,
        )?,
        None => validate(
            input.parent_id.as_deref(),
            input.author_name.as_deref().unwrap_or_default(),
            input.author_email.as_deref().unwrap_or_default(),
            body,
        )?,
    };
    let client = state.replies.client(address);
    if staff.is_none() {
        state.replies.admit(&client).await?;
    }
    let article = find_article(state, &article).await?;
    // A closed article refuses everyone; the policy decides the rest.
    initial_status(article.reply_policy, false)?;
    let honeypot = input
        .website
        .as_deref()
        .is_some_and(|value| !value.trim().is_empty());
    let status = if staff.is_some() {
        ReplyStatus::Approved
    } else if honeypot {
        ReplyStatus::Spam
    } else {
        let signal = match article.reply_policy {
            ReplyPolicy::Open => spam_signal(state, &client.hash, &reply).await?,
            _ => None,
        };
        if let Some(signal) = signal {
            tracing::info!(?signal, article = %article.id, "reply held for moderation");
        }
        initial_status(article.reply_policy, signal.is_some())?
    };
    let stored = state
        .store
        .replies()
        .create(ReplyDraft {
            article_id: article.id,
            parent_id,
            reply,
            status,
            is_staff: staff.is_some(),
            user_id: staff.as_ref().map(|user| user.id),
            client_hash: staff.is_none().then_some(client.hash),
        })
        .await?;
    if stored.status == ReplyStatus::Approved {
        state.events.publish(Event::ReplyApproved {
            article_id: stored.article_id,
            reply_id: stored.id,
        });
    }
    Ok(if honeypot {
        Reply {
            status: ReplyStatus::Pending,
            ..stored
        }
    } else {
        stored
    })
}

/// Checks every field at once, so a form can mark all mistakes in one go.
fn validate(
    parent_id: Option<&str>,
    author_name: &str,
    author_email: &str,
    body: &str,
) -> Result<(Option<ReplyId>, NewReply), ApiError> {
    let mut errors = ValidationErrors::default();
    let parent = match parent_id {
        None => None,
        Some(text) => errors.collect(
            text.trim()
                .parse::<uuid::Uuid>()
                .map(ReplyId)
                .map_err(|_| FieldError::new("parent_id", "is not a reply id")),
        ),
    };
    match NewReply::parse(author_name, author_email, body) {
        Ok(reply) if errors.is_empty() => Ok((parent, reply)),
        Ok(_) => Err(errors.into()),
        Err(more) => {
            errors.0.extend(more.0);
            Err(errors.into())
        }
    }
}

/// The published article a reply goes under (its id and reply policy, all
/// replies need of it); drafts do not exist for readers.
pub async fn find_article(state: &AppState, article: &ArticleRef) -> Result<ReplyTarget, ApiError> {
    let visibility = Visibility::Public {
        now: masthead_persistence::now(),
    };
    let articles = state.store.articles();
    let found = match article {
        ArticleRef::Slug(slug) => articles.reply_target_by_slug(slug, visibility).await?,
        ArticleRef::Id(id) => match id.trim().parse::<uuid::Uuid>() {
            Ok(id) => {
                articles
                    .reply_target_by_id(ArticleId(id), visibility)
                    .await?
            }
            Err(_) => None,
        },
    };
    found.ok_or(ApiError::NotFound)
}

/// What makes a reply under an open article wait: too many links, a blocked
/// word, or the same text from the same client within the last minutes.
async fn spam_signal(
    state: &AppState,
    client_hash: &str,
    reply: &NewReply,
) -> Result<Option<masthead_domain::spam::SpamSignal>, ApiError> {
    let rules = state.replies.spam_rules();
    let (name, body) = (reply.author_name.as_str(), reply.body.as_str());
    if let Some(signal) = rules.check(name, body, false) {
        return Ok(Some(signal));
    }
    let since = masthead_persistence::now() - Duration::minutes(REPLY_REPEAT_WINDOW_MINUTES);
    let repeated = state
        .store
        .replies()
        .recent_bodies(client_hash, since)
        .await?
        .iter()
        .any(|earlier| same_text(earlier, body));
    Ok(rules.check(name, body, repeated))
}
