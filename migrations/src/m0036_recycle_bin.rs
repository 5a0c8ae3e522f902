//! The recycle bin (回收站, issue 16): a deleted article (with its versions) or column is kept
//! whole here, as JSON, with who deleted it, when and why, until it is restored or its keeping
//! time has passed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecycleBin {
    Table,
    Id,
    TenantId,
    Kind,
    ObjectId,
    Title,
    Payload,
    Reason,
    DeletedBy,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RecycleBin as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(
                    ColumnDef::new(R::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(R::TenantId).big_integer().not_null())
                .col(ColumnDef::new(R::Kind).string_len(16).not_null())
                .col(ColumnDef::new(R::ObjectId).big_integer().not_null())
                .col(ColumnDef::new(R::Title).text().not_null())
                .col(ColumnDef::new(R::Payload).text().not_null())
                .col(ColumnDef::new(R::Reason).text().not_null())
                .col(ColumnDef::new(R::DeletedBy).big_integer().null())
                .col(
                    ColumnDef::new(R::DeletedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("recycle_bin_tenant_deleted")
                .table(R::Table)
                .col(R::TenantId)
                .col(R::DeletedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("recycle_bin_deleted")
                .table(R::Table)
                .col(R::DeletedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecycleBin::Table).to_owned())
            .await
    }
}
