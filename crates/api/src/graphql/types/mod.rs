//! GraphQL object types: thin wrappers that expose domain values. One file per
//! object family; everything is re-exported here.

pub mod article;
pub mod article_list;
pub mod body;
pub mod enums;
pub mod image;
pub mod people;
pub mod reply;
pub mod tag;
pub mod timestamp;

pub use article::{ArticleNode, Seo};
pub use article_list::{ArticleConnection, ArticleEdge, ArticleFilterInput};
pub use body::{BlockNode, InlineTextNode, ListNode, ParagraphNode, PullQuoteNode, SectionNode};
pub use enums::{
    ArticleOrderBy, ArticleStatusValue, ReplyPolicyValue, ReplyStatusValue, RoleValue,
};
pub use image::{FeatureImageNode, ImageBlockNode, ImageLayoutName};
pub use people::{AuthorNode, UserNode};
pub use reply::{ReplyConnection, ReplyEdge, ReplyNode};
pub use tag::TagNode;
