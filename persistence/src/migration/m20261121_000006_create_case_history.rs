use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("case_events")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid("actor_id"))
                    .col(string("actor_role"))
                    .col(string("action"))
                    .col(string_null("from_status"))
                    .col(string_null("to_status"))
                    .col(text_null("detail"))
                    .foreign_key(&mut fk("case_events", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("case_events", &["case_id", "id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("case_deadlines")
                    .col(uuid("case_id"))
                    .col(string("rule"))
                    // What within the case the deadline concerns: empty for the case itself, an
                    // investigator assignment for R22/R24.
                    .col(string("subject"))
                    .col(uuid("organization_id"))
                    .col(date("starts_on"))
                    .col(string("period_unit"))
                    .col(integer("period_length"))
                    .col(date("due_on"))
                    .col(boolean("calendar_verified"))
                    .col(string("status"))
                    .col(date_null("met_on"))
                    .primary_key(Index::create().col("case_id").col("rule").col("subject"))
                    .foreign_key(&mut fk("case_deadlines", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        // "Open deadlines of my organisation, by due date" and "is this case overdue".
        manager
            .create_index(index(
                "case_deadlines",
                &["organization_id", "status", "due_on"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["case_deadlines", "case_events"]).await
    }
}
