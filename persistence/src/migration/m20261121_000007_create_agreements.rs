use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("case_agreements")
                    .col(uuid("case_id").primary_key())
                    .col(text("text"))
                    .col(text("terms"))
                    .col(boolean("decides_ownership_or_validity"))
                    .col(string("digest"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .col(timestamp_with_time_zone_null("effective_at"))
                    .foreign_key(&mut fk("case_agreements", "case_id", "cases", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreement_signatures")
                    .col(uuid("case_id"))
                    .col(string("signer"))
                    .col(string("method"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .primary_key(Index::create().col("case_id").col("signer"))
                    .foreign_key(&mut fk(
                        "agreement_signatures",
                        "case_id",
                        "case_agreements",
                        "case_id",
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["agreement_signatures", "case_agreements"]).await
    }
}
