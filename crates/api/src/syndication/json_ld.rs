//! schema.org `NewsArticle` JSON-LD of a public article, as text ready to put
//! between `<script type="application/ld+json">` and `</script>`: `<`, `>`
//! and `&` (and U+2028/U+2029) are written as `\uXXXX` escapes, which JSON
//! reads back as the same characters, so no text in an article (a headline
//! holding `</script>`) can close the element or open another.

use chrono::{DateTime, SecondsFormat, Utc};
use masthead_domain::{Article, Correction};
use serde_json::{json, Map, Value};

use crate::config::Settings;
use crate::syndication::site::{absolute_url, author_url};

/// The `NewsArticle` document of `article` (public at `url`, `word_count` words).
pub fn news_article(
    settings: &Settings,
    article: &Article,
    url: &str,
    word_count: usize,
    corrections: &[Correction],
) -> Value {
    let at = |time: DateTime<Utc>| time.to_rfc3339_opts(SecondsFormat::Secs, true);
    let modified = crate::syndication::model::modified_at(article, corrections);
    let site = &settings.site;
    let mut publisher = json!({ "@type": "Organization", "name": site.publisher() });
    if let (Some(logo), Some(object)) = (&site.publisher_logo_url, publisher.as_object_mut()) {
        object.insert(
            "logo".to_owned(),
            json!({ "@type": "ImageObject", "url": logo }),
        );
    }
    let description = article
        .seo
        .meta_description
        .clone()
        .unwrap_or_else(|| article.standfirst.clone());
    let mut document = Map::new();
    let mut put = |key: &str, value: Value| {
        document.insert(key.to_owned(), value);
    };
    put("@context", json!("https://schema.org"));
    put("@type", json!("NewsArticle"));
    put("headline", json!(article.title.as_str()));
    put("description", json!(description));
    if let Some(image) = &article.feature_image {
        let images: Vec<String> = image
            .structured_data_images()
            .iter()
            .map(|address| absolute_url(settings, address))
            .collect();
        put("image", json!(images));
    }
    put(
        "datePublished",
        json!(at(article.lifecycle.published_at.unwrap_or(modified))),
    );
    put("dateModified", json!(at(modified)));
    put(
        "author",
        Value::Array(
            article
                .authors
                .iter()
                .map(|author| {
                    json!({
                        "@type": "Person",
                        "name": author.display_name,
                        "url": author_url(settings, author.slug.as_str()),
                    })
                })
                .collect(),
        ),
    );
    put("publisher", publisher);
    put(
        "mainEntityOfPage",
        json!({ "@type": "WebPage", "@id": url }),
    );
    if let Some(primary) = article.primary_tag() {
        put("articleSection", json!(primary.name));
    }
    put(
        "keywords",
        json!(article
            .tags
            .iter()
            .map(|tag| tag.name.as_str())
            .collect::<Vec<_>>()),
    );
    put("wordCount", json!(word_count));
    put("inLanguage", json!(site.site_language));
    put("isAccessibleForFree", json!(true));
    // Retracted corrections stay on the article's own record, not here.
    let standing: Vec<Value> = corrections
        .iter()
        .filter(|correction| correction.stands())
        .map(|correction| {
            json!({
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": at(correction.published_at),
            })
        })
        .collect();
    if !standing.is_empty() {
        put("correction", Value::Array(standing));
    }
    Value::Object(document)
}

/// `value` as JSON text that is safe inside a `<script>` element.
pub fn script_safe(value: &Value) -> String {
    let mut text = String::new();
    for c in value.to_string().chars() {
        match c {
            '<' => text.push_str("\\u003c"),
            '>' => text.push_str("\\u003e"),
            '&' => text.push_str("\\u0026"),
            '\u{2028}' => text.push_str("\\u2028"),
            '\u{2029}' => text.push_str("\\u2029"),
            other => text.push(other),
        }
    }
    text
}

/// The `NewsArticle` document of `article` when it is public at `now`;
/// `None` for anything else (a draft has no structured data).
pub fn document_for_public(
    settings: &Settings,
    article: &Article,
    url: &str,
    word_count: usize,
    corrections: &[Correction],
    now: DateTime<Utc>,
) -> Option<Value> {
    article
        .is_public_at(now)
        .then(|| news_article(settings, article, url, word_count, corrections))
}

/// [`document_for_public`] as script-safe text (see [`script_safe`]).
pub fn for_public(
    settings: &Settings,
    article: &Article,
    url: &str,
    word_count: usize,
    corrections: &[Correction],
    now: DateTime<Utc>,
) -> Option<String> {
    document_for_public(settings, article, url, word_count, corrections, now)
        .map(|document| script_safe(&document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_text_cannot_close_a_script_and_reads_back_the_same() {
        let value = json!({
            "headline": "</script><script>alert(1)</script> & <!-- \u{2028}",
        });
        let text = script_safe(&value);
        assert!(!text.contains('<'), "{text}");
        assert!(!text.contains('>'), "{text}");
        assert!(!text.contains('&'), "{text}");
        assert!(!text.contains('\u{2028}'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "the escapes are plain JSON");
    }
}
