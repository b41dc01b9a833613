//! What changed between two saves of an article: the editor's "compare
//! revisions" view.
//!
//! Sections and blocks have no identity of their own (they are ordered
//! values), so changes are found by alignment, in three passes:
//!
//! 1. a longest common subsequence of *equal* items anchors what did not change;
//! 2. between two anchors, a common subsequence of *similar* items (a section
//!    with the same heading, a block of the same kind) pairs what was edited;
//! 3. what is left is paired by position when *compatible*, else reported as
//!    removed (old side) and added (new side).
//!
//! Unchanged sections and blocks are not reported.

use crate::article::ArticleContent;
use crate::block::Block;
use crate::section::Section;

/// How an item differs between the old and the new content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only in the new content.
    Added,
    /// Only in the old content.
    Removed,
    /// In both, edited.
    Changed,
}

impl Change {
    /// Stable name, as shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One block that differs. Indexes are positions within the section on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockChange {
    /// Added, removed or changed.
    pub change: Change,
    /// Position in the old section (absent when added).
    pub old_index: Option<usize>,
    /// Position in the new section (absent when removed).
    pub new_index: Option<usize>,
}

/// One section that differs. Indexes are positions within the body on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChange {
    /// Added, removed or changed.
    pub change: Change,
    /// Position in the old body (absent when added).
    pub old_index: Option<usize>,
    /// Position in the new body (absent when removed).
    pub new_index: Option<usize>,
    /// The heading or icon differs (changed sections only).
    pub heading_changed: bool,
    /// The blocks that differ (changed sections only; an added or removed
    /// section is added or removed whole).
    pub blocks: Vec<BlockChange>,
}

/// Everything that differs between two contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentDiff {
    /// Names of the non-body fields that differ, in a fixed order: `title`,
    /// `slug`, `standfirst`, `authors`, `tags`, `reply_policy`, `seo`, `feature_image`.
    pub fields: Vec<&'static str>,
    /// Sections added, removed or changed, in body order.
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

/// Compares two bodies section by section, and changed sections block by block.
pub fn diff_sections(old: &[Section], new: &[Section]) -> Vec<SectionChange> {
    let same_heading = |a: &Section, b: &Section| a.heading == b.heading && a.icon == b.icon;
    align(old, new, same_heading, |_, _| true)
        .into_iter()
        .filter_map(|step| match step {
            Step::Same(..) => None,
            Step::Added(j) => Some(SectionChange {
                change: Change::Added,
                old_index: None,
                new_index: Some(j),
                heading_changed: false,
                blocks: Vec::new(),
            }),
            Step::Removed(i) => Some(SectionChange {
                change: Change::Removed,
                old_index: Some(i),
                new_index: None,
                heading_changed: false,
                blocks: Vec::new(),
            }),
            Step::Paired(i, j) => Some(SectionChange {
                change: Change::Changed,
                old_index: Some(i),
                new_index: Some(j),
                heading_changed: !same_heading(&old[i], &new[j]),
                blocks: diff_blocks(&old[i].blocks, &new[j].blocks),
            }),
        })
        .collect()
}

/// Compares two runs of blocks; a block only pairs with one of its own kind.
pub fn diff_blocks(old: &[Block], new: &[Block]) -> Vec<BlockChange> {
    let same_kind = |a: &Block, b: &Block| a.kind() == b.kind();
    align(old, new, same_kind, same_kind)
        .into_iter()
        .filter_map(|step| {
            let (change, old_index, new_index) = match step {
                Step::Same(..) => return None,
                Step::Added(j) => (Change::Added, None, Some(j)),
                Step::Removed(i) => (Change::Removed, Some(i), None),
                Step::Paired(i, j) => (Change::Changed, Some(i), Some(j)),
            };
            Some(BlockChange {
                change,
                old_index,
                new_index,
            })
        })
        .collect()
}

/// One step of an alignment of two sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Paired(usize, usize),
    Removed(usize),
    Added(usize),
}

