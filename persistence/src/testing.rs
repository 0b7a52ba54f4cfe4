//! A private database per test: a fresh SQLite file, or — when `IPDR_TEST_DATABASE_URL` names a
//! PostgreSQL database — a fresh schema in it, dropped when the test ends.
use anyhow::Context;
use sea_orm::ConnectionTrait;

use crate::ConnectSettings;

/// The environment variable naming the PostgreSQL database tests use instead of SQLite.
pub const TEST_DATABASE_URL: &str = "IPDR_TEST_DATABASE_URL";

/// One test's database. Dropping it removes the SQLite file or the PostgreSQL schema.
pub struct TestDatabase {
    settings: ConnectSettings,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// Creates an empty database (no migrations applied).
    ///
    /// # Errors
    /// PostgreSQL is named but unreachable, or the temporary directory cannot be made.
    pub async fn create() -> anyhow::Result<Self> {
        match std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(url) => {
                let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
                let admin = sea_orm::Database::connect(url.as_str())
                    .await
                    .with_context(|| format!("connecting to {TEST_DATABASE_URL}"))?;
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                    .await?;
                admin.close().await?;
                Ok(Self {
                    settings: ConnectSettings {
                        url,
                        max_connections: 5,
                        schema: Some(schema),
                    },
                    _dir: None,
                })
            }
            None => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}", dir.path().join("ipdr.db").display());
                Ok(Self {
                    settings: ConnectSettings {
                        url,
                        max_connections: 5,
                        schema: None,
                    },
                    _dir: Some(dir),
                })
            }
        }
    }

    pub fn settings(&self) -> &ConnectSettings {
        &self.settings
    }

    /// A URL reaching this database on its own, for a separate `ipdr` process: on PostgreSQL
    /// the schema is pinned with `options=-c search_path=…`.
    pub fn standalone_url(&self) -> String {
        match &self.settings.schema {
            Some(schema) => {
                let separator = if self.settings.url.contains('?') {
                    '&'
                } else {
                    '?'
                };
                format!(
                    "{}{separator}options=-c%20search_path%3D{schema}",
                    self.settings.url
                )
            }
            None => self.settings.url.clone(),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        if self.settings.schema.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(schema) = self.settings.schema.clone() else {
            return;
        };
        let url = self.settings.url.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived thread
        // with its own runtime does the clean-up.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let db = sea_orm::Database::connect(url.as_str()).await?;
                db.execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .await?;
                db.close().await?;
                anyhow::Ok(())
            })
        });
        if let Ok(Err(e)) = cleanup.join() {
            eprintln!("could not drop test schema: {e}");
        }
    }
}

/// Reverts every applied migration, newest first (tests prove each `down` undoes its `up`).
///
/// # Errors
/// A `down` failed.
pub async fn revert_migrations(db: &sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    use sea_orm_migration::MigratorTrait;
    crate::migration::Migrator::down(db, None).await
}
