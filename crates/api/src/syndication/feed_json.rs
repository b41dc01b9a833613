//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).

use chrono::SecondsFormat;
use serde_json::{json, Value};

use crate::syndication::model::Feed;

/// The feed as a JSON Feed 1.1 document.
pub fn json_feed(feed: &Feed) -> Value {
    let items: Vec<Value> = feed
        .entries
        .iter()
        .map(|entry| {
            let mut item = json!({
                "id": entry.id,
                "url": entry.link,
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.content_html,
                "date_published": entry.published.to_rfc3339_opts(SecondsFormat::Secs, true),
                "date_modified": entry.updated.to_rfc3339_opts(SecondsFormat::Secs, true),
                "authors": entry.authors.iter()
                    .map(|(name, url)| json!({ "name": name, "url": url }))
                    .collect::<Vec<_>>(),
                "tags": entry.categories.iter().map(|(_, name)| name).collect::<Vec<_>>(),
            });
            if let (Some(image), Some(object)) = (&entry.image, item.as_object_mut()) {
                object.insert("image".to_owned(), json!(image));
            }
            item
        })
        .collect();
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.link,
        "description": feed.description,
        "language": feed.language,
        "items": items,
    })
}
