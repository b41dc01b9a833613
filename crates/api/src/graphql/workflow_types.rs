//! GraphQL types of the editorial workflow: revisions, diffs, audit entries.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, SimpleObject, Union, ID};
use masthead_domain::diff::{self, ContentDiff};
use masthead_domain::{Block, BlockContent, Section};
use masthead_persistence::audit::AuditEntry;
use masthead_persistence::revisions::{Revision, RevisionInfo};

use crate::graphql::types::{AuthorNode, ImageBlockNode};

/// A section of a revision's body. Revisions have their own body types: a
/// saved body is a record, not a live article.
#[derive(SimpleObject)]
pub struct RevisionSection {
    /// The section's id then (the same as the live section's while it exists).
    pub id: ID,
    /// Heading words, without the emoji.
    pub heading: Option<String>,
    /// The heading's leading emoji.
    pub icon: Option<String>,
    /// Blocks in reading order.
    pub blocks: Vec<RevisionBlock>,
}

impl From<&Section> for RevisionSection {
    fn from(section: &Section) -> Self {
        Self {
            id: ID(section.id.to_string()),
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section.blocks.iter().map(RevisionBlock::from).collect(),
        }
    }
}

/// A block of a revision's body; `__typename` says which kind.
#[derive(Union)]
pub enum RevisionBlock {
    /// A paragraph as saved.
    Paragraph(RevisionParagraph),
    /// A pull quote as saved.
    PullQuote(RevisionPullQuote),
    /// A list as saved.
    List(RevisionList),
    /// An image as saved.
    Image(ImageBlockNode),
}

/// A paragraph as a revision saved it.
#[derive(SimpleObject)]
pub struct RevisionParagraph {
    /// The block's id (a UUID).
    pub id: ID,
    /// Plain words.
    pub text: String,
    /// Sanitized inline HTML.
    pub html: String,
    /// Markdown source.
    pub markdown: String,
}

/// A pull quote as a revision saved it.
#[derive(SimpleObject)]
pub struct RevisionPullQuote {
    /// The block's id (a UUID).
    pub id: ID,
    /// The quoted words.
    pub text: String,
    /// Leading emoji.
    pub icon: Option<String>,
    /// Who said it.
    pub speaker: Option<String>,
    /// Where or how it was said.
    pub context: Option<String>,
}

/// A list as a revision saved it.
#[derive(SimpleObject)]
pub struct RevisionList {
    /// The block's id (a UUID).
    pub id: ID,
    /// Numbered when true.
    pub ordered: bool,
    /// The items' Markdown sources.
    pub items: Vec<String>,
}

impl From<&Block> for RevisionBlock {
    fn from(block: &Block) -> Self {
        let id = ID(block.id.to_string());
        match &block.content {
            BlockContent::Paragraph(text) => Self::Paragraph(RevisionParagraph {
                id,
                text: text.text(),
                html: text.html(),
                markdown: text.source().to_owned(),
            }),
            BlockContent::PullQuote(quote) => Self::PullQuote(RevisionPullQuote {
                id,
                text: quote.text.clone(),
                icon: quote.icon.clone(),
                speaker: quote.speaker.clone(),
                context: quote.context.clone(),
            }),
            BlockContent::List(list) => Self::List(RevisionList {
                id,
                ordered: list.ordered,
                items: list
                    .items
                    .iter()
                    .map(|item| item.source().to_owned())
                    .collect(),
            }),
            BlockContent::Image(image) => Self::Image(ImageBlockNode::new(id, image)),
        }
    }
}

/// A save of an article in its history, without the content.
#[derive(SimpleObject)]
#[graphql(name = "RevisionSummary")]
pub struct RevisionSummaryNode {
    /// 1, 2, 3, … per article.
    pub number: i32,
    /// The article version this save produced.
    pub version: i32,
    /// `create`, `update` or `restore`.
    pub kind: String,
    /// For restores: the revision brought back.
    pub restored_from: Option<i32>,
    /// This content went out at the article's latest publication.
    pub published: bool,
    /// The headline saved.
    pub title: String,
    /// When.
    pub saved_at: Timestamp,
    /// Who, by id (kept when the account is gone).
    pub saved_by_id: Option<ID>,
    /// Who, while the account exists.
    pub saved_by: Option<AuthorNode>,
}

