//! The public directory: `GET /tags`, `/tags/{slug}`, `/authors`, `/authors/{slug}`.
//! Tags are listed whether or not they have public articles; authors only once
//! they have one (staff who never published stay private). Never an e-mail.
//! Articles of a tag or author: `GET /articles?tag=` / `?author=`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use masthead_domain::{Author, Tag};
use masthead_persistence::directory::{DirectoryPage, Listed};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::rest::caching::public_json;
use crate::rest::listing::{self, decode_text_cursor, encode_text_cursor, list_body, Fields};
use crate::state::AppState;

/// A tag in the public directory.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicTag)]
pub struct PublicTagView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub name: String,
    #[schema(required = true)]
    pub description: Option<String>,
    /// Public articles filed under the tag.
    pub article_count: u64,
}

impl From<&Listed<Tag>> for PublicTagView {
    fn from(listed: &Listed<Tag>) -> Self {
        Self {
            id: listed.item.id.to_string(),
            slug: listed.item.slug.to_string(),
            name: listed.item.name.clone(),
            description: listed.item.description.clone(),
            article_count: listed.article_count,
        }
    }
}

/// An author's public profile (never the e-mail).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicAuthor)]
pub struct PublicAuthorView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub display_name: String,
    #[schema(required = true)]
    pub bio: Option<String>,
    /// Public articles with the author on the byline.
    pub article_count: u64,
}

impl From<&Listed<Author>> for PublicAuthorView {
    fn from(listed: &Listed<Author>) -> Self {
        Self {
            id: listed.item.id.to_string(),
            slug: listed.item.slug.to_string(),
            display_name: listed.item.display_name.clone(),
            bio: listed.item.bio.clone(),
            article_count: listed.article_count,
        }
    }
}

/// Query of the directory lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Comma-separated top-level fields to return for each item.
    pub fields: Option<String>,
}

/// Every tag, by slug.
#[utoipa::path(
    get,
    path = "/tags",
    operation_id = "list_tags",
    tag = "directory",
    params(DirectoryQuery),
    responses(
        (status = 200, description = "A page of tags, by slug.", body = ref("#/components/schemas/PublicTagPage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/tags")]
pub async fn tags(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fields, after) = query.parse::<PublicTagView>()?;
    let now = masthead_persistence::now();
    let page = state
        .store
        .directory()
        .tags(now, after.as_deref(), limit)
        .await?;
    let body = page_body::<Tag, PublicTagView>(&page, &fields, |item| item.slug.as_str())?;
    Ok(public_json(&request, &state.settings, body, None))
}

/// One tag.
#[utoipa::path(
    get,
    path = "/tags/{slug}",
    operation_id = "get_tag",
    tag = "directory",
    params(("slug" = String, Path, description = "The tag's slug.")),
    responses(
        (status = 200, description = "The tag.", body = PublicTagView),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/tags/{slug}")]
pub async fn tag(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = masthead_persistence::now();
    let tag = state
        .store
        .directory()
        .tag(now, &slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    let body = to_vec(&PublicTagView::from(&tag))?;
    Ok(public_json(&request, &state.settings, body, None))
}

/// Every author with a public article, by slug.
#[utoipa::path(
    get,
    path = "/authors",
    operation_id = "list_authors",
    tag = "directory",
    params(DirectoryQuery),
    responses(
        (status = 200, description = "A page of authors, by slug.", body = ref("#/components/schemas/PublicAuthorPage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/authors")]
pub async fn authors(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fields, after) = query.parse::<PublicAuthorView>()?;
    let now = masthead_persistence::now();
    let page = state
        .store
        .directory()
        .authors(now, after.as_deref(), limit)
        .await?;
    let body = page_body::<Author, PublicAuthorView>(&page, &fields, |item| item.slug.as_str())?;
    Ok(public_json(&request, &state.settings, body, None))
}

/// One author's public profile.
#[utoipa::path(
    get,
    path = "/authors/{slug}",
    operation_id = "get_author",
    tag = "directory",
    params(("slug" = String, Path, description = "The author's slug.")),
    responses(
        (status = 200, description = "The author's public profile.", body = PublicAuthorView),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/authors/{slug}")]
pub async fn author(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = masthead_persistence::now();
    let author = state
        .store
        .directory()
        .author(now, &slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    let body = to_vec(&PublicAuthorView::from(&author))?;
    Ok(public_json(&request, &state.settings, body, None))
}

impl DirectoryQuery {
    /// Page size, the fields of `V` to keep, and the slug to start after.
    fn parse<V: utoipa::PartialSchema>(&self) -> Result<(u64, Fields, Option<String>), ApiError> {
        let limit = listing::page_size(self.limit)?;
        let fields = Fields::parse(self.fields.as_deref(), &listing::property_names::<V>())?;
        let after = self.cursor.as_deref().map(decode_text_cursor).transpose()?;
        Ok((limit, fields, after))
    }
}

/// A directory page as `V`s, with the cursor after its last slug when more follow.
fn page_body<T, V>(
    page: &DirectoryPage<T>,
    fields: &Fields,
    slug: impl Fn(&T) -> &str,
) -> Result<Vec<u8>, ApiError>
where
    V: Serialize + for<'a> From<&'a Listed<T>>,
{
    let next_cursor = page
        .items
        .last()
        .filter(|_| page.has_next)
        .map(|last| encode_text_cursor(slug(&last.item)));
    let data: Vec<V> = page.items.iter().map(V::from).collect();
    list_body(&data, next_cursor, fields)
}

fn to_vec(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|error| ApiError::Internal(format!("serialize: {error}")))
}
