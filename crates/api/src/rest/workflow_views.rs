//! JSON shapes of the workflow endpoints: revisions, diffs and audit entries.

use masthead_domain::diff::{ContentDiff, SectionChange};
use masthead_domain::{ArticleContent, Author, Slug};
use masthead_persistence::audit::AuditEntry;
use masthead_persistence::revisions::{Revision, RevisionInfo};
use serde::Serialize;
use utoipa::ToSchema;

use crate::rest::image_views::FeatureImageView;
use crate::rest::views::{timestamp, BlockView, SectionView, SeoView};

/// Who saved or acted, while the account exists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Staff)]
pub struct StaffView {
    #[schema(format = "uuid")]
    pub id: String,
    pub display_name: String,
}

impl From<&Author> for StaffView {
    fn from(author: &Author) -> Self {
        Self {
            id: author.id.to_string(),
            display_name: author.display_name.clone(),
        }
    }
}

/// A revision in a history list (no content).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RevisionInfo)]
pub struct RevisionInfoView {
    /// 1 for the first save, then one more per save.
    pub number: i32,
    /// The article version this revision was saved as.
    pub version: i32,
    /// `create`, `update` or `restore`.
    #[schema(value_type = String, pattern = "^(create|update|restore)$")]
    pub kind: &'static str,
    /// For a restore: the revision it brought back.
    #[schema(required = true)]
    pub restored_from: Option<i32>,
    /// The content that went out at the latest publication.
    pub published: bool,
    pub title: String,
    #[schema(format = DateTime)]
    pub saved_at: String,
    #[schema(required = true, format = "uuid")]
    pub saved_by_id: Option<String>,
    /// Who saved it, while the account exists.
    #[schema(required = true)]
    pub saved_by: Option<StaffView>,
}

impl From<&RevisionInfo> for RevisionInfoView {
    fn from(info: &RevisionInfo) -> Self {
        Self {
            number: info.number,
            version: info.version,
            kind: info.kind.as_str(),
            restored_from: info.restored_from,
            published: info.published,
            title: info.title.clone(),
            saved_at: timestamp(info.saved_at),
            saved_by_id: info.saved_by_id.map(|id| id.to_string()),
            saved_by: info.saved_by.as_ref().map(Into::into),
        }
    }
}

/// The editable content of a revision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RevisionContent)]
pub struct ContentView {
    pub title: String,
    /// The slug the article had then.
    pub slug: String,
    pub standfirst: String,
    pub sections: Vec<SectionView>,
    /// Byline user ids, in order.
    pub authors: Vec<String>,
    /// Tag ids, primary first.
    pub tags: Vec<String>,
    #[schema(value_type = crate::rest::views::ReplyPolicyName)]
    pub reply_policy: &'static str,
    pub seo: SeoView,
    #[schema(required = true)]
    pub feature_image: Option<FeatureImageView>,
}

impl ContentView {
    fn new(content: &ArticleContent, slug: &Slug) -> Self {
        Self {
            title: content.title.to_string(),
            slug: slug.to_string(),
            standfirst: content.standfirst.clone(),
            sections: content.sections.iter().map(Into::into).collect(),
            authors: content.authors.iter().map(ToString::to_string).collect(),
            tags: content.tags.iter().map(ToString::to_string).collect(),
            reply_policy: content.reply_policy.as_str(),
            seo: SeoView {
                meta_title: content.seo.meta_title.clone(),
                meta_description: content.seo.meta_description.clone(),
                canonical_url: content.seo.canonical_url.clone(),
            },
            feature_image: content.feature_image.as_ref().map(Into::into),
        }
    }
}

/// A whole revision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Revision)]
pub struct RevisionView {
    #[serde(flatten)]
    pub info: RevisionInfoView,
    pub content: ContentView,
}

impl From<&Revision> for RevisionView {
    fn from(revision: &Revision) -> Self {
        Self {
            info: (&revision.info).into(),
            content: ContentView::new(&revision.content, &revision.slug),
        }
    }
}

/// How a section or block differs.
#[derive(ToSchema)]
#[schema(as = Change, rename_all = "snake_case")]
pub enum ChangeName {
    Added,
    Removed,
    Changed,
    Moved,
}

