//! URL slugs: the lower-case ASCII name of an article, tag or author in URLs.

use std::fmt;

use unicode_segmentation::UnicodeSegmentation;

use crate::emoji::is_emoji;
use crate::error::FieldError;
use crate::limits::SLUG_MAX;

/// What a fallback slug names (see [`Slug::fallback`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugFallback {
    /// An article with an emoji-only or punctuation-only title.
    Article,
    /// A staff member whose name has no letters to transliterate.
    Author,
}

/// A valid slug: 1–120 characters of `a-z`, `0-9` and single inner hyphens.
/// Uniqueness is the store's job (it appends `-2`, `-3`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug given by a client, refusing anything not already in slug form.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let valid_chars = value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if value.is_empty()
            || value.len() > SLUG_MAX
            || !valid_chars
            || value.starts_with('-')
            || value.ends_with('-')
            || value.contains("--")
        {
            return Err(FieldError::new(
                field,
                format!("must be 1-{SLUG_MAX} characters of a-z, 0-9 and single inner hyphens"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a slug from a human title, transliterating non-ASCII letters
    /// ("Zürich’s “Peace” Talks" becomes `zurichs-peace-talks`). Returns `None`
    /// when nothing sluggable is left (a title of only emoji or punctuation).
    pub fn from_title(title: &str) -> Option<Self> {
        // Emoji would transliterate to their names ("dove"); they are decoration, so drop them.
        let words: String = title.graphemes(true).filter(|g| !is_emoji(g)).collect();
        // Apostrophes join words ("Zürich’s" is one word), so drop them before
        // the slugifier turns them into separators.
        let ascii = deunicode::deunicode(&words).replace('\'', "");
        let slug = slug::slugify(ascii);
        let slug = truncate_at_hyphen(&slug, SLUG_MAX);
        (!slug.is_empty()).then(|| Self(slug.to_owned()))
    }

    /// The slug a store falls back to for a title with nothing sluggable in it:
    /// the word for what it names, a valid slug by construction.
    pub fn fallback(kind: SlugFallback) -> Self {
        Self(
            match kind {
                SlugFallback::Article => "article",
                SlugFallback::Author => "author",
            }
            .to_owned(),
        )
    }

    /// The `n`th alternative when this slug is taken: `name-2`, `name-3`, …
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let base = truncate_at_hyphen(&self.0, SLUG_MAX - suffix.len());
        Self(format!("{base}{suffix}"))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Cuts `slug` to at most `max` bytes, at a word boundary where one exists.
fn truncate_at_hyphen(slug: &str, max: usize) -> &str {
    if slug.len() <= max {
        return slug;
    }
    let cut = &slug[..max];
    match cut.rfind('-') {
        Some(at) if at > 0 => &cut[..at],
        _ => cut.trim_end_matches('-'),
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_slugs_are_valid_slugs() {
        for kind in [SlugFallback::Article, SlugFallback::Author] {
            let slug = Slug::fallback(kind);
            assert_eq!(Slug::parse("slug", slug.as_str()), Ok(slug));
        }
    }

    #[test]
    fn transliterates_and_joins_apostrophes() {
        let slug = Slug::from_title("Zürich’s “Peace” Talks").unwrap();
        assert_eq!(slug.as_str(), "zurichs-peace-talks");
    }

    #[test]
    fn drops_emoji_and_punctuation() {
        let slug = Slug::from_title("🕊️ Ceasefire: What's Next?").unwrap();
        assert_eq!(slug.as_str(), "ceasefire-whats-next");
        assert_eq!(Slug::from_title("🕊️ !!!"), None);
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        let title = "word ".repeat(100);
        let slug = Slug::from_title(&title).unwrap();
        assert!(slug.as_str().len() <= SLUG_MAX);
        assert!(slug.as_str().ends_with("word"));
    }

    #[test]
    fn suffixes_stay_within_the_bound() {
        let slug = Slug::parse("slug", &"a".repeat(SLUG_MAX)).unwrap();
        let next = slug.with_suffix(12);
        assert!(next.as_str().len() <= SLUG_MAX);
        assert!(next.as_str().ends_with("-12"));
        assert_eq!(
            Slug::parse("s", "peace").unwrap().with_suffix(2).as_str(),
            "peace-2"
        );
    }

    #[test]
    fn parse_accepts_slugs_only() {
        assert!(Slug::parse("slug", "peace-talks-2").is_ok());
        assert!(Slug::parse("slug", &"a".repeat(SLUG_MAX)).is_ok());
        for bad in [
            "",
            "Peace",
            "peace talks",
            "-peace",
            "peace-",
            "pe--ace",
            "zürich",
            "a/b",
        ] {
            assert!(
                Slug::parse("slug", bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(Slug::parse("slug", &"a".repeat(SLUG_MAX + 1)).is_err());
    }
}