impl From<&RevisionInfo> for RevisionSummaryNode {
    fn from(info: &RevisionInfo) -> Self {
        Self {
            number: info.number,
            version: info.version,
            kind: info.kind.as_str().to_owned(),
            restored_from: info.restored_from,
            published: info.published,
            title: info.title.clone(),
            saved_at: Timestamp(info.saved_at),
            saved_by_id: info.saved_by_id.map(|id| ID(id.to_string())),
            saved_by: info.saved_by.as_ref().map(AuthorNode::from),
        }
    }
}

/// A whole revision: the summary and the editable content as it was saved.
#[derive(SimpleObject)]
#[graphql(name = "Revision")]
pub struct RevisionNode {
    /// Number, version, author, time, headline.
    #[graphql(flatten)]
    pub summary: RevisionSummaryNode,
    /// The slug the article had then.
    pub slug: String,
    /// The summary under the headline.
    pub standfirst: String,
    /// The body.
    pub sections: Vec<RevisionSection>,
    /// Byline user ids, in order.
    pub author_ids: Vec<ID>,
    /// Tag ids, primary first.
    pub tag_ids: Vec<ID>,
    /// `open`, `moderated` or `closed`.
    pub reply_policy: String,
    /// SEO title override.
    pub meta_title: Option<String>,
    /// SEO description override.
    pub meta_description: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Feature image URL.
    pub feature_image_url: Option<String>,
    /// Feature image alt text.
    pub feature_image_alt: Option<String>,
    /// Feature image caption.
    pub feature_image_caption: Option<String>,
}

impl From<&Revision> for RevisionNode {
    fn from(revision: &Revision) -> Self {
        let content = &revision.content;
        let image = content.feature_image.as_ref();
        Self {
            summary: (&revision.info).into(),
            slug: revision.slug.to_string(),
            standfirst: content.standfirst.clone(),
            sections: content.sections.iter().map(RevisionSection::from).collect(),
            author_ids: content
                .authors
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            tag_ids: content.tags.iter().map(|id| ID(id.to_string())).collect(),
            reply_policy: content.reply_policy.as_str().to_owned(),
            meta_title: content.seo.meta_title.clone(),
            meta_description: content.seo.meta_description.clone(),
            canonical_url: content.seo.canonical_url.clone(),
            feature_image_url: image.map(|image| image.url.clone()),
            feature_image_alt: image.map(|image| image.alt.clone()),
            feature_image_caption: image.and_then(|image| image.caption.clone()),
        }
    }
}

/// How an item differs between two revisions.
#[derive(Enum, Copy, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the newer revision.
    Added,
    /// Only in the older revision.
    Removed,
    /// In both, edited (and possibly moved).
    Changed,
    /// In both, the same, at another place.
    Moved,
}

impl From<diff::Change> for ChangeKind {
    fn from(change: diff::Change) -> Self {
        match change {
            diff::Change::Added => Self::Added,
            diff::Change::Removed => Self::Removed,
            diff::Change::Changed => Self::Changed,
            diff::Change::Moved => Self::Moved,
        }
    }
}

/// A block that differs, with both sides where they exist.
#[derive(SimpleObject)]
pub struct BlockChange {
    /// The block's id (blocks are matched by id).
    pub id: ID,
    /// Added, removed, changed or moved.
    pub change: ChangeKind,
    /// The section it was in on the older side (another one's index when it moved here).
    pub old_section: Option<i32>,
    /// Position in the older section.
    pub old_index: Option<i32>,
    /// Position in the newer section.
    pub new_index: Option<i32>,
    /// The block before.
    pub before: Option<RevisionBlock>,
    /// The block after.
    pub after: Option<RevisionBlock>,
}

/// A section that differs, with both sides where they exist.
#[derive(SimpleObject)]
pub struct SectionChange {
    /// The section's id (sections are matched by id).
    pub id: ID,
    /// Added, removed, changed or moved.
    pub change: ChangeKind,
    /// Position in the older body.
    pub old_index: Option<i32>,
    /// Position in the newer body.
    pub new_index: Option<i32>,
    /// The heading or icon differs.
    pub heading_changed: bool,
    /// Blocks that differ (changed sections only).
    pub blocks: Vec<BlockChange>,
    /// The section before.
    pub before: Option<RevisionSection>,
    /// The section after.
    pub after: Option<RevisionSection>,
}

