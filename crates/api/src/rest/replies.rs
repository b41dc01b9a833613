//! Replies over REST: the public threads and posting under an article, and the
//! moderation queue and actions under `/admin/replies`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use masthead_domain::limits::REPLY_REQUEST_MAX_BYTES;
use masthead_domain::policy::Action;
use masthead_domain::thread::build_threads;
use masthead_domain::{FieldError, ModerationAction, ReplyStatus};
use masthead_persistence::Cursor;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::replies::moderation::{self, QueueRequest};
use crate::app::replies::posting::{self, ArticleRef, PostReply};
use crate::auth::Caller;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::body::{limit_for, read_json};
use crate::rest::caching::cached_answer;
use crate::rest::idempotency::{self, KeyScope};
use crate::rest::listing;
use crate::rest::reply_views::{
    moderation_views, ModeratedView, ModerationReplyView, PostedReplyView, QueueView,
    ThreadReplyView,
};
use crate::rest::views::ListView;
use crate::state::AppState;

/// Mounts the reply routes (inside the `/api/v1` scope). Posting reads its body
/// with its own, small limit: a reply is at most 5,000 characters.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/articles/{slug}/replies")
                .route(web::get().to(list))
                .route(web::post().to(post)),
        )
        .service(web::resource("/admin/replies").route(web::get().to(queue)))
        .service(web::resource("/admin/replies/moderate").route(web::post().to(moderate_many)))
        .service(web::resource("/admin/replies/{id}").route(web::delete().to(delete)))
        .service(web::resource("/admin/replies/{id}/{action}").route(web::post().to(moderate_one)));
}

/// Query of `GET /articles/{slug}/replies`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ThreadsQuery {
    /// Threads per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The approved replies under a published article, as threads, oldest first.
/// Pages count top-level threads; each comes whole.
#[utoipa::path(
    get,
    path = "/articles/{slug}/replies",
    operation_id = "list_replies",
    tag = "articles",
    params(("slug" = String, Path, description = "The published article's slug."), ThreadsQuery),
    responses(
        (status = 200, description = "A page of threads: top-level replies with their answers nested in `children`.",
            body = ref("#/components/schemas/ThreadReplyPage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<ThreadsQuery>,
) -> Result<HttpResponse, ApiError> {
    // The same for every reader, so kept in the public cache like the lists:
    // every reply change the public can see bumps the content generation.
    let generation = state.store.content_generation();
    let key = format!("rest:{}", request.uri());
    let read = state
        .public_cache
        .response(&key, generation, build_threads_page(&state, &slug, &query))
        .await;
    cached_answer(&request, &state.settings, &read, "application/json")
}

/// Reads and renders a page of an article's public threads.
async fn build_threads_page(
    state: &AppState,
    slug: &str,
    query: &ThreadsQuery,
) -> Result<CachedBody, Uncached> {
    let limit = listing::page_size(query.limit)?;
    let cursor = decode_cursor(query.cursor.as_deref())?;
    let article = posting::find_article(state, &ArticleRef::Slug(slug.to_owned())).await?;
    let page = state
        .store
        .replies()
        .approved_threads(article.id, limit, cursor)
        .await
        .map_err(ApiError::from)?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let data: Vec<ThreadReplyView> = page
        .items
        .into_iter()
        .flat_map(|(_, replies)| build_threads(replies))
        .map(Into::into)
        .collect();
    let body = serde_json::to_vec(&ListView { data, next_cursor })
        .map_err(|error| ApiError::Internal(format!("serialize: {error}")))?;
    Ok(CachedBody::new(body, None).about(article.id))
}

/// Body of `POST /articles/{slug}/replies`. Anything else is refused, so
/// nobody can set their own `status` or `is_staff`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReplyWrite)]
pub struct PostReplyBody {
    /// Shown with the reply, 1–80 characters (staff: taken from the account).
    pub author_name: Option<String>,
    /// Never shown publicly; at most 254 characters (staff: from the account).
    pub author_email: Option<String>,
    /// Plain text, 1–5,000 characters once trimmed.
    pub body: Option<String>,
    /// The reply this one answers.
    pub parent_id: Option<String>,
    /// Leave empty (a field people never see; robots fill it in).
    pub website: Option<String>,
}

/// Posts a reply: 201 when it is public at once, 202 when it waits for a moderator.
#[utoipa::path(
    post,
    path = "/articles/{slug}/replies",
    operation_id = "post_reply",
    tag = "articles",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The published article's slug."),
        ("Idempotency-Key" = Option<String>, Header,
        description = "Makes retries safe: the same key and body return the first answer; another body is 422; while the first runs, 409.")),
    request_body(content = PostReplyBody, content_type = "application/json",
        description = "Readers send name, e-mail and body; staff (bearer token) send only the body. At most 16 KB."),
    responses(
        (status = 201, description = "Public at once (open articles, staff).", body = PostedReplyView),
        (status = 202, description = "Accepted: it waits for a moderator.", body = PostedReplyView),
        (status = 401, description = "A bearer token was sent but is not valid (readers send none).",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
        (status = 403, description = "Replies are closed on this article.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this `Idempotency-Key` is still running; `Retry-After` says when to try again.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
        (status = 429, description = "This client posted too often; `Retry-After` says when to try again.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
    )
)]
pub async fn post(
    state: web::Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let document =
        read_json::<PostReplyBody>(&request, payload.into_inner(), REPLY_REQUEST_MAX_BYTES).await?;
    let scope = caller
        .0
        .map_or(KeyScope::Anonymous, |actor| KeyScope::User(actor.id));
    let address = ClientAddress::of(&request, &state.settings.proxies);
    let raw = document.raw.clone();
    let operation = {
        let state = state.clone();
        let body = document.value;
        async move {
            let reply = posting::post_reply(
                &state,
                caller,
                address,
                ArticleRef::Slug(slug.into_inner()),
                PostReply {
                    parent_id: body.parent_id,
                    author_name: body.author_name,
                    author_email: body.author_email,
                    body: body.body,
                    website: body.website,
                },
            )
            .await?;
            let status = if reply.status == ReplyStatus::Approved {
                StatusCode::CREATED
            } else {
                StatusCode::ACCEPTED
            };
            Ok(no_store(HttpResponse::build(status)).json(PostedReplyView::from(&reply)))
        }
    };
    idempotency::run(&state, &request, scope, &raw, operation).await
}

/// Query of `GET /admin/replies`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `pending` (default), `approved`, `rejected`, `spam` or `all`.
    #[param(pattern = "^(pending|approved|rejected|spam|all)$")]
    pub status: Option<String>,
    /// Only under this article (slug or id).
    pub article: Option<String>,
    /// Only from this client (a reply's `client_hash`).
    pub client: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The moderation queue, newest first, with counts per status.
#[utoipa::path(
    get,
    path = "/admin/replies",
    operation_id = "list_reply_queue",
    tag = "moderation",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of the queue, with counts per status.", body = QueueView),
    )
)]
pub async fn queue(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ModerateReplies)?;
    let query = query.into_inner();
    let request = QueueRequest {
        status: match query.status.as_deref() {
            Some(text) => moderation::status_filter("status", text)?,
            None => Some(ReplyStatus::Pending),
        },
        article: query.article,
        client: query.client,
        size: listing::page_size(query.limit)?,
        after: decode_cursor(query.cursor.as_deref())?,
    };
    let page = moderation::queue(&state, caller, request).await?;
    let replies: Vec<_> = page.items.into_iter().map(|(_, reply)| reply).collect();
    Ok(no_store(HttpResponse::Ok()).json(QueueView {
        data: moderation_views(&replies, &page.articles),
        next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        counts: (&page.counts).into(),
    }))
}

