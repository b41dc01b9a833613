//! The screens no other flow passes through, scanned with axe-core: an
//! article's history comparing two revisions, the tags, and one's account.

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;

use super::Browser;
use crate::support::rest::document;
use crate::support::TestApp;

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn history_tags_and_account_pass_the_accessibility_scan() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Ferry timetable changes", "A Speaker"))
            .await;
        let id = created["id"].as_str().expect("an id").to_owned();
        let mut changed = document("Ferry timetable changes again", "A Speaker");
        changed["standfirst"] = "Winter sailings start a week early.".into();
        changed["authors"] = serde_json::json!([editor.user_id]);
        let saved = app
            .request(Method::PUT, &format!("/admin/articles/{id}"), Some(&editor))
            .header("if-match", format!("\"{}\"", created["version"]))
            .json(&changed)
            .send()
            .await
            .expect("PUT");
        let status = saved.status();
        assert_eq!(
            status,
            200,
            "{}: {}",
            app.backend,
            saved.text().await.unwrap_or_default()
        );

        let Some(browser) = Browser::start(&app, "screens").await else {
            return;
        };
        browser
            .run(async {
                browser.sign_in(&editor.email, &editor.password).await;
                browser
                    .open(&format!("/desk#/articles/{id}/history?from=1&to=2"))
                    .await;
                browser
                    .wait_for_text("Changes from revision 1 to revision 2")
                    .await;
                browser
                    .wait_for_text("Winter sailings start a week early.")
                    .await;
                browser.axe_scan("history").await;

                browser.click_link("Tags").await;
                browser.wait_for_text("Create tag").await;
                browser.axe_scan("tags").await;

                browser.click_link("My account").await;
                browser.wait_for_text("Repeat new password").await;
                browser.axe_scan("account").await;
            })
            .await;
    }
}
