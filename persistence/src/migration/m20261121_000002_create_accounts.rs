use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("accounts")
                    .col(pk_uuid("id"))
                    .col(string("username"))
                    .col(string("display_name"))
                    .col(string("role"))
                    .col(uuid("organization_id"))
                    .col(string("password_hash"))
                    .col(string("status"))
                    .col(big_integer("auth_version").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk-accounts-organization_id")
                            .from("accounts", "organization_id")
                            .to("organizations", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq-accounts-username")
                    .table("accounts")
                    .col("username")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Listing an organisation's accounts, and counting active admins.
        manager
            .create_index(
                Index::create()
                    .name("idx-accounts-organization_id")
                    .table("accounts")
                    .col("organization_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx-accounts-role-status")
                    .table("accounts")
                    .col("role")
                    .col("status")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("accounts").to_owned())
            .await
    }
}
