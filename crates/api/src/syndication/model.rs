//! What a feed says, independent of its format: the three writers
//! ([`super::feed_xml`], [`super::feed_json`]) only spell this out.

use chrono::{DateTime, Utc};
use masthead_domain::{Article, Correction};

use crate::config::Settings;
use crate::render::article_html;
use crate::syndication::site::{absolute_url, author_url, home_url, media_base};

/// A feed: the site, a tag's articles or an author's.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Feed title (the site name, with the tag or author after it).
    pub title: String,
    /// What the feed holds.
    pub description: String,
    /// The website page the feed mirrors.
    pub link: String,
    /// Stable identity of the feed (its website page).
    pub id: String,
    /// BCP 47 language.
    pub language: String,
    /// The newest change of any entry (the Unix epoch when empty).
    pub updated: DateTime<Utc>,
    /// Newest first.
    pub entries: Vec<Entry>,
}

/// One article in a feed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `urn:uuid:<article id>`: never changes, not even with the slug.
    pub id: String,
    /// The headline.
    pub title: String,
    /// The article's address on the website.
    pub link: String,
    /// First publication.
    pub published: DateTime<Utc>,
    /// Last public change (an edit, a republication, a correction).
    pub updated: DateTime<Utc>,
    /// The byline: name and author page.
    pub authors: Vec<(String, String)>,
    /// Tags: slug and name.
    pub categories: Vec<(String, String)>,
    /// The standfirst.
    pub summary: String,
    /// The whole body as reader HTML.
    pub content_html: String,
    /// The feature image, when there is one.
    pub image: Option<String>,
}

/// When `article` last changed as readers see it: its own last change, or a
/// later correction (added or retracted).
pub fn modified_at(article: &Article, corrections: &[Correction]) -> DateTime<Utc> {
    corrections
        .iter()
        .flat_map(|correction| [Some(correction.published_at), correction.retracted_at])
        .flatten()
        .fold(crate::rest::articles::last_modified(article), DateTime::max)
}

/// The correction notes readers see above the body: standing ones, newest first.
pub fn notes(corrections: &[Correction]) -> Vec<article_html::Note<'_>> {
    corrections
        .iter()
        .filter(|correction| correction.stands())
        .map(|correction| article_html::Note {
            label: correction.kind.label(),
            date: correction.published_at.format("%-d %B %Y").to_string(),
            text: &correction.text,
        })
        .collect()
}

/// The stable id of an article in every syndicated output.
pub fn article_urn(article: &Article) -> String {
    format!("urn:uuid:{}", article.id)
}

impl Entry {
    /// An article as a feed entry; `url` is its website address. Standing
    /// corrections come first in the content and move `updated`.
    pub fn new(
        settings: &Settings,
        article: &Article,
        url: String,
        corrections: &[Correction],
    ) -> Self {
        let updated = modified_at(article, corrections);
        Self {
            id: article_urn(article),
            title: article.title.to_string(),
            link: url,
            published: article
                .lifecycle
                .published_at
                .unwrap_or_else(|| crate::rest::articles::last_modified(article)),
            updated,
            authors: article
                .authors
                .iter()
                .map(|author| {
                    (
                        author.display_name.clone(),
                        author_url(settings, author.slug.as_str()),
                    )
                })
                .collect(),
            categories: article
                .tags
                .iter()
                .map(|tag| (tag.slug.to_string(), tag.name.clone()))
                .collect(),
            summary: article.standfirst.clone(),
            content_html: article_html::article_body(
                media_base(settings),
                &notes(corrections),
                &article.sections,
            ),
            image: article
                .feature_image
                .as_ref()
                .map(|image| absolute_url(settings, &image.url)),
        }
    }
}

impl Feed {
    /// A feed of `entries` titled after the site and, when given, the `scope` name.
    pub fn new(settings: &Settings, scope: Option<(&str, String)>, entries: Vec<Entry>) -> Self {
        let site = &settings.site;
        let (title, link) = match scope {
            Some((name, page)) => (format!("{}: {name}", site.site_name), page),
            None => (site.site_name.clone(), home_url(settings)),
        };
        Self {
            updated: entries
                .iter()
                .map(|entry| entry.updated)
                .max()
                // An empty feed keeps one time, so its ETag stays put.
                .unwrap_or(DateTime::UNIX_EPOCH),
            title,
            description: site.site_description.clone(),
            id: link.clone(),
            link,
            language: site.site_language.clone(),
            entries,
        }
    }
}
