//! Sections: the headed parts of an article's body.

use crate::block::{icon_field, Block, BlockInput};
use crate::emoji::split_leading_emoji;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::SectionId;
use crate::limits::{BLOCKS_PER_SECTION_MAX, HEADING_MAX};
use crate::text;

/// A run of blocks under one optional heading. The lede (the opening section)
/// usually has no heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Stable identity (a client sends it back to keep the section).
    pub id: SectionId,
    /// Heading words, without the leading emoji.
    pub heading: Option<String>,
    /// The heading's leading emoji, split off so frontends can style it.
    pub icon: Option<String>,
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
}

/// A section as a client sends it, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SectionInput {
    /// The id of an existing section of the article, to keep it; `None` for a new one.
    pub id: Option<SectionId>,
    /// Heading, possibly starting with an emoji that becomes the icon.
    pub heading: Option<String>,
    /// Explicit icon; wins over one found in the heading.
    pub icon: Option<String>,
    /// Blocks in order.
    pub blocks: Vec<BlockInput>,
}

impl SectionInput {
    /// Checks every bound, naming fields relative to this section (`heading`,
    /// `blocks[0].text`); a section without an id gets a fresh one.
    pub fn validate(self) -> Result<Section, ValidationErrors> {
        let id = self.id.unwrap_or_else(SectionId::generate);
        let mut errors = ValidationErrors::default();
        let (found_icon, heading) = match self.heading.as_deref() {
            Some(raw) => split_leading_emoji(raw),
            None => (None, String::new()),
        };
        let heading = errors
            .collect(text::optional("heading", Some(&heading), HEADING_MAX))
            .flatten();
        let icon = match self.icon.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => errors.collect(icon_field(given)).flatten(),
            _ => found_icon,
        };
        if self.blocks.len() > BLOCKS_PER_SECTION_MAX {
            errors.0.push(FieldError::new(
                "blocks",
                format!(
                    "must have at most {BLOCKS_PER_SECTION_MAX} blocks (got {})",
                    self.blocks.len()
                ),
            ));
            return Err(errors);
        }
        let mut blocks = Vec::with_capacity(self.blocks.len());
        for (i, block) in self.blocks.into_iter().enumerate() {
            match block.validate() {
                Ok(block) => blocks.push(block),
                Err(nested) => errors.absorb(&format!("blocks[{i}]."), nested),
            }
        }
        errors.finish(|| Section {
            id,
            heading,
            icon,
            blocks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::BlockContentInput;

    fn paragraph() -> BlockInput {
        BlockContentInput::Paragraph {
            text: "Words.".into(),
        }
        .into()
    }

    #[test]
    fn heading_icon_is_split_off() {
        let section = SectionInput {
            id: None,
            heading: Some("⏳ NATO Leaders Watching".into()),
            icon: None,
            blocks: vec![paragraph()],
        }
        .validate()
        .unwrap();
        assert_eq!(section.icon.as_deref(), Some("⏳"));
        assert_eq!(section.heading.as_deref(), Some("NATO Leaders Watching"));
    }

    #[test]
    fn invisible_headings_and_paragraphs_count_as_empty() {
        let section = SectionInput {
            id: None,
            heading: Some("⏳ \u{200B}\u{2060}".into()),
            icon: None,
            blocks: vec![paragraph()],
        }
        .validate()
        .unwrap();
        assert_eq!(section.heading, None, "an icon with no visible words");
        let errors = SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![BlockContentInput::Paragraph {
                text: "\u{200B}\u{FEFF}".into(),
            }
            .into()],
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.0[0].field, "blocks[0].text");
        assert!(crate::Title::parse("title", "\u{200D}\u{00AD}").is_err());
    }

    #[test]
    fn lede_has_no_heading() {
        let section = SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![paragraph()],
        }
        .validate()
        .unwrap();
        assert_eq!(section.heading, None);
        assert_eq!(section.icon, None);
    }

    #[test]
    fn blocks_bound() {
        let section = |n| SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![paragraph(); n],
        };
        assert!(section(BLOCKS_PER_SECTION_MAX).validate().is_ok());
        assert_eq!(
            section(BLOCKS_PER_SECTION_MAX + 1)
                .validate()
                .unwrap_err()
                .0[0]
                .field,
            "blocks"
        );
    }

    #[test]
    fn heading_bound() {
        let section = |h: String| SectionInput {
            id: None,
            heading: Some(h),
            icon: None,
            blocks: vec![],
        };
        assert!(section("h".repeat(HEADING_MAX)).validate().is_ok());
        assert_eq!(
            section("h".repeat(HEADING_MAX + 1))
                .validate()
                .unwrap_err()
                .0[0]
                .field,
            "heading"
        );
    }

    #[test]
    fn nested_errors_carry_their_path() {
        let errors = SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![
                paragraph(),
                BlockContentInput::Paragraph {
                    text: String::new(),
                }
                .into(),
            ],
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.0[0].field, "blocks[1].text");
    }
}