/// Aligns `old` with `new` in the three passes the module describes.
fn align<T: PartialEq>(
    old: &[T],
    new: &[T],
    similar: impl Fn(&T, &T) -> bool,
    compatible: impl Fn(&T, &T) -> bool,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let anchors = common_subsequence(old, new, |a, b| a == b);
    for_each_gap(old.len(), new.len(), &anchors, |gap| match gap {
        Gap::Anchor(i, j) => steps.push(Step::Same(i, j)),
        Gap::Between(olds, news) => {
            let pairs = common_subsequence(&old[olds.clone()], &new[news.clone()], &similar);
            let pairs: Vec<(usize, usize)> = pairs
                .into_iter()
                .map(|(i, j)| (i + olds.start, j + news.start))
                .collect();
            for_each_gap_in(olds, news, &pairs, |inner| match inner {
                Gap::Anchor(i, j) => steps.push(Step::Paired(i, j)),
                Gap::Between(olds, news) => {
                    pair_by_position(old, new, olds, news, &compatible, &mut steps)
                }
            });
        }
    });
    steps
}

/// Pairs leftovers in order while they are compatible; the rest are removed or added.
fn pair_by_position<T>(
    old: &[T],
    new: &[T],
    olds: std::ops::Range<usize>,
    news: std::ops::Range<usize>,
    compatible: &impl Fn(&T, &T) -> bool,
    steps: &mut Vec<Step>,
) {
    let mut news = news.peekable();
    for i in olds {
        match news.peek() {
            Some(&j) if compatible(&old[i], &new[j]) => {
                steps.push(Step::Paired(i, j));
                news.next();
            }
            _ => steps.push(Step::Removed(i)),
        }
    }
    steps.extend(news.map(Step::Added));
}

enum Gap {
    Anchor(usize, usize),
    Between(std::ops::Range<usize>, std::ops::Range<usize>),
}

fn for_each_gap(old_len: usize, new_len: usize, anchors: &[(usize, usize)], f: impl FnMut(Gap)) {
    for_each_gap_in(0..old_len, 0..new_len, anchors, f);
}

/// Walks `olds`/`news` as alternating gaps and anchors (anchors are absolute indexes, in order).
fn for_each_gap_in(
    olds: std::ops::Range<usize>,
    news: std::ops::Range<usize>,
    anchors: &[(usize, usize)],
    mut f: impl FnMut(Gap),
) {
    let (mut i, mut j) = (olds.start, news.start);
    for &(a, b) in anchors {
        if a > i || b > j {
            f(Gap::Between(i..a, j..b));
        }
        f(Gap::Anchor(a, b));
        (i, j) = (a + 1, b + 1);
    }
    if olds.end > i || news.end > j {
        f(Gap::Between(i..olds.end, j..news.end));
    }
}

