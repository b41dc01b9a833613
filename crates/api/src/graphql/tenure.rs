//! Whether the member of staff behind a subscription connection still holds
//! it. A WebSocket outlives the request that opened it, so its caller is
//! checked again: when the access token expires, at every event a
//! subscription hears, and every [`RECHECK`] in between. A caller who no longer
//! holds the connection loses it: the connection is closed with the
//! `graphql-transport-ws` close code ([`Lost::close_code`]), never left open.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use masthead_domain::policy::Actor;
use tokio::sync::watch;

use crate::state::AppState;

/// How often a connection's caller is checked when no event asks.
pub const RECHECK: Duration = Duration::from_secs(15);

/// Why a caller lost the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// The access token the connection was opened with expired.
    Expired,
    /// The account's credentials changed (password changed or reset, every
    /// session ended) since the connection was opened.
    Revoked,
    /// The account was disabled or deleted.
    Disabled,
    /// The account's role changed.
    RoleChanged,
    /// The token of `connection_init` was not valid.
    Refused,
}

impl Lost {
    /// The `graphql-transport-ws` close code: `4401 Unauthorized` when the
    /// caller must sign in again, `4403 Forbidden` when the account may no
    /// longer hold what it held.
    pub fn close_code(self) -> u16 {
        match self {
            Self::Expired | Self::Revoked => 4401,
            Self::Disabled | Self::RoleChanged | Self::Refused => 4403,
        }
    }

    /// The close frame's reason.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Expired => "Unauthorized: the access token expired",
            Self::Revoked => "Unauthorized: the account's sessions were ended",
            Self::Disabled => "Forbidden: the account is disabled",
            Self::RoleChanged => "Forbidden: the account's role changed",
            Self::Refused => "Forbidden: the token is not valid",
        }
    }
}

/// A member of staff holding a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// Who, in which role.
    pub actor: Actor,
    /// When the caller was verified (credentials changed later revoke it).
    pub since: DateTime<Utc>,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
}

impl Holder {
    /// Checks the account as it stands now. A database that cannot answer
    /// costs nobody the connection; the next check decides.
    pub async fn check(&self, state: &AppState) -> Result<(), Lost> {
        if Utc::now() >= self.expires_at {
            return Err(Lost::Expired);
        }
        let standing = match state.store.users().token_standing(self.actor.id).await {
            Ok(Some(standing)) => standing,
            Ok(None) => return Err(Lost::Disabled),
            Err(error) => {
                tracing::warn!(%error, "could not check a subscriber's account");
                return Ok(());
            }
        };
        if !standing.active {
            Err(Lost::Disabled)
        } else if standing.role != self.actor.role {
            Err(Lost::RoleChanged)
        } else if standing
            .credentials_changed_at
            .is_some_and(|changed| changed > self.since)
        {
            Err(Lost::Revoked)
        } else {
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Standing {
    Anonymous,
    Staff(Holder),
    Lost(Lost),
}

/// Who holds one connection, shared by the connection and its subscriptions.
#[derive(Debug, Clone)]
pub struct Tenure(Arc<watch::Sender<Standing>>);

impl Tenure {
    /// A connection held by `holder` (anonymous when `None`).
    pub fn new(holder: Option<Holder>) -> Self {
        let standing = holder.map_or(Standing::Anonymous, Standing::Staff);
        Self(Arc::new(watch::Sender::new(standing)))
    }

    /// The caller of `connection_init` now holds the connection.
    pub fn hold(&self, holder: Option<Holder>) {
        self.0.send_modify(|standing| {
            if !matches!(standing, Standing::Lost(_)) {
                *standing = holder.map_or(Standing::Anonymous, Standing::Staff);
            }
        });
    }

    /// Checks the holder now; false (and the connection lost) when it no
    /// longer holds it. Anonymous connections always hold.
    pub async fn still_held(&self, state: &AppState) -> bool {
        let standing = *self.0.borrow();
        match standing {
            Standing::Anonymous => true,
            Standing::Lost(_) => false,
            Standing::Staff(holder) => match holder.check(state).await {
                Ok(()) => true,
                Err(lost) => {
                    self.lose(lost);
                    false
                }
            },
        }
    }

    /// Why the connection was lost, if it was.
    pub fn lost_now(&self) -> Option<Lost> {
        match *self.0.borrow() {
            Standing::Lost(lost) => Some(lost),
            _ => None,
        }
    }

    /// Records why the connection is lost (the first reason stands).
    pub fn lose(&self, lost: Lost) {
        self.0.send_modify(|standing| {
            if !matches!(standing, Standing::Lost(_)) {
                *standing = Standing::Lost(lost);
            }
        });
    }

    /// Resolves when the connection is lost, and why: at the token's expiry,
    /// at a failed check of a subscription, or at a failed [`RECHECK`].
    /// Never resolves for an anonymous connection.
    pub async fn lost(&self, state: &AppState) -> Lost {
        let mut changes = self.0.subscribe();
        loop {
            let standing = *changes.borrow_and_update();
            let holder = match standing {
                Standing::Lost(lost) => return lost,
                Standing::Anonymous => {
                    // The sender lives in `self`: this only ends with a change.
                    let _ = changes.changed().await;
                    continue;
                }
                Standing::Staff(holder) => holder,
            };
            let to_expiry = (holder.expires_at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            tokio::select! {
                _ = changes.changed() => {}
                () = tokio::time::sleep(to_expiry.min(RECHECK)) => {
                    if let Err(lost) = holder.check(state).await {
                        self.lose(lost);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lost;

    #[test]
    fn expired_or_revoked_callers_must_sign_in_again_and_demoted_ones_are_forbidden() {
        assert_eq!(Lost::Expired.close_code(), 4401);
        assert_eq!(Lost::Revoked.close_code(), 4401);
        assert_eq!(Lost::Disabled.close_code(), 4403);
        assert_eq!(Lost::RoleChanged.close_code(), 4403);
        assert_eq!(Lost::Refused.close_code(), 4403);
    }
}
