use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Courts' jurisdiction (R9, R14), applications for judicial confirmation (R8–R13), agreements
/// set aside when the parties amend a settled one, and what a case carries back from the court:
/// whether it is enforceable, and when a court-referred case went back to its court (R15).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER: SQLite adds columns one at a time.
        for (table, column) in [
            ("organizations", text_null("jurisdiction")),
            ("cases", boolean("enforceable").default(false).to_owned()),
            ("cases", date_null("returned_on")),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.to_owned())
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("confirmation_applications")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(uuid("court_id"))
                    .col(uuid("organization_id"))
                    .col(string("agreement_digest"))
                    .col(string("status"))
                    .col(text("consents"))
                    .col(text_null("note"))
                    .col(uuid("submitted_by"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .col(date_null("accepted_on"))
                    .col(string_null("extension_approved_by"))
                    .col(text_null("extension_reason"))
                    .col(string_null("ruling_number"))
                    .col(date_null("ruling_date"))
                    .col(string_null("refusal_ground"))
                    .col(text_null("reason"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(big_integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "confirmation_applications",
                        "case_id",
                        "cases",
                        "id",
                    ))
                    .foreign_key(&mut fk(
                        "confirmation_applications",
                        "court_id",
                        "organizations",
                        "id",
                    ))
                    .foreign_key(&mut fk(
                        "confirmation_applications",
                        "organization_id",
                        "organizations",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        for columns in [
            &["case_id"][..],
            &["court_id", "status", "id"][..],
            &["organization_id", "status", "id"][..],
        ] {
            manager
                .create_index(index("confirmation_applications", columns))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("superseded_agreements")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(string("digest"))
                    .col(text("agreement"))
                    .col(uuid("superseded_by"))
                    .col(timestamp_with_time_zone("superseded_at"))
                    .col(text("reason"))
                    .foreign_key(&mut fk("superseded_agreements", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("superseded_agreements", &["case_id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["superseded_agreements", "confirmation_applications"],
        )
        .await?;
        for (table, column) in [
            ("cases", "returned_on"),
            ("cases", "enforceable"),
            ("organizations", "jurisdiction"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.to_owned())
                        .drop_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
