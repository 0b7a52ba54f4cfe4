use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The official calendars shipped with IPDR (`persistence/data/calendar/*.json`); later years
/// are loaded by an administrator through the API.
const SHIPPED: [&str; 2] = [
    include_str!("../../data/calendar/2025.json"),
    include_str!("../../data/calendar/2026.json"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendar_years")
                    .col(integer("year").primary_key())
                    .col(text("days_off"))
                    .col(text("makeup_workdays"))
                    .col(string("source"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for data in SHIPPED {
            let year = crate::repo::calendar::ShippedYear::parse(data).map_err(DbErr::Migration)?;
            let insert = Query::insert()
                .into_table("calendar_years")
                .columns([
                    "year",
                    "days_off",
                    "makeup_workdays",
                    "source",
                    "updated_at",
                ])
                .values_panic([
                    year.year.into(),
                    year.days_off_json().into(),
                    year.makeup_workdays_json().into(),
                    year.source.clone().into(),
                    chrono::Utc::now().into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("calendar_years").to_owned())
            .await
    }
}
