//! `GET /pull-quotes?speaker=`: pull quotes across the public archive ("every
//! quote by this minister"), each with the article it stands in.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use masthead_domain::ArticleId;
use masthead_persistence::pull_quotes::QuotePosition;
use masthead_persistence::Visibility;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::rest::caching::public_json;
use crate::rest::listing::{self, list_body, Fields};
use crate::state::AppState;

/// Where a quote stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ArticleLink)]
pub struct ArticleLinkView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub title: String,
    /// The article's address on the website.
    #[schema(format = "uri")]
    pub url: String,
}

/// A pull quote with its article.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PlacedPullQuote)]
pub struct PullQuoteView {
    /// The quote's block id, the same as in its article's body.
    #[schema(format = "uuid")]
    pub id: String,
    pub text: String,
    #[schema(required = true)]
    pub icon: Option<String>,
    #[schema(required = true)]
    pub speaker: Option<String>,
    #[schema(required = true)]
    pub context: Option<String>,
    pub article: ArticleLinkView,
}

/// Query of `GET /pull-quotes`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PullQuoteQuery {
    /// Only quotes by this speaker (any letter case).
    pub speaker: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Comma-separated top-level fields to return for each item.
    pub fields: Option<String>,
}

/// Pull quotes in public articles, newest publication first (ties: the greater
/// article id first), in reading order within one.
#[utoipa::path(
    get,
    path = "/pull-quotes",
    operation_id = "list_pull_quotes",
    tag = "articles",
    params(PullQuoteQuery),
    responses(
        (status = 200, description = "A page of pull quotes.", body = ref("#/components/schemas/PlacedPullQuotePage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/pull-quotes")]
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PullQuoteQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = listing::page_size(query.limit)?;
    let known = listing::property_names::<PullQuoteView>();
    let fields = Fields::parse(query.fields.as_deref(), &known)?;
    let after = query
        .cursor
        .as_deref()
        .map(|cursor| QuotePosition::decode("cursor", cursor))
        .transpose()?;
    let speaker = query
        .speaker
        .as_deref()
        .map(str::trim)
        .filter(|speaker| !speaker.is_empty());
    let now = masthead_persistence::now();
    let visibility = Visibility::Public { now };
    let mut quotes = state
        .store
        .pull_quotes()
        .list(speaker, visibility, after, limit + 1)
        .await?;
    let has_next = quotes.len() as u64 > limit;
    quotes.truncate(limit as usize);
    let mut ids: Vec<ArticleId> = quotes.iter().map(|q| q.position.article_id).collect();
    ids.dedup();
    let articles: HashMap<ArticleId, _> = state
        .store
        .articles()
        .by_ids(&ids, visibility, false)
        .await?
        .into_iter()
        .map(|article| (article.id, article))
        .collect();
    let data: Vec<PullQuoteView> = quotes
        .iter()
        .filter_map(|placed| {
            let article = articles.get(&placed.position.article_id)?;
            Some(PullQuoteView {
                id: placed.id.to_string(),
                text: placed.quote.text.clone(),
                icon: placed.quote.icon.clone(),
                speaker: placed.quote.speaker.clone(),
                context: placed.quote.context.clone(),
                article: ArticleLinkView {
                    id: article.id.to_string(),
                    slug: article.slug.to_string(),
                    title: article.title.to_string(),
                    url: state.article_url(article),
                },
            })
        })
        .collect();
    let next_cursor = has_next
        .then(|| quotes.last().map(|last| last.position.encode()))
        .flatten();
    let body = list_body(&data, next_cursor, &fields)?;
    Ok(public_json(&request, &state.settings, body, None))
}
