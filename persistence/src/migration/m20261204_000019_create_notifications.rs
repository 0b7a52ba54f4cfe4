use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `notifications`: the in-app notices, one row per (notice, recipient). `dedupe_key` names
/// what the notice is of (`event:<seq>` for an event, `deadline:<case>:<rule>:<subject>:<key>`
/// for a deadline's lead or breach, `clock:<referral>:<clock>:<key>` for a referral's clock);
/// the unique index on (account_id, dedupe_key) is what makes a notice exactly-once, whichever
/// process or sweep raises it and however often. A notice holds no personal data: the case
/// number, its kind, the rule and the due date, and the console path it links to.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(string("dedupe_key"))
                    .col(string("kind"))
                    .col(uuid_null("case_id"))
                    .col(string_null("case_number"))
                    .col(uuid_null("referral_id"))
                    .col(string_null("rule"))
                    .col(date_null("due_on"))
                    .col(string("link"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(&mut fk("notifications", "account_id", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("notifications", &["account_id", "dedupe_key"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("notifications", &["account_id", "id"]))
            .await?;
        // The deadline sweep's window: open deadlines by their last day, of every organisation.
        manager
            .create_index(index("case_deadlines", &["status", "due_on"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx-case_deadlines-status-due_on")
                    .table("case_deadlines")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &["notifications"]).await
    }
}
