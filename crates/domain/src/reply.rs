//! Replies: what readers write under an article. Readers have no account, so
//! everything here is untrusted: bounded on the way in, escaped on the way out.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::article::ReplyPolicy;
use crate::error::{DomainError, FieldError, ValidationErrors};
use crate::ids::{ArticleId, ReplyId, UserId};
use crate::limits::{REPLY_BODY_MAX, REPLY_DEPTH_MAX};
use crate::user::{DisplayName, Email};

/// Where a reply is in moderation. The public sees `Approved` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyStatus {
    /// Waiting for a moderator.
    Pending,
    /// Public.
    Approved,
    /// Refused by a moderator.
    Rejected,
    /// Refused as spam (also what honeypot hits become).
    Spam,
}

impl ReplyStatus {
    /// Every status.
    pub const ALL: [ReplyStatus; 4] = [
        ReplyStatus::Pending,
        ReplyStatus::Approved,
        ReplyStatus::Rejected,
        ReplyStatus::Spam,
    ];

    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyStatus::Pending => "pending",
            ReplyStatus::Approved => "approved",
            ReplyStatus::Rejected => "rejected",
            ReplyStatus::Spam => "spam",
        }
    }
}

impl fmt::Display for ReplyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReplyStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown reply status {s:?}"))
    }
}

/// A reply's text: plain text, stored exactly as given, 1–5,000 characters once
/// trimmed, with at least one visible (see [`crate::text::is_blank`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyBody(String);

impl ReplyBody {
    /// Checks the bounds without altering the text.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let trimmed = value.trim();
        if crate::text::is_blank(trimmed) {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if value.contains('\0') {
            return Err(FieldError::new(field, "must not contain NUL characters"));
        }
        let length = trimmed.chars().count();
        if length > REPLY_BODY_MAX {
            return Err(FieldError::new(
                field,
                format!("must be at most {REPLY_BODY_MAX} characters (got {length})"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The text as the reader wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Safe HTML for web frontends: everything escaped, line breaks kept as
    /// `<br>`, bare URLs linked with `rel="nofollow ugc noopener"`.
    pub fn html(&self) -> String {
        render_reply_html(&self.0)
    }
}

/// See [`ReplyBody::html`]; a function so stored bodies render without re-validation.
pub fn render_reply_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() + body.len() / 8);
    let finder = {
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        finder
    };
    for span in finder.spans(body.trim()) {
        match span.kind() {
            Some(linkify::LinkKind::Url) if is_web_url(span.as_str()) => {
                let url = escape(span.as_str());
                html.push_str(&format!(
                    "<a href=\"{url}\" rel=\"nofollow ugc noopener\">{url}</a>"
                ));
            }
            _ => html.push_str(
                &escape(span.as_str())
                    .replace("\r\n", "\n")
                    .replace('\n', "<br>\n"),
            ),
        }
    }
    html
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Text as HTML text: markup characters escaped, invisible characters dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Direction overrides and invisible characters can disguise a
            // link or reorder the text around it; the raw `body` keeps them.
            c if crate::spam::is_invisible(c) => {}
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A reader's reply as validated input, before moderation decides its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    /// Name shown with the reply.
    pub author_name: DisplayName,
    /// Contact address; never shown publicly.
    pub author_email: Email,
    /// The text.
    pub body: ReplyBody,
}

impl NewReply {
    /// Validates the three reader-given fields at once.
    pub fn parse(
        author_name: &str,
        author_email: &str,
        body: &str,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let author_name = errors.collect(DisplayName::parse("author_name", author_name));
        let author_email = errors.collect(Email::parse("author_email", author_email));
        let body = errors.collect(ReplyBody::parse("body", body));
        match (author_name, author_email, body) {
            (Some(author_name), Some(author_email), Some(body)) => Ok(Self {
                author_name,
                author_email,
                body,
            }),
            _ => Err(errors),
        }
    }
}

/// The status a new reply starts in, given the article's policy and what the
/// spam checks found. A closed article takes no replies at all.
pub fn initial_status(
    policy: ReplyPolicy,
    looks_like_spam: bool,
) -> Result<ReplyStatus, DomainError> {
    match policy {
        ReplyPolicy::Closed => Err(DomainError::RepliesClosed),
        ReplyPolicy::Moderated => Ok(ReplyStatus::Pending),
        ReplyPolicy::Open if looks_like_spam => Ok(ReplyStatus::Pending),
        ReplyPolicy::Open => Ok(ReplyStatus::Approved),
    }
}

/// The depth of a reply under a parent of `parent_depth` (top level is 1), or
/// an error when the thread is already as deep as allowed.
pub fn child_depth(parent_depth: Option<u8>) -> Result<u8, FieldError> {
    let depth = parent_depth.map_or(1, |d| d.saturating_add(1));
    if depth > REPLY_DEPTH_MAX {
        return Err(FieldError::new(
            "parent_id",
            format!("threads are at most {REPLY_DEPTH_MAX} levels deep"),
        ));
    }
    Ok(depth)
}

/// A stored reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Identity.
    pub id: ReplyId,
    /// The article it is under.
    pub article_id: ArticleId,
    /// The reply it answers, if any.
    pub parent_id: Option<ReplyId>,
    /// The replies above it, the thread's first reply first, `parent_id` last;
    /// empty for a top-level reply. Kept so that a removed reply's answers
    /// still know where they stand.
    pub ancestors: Vec<ReplyId>,
    /// 1 for a top-level reply.
    pub depth: u8,
    /// Name shown with the reply.
    pub author_name: String,
    /// Never shown publicly.
    pub author_email: String,
    /// As the reader wrote it.
    pub body: String,
    /// Moderation state.
    pub status: ReplyStatus,
    /// Written by a member of staff under their account.
    pub is_staff: bool,
    /// The staff account, for staff replies.
    pub user_id: Option<UserId>,
    /// Salted hash of the poster's network address (never the address), for
    /// repeat detection and abuse review; `None` for staff and imported replies.
    pub client_hash: Option<String>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

impl Reply {
    /// Safe HTML of the body; see [`ReplyBody::html`].
    pub fn body_html(&self) -> String {
        render_reply_html(&self.body)
    }

    /// The first reply of its thread (itself when top-level).
    pub fn root_id(&self) -> ReplyId {
        self.ancestors.first().copied().unwrap_or(self.id)
    }
}

/// What a moderator does to a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModerationAction {
    /// Make it public.
    Approve,
    /// Refuse it.
    Reject,
    /// Refuse it as spam.
    Spam,
    /// Remove it for good (its answers keep their place under a placeholder).
    Delete,
}

impl ModerationAction {
    /// Every action.
    pub const ALL: [ModerationAction; 4] = [
        ModerationAction::Approve,
        ModerationAction::Reject,
        ModerationAction::Spam,
        ModerationAction::Delete,
    ];

    /// Stable name, as in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Reject => "reject",
            ModerationAction::Spam => "spam",
            ModerationAction::Delete => "delete",
        }
    }

