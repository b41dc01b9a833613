//! Content made directly in a test server's database, quicker than through
//! the API and exact enough to count on: staff, tags, articles in any state,
//! replies in any moderation status.

use chrono::Duration;
use masthead_domain::{
    Article, ArticleInput, ArticleStatus, BlockContentInput, DisplayName, Email, Lifecycle,
    NewReply, Reply, ReplyId, ReplyStatus, Role, SectionInput, Tag, TagId, TagInput, User, UserId,
};
use masthead_persistence::replies::ReplyDraft;
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;

/// A new staff account (never signed in; the hash is not a real one).
pub async fn staff(store: &Store, name: &str, role: Role) -> User {
    let unique = uuid::Uuid::now_v7().simple().to_string();
    store
        .users()
        .create(NewUser {
            email: Email::parse("email", &format!("{unique}@newsroom.example")).unwrap(),
            display_name: DisplayName::parse("name", name).unwrap(),
            slug: None,
            bio: Some(format!("{name} writes here.")),
            role,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        })
        .await
        .expect("create a staff account")
}

/// A new tag.
pub async fn tag(store: &Store, name: &str) -> Tag {
    let content = TagInput {
        name: name.into(),
        slug: None,
        description: Some(format!("All about {name}.")),
    }
    .validate()
    .unwrap();
    store.tags().create(content).await.expect("create a tag")
}

/// Published `hours_ago` hours ago.
pub fn published(hours_ago: i64) -> Lifecycle {
    Lifecycle {
        status: ArticleStatus::Published,
        published_at: Some(masthead_persistence::now() - Duration::hours(hours_ago)),
        scheduled_at: None,
    }
}

/// Scheduled to become public in `hours` hours.
pub fn scheduled_in(hours: i64) -> Lifecycle {
    let at = masthead_persistence::now() + Duration::hours(hours);
    Lifecycle {
        status: ArticleStatus::Scheduled,
        published_at: Some(at),
        scheduled_at: Some(at),
    }
}

/// An article with a lede paragraph, a section holding a pull quote by
/// `speaker`, and a list.
pub async fn article(
    store: &Store,
    title: &str,
    authors: &[UserId],
    tags: &[TagId],
    speaker: &str,
    lifecycle: Lifecycle,
) -> Article {
    let input = ArticleInput {
        title: title.into(),
        standfirst: Some(format!("What happened with {title}.")),
        sections: vec![
            SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph {
                    text: "The *lede* of the story, in a few words.".into(),
                }
                .into()],
            },
            SectionInput {
                id: None,
                heading: Some("🗣️ What they said".into()),
                icon: None,
                blocks: vec![
                    BlockContentInput::PullQuote {
                        text: format!("💬 “A quote about {title}.”"),
                        icon: None,
                        speaker: Some(speaker.into()),
                        context: Some("in an interview".into()),
                    }
                    .into(),
                    BlockContentInput::List {
                        ordered: false,
                        items: vec!["First stake".into(), "Second stake".into()],
                    }
                    .into(),
                ],
            },
        ],
        authors: authors.to_vec(),
        tags: tags.to_vec(),
        ..ArticleInput::default()
    };
    store
        .articles()
        .create(input.validate().unwrap(), lifecycle)
        .await
        .expect("create an article")
}

/// A reader's reply in `status`, optionally answering `parent`.
pub async fn reply(
    store: &Store,
    article: &Article,
    parent: Option<ReplyId>,
    body: &str,
    status: ReplyStatus,
) -> Reply {
    store
        .replies()
        .create(ReplyDraft {
            article_id: article.id,
            parent_id: parent,
            reply: NewReply::parse("A Reader", "reader@example.org", body).unwrap(),
            status,
            is_staff: false,
            user_id: None,
            client_hash: None,
        })
        .await
        .expect("create a reply")
}
