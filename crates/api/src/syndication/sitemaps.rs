//! Sitemaps (sitemaps.org 0.9 and the Google News extension), built from the
//! public archive through the public cache like every public read:
//!
//! - `/sitemap.xml`: the index of the monthly article sitemaps (only months
//!   with public articles: each is found by one jump down the `public_at`
//!   index, so the index costs one query per month, not per article), the news
//!   sitemap and the tag and author sitemaps;
//! - `/sitemaps/articles/{yyyy}-{mm}.xml`: that month's public articles with
//!   `<lastmod>`, newest first; a month with more than a file may hold (the
//!   protocol's 50,000, `--sitemap-urls-per-file`) continues in
//!   `{yyyy}-{mm}-2.xml`, `-3.xml`, …, all listed in the index;
//! - `/sitemaps/news.xml`: articles public in the last 48 hours, at most 1,000;
//! - `/sitemaps/tags.xml`, `/sitemaps/authors.xml`: tag and author pages with
//!   public articles.
//!
//! Search engines want a sitemap on the host of the URLs it lists, so the
//! `<loc>`s of the index point at `--public-url`: the website serves (proxies)
//! `/sitemap.xml` and `/sitemaps/…` from this server.

use std::io;

use actix_web::{route, web, HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};

use crate::config::Settings;
use crate::error::ApiError;
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::caching::cached_answer;
use crate::state::AppState;
use crate::syndication::site::{author_url, home_url, page_url, tag_url};
use crate::syndication::xml::Xml;

/// URLs one sitemap file may hold (sitemaps.org).
pub const MAX_URLS: u64 = 50_000;
/// Articles the news sitemap holds at most (Google News).
pub const MAX_NEWS: u64 = 1_000;
/// How far back the news sitemap reaches.
pub const NEWS_WINDOW_HOURS: i64 = 48;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// Mounts the sitemap routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(index)
        .service(articles_of_month)
        .service(news)
        .service(tags)
        .service(authors);
}

/// Which sitemap a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Index,
    Month(MonthFile),
    News,
    Tags,
    Authors,
}

/// The sitemap index.
#[route("/sitemap.xml", method = "GET", method = "HEAD")]
pub async fn index(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    serve(&state, &request, Which::Index).await
}

/// One month of articles; `file` is `{yyyy}-{mm}.xml` or, for the further
/// parts of a large month, `{yyyy}-{mm}-{n}.xml`.
#[route("/sitemaps/articles/{file}", method = "GET", method = "HEAD")]
pub async fn articles_of_month(
    state: web::Data<AppState>,
    request: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    match MonthFile::parse(&file) {
        Some(month) => serve(&state, &request, Which::Month(month)).await,
        None => ApiError::NotFound.error_response(),
    }
}

/// The Google News sitemap.
#[route("/sitemaps/news.xml", method = "GET", method = "HEAD")]
pub async fn news(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    serve(&state, &request, Which::News).await
}

/// Tag pages.
#[route("/sitemaps/tags.xml", method = "GET", method = "HEAD")]
pub async fn tags(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    serve(&state, &request, Which::Tags).await
}

/// Author pages.
#[route("/sitemaps/authors.xml", method = "GET", method = "HEAD")]
pub async fn authors(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    serve(&state, &request, Which::Authors).await
}

/// One file of a month's article sitemap: part 1 is `{yyyy}-{mm}.xml`,
/// part n > 1 is `{yyyy}-{mm}-{n}.xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MonthFile {
    year: i32,
    month: u32,
    part: u64,
}

impl MonthFile {
    /// `2026-03.xml` is part 1 of March 2026 and `2026-03-2.xml` part 2;
    /// anything else (month 13, `2026-3.xml`, `2026-03-1.xml`, `-02`) is `None`,
    /// so each file has one name.
    fn parse(file: &str) -> Option<Self> {
        let stem = file.strip_suffix(".xml")?;
        let mut pieces = stem.splitn(3, '-');
        let (year, month) = (pieces.next()?, pieces.next()?);
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let part = match pieces.next() {
            None => 1,
            Some(part) if part.starts_with('0') || part.len() > 4 => return None,
            Some(part) => part.parse().ok().filter(|part| *part >= 2)?,
        };
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Self { year, month, part })
    }

    /// The file's path.
    fn path(self) -> String {
        let Self { year, month, part } = self;
        match part {
            1 => format!("/sitemaps/articles/{year:04}-{month:02}.xml"),
            _ => format!("/sitemaps/articles/{year:04}-{month:02}-{part}.xml"),
        }
    }

    /// `[first instant, first instant of the next month)`.
    fn range(self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (next_year, next_month) = next_month(self.year, self.month);
        month_start(self.year, self.month).zip(month_start(next_year, next_month))
    }
}

