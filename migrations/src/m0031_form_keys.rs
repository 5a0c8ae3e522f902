//! One-time keys of the console's creating forms (issue 16): each form page carries a fresh
//! key; the first submit with it claims the key and records where it led, and a second submit
//! with the same key (a double click, a resend after a slow answer) is sent there instead of
//! creating the thing twice. Keys are kept a day.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FormKeys {
    Table,
    UserId,
    Key,
    Outcome,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FormKeys::Table)
                .col(ColumnDef::new(FormKeys::UserId).big_integer().not_null())
                .col(ColumnDef::new(FormKeys::Key).string_len(64).not_null())
                .col(ColumnDef::new(FormKeys::Outcome).text().null())
                .col(
                    ColumnDef::new(FormKeys::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(FormKeys::UserId).col(FormKeys::Key))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("form_keys_created")
                .table(FormKeys::Table)
                .col(FormKeys::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FormKeys::Table).to_owned())
            .await
    }
}
