//! The responses a site served and how many of them were server errors (5xx), per site and
//! hour, beside its page views (`visit_hours`): the served 5xx rate the availability
//! indicator reports with its probes. Every response counts, robots' and probes' included; a
//! site's unknown paths and its error pages too.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum VisitHours {
    Table,
    Responses,
    ServerErrors,
}

const COLUMNS: [VisitHours; 2] = [VisitHours::Responses, VisitHours::ServerErrors];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one column at a time.
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(VisitHours::Table)
                    .add_column(ColumnDef::new(col).big_integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(VisitHours::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
