//! The link checker (链接可用性): each external address's last answer, shared by every site that
//! links to it and checked again on a schedule (`link_results`); the broken links of each site's
//! published articles with the place they occur, replaced by each run (`link_findings`); and
//! when each site was last checked (`link_sites`), so a site never checked says so.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LinkResults {
    Table,
    Url,
    Ok,
    Problem,
    CheckedAt,
    NextAt,
}

#[derive(DeriveIden)]
enum LinkFindings {
    Table,
    Id,
    TenantId,
    ArticleId,
    Title,
    Url,
    Text,
    Nth,
    Problem,
    Internal,
    FoundAt,
}

#[derive(DeriveIden)]
enum LinkSites {
    Table,
    TenantId,
    CheckedAt,
    Links,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LinkResults::Table)
                .col(string_len(LinkResults::Url, 1000).primary_key())
                .col(boolean(LinkResults::Ok))
                .col(string_len_null(LinkResults::Problem, 200))
                .col(timestamp_with_time_zone(LinkResults::CheckedAt))
                .col(timestamp_with_time_zone(LinkResults::NextAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LinkFindings::Table)
                .col(big_pk_auto(LinkFindings::Id))
                .col(big_integer(LinkFindings::TenantId))
                .col(big_integer(LinkFindings::ArticleId))
                .col(string_len(LinkFindings::Title, 200))
                .col(string_len(LinkFindings::Url, 1000))
                .col(string_len(LinkFindings::Text, 100))
                .col(integer(LinkFindings::Nth))
                .col(string_len(LinkFindings::Problem, 200))
                .col(boolean(LinkFindings::Internal))
                .col(timestamp_with_time_zone(LinkFindings::FoundAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("link_findings_tenant")
                .table(LinkFindings::Table)
                .col(LinkFindings::TenantId)
                .col(LinkFindings::ArticleId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LinkSites::Table)
                .col(big_integer(LinkSites::TenantId).primary_key())
                .col(timestamp_with_time_zone(LinkSites::CheckedAt))
                .col(integer(LinkSites::Links))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            LinkResults::Table.into_iden(),
            LinkFindings::Table.into_iden(),
            LinkSites::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
