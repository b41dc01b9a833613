//! Reader renderings of content: the one HTML form of an article that every
//! HTML view (feeds today) uses, so a block looks the same wherever it travels.

pub mod article_html;
