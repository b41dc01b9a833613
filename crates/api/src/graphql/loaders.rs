//! DataLoaders: what many objects of one response need is fetched in one
//! statement per kind, not one per object. Each request gets its own loader
//! and cache, so nothing is shared between requests or callers; subscription
//! connections get one without a cache, since they live long.
//!
//! Connections prefetch for their whole page ([`prefetch`]) what the query
//! asks of their items, so a page costs a fixed number of statements however
//! the executor schedules the items; elsewhere the loader's short batching
//! window still merges lookups.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::Context;
use masthead_domain::{Article, ArticleId, Section};
use masthead_persistence::Store;

use crate::error::ApiError;
use crate::graphql::context::visibility_for;

/// The body (sections) of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyOf(pub ArticleId);

/// How many approved replies an article has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplyCountOf(pub ArticleId);

/// An article by id, as a caller who sees drafts (`staff`) or not would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleById {
    /// The article.
    pub id: ArticleId,
    /// Whether drafts are visible.
    pub staff: bool,
}

/// An article by slug (a retired slug finds it too), as a caller who sees
/// drafts (`staff`) or not would see it, with its body. Keyed so that the same
/// lookup under many aliases in one request reads the database once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArticleBySlug {
    /// The slug asked for.
    pub slug: String,
    /// Whether drafts are visible.
    pub staff: bool,
}

/// The loader behind every key type above.
pub struct ContentLoader {
    store: Store,
}

/// What resolvers get from the request data.
pub type Loaders = std::sync::Arc<DataLoader<ContentLoader, HashMapCache>>;

/// A fresh loader, with a cache for the duration of one request.
pub fn loaders(store: Store) -> Loaders {
    std::sync::Arc::new(DataLoader::with_cache(
        ContentLoader { store },
        tokio::spawn,
        HashMapCache::default(),
    ))
}

/// A loader without a cache, for a subscription connection that lives for hours.
pub fn uncached_loaders(store: Store) -> Loaders {
    let loaders = loaders(store);
    loaders.enable_all_cache(false);
    loaders
}

/// Loads, in one batch per kind, what the current connection field's query
/// asks of its `articles` (bodies, reply counts, threads), and caches the
/// articles themselves for fields that refer back to them (a pull quote's
/// `article`). Fields the query does not ask for cost nothing.
pub async fn prefetch(
    ctx: &Context<'_>,
    articles: &[std::sync::Arc<Article>],
    staff: bool,
) -> async_graphql::Result<()> {
    if articles.is_empty() {
        return Ok(());
    }
    let loaders = ctx.data::<Loaders>()?;
    let look = ctx.look_ahead();
    let wants = |field: &str| {
        look.field("edges").field("node").field(field).exists()
            || look.field("nodes").field(field).exists()
    };
    let ids = || articles.iter().map(|article| article.id);
    loaders
        .feed_many(articles.iter().map(|article| {
            (
                ArticleById {
                    id: article.id,
                    staff,
                },
                article.clone(),
            )
        }))
        .await;
    if ["sections", "pullQuotes", "wordCount", "readingTimeMinutes"]
        .into_iter()
        .any(wants)
    {
        loaders.load_many(ids().map(BodyOf)).await?;
    }
    if wants("replyCount") {
        loaders.load_many(ids().map(ReplyCountOf)).await?;
    }
    if wants("replies") {
        loaders.load_many(ids().map(ThreadOf)).await?;
    }
    Ok(())
}

fn internal(error: impl Into<ApiError>) -> async_graphql::Error {
    error.into().to_graphql()
}

impl Loader<BodyOf> for ContentLoader {
    type Value = std::sync::Arc<Vec<Section>>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[BodyOf]) -> Result<HashMap<BodyOf, Self::Value>, Self::Error> {
        let ids: Vec<ArticleId> = keys.iter().map(|key| key.0).collect();
        let bodies = self.store.article_bodies(&ids).await.map_err(internal)?;
        Ok(bodies
            .into_iter()
            .map(|(id, body)| (BodyOf(id), std::sync::Arc::new(body)))
            .collect())
    }
}

impl Loader<ReplyCountOf> for ContentLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ReplyCountOf],
    ) -> Result<HashMap<ReplyCountOf, Self::Value>, Self::Error> {
        let ids: Vec<ArticleId> = keys.iter().map(|key| key.0).collect();
        let counts = self
            .store
            .replies()
            .approved_counts(&ids)
            .await
            .map_err(internal)?;
        Ok(keys
            .iter()
            .map(|key| (*key, counts.get(&key.0).copied().unwrap_or(0)))
            .collect())
    }
}

impl Loader<ArticleById> for ContentLoader {
    type Value = std::sync::Arc<Article>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ArticleById],
    ) -> Result<HashMap<ArticleById, Self::Value>, Self::Error> {
        let mut found = HashMap::new();
        for staff in [false, true] {
            let ids: Vec<ArticleId> = keys
                .iter()
                .filter(|key| key.staff == staff)
                .map(|key| key.id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let articles = self
                .store
                .articles()
                .by_ids(&ids, visibility_for(staff), false)
                .await
                .map_err(internal)?;
            for article in articles {
                found.insert(
                    ArticleById {
                        id: article.id,
                        staff,
                    },
                    std::sync::Arc::new(article),
                );
            }
        }
        Ok(found)
    }
}

impl Loader<ArticleBySlug> for ContentLoader {
    type Value = std::sync::Arc<Article>;
    type Error = async_graphql::Error;

    /// One lookup per distinct slug (the loader has already merged repeats).
    async fn load(
        &self,
        keys: &[ArticleBySlug],
    ) -> Result<HashMap<ArticleBySlug, Self::Value>, Self::Error> {
        let mut found = HashMap::new();
        for key in keys {
            let article = self
                .store
                .articles()
                .by_slug(&key.slug, visibility_for(key.staff))
                .await
                .map_err(internal)?;
            if let Some(article) = article {
                found.insert(key.clone(), std::sync::Arc::new(article));
            }
        }
        Ok(found)
    }
}

/// The approved replies under an article, as threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThreadOf(pub ArticleId);

impl Loader<ThreadOf> for ContentLoader {
    type Value = std::sync::Arc<crate::graphql::types::reply::Thread>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ThreadOf]) -> Result<HashMap<ThreadOf, Self::Value>, Self::Error> {
        let ids: Vec<ArticleId> = keys.iter().map(|key| key.0).collect();
        let replies = self
            .store
            .approved_replies_of(&ids)
            .await
            .map_err(internal)?;
        Ok(replies
            .into_iter()
            .map(|(id, replies)| {
                let thread = crate::graphql::types::reply::Thread::new(replies);
                (ThreadOf(id), std::sync::Arc::new(thread))
            })
            .collect())
    }
}

/// The corrections of an article (retracted ones too), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CorrectionsOf(pub ArticleId);

impl Loader<CorrectionsOf> for ContentLoader {
    type Value = std::sync::Arc<Vec<masthead_domain::Correction>>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CorrectionsOf],
    ) -> Result<HashMap<CorrectionsOf, Self::Value>, Self::Error> {
        let ids: Vec<ArticleId> = keys.iter().map(|key| key.0).collect();
        let mut found = self
            .store
            .corrections()
            .of_articles(&ids)
            .await
            .map_err(internal)?;
        Ok(keys
            .iter()
            .map(|key| {
                let corrections = found.remove(&key.0).unwrap_or_default();
                (*key, std::sync::Arc::new(corrections))
            })
            .collect())
    }
}
