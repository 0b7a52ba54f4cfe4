use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Content-addressed: identical files are stored once.
        manager
            .create_table(
                Table::create()
                    .table("blobs")
                    .col(string("sha256").primary_key())
                    .col(big_integer("size"))
                    .col(blob("content"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("case_documents")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(string("kind"))
                    .col(string("filename"))
                    .col(string("media_type"))
                    .col(big_integer("size"))
                    .col(string("sha256"))
                    .col(uuid("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .foreign_key(&mut fk("case_documents", "case_id", "cases", "id"))
                    .foreign_key(&mut fk("case_documents", "sha256", "blobs", "sha256"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("case_documents", &["case_id", "id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["case_documents", "blobs"]).await
    }
}
