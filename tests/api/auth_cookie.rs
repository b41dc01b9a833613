//! Cookie mode for browser apps (the desk): with `X-Masthead-Refresh: cookie`
//! the refresh token travels in the `HttpOnly` cookie `masthead_refresh`
//! instead of the body. The cookie is taken only from a body-less request
//! that carries the header and no foreign `Origin`; refreshes rotate it,
//! refusals and logout clear it. Requests set the `Cookie` header by hand
//! (the client keeps no cookies), so each test sees exactly what is sent.

use crate::openapi_conformance::Conformance;
use crate::support;

use std::collections::BTreeSet;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use support::rest::problem;
use support::{create_staff, Staff, TestApp};

/// The opt-in header, as a browser app sends it.
const MODE: (&str, &str) = ("X-Masthead-Refresh", "cookie");

/// The attributes every refresh cookie carries besides its value and `Max-Age`.
const ATTRIBUTES: [&str; 3] = ["Path=/api/v1/auth", "HttpOnly", "SameSite=Strict"];

/// Servers where a retired refresh token is never taken again (no grace), so
/// re-use is refused at once.
async fn servers() -> Vec<TestApp> {
    TestApp::spawn_all_with(|settings| {
        settings.no_demo = true;
        settings.refresh_reuse_seconds = 0;
    })
    .await
}

/// The `Set-Cookie` lines of a response.
fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect()
}

/// The one refresh cookie a response sets: (value, attributes).
fn refresh_cookie(response: &Response) -> (String, BTreeSet<String>) {
    let lines = set_cookies(response);
    assert_eq!(lines.len(), 1, "one Set-Cookie: {lines:?}");
    let mut parts = lines[0].split("; ");
    let (name, value) = parts.next().unwrap().split_once('=').unwrap();
    assert_eq!(name, "masthead_refresh", "{}", lines[0]);
    (value.to_owned(), parts.map(str::to_owned).collect())
}

/// The attributes of a new cookie: `Max-Age` the refresh token's lifetime.
fn issued_attributes(secure: bool) -> BTreeSet<String> {
    let mut expected: BTreeSet<String> = ATTRIBUTES.iter().map(|a| (*a).to_owned()).collect();
    expected.insert(format!("Max-Age={}", 30 * 86_400));
    if secure {
        expected.insert("Secure".to_owned());
    }
    expected
}

/// Asserts that `response` clears the cookie, exactly as documented.
fn assert_cleared(response: &Response, context: &str) {
    assert_eq!(
        set_cookies(response),
        ["masthead_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict"],
        "{context}"
    );
}

/// `POST /api/v1{path}` with the refresh cookie `token` and no body.
fn with_cookie(app: &TestApp, path: &str, token: &str) -> RequestBuilder {
    app.client
        .post(app.api(path))
        .header("cookie", format!("theme=dark; masthead_refresh={token}"))
}

/// Signs `staff` in; in cookie mode when `cookie` is set.
async fn login(app: &TestApp, staff: &Staff, cookie: bool) -> Response {
    let mut request = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({ "email": staff.email, "password": staff.password }));
    if cookie {
        request = request.header(MODE.0, MODE.1);
    }
    request.send().await.unwrap()
}

/// Signs a new editor in in cookie mode; returns the cookie's token.
async fn cookie_session(app: &TestApp) -> String {
    let staff = create_staff(&app.store, Role::Editor).await;
    let response = login(app, &staff, true).await;
    assert_eq!(response.status(), 200, "{}", app.backend);
    refresh_cookie(&response).0
}

#[each_database]
async fn login_in_cookie_mode_sets_the_cookie_and_hides_the_token() {
    for app in servers().await {
        let staff = create_staff(&app.store, Role::Editor).await;
        let response = login(&app, &staff, true).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let (token, attributes) = refresh_cookie(&response);
        assert_eq!(token.len(), 43, "{}", app.backend);
        assert_eq!(attributes, issued_attributes(false), "{}", app.backend);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["refresh_token"], "", "{}", app.backend);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["user"]["email"], staff.email.as_str());

        // Without the header: no cookie, the token in the body as always.
        let response = login(&app, &staff, false).await;
        assert_eq!(response.status(), 200);
        assert!(set_cookies(&response).is_empty(), "{}", app.backend);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
    }
}

