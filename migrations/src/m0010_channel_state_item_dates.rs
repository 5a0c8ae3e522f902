//! A channel can be closed (it takes no new submissions and its feed is no longer pulled, its
//! history stays), and an imported feed item keeps the date its source published it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Channels {
    Table,
    Active,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    ExternalPublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .add_column(
                    ColumnDef::new(Channels::Active)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Submissions::Table)
                .add_column(
                    ColumnDef::new(Submissions::ExternalPublishedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Submissions::Table)
                .drop_column(Submissions::ExternalPublishedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .drop_column(Channels::Active)
                .to_owned(),
        )
        .await
    }
}
