//! Shared set-up of the workflow persistence tests: a member of staff and an
//! article they wrote.

#![allow(dead_code)]

use masthead_domain::{
    Article, ArticleContent, ArticleInput, BlockContentInput, DisplayName, Email, Lifecycle, Role,
    SectionInput, UserId,
};
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;

/// A staff account with `role` (its password hash is never checked here).
pub async fn staff(store: &Store, role: Role) -> UserId {
    let email = format!(
        "{}-{}@newsroom.example",
        role.as_str(),
        uuid::Uuid::now_v7().simple()
    );
    store
        .users()
        .create(NewUser {
            email: Email::parse("email", &email).unwrap(),
            display_name: DisplayName::parse("name", &format!("Test {}", role.as_str())).unwrap(),
            slug: None,
            bio: None,
            role,
            password_hash: "not a real hash".into(),
        })
        .await
        .expect("create a staff account")
        .id
}

/// Valid content by `author` with a headline and a two-section body whose
/// lede says `lede`.
pub fn content(author: UserId, title: &str, lede: &str) -> ArticleContent {
    ArticleInput {
        title: title.into(),
        standfirst: Some("What happened, in one line.".into()),
        authors: vec![author],
        sections: vec![
            SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph { text: lede.into() }.into()],
            },
            SectionInput {
                id: None,
                heading: Some("🌍 Reactions".into()),
                icon: None,
                blocks: vec![
                    BlockContentInput::Paragraph {
                        text: "Capitals *responded* quickly.".into(),
                    }
                    .into(),
                    BlockContentInput::PullQuote {
                        text: "💬 “We will talk.”".into(),
                        icon: None,
                        speaker: Some("A. Minister".into()),
                        context: Some("at a press conference".into()),
                    }
                    .into(),
                ],
            },
        ],
        ..ArticleInput::default()
    }
    .validate()
    .expect("valid content")
}

/// A draft by a new author: (author, article at version 1).
pub async fn draft(store: &Store) -> (UserId, Article) {
    let author = staff(store, Role::Author).await;
    let article = store
        .articles()
        .acting_as(author)
        .create(
            content(author, "Talks resume in Geneva", "The lede."),
            Lifecycle::draft(),
        )
        .await
        .expect("create a draft");
    (author, article)
}
