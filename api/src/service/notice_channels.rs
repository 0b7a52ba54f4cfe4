//! Where notices go besides the console (issue 16): an account's e-mail address, language and
//! preferences (kinds × channels), an organisation's webhook and its accounts' default
//! preferences, and the delivery queue as administrators watch it.
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::event::{EventKind, Subject};
use ipdr_domain::notification::{Channel, NoticeKind};
use ipdr_domain::validation::{Invalid, ValidationErrors};
use ipdr_domain::{AccountId, OrganizationId};
use ipdr_persistence::repo::notice_channels::{self as repo, Settings, Webhook};
use ipdr_persistence::repo::queue;
use uuid::Uuid;

pub use ipdr_persistence::repo::notice_channels::{Delivery, Preference};
pub use ipdr_persistence::repo::queue::OutboxStatus;

use crate::service::cooperation_agreements::administer;
use crate::service::error::{AppError, AppResult, permit};
use crate::service::paging::{Page, PageRequest};
use crate::service::unit_of_work::{emit_about, write};
use crate::state::AppState;

/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// A fresh signing secret for a webhook: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The languages notices are written in.
pub const LANGUAGES: [&str; 2] = ["zh-CN", "en"];

/// An account's notice settings as it sees and sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNoticeSettings {
    pub email: Option<String>,
    pub language: String,
    /// What the account said; kinds and channels not listed follow its organisation's default,
    /// and are wanted when that says nothing either.
    pub preferences: Vec<Preference>,
}

/// The caller's notice settings.
///
/// # Errors
/// `Internal`.
pub async fn settings(state: &AppState, caller: &Principal) -> AppResult<AccountNoticeSettings> {
    let stored = repo::settings(&state.db, caller.account_id).await?;
    let preferences = repo::preferences(&state.db, caller.account_id.as_uuid()).await?;
    Ok(AccountNoticeSettings {
        email: stored.as_ref().and_then(|s| s.email.clone()),
        language: stored.map_or_else(|| LANGUAGES[0].to_owned(), |s| s.language),
        preferences,
    })
}

