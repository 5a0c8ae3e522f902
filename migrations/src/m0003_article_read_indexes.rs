//! Indexes for the public read path measured by the benchmark: a tenant's newest published
//! articles (site maps, feeds) and its last update (the 更新日期 on every home page).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    TenantId,
    Status,
    PublishedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("articles_tenant_published")
                .table(Articles::Table)
                .col(Articles::TenantId)
                .col(Articles::Status)
                .col(Articles::PublishedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("articles_tenant_updated")
                .table(Articles::Table)
                .col(Articles::TenantId)
                .col(Articles::Status)
                .col(Articles::UpdatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["articles_tenant_updated", "articles_tenant_published"] {
            m.drop_index(Index::drop().name(name).table(Articles::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
