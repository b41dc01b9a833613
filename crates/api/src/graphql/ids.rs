//! Opaque global IDs (`base64("Article:<uuid>")`), the identity Relay and
//! Apollo caches normalize on. Inputs also accept the bare UUID, so REST ids
//! work in GraphQL too.

use async_graphql::ID;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use masthead_domain::FieldError;
use uuid::Uuid;

use crate::error::ApiError;

/// The object types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A story.
    Article,
    /// A byline profile.
    Author,
    /// A collection or topic.
    Tag,
    /// A reader's reply.
    Reply,
    /// A staff account.
    User,
    /// A pull quote, by its place in an article.
    PullQuote,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Author,
        Kind::Tag,
        Kind::Reply,
        Kind::User,
        Kind::PullQuote,
    ];

    /// The GraphQL type name, which is also the ID prefix.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Author => "Author",
            Kind::Tag => "Tag",
            Kind::Reply => "Reply",
            Kind::User => "User",
            Kind::PullQuote => "PullQuote",
        }
    }
}

/// The global ID of the `kind` object whose local key is `key`.
pub fn encode(kind: Kind, key: impl std::fmt::Display) -> ID {
    ID(STANDARD.encode(format!("{}:{key}", kind.name())))
}

/// Splits a global ID into kind and local key; `None` when it is not one of ours.
pub fn decode(id: &str) -> Option<(Kind, String)> {
    if id.len() > 200 {
        return None;
    }
    let bytes = STANDARD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (prefix, key) = text.split_once(':')?;
    let kind = Kind::ALL.into_iter().find(|kind| kind.name() == prefix)?;
    Some((kind, key.to_owned()))
}

/// The article an ID argument named `field` names (a global ID or a bare UUID).
pub fn article(field: &str, id: &str) -> Result<masthead_domain::ArticleId, ApiError> {
    uuid_of(field, id, &[Kind::Article]).map(masthead_domain::ArticleId)
}

/// The UUID named by `id` (a global ID of one of `kinds`, or a bare UUID);
/// anything else is a field error on `field`.
pub fn uuid_of(field: &str, id: &str, kinds: &[Kind]) -> Result<Uuid, ApiError> {
    let invalid = || {
        let names: Vec<&str> = kinds.iter().map(|kind| kind.name()).collect();
        ApiError::from(FieldError::new(
            field,
            format!("is not the ID of {}", names.join(" or ")),
        ))
    };
    if let Ok(uuid) = Uuid::parse_str(id) {
        return Ok(uuid);
    }
    match decode(id) {
        Some((kind, key)) if kinds.contains(&kind) => Uuid::parse_str(&key).map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

/// The local key of `id` when it is a global ID of one of `kinds`, else `id`
/// as sent: for inputs handed on to code that speaks REST ids (and answers a
/// malformed one itself).
pub fn local_key(id: &str, kinds: &[Kind]) -> String {
    match decode(id) {
        Some((kind, key)) if kinds.contains(&kind) => key,
        _ => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_keys_come_out_of_global_ids_of_the_right_kind_only() {
        let uuid = Uuid::now_v7();
        let tag = encode(Kind::Tag, uuid);
        assert_eq!(local_key(&tag, &[Kind::Tag]), uuid.to_string());
        assert_eq!(local_key(&tag, &[Kind::Reply]), tag.0);
        assert_eq!(local_key("not-an-id", &[Kind::Tag]), "not-an-id");
    }

    #[test]
    fn global_ids_round_trip_and_stay_opaque() {
        let uuid = Uuid::now_v7();
        let id = encode(Kind::Article, uuid);
        assert!(!id.contains("Article"));
        assert_eq!(decode(&id), Some((Kind::Article, uuid.to_string())));
        assert_eq!(uuid_of("id", &id, &[Kind::Article]).unwrap(), uuid);
        assert_eq!(
            uuid_of("id", &uuid.to_string(), &[Kind::Tag]).unwrap(),
            uuid
        );
    }

    #[test]
    fn ids_of_the_wrong_kind_or_garbage_are_field_errors() {
        let tag = encode(Kind::Tag, Uuid::now_v7());
        for bad in [tag.0.as_str(), "", "!!!", "QXJ0aWNsZTpub3QtYS11dWlk"] {
            assert!(
                matches!(
                    uuid_of("id", bad, &[Kind::Article]),
                    Err(ApiError::Invalid(_))
                ),
                "{bad}"
            );
        }
    }
}
