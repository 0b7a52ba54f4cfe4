use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The federation: partner nodes, cooperation agreements, referrals with their timeline and
/// clocks, and the two halves of the protocol — the outbox (messages to deliver, written in the
/// same transaction as the change they announce) and the inbox (messages applied, keyed by id,
/// so a redelivery is answered without a second effect).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("partner_nodes")
                    .col(string("node_id").primary_key())
                    .col(string("name"))
                    .col(string("city"))
                    .col(string("base_url"))
                    .col(text("public_keys"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cooperation_agreements")
                    .col(pk_uuid("id"))
                    .col(string("code"))
                    .col(string("title"))
                    .col(string("local_node"))
                    .col(string("partner_node"))
                    .col(text("ip_types"))
                    .col(text("kinds"))
                    .col(integer("acknowledge_days"))
                    .col(integer("decide_days"))
                    .col(integer("report_days"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .col(string("status"))
                    .col(text("liaisons"))
                    .col(big_integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq-cooperation_agreements-code")
                    .table("cooperation_agreements")
                    .col("code")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("referrals")
                    .col(pk_uuid("id"))
                    .col(string("direction"))
                    .col(string("partner_node"))
                    .col(string("agreement_code"))
                    .col(string("kind"))
                    .col(string("ip_type"))
                    .col(string_null("right_identifier"))
                    .col(text("summary"))
                    .col(text("parties"))
                    .col(text("documents"))
                    .col(uuid_null("case_id"))
                    .col(string_null("partner_case_number"))
                    .col(uuid_null("sent_by"))
                    .col(date("sent_on"))
                    .col(string("status"))
                    .col(string_null("decline_reason"))
                    .col(string_null("outcome"))
                    .col(big_integer("local_seq"))
                    .col(big_integer("peer_seq"))
                    .col(big_integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("referrals", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        for columns in [
            &["direction", "status", "id"][..],
            &["agreement_code", "id"][..],
            &["case_id"][..],
            &["sent_by", "id"][..],
        ] {
            manager.create_index(index("referrals", columns)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("referral_events")
                    .col(pk_uuid("id"))
                    .col(uuid("referral_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(date("on_date"))
                    .col(string("node"))
                    .col(string("role"))
                    .col(string("step"))
                    .col(text("detail"))
                    .foreign_key(&mut fk("referral_events", "referral_id", "referrals", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("referral_events", &["referral_id", "id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("referral_deadlines")
                    .col(uuid("referral_id"))
                    .col(string("clock"))
                    .col(date("starts_on"))
                    .col(string("period_unit"))
                    .col(integer("period_length"))
                    .col(date("due_on"))
                    .col(boolean("calendar_verified"))
                    .col(date_null("paused_on"))
                    .col(date_null("met_on"))
                    .col(date_null("breached_on"))
                    .primary_key(Index::create().col("referral_id").col("clock"))
                    .foreign_key(&mut fk(
                        "referral_deadlines",
                        "referral_id",
                        "referrals",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("referral_deadlines", &["met_on", "due_on"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("federation_outbox")
                    .col(pk_uuid("id"))
                    .col(string("partner_node"))
                    .col(uuid("referral_id"))
                    .col(big_integer("seq"))
                    .col(text("body"))
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
        for columns in [
            &["status", "next_attempt_at"][..],
            &["referral_id", "seq"][..],
        ] {
            manager
                .create_index(index("federation_outbox", columns))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("federation_inbox")
                    .col(pk_uuid("message_id"))
                    .col(string("partner_node"))
                    .col(uuid("referral_id"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(integer("answer_status"))
                    .col(text("answer"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "federation_inbox",
                "federation_outbox",
                "referral_deadlines",
                "referral_events",
                "referrals",
                "cooperation_agreements",
                "partner_nodes",
            ],
        )
        .await
    }
}
