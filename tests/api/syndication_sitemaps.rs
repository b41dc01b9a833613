//! Sitemaps: the index lists one sitemap per month with public articles plus
//! the news, tag and author sitemaps; each validates against its XSD with
//! `xmllint` (schemas in `tests/xsd`; skipped with a message when `xmllint` is
//! not installed: `apt-get install libxml2-utils`); drafts and future articles
//! stay out; the news sitemap holds only the last 48 hours.

use crate::support;

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use masthead_domain::{ArticleStatus, Lifecycle, Role};
use masthead_test_macros::each_database;
use support::content::{self, published};
use support::TestApp;

const SITE: &str = "https://news.example";

/// Validates `xml` against `tests/xsd/{schema}`; skips (saying so) without xmllint.
fn assert_valid(xml: &str, schema: &str, what: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/xsd")
        .join(schema);
    let file = std::env::temp_dir().join(format!("masthead-sitemap-{}.xml", uuid::Uuid::now_v7()));
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    match output {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipping XSD validation of {what}: xmllint is not installed (apt-get install libxml2-utils)");
        }
        Err(error) => panic!("running xmllint: {error}"),
        Ok(output) => assert!(
            output.status.success(),
            "{what} is not valid against {}:\n{}\n{xml}",
            schema.display(),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn at(year: i32, month: u32, day: u32) -> Lifecycle {
    let at = Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).unwrap();
    Lifecycle {
        status: ArticleStatus::Published,
        published_at: Some(at),
        scheduled_at: None,
    }
}

async fn get_xml(app: &TestApp, path: &str) -> (String, String) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path} ({})", app.backend);
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(media.starts_with("application/xml"), "{path}: {media}");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (etag, response.text().await.unwrap())
}

fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap().to_owned())
        .collect()
}

#[each_database]
async fn the_sitemaps_list_every_public_article_by_month_and_validate_against_their_schemas() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.public_url = SITE.to_owned();
        settings.site.site_name = "The Ledger".to_owned();
    })
    .await
    {
        let ada = content::staff(&app.store, "Ada Map", Role::Author).await;
        content::staff(&app.store, "Nobody Published", Role::Author).await;
        let city = content::tag(&app.store, "City").await;
        content::tag(&app.store, "Empty").await;
        let fresh = content::article(
            &app.store,
            "Fresh & new",
            &[ada.id],
            &[city.id],
            "A",
            published(1),
        )
        .await;
        let march_a = content::article(
            &app.store,
            "March one",
            &[ada.id],
            &[],
            "B",
            at(2025, 3, 15),
        )
        .await;
        let march_b = content::article(
            &app.store,
            "March two",
            &[ada.id],
            &[],
            "C",
            at(2025, 3, 20),
        )
        .await;
        let november =
            content::article(&app.store, "November", &[ada.id], &[], "D", at(2024, 11, 2)).await;
        content::article(
            &app.store,
            "Draft",
            &[ada.id],
            &[city.id],
            "E",
            Lifecycle::draft(),
        )
        .await;
        content::article(
            &app.store,
            "Future",
            &[ada.id],
            &[city.id],
            "F",
            content::scheduled_in(2),
        )
        .await;
        let url = |slug: &str| format!("{SITE}/articles/{slug}");

        let (etag, index) = get_xml(&app, "/sitemap.xml").await;
        assert_valid(&index, "siteindex.xsd", "the sitemap index");
        let now = Utc::now();
        let this_month = format!(
            "{SITE}/sitemaps/articles/{}.xml",
            fresh.lifecycle.published_at.unwrap().format("%Y-%m")
        );
        assert_eq!(
            locs(&index),
            [
                this_month.clone(),
                format!("{SITE}/sitemaps/articles/2025-03.xml"),
                format!("{SITE}/sitemaps/articles/2024-11.xml"),
                format!("{SITE}/sitemaps/news.xml"),
                format!("{SITE}/sitemaps/tags.xml"),
                format!("{SITE}/sitemaps/authors.xml"),
            ],
            "{now}"
        );
        let conditional = app
            .client
            .get(format!("{}/sitemap.xml", app.address))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(conditional.status(), 304);
        let head = app
            .client
            .head(format!("{}/sitemap.xml", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200, "HEAD");
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD has no body");

        let (_, march) = get_xml(&app, "/sitemaps/articles/2025-03.xml").await;
        assert_valid(&march, "sitemap.xsd", "a monthly sitemap");
        assert_eq!(
            locs(&march),
            [url(march_b.slug.as_str()), url(march_a.slug.as_str())]
        );
        assert_eq!(march.matches("<lastmod>").count(), 2);
        let (_, nov) = get_xml(&app, "/sitemaps/articles/2024-11.xml").await;
        assert_eq!(locs(&nov), [url(november.slug.as_str())]);
        let (_, current) = get_xml(&app, &this_month[SITE.len()..]).await;
        assert_valid(&current, "sitemap.xsd", "this month's sitemap");
        assert_eq!(
            locs(&current),
            [url(fresh.slug.as_str())],
            "drafts and future stay out"
        );

        let (_, news) = get_xml(&app, "/sitemaps/news.xml").await;
        assert_valid(&news, "sitemap-with-news.xsd", "the news sitemap");
        assert_eq!(
            locs(&news),
            [url(fresh.slug.as_str())],
            "only the last 48 hours"
        );
        assert!(news.contains("<news:name>The Ledger</news:name>"), "{news}");
        assert!(news.contains("<news:language>en</news:language>"), "{news}");
        assert!(
            news.contains("<news:title>Fresh &amp; new</news:title>"),
            "{news}"
        );

        let (_, tags) = get_xml(&app, "/sitemaps/tags.xml").await;
        assert_valid(&tags, "sitemap.xsd", "the tag sitemap");
        assert_eq!(
            locs(&tags),
            [format!("{SITE}/tags/{}", city.slug)],
            "tags without public articles stay out"
        );
        let (_, authors) = get_xml(&app, "/sitemaps/authors.xml").await;
        assert_valid(&authors, "sitemap.xsd", "the author sitemap");
        assert_eq!(locs(&authors), [format!("{SITE}/authors/{}", ada.slug)]);

        for missing in [
            "/sitemaps/articles/2023-01.xml",
            "/sitemaps/articles/2025-13.xml",
            "/sitemaps/articles/2025-3.xml",
            "/sitemaps/articles/latest.xml",
            "/sitemaps/other.xml",
        ] {
            let response = app.get(missing).await;
            assert_eq!(response.status(), 404, "{missing}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{missing}"
            );
        }
    }
}

