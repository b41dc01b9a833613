//! Reply threads as readers see them: approved replies nested under the
//! replies they answer. A reply whose parent was rejected or deleted keeps its
//! place; the parent becomes a placeholder without name or text.

use std::collections::{BTreeMap, HashMap};

use crate::ids::ReplyId;
use crate::limits::REPLY_DEPTH_MAX;
use crate::reply::Reply;

/// One position in a thread: a visible reply, or a removed one that still has
/// visible answers below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNode {
    /// The reply at this position (also for a removed one).
    pub id: ReplyId,
    /// The reply it answers, if any.
    pub parent_id: Option<ReplyId>,
    /// 1 for a top-level reply.
    pub depth: u8,
    /// The reply, or `None` when it was removed (rejected, spam, pending again, deleted).
    pub reply: Option<Reply>,
    /// The answers, oldest first.
    pub children: Vec<ThreadNode>,
}

impl ThreadNode {
    /// True for a placeholder of a removed reply.
    pub fn is_removed(&self) -> bool {
        self.reply.is_none()
    }
}

/// Nests `visible` replies (any order) into threads, oldest first at every
/// level, with placeholders for removed replies that have visible answers.
/// Replies are ordered by id, which is time-ordered (UUID v7).
pub fn build_threads(visible: Vec<Reply>) -> Vec<ThreadNode> {
    struct Slot {
        parent_id: Option<ReplyId>,
        depth: u8,
        reply: Option<Reply>,
    }
    let mut slots: BTreeMap<ReplyId, Slot> = BTreeMap::new();
    for reply in visible {
        let chain = &reply.ancestors;
        for (index, ancestor) in chain.iter().enumerate() {
            let from_end = (chain.len() - index) as u8;
            slots.entry(*ancestor).or_insert_with(|| Slot {
                parent_id: index.checked_sub(1).map(|above| chain[above]),
                depth: reply.depth.saturating_sub(from_end).max(1),
                reply: None,
            });
        }
        let slot = Slot {
            parent_id: reply.parent_id,
            depth: reply.depth,
            reply: Some(reply),
        };
        let id = slot.reply.as_ref().map(|reply| reply.id);
        if let Some(id) = id {
            slots.insert(id, slot);
        }
    }
    let mut children: HashMap<ReplyId, Vec<ReplyId>> = HashMap::new();
    let mut roots = Vec::new();
    for (id, slot) in &slots {
        match slot.parent_id {
            Some(parent) if slots.contains_key(&parent) && parent != *id => {
                children.entry(parent).or_default().push(*id)
            }
            _ => roots.push(*id),
        }
    }
    fn take(
        id: ReplyId,
        slots: &mut BTreeMap<ReplyId, Slot>,
        children: &HashMap<ReplyId, Vec<ReplyId>>,
        level: u8,
    ) -> Option<ThreadNode> {
        let slot = slots.remove(&id)?;
        let below = if level > REPLY_DEPTH_MAX {
            // Only corrupt data nests deeper than the limit; stop rather than loop.
            Vec::new()
        } else {
            children
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|child| take(*child, slots, children, level + 1))
                .collect()
        };
        Some(ThreadNode {
            id,
            parent_id: slot.parent_id,
            depth: slot.depth,
            reply: slot.reply,
            children: below,
        })
    }
    roots
        .into_iter()
        .filter_map(|root| take(root, &mut slots, &children, 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArticleId;
    use crate::reply::ReplyStatus;

    fn reply(ancestors: &[ReplyId]) -> Reply {
        Reply {
            id: ReplyId::generate(),
            article_id: ArticleId::generate(),
            parent_id: ancestors.last().copied(),
            ancestors: ancestors.to_vec(),
            depth: ancestors.len() as u8 + 1,
            author_name: "Ana".into(),
            author_email: "ana@example.org".into(),
            body: "text".into(),
            status: ReplyStatus::Approved,
            is_staff: false,
            user_id: None,
            client_hash: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn replies_nest_under_their_parents_oldest_first() {
        let first = reply(&[]);
        let answer = reply(&[first.id]);
        let second = reply(&[]);
        let later_answer = reply(&[first.id]);
        let threads = build_threads(vec![
            later_answer.clone(),
            second.clone(),
            answer.clone(),
            first.clone(),
        ]);
        assert_eq!(threads.len(), 2);
        assert_eq!(threads[0].id, first.id);
        assert_eq!(threads[1].id, second.id);
        let below: Vec<_> = threads[0].children.iter().map(|n| n.id).collect();
        assert_eq!(below, [answer.id, later_answer.id]);
    }

    #[test]
    fn a_removed_parent_becomes_a_placeholder_in_place() {
        let root = reply(&[]);
        let removed = reply(&[root.id]);
        let orphan = reply(&[root.id, removed.id]);
        let threads = build_threads(vec![root.clone(), orphan.clone()]);
        assert_eq!(threads.len(), 1, "the orphan is not promoted to the top");
        let placeholder = &threads[0].children[0];
        assert_eq!(placeholder.id, removed.id);
        assert!(placeholder.is_removed());
        assert_eq!(placeholder.depth, 2);
        assert_eq!(placeholder.parent_id, Some(root.id));
        assert_eq!(placeholder.children[0].id, orphan.id);
        assert_eq!(placeholder.children[0].depth, 3);
    }

    #[test]
    fn a_removed_thread_start_keeps_its_thread_together() {
        let root = reply(&[]);
        let a = reply(&[root.id]);
        let b = reply(&[root.id]);
        let threads = build_threads(vec![a.clone(), b.clone()]);
        assert_eq!(threads.len(), 1);
        assert!(threads[0].is_removed());
        assert_eq!(threads[0].depth, 1);
        assert_eq!(threads[0].children.len(), 2);
    }
}
