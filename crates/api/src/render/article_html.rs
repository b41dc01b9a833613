//! An article body as reader HTML: sections with `<h2>` headings (the icon
//! kept, in a `<span class="icon">`), paragraphs and list items as the
//! sanitized inline HTML of their rich text, pull quotes as a `<figure>` with
//! a `<blockquote>` and a `<figcaption>` naming the speaker and, in `<cite>`,
//! the context; images as a `<figure>` with an `<img>` (JPEG `src`, WebP
//! `srcset`, size, lazy loading) and a `<figcaption>` with caption and credit.
//! Every plain-text value is escaped; rich text is the output of
//! [`RichText::html`], which is already sanitized (no raw HTML survives).

use std::fmt::Write as _;

use masthead_domain::image::canonical_rendition;
use masthead_domain::{Block, BlockContent, ImageBlock, PullQuote, Section};
use quick_xml::escape::escape;

/// A correction note shown above the body (feeds put it at the top of an item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<'a> {
    /// What kind of note it is, in words (`Correction`, `Clarification`, `Update`).
    pub label: &'a str,
    /// When it was published, as readers see it.
    pub date: String,
    /// Its text (plain).
    pub text: &'a str,
}

/// The body of an article, with `notes` (corrections) at the top; image
/// addresses are prefixed with `media_base` (the public URL, for feeds read
/// elsewhere; empty for addresses relative to this server).
pub fn article_body(media_base: &str, notes: &[Note<'_>], sections: &[Section]) -> String {
    let mut html = String::new();
    for note in notes {
        let _ = write!(
            html,
            "<aside class=\"correction\"><p><strong>{}</strong> ({}): {}</p></aside>",
            escape(note.label),
            escape(note.date.as_str()),
            escape(note.text)
        );
    }
    for section in sections {
        render_section(&mut html, media_base, section);
    }
    html
}

fn render_section(html: &mut String, media_base: &str, section: &Section) {
    html.push_str("<section>");
    if let Some(heading) = &section.heading {
        html.push_str("<h2>");
        if let Some(icon) = &section.icon {
            let _ = write!(
                html,
                "<span class=\"icon\">{}</span> ",
                escape(icon.as_str())
            );
        }
        html.push_str(&escape(heading.as_str()));
        html.push_str("</h2>");
    }
    for block in &section.blocks {
        render_block(html, media_base, block);
    }
    html.push_str("</section>");
}

fn render_block(html: &mut String, media_base: &str, block: &Block) {
    match &block.content {
        BlockContent::Paragraph(text) => {
            let _ = write!(html, "<p>{}</p>", text.html());
        }
        BlockContent::PullQuote(quote) => render_quote(html, quote),
        BlockContent::List(list) => {
            let tag = if list.ordered { "ol" } else { "ul" };
            let _ = write!(html, "<{tag}>");
            for item in &list.items {
                let _ = write!(html, "<li>{}</li>", item.html());
            }
            let _ = write!(html, "</{tag}>");
        }
        BlockContent::Image(image) => render_image(html, media_base, image),
    }
}

fn render_image(html: &mut String, media_base: &str, image: &ImageBlock) {
    let Some(size) = image.size else {
        return;
    };
    let srcset: Vec<String> = image
        .renditions()
        .iter()
        .map(|(width, path)| format!("{media_base}{path} {width}w"))
        .collect();
    let _ = write!(
        html,
        "<figure class=\"image image-{}\"><img src=\"{media_base}{}\" srcset=\"{}\" \
         sizes=\"(max-width: 1280px) 100vw, 1280px\" width=\"{}\" height=\"{}\" alt=\"{}\" \
         loading=\"lazy\" decoding=\"async\">",
        image.layout.as_str(),
        escape(canonical_rendition(image.media_id, size.width).as_str()),
        escape(srcset.join(", ").as_str()),
        size.width,
        size.height,
        escape(image.alt.as_deref().unwrap_or("")),
    );
    if image.caption.is_some() || image.credit.is_some() {
        html.push_str("<figcaption>");
        if let Some(caption) = &image.caption {
            html.push_str(&escape(caption.as_str()));
        }
        if let Some(credit) = &image.credit {
            if image.caption.is_some() {
                html.push(' ');
            }
            let _ = write!(
                html,
                "<small class=\"credit\">{}</small>",
                escape(credit.as_str())
            );
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
}

fn render_quote(html: &mut String, quote: &PullQuote) {
    html.push_str("<figure class=\"pull-quote\"><blockquote><p>");
    if let Some(icon) = &quote.icon {
        let _ = write!(
            html,
            "<span class=\"icon\">{}</span> ",
            escape(icon.as_str())
        );
    }
    html.push_str(&escape(quote.text.as_str()));
    html.push_str("</p></blockquote>");
    match (&quote.speaker, &quote.context) {
        (None, None) => {}
        (speaker, context) => {
            html.push_str("<figcaption>");
            if let Some(speaker) = speaker {
                html.push_str(&escape(speaker.as_str()));
            }
            if let Some(context) = context {
                if speaker.is_some() {
                    html.push_str(", ");
                }
                let _ = write!(html, "<cite>{}</cite>", escape(context.as_str()));
            }
            html.push_str("</figcaption>");
        }
    }
    html.push_str("</figure>");
}

#[cfg(test)]
mod tests {
    use masthead_domain::{ListBlock, RichText};

    use super::*;

    fn section(heading: Option<&str>, icon: Option<&str>, blocks: Vec<Block>) -> Section {
        Section {
            id: masthead_domain::SectionId::generate(),
            heading: heading.map(str::to_owned),
            icon: icon.map(str::to_owned),
            blocks,
        }
    }

    fn quote(text: &str, speaker: Option<&str>, context: Option<&str>) -> Block {
        Block::new(BlockContent::PullQuote(PullQuote {
            text: text.to_owned(),
            icon: None,
            speaker: speaker.map(str::to_owned),
            context: context.map(str::to_owned),
        }))
    }

    #[test]
    fn sections_render_headings_with_their_icon_and_blocks_in_order() {
        let body = article_body(
            "",
            &[],
            &[
                section(
                    None,
                    None,
                    vec![Block::new(BlockContent::Paragraph(RichText::new(
                        "The *lede*.",
                    )))],
                ),
                section(
                    Some("Launch day"),
                    Some("🚀"),
                    vec![Block::new(BlockContent::List(ListBlock {
                        ordered: true,
                        items: vec![RichText::new("one"), RichText::new("**two**")],
                    }))],
                ),
            ],
        );
        assert_eq!(
            body,
            "<section><p>The <em>lede</em>.</p></section>\
             <section><h2><span class=\"icon\">🚀</span> Launch day</h2>\
             <ol><li>one</li><li><strong>two</strong></li></ol></section>"
        );
    }

    #[test]
    fn a_pull_quote_is_a_blockquote_with_speaker_and_cited_context() {
        let body = article_body(
            "",
            &[],
            &[section(
                None,
                None,
                vec![
                    quote(
                        "We will rebuild.",
                        Some("The Mayor"),
                        Some("at the council"),
                    ),
                    quote("Anonymous words.", None, None),
                    quote("Only where.", None, Some("a leaked memo")),
                ],
            )],
        );
        assert!(body.contains(
            "<blockquote><p>We will rebuild.</p></blockquote>\
             <figcaption>The Mayor, <cite>at the council</cite></figcaption>"
        ));
        assert!(body.contains("<p>Anonymous words.</p></blockquote></figure>"));
        assert!(body.contains("<figcaption><cite>a leaked memo</cite></figcaption>"));
    }

    #[test]
    fn hostile_text_is_escaped_everywhere_and_raw_html_never_survives() {
        let hostile = "</p><script>alert(1)</script>\"'&";
        let body = article_body(
            "",
            &[Note {
                label: "Correction",
                date: "2026-01-01".to_owned(),
                text: hostile,
            }],
            &[section(
                Some(hostile),
                Some("<b>"),
                vec![
                    Block::new(BlockContent::Paragraph(RichText::new(format!(
                        "{hostile} [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
                    )))),
                    quote(hostile, Some(hostile), Some(hostile)),
                    Block::new(BlockContent::List(ListBlock {
                        ordered: false,
                        items: vec![RichText::new(hostile)],
                    })),
                ],
            )],
        );
        assert!(!body.contains("<script"), "{body}");
        assert!(!body.contains("<img"), "{body}");
        assert!(!body.contains("javascript:"), "{body}");
        assert!(!body.contains("<b>"), "{body}");
        assert!(body.contains("&lt;script&gt;"), "{body}");
    }

    #[test]
    fn notes_come_first_with_their_kind_and_date() {
        let body = article_body(
            "",
            &[Note {
                label: "Correction",
                date: "2 Dec 2026".to_owned(),
                text: "The bridge opened in 1931, not 1913.",
            }],
            &[section(
                None,
                None,
                vec![Block::new(BlockContent::Paragraph(RichText::new("Body.")))],
            )],
        );
        assert!(body.starts_with(
            "<aside class=\"correction\"><p><strong>Correction</strong> (2 Dec 2026): \
             The bridge opened in 1931, not 1913.</p></aside><section>"
        ));
    }

    #[test]
    fn an_image_is_a_figure_with_sized_renditions_escaped_alt_and_credit() {
        use masthead_domain::{ImageLayout, ImageSize, MediaId};
        let id = MediaId::generate();
        let image = |alt: Option<&str>| {
            Block::new(BlockContent::Image(ImageBlock {
                media_id: id,
                size: Some(ImageSize {
                    width: 1000,
                    height: 600,
                }),
                alt: alt.map(str::to_owned),
                decorative: alt.is_none(),
                caption: Some("Boats at <dawn>".to_owned()),
                credit: Some("A. Photographer".to_owned()),
                layout: ImageLayout::Wide,
            }))
        };
        let body = article_body(
            "https://news.example",
            &[],
            &[section(
                None,
                None,
                vec![image(Some("A \"ferry\"")), image(None)],
            )],
        );
        assert!(body.contains(&format!(
            "<figure class=\"image image-wide\"><img src=\"https://news.example/media/{id}/960.jpg\" \
             srcset=\"https://news.example/media/{id}/160.webp 160w, "
        )));
        assert!(body.contains("width=\"1000\" height=\"600\" alt=\"A &quot;ferry&quot;\""));
        assert!(body.contains("alt=\"\" loading"), "decorative: empty alt");
        assert!(body.contains(
            "<figcaption>Boats at &lt;dawn&gt; <small class=\"credit\">A. Photographer</small></figcaption>"
        ));
    }
}
