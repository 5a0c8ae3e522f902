//! Reminders on cases: the clock job (`zq_services::interaction::reminders`) notes, per case,
//! the due date it last reminded the handlers of (due tomorrow) and the due date it last
//! reported overdue, so each reminder goes out once per due date, however many nodes run the
//! job and however often (a complaint or an extension moves the due date and re-arms it).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    DueSoonNoticedFor,
    OverdueNoticedFor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Cases::DueSoonNoticedFor, Cases::OverdueNoticedFor] {
            m.alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(ColumnDef::new(col).date().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Cases::OverdueNoticedFor, Cases::DueSoonNoticedFor] {
            m.alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
