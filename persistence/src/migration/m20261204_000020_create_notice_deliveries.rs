use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The notices' other channels (issue 16):
///
/// - `notice_deliveries`: the delivery queue of notices by e-mail and webhook, written in the
///   transaction of the change (or by the deadline sweep) and delivered by a worker like the
///   federation outbox (the same columns, the same claim). The unique index on
///   (dedupe_key, channel, recipient) makes each (notice, recipient, channel) one delivery
///   however often it is raised; `payload` is the notice (kind, case number, rule, due date,
///   link) and never personal data.
/// - `notice_settings`: an account's e-mail address for notices and the language they are
///   written in.
/// - `notice_preferences`: which kinds of notice an account (or, as its accounts' default, an
///   organisation) wants on which channel; no row means yes.
/// - `organization_webhooks`: an organisation's webhook endpoint and its signing secret.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("notice_deliveries")
                    .col(uuid("id").primary_key())
                    .col(string("dedupe_key"))
                    .col(string("channel"))
                    .col(uuid("recipient"))
                    .col(string("kind"))
                    .col(text("payload"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("notice_deliveries", &["dedupe_key", "channel", "recipient"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("notice_deliveries", &["status", "next_attempt_at"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notice_settings")
                    .col(uuid("account_id").primary_key())
                    .col(string_null("email"))
                    .col(string("language"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("notice_settings", "account_id", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notice_preferences")
                    .col(uuid("owner_id"))
                    .col(string("kind"))
                    .col(string("channel"))
                    .col(boolean("enabled"))
                    .primary_key(Index::create().col("owner_id").col("kind").col("channel"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("organization_webhooks")
                    .col(uuid("organization_id").primary_key())
                    .col(string("url"))
                    .col(string("secret"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "organization_webhooks",
                        "organization_id",
                        "organizations",
                        "id",
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "organization_webhooks",
                "notice_preferences",
                "notice_settings",
                "notice_deliveries",
            ],
        )
        .await
    }
}
