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
                    .table("cases")
                    .col(pk_uuid("id"))
                    .col(string_null("case_number"))
                    .col(uuid("organization_id"))
                    .col(uuid_null("referring_court_id"))
                    .col(string("track"))
                    .col(string("ip_type"))
                    .col(string("right_identifier"))
                    .col(string_null("right_title"))
                    .col(text("claims"))
                    .col(big_integer_null("amount_fen"))
                    .col(string("city"))
                    .col(string_null("court_procedure"))
                    .col(string("status"))
                    .col(string("consent"))
                    .col(text_null("reason"))
                    .col(string_null("routes"))
                    .col(string_null("withdrawn_by"))
                    .col(big_integer("version"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("cases", "organization_id", "organizations", "id"))
                    .foreign_key(&mut fk(
                        "cases",
                        "referring_court_id",
                        "organizations",
                        "id",
                    ))
                    .foreign_key(&mut fk("cases", "created_by", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq-cases-case_number")
                    .table("cases")
                    .col("case_number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Lists are newest first within a scope, optionally filtered: one index per filter.
        for columns in [
            &["organization_id", "id"][..],
            &["organization_id", "status", "id"],
            &["organization_id", "track", "id"],
            &["organization_id", "ip_type", "id"],
            &["organization_id", "created_at"],
            &["referring_court_id", "id"],
        ] {
            manager.create_index(index("cases", columns)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("case_parties")
                    .col(uuid("case_id"))
                    .col(integer("number"))
                    .col(string("side"))
                    .col(string("kind"))
                    .col(string("name"))
                    .col(string_null("id_number"))
                    .col(string_null("credit_code"))
                    .col(string_null("phone"))
                    .col(string_null("address"))
                    .col(text("agents"))
                    .primary_key(Index::create().col("case_id").col("number"))
                    .foreign_key(&mut fk("case_parties", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;

        // Prefix search over parties' names, credit codes, the right and the case number.
        // PostgreSQL compares these bytewise ("C" collation) so a prefix is an index range.
        let mut term = string("term");
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            term.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table("case_search_terms")
                    .col(term)
                    .col(uuid("case_id"))
                    // The handling organisation, so a prefix searched within one organisation is
                    // a narrow range of (organization_id, term) rather than every organisation's.
                    .col(uuid("organization_id"))
                    .primary_key(Index::create().col("term").col("case_id"))
                    .foreign_key(&mut fk("case_search_terms", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("case_search_terms", &["case_id"]))
            .await?;
        manager
            .create_index(index("case_search_terms", &["organization_id", "term"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("case_assignments")
                    .col(uuid("case_id"))
                    .col(uuid("account_id"))
                    .col(uuid("assigned_by"))
                    .col(timestamp_with_time_zone("assigned_at"))
                    .primary_key(Index::create().col("case_id").col("account_id"))
                    .foreign_key(&mut fk("case_assignments", "case_id", "cases", "id"))
                    .foreign_key(&mut fk("case_assignments", "account_id", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("case_assignments", &["account_id", "case_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("case_number_counters")
                    .col(uuid("organization_id"))
                    .col(integer("year"))
                    .col(big_integer("last_number"))
                    .primary_key(Index::create().col("organization_id").col("year"))
                    .foreign_key(&mut fk(
                        "case_number_counters",
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
                "case_number_counters",
                "case_assignments",
                "case_search_terms",
                "case_parties",
                "cases",
            ],
        )
        .await
    }
}
