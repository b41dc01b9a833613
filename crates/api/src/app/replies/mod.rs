//! Reader replies, shared by REST and GraphQL: posting (bounds, rate limits,
//! honeypot, spam signals, the article's policy), abuse protection (salted
//! client hashes, never addresses), and moderation by editors and admins.

pub mod guard;
pub mod moderation;
pub mod posting;
pub mod settings;
