//! Storage for IPDR: sea-orm entities, the migration tree and the repositories.
//!
//! One code path serves SQLite (the embedded default) and PostgreSQL (production). Repositories
//! take any `ConnectionTrait`, so they run on a pooled connection or inside a transaction, and
//! they return domain types: rows are converted at this seam and a row that does not parse is a
//! [`RepoError::Corrupt`], never a panic.
#![forbid(unsafe_code)]

pub mod entity;
mod migration;
pub mod repo;
#[cfg(feature = "testing")]
pub mod testing;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, TransactionOptions,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use repo::RepoError;
pub use sea_orm::{ConnectionTrait, DatabaseConnection as Db, DatabaseTransaction, Statement};

/// How to reach the database.
#[derive(Clone)]
pub struct ConnectSettings {
    /// `sqlite://file.db` or `postgres://user@host/db`.
    pub url: String,
    pub max_connections: u32,
    /// PostgreSQL only: the schema to work in (tests isolate themselves this way).
    pub schema: Option<String>,
}

impl std::fmt::Debug for ConnectSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("schema", &self.schema)
            .finish()
    }
}

/// The URL with any password replaced by `***`, fit for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// Opens a connection pool.
///
/// SQLite files are created when missing and run in WAL mode with a busy timeout, so readers do
/// not block the writer and concurrent writers wait instead of failing.
///
/// # Errors
/// The database cannot be reached or the URL is not understood.
pub async fn connect(settings: &ConnectSettings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // No ping before handing out a pooled connection: it doubled PostgreSQL's round trips
        // per request (BENCHMARKS.md). A connection that died while idle fails its next
        // statement, which answers 500 once and is dropped from the pool; idle connections are
        // closed after a while anyway.
        .test_before_acquire(false)
        .idle_timeout(Duration::from_secs(300))
        // Statements would be logged with their text; the service logs requests instead.
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    if let Some(schema) = &settings.schema {
        options.set_schema_search_path(schema.clone());
    }
    Database::connect(options).await
}

/// Arbitrary but fixed: the advisory lock that serialises migrating processes on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x1bd7_0001;

/// Applies every pending migration and returns how many there were.
///
/// On PostgreSQL the whole run holds an advisory transaction lock, so several processes starting
/// together against an empty database migrate it once.
///
/// # Errors
/// A migration failed; nothing of the failing run is kept on PostgreSQL (transactional DDL).
pub async fn migrate(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
    }
    let pending = migration::Migrator::get_pending_migrations(&txn)
        .await?
        .len();
    migration::Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(pending)
}

/// The migrations this binary knows that the database has not applied, found without writing
/// anything (no `seaql_migrations` table is created), so a read-only account may ask.
///
/// # Errors
/// The database is unreachable, or it has applied a migration this binary does not know (it was
/// migrated by a newer binary).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(migration::Migrator::get_pending_migrations_read_only(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so it waits its turn instead of failing when it later upgrades.
///
/// # Errors
/// The database is unreachable.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, RepoError> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?)
}

/// Commits a transaction begun with [`begin_write`].
///
/// # Errors
/// The commit failed; nothing of the transaction is kept.
pub async fn commit(txn: DatabaseTransaction) -> Result<(), RepoError> {
    Ok(txn.commit().await?)
}

/// A cheap round trip, for readiness checks.
///
/// # Errors
/// The database did not answer.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// `sqlite` or `postgres`, for logs.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(
            redact_url("postgres://ipdr:s3cret@db:5432/ipdr"),
            "postgres://ipdr:***@db:5432/ipdr"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("sqlite://ipdr.db?mode=rwc"),
            "sqlite://ipdr.db?mode=rwc"
        );
    }
}
