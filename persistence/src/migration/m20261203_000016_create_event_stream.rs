use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `event_stream`: every domain event, in the transaction of the change it records — what
/// notifications and statistics read. `seq` orders it on one node; `txid` (as in
/// `audit_events`) lets a reader on PostgreSQL take only events of transactions older than every
/// running one, so an event that commits late is never skipped by a reader's cursor.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut txid = big_integer("txid");
        if manager.get_database_backend() == DbBackend::Postgres {
            txid.default(Expr::cust("(pg_current_xact_id()::text::bigint)"));
        } else {
            txid.default(0);
        }
        manager
            .create_table(
                Table::create()
                    .table("event_stream")
                    .col(big_pk_auto("seq"))
                    .col(txid)
                    .col(timestamp_with_time_zone("at"))
                    .col(string("kind"))
                    .col(string("subject_kind"))
                    .col(string("subject_id"))
                    .col(uuid_null("case_id"))
                    .col(uuid_null("actor_id"))
                    .col(string("actor_role"))
                    .col(string_null("partner_node"))
                    .col(string_null("from_status"))
                    .col(string_null("to_status"))
                    .col(text_null("detail"))
                    .col(string("cause"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("event_stream", &["case_id", "seq"]))
            .await?;
        manager
            .create_index(index(
                "event_stream",
                &["subject_kind", "subject_id", "seq"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["event_stream"]).await
    }
}
