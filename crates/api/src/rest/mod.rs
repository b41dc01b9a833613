//! REST under `/api/v1`: JSON in snake_case, cursor pagination, problem+json
//! errors, HTTP caching and conditional writes, an OpenAPI 3.1 document.

pub mod admin_articles;
pub mod article_document;
pub mod articles;
pub mod audit_schema;
pub mod auth;
pub mod body;
pub mod caching;
pub mod corrections;
pub mod http;
pub mod idempotency;
pub mod image_views;
pub mod listing;
pub mod media;
pub mod media_form;
pub mod openapi;
pub mod openapi_bounds;
pub mod previews;
pub mod pull_quotes;
pub mod refresh_cookie;
pub mod replies;
pub mod reply_views;
pub mod root;
pub mod search;
pub mod site;
pub mod tags;
pub mod taxonomy;
pub mod users;
pub mod views;
pub mod webhooks;
pub mod workflow;
pub mod workflow_views;

use actix_web::middleware::from_fn;
use actix_web::web;

/// Mounts every REST route under `/api/v1`, and the docs page at `/api/docs`.
pub fn routes(config: &mut web::ServiceConfig) {
    // Built now, so a broken document fails at start-up rather than on a request.
    openapi::document();
    config.service(openapi::docs).service(
        web::scope(http::PREFIX)
            .wrap(from_fn(http::edge))
            .service(root::show)
            .service(root::show_bare)
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            .service(auth::change_password)
            .service(users::list)
            .service(users::show)
            .service(users::create)
            .service(users::update)
            .service(users::reset_password)
            .service(users::bylines)
            .service(webhooks::create)
            .service(webhooks::list)
            .service(webhooks::show)
            .service(webhooks::update)
            .service(webhooks::remove)
            .service(webhooks::rotate_secret)
            .service(webhooks::deliveries)
            .service(webhooks::redeliver)
            .service(media::upload)
            .service(media::list)
            .service(media::show)
            .service(media::update)
            .service(media::remove)
            .service(media::original)
            .service(tags::create)
            .service(tags::update)
            .service(tags::remove)
            .service(articles::list)
            .service(articles::show)
            .service(taxonomy::tags)
            .service(taxonomy::tag)
            .service(taxonomy::authors)
            .service(taxonomy::author)
            .service(pull_quotes::list)
            .service(search::search)
            .service(site::show)
            .service(corrections::list)
            .service(corrections::add)
            .service(corrections::retract)
            .service(admin_articles::list)
            .service(admin_articles::create)
            .service(admin_articles::show)
            .service(admin_articles::update)
            .service(admin_articles::remove)
            .service(previews::create)
            .service(previews::list)
            .service(previews::revoke)
            .service(previews::show)
            .service(openapi::serve)
            .configure(replies::routes)
            .configure(workflow::routes)
            .default_service(web::to(http::fallback)),
    );
}
