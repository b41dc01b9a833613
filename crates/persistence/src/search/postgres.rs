//! The PostgreSQL engine: a weighted `tsvector` per document with a GIN
//! index, in the configured text-search language (stemming, stop words).
//! Text arrives folded (see `masthead_domain::search`), so no `unaccent` is
//! needed; queries are built as `to_tsquery` text from parsed words only.

use masthead_domain::search::{Phrase, SearchQuery};
use sea_orm::DatabaseBackend;

use super::{Sql, Window};

/// `ts_rank` weights for D (body), C (names), B (standfirst), A (title).
const WEIGHTS: &str = "'{0.1, 0.2, 0.4, 1.0}'";

/// The newest `window.limit` matches below `window.upper`, ranked by
/// `ts_rank`, newest first. The inner query walks the document-key index
/// (broad queries) or the GIN index (narrow ones), as the planner estimates;
/// only the window's rows are ranked.
pub(super) fn candidates(window: &Window<'_>, language: &str) -> sea_orm::Statement {
    let tsquery = tsquery(window.request.query);
    let mut sql = Sql::new(DatabaseBackend::Postgres);
    sql.push(&format!(
        "SELECT c.doc AS doc, c.article_id AS article_id, \
         ts_rank({WEIGHTS}, c.document, to_tsquery("
    ))
    .bind(language)
    .push("::regconfig, ")
    .bind(tsquery.clone())
    .push(
        "))::float8 AS score FROM (SELECT d.doc, d.article_id, d.document \
         FROM search_documents d WHERE d.document @@ to_tsquery(",
    )
    .bind(language)
    .push("::regconfig, ")
    .bind(tsquery)
    .push(") AND d.doc < ")
    .bind(window.upper)
    .push(" AND d.doc >= ")
    .bind(window.lower);
    sql.filters(window.request);
    sql.push(" ORDER BY d.doc DESC LIMIT ")
        .bind(window.limit as i64)
        .push(") c ORDER BY c.doc DESC");
    sql.statement()
}

/// The `to_tsquery` text of a parsed query: each word a quoted lexeme of
/// letters and digits only, so nothing the user typed is tsquery syntax.
pub(crate) fn tsquery(query: &SearchQuery) -> String {
    let groups: Vec<String> = query
        .groups()
        .iter()
        .map(|group| {
            let phrases: Vec<String> = group.iter().map(phrase).collect();
            format!("({})", phrases.join(" | "))
        })
        .collect();
    let mut text = groups.join(" & ");
    for excluded in query.excluded() {
        text.push_str(&format!(" & !{}", phrase(excluded)));
    }
    text
}

fn phrase(phrase: &Phrase) -> String {
    let words: Vec<&String> = phrase
        .words
        .iter()
        .filter(|word| word.chars().all(char::is_alphanumeric))
        .collect();
    let last = words.len().saturating_sub(1);
    let lexemes: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let prefix = if phrase.prefix && i == last { ":*" } else { "" };
            format!("'{word}'{prefix}")
        })
        .collect();
    format!("({})", lexemes.join(" <-> "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_quoted_tsquery_text() {
        let query = SearchQuery::parse(r#"Peskov "grain deal" -odesa kyiv OR lvi"#).unwrap();
        assert_eq!(
            tsquery(&query),
            "(('peskov')) & (('grain' <-> 'deal')) & (('kyiv') | ('lvi':*)) & !('odesa')"
        );
    }
}
