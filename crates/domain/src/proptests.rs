//! Property tests for the text parsers that face outside input: the Markdown
//! subset, slugs, reply text and the emoji split. Whatever the input, they
//! never panic, their output stays bounded, and no HTML they render carries a
//! script, an event-handler attribute or a `javascript:` URL.

use proptest::prelude::*;

use crate::emoji::{is_emoji, split_leading_emoji};
use crate::limits::SLUG_MAX;
use crate::reply::{render_reply_html, ReplyBody};
use crate::rich_text::RichText;
use crate::slug::Slug;

/// Pieces attackers and editors actually send, to be glued in any order.
const FRAGMENTS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[x](https://example.org/a?b=c&d=\"e\")",
    "<https://example.org>",
    "![img](https://example.org/i.png)",
    "<svg/onload=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)",
    "*",
    "**",
    "`",
    "_",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "&#x3C;script&#x3E;",
    "\n",
    "\n\n",
    "# ",
    "> ",
    "- ",
    "1. ",
    "    ",
    "https://example.org/path",
    "www.example.org",
    "mailto:a@example.org",
    "\u{200B}",
    "\u{202E}",
    "\u{FEFF}",
    "🕊️",
    "👩‍💻",
    "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
    "é",
    "ｓｃｒｉｐｔ",
    "word",
    " ",
];

/// Text made of known-dangerous fragments, or anything at all.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40)
            .prop_map(|parts| parts.concat()),
        any::<String>(),
        prop::collection::vec((prop::sample::select(FRAGMENTS), any::<String>()), 0..8)
            .prop_map(|parts| parts.into_iter().map(|(a, b)| format!("{a}{b}")).collect()),
    ]
}

/// Fails when `html` holds a script, an event handler or a `javascript:`
/// URL: every tag must be one of the inline tags the renderers allow, with
/// no `on…` attribute, and every link must be `http(s)` or `mailto` (text
/// between tags is escaped, so `&lt;script` there is only words).
fn assert_inert(html: &str) {
    for tag in html.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or_default().to_lowercase();
        let name = inside
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        assert!(
            ["em", "strong", "code", "br", "a"].contains(&name),
            "tag <{inside}> in {html:?}"
        );
        if let Some((_, value)) = inside.split_once("href=\"") {
            let url = value.split('"').next().unwrap_or_default();
            assert!(
                ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|scheme| url.starts_with(scheme)),
                "link to {url:?} in {html:?}"
            );
        } else {
            assert!(
                !inside.contains("javascript:"),
                "javascript: in <{inside}> of {html:?}"
            );
        }
        for attribute in inside.split_whitespace().skip(1) {
            let attribute_name = attribute.split('=').next().unwrap_or_default();
            assert!(
                !attribute_name.starts_with("on"),
                "event handler in <{inside}> of {html:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn markdown_renders_bounded_inert_html(source in hostile_text()) {
        let text = RichText::new(source.clone());
        let html = text.html();
        assert_inert(&html);
        prop_assert!(html.len() <= 16 * source.len() + 64, "{} bytes from {}", html.len(), source.len());
        prop_assert!(text.text().len() <= 4 * source.len() + 16);
    }

    #[test]
    fn reply_text_renders_bounded_inert_html(body in hostile_text()) {
        let html = render_reply_html(&body);
        assert_inert(&html);
        prop_assert!(!html.contains('\u{202E}'), "direction override kept");
        prop_assert!(html.len() <= 16 * body.len() + 64, "{} bytes from {}", html.len(), body.len());
        if let Ok(parsed) = ReplyBody::parse("body", &body) {
            prop_assert_eq!(parsed.as_str(), body.as_str());
            prop_assert!(!crate::text::is_blank(&body));
        }
    }

    #[test]
    fn slugs_are_short_lower_case_ascii_or_refused(value in hostile_text()) {
        for slug in [Slug::parse("slug", &value).ok(), Slug::from_title(&value)].into_iter().flatten() {
            let slug = slug.as_str();
            prop_assert!(!slug.is_empty() && slug.len() <= SLUG_MAX, "{slug:?}");
            prop_assert!(
                slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug:?}"
            );
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
        }
    }

    #[test]
    fn the_emoji_split_takes_one_emoji_off_the_front_and_keeps_the_rest(text in hostile_text()) {
        let (icon, rest) = split_leading_emoji(&text);
        prop_assert!(rest.len() <= text.len());
        if let Some(icon) = icon {
            prop_assert!(is_emoji(&icon), "{icon:?}");
            prop_assert!(text.trim_start().starts_with(icon.as_str()));
            prop_assert!(icon.len() + rest.len() <= text.len());
        }
    }
}

#[test]
fn the_inertness_check_catches_scripts_handlers_and_javascript_links() {
    for bad in [
        "<script>alert(1)</script>",
        "<em onclick=\"x()\">hi</em>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<img src=x>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_inert(bad)).is_err();
        assert!(caught, "{bad} slipped through");
    }
    assert_inert(
        "<a href=\"https://example.org/javascript:\" rel=\"nofollow\">x</a> &lt;script&gt;",
    );
}
