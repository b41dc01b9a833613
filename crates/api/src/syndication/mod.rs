//! Syndication: how stories travel beyond the APIs. Feeds (RSS 2.0, Atom 1.0,
//! JSON Feed 1.1) built from the same public rule (`public_at <= now`) and
//! served from the public cache with the same validators as the REST reads.

pub mod feed_json;
pub mod feed_xml;
pub mod feeds;
pub mod json_ld;
pub mod model;
pub mod site;
pub mod sitemaps;
pub mod xml;

use actix_web::web;

/// Mounts the feed routes (outside `/api/v1`: they are not JSON API resources).
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(feeds::site_feed)
        .service(feeds::tag_feed)
        .service(feeds::author_feed)
        .configure(sitemaps::routes);
}
