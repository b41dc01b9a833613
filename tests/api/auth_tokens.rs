//! Access tokens that are forged, stale or bent in any way are refused on both
//! APIs: `401` with `WWW-Authenticate: Bearer` over REST, `UNAUTHENTICATED`
//! over GraphQL. Tokens are made by hand here with the server's known key, so
//! each test breaks exactly one thing; a first test shows that the same recipe
//! with nothing broken is accepted.

use crate::support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{graphql_error_code, Session, TestApp};

/// The signing key the test servers run with.
const SECRET: &str = "a signing key for tests, 48 bytes long, no less";

async fn servers() -> Vec<TestApp> {
    TestApp::spawn_all_with(|settings| {
        settings.jwt_secret = Some(SECRET.to_owned());
        settings.no_demo = true;
    })
    .await
}

/// Claims the server would issue itself for `session`'s user, as an author.
fn good_claims(session: &Session) -> Value {
    let now = chrono::Utc::now();
    json!({
        "sub": session.user_id,
        "role": "author",
        "iat": now.timestamp(),
        "nbf": now.timestamp(),
        "exp": now.timestamp() + 600,
        "iat_ms": now.timestamp_millis(),
        "iss": "masthead",
        "aud": "masthead-api",
        "jti": uuid::Uuid::now_v7().to_string(),
    })
}

fn sign_with(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign a test token")
}

fn sign(claims: &Value) -> String {
    sign_with(claims, Algorithm::HS256, SECRET)
}

fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

/// `claims` with `field` removed.
fn without(mut claims: Value, field: &str) -> Value {
    claims.as_object_mut().unwrap().remove(field);
    claims
}

/// `claims` with `field` set to `value`.
fn with(mut claims: Value, field: &str, value: Value) -> Value {
    claims[field] = value;
    claims
}

async fn me_over_rest(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(Method::GET, "/api/v1/auth/me", Some(token), None)
        .await
}

async fn me_over_graphql(app: &TestApp, token: &str) -> Value {
    app.graphql_as(Some(token), "{ me { id email } }", json!({}))
        .await
}

/// The token is refused on both APIs, the way a client can recognise.
async fn assert_refused(app: &TestApp, token: &str, case: &str) {
    let response = me_over_rest(app, token).await;
    assert_eq!(response.status(), 401, "{case} over REST ({})", app.backend);
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer"),
        "{case}: WWW-Authenticate ({})",
        app.backend
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        problem["code"], "UNAUTHENTICATED",
        "{case} ({})",
        app.backend
    );
    let answer = me_over_graphql(app, token).await;
    assert_eq!(
        graphql_error_code(&answer),
        Some("UNAUTHENTICATED"),
        "{case} over GraphQL ({}): {answer}",
        app.backend
    );
    assert!(
        answer["data"].is_null() || answer["data"]["me"].is_null(),
        "{case}: no data leaks ({}): {answer}",
        app.backend
    );
}

/// Signs in a fresh author on each server and refuses the token `make` builds for them.
async fn refuses(case: &str, make: impl Fn(&Session) -> String) {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        assert_refused(&app, &make(&session), case).await;
    }
}

#[each_database]
async fn a_hand_made_token_with_every_claim_right_is_accepted() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let token = sign(&good_claims(&session));
        let response = me_over_rest(&app, &token).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let me: Value = response.json().await.unwrap();
        assert_eq!(me["id"], session.user_id.as_str(), "{}", app.backend);
        let answer = me_over_graphql(&app, &token).await;
        assert_eq!(
            answer["data"]["me"]["email"],
            session.email.as_str(),
            "{answer}"
        );
    }
}

#[each_database]
async fn a_token_expired_longer_ago_than_the_30_second_leeway_is_refused() {
    // 45 s: inside the crate's default leeway of 60 s, outside ours.
    refuses("expired", |session| {
        let now = chrono::Utc::now().timestamp();
        let claims = with(good_claims(session), "exp", json!(now - 45));
        let claims = with(claims, "iat", json!(now - 945));
        sign(&with(claims, "nbf", json!(now - 945)))
    })
    .await;
}

#[each_database]
async fn a_token_not_valid_before_a_time_further_ahead_than_the_leeway_is_refused() {
    refuses("not yet valid", |session| {
        let now = chrono::Utc::now().timestamp();
        sign(&with(good_claims(session), "nbf", json!(now + 45)))
    })
    .await;
}

