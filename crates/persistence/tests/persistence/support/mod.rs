//! Fixtures shared by the persistence integration tests: staff, tags, article
//! inputs and a few assertion helpers. Every test file uses a different subset.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use masthead_domain::{
    ArticleContent, ArticleInput, ArticleStatus, BlockContentInput, BlockInput, DisplayName,
    DomainError, Email, Lifecycle, NewReply, ReplyStatus, Role, SectionInput, Tag, TagId, TagInput,
    User, UserId,
};
use masthead_persistence::replies::ReplyDraft;
use masthead_persistence::users::NewUser;
use masthead_persistence::{PersistenceError, Store};
use sea_orm::{ConnectionTrait, Database, Statement};
use uuid::Uuid;

/// A member of staff with a unique address ("Staff Writer", editor).
pub async fn staff(store: &Store) -> User {
    let email = format!("staff-{}@example.org", Uuid::now_v7().simple());
    user(store, "Staff Writer", &email).await
}

/// A member of staff with this name and address (editor, password hash "x").
pub async fn user(store: &Store, display_name: &str, email: &str) -> User {
    store
        .users()
        .create(new_user(display_name, email))
        .await
        .expect("create a user")
}

/// What `users().create` takes.
pub fn new_user(display_name: &str, email: &str) -> NewUser {
    NewUser {
        email: Email::parse("email", email).expect("valid e-mail"),
        display_name: DisplayName::parse("display_name", display_name).expect("valid name"),
        slug: None,
        bio: Some(format!("{display_name} covers diplomacy.")),
        role: Role::Editor,
        password_hash: "x".into(),
    }
}

/// A stored tag with this name (slug derived from it).
pub async fn tag(store: &Store, name: &str) -> Tag {
    store
        .tags()
        .create(
            TagInput {
                name: name.into(),
                ..TagInput::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .expect("create a tag")
}

/// A one-paragraph lede.
pub fn lede(text: &str) -> Vec<SectionInput> {
    vec![SectionInput {
        id: None,
        heading: None,
        icon: None,
        blocks: vec![BlockContentInput::Paragraph { text: text.into() }.into()],
    }]
}

/// Validated content with this title, a one-paragraph body and these authors and tags.
pub fn content(title: &str, authors: &[UserId], tags: &[TagId]) -> ArticleContent {
    validate(ArticleInput {
        title: title.into(),
        standfirst: Some(format!("Why {title} matters.")),
        sections: lede("Talks resumed on Monday."),
        authors: authors.to_vec(),
        tags: tags.to_vec(),
        ..ArticleInput::default()
    })
}

/// Validates an input the test knows to be valid.
pub fn validate(input: ArticleInput) -> ArticleContent {
    input.validate().expect("the test input is valid")
}

/// A pull quote block as a client sends it.
pub fn quote(
    text: &str,
    icon: Option<&str>,
    speaker: Option<&str>,
    context: Option<&str>,
) -> BlockInput {
    BlockContentInput::PullQuote {
        text: text.into(),
        icon: icon.map(Into::into),
        speaker: speaker.map(Into::into),
        context: context.map(Into::into),
    }
    .into()
}

/// Published at `at`.
pub fn published(at: DateTime<Utc>) -> Lifecycle {
    Lifecycle {
        status: ArticleStatus::Published,
        published_at: Some(at),
        scheduled_at: None,
    }
}

/// Scheduled for `at` (public once `at` has passed).
pub fn scheduled(at: DateTime<Utc>) -> Lifecycle {
    Lifecycle {
        status: ArticleStatus::Scheduled,
        published_at: Some(at),
        scheduled_at: Some(at),
    }
}

/// A whole number of minutes before `now`.
pub fn minutes_before(now: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    now - Duration::minutes(minutes)
}

/// A reader's reply under `article`, answering `parent`, in `status`.
pub fn reply_draft(
    article: masthead_domain::ArticleId,
    parent: Option<masthead_domain::ReplyId>,
    status: ReplyStatus,
    body: &str,
) -> ReplyDraft {
    ReplyDraft {
        article_id: article,
        parent_id: parent,
        reply: NewReply::parse("A Reader", "Reader@Example.org", body).expect("valid reply"),
        status,
        is_staff: false,
        user_id: None,
        client_hash: Some("0f".repeat(32)),
    }
}

/// The field paths of a validation refusal, or `None` for any other error.
pub fn refused_fields(error: &PersistenceError) -> Option<Vec<String>> {
    match error {
        PersistenceError::Domain(DomainError::Invalid(errors)) => {
            Some(errors.0.iter().map(|error| error.field.clone()).collect())
        }
        _ => None,
    }
}

/// Runs `sql` (a `SELECT … AS n`) on a connection of its own and returns `n`:
/// for looking at columns and tables the repositories do not expose.
pub async fn scalar(url: &str, sql: &str) -> i64 {
    let db = Database::connect(url)
        .await
        .expect("connect for a raw query");
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("raw query")
        .expect("one row");
    let n: i64 = row.try_get("", "n").expect("column n");
    db.close().await.ok();
    n
}
