//! The desk's browser harness: Debian's Chromium, headless, driven over
//! WebDriver (`chromedriver`, one per test on a free port) with `fantoccini`.
//!
//! ```ignore
//! let Some(browser) = Browser::start(&app, "session_reload").await else { return };
//! browser.run(async {
//!     browser.sign_in(&email, &password).await;
//!     browser.axe_scan("articles").await;
//! }).await;
//! ```
//!
//! Without `chromium` or `chromedriver` on the `PATH`, [`Browser::start`]
//! prints why and answers `None`: the test passes, skipped. Every helper waits
//! (up to [`WAIT`]) for what it needs and panics with the page's state when it
//! does not come. [`Browser::run`] wraps a flow: when it fails, a screenshot
//! of the page is written to `target/desk-screenshots/<test>-<db>.png` and the
//! browser's console is printed; when it passes, the console must hold no
//! Content-Security-Policy violation and no uncaught script error.
//!
//! Elements are found the way a person finds them: inputs by the text of
//! their `<label>`, buttons and links by their visible text.

// Helpers for the flows still to come are kept even while unused.
#![allow(dead_code)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::support::TestApp;

/// How long a helper waits for the page to show what it looks for.
pub const WAIT: Duration = Duration::from_secs(10);

/// How often a waiting helper looks again.
const POLL: Duration = Duration::from_millis(100);

/// What a machine without a browser prints (the test then passes).
pub const SKIPPED: &str =
    "SKIPPED: desk browser tests need chromium and chromium-driver (apt-get install chromium chromium-driver)";

/// axe-core, vendored for the tests only (`tests/vendor/axe-core`).
const AXE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// Browsers open at once across the test binary: each is a few hundred MB,
/// and the rest of the suite runs beside them.
static BROWSERS: Semaphore = Semaphore::const_new(4);

/// One headless Chromium on one test server.
pub struct Browser {
    client: Client,
    driver: Child,
    /// `http://127.0.0.1:PORT` of chromedriver.
    driver_url: String,
    /// `http://127.0.0.1:PORT` of the server under test.
    base: String,
    /// `<test>-<db>`: names the screenshot of a failure.
    name: String,
    http: reqwest::Client,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// A browser for `app`, for the test called `test` (screenshots are named
    /// `<test>-<db>`); `None` (after printing [`SKIPPED`]) when Chromium or
    /// chromedriver is not installed.
    pub async fn start(app: &TestApp, test: &str) -> Option<Self> {
        let (Some(chromium), Some(chromedriver)) = (program("chromium"), program("chromedriver"))
        else {
            eprintln!("{SKIPPED}");
            return None;
        };
        let permit = BROWSERS
            .acquire()
            .await
            .expect("the browser semaphore is never closed");
        let http = reqwest::Client::new();
        let mut failures = Vec::new();
        // A free port can be taken between finding it and chromedriver binding
        // it: then chromedriver exits, and another port is tried.
        for _ in 0..3 {
            let port = free_port();
            let mut driver = Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let driver_url = format!("http://127.0.0.1:{port}");
            match wait_until_ready(&http, &driver_url, &mut driver).await {
                Ok(()) => {
                    let client = match connect(&driver_url, &chromium).await {
                        Ok(client) => client,
                        Err(error) => {
                            let _ = driver.kill();
                            let _ = driver.wait();
                            panic!(
                                "start Chromium ({}) over WebDriver: {error}",
                                chromium.display()
                            );
                        }
                    };
                    return Some(Self {
                        client,
                        driver,
                        driver_url,
                        base: app.address.clone(),
                        name: format!("{test}-{}", app.backend),
                        http,
                        _permit: permit,
                    });
                }
                Err(why) => {
                    let _ = driver.kill();
                    let _ = driver.wait();
                    failures.push(why);
                }
            }
        }
        panic!("chromedriver did not start: {failures:?}");
    }

