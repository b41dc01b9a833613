//! Highlights: the title and a short snippet of the best-matching passage as
//! escaped HTML, the words the query asked for in `<mark>`.

use std::ops::Range;

use crate::reply::escape;

use super::{fold, word_spans, SearchQuery, SearchText};

/// About how many words a snippet holds.
const SNIPPET_WORDS: usize = 30;
/// Words shown before the first match, for context.
const LEAD_WORDS: usize = 8;

/// Escaped HTML with matches in `<mark>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlights {
    /// The whole title.
    pub title: String,
    /// About 30 words from the standfirst or the passage that matches most
    /// words of the query (`…` where it was cut).
    pub text: String,
}

/// The highlights of `text` for `query`. A word is marked when it folds to a
/// word of the query (or starts with the query's prefix word).
pub fn highlight(text: &SearchText, query: &SearchQuery) -> Highlights {
    let terms: Vec<(String, bool)> = query
        .wanted()
        .flat_map(|phrase| {
            let last = phrase.words.len().saturating_sub(1);
            phrase
                .words
                .iter()
                .enumerate()
                .map(move |(i, word)| (word.clone(), phrase.prefix && i == last))
        })
        .collect();
    let matches = |word: &str| {
        let folded = fold(word);
        terms.iter().position(|(term, prefix)| {
            folded == *term || (*prefix && folded.starts_with(term.as_str()))
        })
    };
    let title = mark(&text.title, &word_spans(&text.title), &matches);
    let candidates = std::iter::once(&text.standfirst)
        .chain(text.passages.iter())
        .filter(|passage| !passage.trim().is_empty());
    let mut best: Option<(&String, usize)> = None;
    for passage in candidates {
        let mut found: Vec<usize> = word_spans(passage)
            .into_iter()
            .filter_map(|span| matches(&passage[span]))
            .collect();
        found.sort_unstable();
        found.dedup();
        if best.is_none_or(|(_, score)| found.len() > score) {
            best = Some((passage, found.len()));
        }
    }
    let text = best.map_or_else(String::new, |(passage, _)| snippet(passage, &matches));
    Highlights { title, text }
}

/// About [`SNIPPET_WORDS`] words of `passage` starting a little before its first match.
fn snippet(passage: &str, matches: &impl Fn(&str) -> Option<usize>) -> String {
    let spans = word_spans(passage);
    let first = spans
        .iter()
        .position(|span| matches(&passage[span.clone()]).is_some())
        .unwrap_or(0);
    let start = first
        .saturating_sub(LEAD_WORDS)
        .min(spans.len().saturating_sub(SNIPPET_WORDS));
    let end = (start + SNIPPET_WORDS).min(spans.len());
    let (Some(from), Some(to)) = (spans.get(start), spans.get(end.saturating_sub(1))) else {
        return escape(passage);
    };
    let (from, to) = (
        if start == 0 { 0 } else { from.start },
        if end == spans.len() {
            passage.len()
        } else {
            to.end
        },
    );
    let window: Vec<Range<usize>> = spans[start..end]
        .iter()
        .map(|span| span.start - from..span.end - from)
        .collect();
    let mut html = String::new();
    if start > 0 {
        html.push_str("… ");
    }
    html.push_str(&mark(&passage[from..to], &window, matches));
    if end < spans.len() {
        html.push_str(" …");
    }
    html
}

/// `text` escaped, with the words at `spans` that match wrapped in `<mark>`.
fn mark(text: &str, spans: &[Range<usize>], matches: &impl Fn(&str) -> Option<usize>) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for span in spans {
        let word = &text[span.clone()];
        if matches(word).is_some() {
            html.push_str(&escape(&text[at..span.start]));
            html.push_str("<mark>");
            html.push_str(&escape(word));
            html.push_str("</mark>");
            at = span.end;
        }
    }
    html.push_str(&escape(&text[at..]));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str, passages: &[&str]) -> SearchText {
        SearchText {
            title: title.into(),
            standfirst: String::new(),
            passages: passages.iter().map(|p| (*p).to_owned()).collect(),
            names: Vec::new(),
        }
    }

    #[test]
    fn marks_folded_matches_and_escapes_everything_else() {
        let query = SearchQuery::parse("cafe <script> ").unwrap();
        let found = highlight(
            &text(
                "Café <script>alert(1)</script>",
                &["Nothing here", "A café & a <b>bar</b>"],
            ),
            &query,
        );
        assert_eq!(
            found.title,
            "<mark>Café</mark> &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
        );
        assert_eq!(
            found.text,
            "A <mark>café</mark> &amp; a &lt;b&gt;bar&lt;/b&gt;"
        );
    }

    #[test]
    fn the_snippet_is_cut_around_the_best_passage() {
        let long: String = (0..100).map(|i| format!("w{i} ")).collect::<String>() + "reykjavík end";
        let query = SearchQuery::parse("reykj").unwrap();
        let found = highlight(&text("Title", &["reykjavik once", &long]), &query);
        // Both passages hold the one word; the first wins the tie.
        assert_eq!(found.text, "<mark>reykjavik</mark> once");
        let query = SearchQuery::parse("w50 reykjavik").unwrap();
        let found = highlight(&text("Title", &["reykjavik once", &long]), &query);
        assert!(found.text.starts_with("… w42 "), "{}", found.text);
        assert!(found.text.contains("<mark>w50</mark>"));
        assert!(found.text.ends_with(" …"), "{}", found.text);
        assert_eq!(found.text.matches(' ').count(), 31, "{}", found.text);
    }
}
