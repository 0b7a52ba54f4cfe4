//! Accounts, their credentials and what authentication needs to know about them.
use chrono::{DateTime, Utc};
use ipdr_domain::access::Principal;
use ipdr_domain::account::{
    Account, DisableError, DisplayName, NewAccount, Role, Username, check_disable_account,
};
use ipdr_domain::{AccountId, OrganizationId, Status};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::{Conflict, Page, PageRequest, RepoError, parse_stored, violates_unique};
use crate::entity::accounts::{self, Column, Entity};
use crate::entity::organizations;

/// Optional filters of [`list`]; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub role: Option<Role>,
    pub organization_id: Option<OrganizationId>,
    pub status: Option<Status>,
}

impl TryFrom<accounts::Model> for Account {
    type Error = RepoError;

    fn try_from(row: accounts::Model) -> Result<Self, Self::Error> {
        let invalid = |what: &str| RepoError::Corrupt(format!("account {what} of {}", row.id));
        Ok(Account {
            id: row.id.into(),
            username: Username::parse(&row.username).map_err(|_| invalid("username"))?,
            display_name: DisplayName::parse(&row.display_name)
                .map_err(|_| invalid("display name"))?,
            role: parse_stored("role", &row.role, Role::parse)?,
            organization_id: row.organization_id.into(),
            status: parse_stored("status", &row.status, Status::parse)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_login_at: row.last_login_at,
        })
    }
}

/// Stores a new, active account. The caller has checked the organisation
/// ([`NewAccount::check_organization`]) and hashed the password.
///
/// # Errors
/// [`Conflict::Username`] when the name is taken; database errors.
pub async fn insert(
    db: &impl ConnectionTrait,
    id: AccountId,
    new: &NewAccount,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Account, RepoError> {
    let row = accounts::ActiveModel {
        id: Set(id.as_uuid()),
        username: Set(new.username.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        role: Set(new.role.as_str().to_owned()),
        organization_id: Set(new.organization_id.as_uuid()),
        password_hash: Set(password_hash),
        status: Set(Status::Active.as_str().to_owned()),
        auth_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
    };
    match row.insert(db).await {
        Ok(row) => row.try_into(),
        Err(e) if violates_unique(&e, "uq-accounts-username", "accounts", &["username"]) => {
            Err(RepoError::Conflict(Conflict::Username))
        }
        Err(e) => Err(e.into()),
    }
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn get(db: &impl ConnectionTrait, id: AccountId) -> Result<Option<Account>, RepoError> {
    Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

/// The display names of `ids` that exist, in one query.
///
/// # Errors
/// Database errors.
pub async fn display_names(
    db: &impl ConnectionTrait,
    ids: &[AccountId],
) -> Result<std::collections::HashMap<AccountId, String>, RepoError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(uuid::Uuid, String)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::DisplayName)
        .filter(Column::Id.is_in(ids.iter().map(|id| id.as_uuid())))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (id.into(), name))
        .collect())
}

/// Accounts in creation order, filtered, one keyset page at a time.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
    page: PageRequest,
) -> Result<Page<Account>, RepoError> {
    let mut query = Entity::find()
        .order_by_asc(Column::Id)
        .limit(page.limit + 1);
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    if let Some(role) = filter.role {
        query = query.filter(Column::Role.eq(role.as_str()));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(Column::OrganizationId.eq(org.as_uuid()));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    let rows = query.all(db).await?;
    Page::from_overfetch(rows, page.limit, |r| r.id).try_map(TryInto::try_into)
}

/// What a login needs: the stored hash and whether the account may log in at all.
pub struct Credentials {
    pub account_id: AccountId,
    pub password_hash: String,
    /// The account and its organisation are both active.
    pub may_log_in: bool,
    pub auth_version: i64,
    /// The stored role name, for the audit trail.
    pub role: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_id", &self.account_id)
            .field("may_log_in", &self.may_log_in)
            .finish_non_exhaustive()
    }
}

/// Looks up the credentials of `username` (already normalised by [`Username::parse`]).
///
/// # Errors
/// Database errors.
pub async fn find_credentials(
    db: &impl ConnectionTrait,
    username: &Username,
) -> Result<Option<Credentials>, RepoError> {
    let found = Entity::find()
        .filter(Column::Username.eq(username.as_str()))
        .find_also_related(organizations::Entity)
        .one(db)
        .await?;
    Ok(found.map(|(account, organization)| Credentials {
        account_id: account.id.into(),
        may_log_in: account.status == Status::Active.as_str()
            && organization.is_some_and(|o| o.status == Status::Active.as_str()),
        password_hash: account.password_hash,
        auth_version: account.auth_version,
        role: account.role,
    }))
}

