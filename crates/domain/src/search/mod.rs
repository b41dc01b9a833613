//! Full-text search, the parts free of any database: how text becomes words
//! (case and diacritics folded the same way for documents and queries), the
//! query language readers type ([`SearchQuery`]), the searchable text of an
//! article ([`SearchText`], from one function) and highlighted snippets.
//!
//! Both engines (SQLite FTS5, PostgreSQL `tsvector`) are given text already
//! folded and split here, so `cafe` finds `café` and `PESKOV` finds `Peskov`
//! on either, and the query each engine runs is built from parsed words,
//! never from what the user typed.

mod highlight;
mod query;
mod text;

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub use highlight::{highlight, Highlights};
pub use query::{Phrase, SearchQuery, QUERY_MAX_CHARS, QUERY_MAX_TERMS};
pub use text::{IndexedText, SearchText};

/// Folds one word for matching: lower case, diacritics removed (`Reykjavík`
/// → `reykjavik`), and the few Latin letters without a decomposition spelled
/// out (`ß` → `ss`, `ø` → `o`, `æ` → `ae`).
pub fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    for c in word.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' | 'ẞ' => folded.push_str("ss"),
            'æ' | 'Æ' => folded.push_str("ae"),
            'œ' | 'Œ' => folded.push_str("oe"),
            'þ' | 'Þ' => folded.push_str("th"),
            'ø' | 'Ø' => folded.push('o'),
            'ł' | 'Ł' => folded.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => folded.push('d'),
            'ı' => folded.push('i'),
            c => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// The words of `text` with where each stands (byte range in `text`), in
/// order. A word is a run of letters and digits (with their combining marks);
/// everything else separates words, so `e-mail` is the two words `e mail`.
pub fn word_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || (start.is_some() && is_combining_mark(c));
        match (in_word, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push(from..at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push(from..text.len());
    }
    spans
}

/// The folded words of `text`, in order.
pub fn words(text: &str) -> Vec<String> {
    word_spans(text)
        .into_iter()
        .map(|span| fold(&text[span]))
        .filter(|word| !word.is_empty())
        .collect()
}

/// `text` as an engine indexes it: its folded words separated by single spaces.
pub fn normalize(text: &str) -> String {
    words(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_and_diacritics_both_ways() {
        assert_eq!(fold("PESKOV"), fold("Peskov"));
        assert_eq!(fold("café"), "cafe");
        assert_eq!(fold("Reykjavík"), fold("reykjavik"));
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Øresund"), "oresund");
        // A decomposed accent (e + U+0301) folds like the composed one.
        assert_eq!(fold("cafe\u{301}"), "cafe");
    }

    #[test]
    fn words_split_on_everything_but_letters_and_digits() {
        assert_eq!(
            words("“E-mail” <script>alert(1)</script> NEAR(x*, 42)"),
            vec!["e", "mail", "script", "alert", "1", "script", "near", "x", "42"]
        );
        assert_eq!(words("  ,;  "), Vec::<String>::new());
        assert_eq!(normalize("Café  au-lait"), "cafe au lait");
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Ünïcode, é";
        let spans = word_spans(text);
        assert_eq!(&text[spans[0].clone()], "Ünïcode");
        assert_eq!(&text[spans[1].clone()], "é");
    }
}
