//! The SQLite engine: an FTS5 table (`search_fts`, contentless, its rowid
//! the document key) beside `search_documents`. Text arrives folded (see
//! `masthead_domain::search`); FTS5's `unicode61` tokenizer splits it as the
//! domain does. No stemming: FTS5's only stemmer (`porter`) is English-only.

use masthead_domain::search::{Phrase, SearchQuery};
use sea_orm::DatabaseBackend;

use super::{Sql, Window};

/// bm25 column weights: title, standfirst, body, names.
const WEIGHTS: &str = "10.0, 4.0, 1.0, 2.0";

/// The newest `window.limit` matches below `window.upper`, with their bm25
/// score (negated: higher is better), newest first. FTS5 walks its doclists
/// in rowid order and stops at the limit: nothing outside the window is ranked.
pub(super) fn candidates(window: &Window<'_>) -> sea_orm::Statement {
    let mut sql = Sql::new(DatabaseBackend::Sqlite);
    sql.push(&format!(
        "SELECT d.doc AS doc, d.article_id AS article_id, -bm25(search_fts, {WEIGHTS}) AS score \
         FROM search_fts JOIN search_documents d ON d.doc = search_fts.rowid \
         WHERE search_fts MATCH "
    ))
    .bind(match_expression(window.request.query))
    .push(" AND search_fts.rowid < ")
    .bind(window.upper)
    .push(" AND search_fts.rowid >= ")
    .bind(window.lower);
    sql.filters(window.request);
    sql.push(" ORDER BY search_fts.rowid DESC LIMIT ")
        .bind(window.limit as i64);
    sql.statement()
}

/// The FTS5 expression of a parsed query. Every word is a quoted string of
/// letters and digits only (the parser guarantees it), so nothing the user
/// typed is FTS5 syntax.
pub(crate) fn match_expression(query: &SearchQuery) -> String {
    let groups: Vec<String> = query
        .groups()
        .iter()
        .map(|group| {
            let phrases: Vec<String> = group.iter().map(phrase).collect();
            format!("({})", phrases.join(" OR "))
        })
        .collect();
    let mut expression = groups.join(" AND ");
    if !query.excluded().is_empty() {
        let excluded: Vec<String> = query.excluded().iter().map(phrase).collect();
        expression = format!("({expression}) NOT ({})", excluded.join(" OR "));
    }
    expression
}

fn phrase(phrase: &Phrase) -> String {
    let words: Vec<&str> = phrase
        .words
        .iter()
        .map(String::as_str)
        .filter(|word| word.chars().all(char::is_alphanumeric))
        .collect();
    format!(
        "\"{}\"{}",
        words.join(" "),
        if phrase.prefix { " *" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_quoted_fts5_expressions() {
        let query = SearchQuery::parse(r#"Peskov "grain deal" -odesa kyiv OR NEAR(lviv"#).unwrap();
        assert_eq!(
            match_expression(&query),
            r#"(("peskov") AND ("grain deal") AND ("kyiv" OR "near") AND ("lviv" *)) NOT ("odesa")"#
        );
    }
}
