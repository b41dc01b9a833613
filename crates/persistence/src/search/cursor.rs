//! The position of a search result, opaque to clients: where the next page
//! of a search continues.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{PersistenceError, Result};

/// Where a result stands: its document key and, in relevance order, its
/// window (the key bound it was ranked under) and score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchCursor {
    pub(crate) window: i64,
    pub(crate) score: Option<f64>,
    pub(crate) doc: i64,
}

impl SearchCursor {
    pub(crate) fn newest(doc: i64) -> Self {
        Self {
            window: doc,
            score: None,
            doc,
        }
    }

    pub(crate) fn ranked(window: i64, score: f64, doc: i64) -> Self {
        Self {
            window,
            score: Some(score),
            doc,
        }
    }

    /// Encodes the cursor for a client.
    pub fn encode(&self) -> String {
        let score = self
            .score
            .map_or_else(String::new, |score| format!("{:x}", score.to_bits()));
        URL_SAFE_NO_PAD.encode(format!("s1|{}|{score}|{}", self.window, self.doc))
    }

    /// Decodes a client's cursor; anything malformed is a field error on `field`.
    pub fn decode(field: &str, value: &str) -> Result<Self> {
        let invalid = || {
            PersistenceError::Domain(
                masthead_domain::FieldError::new(field, "is not a valid cursor").into(),
            )
        };
        let text = crate::page::decode_text(field, value)?;
        let mut parts = text.split('|');
        let (Some("s1"), Some(window), Some(score), Some(doc), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        let score = match score {
            "" => None,
            bits => {
                let score = f64::from_bits(u64::from_str_radix(bits, 16).map_err(|_| invalid())?);
                if !score.is_finite() {
                    return Err(invalid());
                }
                Some(score)
            }
        };
        Ok(Self {
            window: window.parse().map_err(|_| invalid())?,
            score,
            doc: doc.parse().map_err(|_| invalid())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        for cursor in [
            SearchCursor::newest(42 << 20),
            SearchCursor::ranked(7 << 20, 3.25, 5),
        ] {
            assert_eq!(
                SearchCursor::decode("cursor", &cursor.encode()).unwrap(),
                cursor
            );
        }
        let nan = URL_SAFE_NO_PAD.encode(format!("s1|1|{:x}|2", f64::NAN.to_bits()));
        for bad in ["", "!!!", "czF8MQ", nan.as_str(), &"a".repeat(300)] {
            assert!(SearchCursor::decode("cursor", bad).is_err(), "{bad}");
        }
    }
}
