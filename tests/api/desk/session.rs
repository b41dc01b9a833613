//! Signing in and out of the desk: the sign-in form and the signed-in shell
//! pass the accessibility scan, a wrong password shows the server's message,
//! a reload keeps the session (the refresh token rides in an `HttpOnly`,
//! `SameSite=Strict` cookie on the auth path, out of the page's reach), and
//! "Sign out" ends it: the server revokes the login and clears the cookie.

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

use super::{staff, Browser};
use crate::support::TestApp;

/// The refresh cookie (`crates/api/src/rest/refresh_cookie.rs`).
const REFRESH_COOKIE: &str = "masthead_refresh";

/// A page under the cookie's `Path` (nothing is served there: a 404). The
/// browser shows a cookie to WebDriver only on a page its path matches.
const UNDER_AUTH_PATH: &str = "/api/v1/auth/desk-cookie-probe";

/// What the server answers a sign-in it refuses: its problem's `detail`.
async fn refused_sign_in_message(app: &TestApp) -> String {
    let answer = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&json!({ "email": "nobody@newsroom.example", "password": "not the password" })),
        )
        .await;
    assert_eq!(answer.status(), 401, "{}", app.backend);
    let problem: Value = answer.json().await.unwrap();
    problem["detail"].as_str().unwrap().to_owned()
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_signs_in_to_the_articles_and_a_wrong_password_shows_the_servers_message() {
    for app in TestApp::spawn_all().await {
        let admin = staff(&app, Role::Admin).await;
        let refused = refused_sign_in_message(&app).await;
        let Some(browser) = Browser::start(&app, "session_sign_in").await else {
            return;
        };
        browser
            .run(async {
                browser.open("/desk").await;
                browser.field("E-mail").await;
                browser.wait_for_text("Sign in to the desk").await;
                browser.axe_scan("sign-in").await;

                browser.fill("E-mail", &admin.email).await;
                browser.fill("Password", "not the password").await;
                browser.click_button("Sign in").await;
                browser.wait_for_text(&refused).await;
                assert!(!browser.has_button("Sign out").await);
                browser.axe_scan("sign-in with an error").await;

                browser.fill("Password", &admin.password).await;
                browser.click_button("Sign in").await;
                browser.wait_for_text("Sign out").await;
                browser.wait_for_text("Test admin").await;
                assert_eq!(browser.text_of("main h1").await, "Articles");
                assert!(
                    browser.url().await.ends_with("/desk"),
                    "{}",
                    browser.url().await
                );
                for link in ["Articles", "Replies", "Tags", "Users", "My account"] {
                    assert!(browser.has_link(link).await, "an admin sees {link:?}");
                }
                assert!(!browser.has_text(&refused).await, "the error is gone");
                browser.axe_scan("articles (signed-in shell)").await;
            })
            .await;
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_keeps_the_session_in_an_http_only_cookie_and_sign_out_ends_it() {
    for app in TestApp::spawn_all().await {
        let editor = staff(&app, Role::Editor).await;
        let Some(browser) = Browser::start(&app, "session_reload").await else {
            return;
        };
        browser
            .run(async {
                browser.sign_in(&editor.email, &editor.password).await;
                browser.wait_for_text("Test editor").await;

                // A reload: the access token (in memory) is gone, the cookie
                // brings a new one.
                browser.reload().await;
                browser.wait_for_text("Sign out").await;
                browser.wait_for_text("Test editor").await;
                assert_eq!(browser.text_of("main h1").await, "Articles");
                assert!(
                    !browser
                        .is_shown(fantoccini::Locator::Css("input[type=password]"))
                        .await,
                    "no sign-in form after a reload"
                );

                // The page's script cannot read it…
                let readable = browser.execute("return document.cookie;", vec![]).await;
                assert!(
                    !readable
                        .as_str()
                        .unwrap_or_default()
                        .contains(REFRESH_COOKIE),
                    "document.cookie shows {readable}"
                );
                // …and the browser keeps it HttpOnly, SameSite=Strict, for the auth path only.
                browser.open(UNDER_AUTH_PATH).await;
                let cookies = browser.cookies().await;
                let cookie = cookies
                    .iter()
                    .find(|cookie| cookie.name() == REFRESH_COOKIE)
                    .unwrap_or_else(|| panic!("no {REFRESH_COOKIE} cookie among {cookies:?}"));
                assert_eq!(cookie.http_only(), Some(true), "{cookie:?}");
                assert_eq!(
                    cookie.same_site().map(|same_site| same_site.to_string()),
                    Some("Strict".to_owned()),
                    "{cookie:?}"
                );
                assert_eq!(cookie.path(), Some("/api/v1/auth"), "{cookie:?}");
                assert_ne!(
                    cookie.secure(),
                    Some(true),
                    "plain http: not Secure ({cookie:?})"
                );
                let token = cookie.value().to_owned();
                assert!(!token.is_empty());

                // Sign out: the sign-in form, also after a reload.
                browser.open("/desk").await;
                browser.wait_for_text("Test editor").await;
                browser.sign_out().await;
                browser.wait_for_no_text("Test editor").await;
                browser.reload().await;
                browser.field("E-mail").await;
                browser.wait_for_text("Sign in to the desk").await;
                assert!(!browser.has_button("Sign out").await);

                // The cookie is cleared and its login revoked on the server.
                browser.open(UNDER_AUTH_PATH).await;
                let cookies = browser.cookies().await;
                assert!(
                    cookies.iter().all(|cookie| cookie.name() != REFRESH_COOKIE),
                    "the cookie is cleared: {cookies:?}"
                );
                let answer = app
                    .send(
                        Method::POST,
                        "/api/v1/auth/refresh",
                        None,
                        Some(&json!({ "refresh_token": token })),
                    )
                    .await;
                assert_eq!(answer.status(), 401, "the signed-out login is revoked");
            })
            .await;
    }
}
