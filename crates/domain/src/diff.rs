//! What changed between two saves of an article: the editor's "compare
//! revisions" view.
//!
//! Sections and blocks keep their ids across saves, so they are matched by id:
//! an id only on the old side was removed, one only on the new side added,
//! one on both sides is `changed` when its content differs and `moved` when
//! only its place did (it left the longest run of items that kept their
//! order, or went to another section). A block is reported under the section
//! it is in now, with the section it came from (`old_section`).
//!
//! Unchanged sections and blocks are not reported.

use std::collections::{HashMap, HashSet};

use crate::article::ArticleContent;
use crate::ids::{BlockId, SectionId};
use crate::section::Section;

/// How an item differs between the old and the new content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only in the new content.
    Added,
    /// Only in the old content.
    Removed,
    /// In both, edited (and possibly moved).
    Changed,
    /// In both, the same, at another place.
    Moved,
}

impl Change {
    /// Stable name, as shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Moved => "moved",
        }
    }
}

/// One block that differs. Indexes are positions within their section on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockChange {
    /// The block's id.
    pub id: BlockId,
    /// Added, removed, changed or moved.
    pub change: Change,
    /// The old section it was in (absent when added).
    pub old_section: Option<usize>,
    /// Position in its old section (absent when added).
    pub old_index: Option<usize>,
    /// Position in the new section (absent when removed).
    pub new_index: Option<usize>,
}

/// One section that differs. Indexes are positions within the body on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChange {
    /// The section's id.
    pub id: SectionId,
    /// Added, removed, changed or moved.
    pub change: Change,
    /// Position in the old body (absent when added).
    pub old_index: Option<usize>,
    /// Position in the new body (absent when removed).
    pub new_index: Option<usize>,
    /// The heading or icon differs (sections in both only).
    pub heading_changed: bool,
    /// The blocks that differ (sections in both only; an added or removed
    /// section is added or removed whole).
    pub blocks: Vec<BlockChange>,
}

/// Everything that differs between two contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentDiff {
    /// Names of the non-body fields that differ, in a fixed order: `title`,
    /// `slug`, `standfirst`, `authors`, `tags`, `reply_policy`, `seo`, `feature_image`.
    pub fields: Vec<&'static str>,
    /// Sections added, removed, changed or moved, in body order (a removed
    /// section where it stood).
    pub sections: Vec<SectionChange>,
}

impl ContentDiff {
    /// True when the two contents are the same.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.sections.is_empty()
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &ArticleContent, new: &ArticleContent) -> ContentDiff {
    let mut fields = Vec::new();
    let checks: [(&'static str, bool); 8] = [
        ("title", old.title != new.title),
        ("slug", old.slug != new.slug),
        ("standfirst", old.standfirst != new.standfirst),
        ("authors", old.authors != new.authors),
        ("tags", old.tags != new.tags),
        ("reply_policy", old.reply_policy != new.reply_policy),
        ("seo", old.seo != new.seo),
        ("feature_image", old.feature_image != new.feature_image),
    ];
    for (field, differs) in checks {
        if differs {
            fields.push(field);
        }
    }
    ContentDiff {
        fields,
        sections: diff_sections(&old.sections, &new.sections),
    }
}

/// Compares two bodies section by section, and blocks by id across the body.
pub fn diff_sections(old: &[Section], new: &[Section]) -> Vec<SectionChange> {
    let old_at: HashMap<SectionId, usize> =
        old.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let new_ids: HashMap<SectionId, usize> =
        new.iter().enumerate().map(|(j, s)| (s.id, j)).collect();
    let old_blocks: HashMap<BlockId, (usize, usize)> = old
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.blocks
                .iter()
                .enumerate()
                .map(move |(b, block)| (block.id, (i, b)))
        })
        .collect();
    let new_blocks: HashSet<BlockId> = new
        .iter()
        .flat_map(|s| s.blocks.iter().map(|block| block.id))
        .collect();
    let kept = in_order(new.iter().filter_map(|s| old_at.get(&s.id).copied()));
    let removed = |i: usize| SectionChange {
        id: old[i].id,
        change: Change::Removed,
        old_index: Some(i),
        new_index: None,
        heading_changed: false,
        blocks: Vec::new(),
    };
    let mut changes = Vec::new();
    let mut next_old = 0;
    for (j, section) in new.iter().enumerate() {
        let Some(&i) = old_at.get(&section.id) else {
            changes.push(SectionChange {
                id: section.id,
                change: Change::Added,
                old_index: None,
                new_index: Some(j),
                heading_changed: false,
                blocks: Vec::new(),
            });
            continue;
        };
        // Sections removed before this one's old place are reported here.
        while next_old < i {
            if !new_ids.contains_key(&old[next_old].id) {
                changes.push(removed(next_old));
            }
            next_old += 1;
        }
        next_old = next_old.max(i + 1);
        let heading_changed = old[i].heading != section.heading || old[i].icon != section.icon;
        let blocks = diff_blocks(i, old, section, &old_blocks, &new_blocks);
        let change = if heading_changed || !blocks.is_empty() {
            Change::Changed
        } else if !kept.contains(&i) {
            Change::Moved
        } else {
            continue;
        };
        changes.push(SectionChange {
            id: section.id,
            change,
            old_index: Some(i),
            new_index: Some(j),
            heading_changed,
            blocks,
        });
    }
    for (i, section) in old.iter().enumerate().skip(next_old) {
        if !new_ids.contains_key(&section.id) {
            changes.push(removed(i));
        }
    }
    changes
}

