//! Who may do what, over HTTP, on both APIs: every operation that needs a
//! role, for admin, editor, author and an anonymous caller. One row per
//! operation; when an operation is added to the product, add its row here.
//!
//! Allowed: a 2xx answer (REST) or data without errors (GraphQL).
//! Anonymous: `401` + `WWW-Authenticate: Bearer` / `UNAUTHENTICATED`.
//! Signed in without the role: `403` / `FORBIDDEN`, and nothing changed.

mod support;

use masthead_domain::{DisplayName, Email, Role, TagInput};
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;
use reqwest::Method;
use serde_json::Value;
use support::{graphql_error_code, Session, TestApp};

const STAFF: &[Role] = &[Role::Admin, Role::Editor, Role::Author];
const EDITORS: &[Role] = &[Role::Admin, Role::Editor];
const ADMINS: &[Role] = &[Role::Admin];

/// A REST call; `@USER@`, `@TAG@` and `@UNIQUE@` in path and body are
/// replaced by a fresh target user, a fresh tag and a fresh unique word.
struct Rest {
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
}

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
    unique: String,
}

impl Targets {
    async fn create(store: &Store, password_hash: &str) -> Self {
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
        Self {
            user: user.id.to_string(),
            tag: tag.id.to_string(),
            unique,
        }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("@USER@", &self.user)
            .replace("@TAG@", &self.tag)
            .replace("@UNIQUE@", &self.unique)
    }
}

/// Everything an operation could change, to show a refused one changed nothing.
async fn snapshot(store: &Store) -> (Vec<masthead_domain::User>, Vec<masthead_domain::Tag>) {
    (
        store.users().list().await.unwrap(),
        store.tags().list().await.unwrap(),
    )
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
    let response = app
        .send(method, &targets.fill(rest.path), token, body.as_ref())
        .await;
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

#[tokio::test]
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
                    let targets = Targets::create(&store, &password_hash).await;
                    let before = snapshot(&store).await;
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
                    if matches!(want, Outcome::Unauthenticated | Outcome::Forbidden)
                        && snapshot(&store).await != before
                    {
                        mismatches.push(format!(
                            "{} / {label} / {api}: refused, yet something changed",
                            operation.name
                        ));
                    }
                }
            }
        }
        assert!(runs >= 70, "the matrix ran {runs} cases");
        assert!(
            mismatches.is_empty(),
            "{} of {runs} cases broke the policy ({}):\n{}",
            mismatches.len(),
            app.backend,
            mismatches.join("\n")
        );
    }
}
