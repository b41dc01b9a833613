//! Writing in the desk: an author signs in, clicks "New article" and writes a
//! seed-shaped article in their own words — title, standfirst, three
//! sections with emoji headings, paragraphs with Markdown, a pull quote with
//! speaker, context and icon, a list — opens the preview and finds the
//! headings with their icons, the quote's speaker and context and the list
//! items there; saves ("Saved, version 1") and submits it for review. An
//! editor then reads it over REST: in review, every block as typed.

use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};

use super::steps::{admin_article, article_id_in, block_summary, capture, preview_outline};
use super::{staff, Browser};
use crate::support::TestApp;

const TITLE: &str = "The night ferry to Saltmere sails again";
const STANDFIRST: &str =
    "After a winter in dry dock, the late crossing returns on Monday with a new gangway and the old fares.";

/// `(heading, icon)` of the three sections.
const SECTIONS: [(&str, &str); 3] = [
    ("What happened", "🌊"),
    ("Who it serves", "🚢"),
    // Two code points (U+2696 U+FE0F): one emoji all the same.
    ("At stake", "⚖️"),
];

const LEDE: &str = "The **night ferry** between Port Averly and Saltmere sails again from Monday, \
                    after a winter in dry dock.";
const QUOTE: &str = "We missed the sound of the engines at midnight.";
const SPEAKER: &str = "Ines Calder";
const CONTEXT: &str = "a baker on the harbour wall";
const QUOTE_ICON: &str = "⚓";
const SERVES: &str = "Shift workers at the container terminal asked for the late crossing; \
                      the council paid for a *new* gangway.";
const STAKE: &str = "Three questions remain before the summer timetable is printed:";
const ITEMS: [&str; 3] = [
    "Whether fares stay at *four* crowns",
    "Who staffs the ticket office after ten",
    "How the ferry copes with [storm surges](https://example.org/surges)",
];
/// The list items as the preview shows them (Markdown rendered).
const ITEM_TEXTS: [&str; 3] = [
    "Whether fares stay at four crowns",
    "Who staffs the ticket office after ten",
    "How the ferry copes with storm surges",
];

