//! NewsArticle JSON-LD on REST (`structured_data`) and GraphQL
//! (`structuredData`): every required property present and typed, a headline
//! holding `</script>` cannot close the script element, a draft has none.

use crate::support;

use masthead_domain::{ArticleInput, BlockContentInput, Lifecycle, Role, SectionInput};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published};
use support::TestApp;

const HOSTILE: &str = "Bridge </script><script>alert(1)</script> & more";

const QUERY: &str =
    "query($slug: String!) { article(slug: $slug) { structuredData structuredDataScript } }";

/// Reads the JSON-LD text as a browser would, asserting it is script-safe.
fn parse(text: &str) -> Value {
    assert!(!text.contains('<'), "script-safe: {text}");
    assert!(!text.contains('>'), "script-safe: {text}");
    serde_json::from_str(text).unwrap()
}

#[each_database]
async fn a_public_article_carries_news_article_json_ld_that_cannot_break_out_of_its_script() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.public_url = "https://news.example".to_owned();
        settings.site.site_name = "The Ledger".to_owned();
        settings.site.site_language = "en-GB".to_owned();
        settings.site.publisher_logo_url = Some("https://news.example/logo.png".to_owned());
    })
    .await
    {
        let ada = content::staff(&app.store, "Ada Ld", Role::Author).await;
        let city = content::tag(&app.store, "City").await;
        let rivers = content::tag(&app.store, "Rivers").await;
        let input = ArticleInput {
            title: HOSTILE.into(),
            standfirst: Some("A standfirst with <b>tags</b>.".into()),
            sections: vec![SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph {
                    text: "Four words right here.".into(),
                }
                .into()],
            }],
            authors: vec![ada.id],
            tags: vec![city.id, rivers.id],
            feature_image_url: Some("https://images.example/bridge.jpg".into()),
            feature_image_alt: Some("The bridge".into()),
            ..ArticleInput::default()
        };
        let article = app
            .store
            .articles()
            .create(input.validate().unwrap(), published(2))
            .await
            .unwrap();
        let response = app.get(&format!("/api/v1/articles/{}", article.slug)).await;
        assert_eq!(response.status(), 200);
        let view: Value = response.json().await.unwrap();
        let text = view["structured_data"].as_str().expect("a JSON-LD text");
        let ld = parse(text);

        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], HOSTILE, "the words come back unchanged");
        assert_eq!(ld["description"], "A standfirst with <b>tags</b>.");
        assert_eq!(ld["image"], json!(["https://images.example/bridge.jpg"]));
        for date in ["datePublished", "dateModified"] {
            let at = ld[date].as_str().unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(at).is_ok(),
                "{date}: {at}"
            );
        }
        assert_eq!(
            ld["author"],
            json!([{ "@type": "Person", "name": "Ada Ld",
                     "url": format!("https://news.example/authors/{}", ada.slug) }])
        );
        assert_eq!(
            ld["publisher"],
            json!({ "@type": "Organization", "name": "The Ledger",
                    "logo": { "@type": "ImageObject", "url": "https://news.example/logo.png" } })
        );
        assert_eq!(
            ld["mainEntityOfPage"],
            json!({ "@type": "WebPage", "@id": view["url"] })
        );
        assert_eq!(ld["articleSection"], "City");
        assert_eq!(ld["keywords"], json!(["City", "Rivers"]));
        assert_eq!(ld["wordCount"], view["word_count"]);
        assert!(ld["wordCount"].as_u64().unwrap() > 0);
        assert_eq!(ld["inLanguage"], "en-GB");
        assert_eq!(ld["isAccessibleForFree"], true);
        assert!(ld.get("correction").is_none(), "no corrections yet");

        let answer = app
            .graphql(QUERY, json!({ "slug": article.slug.as_str() }))
            .await;
        assert_eq!(
            answer["data"]["article"]["structuredDataScript"].as_str(),
            Some(text),
            "GraphQL gives the same script-safe text: {answer}"
        );
        assert_eq!(
            answer["data"]["article"]["structuredData"], ld,
            "and the same document as a JSON value: {answer}"
        );
    }
}

#[each_database]
async fn a_draft_or_a_scheduled_article_has_no_structured_data() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let author: masthead_domain::UserId = editor.user_id.parse().unwrap();
        for lifecycle in [Lifecycle::draft(), content::scheduled_in(5)] {
            let article =
                content::article(&app.store, "Not yet", &[author], &[], "Nobody", lifecycle).await;
            let response = app
                .request(
                    reqwest::Method::GET,
                    &format!("/admin/articles/{}", article.id),
                    Some(&editor),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let view: Value = response.json().await.unwrap();
            assert_eq!(view["structured_data"], Value::Null, "{view}");
            let answer = app
                .graphql_as(
                    Some(&editor.access_token),
                    QUERY,
                    json!({ "slug": article.slug.as_str() }),
                )
                .await;
            for field in ["structuredData", "structuredDataScript"] {
                assert_eq!(
                    answer["data"]["article"][field],
                    Value::Null,
                    "{field}: {answer}"
                );
            }
            let public = app.get(&format!("/api/v1/articles/{}", article.slug)).await;
            assert_eq!(public.status(), 404);
        }
    }
}
