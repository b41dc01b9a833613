//! # The Masthead newsroom, in types
//!
//! This crate is the glossary of the product. Every word a newsroom uses has a
//! type here, and every rule that binds those words is a method or a function
//! here, free of databases and HTTP:
//!
//! - an [`Article`] is a story: a [`Title`], a standfirst, a body of ordered
//!   [`Section`]s, a byline of [`Author`]s, [`Tag`]s (the first is the primary
//!   one, the collection the story is filed in), a [`Lifecycle`] and a version;
//! - a [`Section`] holds ordered [`Block`]s: a paragraph of [`RichText`], a
//!   [`PullQuote`], a [`ListBlock`] or an [`ImageBlock`] from the [`media`] library;
//! - a [`Reply`] is a reader's answer under an article, possibly to another reply;
//! - a [`User`] is a member of staff with a [`Role`]; [`policy`] says what each
//!   role may do.
//!
//! Inputs from outside arrive as the `*Input` structs and become domain values
//! only through `validate`/`parse`, which name the offending field on failure.

pub mod article;
pub mod block;
pub mod correction;
pub mod diff;
mod emoji;
pub mod error;
pub mod ids;
pub mod image;
pub mod lifecycle;
pub mod limits;
pub mod media;
pub mod policy;
#[cfg(test)]
mod proptests;
pub mod reading;
pub mod reply;
pub mod rich_text;
pub mod search;
pub mod section;
pub mod slug;
pub mod spam;
pub mod tag;
pub mod text;
pub mod thread;
pub mod user;
pub mod webhook;

pub use article::{
    Article, ArticleContent, ArticleInput, BodyIds, FeatureImage, ReplyPolicy, Seo, Title,
};
pub use block::{Block, BlockContent, BlockContentInput, BlockInput, ListBlock, PullQuote};
pub use correction::{Correction, CorrectionKind, NewCorrection};
pub use error::{DomainError, FieldError, ValidationErrors};
pub use ids::{ArticleId, BlockId, CorrectionId, MediaId, ReplyId, SectionId, TagId, UserId};
pub use image::{ImageBlock, ImageBlockInput, ImageLayout, ImageSize, LibraryImage};
pub use lifecycle::{ArticleStatus, Lifecycle};
pub use reply::{ModerationAction, NewReply, Reply, ReplyBody, ReplyStatus};
pub use rich_text::RichText;
pub use section::{Section, SectionInput};
pub use slug::{Slug, SlugFallback};
pub use tag::TagContent;
pub use tag::{Tag, TagInput};
pub use user::{Author, DisplayName, Email, Password, Role, User};