/// Checks preferences of an account (`webhook` is not one of its channels) or of an
/// organisation, one choice per kind and channel.
fn checked(
    preferences: &[Preference],
    channels: &[Channel],
    errors: &mut ValidationErrors,
) -> Vec<Preference> {
    let mut seen: Vec<(NoticeKind, Channel)> = Vec::new();
    for (i, p) in preferences.iter().enumerate() {
        if !channels.contains(&p.channel) {
            errors.push(
                &format!("preferences[{i}].channel"),
                Invalid::new(
                    "unsupported_channel",
                    format!(
                        "one of {}",
                        channels
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            );
        } else if seen.contains(&(p.kind, p.channel)) {
            errors.push(
                &format!("preferences[{i}]"),
                Invalid::new("duplicate", "one choice per kind and channel"),
            );
        } else {
            seen.push((p.kind, p.channel));
        }
    }
    preferences.to_vec()
}

/// Replaces the caller's notice settings.
///
/// # Errors
/// `Invalid` (an address that is not one, an unknown language, a webhook preference, a choice
/// twice) with nothing changed; `Internal`.
pub async fn set_settings(
    state: &AppState,
    caller: &Principal,
    wanted: AccountNoticeSettings,
) -> AppResult<AccountNoticeSettings> {
    let mut errors = ValidationErrors::default();
    let email = wanted
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(address) = email
        && (address.len() > 254 || address.parse::<lettre::Address>().is_err())
    {
        errors.push(
            "email",
            Invalid::new("invalid_email", "not an e-mail address"),
        );
    }
    if !LANGUAGES.contains(&wanted.language.as_str()) {
        errors.push(
            "language",
            Invalid::new("unknown_language", "one of zh-CN, en"),
        );
    }
    let preferences = checked(
        &wanted.preferences,
        &[Channel::InApp, Channel::Email],
        &mut errors,
    );
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let account: AccountId = caller.account_id;
    let settings = Settings {
        email: email.map(str::to_owned),
        language: wanted.language,
    };
    let now = state.clock.now();
    write(&state.db, async |txn| {
        repo::put_settings(txn, account, &settings, now).await?;
        repo::put_preferences(txn, account.as_uuid(), &preferences).await?;
        emit_about(
            txn,
            EventKind::UpdateNoticeSettings,
            Subject::Account(account),
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    self::settings(state, caller).await
}

/// An organisation's webhook and its accounts' default preferences, as its administrator sees
/// them (never the secret, which is shown once, when set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationNotices {
    /// The webhook's URL, when the organisation has one.
    pub webhook_url: Option<String>,
    pub defaults: Vec<Preference>,
}

fn administer_organization(
    caller: &Principal,
    action: Action,
    id: OrganizationId,
) -> AppResult<()> {
    permit(authorize(caller, action, &Resource::Organization(id)))?;
    // Only an administrator decides where an organisation's notices are posted.
    administer(caller, action)
}

/// An organisation's notice settings.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Internal`.
pub async fn organization(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
) -> AppResult<OrganizationNotices> {
    administer_organization(caller, Action::Read, id)?;
    if ipdr_persistence::repo::organizations::get(&state.db, id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    Ok(OrganizationNotices {
        webhook_url: repo::webhook(&state.db, id).await?.map(|w| w.url),
        defaults: repo::preferences(&state.db, id.as_uuid()).await?,
    })
}

/// Whether a webhook URL may be posted to: HTTPS, or HTTP to this machine (a local relay, a
/// test receiver); no credentials in it.
fn webhook_url(raw: &str) -> Result<String, Invalid> {
    let url = url::Url::parse(raw.trim())
        .map_err(|_| Invalid::new("invalid_url", "not an absolute URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(Invalid::new(
                "insecure_url",
                "a webhook must be https (http only to this machine)",
            ));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Invalid::new(
            "credentials_in_url",
            "the URL must not hold credentials; requests are signed instead",
        ));
    }
    Ok(url.to_string())
}

/// What setting an organisation's notices changes: its webhook (`Some(url)` sets it with a new
/// secret, `None` keeps it as it is) and its accounts' defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOrganizationNotices {
    pub webhook_url: Option<String>,
    /// Remove the webhook (wins over `webhook_url`).
    pub remove_webhook: bool,
    /// Replace the defaults; `None` keeps them.
    pub defaults: Option<Vec<Preference>>,
}

/// Sets an organisation's webhook and defaults; returns the settings and, when the webhook was
/// set, its new signing secret — shown this once.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Invalid` (a URL that is not HTTPS,
/// a choice twice) with nothing changed; `Internal`.
pub async fn set_organization(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
    wanted: SetOrganizationNotices,
) -> AppResult<(OrganizationNotices, Option<String>)> {
    administer_organization(caller, Action::Update, id)?;
    let mut errors = ValidationErrors::default();
    let url = match (&wanted.webhook_url, wanted.remove_webhook) {
        (Some(raw), false) => match webhook_url(raw) {
            Ok(url) => Some(url),
            Err(e) => {
                errors.push("webhook_url", e);
                None
            }
        },
        _ => None,
    };
    let defaults = wanted.defaults.as_deref().map(|defaults| {
        checked(
            defaults,
            &[Channel::InApp, Channel::Email, Channel::Webhook],
            &mut errors,
        )
    });
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    if ipdr_persistence::repo::organizations::get(&state.db, id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let secret = url.as_ref().map(|_| new_secret());
    write(&state.db, async |txn| {
        if wanted.remove_webhook {
            repo::delete_webhook(txn, id).await?;
        } else if let (Some(url), Some(secret)) = (&url, &secret) {
            let hook = Webhook {
                organization_id: id,
                url: url.clone(),
                secret: secret.clone(),
                updated_at: now,
            };
            repo::put_webhook(txn, &hook).await?;
        }
        if let Some(defaults) = &defaults {
            repo::put_preferences(txn, id.as_uuid(), defaults).await?;
        }
        emit_about(
            txn,
            EventKind::UpdateOrganization,
            Subject::Organization(id),
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    Ok((organization(state, caller, id).await?, secret))
}

/// One page of notice deliveries, oldest first, optionally of one status and channel.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; then `page`'s error; `Internal`.
pub async fn list_deliveries<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    status: Option<OutboxStatus>,
    channel: Option<Channel>,
    page: Result<PageRequest, E>,
) -> Result<Page<Delivery>, E> {
    administer(caller, Action::List)?;
    let page = page?;
    Ok(repo::list(&state.db, status, channel, page)
        .await
        .map_err(AppError::from)?)
}

/// Queues a dead-lettered delivery again with a fresh count of attempts, and wakes the
/// workers.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Refused` (`not_dead`) for a
/// delivery that is not dead-lettered; `Internal`.
pub async fn retry_delivery(state: &AppState, caller: &Principal, id: Uuid) -> AppResult<Delivery> {
    administer(caller, Action::Update)?;
    write(&state.db, async |txn| {
        // Operational time, not the business clock: the worker compares with the real now.
        let now = chrono::Utc::now();
        let found = repo::get(txn, id).await?.ok_or(AppError::NotFound)?;
        let Some(queue) = repo::queue_of(found.channel) else {
            return Err(AppError::NotFound);
        };
        if !queue::retry(txn, queue, id, now).await? {
            return Err(AppError::refused_now(
                "not_dead",
                "only a dead-lettered delivery can be retried",
            ));
        }
        emit_about(
            txn,
            EventKind::RetryOutboxMessage,
            Subject::OutboxMessage(id),
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    state.notice_wake.notify_waiters();
    repo::get(&state.db, id).await?.ok_or(AppError::NotFound)
}