fn month_start(year: i32, month: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single()
}

fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

fn w3c(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The Google News `language`: ISO 639 (`zh-cn` and `zh-tw` keep their region).
pub fn news_language(tag: &str) -> String {
    let tag = tag.to_ascii_lowercase();
    match tag.as_str() {
        "zh-cn" | "zh-tw" => tag,
        _ => tag.split('-').next().unwrap_or("en").to_owned(),
    }
}

async fn serve(state: &AppState, request: &HttpRequest, which: Which) -> HttpResponse {
    let generation = state.store.content_generation();
    let key = format!("sitemap:{which:?}");
    let read = state
        .public_cache
        .response(&key, generation, build(state, which))
        .await;
    cached_answer(
        request,
        &state.settings,
        &read,
        "application/xml; charset=utf-8",
    )
    .unwrap_or_else(|error| error.error_response())
}

async fn build(state: &AppState, which: Which) -> Result<CachedBody, Uncached> {
    let now = masthead_persistence::now();
    let settings = &state.settings;
    let written = match which {
        Which::Index => {
            let files = month_files(state, now).await?;
            write_index(settings, &files)
        }
        Which::Month(file) => {
            let range = file.range().ok_or(Uncached::NotFound)?;
            let per_file = settings.site.sitemap_urls_per_file;
            let articles = state
                .store
                .sitemap()
                .between(now, range, per_file, (file.part - 1) * per_file)
                .await
                .map_err(ApiError::from)?;
            if articles.is_empty() {
                return Err(Uncached::NotFound);
            }
            let modified = articles.iter().map(|article| article.modified).max();
            let urls: Vec<(String, Option<DateTime<Utc>>)> = articles
                .iter()
                .map(|article| {
                    let url = page_url(settings, &settings.article_path, &article.slug);
                    (url, Some(article.modified))
                })
                .collect();
            return urlset(&urls)
                .map(|body| CachedBody::new(body, modified))
                .map_err(write_failed);
        }
        Which::News => {
            let from = now - Duration::hours(NEWS_WINDOW_HOURS);
            let articles = state
                .store
                .sitemap()
                .between(now, (from, now + Duration::seconds(1)), MAX_NEWS, 0)
                .await
                .map_err(ApiError::from)?;
            write_news(settings, &articles)
        }
        Which::Tags | Which::Authors => {
            let urls = directory_urls(state, which, now).await?;
            urlset(&urls)
        }
    };
    written
        .map(|body| CachedBody::new(body, None))
        .map_err(write_failed)
}

fn write_failed(error: io::Error) -> Uncached {
    Uncached::Failed(ApiError::Internal(format!("write sitemap: {error}")))
}

/// The files of the months with public articles, newest month first: one
/// index jump and one count per month.
async fn month_files(state: &AppState, now: DateTime<Utc>) -> Result<Vec<MonthFile>, Uncached> {
    let repo = state.store.sitemap();
    let per_file = state.settings.site.sitemap_urls_per_file;
    let mut found = Vec::new();
    let mut before = now + Duration::seconds(1);
    // The index holds at most 50,000 sitemaps; three are not months.
    while (found.len() as u64) < MAX_URLS - 3 {
        let Some(newest) = repo
            .newest_before(now, before)
            .await
            .map_err(ApiError::from)?
        else {
            break;
        };
        let month = MonthFile {
            year: newest.year(),
            month: newest.month(),
            part: 1,
        };
        let range = month.range().ok_or(Uncached::NotFound)?;
        let count = repo
            .count_between(now, range.0, range.1)
            .await
            .map_err(ApiError::from)?;
        let parts = count.div_ceil(per_file).max(1);
        found.extend((1..=parts).map(|part| MonthFile { part, ..month }));
        before = range.0;
    }
    found.truncate((MAX_URLS - 3) as usize);
    Ok(found)
}

async fn directory_urls(
    state: &AppState,
    which: Which,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Option<DateTime<Utc>>)>, Uncached> {
    let settings = &state.settings;
    let directory = state.store.directory();
    let mut urls = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (slugs, has_next) = if which == Which::Tags {
            let page = directory
                .tags(now, after.as_deref(), 100)
                .await
                .map_err(ApiError::from)?;
            let slugs: Vec<(String, u64)> = page
                .items
                .iter()
                .map(|listed| (listed.item.slug.to_string(), listed.article_count))
                .collect();
            (slugs, page.has_next)
        } else {
            let page = directory
                .authors(now, after.as_deref(), 100)
                .await
                .map_err(ApiError::from)?;
            let slugs: Vec<(String, u64)> = page
                .items
                .iter()
                .map(|listed| (listed.item.slug.to_string(), listed.article_count))
                .collect();
            (slugs, page.has_next)
        };
        after = slugs.last().map(|(slug, _)| slug.clone());
        for (slug, count) in slugs {
            if count > 0 && (urls.len() as u64) < MAX_URLS {
                let url = if which == Which::Tags {
                    tag_url(settings, &slug)
                } else {
                    author_url(settings, &slug)
                };
                urls.push((url, None));
            }
        }
        if !has_next || after.is_none() || urls.len() as u64 >= MAX_URLS {
            break;
        }
    }
    Ok(urls)
}

