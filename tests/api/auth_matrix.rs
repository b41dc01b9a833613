//! Who may do what, over HTTP, on both APIs: every operation that needs a
//! role, for admin, editor, author and an anonymous caller. One row per
//! operation; when an operation is added to the product, add its row here.
//!
//! Allowed: a 2xx answer (REST) or data without errors (GraphQL).
//! Anonymous: `401` + `WWW-Authenticate: Bearer` / `UNAUTHENTICATED`.
//! Signed in without the role: `403` / `FORBIDDEN`, and nothing changed.
//! Every allowed write leaves an audit entry that names the caller, whichever
//! API it came through.

use crate::support;

use masthead_domain::media::{MediaFormat, MediaMeta};
use masthead_domain::{
    ArticleId, DisplayName, Email, Lifecycle, MediaId, ReplyId, ReplyStatus, Role, TagInput, UserId,
};
use masthead_persistence::audit::AuditFilter;
use masthead_persistence::media::NewMedia;
use masthead_persistence::users::NewUser;
use masthead_persistence::{PageRequest, Store, Visibility};
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::Value;
use support::{content, graphql_error_code, Session, TestApp};

const STAFF: &[Role] = &[Role::Admin, Role::Editor, Role::Author];
const EDITORS: &[Role] = &[Role::Admin, Role::Editor];
const ADMINS: &[Role] = &[Role::Admin];

/// A REST call. Placeholders in path and body are replaced by fresh targets:
/// `@USER@` an author's account, `@TAG@` a tag, `@DRAFT@` that author's draft
/// (someone else's work for the caller), `@OWN@` a draft of the caller's own,
/// `@OWNER@` the byline of that draft, `@PUBLISHED@` a published article,
/// `@REPLY@` a reply waiting for moderation under it, `@LATER@` a time a
/// month ahead, `@UNIQUE@` a fresh word.
struct Rest {
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
}

/// A REST call that replaces an article: sent with `If-Match: "1"`.
const REPLACES: &str = "PUT";

/// The same operation over GraphQL, with the same placeholders in `variables`.
struct Graphql {
    query: &'static str,
    variables: &'static str,
    /// The top-level field that answers.
    field: &'static str,
}

struct Operation {
    name: &'static str,
    /// Roles that may do it.
    allowed: &'static [Role],
    rest: Option<Rest>,
    graphql: Option<Graphql>,
    /// GraphQL `me` answers `null` to anonymous callers rather than refusing.
    anonymous_graphql_gets_null: bool,
}

