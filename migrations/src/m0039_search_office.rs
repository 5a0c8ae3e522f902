//! What the office keeps for search (issue 17): groups of synonyms (发改委 = 发展和改革委员会)
//! and best bets (推荐结果: a keyword's pinned link), each for the whole cluster (no tenant) or
//! one site; and the questions asked, counted per day, site and question — with no address,
//! account or anything else about who asked.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchSynonyms {
    Table,
    Id,
    TenantId,
    Words,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SearchBestBets {
    Table,
    Id,
    TenantId,
    Keywords,
    Title,
    Url,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SearchQueries {
    Table,
    Day,
    TenantId,
    Query,
    Asked,
    Empty,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SearchBestBets as B;
        use SearchQueries as Q;
        use SearchSynonyms as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(
                    ColumnDef::new(S::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(S::TenantId).big_integer().null())
                .col(ColumnDef::new(S::Words).string_len(500).not_null())
                .col(
                    ColumnDef::new(S::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(
                    ColumnDef::new(B::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(B::TenantId).big_integer().null())
                .col(ColumnDef::new(B::Keywords).string_len(300).not_null())
                .col(ColumnDef::new(B::Title).string_len(200).not_null())
                .col(ColumnDef::new(B::Url).string_len(500).not_null())
                .col(ColumnDef::new(B::Description).string_len(300).null())
                .col(
                    ColumnDef::new(B::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Q::Table)
                .col(ColumnDef::new(Q::Day).date().not_null())
                .col(ColumnDef::new(Q::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Q::Query).string_len(100).not_null())
                .col(ColumnDef::new(Q::Asked).big_integer().not_null())
                .col(ColumnDef::new(Q::Empty).big_integer().not_null())
                .primary_key(Index::create().col(Q::Day).col(Q::TenantId).col(Q::Query))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("search_queries_tenant_day")
                .table(Q::Table)
                .col(Q::TenantId)
                .col(Q::Day)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SearchQueries::Table.into_iden(),
            SearchBestBets::Table.into_iden(),
            SearchSynonyms::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