/// Fills in a section's heading and icon (the icon by script: WebDriver
/// cannot type characters beyond the Basic Multilingual Plane).
async fn heading(browser: &Browser, section: usize) {
    let (words, icon) = SECTIONS[section - 1];
    browser
        .fill(&format!("Section {section} heading"), words)
        .await;
    browser
        .set_value(&format!("Section {section} icon"), icon)
        .await;
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_writes_previews_saves_and_submits_a_seed_shaped_article() {
    for app in TestApp::spawn_all().await {
        let author = staff(&app, Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let Some(browser) = Browser::start(&app, "writing_new_article").await else {
            return;
        };
        let mut id = String::new();
        browser
            .run(async {
                browser.open("/desk").await;
                browser.field("E-mail").await;
                capture(&browser, &app, "sign-in").await;
                browser.sign_in(&author.email, &author.password).await;
                browser.wait_for_text("(author)").await;
                browser.wait_for_text("Newest change first").await;
                capture(&browser, &app, "articles").await;

                browser.click_link("New article").await;
                browser.wait_for_text("Section 1 (lede)").await;
                assert_eq!(browser.text_of("main h1").await, "New article");

                browser.fill("Title", TITLE).await;
                assert_eq!(
                    browser.value_of("Slug").await,
                    "the-night-ferry-to-saltmere-sails-again",
                    "the slug follows the title"
                );
                browser.fill("Standfirst", STANDFIRST).await;

                // Section 1: heading, the lede paragraph (there from the start), a pull quote.
                heading(&browser, 1).await;
                browser
                    .fill("Section 1, block 1 paragraph (Markdown)", LEDE)
                    .await;
                browser.click_button("Add pull quote to section 1").await;
                browser
                    .fill("Section 1, block 2 pull quote text", QUOTE)
                    .await;
                browser
                    .fill("Section 1, block 2 pull quote speaker", SPEAKER)
                    .await;
                browser
                    .fill("Section 1, block 2 pull quote context", CONTEXT)
                    .await;
                browser
                    .set_value("Section 1, block 2 pull quote icon", QUOTE_ICON)
                    .await;

                // Section 2: heading and a paragraph.
                browser.click_button("Add section").await;
                heading(&browser, 2).await;
                browser
                    .fill("Section 2, block 1 paragraph (Markdown)", SERVES)
                    .await;

                // Section 3: heading, a paragraph and a list, one item a line.
                browser.click_button("Add section").await;
                heading(&browser, 3).await;
                browser
                    .fill("Section 3, block 1 paragraph (Markdown)", STAKE)
                    .await;
                browser.click_button("Add list to section 3").await;
                browser
                    .fill(
                        "Section 3, block 2 list items (one per line)",
                        &ITEMS.join("\n"),
                    )
                    .await;
                browser.wait_for_text("Unsaved changes").await;

                // The preview, as a reader sees it.
                browser.click_button("Show preview").await;
                browser.wait_for_text("Preview — not saved until you save").await;
                let preview = preview_outline(&browser).await;
                assert_eq!(preview["title"], TITLE, "{preview:#}");
                assert_eq!(preview["standfirst"], STANDFIRST, "{preview:#}");
                let headings: Vec<String> = SECTIONS
                    .iter()
                    .map(|(words, icon)| format!("{icon} {words}"))
                    .collect();
                assert_eq!(preview["headings"], json!(headings), "{preview:#}");
                assert_eq!(
                    preview["icons"],
                    json!(SECTIONS.map(|(_, icon)| icon)),
                    "{preview:#}"
                );
                let quotes = preview["quotes"].as_array().expect("quotes");
                assert_eq!(quotes.len(), 1, "{preview:#}");
                assert_eq!(quotes[0]["text"], QUOTE);
                assert_eq!(quotes[0]["speaker"], SPEAKER);
                assert_eq!(quotes[0]["footer"], format!("— {SPEAKER}, {CONTEXT}"));
                assert_eq!(quotes[0]["icon"], QUOTE_ICON);
                assert_eq!(
                    preview["lists"],
                    json!([{ "ordered": false, "items": ITEM_TEXTS }]),
                    "{preview:#}"
                );
                assert_eq!(
                    preview["paragraphs"],
                    json!([
                        "The night ferry between Port Averly and Saltmere sails again from Monday, after a winter in dry dock.",
                        "Shift workers at the container terminal asked for the late crossing; the council paid for a new gangway.",
                        STAKE,
                    ]),
                    "the Markdown is rendered: {preview:#}"
                );
                browser.axe_scan("editor with the preview").await;
                capture(&browser, &app, "editor-preview").await;

                browser.click_button("Save").await;
                browser.wait_for_text("Saved, version 1").await;
                assert_eq!(browser.text_of("main h1").await, "Edit article");
                id = article_id_in(&browser.url().await);
                browser.wait_for_text("Version 1, no unsaved changes").await;
                assert_eq!(browser.value_of("Title").await, TITLE);

                browser.click_button("Submit for review").await;
                browser.wait_for_text("Submitted for review.").await;
                browser.wait_for_text("Status: In review").await;
                assert!(
                    !browser.has_button("Submit for review").await,
                    "submitted once"
                );
                assert!(
                    !browser.has_button("Publish now").await,
                    "an author does not publish"
                );
                browser.axe_scan("editor after submitting").await;
            })
            .await;

        let article = admin_article(&app, &editor, &id).await;
        assert_eq!(
            article["status"], "in_review",
            "{}: {article:#}",
            app.backend
        );
        assert_eq!(article["title"], TITLE);
        assert_eq!(article["standfirst"], STANDFIRST);
        assert_eq!(article["slug"], "the-night-ferry-to-saltmere-sails-again");
        assert_eq!(article["reply_policy"], "moderated", "the desk's default");
        assert_eq!(article["authors"][0]["id"], author.user_id.as_str());
        let sections = article["sections"].as_array().expect("sections");
        assert_eq!(sections.len(), 3, "{}: {article:#}", app.backend);
        for (section, (words, icon)) in sections.iter().zip(SECTIONS) {
            assert_eq!(section["heading"], words, "{section:#}");
            assert_eq!(section["icon"], icon, "{section:#}");
        }
        let blocks: Vec<Vec<Value>> = sections
            .iter()
            .map(|section| {
                section["blocks"]
                    .as_array()
                    .expect("blocks")
                    .iter()
                    .map(block_summary)
                    .collect()
            })
            .collect();
        assert_eq!(
            blocks,
            vec![
                vec![
                    json!({ "paragraph": LEDE }),
                    json!({ "pull_quote": QUOTE, "speaker": SPEAKER, "context": CONTEXT, "icon": QUOTE_ICON }),
                ],
                vec![json!({ "paragraph": SERVES })],
                vec![
                    json!({ "paragraph": STAKE }),
                    json!({ "list": ITEMS, "ordered": false }),
                ],
            ],
            "{}: the blocks as typed",
            app.backend
        );
    }
}
