//! Moderation for editors and admins, the same for REST and GraphQL: the
//! queue, and approving, rejecting, marking as spam or deleting one reply or
//! many at once. Approving tells subscribers about the reply.

use std::collections::HashMap;

use masthead_domain::limits::{check_filter, MODERATION_BATCH_MAX, SLUG_MAX};
use masthead_domain::policy::Action;
use masthead_domain::{
    Article, ArticleId, FieldError, ModerationAction, Reply, ReplyId, ReplyStatus,
};
use masthead_persistence::reply_queue::QueueFilter;
use masthead_persistence::{Cursor, Visibility};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::Event;
use crate::state::AppState;

/// Largest queue page.
pub const QUEUE_PAGE_MAX: u64 = 100;

/// What the queue should show.
#[derive(Debug, Clone, Default)]
pub struct QueueRequest {
    /// Only this status; `None` for every status.
    pub status: Option<ReplyStatus>,
    /// Only under this article (slug or id).
    pub article: Option<String>,
    /// Only from this client (its `client_hash`).
    pub client: Option<String>,
    /// Page size, 1–100.
    pub size: u64,
    /// Continue after this position.
    pub after: Option<Cursor>,
}

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The replies, newest first, each with its cursor.
    pub items: Vec<(Cursor, Reply)>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<Cursor>,
    /// Replies per status under the same article and client filters.
    pub counts: HashMap<ReplyStatus, u64>,
    /// The articles the replies are under, by id.
    pub articles: HashMap<ArticleId, Article>,
}

/// Parses a status filter: a status name, or `all`.
pub fn status_filter(field: &str, text: &str) -> Result<Option<ReplyStatus>, ApiError> {
    if text == "all" {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        FieldError::new(field, "must be pending, approved, rejected, spam or all").into()
    })
}

/// The queue, for editors and admins.
pub async fn queue(
    state: &AppState,
    caller: Caller,
    request: QueueRequest,
) -> Result<QueuePage, ApiError> {
    caller.authorize(Action::ModerateReplies)?;
    if !(1..=QUEUE_PAGE_MAX).contains(&request.size) {
        return Err(FieldError::new("limit", "must be between 1 and 100").into());
    }
    let article_id = match request.article.as_deref() {
        Some(text) => Some(staff_article(state, text).await?.id),
        None => None,
    };
    if let Some(client) = &request.client {
        if client.len() != 64 || !client.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::new("client", "is not a client hash").into());
        }
    }
    let filter = QueueFilter {
        status: request.status,
        article_id,
        client_hash: request.client.map(|client| client.to_ascii_lowercase()),
    };
    let replies = state.store.replies();
    let page = replies.queue(&filter, request.size, request.after).await?;
    let counts = replies.status_counts(&filter).await?;
    let mut article_ids: Vec<ArticleId> = page.items.iter().map(|(_, r)| r.article_id).collect();
    article_ids.sort_by_key(|id| id.0);
    article_ids.dedup();
    let articles = state
        .store
        .articles()
        .by_ids(&article_ids, Visibility::Staff, false)
        .await?
        .into_iter()
        .map(|article| (article.id, article))
        .collect();
    Ok(QueuePage {
        next_cursor: page.next_cursor(),
        items: page.items,
        counts,
        articles,
    })
}

/// Applies `action` to one reply; an unknown id is `NOT_FOUND`. Returns the
/// reply as it is now (as it was, for a deletion).
pub async fn moderate_one(
    state: &AppState,
    caller: Caller,
    id: &str,
    action: ModerationAction,
) -> Result<Reply, ApiError> {
    let actor = caller.authorize(Action::ModerateReplies)?;
    let id = id
        .trim()
        .parse::<uuid::Uuid>()
        .map_err(|_| ApiError::NotFound)?;
    let mut changed = apply(state, actor.id, &[ReplyId(id)], action, true).await?;
    changed.pop().ok_or(ApiError::NotFound)
}

/// Applies `action` to every reply of `ids` (1–100) in one transaction; an
/// unknown or malformed id refuses the whole request, naming it.
pub async fn moderate_many(
    state: &AppState,
    caller: Caller,
    ids: &[String],
    action: ModerationAction,
) -> Result<Vec<Reply>, ApiError> {
    let actor = caller.authorize(Action::ModerateReplies)?;
    if ids.is_empty() || ids.len() > MODERATION_BATCH_MAX {
        return Err(FieldError::new(
            "ids",
            format!("must name between 1 and {MODERATION_BATCH_MAX} replies"),
        )
        .into());
    }
    let mut errors = masthead_domain::ValidationErrors::default();
    let parsed: Vec<ReplyId> = ids
        .iter()
        .enumerate()
        .filter_map(|(index, text)| {
            errors.collect(
                text.trim()
                    .parse::<uuid::Uuid>()
                    .map(ReplyId)
                    .map_err(|_| FieldError::new(format!("ids[{index}]"), "is not a reply id")),
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors.into());
    }
    apply(state, actor.id, &parsed, action, false).await
}

/// Runs the change and announces newly approved replies. Missing ids are
/// `NOT_FOUND` for a `single` reply, else field errors naming their position.
async fn apply(
    state: &AppState,
    actor: masthead_domain::UserId,
    ids: &[ReplyId],
    action: ModerationAction,
    single: bool,
) -> Result<Vec<Reply>, ApiError> {
    let moderated = state
        .store
        .replies()
        .moderate_as(Some(actor), ids, action)
        .await?;
    if !moderated.missing.is_empty() {
        if single {
            return Err(ApiError::NotFound);
        }
        let errors = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| moderated.missing.contains(id))
            .map(|(index, _)| FieldError::new(format!("ids[{index}]"), "names no reply"))
            .collect();
        return Err(masthead_domain::ValidationErrors(errors).into());
    }
    let mut after = Vec::with_capacity(moderated.before.len());
    for reply in moderated.before {
        if action == ModerationAction::Approve && reply.status != ReplyStatus::Approved {
            state.events.publish(Event::ReplyApproved {
                article_id: reply.article_id,
                reply_id: reply.id,
            });
        }
        let status = action.target_status().unwrap_or(reply.status);
        after.push(Reply { status, ..reply });
    }
    Ok(after)
}

/// An article by slug or id, drafts included (staff filters).
async fn staff_article(state: &AppState, text: &str) -> Result<Article, ApiError> {
    check_filter("article", Some(text), SLUG_MAX)?;
    let articles = state.store.articles();
    let found = match text.trim().parse::<uuid::Uuid>() {
        Ok(id) => articles.by_id(ArticleId(id), Visibility::Staff).await?,
        Err(_) => articles.by_slug(text.trim(), Visibility::Staff).await?,
    };
    found.ok_or_else(|| FieldError::new("article", "names no article").into())
}