/// What every authenticated request needs to know about its caller, in one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthRecord {
    pub principal: Principal,
    /// The account and its organisation are both active.
    pub active: bool,
    pub auth_version: i64,
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn load_auth(
    db: &impl ConnectionTrait,
    id: AccountId,
) -> Result<Option<AuthRecord>, RepoError> {
    let found = Entity::find_by_id(id.as_uuid())
        .find_also_related(organizations::Entity)
        .one(db)
        .await?;
    let Some((account, organization)) = found else {
        return Ok(None);
    };
    Ok(Some(AuthRecord {
        principal: Principal {
            account_id: account.id.into(),
            role: parse_stored("role", &account.role, Role::parse)?,
            organization_id: account.organization_id.into(),
        },
        active: account.status == Status::Active.as_str()
            && organization.is_some_and(|o| o.status == Status::Active.as_str()),
        auth_version: account.auth_version,
    }))
}

/// Notes a successful login.
///
/// # Errors
/// Database errors.
pub async fn record_login(
    db: &impl ConnectionTrait,
    id: AccountId,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::LastLoginAt, Expr::value(now))
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the password hash and revokes every token issued before.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn set_password(
    db: &impl ConnectionTrait,
    id: AccountId,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Option<Account>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let auth_version = row.auth_version + 1;
    let mut row: accounts::ActiveModel = row.into();
    row.password_hash = Set(password_hash);
    row.auth_version = Set(auth_version);
    row.updated_at = Set(now);
    Some(row.update(db).await?.try_into()).transpose()
}

/// The result of [`disable`].
#[derive(Debug)]
pub enum DisableOutcome {
    Disabled(Account),
    NotFound,
    Refused(DisableError),
}

/// Disables an account and revokes its tokens, unless a rule forbids it (yourself, the last
/// active admin). Call inside a write transaction: on PostgreSQL the active admins are locked
/// (`FOR UPDATE`) so two admins disabling each other cannot both succeed; SQLite's write lock
/// serialises the same way.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn disable(
    db: &impl ConnectionTrait,
    actor: AccountId,
    id: AccountId,
    now: DateTime<Utc>,
) -> Result<DisableOutcome, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(DisableOutcome::NotFound);
    };
    let role = parse_stored("role", &row.role, Role::parse)?;
    // Every active admin is locked, the target included: two admins disabling each other at
    // once then queue on the same rows, and the second sees the first's change.
    let active_admins = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Role.eq(Role::Admin.as_str()))
        .filter(Column::Status.eq(Status::Active.as_str()))
        .lock_exclusive()
        .into_tuple::<uuid::Uuid>()
        .all(db)
        .await?;
    let others = active_admins.iter().filter(|a| **a != id.as_uuid()).count();
    let others = u64::try_from(others).unwrap_or(u64::MAX);
    if let Err(refusal) = check_disable_account(actor, id, role, others) {
        return Ok(DisableOutcome::Refused(refusal));
    }
    let auth_version = row.auth_version + 1;
    let mut row: accounts::ActiveModel = row.into();
    row.status = Set(Status::Disabled.as_str().to_owned());
    row.auth_version = Set(auth_version);
    row.updated_at = Set(now);
    Ok(DisableOutcome::Disabled(row.update(db).await?.try_into()?))
}

/// Re-enables an account. Tokens issued before it was disabled stay invalid.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn enable(
    db: &impl ConnectionTrait,
    id: AccountId,
    now: DateTime<Utc>,
) -> Result<Option<Account>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let mut row: accounts::ActiveModel = row.into();
    row.status = Set(Status::Active.as_str().to_owned());
    row.updated_at = Set(now);
    Some(row.update(db).await?.try_into()).transpose()
}

/// Invalidates every token of every account of an organisation.
///
/// # Errors
/// Database errors.
pub(crate) async fn revoke_tokens_of_organization(
    db: &impl ConnectionTrait,
    organization: OrganizationId,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::AuthVersion, Expr::col(Column::AuthVersion).add(1))
        .filter(Column::OrganizationId.eq(organization.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether any account exists (an empty database gets its first admin at start-up).
///
/// # Errors
/// Database errors.
pub async fn any_exist(db: &impl ConnectionTrait) -> Result<bool, RepoError> {
    Ok(Entity::find().count(db).await? > 0)
}
