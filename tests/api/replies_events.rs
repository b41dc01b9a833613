//! A reply that becomes public is announced on the event bus (what the
//! `replyAdded` subscription listens to): when posted under an open article,
//! posted by staff, or approved by a moderator; never while pending, and not
//! twice for one approval. Runs the reply code on a real store of each backend.

use crate::support;

use masthead_api::app::replies::moderation;
use masthead_api::app::replies::posting::{post_reply, ArticleRef, PostReply};
use masthead_api::auth::Caller;
use masthead_api::client_address::ClientAddress;
use masthead_api::events::{Event, Events};
use masthead_api::state::AppState;
use masthead_domain::policy::Actor;
use masthead_domain::{
    ArticleInput, ArticleStatus, DisplayName, Email, Lifecycle, ModerationAction, ReplyPolicy,
    Role, UserId,
};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::users::NewUser;
use masthead_test_macros::each_database;
use tokio::sync::broadcast::error::TryRecvError;

async fn state_on(database: &TestDatabase) -> AppState {
    let store = database.store().await;
    let settings = support::settings_for(database);
    AppState::build(store, settings, Events::default())
        .await
        .unwrap()
}

async fn article(state: &AppState, policy: ReplyPolicy) -> String {
    let author = state
        .store
        .users()
        .create(NewUser {
            email: Email::parse("email", &format!("{}@newsroom.example", policy.as_str())).unwrap(),
            display_name: DisplayName::parse("name", "Reporter").unwrap(),
            slug: None,
            bio: None,
            role: Role::Author,
            password_hash: "not used".into(),
        })
        .await
        .unwrap();
    let content = ArticleInput {
        title: format!("Events under a {} article", policy.as_str()),
        authors: vec![author.id],
        reply_policy: Some(policy),
        ..ArticleInput::default()
    }
    .validate()
    .unwrap();
    let lifecycle = Lifecycle {
        status: ArticleStatus::Published,
        published_at: Some(masthead_persistence::now()),
        scheduled_at: None,
    };
    let article = state
        .store
        .articles()
        .create(content, lifecycle)
        .await
        .unwrap();
    article.slug.to_string()
}

fn reader(body: &str) -> PostReply {
    PostReply {
        author_name: Some("Ana".into()),
        author_email: Some("ana@example.org".into()),
        body: Some(body.into()),
        ..PostReply::default()
    }
}

#[each_database]
async fn replies_that_become_public_are_announced_once() {
    for database in TestDatabase::all().await {
        let state = state_on(&database).await;
        let open = article(&state, ReplyPolicy::Open).await;
        let moderated = article(&state, ReplyPolicy::Moderated).await;
        let mut events = state.events.subscribe();
        let address = ClientAddress("192.0.2.10".parse().unwrap());

        let public = post_reply(
            &state,
            Caller(None),
            address,
            ArticleRef::Slug(open),
            reader("Hi"),
        )
        .await
        .unwrap();
        assert_eq!(
            events.try_recv().unwrap(),
            Event::ReplyApproved {
                article_id: public.article_id,
                reply_id: public.id
            },
            "{}",
            database.backend
        );

        let pending = post_reply(
            &state,
            Caller(None),
            address,
            ArticleRef::Slug(moderated.clone()),
            reader("Waiting"),
        )
        .await
        .unwrap();
        assert_eq!(
            events.try_recv(),
            Err(TryRecvError::Empty),
            "pending is quiet"
        );

        let editor = Caller(Some(Actor {
            id: UserId::generate(),
            role: Role::Editor,
        }));
        let id = pending.id.to_string();
        moderation::moderate_one(&state, editor, &id, ModerationAction::Approve)
            .await
            .unwrap();
        assert_eq!(
            events.try_recv().unwrap(),
            Event::ReplyApproved {
                article_id: pending.article_id,
                reply_id: pending.id
            }
        );
        moderation::moderate_many(
            &state,
            editor,
            std::slice::from_ref(&id),
            ModerationAction::Approve,
        )
        .await
        .unwrap();
        assert_eq!(
            events.try_recv(),
            Err(TryRecvError::Empty),
            "already public"
        );
        moderation::moderate_one(&state, editor, &id, ModerationAction::Reject)
            .await
            .unwrap();
        assert_eq!(
            events.try_recv(),
            Err(TryRecvError::Empty),
            "rejection is quiet"
        );
    }
}