    /// Runs `flow`. When it panics: writes a screenshot of the page to
    /// `target/desk-screenshots/<test>-<db>.png`, prints the page's address
    /// and the browser console, and panics again. When it passes: fails if
    /// the console shows a Content-Security-Policy violation or an uncaught
    /// error. The browser is closed either way.
    pub async fn run(&self, flow: impl Future<Output = ()>) {
        let outcome = AssertUnwindSafe(flow).catch_unwind().await;
        let problems = match &outcome {
            Ok(()) => page_errors(&self.console_log().await),
            Err(_) => Vec::new(),
        };
        if outcome.is_err() || !problems.is_empty() {
            self.report_failure().await;
        }
        let _ = tokio::time::timeout(WAIT, self.client.clone().close()).await;
        match outcome {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => assert!(
                problems.is_empty(),
                "{}: the browser reported errors:\n{}",
                self.name,
                problems.join("\n")
            ),
        }
    }

    /// What a failed flow leaves behind: the screenshot, the URL, the console.
    async fn report_failure(&self) {
        let shot = tokio::time::timeout(WAIT, self.client.screenshot()).await;
        match shot {
            Ok(Ok(png)) => {
                let path = screenshot_path(&self.name);
                match std::fs::write(&path, png) {
                    Ok(()) => eprintln!("{}: screenshot in {}", self.name, path.display()),
                    Err(error) => eprintln!("{}: no screenshot ({error})", self.name),
                }
            }
            Ok(Err(error)) => eprintln!("{}: no screenshot ({error})", self.name),
            Err(_) => eprintln!("{}: no screenshot (timed out)", self.name),
        }
        if let Ok(Ok(url)) = tokio::time::timeout(WAIT, self.client.current_url()).await {
            eprintln!("{}: at {url}", self.name);
        }
        eprintln!("{}: browser console:", self.name);
        for entry in self.console_log().await {
            eprintln!(
                "  [{}] {}",
                entry["level"].as_str().unwrap_or("?"),
                entry["message"].as_str().unwrap_or_default()
            );
        }
    }

