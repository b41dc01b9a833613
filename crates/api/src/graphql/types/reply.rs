//! Readers' replies under an article: approved only, as threads.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Object, ID};
use masthead_domain::{ArticleId, Reply, ReplyId};
use masthead_persistence::Cursor;
use uuid::Uuid;

use super::timestamp::Timestamp;

use crate::graphql::connection::{connection, PageArgs, PageInfoNode, Total};
use crate::graphql::context::{sees_drafts, GqlResult};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, Loaders, ThreadOf};
use crate::graphql::types::article::ArticleNode;
use crate::graphql::types::enums::ReplyStatusValue;

connection!(ReplyConnection, ReplyEdge, ReplyNode, "reply threads");

/// The approved replies of one article, indexed for threading. A reply whose
/// parent is not approved (removed, rejected) is shown as a thread of its own.
#[derive(Debug, Default)]
pub struct Thread {
    replies: Vec<Reply>,
    index: HashMap<ReplyId, usize>,
    children: HashMap<ReplyId, Vec<usize>>,
    roots: Vec<usize>,
}

impl Thread {
    /// Indexes `replies` (approved, oldest first).
    pub fn new(replies: Vec<Reply>) -> Self {
        let index: HashMap<ReplyId, usize> = replies
            .iter()
            .enumerate()
            .map(|(i, reply)| (reply.id, i))
            .collect();
        let mut children: HashMap<ReplyId, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for (i, reply) in replies.iter().enumerate() {
            match reply.parent_id {
                Some(parent) if index.contains_key(&parent) => {
                    children.entry(parent).or_default().push(i)
                }
                _ => roots.push(i),
            }
        }
        Self {
            replies,
            index,
            children,
            roots,
        }
    }

    /// The reply with this id, if approved.
    pub fn node(self: &Arc<Self>, id: ReplyId) -> Option<ReplyNode> {
        self.index.get(&id).map(|&position| ReplyNode {
            thread: self.clone(),
            position,
        })
    }
}

/// A reader's reply, as the public sees it (never the e-mail address).
#[derive(Clone)]
pub struct ReplyNode {
    thread: Arc<Thread>,
    position: usize,
}

impl ReplyNode {
    fn reply(&self) -> &Reply {
        &self.thread.replies[self.position]
    }

    fn cursor(&self) -> Cursor {
        let reply = self.reply();
        Cursor {
            at: reply.created_at,
            id: reply.id.0,
        }
    }
}

/// A reader's reply under an article (approved ones only; never the e-mail address).
#[Object(name = "Reply")]
impl ReplyNode {
    /// Global ID (for `node(id:)` and client caches).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Reply, self.reply().id)
    }
    /// The UUID used by the REST API and the database.
    async fn database_id(&self) -> Uuid {
        self.reply().id.0
    }
    /// The name the reader gave.
    async fn author_name(&self) -> &str {
        &self.reply().author_name
    }
    /// The text exactly as written (plain text; escape it when rendering).
    async fn body(&self) -> &str {
        &self.reply().body
    }
    /// The text as safe HTML: escaped, line breaks kept, links marked `nofollow ugc`.
    async fn body_html(&self) -> String {
        self.reply().body_html()
    }
    /// Moderation status (always `APPROVED` here).
    async fn status(&self) -> ReplyStatusValue {
        self.reply().status.into()
    }
    /// Written by a member of staff under their account.
    async fn is_staff(&self) -> bool {
        self.reply().is_staff
    }
    /// Nesting level: 1 for a reply to the article.
    async fn depth(&self) -> u8 {
        self.reply().depth
    }
    /// When it was posted.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.reply().created_at)
    }
    /// The reply it answers; null at the top of a thread (or when that reply was removed).
    async fn parent(&self) -> Option<ReplyNode> {
        self.reply()
            .parent_id
            .and_then(|parent| self.thread.node(parent))
    }
    /// The approved answers to it, oldest first.
    async fn children(&self) -> Vec<ReplyNode> {
        self.thread
            .children
            .get(&self.reply().id)
            .map(|list| {
                list.iter()
                    .map(|&position| ReplyNode {
                        thread: self.thread.clone(),
                        position,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The article it is under.
    async fn article(&self, ctx: &Context<'_>) -> GqlResult<Option<ArticleNode>> {
        let key = ArticleById {
            id: self.reply().article_id,
            staff: sees_drafts(ctx),
        };
        let article = ctx.data::<Loaders>()?.load_one(key).await?;
        let now = masthead_persistence::now();
        Ok(article.map(|article| ArticleNode::without_body(article, now)))
    }
}

/// The approved replies of `article` (already known to be visible), threads
/// oldest first, one page of top-level replies with their children.
pub async fn replies_connection(
    ctx: &Context<'_>,
    article: ArticleId,
    args: PageArgs,
) -> GqlResult<ReplyConnection> {
    let request = args.request(ctx)?;
    let thread = ctx
        .data::<Loaders>()?
        .load_one(ThreadOf(article))
        .await?
        .unwrap_or_default();
    let roots: Vec<ReplyNode> = thread
        .roots
        .iter()
        .map(|&position| ReplyNode {
            thread: thread.clone(),
            position,
        })
        .collect();
    let total = roots.len() as u64;
    let start = match request.after {
        Some(after) => roots
            .iter()
            .position(|node| (node.cursor().at, node.cursor().id) > (after.at, after.id))
            .unwrap_or(roots.len()),
        None => 0,
    };
    let end = (start + request.size as usize).min(roots.len());
    let edges: Vec<ReplyEdge> = roots[start..end]
        .iter()
        .map(|node| ReplyEdge {
            cursor: node.cursor().encode(),
            node: node.clone(),
        })
        .collect();
    Ok(ReplyConnection {
        page_info: PageInfoNode {
            has_next_page: end < roots.len(),
            has_previous_page: start > 0,
            start_cursor: edges.first().map(|edge| edge.cursor.clone()),
            end_cursor: edges.last().map(|edge| edge.cursor.clone()),
        },
        edges,
        total: Total::Known(total),
    })
}
