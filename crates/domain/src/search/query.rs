//! The search query language, the same on every engine: words (all must
//! match), `"exact phrases"`, `-excluded` words or phrases, `OR` between two
//! words or phrases, and the last word matching as a prefix while it is being
//! typed (`reykj` finds `Reykjavík`; a trailing `*` says so explicitly).
//!
//! Everything else is understood as punctuation between words: `NEAR(a b)`,
//! `title:x`, `^`, `*` and brackets are words and separators, never engine
//! syntax. An unclosed quote runs to the end of the query. What cannot be
//! understood is a [`DomainError::BadQuery`] that says why; over-long
//! queries are a field error on `q`.

use crate::error::{DomainError, FieldError};

use super::words;

/// Longest query, in characters.
pub const QUERY_MAX_CHARS: usize = 200;
/// Most words a query may hold, excluded ones included.
pub const QUERY_MAX_TERMS: usize = 20;

/// Characters that separate words and mean nothing else.
const SEPARATORS: &[char] = &['(', ')', '[', ']', '{', '}', '*', '^', ':', '+', ',', ';'];

/// A word or phrase to match: folded words that must stand in this order,
/// next to each other; the last one may be a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The folded words (at least one).
    pub words: Vec<String>,
    /// The last word matches any word it starts.
    pub prefix: bool,
}

/// A parsed query: every group must match (a group matches when any of its
/// phrases does) and no excluded phrase may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    groups: Vec<Vec<Phrase>>,
    excluded: Vec<Phrase>,
}

/// One lexical item of a query.
enum Item {
    Or,
    Phrase {
        phrase: Phrase,
        negated: bool,
        quoted: bool,
    },
}

impl SearchQuery {
    /// Parses what a reader typed (see the module documentation).
    pub fn parse(q: &str) -> Result<Self, DomainError> {
        let length = q.chars().count();
        if q.trim().is_empty() {
            return Err(field_error("must not be empty"));
        }
        if length > QUERY_MAX_CHARS {
            return Err(field_error(format!(
                "must be at most {QUERY_MAX_CHARS} characters"
            )));
        }
        let mut items = lex(q);
        let terms: usize = items
            .iter()
            .map(|item| match item {
                Item::Or => 0,
                Item::Phrase { phrase, .. } => phrase.words.len(),
            })
            .sum();
        if terms > QUERY_MAX_TERMS {
            return Err(field_error(format!(
                "must hold at most {QUERY_MAX_TERMS} words"
            )));
        }
        let typing = q
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '*');
        if let Some(Item::Phrase {
            phrase,
            negated: false,
            quoted: false,
        }) = items.last_mut()
        {
            phrase.prefix = typing;
        }
        assemble(items)
    }

    /// The groups that must all match; a group matches when any of its phrases does.
    pub fn groups(&self) -> &[Vec<Phrase>] {
        &self.groups
    }

    /// Phrases no result may contain.
    pub fn excluded(&self) -> &[Phrase] {
        &self.excluded
    }

    /// Every phrase a result should contain (for highlighting).
    pub fn wanted(&self) -> impl Iterator<Item = &Phrase> {
        self.groups.iter().flatten()
    }
}

fn field_error(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(FieldError::new("q", message).into())
}

fn bad(message: &str) -> DomainError {
    DomainError::BadQuery(message.to_owned())
}

/// Splits a query into words, phrases and `OR`s.
fn lex(q: &str) -> Vec<Item> {
    let chars: Vec<char> = q.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || SEPARATORS.contains(&c) {
            i += 1;
            continue;
        }
        let negated = c == '-';
        if negated {
            i += 1;
            if chars.get(i).is_none_or(|next| next.is_whitespace()) {
                continue;
            }
        }
        let quoted = chars.get(i) == Some(&'"');
        let raw: String = if quoted {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == '"')
                .map_or(chars.len(), |offset| start + offset);
            i = end + 1;
            chars[start..end].iter().collect()
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && chars[i] != '"'
                && !SEPARATORS.contains(&chars[i])
            {
                i += 1;
            }
            chars[start..i].iter().collect()
        };
        if !quoted && !negated && raw == "OR" {
            items.push(Item::Or);
            continue;
        }
        let words = words(&raw);
        if words.is_empty() {
            continue;
        }
        items.push(Item::Phrase {
            phrase: Phrase {
                words,
                prefix: false,
            },
            negated,
            quoted,
        });
    }
    items
}

