//! GraphQL at `/graphql` (POST, and GET for queries) with GraphiQL at `/graphiql`.

pub mod admin;
pub mod auth;
pub mod query;
pub mod replies;
pub mod reply_types;
pub mod types;
pub mod workflow;
pub mod workflow_types;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::http::GraphiQLSource;
use async_graphql::{EmptySubscription, MergedObject, Schema};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};

use crate::auth::rate_limit::ClientIp;
use crate::auth::Caller;
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
);

/// Every write, merged from one object per concern.
#[derive(MergedObject, Default)]
pub struct Mutation(
    auth::AuthMutation,
    admin::AdminMutation,
    replies::ReplyMutation,
    workflow::WorkflowMutation,
);

/// The schema type served at `/graphql`.
pub type MastheadSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema with the configured limits. `state` is `None` when only
/// the SDL is wanted (`masthead schema`).
pub fn build_schema(state: Option<AppState>, settings: &Settings) -> MastheadSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(settings.graphql_max_depth)
        .limit_complexity(settings.graphql_max_complexity);
    if !settings.graphql_introspection {
        builder = builder.disable_introspection();
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

/// Runs a GraphQL request as the caller its bearer token names. An invalid
/// token is refused with `UNAUTHENTICATED` before anything runs.
async fn execute(
    schema: web::Data<MastheadSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let header = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let client = ClientIp::of(&http, state.settings.trust_proxy);
    match Caller::from_header(&state, header).await {
        Ok(caller) => schema
            .execute(
                request
                    .into_inner()
                    .data(caller)
                    .data(client)
                    .data(state.replies.address_of(&http)),
            )
            .await
            .into(),
        Err(error) => async_graphql::Response::from_errors(vec![error
            .to_graphql()
            .into_server_error(async_graphql::Pos::default())])
        .into(),
    }
}

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").finish())
}

/// Mounts `/graphql` and `/graphiql`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/graphql")
                .route(web::post().to(execute))
                .route(web::get().to(execute)),
        )
        .service(web::resource("/graphiql").route(web::get().to(graphiql)));
}
