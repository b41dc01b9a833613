//! The site identity and the absolute URLs every syndicated output is built from.

use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Settings;

/// The website address of a page whose path template holds `{slug}`.
pub fn page_url(settings: &Settings, template: &str, slug: &str) -> String {
    format!(
        "{}{}",
        home_url(settings).trim_end_matches('/'),
        template.replace("{slug}", slug)
    )
}

/// The website's home page (`--public-url`, with one trailing slash).
pub fn home_url(settings: &Settings) -> String {
    format!("{}/", settings.public_url.trim_end_matches('/'))
}

/// What goes in front of a `/media/…` path to make it absolute:
/// `--media-public-url`, else `--public-url` (no trailing slash).
pub fn media_base(settings: &Settings) -> &str {
    settings
        .media
        .media_public_url
        .as_deref()
        .unwrap_or(&settings.public_url)
        .trim_end_matches('/')
}

/// `address` made absolute: a library image's rendition path (`/media/…`)
/// gets [`media_base`] in front; anything else is already absolute.
pub fn absolute_url(settings: &Settings, address: &str) -> String {
    if address.starts_with('/') {
        format!("{}{address}", media_base(settings))
    } else {
        address.to_owned()
    }
}

/// An author's page on the website.
pub fn author_url(settings: &Settings, slug: &str) -> String {
    page_url(settings, &settings.site.author_path, slug)
}

/// A tag's page on the website.
pub fn tag_url(settings: &Settings, slug: &str) -> String {
    page_url(settings, &settings.site.tag_path, slug)
}

/// Where a scope's feeds are, as paths on this server.
#[derive(Debug, Clone, Serialize, ToSchema, async_graphql::SimpleObject)]
#[graphql(name = "SiteFeeds")]
#[schema(as = SiteFeeds)]
pub struct FeedLinks {
    /// RSS 2.0.
    pub rss: String,
    /// Atom 1.0.
    pub atom: String,
    /// JSON Feed 1.1.
    pub json: String,
}

impl FeedLinks {
    /// The feeds under `prefix` (`/feeds`, `/feeds/tags/{slug}`, …).
    pub fn under(prefix: &str) -> Self {
        Self {
            rss: format!("{prefix}/rss.xml"),
            atom: format!("{prefix}/atom.xml"),
            json: format!("{prefix}/feed.json"),
        }
    }
}

/// The publication as frontends announce it (feed autodiscovery, `<meta>`).
#[derive(Debug, Clone, Serialize, ToSchema, async_graphql::SimpleObject)]
#[graphql(name = "Site")]
#[schema(as = Site)]
pub struct SiteView {
    /// The publication's name.
    pub name: String,
    /// One line about it.
    pub description: String,
    /// BCP 47 language of the content.
    pub language: String,
    /// The website's home page.
    #[schema(format = "uri")]
    pub url: String,
    /// Who publishes (structured data `publisher`).
    pub publisher_name: String,
    /// The publisher's logo, when configured.
    #[schema(required = true, format = "uri")]
    pub publisher_logo_url: Option<String>,
    /// The site-wide feeds, as paths on this server (per tag: `/feeds/tags/{slug}/…`,
    /// per author: `/feeds/authors/{slug}/…`).
    pub feeds: FeedLinks,
}

impl SiteView {
    /// The identity configured in `settings`.
    pub fn new(settings: &Settings) -> Self {
        let site = &settings.site;
        Self {
            name: site.site_name.clone(),
            description: site.site_description.clone(),
            language: site.site_language.clone(),
            url: home_url(settings),
            publisher_name: site.publisher().to_owned(),
            publisher_logo_url: site.publisher_logo_url.clone(),
            feeds: FeedLinks::under("/feeds"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_join_the_public_url_and_the_path_template() {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.public_url = "https://news.example/".to_owned();
        assert_eq!(home_url(&settings), "https://news.example/");
        assert_eq!(
            author_url(&settings, "ada"),
            "https://news.example/authors/ada"
        );
        assert_eq!(tag_url(&settings, "city"), "https://news.example/tags/city");
        let site = SiteView::new(&settings);
        assert_eq!(site.feeds.rss, "/feeds/rss.xml");
        assert_eq!(site.publisher_name, site.name);
    }

    #[test]
    fn media_paths_become_absolute_on_the_media_public_url_else_the_public_url() {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.public_url = "https://news.example/".to_owned();
        let path = "/media/1/1280.jpg";
        assert_eq!(
            absolute_url(&settings, path),
            "https://news.example/media/1/1280.jpg"
        );
        settings.media.media_public_url = Some("https://cdn.example/".to_owned());
        assert_eq!(
            absolute_url(&settings, path),
            "https://cdn.example/media/1/1280.jpg"
        );
        let external = "https://images.example/a.jpg";
        assert_eq!(absolute_url(&settings, external), external);
    }
}