const OPERATIONS: &[Operation] = &[
    Operation {
        name: "read one's own account",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/auth/me", body: None }),
        graphql: Some(Graphql { query: "{ me { id } }", variables: "{}", field: "me" }),
        anonymous_graphql_gets_null: true,
    },
    Operation {
        name: "list users",
        allowed: ADMINS,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/users", body: None }),
        graphql: Some(Graphql { query: "{ users { id email } }", variables: "{}", field: "users" }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "read a user",
        allowed: ADMINS,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/users/@USER@", body: None }),
        graphql: None,
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "create a user",
        allowed: ADMINS,
        rest: Some(Rest {
            method: "POST",
            path: "/api/v1/admin/users",
            body: Some(r#"{"email": "@UNIQUE@@newsroom.example", "display_name": "New Hire", "role": "author", "password": "a long enough password"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }",
            variables: r#"{"input": {"email": "@UNIQUE@@newsroom.example", "displayName": "New Hire", "role": "AUTHOR"}}"#,
            field: "createUser",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "rename a user",
        allowed: ADMINS,
        rest: Some(Rest {
            method: "PATCH",
            path: "/api/v1/admin/users/@USER@",
            body: Some(r#"{"display_name": "Renamed", "bio": "Covers courts."}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { updateUser(id: $id, input: { displayName: \"Renamed\", bio: \"Covers courts.\" }) { id } }",
            variables: r#"{"id": "@USER@"}"#,
            field: "updateUser",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "change a user's role",
        allowed: ADMINS,
        rest: Some(Rest {
            method: "PATCH",
            path: "/api/v1/admin/users/@USER@",
            body: Some(r#"{"role": "editor"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { updateUser(id: $id, input: { role: EDITOR }) { id } }",
            variables: r#"{"id": "@USER@"}"#,
            field: "updateUser",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "disable a user",
        allowed: ADMINS,
        rest: Some(Rest {
            method: "PATCH",
            path: "/api/v1/admin/users/@USER@",
            body: Some(r#"{"active": false}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { id } }",
            variables: r#"{"id": "@USER@"}"#,
            field: "updateUser",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "list who may stand on a byline",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/bylines", body: None }),
        graphql: Some(Graphql { query: "{ bylines { slug } }", variables: "{}", field: "bylines" }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "reset a user's password",
        allowed: ADMINS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/users/@USER@/password", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { resetUserPassword(id: $id) { generatedPassword } }",
            variables: r#"{"id": "@USER@"}"#,
            field: "resetUserPassword",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "browse the media library",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/media", body: None }),
        graphql: Some(Graphql {
            query: "{ media { nodes { id } } }",
            variables: "{}",
            field: "media",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "read a library image",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/media/@MEDIA@", body: None }),
        graphql: Some(Graphql {
            query: "query($id: ID!) { mediaItem(id: $id) { id usedBy { title } } }",
            variables: r#"{"id": "@MEDIA@"}"#,
            field: "mediaItem",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "describe an image of one's own",
        allowed: STAFF,
        rest: Some(Rest {
            method: "PATCH",
            path: "/api/v1/admin/media/@OWN_MEDIA@",
            body: Some(r#"{"alt": "Described @UNIQUE@"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $input: UpdateMediaInput!) { updateMedia(id: $id, input: $input) { id } }",
            variables: r#"{"id": "@OWN_MEDIA@", "input": {"alt": "Described @UNIQUE@"}}"#,
            field: "updateMedia",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "describe someone else's image",
        allowed: EDITORS,
        rest: Some(Rest {
            method: "PATCH",
            path: "/api/v1/admin/media/@MEDIA@",
            body: Some(r#"{"caption": "Recaptioned @UNIQUE@"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $input: UpdateMediaInput!) { updateMedia(id: $id, input: $input) { id } }",
            variables: r#"{"id": "@MEDIA@", "input": {"caption": "Recaptioned @UNIQUE@"}}"#,
            field: "updateMedia",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete an image of one's own",
        allowed: STAFF,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/media/@OWN_MEDIA@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteMedia(id: $id) }",
            variables: r#"{"id": "@OWN_MEDIA@"}"#,
            field: "deleteMedia",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete someone else's image",
        allowed: EDITORS,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/media/@MEDIA@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteMedia(id: $id) }",
            variables: r#"{"id": "@MEDIA@"}"#,
            field: "deleteMedia",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "create a tag",
        allowed: EDITORS,
        rest: Some(Rest {
            method: "POST",
            path: "/api/v1/admin/tags",
            body: Some(r#"{"name": "Topic @UNIQUE@", "description": "New desk."}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($input: TagInput!) { createTag(input: $input) { id } }",
            variables: r#"{"input": {"name": "Topic @UNIQUE@"}}"#,
            field: "createTag",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "rename a tag",
        allowed: EDITORS,
        rest: Some(Rest {
            method: "PUT",
            path: "/api/v1/admin/tags/@TAG@",
            body: Some(r#"{"name": "Renamed @UNIQUE@"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $input: TagInput!) { updateTag(id: $id, input: $input) { id } }",
            variables: r#"{"id": "@TAG@", "input": {"name": "Renamed @UNIQUE@"}}"#,
            field: "updateTag",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete a tag",
        allowed: EDITORS,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/tags/@TAG@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteTag(id: $id) }",
            variables: r#"{"id": "@TAG@"}"#,
            field: "deleteTag",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "list the editors' desk (drafts included)",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/articles", body: None }),
        graphql: None,
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "search drafts by status",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/search?q=@UNIQUE@&status=draft", body: None }),
        graphql: Some(Graphql {
            query: "query($q: String!) { search(query: $q, filter: { status: DRAFT }) { edges { score } } }",
            variables: r#"{"q": "@UNIQUE@"}"#,
            field: "search",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "create an article",
        allowed: STAFF,
        rest: Some(Rest {
            method: "POST",
            path: "/api/v1/admin/articles",
            body: Some(r#"{"title": "Matrix story @UNIQUE@"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($input: ArticleInput!) { createArticle(input: $input) { id } }",
            variables: r#"{"input": {"title": "Matrix story @UNIQUE@"}}"#,
            field: "createArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "edit one's own draft",
        allowed: STAFF,
        rest: Some(Rest {
            method: REPLACES,
            path: "/api/v1/admin/articles/@OWN@",
            body: Some(r#"{"title": "Edited @UNIQUE@", "authors": ["@OWNER@"]}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input, expectedVersion: 1) { id } }",
            variables: r#"{"id": "@OWN@", "input": {"title": "Edited @UNIQUE@"}}"#,
            field: "updateArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "edit someone else's draft",
        allowed: EDITORS,
        rest: Some(Rest {
            method: REPLACES,
            path: "/api/v1/admin/articles/@DRAFT@",
            body: Some(r#"{"title": "Edited @UNIQUE@", "authors": ["@USER@"]}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input, expectedVersion: 1) { id } }",
            variables: r#"{"id": "@DRAFT@", "input": {"title": "Edited @UNIQUE@"}}"#,
            field: "updateArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete one's own draft",
        allowed: STAFF,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/articles/@OWN@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteArticle(id: $id) }",
            variables: r#"{"id": "@OWN@"}"#,
            field: "deleteArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete someone else's draft",
        allowed: EDITORS,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/articles/@DRAFT@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteArticle(id: $id) }",
            variables: r#"{"id": "@DRAFT@"}"#,
            field: "deleteArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "submit one's own draft for review",
        allowed: STAFF,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@OWN@/submit", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { submitArticle(id: $id) { id } }",
            variables: r#"{"id": "@OWN@"}"#,
            field: "submitArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "submit someone else's draft",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@DRAFT@/submit", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { submitArticle(id: $id) { id } }",
            variables: r#"{"id": "@DRAFT@"}"#,
            field: "submitArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "publish",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@OWN@/publish", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { publishArticle(id: $id) { id } }",
            variables: r#"{"id": "@OWN@"}"#,
            field: "publishArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "schedule",
        allowed: EDITORS,
        rest: Some(Rest {
            method: "POST",
            path: "/api/v1/admin/articles/@OWN@/publish",
            body: Some(r#"{"at": "@LATER@"}"#),
        }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!, $at: DateTime!) { publishArticle(id: $id, at: $at) { id } }",
            variables: r#"{"id": "@OWN@", "at": "@LATER@"}"#,
            field: "publishArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "unpublish",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@PUBLISHED@/unpublish", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { unpublishArticle(id: $id) { id } }",
            variables: r#"{"id": "@PUBLISHED@"}"#,
            field: "unpublishArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "archive",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@PUBLISHED@/archive", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { archiveArticle(id: $id) { id } }",
            variables: r#"{"id": "@PUBLISHED@"}"#,
            field: "archiveArticle",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "read an article's revisions",
        allowed: STAFF,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/articles/@DRAFT@/revisions", body: None }),
        graphql: Some(Graphql {
            query: "query($id: ID!) { revisions(articleId: $id) { edges { cursor } } }",
            variables: r#"{"id": "@DRAFT@"}"#,
            field: "revisions",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "restore a revision of someone else's draft",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/articles/@DRAFT@/revisions/1/restore", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { restoreRevision(articleId: $id, number: 1) { id } }",
            variables: r#"{"id": "@DRAFT@"}"#,
            field: "restoreRevision",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "read the audit log",
        allowed: ADMINS,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/audit", body: None }),
        graphql: Some(Graphql {
            query: "{ auditLog { edges { cursor } } }",
            variables: "{}",
            field: "auditLog",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "read the moderation queue",
        allowed: EDITORS,
        rest: Some(Rest { method: "GET", path: "/api/v1/admin/replies", body: None }),
        graphql: Some(Graphql {
            query: "{ replyQueue { edges { cursor } } }",
            variables: "{}",
            field: "replyQueue",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "approve a reply",
        allowed: EDITORS,
        rest: Some(Rest { method: "POST", path: "/api/v1/admin/replies/@REPLY@/approve", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { approveReply(id: $id) { id } }",
            variables: r#"{"id": "@REPLY@"}"#,
            field: "approveReply",
        }),
        anonymous_graphql_gets_null: false,
    },
    Operation {
        name: "delete a reply",
        allowed: EDITORS,
        rest: Some(Rest { method: "DELETE", path: "/api/v1/admin/replies/@REPLY@", body: None }),
        graphql: Some(Graphql {
            query: "mutation($id: ID!) { deleteReply(id: $id) }",
            variables: r#"{"id": "@REPLY@"}"#,
            field: "deleteReply",
        }),
        anonymous_graphql_gets_null: false,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    AllowedButNull,
    Unauthenticated,
    Forbidden,
}

fn expected(operation: &Operation, who: Option<Role>, graphql: bool) -> Outcome {
    match who {
        None if graphql && operation.anonymous_graphql_gets_null => Outcome::AllowedButNull,
        None => Outcome::Unauthenticated,
        Some(role) if operation.allowed.contains(&role) => Outcome::Allowed,
        Some(_) => Outcome::Forbidden,
    }
}

/// What each run acts on: created fresh so no run depends on another.
struct Targets {
    user: String,
    tag: String,
    draft: ArticleId,
    own: ArticleId,
    owner: UserId,
    published: ArticleId,
    reply: ReplyId,
    /// A library image the target author uploaded (someone else's for the caller).
    media: MediaId,
    /// A library image the caller uploaded (the target author's when anonymous).
    own_media: MediaId,
    unique: String,
}

impl Targets {
    /// Fresh targets; `actor` (the caller, if signed in) owns the `@OWN@` draft.
    async fn create(store: &Store, password_hash: &str, actor: Option<UserId>) -> Self {
        let unique = uuid::Uuid::now_v7().simple().to_string();
        let user = store
            .users()
            .create(NewUser {
                email: Email::parse("email", &format!("target-{unique}@newsroom.example")).unwrap(),
                display_name: DisplayName::parse("name", "Target Writer").unwrap(),
                slug: None,
                bio: None,
                role: Role::Author,
                password_hash: password_hash.to_owned(),
            })
            .await
            .expect("create the target user");
        let tag = store
            .tags()
            .create(
                TagInput {
                    name: format!("Target {unique}"),
                    ..Default::default()
                }
                .validate()
                .unwrap(),
            )
            .await
            .expect("create the target tag");
        let draft = content::article(
            store,
            &format!("Their draft {unique}"),
            &[user.id],
            &[],
            "Source",
            Lifecycle::draft(),
        )
        .await;
        let own = content::article(
            store,
            &format!("Own draft {unique}"),
            &[actor.unwrap_or(user.id)],
            &[],
            "Source",
            Lifecycle::draft(),
        )
        .await;
        let published = content::article(
            store,
            &format!("Out already {unique}"),
            &[user.id],
            &[],
            "Source",
            content::published(1),
        )
        .await;
        let reply = content::reply(
            store,
            &published,
            None,
            "Waiting for a moderator.",
            ReplyStatus::Pending,
        )
        .await;
        let media = library_image(store, user.id, &format!("{unique}a")).await;
        let own_media = library_image(store, actor.unwrap_or(user.id), &format!("{unique}b")).await;
        Self {
            media,
            own_media,
            user: user.id.to_string(),
            tag: tag.id.to_string(),
            draft: draft.id,
            own: own.id,
            owner: actor.unwrap_or(user.id),
            published: published.id,
            reply: reply.id,
            unique,
        }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("@USER@", &self.user)
            .replace("@TAG@", &self.tag)
            .replace("@DRAFT@", &self.draft.to_string())
            .replace("@OWN@", &self.own.to_string())
            .replace("@OWNER@", &self.owner.to_string())
            .replace(
                "@LATER@",
                &(chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
            )
            .replace("@PUBLISHED@", &self.published.to_string())
            .replace("@REPLY@", &self.reply.to_string())
            .replace("@OWN_MEDIA@", &self.own_media.to_string())
            .replace("@MEDIA@", &self.media.to_string())
            .replace("@UNIQUE@", &self.unique)
    }

    /// Everything an operation could change, to show a refused one changed nothing.
    async fn snapshot(&self, store: &Store) -> String {
        let mut articles = Vec::new();
        for id in [self.draft, self.own, self.published] {
            let article = store.articles().by_id(id, Visibility::Staff).await.unwrap();
            articles.push(article.map(|a| (a.version, a.lifecycle.status, a.title.to_string())));
        }
        let reply = store.replies().by_id(self.reply).await.unwrap();
        let mut media = Vec::new();
        for id in [self.media, self.own_media] {
            media.push(store.media().by_id(id).await.unwrap());
        }
        format!(
            "{:?}",
            (
                store.users().list().await.unwrap(),
                store.tags().list().await.unwrap(),
                articles,
                reply.map(|r| r.status),
                media,
            )
        )
    }
}

/// A library item recorded as uploaded by `owner` (a row only: the matrix
/// checks who may browse, describe and delete it, not its bytes).
async fn library_image(store: &Store, owner: UserId, unique: &str) -> MediaId {
    let id = MediaId::generate();
    let digest: String = format!("{unique:0>64}").chars().rev().take(64).collect();
    store
        .media()
        .acting_as(owner)
        .record(NewMedia {
            id,
            sha256: digest,
            format: MediaFormat::Jpeg,
            width: 640,
            height: 480,
            bytes: 1_000,
            file_name: "target.jpg".to_owned(),
            meta: MediaMeta::default(),
        })
        .await
        .expect("record the target image");
    id
}

/// The newest entries of the audit log: (id, actor).
async fn newest_audit_entries(store: &Store) -> Vec<(uuid::Uuid, Option<UserId>)> {
    let page = store
        .audit()
        .list(AuditFilter::default(), PageRequest::first(50))
        .await
        .expect("read the audit log");
    page.items
        .into_iter()
        .map(|(_, entry)| (entry.id, entry.actor_id))
        .collect()
}

async fn outcome_of_rest(
    app: &TestApp,
    rest: &Rest,
    token: Option<&str>,
    targets: &Targets,
) -> Result<Outcome, String> {
    let body: Option<Value> = rest
        .body
        .map(|body| serde_json::from_str(&targets.fill(body)).expect("a JSON body"));
    let method = Method::from_bytes(rest.method.as_bytes()).unwrap();
    let mut request = app.client.request(
        method,
        format!("{}{}", app.address, targets.fill(rest.path)),
    );
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = &body {
        request = request.json(body);
    }
    if rest.method == REPLACES {
        request = request.header("If-Match", "\"1\"");
    }
    let response = request.send().await.expect("send the request");
    let status = response.status().as_u16();
    let challenge = response.headers().get("www-authenticate").cloned();
    let text = response.text().await.unwrap();
    let code = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|problem| problem["code"].as_str().map(str::to_owned));
    match (status, code.as_deref()) {
        (200..=299, _) => Ok(Outcome::Allowed),
        (401, Some("UNAUTHENTICATED")) if challenge.is_some_and(|c| c == "Bearer") => {
            Ok(Outcome::Unauthenticated)
        }
        (403, Some("FORBIDDEN")) => Ok(Outcome::Forbidden),
        _ => Err(format!("{status} {text}")),
    }
}

async fn outcome_of_graphql(
    app: &TestApp,
    graphql: &Graphql,
    token: Option<&str>,
    targets: &Targets,
) -> Result<Outcome, String> {
    let variables: Value = serde_json::from_str(&targets.fill(graphql.variables)).unwrap();
    let answer = app.graphql_as(token, graphql.query, variables).await;
    match graphql_error_code(&answer) {
        None if answer["data"][graphql.field].is_null() => Ok(Outcome::AllowedButNull),
        None => Ok(Outcome::Allowed),
        Some("UNAUTHENTICATED") => Ok(Outcome::Unauthenticated),
        Some("FORBIDDEN") => Ok(Outcome::Forbidden),
        Some(_) => Err(answer.to_string()),
    }
}

#[each_database]
async fn every_role_may_do_exactly_what_the_policy_allows_on_both_apis() {
    for app in TestApp::spawn_all_with(|settings| settings.no_demo = true).await {
        let store = app.store().await;
        let mut sessions: Vec<(Option<Role>, Option<Session>)> = vec![(None, None)];
        for role in Role::ALL {
            sessions.push((Some(role), Some(app.sign_in_new(role).await)));
        }
        let password_hash = store
            .users()
            .by_email(sessions[1].1.as_ref().unwrap().email.as_str())
            .await
            .unwrap()
            .unwrap()
            .1;
        let mut mismatches = Vec::new();
        let mut runs = 0;
        for operation in OPERATIONS {
            for (who, session) in &sessions {
                let token = session.as_ref().map(|s| s.access_token.as_str());
                let label = who.map_or("anonymous", Role::as_str);
                for graphql in [false, true] {
                    let actor = session.as_ref().map(|s| s.user_id.parse().unwrap());
                    let targets = Targets::create(&store, &password_hash, actor).await;
                    let before = targets.snapshot(&store).await;
                    let audit_before = newest_audit_entries(&store).await;
                    let outcome = match (graphql, &operation.rest, &operation.graphql) {
                        (false, Some(rest), _) => {
                            outcome_of_rest(&app, rest, token, &targets).await
                        }
                        (true, _, Some(query)) => {
                            outcome_of_graphql(&app, query, token, &targets).await
                        }
                        _ => continue,
                    };
                    runs += 1;
                    let api = if graphql { "GraphQL" } else { "REST" };
                    let want = expected(operation, *who, graphql);
                    match outcome {
                        Ok(got) if got == want => {}
                        Ok(got) => mismatches.push(format!(
                            "{} / {label} / {api}: expected {want:?}, got {got:?}",
                            operation.name
                        )),
                        Err(answer) => mismatches.push(format!(
                            "{} / {label} / {api}: expected {want:?}, got {answer}",
                            operation.name
                        )),
                    }
                    let writes = if graphql {
                        operation
                            .graphql
                            .as_ref()
                            .is_some_and(|query| query.query.starts_with("mutation"))
                    } else {
                        operation
                            .rest
                            .as_ref()
                            .is_some_and(|rest| rest.method != "GET")
                    };
                    if writes && want == Outcome::Allowed {
                        let actor: Option<UserId> = actor;
                        let named = newest_audit_entries(&store)
                            .await
                            .into_iter()
                            .filter(|entry| !audit_before.contains(entry))
                            .any(|(_, who)| who.is_some() && who == actor);
                        if !named {
                            mismatches.push(format!(
                                "{} / {label} / {api}: no audit entry names the caller",
                                operation.name
                            ));
                        }
                    }
                    if matches!(want, Outcome::Unauthenticated | Outcome::Forbidden)
                        && targets.snapshot(&store).await != before
                    {
                        mismatches.push(format!(
                            "{} / {label} / {api}: refused, yet something changed",
                            operation.name
                        ));
                    }
                }
            }
        }
        assert!(runs >= 200, "the matrix ran {runs} cases");
        assert!(
            mismatches.is_empty(),
            "{} of {runs} cases broke the policy ({}):\n{}",
            mismatches.len(),
            app.backend,
            mismatches.join("\n")
        );
    }
}
