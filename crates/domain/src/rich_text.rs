//! Inline rich text: the small Markdown subset editors write paragraphs in.
//!
//! The source is what is stored; `text` and `html` are derived on demand, so a
//! change of rendering rules never needs a data migration.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Markdown source limited to emphasis, strong, links and inline code.
/// Everything else (headings, raw HTML, images) is reduced to its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RichText(String);

impl RichText {
    /// Wraps already-bounded Markdown source.
    pub fn new(source: impl Into<String>) -> Self {
        Self(source.into())
    }

    /// The stored Markdown source, for editors.
    pub fn source(&self) -> &str {
        &self.0
    }

    /// The words alone, for search, word counts, previews and apps that style text themselves.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.0.len());
        for event in Parser::new_ext(&self.0, Options::empty()) {
            match event {
                Event::Text(words) | Event::Code(words) => text.push_str(&words),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => text.push(' '),
                _ => {}
            }
        }
        text.trim().to_owned()
    }

    /// Sanitized inline HTML: only `em`, `strong`, `code`, `br` and `a` with
    /// `http`, `https` or `mailto` targets survive. Raw HTML in the source is dropped.
    pub fn html(&self) -> String {
        let events = Parser::new_ext(&self.0, Options::empty()).filter_map(|event| match event {
            // Raw HTML never reaches the output, not even escaped twice.
            Event::Html(_) | Event::InlineHtml(_) => None,
            // Block structure is flattened: this is inline text.
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
            Event::SoftBreak => Some(Event::Text(" ".into())),
            other => Some(other),
        });
        let mut rendered = String::with_capacity(self.0.len() + 16);
        pulldown_cmark::html::push_html(&mut rendered, events);
        sanitizer().clean(rendered.trim()).to_string()
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(HashSet::from(["em", "strong", "code", "br", "a"]))
            .link_rel(Some("noopener noreferrer"))
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .add_tag_attributes("a", ["href"]);
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_inline_subset() {
        let text =
            RichText::new("A *bold* **move** with `code` and [a link](https://example.org).");
        assert_eq!(
            text.html(),
            "A <em>bold</em> <strong>move</strong> with <code>code</code> and \
             <a href=\"https://example.org\" rel=\"noopener noreferrer\">a link</a>."
        );
        assert_eq!(text.text(), "A bold move with code and a link.");
    }

    #[test]
    fn raw_html_never_survives() {
        let text = RichText::new("Hi <script>alert(1)</script><img src=x onerror=alert(1)> there");
        let html = text.html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_target() {
        let html =
            RichText::new("[click](javascript:alert(1)) and [x](JAVASCRIPT:alert(1))").html();
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("click"));
    }

    #[test]
    fn block_markdown_is_reduced_to_text() {
        let text = RichText::new("# Not a heading\n\n![img](https://x/y.png)");
        let html = text.html();
        assert!(!html.contains("<h1"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(text.text().contains("Not a heading"));
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(
            RichText::new("Fish & chips < 5").html(),
            "Fish &amp; chips &lt; 5"
        );
    }
}