/// What changed from one revision to another.
#[derive(SimpleObject)]
pub struct RevisionDiff {
    /// The older side's number.
    pub from: i32,
    /// The newer side's number.
    pub to: i32,
    /// Non-body fields that differ (`title`, `slug`, `standfirst`, `authors`,
    /// `tags`, `reply_policy`, `seo`, `feature_image`).
    pub fields: Vec<String>,
    /// Sections added, removed or changed.
    pub sections: Vec<SectionChange>,
}

fn index(i: Option<usize>) -> Option<i32> {
    i.and_then(|i| i32::try_from(i).ok())
}

impl RevisionDiff {
    /// Renders `diff` between `from` and `to`.
    pub fn new(from: &Revision, to: &Revision, diff: &ContentDiff) -> Self {
        let (old, new) = (&from.content.sections, &to.content.sections);
        let sections = diff
            .sections
            .iter()
            .map(|change| {
                let before = change.old_index.and_then(|i| old.get(i));
                let after = change.new_index.and_then(|j| new.get(j));
                SectionChange {
                    id: ID(change.id.to_string()),
                    change: change.change.into(),
                    old_index: index(change.old_index),
                    new_index: index(change.new_index),
                    heading_changed: change.heading_changed,
                    blocks: change
                        .blocks
                        .iter()
                        .map(|block| BlockChange {
                            id: ID(block.id.to_string()),
                            change: block.change.into(),
                            old_section: index(block.old_section),
                            old_index: index(block.old_index),
                            new_index: index(block.new_index),
                            before: block
                                .old_section
                                .and_then(|s| old.get(s))
                                .zip(block.old_index)
                                .and_then(|(section, i)| section.blocks.get(i))
                                .map(RevisionBlock::from),
                            after: after
                                .zip(block.new_index)
                                .and_then(|(section, j)| section.blocks.get(j))
                                .map(RevisionBlock::from),
                        })
                        .collect(),
                    before: before.map(RevisionSection::from),
                    after: after.map(RevisionSection::from),
                }
            })
            .collect();
        Self {
            from: from.info.number,
            to: to.info.number,
            fields: diff.fields.iter().map(|f| (*f).to_owned()).collect(),
            sections,
        }
    }
}

/// Who did what to which article or reply, and when.
#[derive(SimpleObject)]
#[graphql(name = "AuditEntry")]
pub struct AuditEntryNode {
    /// Identity.
    pub id: ID,
    /// When.
    pub at: Timestamp,
    /// `create`, `update`, `submit`, `publish`, `schedule`, `unpublish`,
    /// `archive`, `delete`, `restore` or `moderate`.
    pub action: String,
    /// Who, by id (null for the system).
    pub actor_id: Option<ID>,
    /// Who, while the account exists.
    pub actor: Option<AuthorNode>,
    /// `article` or `reply`.
    pub subject_type: String,
    /// The article's or reply's id.
    pub subject_id: ID,
    /// The article concerned.
    pub article_id: Option<ID>,
    /// The article version the action produced.
    pub version: Option<i32>,
    /// Action-specific facts, as a JSON object.
    pub detail: async_graphql::Json<serde_json::Map<String, serde_json::Value>>,
}

impl From<&AuditEntry> for AuditEntryNode {
    fn from(entry: &AuditEntry) -> Self {
        Self {
            id: ID(entry.id.to_string()),
            at: Timestamp(entry.at),
            action: entry.action.as_str().to_owned(),
            actor_id: entry.actor_id.map(|id| ID(id.to_string())),
            actor: entry.actor.as_ref().map(AuthorNode::from),
            subject_type: entry.subject_type.as_str().to_owned(),
            subject_id: ID(entry.subject_id.to_string()),
            article_id: entry.article_id.map(|id| ID(id.to_string())),
            version: entry.version,
            detail: async_graphql::Json(entry.detail.clone()),
        }
    }
}
