//! Keyset (cursor) pagination: page 1,000 costs what page 1 costs, and no item
//! is skipped or repeated when rows are added between requests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{PersistenceError, Result};

/// Largest page any caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// A position in an ordered list: the sort timestamp and id of an item. Opaque
/// to clients (base64 of both), stable across requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Sort key of the item.
    pub at: DateTime<Utc>,
    /// Tie-breaker.
    pub id: Uuid,
}

impl Cursor {
    /// Encodes the cursor for a client.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.at.to_rfc3339(), self.id))
    }

    /// Decodes a client's cursor; anything malformed is a field error on `field`.
    pub fn decode(field: &str, value: &str) -> Result<Self> {
        let invalid = || {
            PersistenceError::Domain(
                masthead_domain::FieldError::new(field, "is not a valid cursor").into(),
            )
        };
        let text = decode_text(field, value)?;
        let (at, id) = text.split_once('|').ok_or_else(invalid)?;
        Ok(Self {
            at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| invalid())?
                .with_timezone(&Utc),
            id: Uuid::parse_str(id).map_err(|_| invalid())?,
        })
    }
}

/// The text inside an opaque cursor (base64 of at most 200 characters);
/// anything else is a field error on `field`.
pub(crate) fn decode_text(field: &str, value: &str) -> Result<String> {
    let invalid = || {
        PersistenceError::Domain(
            masthead_domain::FieldError::new(field, "is not a valid cursor").into(),
        )
    };
    if value.len() > 200 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| invalid())?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// Which slice of a list to return: forwards after a cursor or backwards before one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items (1–100).
    pub size: u64,
    /// Items after this position (forwards).
    pub after: Option<Cursor>,
    /// Items before this position (backwards); wins over `after`'s direction.
    pub before: Option<Cursor>,
    /// Take the last `size` items before `before` (or of the whole list).
    pub backwards: bool,
}

impl PageRequest {
    /// The first `size` items.
    pub fn first(size: u64) -> Self {
        Self {
            size: size.clamp(1, MAX_PAGE_SIZE),
            after: None,
            before: None,
            backwards: false,
        }
    }

    /// The `size` items after `cursor`.
    pub fn after(size: u64, cursor: Option<Cursor>) -> Self {
        Self {
            after: cursor,
            ..Self::first(size)
        }
    }
}

/// One page of items with what a client needs to ask for the neighbours.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<(Cursor, T)>,
    /// There are items after the last one.
    pub has_next: bool,
    /// There are items before the first one.
    pub has_previous: bool,
}

impl<T> Page<T> {
    /// Cursor of the last item when more follow: what `next_cursor` shows.
    pub fn next_cursor(&self) -> Option<Cursor> {
        self.has_next
            .then(|| self.items.last().map(|(cursor, _)| *cursor))
            .flatten()
    }

    /// Transforms the items, keeping their cursors.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self
                .items
                .into_iter()
                .map(|(cursor, item)| (cursor, f(item)))
                .collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let cursor = Cursor {
            at: crate::now(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode("after", &cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn garbage_cursors_are_field_errors() {
        for bad in ["", "!!!", "aGVsbG8", &"a".repeat(500)] {
            assert!(
                matches!(
                    Cursor::decode("after", bad),
                    Err(PersistenceError::Domain(_))
                ),
                "{bad}"
            );
        }
    }
}
