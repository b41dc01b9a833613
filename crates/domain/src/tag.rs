//! Tags: how stories are grouped. An article's first tag is its primary tag,
//! the collection it is filed in ("Posts", "World", "Opinion").

use crate::error::ValidationErrors;
use crate::ids::TagId;
use crate::limits::{DESCRIPTION_MAX, TAG_NAME_MAX};
use crate::slug::Slug;
use crate::text;

/// A stored tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Identity.
    pub id: TagId,
    /// URL name.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// What the collection is about, for section pages.
    pub description: Option<String>,
}

/// A tag as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagInput {
    /// Display name (1–100 characters).
    pub name: String,
    /// Optional slug; derived from the name when absent.
    pub slug: Option<String>,
    /// Optional description.
    pub description: Option<String>,
}

/// A validated tag, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagContent {
    /// Display name.
    pub name: String,
    /// URL name.
    pub slug: Slug,
    /// Description.
    pub description: Option<String>,
}

impl TagInput {
    /// Checks the bounds and derives the slug.
    pub fn validate(self) -> Result<TagContent, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = errors.collect(text::required("name", &self.name, TAG_NAME_MAX));
        let description = errors
            .collect(text::optional(
                "description",
                self.description.as_deref(),
                DESCRIPTION_MAX,
            ))
            .flatten();
        let slug = match (self.slug.as_deref().map(str::trim), &name) {
            (Some(given), _) if !given.is_empty() => errors.collect(Slug::parse("slug", given)),
            (_, Some(name)) => errors.collect(Slug::from_title(name).ok_or_else(|| {
                crate::FieldError::new("slug", "cannot be derived from the name; give one")
            })),
            _ => None,
        };
        // A missing slug has its error (or the name's) recorded already.
        let Some(slug) = slug else {
            return Err(errors);
        };
        errors.finish(|| TagContent {
            name: name.unwrap_or_default(),
            slug,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_is_derived_from_the_name() {
        let tag = TagInput {
            name: "World News".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(tag.slug.as_str(), "world-news");
    }

    #[test]
    fn name_bounds() {
        assert!(TagInput {
            name: "n".repeat(TAG_NAME_MAX),
            ..Default::default()
        }
        .validate()
        .is_ok());
        let errors = TagInput {
            name: "n".repeat(TAG_NAME_MAX + 1),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.0[0].field, "name");
        assert!(TagInput {
            name: " ".into(),
            ..Default::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn emoji_only_name_needs_a_slug() {
        let errors = TagInput {
            name: "🌍".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.0[0].field, "slug");
        assert!(TagInput {
            name: "🌍".into(),
            slug: Some("globe".into()),
            ..Default::default()
        }
        .validate()
        .is_ok());
    }
}
