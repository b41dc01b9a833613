//! Bulk loading of generated articles, for load tests and benchmarks: many
//! published articles written in large transactions, far faster than one
//! `create` per article. Generated articles have no revision history; they
//! are indexed for search like any other.

use chrono::Duration;
use masthead_domain::{
    ArticleId, Block, BlockContent, PullQuote, RichText, Section, SectionId, TagId, UserId,
};
use sea_orm::{EntityTrait, Set, TransactionTrait};

use crate::article_body::block_row;
use crate::content_clock::Change;
use crate::entities::{article, article_author, article_section, article_slug, article_tag};
use crate::error::Result;
use crate::store::Store;

/// Articles written per transaction.
const BATCH: usize = 500;

impl Store {
    /// Inserts `count` generated published articles by `author`, filed under
    /// `tags`, published one minute apart going back from now. Slugs are
    /// `generated-<n>` from `first_number` on, so repeated runs do not collide.
    pub async fn insert_generated_articles(
        &self,
        count: usize,
        first_number: usize,
        author: UserId,
        tags: &[TagId],
    ) -> Result<()> {
        let now = crate::now();
        for start in (0..count).step_by(BATCH) {
            let end = (start + BATCH).min(count);
            let txn = self.writer().begin().await?;
            let mut articles = Vec::with_capacity(end - start);
            let mut authors = Vec::with_capacity(end - start);
            let mut slugs = Vec::with_capacity(end - start);
            let mut tag_links = Vec::new();
            let mut sections = Vec::new();
            let mut blocks = Vec::new();
            for index in start..end {
                let number = first_number + index;
                let id = ArticleId::generate().0;
                let body = generated_body(number);
                let standfirst = format!("A generated article for load tests, number {number}.");
                let words = masthead_domain::article::body_word_count(&standfirst, &body) as i32;
                let published = now - Duration::minutes(index as i64 + 1);
                articles.push(article::ActiveModel {
                    id: Set(id),
                    slug: Set(format!("generated-{number}")),
                    title: Set(format!("Generated story number {number}")),
                    standfirst: Set(standfirst),
                    status: Set("published".to_owned()),
                    reply_policy: Set("moderated".to_owned()),
                    version: Set(1),
                    word_count: Set(words),
                    meta_title: Set(None),
                    meta_description: Set(None),
                    canonical_url: Set(None),
                    feature_image_url: Set(None),
                    feature_image_alt: Set(None),
                    feature_image_caption: Set(None),
                    feature_image_media_id: Set(None),
                    feature_image_width: Set(None),
                    feature_image_height: Set(None),
                    published_at: Set(Some(published)),
                    public_at: Set(Some(published)),
                    scheduled_at: Set(None),
                    created_at: Set(published),
                    updated_at: Set(published),
                });
                slugs.push(article_slug::ActiveModel {
                    slug: Set(format!("generated-{number}")),
                    article_id: Set(id),
                    created_at: Set(published),
                    retired_at: Set(None),
                });
                authors.push(article_author::ActiveModel {
                    article_id: Set(id),
                    user_id: Set(author.0),
                    position: Set(0),
                });
                for (position, tag) in tags.iter().enumerate() {
                    tag_links.push(article_tag::ActiveModel {
                        article_id: Set(id),
                        tag_id: Set(tag.0),
                        position: Set(position as i32),
                    });
                }
                for (section_position, section) in body.iter().enumerate() {
                    sections.push(article_section::ActiveModel {
                        article_id: Set(id),
                        position: Set(section_position as i32),
                        id: Set(section.id.0),
                        heading: Set(section.heading.clone()),
                        icon: Set(section.icon.clone()),
                    });
                    for (position, block) in section.blocks.iter().enumerate() {
                        blocks.push(block_row(
                            id,
                            section_position as i32,
                            position as i32,
                            block,
                        ));
                    }
                }
            }
            // Chunks keep every INSERT under each backend's bind-parameter limit.
            for chunk in articles.chunks(100) {
                article::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            // Every article holds its slug in the slug history too (see `slug_history`).
            for chunk in slugs.chunks(1_000) {
                article_slug::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            for chunk in authors.chunks(1_000) {
                article_author::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            for chunk in tag_links.chunks(1_000) {
                article_tag::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            for chunk in sections.chunks(1_000) {
                article_section::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            for chunk in blocks.chunks(500) {
                crate::entities::article_block::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            let ids: Vec<uuid::Uuid> = articles
                .iter()
                .filter_map(|row| match &row.id {
                    sea_orm::ActiveValue::Set(id) => Some(*id),
                    _ => None,
                })
                .collect();
            self.articles().reindex_in(&txn, &ids).await?;
            txn.commit().await?;
        }
        self.content_changed(Change::Everything).await;
        Ok(())
    }
}

fn generated_body(number: usize) -> Vec<Section> {
    let paragraph = |text: String| Block::new(BlockContent::Paragraph(RichText::new(text)));
    vec![
        Section {
            id: SectionId::generate(),
            heading: None,
            icon: None,
            blocks: vec![paragraph(format!(
                "This is the lede of generated story {number}, written so that lists and pages have *something* to show."
            ))],
        },
        Section {
            id: SectionId::generate(),
            heading: Some("What happened".to_owned()),
            icon: Some("🧩".to_owned()),
            blocks: vec![
                paragraph("Officials met on Monday and agreed to meet again, which is how most weeks go.".to_owned()),
                Block::new(BlockContent::PullQuote(PullQuote {
                    text: format!("“We will keep talking,” said speaker {}.", number % 50),
                    icon: Some("💬".to_owned()),
                    speaker: Some(format!("Speaker {}", number % 50)),
                    context: Some("at a press briefing".to_owned()),
                })),
            ],
        },
    ]
}