fn site_path(settings: &Settings, path: &str) -> String {
    format!("{}{path}", home_url(settings).trim_end_matches('/'))
}

fn write_index(settings: &Settings, months: &[MonthFile]) -> io::Result<Vec<u8>> {
    let mut xml = Xml::new()?;
    xml.open("sitemapindex", &[("xmlns", SITEMAP_NS)])?;
    let mut files: Vec<String> = months.iter().map(|file| file.path()).collect();
    files.extend(
        [
            "/sitemaps/news.xml",
            "/sitemaps/tags.xml",
            "/sitemaps/authors.xml",
        ]
        .map(str::to_owned),
    );
    for file in files {
        xml.open("sitemap", &[])?;
        xml.text("loc", &[], &site_path(settings, &file))?;
        xml.close("sitemap")?;
    }
    xml.close("sitemapindex")?;
    Ok(xml.finish())
}

fn urlset(urls: &[(String, Option<DateTime<Utc>>)]) -> io::Result<Vec<u8>> {
    let mut xml = Xml::new()?;
    xml.open("urlset", &[("xmlns", SITEMAP_NS)])?;
    for (loc, lastmod) in urls {
        xml.open("url", &[])?;
        xml.text("loc", &[], loc)?;
        if let Some(at) = lastmod {
            xml.text("lastmod", &[], &w3c(*at))?;
        }
        xml.close("url")?;
    }
    xml.close("urlset")?;
    Ok(xml.finish())
}

fn write_news(
    settings: &Settings,
    articles: &[masthead_persistence::sitemap::SitemapArticle],
) -> io::Result<Vec<u8>> {
    let site = &settings.site;
    let language = news_language(&site.site_language);
    let mut xml = Xml::new()?;
    xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)])?;
    for article in articles {
        xml.open("url", &[])?;
        let loc = page_url(settings, &settings.article_path, &article.slug);
        xml.text("loc", &[], &loc)?;
        xml.open("news:news", &[])?;
        xml.open("news:publication", &[])?;
        xml.text("news:name", &[], &site.site_name)?;
        xml.text("news:language", &[], &language)?;
        xml.close("news:publication")?;
        xml.text("news:publication_date", &[], &w3c(article.public_at))?;
        xml.text("news:title", &[], &article.title)?;
        xml.close("news:news")?;
        xml.close("url")?;
    }
    xml.close("urlset")?;
    Ok(xml.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_files_are_yyyy_mm_and_real_months_only() {
        let file = |year, month, part| Some(MonthFile { year, month, part });
        assert_eq!(MonthFile::parse("2026-03.xml"), file(2026, 3, 1));
        assert_eq!(MonthFile::parse("2026-12.xml"), file(2026, 12, 1));
        assert_eq!(MonthFile::parse("2026-12-2.xml"), file(2026, 12, 2));
        assert_eq!(MonthFile::parse("2026-12-17.xml"), file(2026, 12, 17));
        for bad in [
            "2026-13.xml",
            "2026-3.xml",
            "2026-00.xml",
            "26-03.xml",
            "2026-03",
            "x-y.xml",
            "2026-03.xml.gz",
            "2026-03-1.xml",
            "2026-03-0.xml",
            "2026-03-02.xml",
            "2026-03-x.xml",
            "2026-03-99999.xml",
            "2026-03-2-2.xml",
        ] {
            assert_eq!(MonthFile::parse(bad), None, "{bad}");
        }
        for name in ["2026-03.xml", "2026-03-2.xml", "1999-11-40.xml"] {
            let parsed = MonthFile::parse(name).unwrap();
            assert_eq!(parsed.path(), format!("/sitemaps/articles/{name}"));
        }
        assert_eq!(next_month(2026, 12), (2027, 1));
    }

    #[test]
    fn the_news_language_is_iso_639() {
        assert_eq!(news_language("en"), "en");
        assert_eq!(news_language("pt-BR"), "pt");
        assert_eq!(news_language("zh-TW"), "zh-tw");
    }
}
