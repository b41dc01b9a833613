//! Small steps the writing, conflict and moderation flows share: the
//! README's screenshots ([`capture`]), a click scoped to one part of the page
//! ([`click_button_within`]), the structure of the preview
//! ([`preview_outline`]) and the admin article document over REST.

use std::path::PathBuf;
use std::time::Instant;

use fantoccini::Locator;
use reqwest::Method;
use serde_json::{json, Value};

use super::browser::WAIT;
use super::Browser;
use crate::support::{Session, TestApp};

/// The variable naming the directory the README's screenshots go to.
pub const SCREENSHOTS_ENV: &str = "DESK_SCREENSHOTS";

/// Where [`capture`] writes, when it writes: `$DESK_SCREENSHOTS` on the
/// SQLite run (one picture per screen, not one per database).
fn capture_dir(app: &TestApp) -> Option<PathBuf> {
    let dir = std::env::var_os(SCREENSHOTS_ENV).filter(|dir| !dir.is_empty())?;
    (app.backend == "sqlite").then(|| PathBuf::from(dir))
}

/// Whether [`capture`] writes pictures on this run.
pub fn capturing(app: &TestApp) -> bool {
    capture_dir(app).is_some()
}

/// Saves a PNG of the page as `$DESK_SCREENSHOTS/{name}.png` for the README
/// (the page's viewport made 1280×900 first); does nothing without the variable or on
/// PostgreSQL. The page is scrolled to the top first, and the focus ring
/// of whatever was clicked last is taken away.
pub async fn capture(browser: &Browser, app: &TestApp, name: &str) {
    let Some(dir) = capture_dir(app) else {
        return;
    };
    viewport(browser, 1280, 900).await;
    browser
        .execute(
            "window.scrollTo(0, 0);
             if (document.activeElement && document.activeElement !== document.body) {
               document.activeElement.blur();
             }",
            vec![],
        )
        .await;
    let png = browser
        .client()
        .screenshot()
        .await
        .unwrap_or_else(|error| panic!("screenshot {name}: {error}"));
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("create {}: {error}", dir.display()));
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    eprintln!("README screenshot: {}", path.display());
}

/// Resizes the window so the page's viewport is `width`×`height` (the
/// window's own frame comes on top of that, even headless).
async fn viewport(browser: &Browser, width: u32, height: u32) {
    let inner = browser
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await;
    let (inner_width, inner_height) = (
        inner[0].as_u64().unwrap_or_default() as u32,
        inner[1].as_u64().unwrap_or_default() as u32,
    );
    if (inner_width, inner_height) == (width, height) {
        return;
    }
    let (outer_width, outer_height) = browser
        .client()
        .get_window_size()
        .await
        .unwrap_or_else(|error| panic!("window size: {error}"));
    let frame =
        |outer: u64, inner: u32| u32::try_from(outer).unwrap_or(inner).saturating_sub(inner);
    browser
        .client()
        .set_window_size(
            width + frame(outer_width, inner_width),
            height + frame(outer_height, inner_height),
        )
        .await
        .unwrap_or_else(|error| panic!("resize the window: {error}"));
}

/// Clicks the visible, enabled `<button>` whose text (or `aria-label`) is
/// `text` inside the first element `scope` (an XPath) finds: e.g. "Approve"
/// on one reply's card among many. Waits for it (up to [`WAIT`]) and tries
/// again while the page redraws under the click.
pub async fn click_button_within(browser: &Browser, scope: &str, text: &str) {
    let xpath = format!(
        "({scope})[1]//button[normalize-space()={0} or @aria-label={0}]",
        literal(text)
    );
    let what = format!("button {text:?} in {scope}");
    let started = Instant::now();
    loop {
        let button = browser.wait_for(Locator::XPath(&xpath), &what).await;
        if button.is_enabled().await.unwrap_or(false) {
            match button.click().await {
                Ok(()) => return,
                Err(error) if started.elapsed() > WAIT => panic!("click {what}: {error}"),
                Err(_) => {}
            }
        } else if started.elapsed() > WAIT {
            panic!("{what} stayed disabled");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// `text` as an XPath 1.0 string literal (without both quote kinds).
pub fn literal(text: &str) -> String {
    assert!(
        !(text.contains('\'') && text.contains('"')),
        "{text:?}: one quote kind at most"
    );
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// What the editor's preview (`article.preview`) shows, read off the page:
/// `title`, `standfirst`, `headings` (each `h3`'s text, icon included),
/// `icons` (the section icons alone), `paragraphs`, `quotes` (`text`,
/// `speaker` from `<cite>`, `footer`, `icon`) and `lists` (each list's
/// `ordered` and item texts).
pub async fn preview_outline(browser: &Browser) -> Value {
    browser
        .wait_for(Locator::Css("article.preview"), "the preview")
        .await;
    browser
        .execute(
            "const root = document.querySelector('article.preview');
             const text = (el) => (el ? el.textContent.trim() : null);
             const all = (selector) => Array.from(root.querySelectorAll(selector));
             return {
               title: text(root.querySelector('.preview-title')),
               standfirst: text(root.querySelector('.standfirst')),
               headings: all('section > h3').map(text),
               icons: all('section > h3 .section-icon').map(text),
               paragraphs: all('section > p').map(text),
               quotes: all('blockquote.pull-quote').map((quote) => ({
                 text: text(quote.querySelector(':scope > p')),
                 speaker: text(quote.querySelector('cite')),
                 footer: text(quote.querySelector('footer')),
                 icon: text(quote.querySelector('.pull-quote-icon')),
               })),
               lists: all('section > ul, section > ol').map((list) => ({
                 ordered: list.tagName === 'OL',
                 items: Array.from(list.children).map(text),
               })),
             };",
            vec![],
        )
        .await
}

/// `GET /api/v1/admin/articles/{id}` as `session`: the stored document.
pub async fn admin_article(app: &TestApp, session: &Session, id: &str) -> Value {
    let answer = app
        .send(
            Method::GET,
            &format!("/api/v1/admin/articles/{id}"),
            Some(&session.access_token),
            None,
        )
        .await;
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{}: GET article {id}: {body}", app.backend);
    body
}

/// The article's id in the editor's address (`…/desk#/articles/{id}`).
pub fn article_id_in(url: &str) -> String {
    let (_, rest) = url
        .split_once("#/articles/")
        .unwrap_or_else(|| panic!("not an article's address: {url}"));
    let id = rest.split(['/', '?']).next().unwrap_or_default();
    assert!(!id.is_empty() && id != "new", "no article id in {url}");
    id.to_owned()
}

/// The text of a block as the tests compare it: a paragraph's Markdown, a
/// list's item sources, a pull quote's fields.
pub fn block_summary(block: &Value) -> Value {
    match block["type"].as_str() {
        Some("paragraph") => json!({ "paragraph": block["markdown"] }),
        Some("pull_quote") => json!({
            "pull_quote": block["text"],
            "speaker": block["speaker"],
            "context": block["context"],
            "icon": block["icon"],
        }),
        Some("list") => json!({
            "list": block["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| item["markdown"].clone())
                .collect::<Vec<_>>(),
            "ordered": block["ordered"],
        }),
        _ => block.clone(),
    }
}