/// The block changes of `section`, the new side of old section `i`: its
/// added, changed and moved blocks in order, then the blocks of old section
/// `i` that are nowhere in the new body (`new_blocks`).
fn diff_blocks(
    i: usize,
    old: &[Section],
    section: &Section,
    old_blocks: &HashMap<BlockId, (usize, usize)>,
    new_blocks: &HashSet<BlockId>,
) -> Vec<BlockChange> {
    let stayed = in_order(section.blocks.iter().filter_map(|block| {
        old_blocks
            .get(&block.id)
            .filter(|(s, _)| *s == i)
            .map(|(_, b)| *b)
    }));
    let mut changes = Vec::new();
    for (j, block) in section.blocks.iter().enumerate() {
        let change = match old_blocks.get(&block.id) {
            None => BlockChange {
                id: block.id,
                change: Change::Added,
                old_section: None,
                old_index: None,
                new_index: Some(j),
            },
            Some(&(s, b)) => {
                let before = &old[s].blocks[b];
                let change = if before.content != block.content {
                    Change::Changed
                } else if s != i || !stayed.contains(&b) {
                    Change::Moved
                } else {
                    continue;
                };
                BlockChange {
                    id: block.id,
                    change,
                    old_section: Some(s),
                    old_index: Some(b),
                    new_index: Some(j),
                }
            }
        };
        changes.push(change);
    }
    // Blocks gone from the whole body, reported by the section they left.
    for (b, block) in old[i].blocks.iter().enumerate() {
        if !new_blocks.contains(&block.id) {
            changes.push(BlockChange {
                id: block.id,
                change: Change::Removed,
                old_section: Some(i),
                old_index: Some(b),
                new_index: None,
            });
        }
    }
    changes
}