/// One block that differs, with both sides where they exist.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = BlockChange)]
pub struct BlockChangeView {
    /// The block's id (blocks are matched by id).
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(value_type = ChangeName)]
    pub change: &'static str,
    /// The section it was in on the older side (another section's index when it moved there).
    #[schema(required = true)]
    pub old_section: Option<usize>,
    #[schema(required = true)]
    pub old_index: Option<usize>,
    #[schema(required = true)]
    pub new_index: Option<usize>,
    #[schema(required = true)]
    pub before: Option<BlockView>,
    #[schema(required = true)]
    pub after: Option<BlockView>,
}

/// One section that differs, with both sides where they exist.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SectionChange)]
pub struct SectionChangeView {
    /// The section's id (sections are matched by id).
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(value_type = ChangeName)]
    pub change: &'static str,
    #[schema(required = true)]
    pub old_index: Option<usize>,
    #[schema(required = true)]
    pub new_index: Option<usize>,
    pub heading_changed: bool,
    pub blocks: Vec<BlockChangeView>,
    #[schema(required = true)]
    pub before: Option<SectionView>,
    #[schema(required = true)]
    pub after: Option<SectionView>,
}

/// What changed from revision `from` to revision `to`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Diff)]
pub struct DiffView {
    pub from: i32,
    pub to: i32,
    /// Non-body fields that differ.
    pub fields: Vec<&'static str>,
    pub sections: Vec<SectionChangeView>,
}

impl DiffView {
    /// Renders `diff` between `from` and `to`.
    pub fn new(from: &Revision, to: &Revision, diff: &ContentDiff) -> Self {
        let old = &from.content.sections;
        let new = &to.content.sections;
        let section = |change: &SectionChange| {
            let before = change.old_index.and_then(|i| old.get(i));
            let after = change.new_index.and_then(|j| new.get(j));
            SectionChangeView {
                id: change.id.to_string(),
                change: change.change.as_str(),
                old_index: change.old_index,
                new_index: change.new_index,
                heading_changed: change.heading_changed,
                blocks: change
                    .blocks
                    .iter()
                    .map(|block| BlockChangeView {
                        id: block.id.to_string(),
                        change: block.change.as_str(),
                        old_section: block.old_section,
                        old_index: block.old_index,
                        new_index: block.new_index,
                        before: block
                            .old_section
                            .and_then(|s| old.get(s))
                            .zip(block.old_index)
                            .and_then(|(section, i)| section.blocks.get(i))
                            .map(Into::into),
                        after: after
                            .zip(block.new_index)
                            .and_then(|(section, j)| section.blocks.get(j))
                            .map(Into::into),
                    })
                    .collect(),
                before: before.map(Into::into),
                after: after.map(Into::into),
            }
        };
        Self {
            from: from.info.number,
            to: to.info.number,
            fields: diff.fields.clone(),
            sections: diff.sections.iter().map(section).collect(),
        }
    }
}

/// An audit-log entry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditEntryView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = DateTime)]
    pub at: String,
    /// What was done: `create`, `update`, `submit`, `publish`, `schedule`, `unpublish`,
    /// `archive`, `delete`, `restore` or `moderate`.
    pub action: &'static str,
    #[schema(required = true, format = "uuid")]
    pub actor_id: Option<String>,
    /// Who acted, while the account exists.
    #[schema(required = true)]
    pub actor: Option<StaffView>,
    /// What the entry is about.
    #[schema(value_type = crate::rest::workflow::AuditSubjectName)]
    pub subject_type: &'static str,
    #[schema(format = "uuid")]
    pub subject_id: String,
    #[schema(required = true, format = "uuid")]
    pub article_id: Option<String>,
    /// The article version the action produced.
    #[schema(required = true)]
    pub version: Option<i32>,
    /// More about the action (e.g. `scheduled_for`, `restored_from`).
    #[schema(value_type = Object)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(entry: &AuditEntry) -> Self {
        Self {
            id: entry.id.to_string(),
            at: timestamp(entry.at),
            action: entry.action.as_str(),
            actor_id: entry.actor_id.map(|id| id.to_string()),
            actor: entry.actor.as_ref().map(Into::into),
            subject_type: entry.subject_type.as_str(),
            subject_id: entry.subject_id.to_string(),
            article_id: entry.article_id.map(|id| id.to_string()),
            version: entry.version,
            detail: entry.detail.clone(),
        }
    }
}
