//! The bounds on everything an outsider can send. One place, so the API
//! documentation, the validators and the tests agree.

use crate::error::{DomainError, FieldError};

/// Longest article title, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest standfirst (the summary under the title), in characters.
pub const STANDFIRST_MAX: usize = 600;
/// Most sections in one article.
pub const SECTIONS_MAX: usize = 100;
/// Most blocks in one section.
pub const BLOCKS_PER_SECTION_MAX: usize = 200;
/// Most items in one list block.
pub const LIST_ITEMS_MAX: usize = 100;
/// Longest paragraph (or list item, or section heading source), in characters.
pub const PARAGRAPH_MAX: usize = 20_000;
/// Longest section heading, in characters.
pub const HEADING_MAX: usize = 300;
/// Longest pull quote text, in characters.
pub const PULL_QUOTE_MAX: usize = 1_000;
/// Longest pull-quote speaker or context, in characters.
pub const ATTRIBUTION_MAX: usize = 300;
/// Longest reply body, in characters after trimming.
pub const REPLY_BODY_MAX: usize = 5_000;
/// Deepest reply thread: a top-level reply has depth 1.
pub const REPLY_DEPTH_MAX: u8 = 5;
/// Longest display name (users and reply authors), in characters.
pub const DISPLAY_NAME_MAX: usize = 80;
/// Longest e-mail address, in characters (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest slug, in characters.
pub const SLUG_MAX: usize = 120;
/// Most authors on one byline.
pub const AUTHORS_MAX: usize = 20;
/// Most tags on one article.
pub const TAGS_MAX: usize = 30;
/// Longest tag name, in characters.
pub const TAG_NAME_MAX: usize = 100;
/// Longest description (tag description, user bio), in characters.
pub const DESCRIPTION_MAX: usize = 2_000;
/// Longest SEO meta title, in characters.
pub const META_TITLE_MAX: usize = 300;
/// Longest SEO meta description, in characters.
pub const META_DESCRIPTION_MAX: usize = 600;
/// Longest URL (canonical URL, feature image), in characters.
pub const URL_MAX: usize = 2_000;
/// Shortest password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password, in bytes: refused before hashing so nobody can make the
/// server hash megabytes.
pub const PASSWORD_MAX_BYTES: usize = 1_024;
/// Most links a reply under an open article may carry before it waits for a moderator.
pub const REPLY_LINKS_MAX: usize = 2;
/// Largest `POST …/replies` request body, in bytes (the text itself is bounded in characters).
pub const REPLY_REQUEST_MAX_BYTES: usize = 16 * 1024;
/// Minutes within which the same text from the same client counts as a repeat.
pub const REPLY_REPEAT_WINDOW_MINUTES: i64 = 10;
/// Most replies one moderation request may act on.
pub const MODERATION_BATCH_MAX: usize = 100;

/// Refuses a list filter (a tag or author slug, a speaker, an article) longer
/// than `max` characters: nothing stored is that long, so it could only match
/// nothing, after costing a query. `field` is the parameter's name.
pub fn check_filter(field: &str, value: Option<&str>, max: usize) -> Result<(), DomainError> {
    match value {
        Some(text) if text.chars().count() > max => Err(DomainError::Invalid(
            FieldError::new(field, format!("must be at most {max} characters")).into(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn a_filter_longer_than_anything_stored_is_refused_by_name() {
        assert!(check_filter("tag", None, SLUG_MAX).is_ok());
        assert!(check_filter("tag", Some(&"a".repeat(SLUG_MAX)), SLUG_MAX).is_ok());
        let Err(DomainError::Invalid(errors)) =
            check_filter("tag", Some(&"é".repeat(SLUG_MAX + 1)), SLUG_MAX)
        else {
            panic!("a long filter is refused");
        };
        assert_eq!(errors.0[0].field, "tag");
    }
}
