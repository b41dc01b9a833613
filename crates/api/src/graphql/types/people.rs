//! People: public byline profiles (`Author`) and staff accounts (`User`).

use async_graphql::{Context, Object, SimpleObject, ID};
use masthead_domain::Author;
use uuid::Uuid;

use super::timestamp::Timestamp;

use crate::graphql::connection::PageArgs;
use crate::graphql::context::GqlResult;
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::article_list::{
    articles_connection, ArticleConnection, ArticleFilterInput,
};
use crate::graphql::types::enums::{ArticleOrderBy, RoleValue};

/// A member of staff on a byline: their public profile.
#[derive(Clone)]
pub struct AuthorNode {
    author: Author,
}

impl From<&Author> for AuthorNode {
    fn from(author: &Author) -> Self {
        Self {
            author: author.clone(),
        }
    }
}

/// A member of staff on a byline: their public profile.
#[Object(name = "Author")]
impl AuthorNode {
    /// Global ID (for `node(id:)` and client caches).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Author, self.author.id)
    }
    /// The UUID used by the REST API and the database (also the account's).
    async fn database_id(&self) -> Uuid {
        self.author.id.0
    }
    /// URL name of the author page.
    async fn slug(&self) -> &str {
        self.author.slug.as_str()
    }
    /// Byline name.
    async fn display_name(&self) -> &str {
        &self.author.display_name
    }
    /// Short biography.
    async fn bio(&self) -> Option<&str> {
        self.author.bio.as_deref()
    }
    /// Their articles the caller may see, newest first.
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1"
    )]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Items from the end (1-100).")] last: Option<i32>,
        #[graphql(desc = "The `startCursor` of the next page.")] before: Option<String>,
        #[graphql(desc = "The order (default newest published first).", default)]
        order_by: ArticleOrderBy,
    ) -> GqlResult<ArticleConnection> {
        let filter = ArticleFilterInput {
            author: Some(self.author.slug.to_string()),
            ..ArticleFilterInput::default()
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        articles_connection(ctx, filter, order_by, args).await
    }
}

/// A staff account, as its owner and admins see it.
#[derive(SimpleObject, Clone)]
#[graphql(name = "User", complex)]
pub struct UserNode {
    /// Global ID (for `node(id:)` and client caches).
    #[graphql(skip)]
    pub id: ID,
    /// The UUID used by the REST API and the database.
    pub database_id: Uuid,
    /// Sign-in address.
    pub email: String,
    /// Byline name.
    pub display_name: String,
    /// URL name of the author page.
    pub slug: String,
    /// Short biography.
    pub bio: Option<String>,
    /// What the account may do.
    pub role: RoleValue,
    /// Disabled accounts cannot sign in.
    pub active: bool,
    /// When the account was created.
    pub created_at: Timestamp,
}

#[async_graphql::ComplexObject]
impl UserNode {
    /// Global ID (for `node(id:)` and client caches).
    pub async fn id(&self) -> ID {
        self.id.clone()
    }
}

impl From<&masthead_domain::User> for UserNode {
    fn from(user: &masthead_domain::User) -> Self {
        Self {
            id: ids::encode(Kind::User, user.id),
            database_id: user.id.0,
            email: user.email.as_str().to_owned(),
            display_name: user.display_name.as_str().to_owned(),
            slug: user.slug.to_string(),
            bio: user.bio.clone(),
            role: user.role.into(),
            active: user.active,
            created_at: Timestamp(user.created_at),
        }
    }
}
