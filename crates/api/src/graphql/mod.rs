//! GraphQL at `/graphql`: queries and mutations over HTTP (POST, and GET for
//! queries), subscriptions over WebSocket on the same path, GraphiQL at
//! `/graphiql`. The schema is merged from one object per concern.

pub mod admin;
pub mod articles;
pub mod auth;
pub mod browse;
pub mod codes;
pub mod connection;
pub mod context;
pub mod corrections;
pub mod execute;
pub mod field_order;
pub mod http;
pub mod ids;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod media;
pub mod node;
pub mod nul;
pub mod persisted;
pub mod preview;
pub mod query;
pub mod replies;
pub mod reply_types;
pub mod search;
pub mod site;
pub mod subscription;
pub mod tenure;
pub mod trusted;
pub mod trusted_only;
pub mod types;
pub mod webhooks;
pub mod workflow;
pub mod workflow_types;
pub mod ws;

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::{MergedObject, Schema};

use crate::config::Settings;
use crate::state::AppState;

/// Every read, merged from one object per concern.
#[derive(MergedObject, Default)]
pub struct Query(
    query::ArticleQuery,
    auth::AuthQuery,
    admin::AdminQuery,
    replies::ReplyQueueQuery,
    workflow::WorkflowQuery,
    browse::BrowseQuery,
    node::NodeQuery,
    site::SiteQuery,
    corrections::CorrectionQuery,
    search::ArticleSearch,
    webhooks::WebhookQuery,
    preview::PreviewQuery,
    media::MediaQuery,
);

/// Every write, merged from one object per concern.
#[derive(MergedObject, Default)]
pub struct Mutation(
    articles::ArticleMutation,
    auth::AuthMutation,
    admin::AdminMutation,
    replies::ReplyMutation,
    workflow::WorkflowMutation,
    corrections::CorrectionMutation,
    webhooks::WebhookMutation,
    preview::PreviewMutation,
    media::MediaMutation,
);

/// The schema type served at `/graphql`.
pub type MastheadSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Builds the schema with the configured limits. `state` is `None` when only
/// the SDL is wanted (`masthead schema`).
pub fn build_schema(state: Option<AppState>, settings: &Settings) -> MastheadSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .limit_depth(settings.graphql_max_depth)
    .limit_complexity(settings.graphql_max_complexity)
    .limit_recursive_depth(limits::MAX_NESTING)
    .extension(field_order::FieldOrder)
    .extension(trusted_only::TrustedOnly)
    .extension(limits::QueryLimits {
        max_fields: settings.graphql_max_fields,
        max_directives: settings.graphql_max_directives,
        max_depth: settings.graphql_max_depth,
        max_complexity: settings.graphql_max_complexity,
        introspection: settings.graphql_introspection,
    });
    if settings.metrics_bind.is_some() {
        builder = builder.extension(crate::metrics::graphql::CountOperations);
    }
    if !settings.graphql_introspection {
        // "Did you mean …" hints name fields the client never saw: with the
        // schema hidden, they would leak it one typo at a time.
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The SDL printed by `masthead schema` and checked in as `schema.graphql`.
pub fn sdl(settings: &Settings) -> String {
    build_schema(None, settings).sdl()
}

/// `GET /graphql`: a WebSocket upgrade starts subscriptions; anything else is a query.
async fn get(
    schema: web::Data<MastheadSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    if ws::is_upgrade(&http) {
        ws::connect(schema, state, http, payload).await
    } else {
        Ok(http::get(schema, state, http).await)
    }
}

/// Any other method on `/graphql`.
async fn other_method(http: HttpRequest) -> HttpResponse {
    let allow = header::HeaderValue::from_static("GET, HEAD, POST, OPTIONS");
    if http.method() == actix_web::http::Method::OPTIONS {
        return HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish();
    }
    let mut response = http::refuse(
        http::Media::Json,
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        codes::RequestCode::MethodNotAllowed,
        "use POST (or GET for queries)",
    );
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

/// `GET /graphiql`: the IDE, from assets in the binary (see [`crate::pages`]).
async fn graphiql(
    pages: web::Data<crate::pages::Pages>,
) -> Result<HttpResponse, crate::error::ApiError> {
    pages.graphiql()
}

/// Mounts `/graphql` and `/graphiql`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/graphql")
                // Only an anonymous GET query answer chooses to be public.
                .wrap(
                    DefaultHeaders::new()
                        .add((header::CACHE_CONTROL, crate::rest::caching::PRIVATE)),
                )
                .route(web::post().to(http::post))
                .route(web::get().to(get))
                .default_service(web::to(other_method)),
        )
        .service(web::resource("/graphiql").route(web::get().to(graphiql)));
}
