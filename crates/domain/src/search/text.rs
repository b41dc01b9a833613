//! What of an article is searchable, taken from the domain types in one
//! place ([`SearchText::of`]), and the form the engines index.

use crate::article::Article;
use crate::block::BlockContent;
use crate::rich_text::RichText;
use crate::section::Section;

use super::normalize;

/// The searchable text of an article, as the reader sees it (not folded):
/// what the index is built from and what snippets are cut from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchText {
    /// The headline.
    pub title: String,
    /// The summary under the headline.
    pub standfirst: String,
    /// Section headings, paragraphs, pull quotes (with their speaker) and list
    /// items, each on its own, in reading order: the places a snippet comes from.
    pub passages: Vec<String>,
    /// Tag names and author names.
    pub names: Vec<String>,
}

/// The searchable text folded and split as every engine indexes it, by
/// weight: title, standfirst, body, names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexedText {
    /// Folded words of the title.
    pub title: String,
    /// Folded words of the standfirst.
    pub standfirst: String,
    /// Folded words of every passage.
    pub body: String,
    /// Folded words of the tag and author names.
    pub names: String,
}

impl SearchText {
    /// The one definition of what is searchable: the title, the standfirst,
    /// every section heading, paragraph, pull quote (text and speaker), list
    /// item and image (alt, caption, credit), and the names of tags and authors.
    pub fn of<'a>(
        title: &str,
        standfirst: &str,
        sections: &[Section],
        names: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut passages = Vec::new();
        for section in sections {
            if let Some(heading) = &section.heading {
                passages.push(heading.clone());
            }
            for block in &section.blocks {
                match &block.content {
                    BlockContent::Paragraph(text) => passages.push(text.text()),
                    BlockContent::PullQuote(quote) => passages.push(match &quote.speaker {
                        Some(speaker) => format!("{} — {speaker}", quote.text),
                        None => quote.text.clone(),
                    }),
                    BlockContent::List(list) => {
                        passages.extend(list.items.iter().map(RichText::text))
                    }
                    BlockContent::Image(image) => passages.push(image.plain_text()),
                }
            }
        }
        passages.retain(|passage| !passage.trim().is_empty());
        Self {
            title: title.to_owned(),
            standfirst: standfirst.to_owned(),
            passages,
            names: names.into_iter().map(str::to_owned).collect(),
        }
    }

    /// What the engines index for this text.
    pub fn indexed(&self) -> IndexedText {
        IndexedText {
            title: normalize(&self.title),
            standfirst: normalize(&self.standfirst),
            body: normalize(&self.passages.join("\n")),
            names: normalize(&self.names.join("\n")),
        }
    }
}

impl Article {
    /// The article's searchable text (see [`SearchText::of`]).
    pub fn search_text(&self) -> SearchText {
        let names = self.tags.iter().map(|tag| tag.name.as_str()).chain(
            self.authors
                .iter()
                .map(|author| author.display_name.as_str()),
        );
        SearchText::of(self.title.as_str(), &self.standfirst, &self.sections, names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{Block, ListBlock, PullQuote};
    use crate::ids::SectionId;

    #[test]
    fn every_searchable_piece_is_a_passage_or_a_name() {
        let sections = vec![Section {
            id: SectionId::generate(),
            heading: Some("What happened".into()),
            icon: None,
            blocks: vec![
                Block::new(BlockContent::Paragraph(RichText::new("A *grain* deal."))),
                Block::new(BlockContent::PullQuote(PullQuote {
                    text: "We will talk.".into(),
                    icon: None,
                    speaker: Some("Dmitry Peskov".into()),
                    context: None,
                })),
                Block::new(BlockContent::List(ListBlock {
                    ordered: false,
                    items: vec![RichText::new("Odesa"), RichText::new("Kyiv")],
                })),
            ],
        }];
        let text = SearchText::of("Talks", "In Istanbul", &sections, ["Politics", "Ana Ruiz"]);
        assert_eq!(
            text.passages,
            vec![
                "What happened",
                "A grain deal.",
                "We will talk. — Dmitry Peskov",
                "Odesa",
                "Kyiv"
            ]
        );
        let indexed = text.indexed();
        assert_eq!(indexed.title, "talks");
        assert_eq!(
            indexed.body,
            "what happened a grain deal we will talk dmitry peskov odesa kyiv"
        );
        assert_eq!(indexed.names, "politics ana ruiz");
    }
}