/// Index pairs of a longest common subsequence under `eq` (classic dynamic
/// programming; bodies are bounded by `SECTIONS_MAX` and `BLOCKS_PER_SECTION_MAX`).
fn common_subsequence<T>(old: &[T], new: &[T], eq: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    // lengths[i][j] = LCS length of old[i..] and new[j..].
    let mut lengths = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[at(i, j)] = if eq(&old[i], &new[j]) {
                lengths[at(i + 1, j + 1)] + 1
            } else {
                lengths[at(i + 1, j)].max(lengths[at(i, j + 1)])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if eq(&old[i], &new[j]) {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lengths[at(i + 1, j)] >= lengths[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::ArticleInput;
    use crate::block::BlockInput;
    use crate::ids::UserId;
    use crate::section::SectionInput;

    fn paragraph(text: &str) -> BlockInput {
        BlockInput::Paragraph { text: text.into() }
    }

    fn quote(text: &str) -> BlockInput {
        BlockInput::PullQuote {
            text: text.into(),
            icon: None,
            speaker: Some("A. Speaker".into()),
            context: None,
        }
    }

    fn section(heading: Option<&str>, blocks: Vec<BlockInput>) -> SectionInput {
        SectionInput {
            heading: heading.map(Into::into),
            icon: None,
            blocks,
        }
    }

    fn content(title: &str, sections: Vec<SectionInput>) -> ArticleContent {
        ArticleInput {
            title: title.into(),
            authors: vec![UserId(uuid::Uuid::nil())],
            sections,
            ..ArticleInput::default()
        }
        .validate()
        .unwrap()
    }

    fn body() -> Vec<SectionInput> {
        vec![
            section(None, vec![paragraph("Lede."), paragraph("Second.")]),
            section(Some("🌍 World"), vec![paragraph("One."), quote("Said.")]),
            section(Some("At stake"), vec![paragraph("Three.")]),
        ]
    }

    #[test]
    fn identical_contents_have_no_diff() {
        let a = content("Title", body());
        assert!(diff(&a, &a.clone()).is_empty());
    }

    #[test]
    fn changed_fields_are_named_in_order() {
        let a = content("Title", body());
        let mut b = content("Other title", body());
        b.standfirst = "New standfirst".into();
        assert_eq!(diff(&a, &b).fields, ["title", "standfirst"]);
        assert!(diff(&a, &b).sections.is_empty());
    }

    #[test]
    fn an_inserted_section_is_added_and_the_rest_unchanged() {
        let a = content("T", body());
        let mut sections = body();
        sections.insert(1, section(Some("New"), vec![paragraph("Fresh.")]));
        let d = diff(&a, &content("T", sections));
        assert_eq!(
            d.sections,
            [SectionChange {
                change: Change::Added,
                old_index: None,
                new_index: Some(1),
                heading_changed: false,
                blocks: vec![],
            }]
        );
    }

    #[test]
    fn a_removed_section_is_removed() {
        let a = content("T", body());
        let mut sections = body();
        sections.remove(2);
        let d = diff(&a, &content("T", sections));
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].change, Change::Removed);
        assert_eq!(d.sections[0].old_index, Some(2));
    }

    #[test]
    fn an_edited_block_changes_its_section_and_only_that_block() {
        let a = content("T", body());
        let mut sections = body();
        sections[1].blocks[0] = paragraph("One, corrected.");
        sections[1].blocks.push(paragraph("Added at the end."));
        let d = diff(&a, &content("T", sections));
        assert_eq!(d.sections.len(), 1);
        let changed = &d.sections[0];
        assert_eq!(changed.change, Change::Changed);
        assert_eq!((changed.old_index, changed.new_index), (Some(1), Some(1)));
        assert!(!changed.heading_changed);
        assert_eq!(
            changed.blocks,
            [
                BlockChange {
                    change: Change::Changed,
                    old_index: Some(0),
                    new_index: Some(0),
                },
                BlockChange {
                    change: Change::Added,
                    old_index: None,
                    new_index: Some(2),
                },
            ]
        );
    }

    #[test]
    fn a_section_with_an_edit_and_an_insertion_before_it_pairs_by_heading() {
        let a = content("T", body());
        let mut sections = body();
        sections[2].blocks[0] = paragraph("Three, updated.");
        sections.insert(2, section(Some("Inserted"), vec![paragraph("New.")]));
        let d = diff(&a, &content("T", sections));
        let kinds: Vec<_> = d
            .sections
            .iter()
            .map(|s| (s.change, s.old_index, s.new_index))
            .collect();
        assert_eq!(
            kinds,
            [
                (Change::Added, None, Some(2)),
                (Change::Changed, Some(2), Some(3)),
            ]
        );
    }

    #[test]
    fn a_renamed_section_is_changed_with_its_heading_flagged() {
        let a = content("T", body());
        let mut sections = body();
        sections[2].heading = Some("What is at stake".into());
        let d = diff(&a, &content("T", sections));
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].change, Change::Changed);
        assert!(d.sections[0].heading_changed);
        assert!(d.sections[0].blocks.is_empty());
    }

    #[test]
    fn a_block_replaced_by_one_of_another_kind_is_removed_and_added() {
        let old = [Block::Paragraph(crate::RichText::new("x"))];
        let new = [BlockInput::List {
            ordered: false,
            items: vec!["y".into()],
        }
        .validate()
        .unwrap()];
        let changes = diff_blocks(&old, &new);
        let kinds: Vec<_> = changes.iter().map(|c| c.change).collect();
        assert_eq!(kinds, [Change::Removed, Change::Added]);
    }

    #[test]
    fn everything_against_nothing() {
        let a = content("T", body());
        let empty = content("T", vec![]);
        let removed = diff(&a, &empty);
        assert_eq!(removed.sections.len(), 3);
        assert!(removed.sections.iter().all(|s| s.change == Change::Removed));
        let added = diff(&empty, &a);
        assert!(added.sections.iter().all(|s| s.change == Change::Added));
    }
}
