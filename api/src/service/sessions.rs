//! Sessions of the web console: begun by a sign-in, kept server-side, ended by signing out, by
//! a timeout, or at once when the account is disabled or its password changes.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use ipdr_domain::access::Principal;
use ipdr_persistence::repo::accounts;
use ipdr_persistence::repo::sessions::{self, StoredSession};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::service::error::AppResult;
use crate::state::AppState;

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// And after this long in any case.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Activity is written down at most this often (the idle timeout is this much less exact).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A session just begun: the secret for the cookie (never stored).
pub struct Opened {
    pub token: String,
}

/// The caller behind a live session. Its `Debug` shows neither the key nor the form token.
#[derive(Clone)]
pub struct Session {
    id: String,
    pub principal: Principal,
    csrf_token: String,
    /// `zh-CN` or `en`.
    pub language: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("principal", &self.principal)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The token every form of this session carries.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// Whether `offered` is this session's form token (compared in constant time).
    pub fn accepts(&self, offered: &str) -> bool {
        offered.len() == self.csrf_token.len()
            && bool::from(offered.as_bytes().ct_eq(self.csrf_token.as_bytes()))
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Begins a session for an account whose password was just checked.
///
/// # Errors
/// `Internal`.
pub async fn open(
    state: &AppState,
    credentials: &accounts::Credentials,
    language: &str,
) -> AppResult<Opened> {
    let token = random_token();
    let now = state.clock.now();
    sessions::insert(
        &state.db,
        &StoredSession {
            id: key(&token),
            account_id: credentials.account_id,
            auth_version: credentials.auth_version,
            csrf_token: random_token(),
            language: language.to_owned(),
            created_at: now,
            last_seen_at: now,
        },
    )
    .await?;
    Ok(Opened { token })
}

/// Whether a session begun at `created` and last used at `seen` is over at `now`.
fn expired(created: DateTime<Utc>, seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - seen > IDLE_TIMEOUT || now - created > ABSOLUTE_TIMEOUT
}

/// The live session of `token`, or `None` when it is unknown, timed out, or its account was
/// disabled or changed its password since (the session is then removed).
///
/// # Errors
/// `Internal`.
pub async fn resolve(state: &AppState, token: &str) -> AppResult<Option<Session>> {
    let id = key(token);
    let Some(stored) = sessions::get(&state.db, &id).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let auth = accounts::load_auth(&state.db, stored.account_id).await?;
    let live = auth.filter(|a| {
        a.active
            && a.auth_version == stored.auth_version
            && !expired(stored.created_at, stored.last_seen_at, now)
    });
    let Some(auth) = live else {
        sessions::delete(&state.db, &id).await?;
        tracing::info!(account = %stored.account_id, "console session ended");
        return Ok(None);
    };
    if now - stored.last_seen_at > TOUCH_EVERY {
        sessions::touch(&state.db, &id, now, now - TOUCH_EVERY).await?;
    }
    Ok(Some(Session {
        id,
        principal: auth.principal,
        csrf_token: stored.csrf_token,
        language: stored.language,
    }))
}

/// Ends the session (signing out).
///
/// # Errors
/// `Internal`.
pub async fn close(state: &AppState, session: &Session) -> AppResult<()> {
    sessions::delete(&state.db, &session.id).await?;
    Ok(())
}

/// Removes every session past its idle or absolute timeout (a timed-out session is refused
/// when presented anyway; this keeps the table to the live ones). Answers how many.
///
/// # Errors
/// `Internal`.
pub async fn remove_expired(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now();
    let removed =
        sessions::delete_expired(&state.db, now - IDLE_TIMEOUT, now - ABSOLUTE_TIMEOUT).await?;
    if removed > 0 {
        tracing::info!(removed, "expired console sessions removed");
    }
    Ok(removed)
}

/// Changes the language the console speaks to this session.
///
/// # Errors
/// `Internal`.
pub async fn set_language(state: &AppState, session: &Session, language: &str) -> AppResult<()> {
    sessions::set_language(&state.db, &session.id, language).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_after_its_idle_or_absolute_timeout() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let minute = Duration::minutes(1);
        assert!(!expired(start, start, start + IDLE_TIMEOUT));
        assert!(expired(start, start, start + IDLE_TIMEOUT + minute));
        // Used every 20 minutes, it still ends after 12 hours.
        let seen = start + ABSOLUTE_TIMEOUT - minute;
        assert!(!expired(start, seen, start + ABSOLUTE_TIMEOUT));
        assert!(expired(start, seen, start + ABSOLUTE_TIMEOUT + minute));
    }

    #[test]
    fn a_session_never_shows_its_secrets_when_logged() {
        let session = Session {
            id: key("the cookie's token"),
            principal: Principal {
                account_id: uuid::Uuid::nil().into(),
                role: ipdr_domain::account::Role::Mediator,
                organization_id: uuid::Uuid::nil().into(),
            },
            csrf_token: "the form token".to_owned(),
            language: "en".to_owned(),
        };
        let shown = format!("{session:?}");
        assert!(
            !shown.contains("the form token") && !shown.contains(&session.id),
            "{shown}"
        );
        assert!(shown.contains("Mediator"));
    }

    #[test]
    fn tokens_are_random_and_only_their_digest_is_a_key() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(key(&a).len(), 64);
        assert_ne!(key(&a), a);
    }
}
