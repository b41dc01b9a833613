//! `GET /site`: the site identity and its feeds, for frontends' autodiscovery.

use actix_web::{get, web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::rest::caching::public_json;
use crate::state::AppState;
use crate::syndication::site::SiteView;

/// The publication's identity and the paths of its site-wide feeds.
#[utoipa::path(
    get,
    path = "/site",
    operation_id = "get_site",
    tag = "syndication",
    responses(
        (status = 200, description = "The site identity and feed paths.", body = SiteView),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/site")]
pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(&SiteView::new(&state.settings))
        .map_err(|error| ApiError::Internal(format!("serialize: {error}")))?;
    Ok(public_json(&request, &state.settings, body, None))
}
