//! Webhooks: which changes a frontend can subscribe to, and the bounds of an
//! endpoint's settings. Address safety (https, no private targets) needs DNS
//! and the server's flags, so the API layer checks it.

use std::fmt;
use std::str::FromStr;

use crate::error::{FieldError, ValidationErrors};

/// Longest endpoint URL accepted.
pub const WEBHOOK_URL_MAX: usize = 2_048;
/// Longest endpoint description accepted, in characters.
pub const WEBHOOK_DESCRIPTION_MAX: usize = 500;

/// A change announced to webhook endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookEventType {
    /// An article became public.
    ArticlePublished,
    /// A public article changed: an edit, a correction, a slug change.
    ArticleUpdated,
    /// A public article stopped being public (back to draft, or archived).
    ArticleUnpublished,
    /// A public article was deleted.
    ArticleDeleted,
    /// A reply became visible.
    ReplyApproved,
    /// A reply waits for moderation.
    ReplyPending,
}

impl WebhookEventType {
    /// Every event type.
    pub const ALL: [WebhookEventType; 6] = [
        WebhookEventType::ArticlePublished,
        WebhookEventType::ArticleUpdated,
        WebhookEventType::ArticleUnpublished,
        WebhookEventType::ArticleDeleted,
        WebhookEventType::ReplyApproved,
        WebhookEventType::ReplyPending,
    ];

    /// The name on the wire (`type` of the payload, `events` of an endpoint).
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEventType::ArticlePublished => "article.published",
            WebhookEventType::ArticleUpdated => "article.updated",
            WebhookEventType::ArticleUnpublished => "article.unpublished",
            WebhookEventType::ArticleDeleted => "article.deleted",
            WebhookEventType::ReplyApproved => "reply.approved",
            WebhookEventType::ReplyPending => "reply.pending",
        }
    }
}

impl fmt::Display for WebhookEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WebhookEventType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|event| event.as_str() == s)
            .ok_or_else(|| format!("unknown event {s:?}"))
    }
}

/// Checks a subscription list: at least one, only known names, each once
/// (at most all of [`WebhookEventType::ALL`]). Sorted for storage.
pub fn parse_events(names: &[String]) -> Result<Vec<WebhookEventType>, FieldError> {
    if names.is_empty() {
        return Err(FieldError::new("events", "must name at least one event"));
    }
    if names.len() > WebhookEventType::ALL.len() {
        return Err(FieldError::new(
            "events",
            format!(
                "names at most {} events (each once)",
                WebhookEventType::ALL.len()
            ),
        ));
    }
    let mut events = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let event: WebhookEventType = name.parse().map_err(|_| {
            FieldError::new(
                format!("events[{index}]"),
                format!(
                    "is not an event; known: {}",
                    WebhookEventType::ALL
                        .map(WebhookEventType::as_str)
                        .join(", ")
                ),
            )
        })?;
        if events.contains(&event) {
            return Err(FieldError::new(
                format!("events[{index}]"),
                "is named twice",
            ));
        }
        events.push(event);
    }
    events.sort();
    Ok(events)
}

/// Checks the shape of an endpoint URL (length, no spaces or control
/// characters); whether it is a safe target is decided by the API layer.
pub fn check_url(url: &str) -> Result<(), FieldError> {
    if url.is_empty() || url.len() > WEBHOOK_URL_MAX {
        return Err(FieldError::new(
            "url",
            format!("must be 1 to {WEBHOOK_URL_MAX} characters"),
        ));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(
            "url",
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}

/// Checks an endpoint description: at most [`WEBHOOK_DESCRIPTION_MAX`] characters.
pub fn check_description(description: &str) -> Result<(), FieldError> {
    if description.chars().count() > WEBHOOK_DESCRIPTION_MAX {
        return Err(FieldError::new(
            "description",
            format!("must be at most {WEBHOOK_DESCRIPTION_MAX} characters"),
        ));
    }
    Ok(())
}

/// Collects every field error of an endpoint's settings, so a client can fix
/// them in one round trip. Absent fields (a partial update) are not checked.
pub fn check_settings(
    url: Option<&str>,
    events: Option<&[String]>,
    description: Option<&str>,
) -> Result<Option<Vec<WebhookEventType>>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if let Some(url) = url {
        errors.collect(check_url(url));
    }
    let events = events.and_then(|names| errors.collect(parse_events(names)));
    if let Some(description) = description {
        errors.collect(check_description(description));
    }
    errors.finish(|| events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn events_are_known_unique_and_bounded() {
        assert!(parse_events(&names(&["article.published"])).is_ok());
        assert_eq!(parse_events(&[]).unwrap_err().field, "events");
        assert_eq!(
            parse_events(&names(&["article.published", "nope"]))
                .unwrap_err()
                .field,
            "events[1]"
        );
        assert!(parse_events(&names(&["reply.approved", "reply.approved"])).is_err());
        let seven = names(&["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(parse_events(&seven).unwrap_err().field, "events");
    }

    #[test]
    fn every_name_round_trips() {
        for event in WebhookEventType::ALL {
            assert_eq!(event.as_str().parse::<WebhookEventType>(), Ok(event));
        }
    }

    #[test]
    fn urls_and_descriptions_are_bounded() {
        assert!(check_url("https://example.com/hook").is_ok());
        assert!(check_url("").is_err());
        assert!(check_url("https://a b").is_err());
        assert!(check_url(&"x".repeat(WEBHOOK_URL_MAX + 1)).is_err());
        assert!(check_description(&"é".repeat(WEBHOOK_DESCRIPTION_MAX)).is_ok());
        assert!(check_description(&"é".repeat(WEBHOOK_DESCRIPTION_MAX + 1)).is_err());
    }
}