#[each_database]
async fn a_cookie_refresh_rotates_the_cookie_and_a_retired_one_is_refused() {
    for app in servers().await {
        let first = cookie_session(&app).await;
        let response = with_cookie(&app, "/auth/refresh", &first)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.backend);
        let (second, attributes) = refresh_cookie(&response);
        assert_ne!(second, first, "{}: the cookie is rotated", app.backend);
        assert_eq!(attributes, issued_attributes(false));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["refresh_token"], "");
        let me = app
            .client
            .get(app.api("/auth/me"))
            .bearer_auth(body["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200, "{}", app.backend);

        // The retired cookie again (no reuse grace here): the same 401 as a
        // bad body token, the cookie cleared, and the whole login revoked.
        let response = with_cookie(&app, "/auth/refresh", &first)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_cleared(&response, app.backend);
        let refused = problem(response, 401, app.backend).await;
        assert_eq!(refused["code"], "UNAUTHENTICATED");
        let response = with_cookie(&app, "/auth/refresh", &second)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            401,
            "{}: re-use revoked the login",
            app.backend
        );
        assert_cleared(&response, app.backend);
    }
}

#[each_database]
async fn the_cookie_needs_the_header_and_no_foreign_origin() {
    for app in servers().await {
        let token = cookie_session(&app).await;
        let context = app.backend;
        // The cookie without the header: a cross-site form could send that.
        let response = with_cookie(&app, "/auth/refresh", &token)
            .send()
            .await
            .unwrap();
        assert!(set_cookies(&response).is_empty(), "{context}");
        let refused = problem(response, 403, context).await;
        assert_eq!(refused["code"], "FORBIDDEN");
        for foreign in ["https://evil.example", "null", "http://127.0.0.1:1"] {
            let response = with_cookie(&app, "/auth/refresh", &token)
                .header(MODE.0, MODE.1)
                .header("origin", foreign)
                .send()
                .await
                .unwrap();
            problem(response, 403, &format!("{context}: Origin {foreign}")).await;
        }
        // Logout is guarded the same way: nothing is revoked.
        let response = with_cookie(&app, "/auth/logout", &token)
            .header(MODE.0, MODE.1)
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        problem(response, 403, context).await;
        // A value other than `cookie` is a malformed request.
        let response = with_cookie(&app, "/auth/refresh", &token)
            .header(MODE.0, "yes")
            .send()
            .await
            .unwrap();
        problem(response, 400, context).await;
        // No header, no cookie, no body: the 415 it always was.
        let response = app
            .client
            .post(app.api("/auth/refresh"))
            .send()
            .await
            .unwrap();
        problem(response, 415, context).await;

        // The page's own origin: taken.
        let response = with_cookie(&app, "/auth/refresh", &token)
            .header(MODE.0, MODE.1)
            .header("origin", app.address.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{context}");
        assert_ne!(refresh_cookie(&response).0, token);
    }
}

#[each_database]
async fn logout_with_the_cookie_ends_the_login_and_clears_it() {
    for app in servers().await {
        let token = cookie_session(&app).await;
        let response = with_cookie(&app, "/auth/logout", &token)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{}", app.backend);
        assert_cleared(&response, app.backend);
        let response = with_cookie(&app, "/auth/refresh", &token)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_cleared(&response, app.backend);
        problem(response, 401, app.backend).await;
        // Signing out without a cookie still clears it (nothing to revoke).
        let response = app
            .client
            .post(app.api("/auth/logout"))
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        assert_cleared(&response, app.backend);
    }
}

#[each_database]
async fn a_missing_or_over_long_cookie_is_an_unknown_token() {
    for app in servers().await {
        let context = app.backend;
        for token in ["x".repeat(257), "x".repeat(4_000), String::new()] {
            let response = with_cookie(&app, "/auth/refresh", &token)
                .header(MODE.0, MODE.1)
                .send()
                .await
                .unwrap();
            assert_cleared(&response, context);
            problem(response, 401, &format!("{context}: {} bytes", token.len())).await;
        }
        let response = app
            .client
            .post(app.api("/auth/refresh"))
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_cleared(&response, context);
        problem(response, 401, context).await;
        // A body, present but malformed, keeps its answers in cookie mode.
        let token = cookie_session(&app).await;
        let response = with_cookie(&app, "/auth/refresh", &token)
            .header(MODE.0, MODE.1)
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap();
        problem(response, 400, context).await;
        let response = with_cookie(&app, "/auth/refresh", &token)
            .header(MODE.0, MODE.1)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        problem(response, 422, context).await;
    }
}

#[each_database]
async fn the_cookie_is_secure_over_https() {
    for app in servers().await {
        let staff = create_staff(&app.store, Role::Editor).await;
        // A TLS-terminating proxy in front says so.
        let response = app
            .client
            .post(app.api("/auth/login"))
            .header(MODE.0, MODE.1)
            .header("x-forwarded-proto", "https")
            .json(&json!({ "email": staff.email, "password": staff.password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.backend);
        assert_eq!(refresh_cookie(&response).1, issued_attributes(true));
    }
    // Or the site is served over https.
    for app in TestApp::spawn_all_with(|settings| {
        settings.no_demo = true;
        settings.public_url = "https://news.example".to_owned();
    })
    .await
    {
        let staff = create_staff(&app.store, Role::Editor).await;
        let response = login(&app, &staff, true).await;
        assert_eq!(refresh_cookie(&response).1, issued_attributes(true));
        let token = refresh_cookie(&response).0;
        let response = with_cookie(&app, "/auth/logout", &token)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(
            set_cookies(&response),
            ["masthead_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict; Secure"]
        );
    }
}

#[each_database]
async fn a_password_change_in_cookie_mode_sets_a_new_cookie() {
    for app in servers().await {
        let staff = create_staff(&app.store, Role::Author).await;
        let response = login(&app, &staff, true).await;
        let (old, _) = refresh_cookie(&response);
        let body: Value = response.json().await.unwrap();
        let response = app
            .client
            .post(app.api("/auth/password"))
            .bearer_auth(body["access_token"].as_str().unwrap())
            .header(MODE.0, MODE.1)
            .json(&json!({
                "current_password": staff.password,
                "new_password": "quiet harbour lantern 4812",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.backend);
        let (new, attributes) = refresh_cookie(&response);
        assert_ne!(new, old);
        assert_eq!(attributes, issued_attributes(false));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["refresh_token"], "");
        // The old login ended; the new cookie works.
        let response = with_cookie(&app, "/auth/refresh", &old)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{}", app.backend);
        let response = with_cookie(&app, "/auth/refresh", &new)
            .header(MODE.0, MODE.1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.backend);
    }
}

#[each_database]
async fn cookie_mode_answers_match_the_document() {
    for app in servers().await {
        let mut api = Conformance::new(&app).await;
        let staff = create_staff(&app.store, Role::Editor).await;
        let (login, refresh, logout) = ("/auth/login", "/auth/refresh", "/auth/logout");
        let credentials = json!({ "email": staff.email, "password": staff.password });
        let session = api
            .expect(
                "post",
                login,
                api.request(Method::POST, login, None)
                    .header(MODE.0, MODE.1)
                    .json(&credentials),
                200,
            )
            .await;
        assert_eq!(session["refresh_token"], "");
        let token = cookie_session(&app).await;
        let cookie = format!("masthead_refresh={token}");
        let bare = |path: &str| {
            app.request(Method::POST, path, None)
                .header("cookie", &cookie)
        };
        let forbidden = bare(refresh);
        api.expect("post", refresh, forbidden, 403).await;
        let foreign = bare(logout)
            .header(MODE.0, MODE.1)
            .header("origin", "https://evil.example");
        api.expect("post", logout, foreign, 403).await;
        let renewed = bare(refresh).header(MODE.0, MODE.1);
        api.expect("post", refresh, renewed, 200).await;
        let unknown = api
            .request(Method::POST, refresh, None)
            .header(MODE.0, MODE.1)
            .header("cookie", "masthead_refresh=never-issued");
        api.expect("post", refresh, unknown, 401).await;
        let out = api
            .request(Method::POST, logout, None)
            .header(MODE.0, MODE.1);
        api.expect("post", logout, out, 204).await;
    }
}
