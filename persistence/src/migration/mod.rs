//! The one migration tree, for SQLite and PostgreSQL alike.
use sea_orm_migration::prelude::*;

mod m20261121_000001_create_organizations;
mod m20261121_000002_create_accounts;
mod m20261121_000003_create_signing_keys;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_organizations::Migration),
            Box::new(m20261121_000002_create_accounts::Migration),
            Box::new(m20261121_000003_create_signing_keys::Migration),
        ]
    }
}