/// `POST /admin/replies/{id}/approve`, `/reject` or `/spam`.
#[utoipa::path(
    post,
    path = "/admin/replies/{id}/{action}",
    operation_id = "moderate_reply",
    tag = "moderation",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The reply's id."),
        ("action" = ReplyActionName, Path, description = "`approve`, `reject` or `spam`."),
    ),
    responses(
        (status = 200, description = "The reply as it is now.", body = ModerationReplyView),
    )
)]
pub async fn moderate_one(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ModerateReplies)?;
    let (id, action) = path.into_inner();
    let action = match action.as_str() {
        "approve" => ModerationAction::Approve,
        "reject" => ModerationAction::Reject,
        "spam" => ModerationAction::Spam,
        _ => return Err(ApiError::NotFound),
    };
    let reply = moderation::moderate_one(&state, caller, &id, action).await?;
    Ok(no_store(HttpResponse::Ok()).json(ModerationReplyView::new(&reply, None)))
}

/// `DELETE /admin/replies/{id}`: gone for good; its answers keep their place.
#[utoipa::path(
    delete,
    path = "/admin/replies/{id}",
    operation_id = "delete_reply",
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reply's id.")),
    responses(
        (status = 204, description = "Deleted; its answers keep their place under a placeholder."),
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    moderation::moderate_one(&state, caller, &id, ModerationAction::Delete).await?;
    Ok(no_store(HttpResponse::NoContent()).finish())
}

/// Body of `POST /admin/replies/moderate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ModerationWrite)]
pub struct ModerateBody {
    /// 1–100 reply ids.
    pub ids: Vec<String>,
    /// `approve`, `reject`, `spam` or `delete`.
    #[schema(value_type = ModerationActionName)]
    pub action: String,
}

/// One action on many replies, in one transaction: all or nothing.
#[utoipa::path(
    post,
    path = "/admin/replies/moderate",
    operation_id = "moderate_replies",
    tag = "moderation",
    security(("bearer" = [])),
    request_body(content = ModerateBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Done, all of them; an unknown id refuses the whole batch (422 naming `ids[i]`).",
            body = ModeratedView),
    )
)]
pub async fn moderate_many(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ModerateReplies)?;
    let body: ModerateBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let action: ModerationAction = body
        .action
        .parse()
        .map_err(|reason: String| FieldError::new("action", reason))?;
    let replies = moderation::moderate_many(&state, caller, &body.ids, action).await?;
    Ok(no_store(HttpResponse::Ok()).json(ModeratedView {
        action: action.as_str(),
        count: replies.len(),
        data: replies
            .iter()
            .map(|reply| ModerationReplyView::new(reply, None))
            .collect(),
    }))
}

/// Moderation actions, as `action` names them.
#[derive(ToSchema)]
#[schema(as = ModerationAction, rename_all = "snake_case")]
pub enum ModerationActionName {
    /// Public under the article.
    Approve,
    /// Hidden.
    Reject,
    /// Hidden, and counted against the client.
    Spam,
    /// Gone for good (batch only; one reply: `DELETE /admin/replies/{id}`).
    Delete,
}

/// Actions on one reply, as the path names them.
#[derive(ToSchema)]
#[schema(as = ReplyAction, rename_all = "snake_case")]
pub enum ReplyActionName {
    /// Public under the article.
    Approve,
    /// Hidden.
    Reject,
    /// Hidden, and counted against the client.
    Spam,
}

/// Responses with e-mail addresses or personal answers must not be cached anywhere.
fn no_store(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder.insert_header((
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    ));
    builder
}

fn decode_cursor(cursor: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    Ok(cursor
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?)
}
