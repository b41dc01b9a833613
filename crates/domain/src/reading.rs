//! Derived reading figures shown beside a story ("6 min read").

use unicode_segmentation::UnicodeSegmentation;

/// Average adult silent-reading speed for news prose, in words per minute.
pub const WORDS_PER_MINUTE: usize = 230;

/// Counts words the way Unicode segments them (numbers and contractions are one word each).
pub fn word_count(text: &str) -> usize {
    text.unicode_words().count()
}

/// Minutes to read `words`, rounded up, at least one for any text.
pub fn reading_time_minutes(words: usize) -> usize {
    if words == 0 {
        0
    } else {
        words.div_ceil(WORDS_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_not_punctuation_or_emoji() {
        assert_eq!(word_count("🕊️ “Peace, now” — they’re 30 days away."), 6);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_minutes(0), 0);
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(WORDS_PER_MINUTE), 1);
        assert_eq!(reading_time_minutes(WORDS_PER_MINUTE + 1), 2);
    }
}