#[each_database]
async fn a_token_signed_with_another_key_is_refused() {
    refuses("wrong signature", |session| {
        sign_with(
            &good_claims(session),
            Algorithm::HS256,
            "another key that is also 32 bytes or longer",
        )
    })
    .await;
}

#[each_database]
async fn a_token_whose_claims_were_edited_after_signing_is_refused() {
    refuses("edited claims", |session| {
        let genuine = sign(&good_claims(session));
        let signature = genuine.rsplit('.').next().unwrap().to_owned();
        let header = genuine.split('.').next().unwrap().to_owned();
        let promoted = with(good_claims(session), "role", json!("admin"));
        format!("{header}.{}.{signature}", encode_part(&promoted))
    })
    .await;
}

#[each_database]
async fn an_unsigned_token_with_alg_none_is_refused() {
    refuses("alg none", |session| {
        let header = encode_part(&json!({ "alg": "none", "typ": "JWT" }));
        format!("{header}.{}.", encode_part(&good_claims(session)))
    })
    .await;
}

#[each_database]
async fn a_token_signed_with_hs512_is_refused() {
    refuses("HS512", |session| {
        sign_with(&good_claims(session), Algorithm::HS512, SECRET)
    })
    .await;
}

#[each_database]
async fn a_token_that_claims_rs256_but_carries_an_hmac_signature_is_refused() {
    // The key-confusion attack: an RSA header over an HMAC made with a known key.
    refuses("RS256 header", |session| {
        let header = encode_part(&json!({ "alg": "RS256", "typ": "JWT" }));
        let input = format!("{header}.{}", encode_part(&good_claims(session)));
        let signature = jsonwebtoken::crypto::sign(
            input.as_bytes(),
            &EncodingKey::from_secret(SECRET.as_bytes()),
            Algorithm::HS256,
        )
        .unwrap();
        format!("{input}.{signature}")
    })
    .await;
}

#[each_database]
async fn a_token_for_another_audience_is_refused() {
    refuses("wrong aud", |session| {
        sign(&with(good_claims(session), "aud", json!("someone-else")))
    })
    .await;
}

#[each_database]
async fn a_token_from_another_issuer_is_refused() {
    refuses("wrong iss", |session| {
        sign(&with(good_claims(session), "iss", json!("not-masthead")))
    })
    .await;
}

#[each_database]
async fn a_token_without_an_audience_is_refused() {
    refuses("missing aud", |session| {
        sign(&without(good_claims(session), "aud"))
    })
    .await;
}

#[each_database]
async fn a_token_without_an_expiry_is_refused() {
    refuses("missing exp", |session| {
        sign(&without(good_claims(session), "exp"))
    })
    .await;
}

#[each_database]
async fn a_token_with_an_expiry_sent_as_a_string_is_refused() {
    // CVE-2026-25537: older jsonwebtoken skipped the check for a string `exp`.
    refuses("string exp", |session| {
        sign(&with(good_claims(session), "exp", json!("1")))
    })
    .await;
}

#[each_database]
async fn a_token_naming_a_role_the_user_does_not_have_is_refused() {
    refuses("stale role", |session| {
        sign(&with(good_claims(session), "role", json!("admin")))
    })
    .await;
}

#[each_database]
async fn a_token_for_a_user_that_does_not_exist_is_refused() {
    refuses("unknown user", |session| {
        sign(&with(
            good_claims(session),
            "sub",
            json!(uuid::Uuid::now_v7().to_string()),
        ))
    })
    .await;
}

#[each_database]
async fn headers_that_are_not_bearer_tokens_are_refused() {
    for app in servers().await {
        for value in [
            "Basic YWRtaW46YWRtaW4=",
            "Bearer",
            "Bearer not.a.jwt",
            "Bearer ...",
        ] {
            let response = app
                .client
                .get(format!("{}/api/v1/auth/me", app.address))
                .header("authorization", value)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{value:?} ({})", app.backend);
        }
        let huge = format!("Bearer {}", "a".repeat(5_000));
        let answer: Value = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", huge)
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            graphql_error_code(&answer),
            Some("UNAUTHENTICATED"),
            "{answer}"
        );
    }
}

