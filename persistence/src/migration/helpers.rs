//! Naming conventions shared by the migrations: `fk-<table>-<column>`, `idx-<table>-<columns>`.
use sea_orm_migration::prelude::*;

/// A foreign key `table.column → to.to_column` that refuses deleting the referenced row.
pub fn fk(table: &str, column: &str, to: &str, to_column: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk-{table}-{column}"))
        .from(table.to_owned(), column.to_owned())
        .to(to.to_owned(), to_column.to_owned())
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A plain index on `columns`, in order.
pub fn index(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("idx-{table}-{}", columns.join("-")))
        .table(table.to_owned());
    for column in columns {
        index.col((*column).to_owned());
    }
    index.to_owned()
}

/// Drops `tables` in order (dependants first).
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table((*table).to_owned()).to_owned())
            .await?;
    }
    Ok(())
}
