//! REST under `/api/v1`: JSON in snake_case, cursor pagination, problem+json errors.

pub mod articles;
pub mod auth;
pub mod replies;
pub mod reply_views;
pub mod views;
pub mod workflow;
pub mod workflow_views;

use actix_web::web;

/// Mounts every REST route under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            .service(articles::list)
            .service(articles::show)
            .configure(replies::routes)
            .configure(workflow::routes),
    );
}