#[each_database]
async fn the_token_of_a_disabled_user_is_refused() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        assert_eq!(me_over_rest(&app, &editor.access_token).await.status(), 200);
        let disabled = app
            .send(
                Method::PATCH,
                &format!("/api/v1/admin/users/{}", editor.user_id),
                Some(&admin.access_token),
                Some(&json!({ "active": false })),
            )
            .await;
        assert_eq!(disabled.status(), 200, "{}", app.backend);
        assert_refused(&app, &editor.access_token, "disabled user").await;
    }
}

#[each_database]
async fn a_token_issued_before_a_password_change_is_refused() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Editor).await;
        let changed = app
            .send(
                Method::POST,
                "/api/v1/auth/password",
                Some(&session.access_token),
                Some(&json!({
                    "current_password": session.password,
                    "new_password": "a brand new passphrase",
                })),
            )
            .await;
        assert_eq!(changed.status(), 200, "{}", app.backend);
        let fresh: Value = changed.json().await.unwrap();
        assert_refused(&app, &session.access_token, "before password change").await;
        let fresh_token = fresh["access_token"].as_str().unwrap();
        assert_eq!(me_over_rest(&app, fresh_token).await.status(), 200);
    }
}

#[each_database]
async fn the_server_refuses_to_start_with_a_jwt_secret_shorter_than_32_bytes() {
    for database in TestDatabase::all().await {
        let mut settings = masthead_api::Settings::for_database(database.url.clone());
        settings.no_demo = true;
        settings.jwt_secret = Some("x".repeat(31));
        let error = match masthead_api::Application::build(settings.clone()).await {
            Ok(_) => panic!("a 31-byte secret was accepted ({})", database.backend),
            Err(error) => error.to_string(),
        };
        assert!(error.contains("32 bytes"), "{error}");
        for (weak, reason) in [(" ".repeat(40), "whitespace"), ("x".repeat(64), "entropy")] {
            settings.jwt_secret = Some(weak);
            let error = match masthead_api::Application::build(settings.clone()).await {
                Ok(_) => panic!("a low-entropy secret was accepted ({})", database.backend),
                Err(error) => error.to_string(),
            };
            assert!(error.contains(reason), "{error}");
        }
        settings.jwt_secret = Some("0123456789abcdef0123456789abcdef".to_owned());
        assert!(
            masthead_api::Application::build(settings).await.is_ok(),
            "a 32-byte secret is enough ({})",
            database.backend
        );
    }
}

#[each_database]
async fn the_generated_key_lives_in_a_private_file_and_an_old_database_key_moves_there() {
    for database in TestDatabase::all().await {
        let mut settings = support::settings_for(&database);
        settings.no_demo = true;
        let path = std::env::temp_dir().join(format!(
            "masthead-key-test-{}.jwt.key",
            uuid::Uuid::now_v7().simple()
        ));
        settings.jwt_secret_file = Some(path.clone());
        // An older Masthead kept the generated key in the database.
        let store = database.store().await;
        store.migrate().await.unwrap();
        let legacy = "an old signing key kept in the database by older versions";
        store
            .settings()
            .get_or_insert("jwt_secret", || legacy.to_owned())
            .await
            .unwrap();
        masthead_api::Application::build(settings.clone())
            .await
            .expect("starts");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy);
        assert_eq!(
            store.settings().get("jwt_secret").await.unwrap(),
            None,
            "deleted from the database ({})",
            database.backend
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", database.backend);
        // A fresh key file is generated when there is none, and reused.
        std::fs::remove_file(&path).unwrap();
        masthead_api::Application::build(settings.clone())
            .await
            .expect("starts");
        let generated = std::fs::read_to_string(&path).unwrap();
        assert!(generated.len() >= 64 && generated != legacy);
        masthead_api::Application::build(settings.clone())
            .await
            .expect("starts again");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), generated);
        assert_eq!(store.settings().get("jwt_secret").await.unwrap(), None);
        // A weak key file is refused with the path in the error.
        for (weak, reason) in [(" ".repeat(40), "32 bytes"), ("x".repeat(40), "entropy")] {
            std::fs::write(&path, weak).unwrap();
            let error = match masthead_api::Application::build(settings.clone()).await {
                Ok(_) => panic!("a weak key file was accepted"),
                Err(error) => error.to_string(),
            };
            assert!(
                error.contains(reason) && error.contains(&*path.to_string_lossy()),
                "{error}"
            );
        }
        std::fs::remove_file(&path).unwrap();
    }
}
