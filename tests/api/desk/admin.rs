//! The admin screens by role: an admin creates an editor on "Users" and the
//! generated password is shown once; the editor signs in with it. An author
//! is not offered the admin screens, gets "not here" when typing their
//! address, and the server refuses the author anyway (`403`).

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;

use super::{staff, Browser};
use crate::support::TestApp;

/// What the desk says on a screen that does not exist or is not the role's
/// (`NotFound` in `crates/api/assets/desk/main.js`).
const NOT_HERE: &str = "This screen does not exist or is not open to your role.";

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_editor_who_signs_in_with_the_password_shown_once() {
    for app in TestApp::spawn_all().await {
        let admin = staff(&app, Role::Admin).await;
        let email = format!("rosa-{}@newsroom.example", uuid::Uuid::now_v7().simple());
        let Some(browser) = Browser::start(&app, "admin_creates_editor").await else {
            return;
        };
        browser
            .run(async {
                browser.sign_in(&admin.email, &admin.password).await;
                browser.click_link("Users").await;
                browser.wait_for_text(&admin.email).await;
                assert_eq!(browser.text_of("main h1").await, "Users");
                browser.axe_scan("users").await;

                browser.fill("Display name", "Rosa Field").await;
                browser.fill("E-mail", &email).await;
                browser.fill("Role", "Editor").await;
                // "Password (optional)" left empty: the server makes one up.
                browser.click_button("Create user").await;
                let password = browser.definition("Generated password (shown once)").await;
                assert!(password.len() >= 12, "a generated password: {password:?}");
                browser
                    .wait_for_text(&format!("Created Rosa Field ({email}) as editor."))
                    .await;
                assert_eq!(
                    browser.value_of("Display name").await,
                    "",
                    "the form is emptied"
                );
                browser.axe_scan("users with the new password").await;

                // Shown once: gone when the screen is drawn again.
                browser.reload().await;
                browser.wait_for_text("Rosa Field").await;
                assert!(
                    !browser.has_text(&password).await,
                    "the password is shown once"
                );

                browser.sign_out().await;
                browser.sign_in(&email, &password).await;
                browser.wait_for_text("Rosa Field").await;
                browser.wait_for_text("(editor)").await;
                assert!(
                    !browser.has_link("Users").await,
                    "an editor has no Users screen"
                );
            })
            .await;
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_is_not_offered_the_admin_screens_and_the_server_refuses_them() {
    for app in TestApp::spawn_all().await {
        // Signed in over HTTP too: the same account's token for the API check.
        let author = app.sign_in_new(Role::Author).await;
        let Some(browser) = Browser::start(&app, "admin_author_refused").await else {
            return;
        };
        browser
            .run(async {
                browser.sign_in(&author.email, &author.password).await;
                browser.wait_for_text("(author)").await;
                assert!(browser.has_link("Articles").await);
                assert!(browser.has_link("My account").await);
                for screen in ["Users", "Tags", "Replies"] {
                    assert!(
                        !browser.has_link(screen).await,
                        "an author is not offered {screen:?}"
                    );
                }

                for path in ["users", "tags", "replies"] {
                    browser.open(&format!("/desk#/{path}")).await;
                    browser.wait_for_text(NOT_HERE).await;
                    assert_eq!(browser.text_of("main h1").await, "Not here", "#/{path}");
                }
                browser.axe_scan("not here").await;
            })
            .await;

        // Hiding is not the defence: the server refuses the author's token.
        for path in ["/api/v1/admin/users", "/api/v1/admin/users?limit=5"] {
            let answer = app
                .send(Method::GET, path, Some(&author.access_token), None)
                .await;
            assert_eq!(answer.status(), 403, "{path} ({})", app.backend);
        }
    }
}
