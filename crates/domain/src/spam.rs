//! Spam signals for replies under open articles. A reply that trips one waits
//! for a moderator instead of appearing at once; nothing here refuses a reply,
//! so a false alarm costs a reader a delay, never their words.

use crate::limits::REPLY_LINKS_MAX;

/// Why a reply looks like spam (for logs and tests; readers are never told).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamSignal {
    /// More links than [`REPLY_LINKS_MAX`].
    TooManyLinks,
    /// A blocked word or phrase in the name or the text.
    BlockedWord,
    /// The same text from the same client a short while ago.
    Repeated,
}

/// The configured rules: the blocked words and phrases, folded for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpamRules {
    blocked: Vec<Vec<String>>,
}

impl SpamRules {
    /// Rules blocking each of `phrases` (a word, or several words matched in a
    /// row). Matching ignores case, accents, look-alike letters (fullwidth
    /// forms and the like) and invisible characters; empty entries are ignored.
    pub fn new<S: AsRef<str>>(phrases: impl IntoIterator<Item = S>) -> Self {
        let blocked = phrases
            .into_iter()
            .map(|phrase| words(phrase.as_ref()))
            .filter(|words| !words.is_empty())
            .collect();
        Self { blocked }
    }

    /// How many phrases are blocked.
    pub fn len(&self) -> usize {
        self.blocked.len()
    }

    /// True when nothing is blocked.
    pub fn is_empty(&self) -> bool {
        self.blocked.is_empty()
    }

    /// The first signal a reply trips, if any. `repeated` is what the store
    /// found about the same text from the same client.
    pub fn check(&self, author_name: &str, body: &str, repeated: bool) -> Option<SpamSignal> {
        if link_count(body) > REPLY_LINKS_MAX {
            return Some(SpamSignal::TooManyLinks);
        }
        if self.blocks(author_name) || self.blocks(body) {
            return Some(SpamSignal::BlockedWord);
        }
        repeated.then_some(SpamSignal::Repeated)
    }

    /// True when `text` holds a blocked phrase as whole words. An invisible
    /// character is read both as nothing (`cas\u{200B}ino` is "casino") and as
    /// a word break (`FREE\u{200B}MONEY` is "free money"), since a reader
    /// cannot tell which the writer meant.
    pub fn blocks(&self, text: &str) -> bool {
        if self.blocked.is_empty() {
            return false;
        }
        let joined = words(text);
        let split = words(&split_at_invisible(text));
        self.blocked.iter().any(|phrase| {
            [&joined, &split].into_iter().any(|words| {
                words
                    .windows(phrase.len())
                    .any(|window| window == phrase.as_slice())
            })
        })
    }
}

/// Links in `text`, with or without a scheme (`example.org/x` counts).
pub fn link_count(text: &str) -> usize {
    let mut finder = linkify::LinkFinder::new();
    finder
        .kinds(&[linkify::LinkKind::Url])
        .url_must_have_scheme(false);
    finder.links(text).count()
}

/// True when two texts are the same once case, spacing and invisible
/// characters are ignored: what "the same text again" means for repeats.
pub fn same_text(a: &str, b: &str) -> bool {
    let (left, right) = (words(a), words(b));
    if left.is_empty() && right.is_empty() {
        // Nothing word-like (symbols only): compare the texts themselves.
        return a.trim() == b.trim();
    }
    left == right
}

/// `text` with every invisible character turned into a space.
fn split_at_invisible(text: &str) -> String {
    text.chars()
        .map(|c| if is_hidden(c) { ' ' } else { c })
        .collect()
}

/// Invisible non-whitespace characters: the escaper's list plus every
/// format character and blank filler the text rules know.
fn is_hidden(c: char) -> bool {
    is_invisible(c) || crate::text::is_format_or_filler(c)
}

/// The lower-case ASCII words of `text`, after dropping invisible and
/// direction-control characters and transliterating look-alikes.
fn words(text: &str) -> Vec<String> {
    let visible: String = text.chars().filter(|c| !is_hidden(*c)).collect();
    deunicode::deunicode(&visible)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Characters that change nothing visible but split words for a naive matcher.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_two_links_looks_like_spam() {
        let rules = SpamRules::default();
        assert_eq!(
            rules.check("Ana", "see https://a.example and www.b.example", false),
            None
        );
        assert_eq!(
            rules.check(
                "Ana",
                "https://a.example https://b.example c.example.org/x",
                false
            ),
            Some(SpamSignal::TooManyLinks)
        );
    }

    #[test]
    fn blocked_words_match_whole_words_whatever_their_disguise() {
        let rules = SpamRules::new(["casino", "cheap pills", " "]);
        assert_eq!(rules.len(), 2);
        assert!(rules.blocks("Best CASINO in town"));
        assert!(rules.blocks("ｃａｓｉｎｏ bonus"));
        assert!(rules.blocks("cas\u{200B}ino"));
        assert!(rules.blocks("Cheap   pills here"));
        assert!(!rules.blocks("pills that are cheap"));
        assert!(!rules.blocks("occasionally"));
        assert_eq!(
            rules.check("casino king", "hello", false),
            Some(SpamSignal::BlockedWord)
        );
    }

    #[test]
    fn blocked_phrases_match_across_invisible_characters() {
        let rules = SpamRules::new(["free money", "casino"]);
        assert!(rules.blocks("FREE\u{200B}MONEY"));
        assert!(rules.blocks("free\u{2060}\u{200D}money today"));
        assert!(rules.blocks("FREE\u{00AD}MONEY"));
        assert!(rules.blocks("free\u{E0020}money"));
        assert!(rules.blocks("ca\u{FEFF}si\u{200C}no"));
        assert!(!rules.blocks("freemoney"), "whole words still");
        assert!(!rules.blocks("free of money worries"));
    }

    #[test]
    fn no_rules_block_nothing() {
        assert!(!SpamRules::new(Vec::<String>::new()).blocks("anything at all"));
    }

    #[test]
    fn repeats_ignore_case_and_spacing() {
        assert!(same_text("Great  article!", "great article"));
        assert!(!same_text("great article", "great articles"));
        assert_eq!(
            SpamRules::default().check("Ana", "hello", true),
            Some(SpamSignal::Repeated)
        );
    }
}
