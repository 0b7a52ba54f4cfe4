//! The one migration tree, for SQLite and PostgreSQL alike.
use sea_orm_migration::prelude::*;

mod helpers;

mod m20261121_000001_create_organizations;
mod m20261121_000002_create_accounts;
mod m20261121_000003_create_signing_keys;
mod m20261121_000004_add_people_mediation_days;
mod m20261121_000005_create_cases;
mod m20261121_000006_create_case_history;
mod m20261121_000007_create_agreements;
mod m20261121_000008_create_documents;
mod m20261121_000009_create_idempotency_keys;
mod m20261121_000010_create_calendar;
mod m20261121_000011_create_investigators;
mod m20261121_000012_create_confirmations;
mod m20261121_000013_create_federation;
mod m20261121_000014_create_audit;
mod m20261202_000015_add_identity_kinds_and_divisions;
mod m20261203_000016_create_event_stream;
mod m20261203_000017_create_console_sessions;
mod m20261204_000018_cover_search_terms;
mod m20261204_000019_create_notifications;
mod m20261204_000020_create_notice_deliveries;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_organizations::Migration),
            Box::new(m20261121_000002_create_accounts::Migration),
            Box::new(m20261121_000003_create_signing_keys::Migration),
            Box::new(m20261121_000004_add_people_mediation_days::Migration),
            Box::new(m20261121_000005_create_cases::Migration),
            Box::new(m20261121_000006_create_case_history::Migration),
            Box::new(m20261121_000007_create_agreements::Migration),
            Box::new(m20261121_000008_create_documents::Migration),
            Box::new(m20261121_000009_create_idempotency_keys::Migration),
            Box::new(m20261121_000010_create_calendar::Migration),
            Box::new(m20261121_000011_create_investigators::Migration),
            Box::new(m20261121_000012_create_confirmations::Migration),
            Box::new(m20261121_000013_create_federation::Migration),
            Box::new(m20261121_000014_create_audit::Migration),
            Box::new(m20261202_000015_add_identity_kinds_and_divisions::Migration),
            Box::new(m20261203_000016_create_event_stream::Migration),
            Box::new(m20261203_000017_create_console_sessions::Migration),
            Box::new(m20261204_000018_cover_search_terms::Migration),
            Box::new(m20261204_000019_create_notifications::Migration),
            Box::new(m20261204_000020_create_notice_deliveries::Migration),
        ]
    }
}
