//! First start: a signing key, and — on an empty database — the operator organisation with its
//! first administrator.
use crate::service::unit_of_work::{commit_platform, emit_about};
use ipdr_domain::event::{By, EventKind, Subject};
use std::sync::Arc;

use ipdr_domain::OrganizationId;
use ipdr_domain::account::{NewAccount, NewPassword, Role};
use ipdr_domain::organization::NewOrganization;
use ipdr_persistence::repo::{RepoError, accounts, organizations};
use ipdr_persistence::{Db, begin_write};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::auth::password::PasswordHasher;
use crate::auth::tokens;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::provisioning;

/// The code of the organisation created for the first administrator.
pub const OPERATOR_CODE: &str = "OPERATOR";

/// Creates what an instance needs before it can serve. Safe to run on every start and from
/// several processes at once (the loser of a race finds the work done).
///
/// # Errors
/// `IPDR_ADMIN_PASSWORD` is too weak, or the database fails.
pub async fn prepare(db: &Db, config: &Config, hasher: &Arc<PasswordHasher>) -> anyhow::Result<()> {
    if let Some(kid) = tokens::ensure_key(db).await? {
        tracing::info!(%kid, "created the first token-signing key");
    }
    if accounts::any_exist(db).await? {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.expose().to_owned(), false),
        None => (generate_password(), true),
    };
    let password = NewPassword::parse(&password)
        .map_err(|e| anyhow::anyhow!("IPDR_ADMIN_PASSWORD {}", e.message))?;
    let operator = NewOrganization::parse(
        OPERATOR_CODE,
        "IPDR operator",
        "operator",
        None,
        &config.city,
        None,
    )
    .map_err(|e| anyhow::anyhow!("IPDR_CITY is not a valid city name: {e:?}"))?;
    let org_id = OrganizationId::from(uuid::Uuid::now_v7());
    let admin = NewAccount::parse(
        &config.admin_username,
        "Administrator",
        Role::Admin,
        org_id,
        password.expose(),
    )
    .map_err(|e| anyhow::anyhow!("IPDR_ADMIN_USERNAME is not a valid username: {e:?}"))?;
    let hash = provisioning::hash(hasher, &password).await?;

    let txn = begin_write(db).await?;
    match organizations::insert(&txn, org_id, &operator, SystemClock.now()).await {
        Err(RepoError::Conflict(_)) => {
            tracing::info!("another process created the first administrator");
            return Ok(());
        }
        other => other?,
    };
    let now = SystemClock.now();
    emit_about(
        &txn,
        EventKind::CreateOrganization,
        Subject::Organization(org_id),
        By::Platform,
        now,
    )
    .await?;
    let account = provisioning::insert_account(&txn, &admin, hash, now).await?;
    commit_platform(txn, provisioning::operator_created(&account, "first start")).await?;

    if generated {
        // The one place a secret is logged, by design: there is no other way to hand it over.
        tracing::warn!(
            username = admin.username.as_str(),
            password = password.expose(),
            "created the first administrator with a generated password; it is shown only this once — change it"
        );
    } else {
        tracing::info!(
            username = admin.username.as_str(),
            "created the first administrator (password from IPDR_ADMIN_PASSWORD)"
        );
    }
    Ok(())
}

/// 24 random letters and digits (~142 bits).
pub fn generate_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}