/// The members of `positions` (old positions in new order) that keep their
/// relative order: a longest increasing subsequence. Whatever is not in it moved.
fn in_order(positions: impl Iterator<Item = usize>) -> Vec<usize> {
    let positions: Vec<usize> = positions.collect();
    let n = positions.len();
    // lengths[k] = length of the longest increasing run ending at k; O(n²) is
    // fine: bodies are bounded by SECTIONS_MAX and BLOCKS_PER_SECTION_MAX.
    let mut lengths = vec![1usize; n];
    let mut previous = vec![usize::MAX; n];
    for k in 0..n {
        for p in 0..k {
            if positions[p] < positions[k] && lengths[p] + 1 > lengths[k] {
                lengths[k] = lengths[p] + 1;
                previous[k] = p;
            }
        }
    }
    let Some(mut k) = (0..n).max_by_key(|&k| (lengths[k], usize::MAX - k)) else {
        return Vec::new();
    };
    let mut run = vec![positions[k]];
    while previous[k] != usize::MAX {
        k = previous[k];
        run.push(positions[k]);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::ArticleInput;
    use crate::block::{Block, BlockContentInput, BlockInput};
    use crate::ids::UserId;
    use crate::section::SectionInput;

    fn paragraph(text: &str) -> BlockInput {
        BlockContentInput::Paragraph { text: text.into() }.into()
    }

    fn block(text: &str) -> Block {
        paragraph(text).validate().unwrap()
    }

    fn quote(text: &str) -> BlockInput {
        BlockContentInput::PullQuote {
            text: text.into(),
            icon: None,
            speaker: Some("A. Speaker".into()),
            context: None,
        }
        .into()
    }

    fn section(heading: Option<&str>, blocks: Vec<BlockInput>) -> Section {
        SectionInput {
            id: None,
            heading: heading.map(Into::into),
            icon: None,
            blocks,
        }
        .validate()
        .unwrap()
    }

    fn content() -> ArticleContent {
        let mut content = ArticleInput {
            title: "Title".into(),
            authors: vec![UserId(uuid::Uuid::nil())],
            ..ArticleInput::default()
        }
        .validate()
        .unwrap();
        content.sections = vec![
            section(None, vec![paragraph("Lede."), paragraph("Second.")]),
            section(Some("🌍 World"), vec![paragraph("One."), quote("Said.")]),
            section(Some("At stake"), vec![paragraph("Three.")]),
        ];
        content
    }

    fn summary(d: &ContentDiff) -> Vec<(Change, Option<usize>, Option<usize>)> {
        d.sections
            .iter()
            .map(|s| (s.change, s.old_index, s.new_index))
            .collect()
    }

    #[test]
    fn identical_contents_have_no_diff() {
        let a = content();
        assert!(diff(&a, &a.clone()).is_empty());
    }

    #[test]
    fn changed_fields_are_named_in_order() {
        let a = content();
        let mut b = a.clone();
        b.title = crate::Title::parse("title", "Other title").unwrap();
        b.standfirst = "New standfirst".into();
        assert_eq!(diff(&a, &b).fields, ["title", "standfirst"]);
        assert!(diff(&a, &b).sections.is_empty());
    }

    #[test]
    fn an_inserted_section_is_added_and_the_rest_unchanged() {
        let a = content();
        let mut b = a.clone();
        let inserted = section(Some("New"), vec![paragraph("Fresh.")]);
        b.sections.insert(1, inserted.clone());
        let d = diff(&a, &b);
        assert_eq!(
            d.sections,
            [SectionChange {
                id: inserted.id,
                change: Change::Added,
                old_index: None,
                new_index: Some(1),
                heading_changed: false,
                blocks: vec![],
            }]
        );
    }

    #[test]
    fn a_removed_section_is_removed_where_it_stood() {
        let a = content();
        let mut b = a.clone();
        b.sections.remove(1);
        b.sections[1].blocks[0] = Block {
            content: block("Three, edited.").content,
            ..b.sections[1].blocks[0].clone()
        };
        assert_eq!(
            summary(&diff(&a, &b)),
            [
                (Change::Removed, Some(1), None),
                (Change::Changed, Some(2), Some(1)),
            ]
        );
    }

    #[test]
    fn an_edited_block_changes_its_section_and_only_that_block() {
        let a = content();
        let mut b = a.clone();
        b.sections[1].blocks[0].content = block("One, corrected.").content;
        let added = block("Added at the end.");
        b.sections[1].blocks.push(added.clone());
        let d = diff(&a, &b);
        assert_eq!(summary(&d), [(Change::Changed, Some(1), Some(1))]);
        assert!(!d.sections[0].heading_changed);
        assert_eq!(
            d.sections[0].blocks,
            [
                BlockChange {
                    id: a.sections[1].blocks[0].id,
                    change: Change::Changed,
                    old_section: Some(1),
                    old_index: Some(0),
                    new_index: Some(0),
                },
                BlockChange {
                    id: added.id,
                    change: Change::Added,
                    old_section: None,
                    old_index: None,
                    new_index: Some(2),
                },
            ]
        );
    }

    #[test]
    fn reordered_blocks_are_moves_not_deletes_and_inserts() {
        let a = content();
        let mut b = a.clone();
        b.sections[1].blocks.swap(0, 1);
        let d = diff(&a, &b);
        assert_eq!(summary(&d), [(Change::Changed, Some(1), Some(1))]);
        let blocks: Vec<_> = d.sections[0]
            .blocks
            .iter()
            .map(|c| (c.change, c.old_index, c.new_index))
            .collect();
        // One of the two left the run that kept its order: one move.
        assert_eq!(blocks, [(Change::Moved, Some(0), Some(1))]);
    }

    #[test]
    fn a_block_moved_to_another_section_names_where_it_came_from() {
        let a = content();
        let mut b = a.clone();
        let moved = b.sections[0].blocks.remove(1);
        b.sections[2].blocks.insert(0, moved.clone());
        let d = diff(&a, &b);
        // The section it left lost nothing else; the one it joined reports the move.
        assert_eq!(summary(&d), [(Change::Changed, Some(2), Some(2))]);
        assert_eq!(
            d.sections[0].blocks,
            [BlockChange {
                id: moved.id,
                change: Change::Moved,
                old_section: Some(0),
                old_index: Some(1),
                new_index: Some(0),
            }]
        );
    }

    #[test]
    fn a_removed_block_is_reported_by_its_section() {
        let a = content();
        let mut b = a.clone();
        b.sections[1].blocks.remove(1);
        let d = diff(&a, &b);
        let blocks: Vec<_> = d.sections[0]
            .blocks
            .iter()
            .map(|c| (c.change, c.old_section, c.old_index, c.new_index))
            .collect();
        assert_eq!(blocks, [(Change::Removed, Some(1), Some(1), None)]);
    }

    #[test]
    fn reordered_sections_are_moves() {
        let a = content();
        let mut b = a.clone();
        let last = b.sections.remove(2);
        b.sections.insert(0, last);
        assert_eq!(summary(&diff(&a, &b)), [(Change::Moved, Some(2), Some(0))]);
    }

    #[test]
    fn a_renamed_section_is_changed_with_its_heading_flagged() {
        let a = content();
        let mut b = a.clone();
        b.sections[2].heading = Some("What is at stake".into());
        let d = diff(&a, &b);
        assert_eq!(summary(&d), [(Change::Changed, Some(2), Some(2))]);
        assert!(d.sections[0].heading_changed);
        assert!(d.sections[0].blocks.is_empty());
    }

    #[test]
    fn the_same_words_with_new_ids_are_new_items() {
        let a = content();
        let b = content();
        let d = diff(&a, &b);
        assert_eq!(d.sections.len(), 6);
        assert_eq!(
            d.sections
                .iter()
                .filter(|s| s.change == Change::Added)
                .count(),
            3
        );
    }

    #[test]
    fn everything_against_nothing() {
        let a = content();
        let mut empty = a.clone();
        empty.sections.clear();
        let removed = diff(&a, &empty);
        assert_eq!(removed.sections.len(), 3);
        assert!(removed.sections.iter().all(|s| s.change == Change::Removed));
        let added = diff(&empty, &a);
        assert!(added.sections.iter().all(|s| s.change == Change::Added));
    }

    #[test]
    fn in_order_keeps_the_longest_run() {
        assert_eq!(in_order([0, 1, 2].into_iter()), [2, 1, 0]);
        let run = in_order([1, 0, 2].into_iter());
        assert_eq!(run.len(), 2);
        assert!(in_order(std::iter::empty()).is_empty());
    }
}
