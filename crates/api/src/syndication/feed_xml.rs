//! RSS 2.0 (with `content:encoded` and `dc:creator`) and Atom 1.0 (RFC 4287),
//! written with `quick-xml`, which escapes every text and attribute value.

use std::io;

use crate::syndication::model::Feed;
use crate::syndication::xml::Xml;
use chrono::{DateTime, SecondsFormat, Utc};

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The feed as RSS 2.0.
pub fn rss(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut xml = Xml::new()?;
    xml.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    )?;
    xml.open("channel", &[])?;
    xml.text("title", &[], &feed.title)?;
    xml.text("link", &[], &feed.link)?;
    xml.text("description", &[], &feed.description)?;
    xml.text("language", &[], &feed.language)?;
    xml.text("lastBuildDate", &[], &feed.updated.to_rfc2822())?;
    xml.text("generator", &[], "Masthead")?;
    for entry in &feed.entries {
        xml.open("item", &[])?;
        xml.text("title", &[], &entry.title)?;
        xml.text("link", &[], &entry.link)?;
        xml.text("guid", &[("isPermaLink", "false")], &entry.id)?;
        xml.text("pubDate", &[], &entry.published.to_rfc2822())?;
        for (name, _) in &entry.authors {
            xml.text("dc:creator", &[], name)?;
        }
        for (slug, name) in &entry.categories {
            xml.text("category", &[("domain", slug)], name)?;
        }
        xml.text("description", &[], &entry.summary)?;
        xml.text("content:encoded", &[], &entry.content_html)?;
        xml.close("item")?;
    }
    xml.close("channel")?;
    xml.close("rss")?;
    Ok(xml.finish())
}

/// The feed as Atom 1.0.
pub fn atom(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut xml = Xml::new()?;
    xml.open(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", &feed.language),
        ],
    )?;
    xml.text("id", &[], &feed.id)?;
    xml.text("title", &[], &feed.title)?;
    xml.text("subtitle", &[], &feed.description)?;
    xml.empty("link", &[("rel", "alternate"), ("href", &feed.link)])?;
    xml.text("updated", &[], &rfc3339(feed.updated))?;
    xml.text("generator", &[], "Masthead")?;
    for entry in &feed.entries {
        xml.open("entry", &[])?;
        xml.text("id", &[], &entry.id)?;
        xml.text("title", &[], &entry.title)?;
        xml.empty("link", &[("rel", "alternate"), ("href", &entry.link)])?;
        xml.text("published", &[], &rfc3339(entry.published))?;
        xml.text("updated", &[], &rfc3339(entry.updated))?;
        for (name, url) in &entry.authors {
            xml.open("author", &[])?;
            xml.text("name", &[], name)?;
            xml.text("uri", &[], url)?;
            xml.close("author")?;
        }
        for (slug, name) in &entry.categories {
            xml.empty("category", &[("term", slug), ("label", name)])?;
        }
        xml.text("summary", &[], &entry.summary)?;
        xml.text("content", &[("type", "html")], &entry.content_html)?;
        xml.close("entry")?;
    }
    xml.close("feed")?;
    Ok(xml.finish())
}
