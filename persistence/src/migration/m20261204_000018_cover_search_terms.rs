use sea_orm_migration::prelude::*;

use super::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A prefix search within one organisation reads `(organization_id, term)` and needs only the
/// case ids: with `case_id` in the index the scan answers from the index alone (PostgreSQL:
/// an Index Only Scan, no heap fetch per matching term; BENCHMARKS.md, "Filtered lists"). The
/// new index replaces the old one, which it contains.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "case_search_terms",
                &["organization_id", "term", "case_id"],
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx-case_search_terms-organization_id-term")
                    .table("case_search_terms")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index("case_search_terms", &["organization_id", "term"]))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx-case_search_terms-organization_id-term-case_id")
                    .table("case_search_terms")
                    .to_owned(),
            )
            .await
    }
}
