//! Splitting a leading emoji off a heading or a pull quote.
//!
//! Newsrooms start headings with an emoji ("🤝 Peace Talks"); frontends want to
//! style it apart from the words, so the domain keeps it in its own `icon` field.

use unicode_segmentation::UnicodeSegmentation;

/// Returns `(icon, rest)`: the leading emoji (one grapheme cluster, so
/// multi-codepoint emoji such as 🕊️ or 👩‍💻 stay whole) and the trimmed
/// remainder. Text that does not start with an emoji comes back unchanged.
pub fn split_leading_emoji(text: &str) -> (Option<String>, String) {
    let trimmed = text.trim_start();
    let Some(first) = trimmed.graphemes(true).next() else {
        return (None, String::new());
    };
    if is_emoji(first) {
        let rest = trimmed[first.len()..].trim();
        (Some(first.to_owned()), rest.to_owned())
    } else {
        (None, text.trim().to_owned())
    }
}

/// True when `grapheme` is one emoji, with or without its presentation selector.
pub fn is_emoji(grapheme: &str) -> bool {
    if emojis::get(grapheme).is_some() {
        return true;
    }
    // Text sent without the U+FE0F variation selector (or with an extra one).
    let bare: String = grapheme.chars().filter(|c| *c != '\u{FE0F}').collect();
    if bare.is_empty() || bare.is_ascii() {
        return false;
    }
    emojis::get(&bare).is_some() || emojis::get(&format!("{bare}\u{FE0F}")).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The icons a seed-shaped news page uses, several of them multi-codepoint.
    #[test]
    fn splits_the_icons_of_the_seed_page() {
        for icon in ["🕊️", "🤝", "💥", "💬", "🧩", "🗣️", "⏳", "🌍", "⚖️"]
        {
            let (found, rest) = split_leading_emoji(&format!("{icon} Heading words"));
            assert_eq!(found.as_deref(), Some(icon), "icon {icon:?}");
            assert_eq!(rest, "Heading words");
        }
    }

    #[test]
    fn keeps_zero_width_joiner_sequences_whole() {
        let (icon, rest) = split_leading_emoji("👩‍💻 Newsroom tools");
        assert_eq!(icon.as_deref(), Some("👩‍💻"));
        assert_eq!(rest, "Newsroom tools");
    }

    #[test]
    fn accepts_emoji_without_the_variation_selector() {
        let (icon, rest) = split_leading_emoji("\u{1F54A} Doves");
        assert_eq!(icon.as_deref(), Some("\u{1F54A}"));
        assert_eq!(rest, "Doves");
    }

    #[test]
    fn plain_text_is_left_alone() {
        assert_eq!(
            split_leading_emoji("Kremlin confirms"),
            (None, "Kremlin confirms".into())
        );
        assert_eq!(split_leading_emoji("“Quoted”"), (None, "“Quoted”".into()));
        assert_eq!(split_leading_emoji("1 digit"), (None, "1 digit".into()));
        assert_eq!(split_leading_emoji("# hash"), (None, "# hash".into()));
        assert_eq!(split_leading_emoji(""), (None, String::new()));
    }

    #[test]
    fn an_emoji_alone_leaves_empty_text() {
        assert_eq!(
            split_leading_emoji("🌍"),
            (Some("🌍".into()), String::new())
        );
    }
}