#[each_database]
async fn a_publish_shows_in_the_sitemaps_at_once() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let ada = content::staff(&app.store, "Ada Soon", Role::Author).await;
        let (before, _) = get_xml(&app, "/sitemaps/news.xml").await;
        let article =
            content::article(&app.store, "Just now", &[ada.id], &[], "A", published(0)).await;
        let (after, news) = get_xml(&app, "/sitemaps/news.xml").await;
        assert_ne!(after, before, "a new ETag at once");
        assert!(news.contains(article.slug.as_str()), "{news}");
    }
}

/// A month with more articles than a file may hold continues in numbered
/// parts, each listed in the index, together listing each article once; a
/// part past the end is 404. (`--sitemap-urls-per-file 2` stands in for the
/// protocol's 50,000.)
#[each_database]
async fn a_month_larger_than_one_file_is_split_into_parts_listed_in_the_index() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.public_url = SITE.to_owned();
        settings.site.sitemap_urls_per_file = 2;
    })
    .await
    {
        let ada = content::staff(&app.store, "Ada Map", Role::Author).await;
        let mut expected = Vec::new();
        for day in 1..=5 {
            let title = format!("May story {day}");
            let article =
                content::article(&app.store, &title, &[ada.id], &[], "A", at(2025, 5, day)).await;
            expected.push(format!("{SITE}/articles/{}", article.slug));
        }
        content::article(&app.store, "April", &[ada.id], &[], "B", at(2025, 4, 9)).await;

        let (_, index) = get_xml(&app, "/sitemap.xml").await;
        assert_valid(&index, "siteindex.xsd", "the sitemap index");
        let months: Vec<String> = locs(&index)
            .into_iter()
            .filter(|loc| loc.contains("/sitemaps/articles/"))
            .collect();
        assert_eq!(
            months,
            [
                "2025-05.xml",
                "2025-05-2.xml",
                "2025-05-3.xml",
                "2025-04.xml"
            ]
            .map(|file| format!("{SITE}/sitemaps/articles/{file}")),
            "{}",
            app.backend
        );

        let mut listed = Vec::new();
        for file in ["2025-05.xml", "2025-05-2.xml", "2025-05-3.xml"] {
            let (_, xml) = get_xml(&app, &format!("/sitemaps/articles/{file}")).await;
            assert_valid(&xml, "sitemap.xsd", file);
            let urls = locs(&xml);
            assert!(!urls.is_empty() && urls.len() <= 2, "{file}: {urls:?}");
            listed.extend(urls);
        }
        // Newest first across the parts, each article once.
        expected.reverse();
        assert_eq!(listed, expected, "{}", app.backend);

        for missing in ["2025-05-4.xml", "2025-05-1.xml", "2025-04-2.xml"] {
            let response = app.get(&format!("/sitemaps/articles/{missing}")).await;
            assert_eq!(response.status(), 404, "{missing} ({})", app.backend);
        }
    }
}
