//! Autosaved editor forms (issue 16): every few seconds the article editor keeps the form's
//! text fields here, one row per account and form page, so a crash, a closed tab or a lost
//! connection costs seconds of work, not the article.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Autosaves {
    Table,
    UserId,
    Page,
    TenantId,
    Fields,
    SavedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Autosaves as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(ColumnDef::new(A::UserId).big_integer().not_null())
                .col(ColumnDef::new(A::Page).string_len(200).not_null())
                .col(ColumnDef::new(A::TenantId).big_integer().not_null())
                .col(ColumnDef::new(A::Fields).text().not_null())
                .col(
                    ColumnDef::new(A::SavedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(A::UserId).col(A::Page))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("autosaves_saved")
                .table(A::Table)
                .col(A::SavedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Autosaves::Table).to_owned())
            .await
    }
}