    /// The status the action moves a reply to; `None` for deletion.
    pub fn target_status(self) -> Option<ReplyStatus> {
        match self {
            ModerationAction::Approve => Some(ReplyStatus::Approved),
            ModerationAction::Reject => Some(ReplyStatus::Rejected),
            ModerationAction::Spam => Some(ReplyStatus::Spam),
            ModerationAction::Delete => None,
        }
    }
}

impl FromStr for ModerationAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| format!("unknown action {s:?} (approve, reject, spam or delete)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_kept_exactly_but_bounded_when_trimmed() {
        let body = ReplyBody::parse("body", "  spaced\n").unwrap();
        assert_eq!(body.as_str(), "  spaced\n");
        assert!(ReplyBody::parse("body", &format!("  {}  ", "b".repeat(REPLY_BODY_MAX))).is_ok());
        assert!(ReplyBody::parse("body", &"b".repeat(REPLY_BODY_MAX + 1)).is_err());
        assert!(ReplyBody::parse("body", " \n\t").is_err());
        assert!(ReplyBody::parse("body", "x\0y").is_err());
    }

    #[test]
    fn html_escapes_everything_and_keeps_line_breaks() {
        let html = render_reply_html("<script>alert(1)</script>\n<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<br>"));
    }

    #[test]
    fn urls_become_nofollow_links_and_javascript_does_not() {
        let html = render_reply_html("see https://example.org/a?b=1&c=2 not javascript:alert(1)");
        assert!(
            html.contains(
                r#"<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">"#
            ),
            "{html}"
        );
        assert!(!html.contains("href=\"javascript"), "{html}");
    }

    #[test]
    fn direction_overrides_do_not_reach_html() {
        let html = render_reply_html("evil\u{202E}gpj.exe ＜script＞");
        assert!(!html.contains('\u{202E}'), "{html}");
        assert!(html.contains("＜script＞"), "{html}");
    }

    #[test]
    fn moderation_actions_round_trip() {
        for action in ModerationAction::ALL {
            assert_eq!(action.as_str().parse::<ModerationAction>().unwrap(), action);
        }
        assert!("publish".parse::<ModerationAction>().is_err());
        assert_eq!(ModerationAction::Delete.target_status(), None);
    }

    #[test]
    fn a_quote_in_a_url_cannot_break_out_of_the_attribute() {
        let html = render_reply_html("https://example.org/\"onmouseover=\"alert(1)");
        assert!(!html.contains("\"onmouseover"), "{html}");
    }

    #[test]
    fn policy_decides_the_initial_status() {
        assert_eq!(
            initial_status(ReplyPolicy::Open, false).unwrap(),
            ReplyStatus::Approved
        );
        assert_eq!(
            initial_status(ReplyPolicy::Open, true).unwrap(),
            ReplyStatus::Pending
        );
        assert_eq!(
            initial_status(ReplyPolicy::Moderated, false).unwrap(),
            ReplyStatus::Pending
        );
        assert_eq!(
            initial_status(ReplyPolicy::Closed, false),
            Err(DomainError::RepliesClosed)
        );
    }

    #[test]
    fn threads_stop_at_the_depth_limit() {
        assert_eq!(child_depth(None).unwrap(), 1);
        assert_eq!(
            child_depth(Some(REPLY_DEPTH_MAX - 1)).unwrap(),
            REPLY_DEPTH_MAX
        );
        assert_eq!(
            child_depth(Some(REPLY_DEPTH_MAX)).unwrap_err().field,
            "parent_id"
        );
    }

    #[test]
    fn new_reply_names_every_bad_field() {
        let errors = NewReply::parse("", "nope", "").unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["author_name", "author_email", "body"]);
    }
}
