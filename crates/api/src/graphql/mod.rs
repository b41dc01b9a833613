//! GraphQL at `/graphql` (POST, and GET for queries) with GraphiQL at `/graphiql`.

pub mod query;
pub mod types;

use actix_web::{web, HttpResponse};
use async_graphql::http::GraphiQLSource;
use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};

use crate::config::Settings;
use crate::state::AppState;

/// The schema type served at `/graphql`.
pub type MastheadSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

/// Builds the schema with the configured limits. `state` is `None` when only
/// the SDL is wanted (`masthead schema`).
pub fn build_schema(state: Option<AppState>, settings: &Settings) -> MastheadSchema {
    let mut builder = Schema::build(query::Query, EmptyMutation, EmptySubscription)
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

async fn execute(schema: web::Data<MastheadSchema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
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
