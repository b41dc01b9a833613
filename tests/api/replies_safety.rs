//! What readers send is dangerous until proven otherwise: script payloads come
//! back escaped in `body_html` and verbatim in `body`, SQL-looking text is just
//! text, and no public response ever shows an e-mail address or a client's
//! network address.

use crate::reply_support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::{json, Value};

const PAYLOADS: &[&str] = &[
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a> javascript:alert(document.cookie)",
    "<svg/onload=alert(1)>",
    "\"><iframe src=//evil.example></iframe>",
    "＜script＞alert(1)＜/script＞",
    "https://example.org/\u{202E}gpj.exe",
    "<scr\u{200B}ipt>alert(1)</scr\u{200B}ipt>",
    "https://example.org/\"onmouseover=\"alert(1)",
];

fn assert_inert(html: &str, context: &str) {
    let lower = html.to_lowercase();
    for needle in ["<script", "<img", "<svg", "<iframe", "href=\"javascript"] {
        assert!(
            !lower.contains(needle),
            "{needle} survived in {html} ({context})"
        );
    }
    assert!(
        !html.contains('\u{202E}'),
        "direction override in {html} ({context})"
    );
    // The only markup left is line breaks and nofollow links with nothing else
    // in the tag (text such as `onerror=` is harmless once outside any tag).
    for tag in html.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or_default();
        let link = inside
            .strip_prefix("a href=\"http")
            .and_then(|rest| rest.strip_suffix("\" rel=\"nofollow ugc noopener\""))
            .is_some_and(|url| !url.contains('"'));
        assert!(
            inside == "br" || inside == "/a" || link,
            "unexpected markup <{inside}> in {html} ({context})"
        );
    }
}

#[each_database]
async fn script_payloads_come_back_escaped_in_body_html_and_verbatim_in_body() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let mut ids = Vec::new();
        for (index, payload) in PAYLOADS.iter().enumerate() {
            // Numbered so the repeat check never holds one back.
            let text = format!("{payload}\nnumber {index}");
            let (status, reply) = post_reply_json(&app, &open, &reader(&text), None).await;
            assert_eq!(status, 201, "{payload} ({}) {reply}", app.backend);
            assert_eq!(reply["body"], text.as_str(), "stored as given");
            assert_inert(reply["body_html"].as_str().unwrap(), "POST answer");
            ids.push((reply["id"].as_str().unwrap().to_owned(), text));
        }
        let (_, threads) = public_threads(&app, &open).await;
        for (id, text) in &ids {
            let node = find_node(&threads["data"], id).expect("listed");
            assert_eq!(node["body"], text.as_str(), "{}", app.backend);
            assert_inert(node["body_html"].as_str().unwrap(), "listing");
        }
        let fullwidth = find_node(&threads["data"], &ids[5].0).unwrap();
        assert!(fullwidth["body_html"]
            .as_str()
            .unwrap()
            .contains("＜script＞"));
        let quoted = find_node(&threads["data"], &ids[0].0).unwrap();
        assert!(quoted["body_html"]
            .as_str()
            .unwrap()
            .starts_with("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>"));

        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            json!({ "slug": open, "name": "<b>Bold</b>", "email": READER_EMAIL,
                    "body": "<script>alert(1)</script> over GraphQL" }),
        )
        .await;
        let reply = &answer["data"]["postReply"];
        assert_eq!(reply["authorName"], "<b>Bold</b>", "{answer}");
        assert_inert(reply["bodyHtml"].as_str().unwrap(), "GraphQL");
    }
}

#[each_database]
async fn links_become_nofollow_and_line_breaks_stay() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let text = unique("Read https://example.org/report?a=1&b=2\nthen decide");
        let (_, reply) = post_reply_json(&app, &open, &reader(&text), None).await;
        let html = reply["body_html"].as_str().unwrap();
        assert!(
            html.contains(
                "<a href=\"https://example.org/report?a=1&amp;b=2\" rel=\"nofollow ugc noopener\">"
            ),
            "{html}"
        );
        assert!(html.contains("<br>"), "{html}");
    }
}