/// Joins `OR`ed phrases into groups; checks that something must match.
fn assemble(items: Vec<Item>) -> Result<SearchQuery, DomainError> {
    let or_misplaced = "`OR` needs a word or phrase that must match on each side";
    let mut groups: Vec<Vec<Phrase>> = Vec::new();
    let mut excluded = Vec::new();
    let mut pending_or = false;
    let mut last_positive = false;
    for item in items {
        match item {
            Item::Or => {
                if pending_or || !last_positive {
                    return Err(bad(or_misplaced));
                }
                pending_or = true;
            }
            Item::Phrase {
                phrase,
                negated: true,
                ..
            } => {
                if pending_or {
                    return Err(bad(or_misplaced));
                }
                excluded.push(phrase);
                last_positive = false;
            }
            Item::Phrase { phrase, .. } => {
                match (pending_or, groups.last_mut()) {
                    (true, Some(group)) => group.push(phrase),
                    _ => groups.push(vec![phrase]),
                }
                pending_or = false;
                last_positive = true;
            }
        }
    }
    if pending_or {
        return Err(bad(or_misplaced));
    }
    if groups.is_empty() {
        return Err(bad(if excluded.is_empty() {
            "the query holds no words to search for (punctuation alone matches nothing)"
        } else {
            "the query needs at least one word that must match, not only excluded ones"
        }));
    }
    Ok(SearchQuery { groups, excluded })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(words: &[&str], prefix: bool) -> Phrase {
        Phrase {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            prefix,
        }
    }

    #[test]
    fn words_phrases_exclusions_and_or() {
        let query = SearchQuery::parse(r#"Peskov "grain deal" -Odesa kyiv OR Lviv "#).unwrap();
        assert_eq!(
            query.groups(),
            &[
                vec![phrase(&["peskov"], false)],
                vec![phrase(&["grain", "deal"], false)],
                vec![phrase(&["kyiv"], false), phrase(&["lviv"], false)],
            ]
        );
        assert_eq!(query.excluded(), &[phrase(&["odesa"], false)]);
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing() {
        let query = SearchQuery::parse("climate reykj").unwrap();
        assert_eq!(query.groups()[1], vec![phrase(&["reykj"], true)]);
        let query = SearchQuery::parse("a*").unwrap();
        assert_eq!(query.groups()[0], vec![phrase(&["a"], true)]);
        let done = SearchQuery::parse("climate reykj ").unwrap();
        assert_eq!(done.groups()[1], vec![phrase(&["reykj"], false)]);
        let quoted = SearchQuery::parse("\"grain deal\"").unwrap();
        assert!(!quoted.groups()[0][0].prefix);
    }

    #[test]
    fn engine_syntax_is_only_words() {
        let query = SearchQuery::parse("NEAR(title:peskov^2 x)").unwrap();
        let all: Vec<&str> = query
            .wanted()
            .flat_map(|p| p.words.iter().map(String::as_str))
            .collect();
        assert_eq!(all, vec!["near", "title", "peskov", "2", "x"]);
        // An unclosed quote runs to the end.
        let open = SearchQuery::parse("\"grain deal").unwrap();
        assert_eq!(open.groups(), &[vec![phrase(&["grain", "deal"], false)]]);
        // Hyphenated words are a phrase, as the text was split.
        let hyphen = SearchQuery::parse("e-mail ").unwrap();
        assert_eq!(hyphen.groups(), &[vec![phrase(&["e", "mail"], false)]]);
    }

    #[test]
    fn what_cannot_be_understood_says_why() {
        for q in [
            "OR",
            "a OR",
            "OR a",
            "a OR OR b",
            "-a OR b",
            "a OR -b",
            "***",
            "\"\"",
            "-x -y",
            "- -",
        ] {
            match SearchQuery::parse(q) {
                Err(DomainError::BadQuery(message)) => assert!(!message.is_empty(), "{q}"),
                other => panic!("{q}: {other:?}"),
            }
        }
    }

    #[test]
    fn bounds_are_field_errors_on_q() {
        let long = "a".repeat(QUERY_MAX_CHARS + 1);
        let many = vec!["w"; QUERY_MAX_TERMS + 1].join(" ");
        for q in ["", "   ", long.as_str(), many.as_str()] {
            assert!(
                matches!(SearchQuery::parse(q), Err(DomainError::Invalid(_))),
                "{q}"
            );
        }
        assert!(SearchQuery::parse(&"a".repeat(QUERY_MAX_CHARS)).is_ok());
        assert!(SearchQuery::parse(&vec!["w"; QUERY_MAX_TERMS].join(" ")).is_ok());
    }
}
