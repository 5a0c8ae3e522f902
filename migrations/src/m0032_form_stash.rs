//! Forms sent after the session ended (issue 16, no lost work): the console keeps the text
//! fields of such a submit for a day, and gives them back to the account that signs in next in
//! that browser, on the page the form came from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FormStash {
    Table,
    Token,
    UserId,
    Page,
    Fields,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FormStash::Table)
                .col(
                    ColumnDef::new(FormStash::Token)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(FormStash::UserId).big_integer().null())
                .col(ColumnDef::new(FormStash::Page).text().not_null())
                .col(ColumnDef::new(FormStash::Fields).text().not_null())
                .col(
                    ColumnDef::new(FormStash::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("form_stash_created")
                .table(FormStash::Table)
                .col(FormStash::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FormStash::Table).to_owned())
            .await
    }
}
