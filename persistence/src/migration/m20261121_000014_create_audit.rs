use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The audit trail: `audit_events` (one row per security-relevant event, inserted as it
/// happens) and `audit_seals` (the hash chain over them, appended by the sealer). Both are
/// append-only: a trigger refuses every UPDATE and DELETE (and TRUNCATE on PostgreSQL), so even a
/// bug in the service cannot rewrite history; someone with the rights to drop the trigger can,
/// and `ipdr audit verify` is what finds it.
///
/// `txid` orders the chain on PostgreSQL: the id of the transaction that wrote the event. The
/// sealer only seals events of transactions older than every running one, so an event that
/// commits late can never land behind the chain's head. SQLite has one writer at a time, so ids
/// already arrive in commit order and `txid` stays 0.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut txid = big_integer("txid");
        if backend == DbBackend::Postgres {
            txid.default(Expr::cust("(pg_current_xact_id()::text::bigint)"));
        } else {
            txid.default(0);
        }
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(big_pk_auto("id"))
                    .col(txid)
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_null("actor"))
                    .col(string_null("role"))
                    .col(string("action"))
                    .col(text("object"))
                    .col(string("outcome"))
                    .col(integer("status"))
                    .col(string_null("client_address"))
                    .col(string_null("request_id"))
                    .col(text_null("detail"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("audit_events", &["txid", "id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_seals")
                    .col(big_integer("seq").primary_key())
                    .col(big_integer_uniq("record_id"))
                    .col(string("hash"))
                    .col(timestamp_with_time_zone("sealed_at"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
                )
                .await?;
                for table in ["audit_events", "audit_seals"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in ["audit_events", "audit_seals"] {
                    for event in ["UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{} BEFORE {event} ON {table} \
                             BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
                            event.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_seals", "audit_events"]).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION audit_append_only()")
                .await?;
        }
        Ok(())
    }
}
