use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The technical investigator pool, their declared conflicts, assignments to cases, and
/// technical opinions with their documents.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("investigators")
                    .col(uuid("account_id").primary_key())
                    .col(string("fields"))
                    .col(string("affiliation"))
                    .col(uuid("contributed_by"))
                    .col(boolean("active"))
                    .col(integer("max_assignments"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("investigators", "account_id", "accounts", "id"))
                    .foreign_key(&mut fk(
                        "investigators",
                        "contributed_by",
                        "organizations",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("investigator_conflicts")
                    .col(pk_uuid("id"))
                    .col(uuid("account_id"))
                    .col(string("kind"))
                    .col(string("value"))
                    .col(string("relationship"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "investigator_conflicts",
                        "account_id",
                        "accounts",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("investigator_conflicts", &["account_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("investigator_assignments")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(uuid("investigator_id"))
                    .col(string("procedure"))
                    .col(string("field"))
                    .col(text("question"))
                    .col(string("status"))
                    .col(string("recusal_stage"))
                    .col(string_null("recusal_requested_by"))
                    .col(text_null("recusal_grounds"))
                    .col(string_null("end_reason"))
                    .col(uuid("assigned_by"))
                    .col(timestamp_with_time_zone("assigned_at"))
                    .col(date_null("parties_notified_on"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk(
                        "investigator_assignments",
                        "case_id",
                        "cases",
                        "id",
                    ))
                    .foreign_key(&mut fk(
                        "investigator_assignments",
                        "investigator_id",
                        "accounts",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        // Load per investigator, and the assignments of a case.
        manager
            .create_index(index(
                "investigator_assignments",
                &["investigator_id", "status"],
            ))
            .await?;
        manager
            .create_index(index("investigator_assignments", &["case_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("technical_opinions")
                    .col(uuid("assignment_id"))
                    .col(integer("version"))
                    .col(uuid("case_id"))
                    .col(uuid("author_id"))
                    .col(text("text"))
                    .col(string("digest"))
                    .col(text("documents"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .primary_key(Index::create().col("assignment_id").col("version"))
                    .foreign_key(&mut fk(
                        "technical_opinions",
                        "assignment_id",
                        "investigator_assignments",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("technical_opinions", &["case_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("opinion_documents")
                    .col(uuid("case_id"))
                    .col(uuid("author_id"))
                    .col(string("sha256"))
                    .col(string("filename"))
                    .col(string("media_type"))
                    .col(big_integer("size"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .primary_key(
                        Index::create()
                            .col("case_id")
                            .col("author_id")
                            .col("sha256"),
                    )
                    .foreign_key(&mut fk("opinion_documents", "case_id", "cases", "id"))
                    .foreign_key(&mut fk("opinion_documents", "sha256", "blobs", "sha256"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "opinion_documents",
                "technical_opinions",
                "investigator_assignments",
                "investigator_conflicts",
                "investigators",
            ],
        )
        .await
    }
}