#[each_database]
async fn sql_looking_text_is_stored_and_returned_verbatim() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let texts = [
            "'); DROP TABLE replies;--",
            "1' OR '1'='1",
            "Robert\"); DELETE FROM articles WHERE (\"1\"=\"1",
            "%' UNION SELECT author_email FROM replies --",
        ];
        let mut ids = Vec::new();
        for text in texts {
            let mut body = reader(text);
            body["author_name"] = json!(text);
            let (status, reply) = post_reply_json(&app, &open, &body, None).await;
            assert_eq!(status, 201, "{text} ({}) {reply}", app.backend);
            assert_eq!(reply["body"], text);
            assert_eq!(reply["author_name"], text);
            ids.push(reply["id"].as_str().unwrap().to_owned());
        }
        let (_, threads) = public_threads(&app, &open).await;
        for (id, text) in ids.iter().zip(texts) {
            let node = find_node(&threads["data"], id).expect("still there");
            assert_eq!(node["body"], text, "{}", app.backend);
        }
        // The tables are still there.
        let articles = app.get("/api/v1/articles").await;
        assert_eq!(articles.status(), 200, "{}", app.backend);
    }
}

#[each_database]
async fn no_public_response_contains_an_e_mail_address() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let email = format!("secret.{}@example.org", uuid::Uuid::now_v7().simple());
        let mut body = reader(&unique("Private address"));
        body["author_email"] = json!(email);
        let posted = post_reply(&app, &articles.open, &body, None).await;
        assert_eq!(posted.status(), 201, "{}", app.backend);
        let posted = posted.text().await.unwrap();
        assert!(!posted.contains(&email), "POST answer ({})", app.backend);
        assert!(!posted.contains("author_email"), "{posted}");
        let root: Value = serde_json::from_str(&posted).unwrap();
        let mut answer = reader(&unique("An answer"));
        answer["author_email"] = json!(email);
        answer["parent_id"] = root["id"].clone();
        post_reply(&app, &articles.open, &answer, None).await;

        let (listing, _) = public_threads(&app, &articles.open).await;
        assert!(!listing.contains(&email), "REST listing ({})", app.backend);
        assert!(
            !listing.contains('@'),
            "no address at all, demo ones included: {listing}"
        );
        let article = app
            .get(&format!("/api/v1/articles/{}", articles.open))
            .await
            .text()
            .await
            .unwrap();
        assert!(!article.contains(&email), "REST article ({})", app.backend);

        let gql = graphql_text(
            &app,
            None,
            POST_REPLY,
            json!({ "slug": articles.open, "name": "Ana", "email": email, "body": unique("GQL") }),
        )
        .await;
        assert!(gql.contains("postReply"), "{gql}");
        assert!(!gql.contains(&email), "GraphQL postReply ({})", app.backend);
        let gql = graphql_text(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { slug title } }",
            json!({ "slug": articles.open }),
        )
        .await;
        assert!(!gql.contains(&email), "GraphQL article ({})", app.backend);
        // Asking an anonymous question about the moderation queue shows nothing.
        let gql = graphql_text(
            &app,
            None,
            "{ replyQueue(status: null) { edges { node { authorEmail } } } }",
            json!({}),
        )
        .await;
        assert!(!gql.contains(&email), "{gql}");
        assert!(gql.contains("UNAUTHENTICATED"), "{gql}");
    }
}

#[each_database]
async fn the_client_address_is_kept_only_as_a_salted_hash() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let first = post_ok(&app, &open, "From one client", None, 201).await;
        let second = post_ok(&app, &open, "From the same client", None, 201).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let queue: Value = admin(
            &app,
            reqwest::Method::GET,
            &format!("?status=approved&article={open}&limit=100"),
            None,
            Some(&editor.access_token),
        )
        .await
        .json()
        .await
        .unwrap();
        let hash_of = |id: &str| {
            queue["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
                .map(|r| r["client_hash"].as_str().unwrap().to_owned())
                .expect("in the queue")
        };
        let hash = hash_of(&first);
        assert_eq!(hash.len(), 64, "{}", app.backend);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!hash.contains("127") && !queue.to_string().contains("127.0.0.1"));
        assert_eq!(hash, hash_of(&second), "same client, same hash");

        // Abuse review: the queue filtered by that client.
        let by_client: Value = admin(
            &app,
            reqwest::Method::GET,
            &format!("?status=all&client={hash}"),
            None,
            Some(&editor.access_token),
        )
        .await
        .json()
        .await
        .unwrap();
        let ids: Vec<&str> = by_client["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()));
        assert!(by_client["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["client_hash"] == hash.as_str()));
    }
}
