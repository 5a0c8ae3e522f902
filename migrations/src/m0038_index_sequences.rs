//! Automatic 索引号 (issue 16): a per-tenant, per-year counter. An article published without
//! an index number gets the next one (`{CODE}-{year}-{nnnnn}`); the disclosure catalogue's
//! configurable scheme (issue 18) will replace the format, not the counter.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndexSequences {
    Table,
    TenantId,
    Year,
    LastValue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IndexSequences as I;
        m.create_table(
            Table::create()
                .table(I::Table)
                .col(ColumnDef::new(I::TenantId).big_integer().not_null())
                .col(ColumnDef::new(I::Year).integer().not_null())
                .col(ColumnDef::new(I::LastValue).big_integer().not_null())
                .primary_key(Index::create().col(I::TenantId).col(I::Year))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IndexSequences::Table).to_owned())
            .await
    }
}
