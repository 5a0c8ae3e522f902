//! Tenants with their host names, the column tree of each tenant, and articles.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Code,
    Kind,
    Name,
    Sponsor,
    SiteId,
    Contact,
    Status,
    ParentId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TenantHosts {
    Table,
    Host,
    TenantId,
    Position,
}

#[derive(DeriveIden)]
enum Columns {
    Table,
    Id,
    TenantId,
    ParentId,
    Slug,
    Name,
    Kind,
    ExternalUrl,
    UpdateRequirement,
    ResponsibleUnit,
    SortOrder,
    IsNews,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    TenantId,
    ColumnId,
    Title,
    Subtitle,
    Source,
    Author,
    Summary,
    Body,
    DocNumber,
    IndexNumber,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(big_pk_auto(Tenants::Id))
                .col(string_len_uniq(Tenants::Code, 32))
                .col(string_len(Tenants::Kind, 16))
                .col(string(Tenants::Name))
                .col(string(Tenants::Sponsor))
                .col(string_null(Tenants::SiteId))
                .col(string_null(Tenants::Contact))
                .col(string_len(Tenants::Status, 16))
                .col(big_integer_null(Tenants::ParentId))
                .col(timestamp_with_time_zone(Tenants::CreatedAt))
                .col(timestamp_with_time_zone(Tenants::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Tenants::Table, Tenants::ParentId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenantHosts::Table)
                .col(string_len(TenantHosts::Host, 253).primary_key())
                .col(big_integer(TenantHosts::TenantId))
                .col(integer(TenantHosts::Position))
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantHosts::Table, TenantHosts::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Columns::Table)
                .col(big_pk_auto(Columns::Id))
                .col(big_integer(Columns::TenantId))
                .col(big_integer_null(Columns::ParentId))
                .col(string_len(Columns::Slug, 48))
                .col(string(Columns::Name))
                .col(string_len(Columns::Kind, 16))
                .col(string_null(Columns::ExternalUrl))
                .col(string_len(Columns::UpdateRequirement, 16))
                .col(string_null(Columns::ResponsibleUnit))
                .col(integer(Columns::SortOrder))
                .col(boolean(Columns::IsNews))
                .col(timestamp_with_time_zone(Columns::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Columns::Table, Columns::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Columns::Table, Columns::ParentId)
                        .to(Columns::Table, Columns::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("columns_tenant_slug")
                .table(Columns::Table)
                .col(Columns::TenantId)
                .col(Columns::Slug)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Articles::Table)
                .col(big_pk_auto(Articles::Id))
                .col(big_integer(Articles::TenantId))
                .col(big_integer(Articles::ColumnId))
                .col(string(Articles::Title))
                .col(string_null(Articles::Subtitle))
                .col(string_null(Articles::Source))
                .col(string_null(Articles::Author))
                .col(text_null(Articles::Summary))
                .col(text(Articles::Body))
                .col(string_null(Articles::DocNumber))
                .col(string_null(Articles::IndexNumber))
                .col(string_len(Articles::Status, 16))
                .col(timestamp_with_time_zone_null(Articles::PublishedAt))
                .col(timestamp_with_time_zone(Articles::CreatedAt))
                .col(timestamp_with_time_zone(Articles::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Articles::Table, Articles::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Articles::Table, Articles::ColumnId)
                        .to(Columns::Table, Columns::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // The public read path: a column's published articles, newest first.
        m.create_index(
            Index::create()
                .name("articles_listing")
                .table(Articles::Table)
                .col(Articles::TenantId)
                .col(Articles::ColumnId)
                .col(Articles::Status)
                .col(Articles::PublishedAt)
                .to_owned(),
        )
        .await?;
        // The portal's aggregation and "last updated": newest published articles cluster-wide.
        m.create_index(
            Index::create()
                .name("articles_status_published")
                .table(Articles::Table)
                .col(Articles::Status)
                .col(Articles::PublishedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Articles::Table.into_iden(),
            Columns::Table.into_iden(),
            TenantHosts::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
