use ipdr_domain::case::identifiers::ResidentId;
use ipdr_domain::case::search;
use sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Parties' identity documents get a kind; organisations a place (GB/T 2260, R9); deadlines a
/// terminal `lapsed` state; names are searched as the new normalisation writes them.
///
/// Existing rows are brought in line: an identity number that passes the resident-ID check is
/// `resident_id`, any other (stored "as given" before) `other`; a deadline closed after its last
/// day is `lapsed`; every party name gets the search terms `张 三` → `张三` normalisation gives
/// it (old terms stay: they match nothing new, and removing them buys nothing).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("case_parties")
                    .add_column(string_null("id_type"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("organizations")
                    .add_column(string_null("division_code"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute(
            Query::update()
                .table("case_deadlines")
                .value("status", "lapsed")
                .and_where(Expr::col("status").eq("met"))
                .and_where(Expr::col("met_on").gt(Expr::col("due_on"))),
        )
        .await?;
        backfill_parties(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute(
                Query::update()
                    .table("case_deadlines")
                    .value("status", "met")
                    .and_where(Expr::col("status").eq("lapsed")),
            )
            .await?;
        for (table, column) in [
            ("organizations", "division_code"),
            ("case_parties", "id_type"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Parties are visited in batches by (case, number), so a large database is migrated without
/// holding every row at once.
async fn backfill_parties(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    const BATCH: u64 = 1000;
    // Any real birth date lies before this day: the check here is of the number's shape.
    let far = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
    let mut after: Option<(uuid::Uuid, i32)> = None;
    loop {
        let mut select = Query::select();
        select
            .columns([
                (Alias::new("p"), Alias::new("case_id")),
                (Alias::new("p"), Alias::new("number")),
                (Alias::new("p"), Alias::new("name")),
                (Alias::new("p"), Alias::new("id_number")),
                (Alias::new("c"), Alias::new("organization_id")),
            ])
            .from_as("case_parties", Alias::new("p"))
            .join_as(
                JoinType::InnerJoin,
                "cases",
                Alias::new("c"),
                Expr::col((Alias::new("c"), Alias::new("id")))
                    .equals((Alias::new("p"), Alias::new("case_id"))),
            )
            .order_by((Alias::new("p"), Alias::new("case_id")), Order::Asc)
            .order_by((Alias::new("p"), Alias::new("number")), Order::Asc)
            .limit(BATCH);
        if let Some((case, number)) = after {
            select.and_where(
                Expr::tuple([
                    Expr::col((Alias::new("p"), Alias::new("case_id"))),
                    Expr::col((Alias::new("p"), Alias::new("number"))),
                ])
                .gt(Expr::tuple([Expr::value(case), Expr::value(number)])),
            );
        }
        let rows = db.query_all(&select).await?;
        let mut terms = Query::insert();
        terms
            .into_table("case_search_terms")
            .columns(["term", "case_id", "organization_id"])
            .on_conflict(OnConflict::new().do_nothing().to_owned());
        let mut any_term = false;
        for row in &rows {
            let case: uuid::Uuid = row.try_get("", "case_id")?;
            let number: i32 = row.try_get("", "number")?;
            let name: String = row.try_get("", "name")?;
            let id_number: Option<String> = row.try_get("", "id_number")?;
            let organization: uuid::Uuid = row.try_get("", "organization_id")?;
            for term in search::text_terms(&name) {
                terms.values_panic([term.into(), case.into(), organization.into()]);
                any_term = true;
            }
            if let Some(id_number) = id_number {
                let kind = if ResidentId::parse(&id_number, far).is_ok() {
                    "resident_id"
                } else {
                    "other"
                };
                db.execute(
                    Query::update()
                        .table("case_parties")
                        .value("id_type", kind)
                        .and_where(Expr::col("case_id").eq(case))
                        .and_where(Expr::col("number").eq(number)),
                )
                .await?;
            }
            after = Some((case, number));
        }
        if any_term {
            db.execute(&terms).await?;
        }
        if (rows.len() as u64) < BATCH {
            return Ok(());
        }
    }
}