    /// The WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `http://127.0.0.1:PORT` of the server under test.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Goes to `path` on the server (e.g. `/desk`, `/desk#/users`).
    pub async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|error| panic!("{}: open {url}: {error}", self.name));
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client
            .refresh()
            .await
            .unwrap_or_else(|error| panic!("{}: reload: {error}", self.name));
    }

    /// The page's address now.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|error| panic!("{}: current URL: {error}", self.name))
            .to_string()
    }

    /// Runs `script` in the page (a function body: `arguments`, `return`).
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|error| panic!("{}: script failed: {error}\n{script}", self.name))
    }

    /// The page's visible text (`document.body.innerText`).
    pub async fn page_text(&self) -> String {
        self.execute(
            "return document.body ? document.body.innerText : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Whether the page's visible text contains `text` now.
    pub async fn has_text(&self, text: &str) -> bool {
        self.page_text().await.contains(text)
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let started = Instant::now();
        loop {
            let page = self.page_text().await;
            if page.contains(text) {
                return;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "{}: {text:?} did not appear within {WAIT:?}; the page says:\n{page}",
                    self.name
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page's visible text no longer contains `text`.
    pub async fn wait_for_no_text(&self, text: &str) {
        let started = Instant::now();
        loop {
            let page = self.page_text().await;
            if !page.contains(text) {
                return;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "{}: {text:?} was still shown after {WAIT:?}; the page says:\n{page}",
                    self.name
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element `locator` finds that is displayed, waiting for one;
    /// `what` names it in the failure.
    pub async fn wait_for(&self, locator: Locator<'_>, what: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Ok(found) = self.client.find_all(locator).await {
                for element in found {
                    if element.is_displayed().await.unwrap_or(false) {
                        return element;
                    }
                }
            }
            if started.elapsed() > WAIT {
                panic!(
                    "{}: no visible {what} within {WAIT:?}; the page says:\n{}",
                    self.name,
                    self.page_text().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether a displayed element matches `locator` now (no waiting).
    pub async fn is_shown(&self, locator: Locator<'_>) -> bool {
        for element in self.client.find_all(locator).await.unwrap_or_default() {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// The visible text of the first element matching the CSS `selector`.
    pub async fn text_of(&self, selector: &str) -> String {
        let element = self.wait_for(Locator::Css(selector), selector).await;
        element
            .text()
            .await
            .unwrap_or_else(|error| panic!("{}: text of {selector}: {error}", self.name))
    }

    /// The visible text of the `<dd>` after the `<dt>` whose text is `term`
    /// (a value the page shows under a caption, e.g. a generated password).
    pub async fn definition(&self, term: &str) -> String {
        let xpath = format!(
            "//dt[normalize-space()={}]/following-sibling::dd[1]",
            xpath_literal(term)
        );
        let element = self
            .wait_for(Locator::XPath(&xpath), &format!("the value of {term:?}"))
            .await;
        element
            .text()
            .await
            .unwrap_or_else(|error| panic!("{}: text of {term:?}: {error}", self.name))
    }

    /// The input, textarea or select labelled `label` (its `<label>`'s text,
    /// whitespace-normalized, is exactly `label`; the label's `for` names it),
    /// waiting for it (and looking again when the page redraws under it).
    pub async fn field(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space()={}]", xpath_literal(label));
        let started = Instant::now();
        loop {
            let label_element = self
                .wait_for(Locator::XPath(&xpath), &format!("label {label:?}"))
                .await;
            let problem = match label_element.attr("for").await {
                Ok(Some(id)) => {
                    let css = format!("[id=\"{}\"]", id.replace('"', "\\\""));
                    match self.client.find(Locator::Css(&css)).await {
                        Ok(field) => return field,
                        Err(error) => format!("label {label:?} is for #{id}, not found: {error}"),
                    }
                }
                Ok(None) => panic!("{}: the label {label:?} has no `for`", self.name),
                // Stale: the screen was redrawn between finding and reading.
                Err(error) => format!("label {label:?}: {error}"),
            };
            if started.elapsed() > WAIT {
                panic!("{}: {problem}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Types `value` into the field labelled `label`, replacing what it held
    /// (a select: chooses the option whose text is `value`).
    pub async fn fill(&self, label: &str, value: &str) {
        let started = Instant::now();
        loop {
            let field = self.field(label).await;
            let tag = field.tag_name().await.unwrap_or_default().to_lowercase();
            let outcome = if tag == "select" {
                field.select_by_label(value).await
            } else {
                // Select all and delete, as a person would: the app hears every
                // change as `input` events (WebDriver's Clear may not fire them).
                match field.send_keys("\u{E009}a\u{E000}\u{E003}").await {
                    Ok(()) => field.send_keys(value).await,
                    Err(error) => Err(error),
                }
            };
            match outcome {
                Ok(()) => return,
                Err(error) if transient(&error) && started.elapsed() < WAIT => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => panic!("{}: fill {label:?}: {error}", self.name),
            }
        }
    }

    /// Sets the field labelled `label` to `value` by script, for inputs a
    /// keyboard fills awkwardly (`datetime-local`, `date`, `color`): sets
    /// `value` and fires `input` and `change`.
    pub async fn set_value(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        let element = serde_json::to_value(&field).expect("an element reference");
        self.execute(
            "const [field, value] = arguments;
             const proto = Object.getPrototypeOf(field);
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(field, value);
             field.dispatchEvent(new Event('input', { bubbles: true }));
             field.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![element, json!(value)],
        )
        .await;
    }

    /// The current value of the field labelled `label`.
    pub async fn value_of(&self, label: &str) -> String {
        let field = self.field(label).await;
        field
            .prop("value")
            .await
            .unwrap_or_else(|error| panic!("{}: value of {label:?}: {error}", self.name))
            .unwrap_or_default()
    }

    /// Ticks (or unticks) the checkbox labelled `label`.
    pub async fn set_checked(&self, label: &str, checked: bool) {
        let field = self.field(label).await;
        let now = field.is_selected().await.unwrap_or(false);
        if now != checked {
            field
                .click()
                .await
                .unwrap_or_else(|error| panic!("{}: tick {label:?}: {error}", self.name));
        }
    }

    /// Clicks the first visible `<button>` whose text is `text`, once it is
    /// enabled.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!(
            "//button[normalize-space()={0} or @aria-label={0}]",
            xpath_literal(text)
        );
        let started = Instant::now();
        loop {
            let button = self
                .wait_for(Locator::XPath(&xpath), &format!("button {text:?}"))
                .await;
            let outcome = match button.is_enabled().await {
                Ok(true) => button.click().await,
                Ok(false) if started.elapsed() > WAIT => {
                    panic!("{}: the button {text:?} stayed disabled", self.name)
                }
                Ok(false) => {
                    tokio::time::sleep(POLL).await;
                    continue;
                }
                Err(error) => Err(error),
            };
            match outcome {
                Ok(()) => return,
                Err(error) if transient(&error) && started.elapsed() < WAIT => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => panic!("{}: click {text:?}: {error}", self.name),
            }
        }
    }

    /// Clicks the first visible link whose text is `text`.
    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[normalize-space()={}]", xpath_literal(text));
        let started = Instant::now();
        loop {
            let link = self
                .wait_for(Locator::XPath(&xpath), &format!("link {text:?}"))
                .await;
            match link.click().await {
                Ok(()) => return,
                Err(error) if transient(&error) && started.elapsed() < WAIT => {
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => panic!("{}: click link {text:?}: {error}", self.name),
            }
        }
    }

    /// Whether a visible button with text `text` is on the page now.
    pub async fn has_button(&self, text: &str) -> bool {
        let xpath = format!("//button[normalize-space()={}]", xpath_literal(text));
        self.is_shown(Locator::XPath(&xpath)).await
    }

    /// Whether a visible link with text `text` is on the page now.
    pub async fn has_link(&self, text: &str) -> bool {
        let xpath = format!("//a[normalize-space()={}]", xpath_literal(text));
        self.is_shown(Locator::XPath(&xpath)).await
    }

    /// Accepts the `confirm`/`alert` dialog the page opened (waiting for it)
    /// and answers its text.
    pub async fn accept_dialog(&self) -> String {
        let started = Instant::now();
        loop {
            if let Ok(text) = self.client.get_alert_text().await {
                self.client
                    .accept_alert()
                    .await
                    .unwrap_or_else(|error| panic!("{}: accept dialog: {error}", self.name));
                return text;
            }
            if started.elapsed() > WAIT {
                panic!("{}: no dialog opened within {WAIT:?}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The cookies WebDriver shows for the current page (those whose domain
    /// and path match its address, `HttpOnly` ones included).
    pub async fn cookies(&self) -> Vec<fantoccini::cookies::Cookie<'static>> {
        self.client
            .get_all_cookies()
            .await
            .unwrap_or_else(|error| panic!("{}: cookies: {error}", self.name))
    }

    /// Signs in at `/desk` with the sign-in form and waits for the shell.
    /// (Signed in already, the form never comes: [`Browser::sign_out`] first.)
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.open("/desk").await;
        self.field("E-mail").await;
        self.fill("E-mail", email).await;
        self.fill("Password", password).await;
        self.click_button("Sign in").await;
        self.wait_for(
            Locator::XPath("//button[normalize-space()='Sign out']"),
            "the signed-in shell (a \"Sign out\" button)",
        )
        .await;
    }

    /// Clicks "Sign out" and waits for the sign-in form: the server has
    /// revoked the login and cleared the cookie by then. (Opening a page
    /// before that would abort the request and keep the session.)
    pub async fn sign_out(&self) {
        self.click_button("Sign out").await;
        let started = Instant::now();
        while self.has_button("Sign out").await {
            if started.elapsed() > WAIT {
                panic!("{}: still signed in {WAIT:?} after \"Sign out\"", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
        self.wait_for(
            Locator::XPath("//button[normalize-space()='Sign in']"),
            "the sign-in form's \"Sign in\" button",
        )
        .await;
    }

    /// Writes a PNG of the page to `target/desk-screenshots/{name}.png` and
    /// answers its path (for the README's pictures, or to look at a screen).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|error| panic!("{}: screenshot: {error}", self.name));
        let path = screenshot_path(name);
        std::fs::write(&path, png)
            .unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
        path
    }

    /// Runs axe-core on the page as it is now and fails listing every
    /// `serious` or `critical` violation (rule, help, the first elements).
    /// `screen` names the screen in the failure. The script is injected over
    /// WebDriver (the page's Content-Security-Policy does not apply to it).
    pub async fn axe_scan(&self, screen: &str) {
        let loaded = self
            .execute("return typeof window.axe === 'object';", vec![])
            .await;
        if loaded != json!(true) {
            self.execute(&format!("{AXE}\n;return typeof window.axe;"), vec![])
                .await;
        }
        let answer = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then((results) => done({ violations: results.violations.map((v) => ({
                      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, html: n.html })),
                      count: v.nodes.length })) }))
                   .catch((error) => done({ error: String(error) }));",
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("{}: axe on {screen}: {error}", self.name));
        if let Some(error) = answer["error"].as_str() {
            panic!("{}: axe could not scan {screen}: {error}", self.name);
        }
        let violations = answer["violations"].as_array().cloned().unwrap_or_default();
        let blocking: Vec<String> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                let nodes: Vec<String> = v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|node| format!("      {} {}", node["target"], node["html"]))
                    .collect();
                format!(
                    "  {} ({}): {} [{} element(s)] {}\n{}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or_default(),
                    v["count"],
                    v["helpUrl"].as_str().unwrap_or_default(),
                    nodes.join("\n")
                )
            })
            .collect();
        assert!(
            blocking.is_empty(),
            "{}: axe-core finds serious or critical violations on the {screen} screen:\n{}",
            self.name,
            blocking.join("\n")
        );
    }

    /// The browser console since the last call (chromedriver's log: each
    /// entry has `level`, `message`, `source`), empty when unavailable.
    pub async fn console_log(&self) -> Vec<Value> {
        let Ok(Ok(Some(session))) = tokio::time::timeout(WAIT, self.client.session_id()).await
        else {
            return Vec::new();
        };
        // Not in the W3C protocol; chromedriver keeps Selenium's endpoint.
        let answer = self
            .http
            .post(format!("{}/session/{session}/se/log", self.driver_url))
            .json(&json!({ "type": "browser" }))
            .timeout(WAIT)
            .send()
            .await;
        let Ok(answer) = answer else {
            return Vec::new();
        };
        let body: Value = answer.json().await.unwrap_or_default();
        body["value"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // `run` closed the session (Chromium has quit); chromedriver goes now.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether `error` comes from the page redrawing under a command (the
/// element replaced, or covered for a moment): worth another try.
fn transient(error: &fantoccini::error::CmdError) -> bool {
    let text = error.to_string();
    ["stale element", "click intercepted", "not interactable"]
        .iter()
        .any(|kind| text.contains(kind))
}

/// Console entries that fail a flow that otherwise passed: policy
/// violations and uncaught script errors. (Failed requests, such as the
/// `401` of the session check before sign-in, are the app's business.)
fn page_errors(log: &[Value]) -> Vec<String> {
    log.iter()
        .filter_map(|entry| {
            let message = entry["message"].as_str().unwrap_or_default();
            let source = entry["source"].as_str().unwrap_or_default();
            let policy = source == "security" || message.contains("Content Security Policy");
            let uncaught = source == "javascript" && message.contains("Uncaught");
            (policy || uncaught).then(|| format!("  [{source}] {message}"))
        })
        .collect()
}

/// Starts the WebDriver session: headless Chromium with its console logged.
async fn connect(
    driver_url: &str,
    chromium: &std::path::Path,
) -> Result<Client, fantoccini::error::NewSessionError> {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--no-first-run",
                "--lang=en-GB",
            ],
        }),
    );
    capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver_url)
        .await
}

/// Waits for chromedriver's `/status` to say it is ready; an error when it
/// exits first or takes longer than [`WAIT`].
async fn wait_until_ready(
    http: &reqwest::Client,
    driver_url: &str,
    driver: &mut Child,
) -> Result<(), String> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!("chromedriver exited ({status})"));
        }
        if let Ok(answer) = http
            .get(format!("{driver_url}/status"))
            .timeout(Duration::from_secs(1))
            .send()
            .await
        {
            let body: Value = answer.json().await.unwrap_or_default();
            if body["value"]["ready"] == json!(true) {
                return Ok(());
            }
        }
        if started.elapsed() > WAIT {
            return Err(format!(
                "chromedriver not ready at {driver_url} after {WAIT:?}"
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A TCP port free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// `name` on the `PATH`, if there.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `target/desk-screenshots/{name}.png` (the directory made when missing).
fn screenshot_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("desk-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(format!("{name}.png"))
}

/// `text` as an XPath string literal (XPath 1.0 has no escapes: a text with
/// both quote kinds becomes `concat(…)`).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
