use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `console_sessions`: the web console's sign-ins, kept server-side. The cookie holds a random
/// token; the table holds only its SHA-256, so a copy of the database signs nobody in. Each
/// session remembers the account's `auth_version` when it began: a password change or disabling
/// bumps it and ends the session at its next request, as it ends tokens.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("console_sessions")
                    .col(string("id").primary_key())
                    .col(uuid("account_id"))
                    .col(big_integer("auth_version"))
                    .col(string("csrf_token"))
                    .col(string("language"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .foreign_key(&mut fk("console_sessions", "account_id", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("console_sessions", &["account_id"]))
            .await?;
        manager
            .create_index(index("console_sessions", &["last_seen_at"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["console_sessions"]).await
    }
}
