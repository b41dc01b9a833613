//! Public author profiles: the members of staff who are on the byline of at
//! least one article the caller may see. Accounts without such an article
//! (a new hire, an admin who never writes) stay out of public author lists.

use masthead_domain::{Author, UserId};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::articles::Visibility;
use crate::entities::{article, article_author, user};
use crate::error::Result;
use crate::store::Store;
use crate::users::user_from_row;

/// The public author repository.
pub struct AuthorRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// Public author profiles.
    pub fn authors(&self) -> AuthorRepo<'_> {
        AuthorRepo { store: self }
    }
}

impl AuthorRepo<'_> {
    /// Every author with an article `visibility` may see, by display name.
    pub async fn list(&self, visibility: Visibility) -> Result<Vec<Author>> {
        self.find(visibility, user::Entity::find()).await
    }

    /// The author with this slug, if they have an article `visibility` may see.
    pub async fn by_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Author>> {
        let query = user::Entity::find().filter(user::Column::Slug.eq(slug));
        Ok(self.find(visibility, query).await?.pop())
    }

    /// The authors with these ids that have an article `visibility` may see.
    pub async fn by_ids(&self, ids: &[UserId], visibility: Visibility) -> Result<Vec<Author>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = user::Entity::find().filter(user::Column::Id.is_in(ids.iter().map(|id| id.0)));
        self.find(visibility, query).await
    }

    async fn find(
        &self,
        visibility: Visibility,
        query: sea_orm::Select<user::Entity>,
    ) -> Result<Vec<Author>> {
        query
            .filter(user::Column::Id.in_subquery(bylined(visibility)))
            .order_by_asc(user::Column::DisplayName)
            .order_by_asc(user::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|row| user_from_row(row).map(|user| user.as_author()))
            .collect()
    }
}

/// Whether `user` is on the byline of an article the public can see now: only
/// then does a change of their name or biography change public content. (An
/// article that comes due later is announced by the scheduler when it does.)
pub(crate) async fn has_public_byline(store: &Store, user: UserId) -> Result<bool> {
    let mut bylines = bylined(Visibility::Public { now: crate::now() });
    bylines
        .and_where(Expr::col((article_author::Entity, article_author::Column::UserId)).eq(user.0))
        .limit(1);
    let statement = store.backend().build(&bylines);
    Ok(store.db().query_one(statement).await?.is_some())
}

/// `SELECT user_id FROM article_authors` of the articles `visibility` may see.
fn bylined(visibility: Visibility) -> SelectStatement {
    let mut query = Query::select()
        .column((article_author::Entity, article_author::Column::UserId))
        .from(article_author::Entity)
        .to_owned();
    if let Visibility::Public { now } = visibility {
        query
            .inner_join(
                article::Entity,
                Expr::col((article::Entity, article::Column::Id))
                    .equals((article_author::Entity, article_author::Column::ArticleId)),
            )
            .and_where(crate::articles::public_at_or_before(now));
    }
    query
}
