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
    let query = window.request.query;
    let mut sql = Sql::new(DatabaseBackend::Postgres);
    sql.push(&format!(
        "SELECT c.doc AS doc, c.article_id AS article_id, ts_rank({WEIGHTS}, c.document, "
    ));
    tsquery(&mut sql, query, language);
    sql.push(
        ")::float8 AS score FROM (SELECT d.doc, d.article_id, d.document \
         FROM search_documents d WHERE d.document @@ (",
    );
    tsquery(&mut sql, query, language);
    sql.push(") AND d.doc < ")
        .bind(window.upper)
        .push(" AND d.doc >= ")
        .bind(window.lower);
    sql.filters(window.request);
    sql.push(" ORDER BY d.doc DESC LIMIT ")
        .bind(window.limit as i64)
        .push(") c ORDER BY c.doc DESC");
    sql.statement()
}

/// The `tsquery` of a parsed query as an SQL expression: each word its own
/// `to_tsquery` of one bound lexeme (letters and digits only, so nothing the
/// user typed is tsquery syntax), combined with `&&`, `||`, `!!` and
/// `tsquery_phrase`. Whole words go through the language (stemming, stop
/// words); a prefix matches as the language stems it or as typed (through
/// `simple`), so `geology` finds the stem `geolog` and `a` while typing is a
/// prefix, not a dropped stop word.
pub(crate) fn tsquery(sql: &mut Sql, query: &SearchQuery, language: &str) {
    sql.push("(");
    for (i, group) in query.groups().iter().enumerate() {
        if i > 0 {
            sql.push(" && ");
        }
        sql.push("(");
        for (j, found) in group.iter().enumerate() {
            if j > 0 {
                sql.push(" || ");
            }
            phrase(sql, found, language);
        }
        sql.push(")");
    }
    for excluded in query.excluded() {
        sql.push(" && !!");
        phrase(sql, excluded, language);
    }
    sql.push(")");
}

fn phrase(sql: &mut Sql, phrase: &Phrase, language: &str) {
    let words: Vec<&String> = phrase
        .words
        .iter()
        .filter(|word| word.chars().all(char::is_alphanumeric))
        .collect();
    let last = words.len().saturating_sub(1);
    // tsquery_phrase(tsquery_phrase(a, b), c): words next to each other, in order.
    for _ in 1..words.len() {
        sql.push("tsquery_phrase(");
    }
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        if phrase.prefix && i == last {
            let prefix = format!("{word}:*");
            sql.push("(to_tsquery(")
                .bind(language)
                .push("::regconfig, ")
                .bind(prefix.clone())
                .push(") || to_tsquery('simple', ")
                .bind(prefix)
                .push(")");
        } else {
            sql.push("to_tsquery(")
                .bind(language)
                .push("::regconfig, ")
                .bind(word.as_str());
        }
        sql.push(")");
        if i > 0 {
            sql.push(")");
        }
    }
    if words.is_empty() {
        sql.push("''::tsquery");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_expressions_of_bound_lexemes() {
        let query = SearchQuery::parse(r#"Peskov "grain deal" -odesa kyiv OR lvi"#).unwrap();
        let mut sql = Sql::new(DatabaseBackend::Postgres);
        tsquery(&mut sql, &query, "english");
        assert_eq!(
            sql.text,
            "((to_tsquery($1::regconfig, $2)) && (tsquery_phrase(to_tsquery($3::regconfig, $4), \
             to_tsquery($5::regconfig, $6))) && (to_tsquery($7::regconfig, $8) || \
             (to_tsquery($9::regconfig, $10) || to_tsquery('simple', $11))) && \
             !!to_tsquery($12::regconfig, $13))"
        );
        assert_eq!(sql.values.len(), 13);
        assert_eq!(sql.values[10], sea_orm::Value::from("lvi:*"));
    }
}
