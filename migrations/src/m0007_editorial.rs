//! The editorial workflow: article states beyond draft/published/withdrawn (pending review,
//! returned, scheduled) with who wrote and who last changed an article, the review comment and
//! the scheduled time; a version row for every saved text; attachments stored once per content
//! hash; API tokens (only a hash stored); and the site settings site admins edit.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    PublishAt,
    ReviewComment,
    CreatedBy,
    UpdatedBy,
    Version,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    EditorsPublishDirectly,
    ThemeColor,
    Logo,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ArticleVersions {
    Table,
    Id,
    ArticleId,
    TenantId,
    Version,
    ColumnId,
    Title,
    Subtitle,
    Source,
    Author,
    Summary,
    Body,
    DocNumber,
    IndexNumber,
    State,
    SavedBy,
    SavedAt,
}

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Sha256,
    Size,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    TenantId,
    Sha256,
    FileName,
    ContentType,
    Size,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    TokenHash,
    UserId,
    TenantId,
    Role,
    Label,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    Revoked,
}

async fn add_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    col: ColumnDef,
) -> Result<(), DbErr> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    m.alter_table(Table::alter().table(table).add_column(col).to_owned())
        .await
}

async fn drop_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            m,
            Articles::Table,
            ColumnDef::new(Articles::PublishAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Articles::Table,
            ColumnDef::new(Articles::ReviewComment)
                .text()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Articles::Table,
            ColumnDef::new(Articles::CreatedBy)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Articles::Table,
            ColumnDef::new(Articles::UpdatedBy)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Articles::Table,
            ColumnDef::new(Articles::Version)
                .integer()
                .not_null()
                .default(1)
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Tenants::Table,
            ColumnDef::new(Tenants::EditorsPublishDirectly)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Tenants::Table,
            ColumnDef::new(Tenants::ThemeColor)
                .string_len(7)
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Tenants::Table,
            ColumnDef::new(Tenants::Logo).string().null().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("articles_scheduled")
                .table(Articles::Table)
                .col(Articles::PublishAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ArticleVersions::Table)
                .col(big_pk_auto(ArticleVersions::Id))
                .col(big_integer(ArticleVersions::ArticleId))
                .col(big_integer(ArticleVersions::TenantId))
                .col(integer(ArticleVersions::Version))
                .col(big_integer(ArticleVersions::ColumnId))
                .col(string(ArticleVersions::Title))
                .col(string_null(ArticleVersions::Subtitle))
                .col(string_null(ArticleVersions::Source))
                .col(string_null(ArticleVersions::Author))
                .col(text_null(ArticleVersions::Summary))
                .col(text(ArticleVersions::Body))
                .col(string_null(ArticleVersions::DocNumber))
                .col(string_null(ArticleVersions::IndexNumber))
                .col(string_len(ArticleVersions::State, 16))
                .col(big_integer_null(ArticleVersions::SavedBy))
                .col(timestamp_with_time_zone(ArticleVersions::SavedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ArticleVersions::Table, ArticleVersions::ArticleId)
                        .to(Articles::Table, Articles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("article_versions_article_version")
                .table(ArticleVersions::Table)
                .col(ArticleVersions::ArticleId)
                .col(ArticleVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Blobs::Table)
                .col(string_len(Blobs::Sha256, 64).primary_key())
                .col(big_integer(Blobs::Size))
                .col(blob(Blobs::Bytes))
                .col(timestamp_with_time_zone(Blobs::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(big_pk_auto(Attachments::Id))
                .col(big_integer(Attachments::TenantId))
                .col(string_len(Attachments::Sha256, 64))
                .col(string(Attachments::FileName))
                .col(string_len(Attachments::ContentType, 100))
                .col(big_integer(Attachments::Size))
                .col(big_integer_null(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachments::Table, Attachments::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachments::Table, Attachments::Sha256)
                        .to(Blobs::Table, Blobs::Sha256),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attachments_tenant_hash")
                .table(Attachments::Table)
                .col(Attachments::TenantId)
                .col(Attachments::Sha256)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(big_integer(ApiTokens::UserId))
                .col(big_integer_null(ApiTokens::TenantId))
                .col(string_len(ApiTokens::Role, 32))
                .col(string(ApiTokens::Label))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(boolean(ApiTokens::Revoked))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ApiTokens::Table.into_iden(),
            Attachments::Table.into_iden(),
            Blobs::Table.into_iden(),
            ArticleVersions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("articles_scheduled")
                .table(Articles::Table)
                .to_owned(),
        )
        .await?;
        for c in [
            Tenants::Logo.into_iden(),
            Tenants::ThemeColor.into_iden(),
            Tenants::EditorsPublishDirectly.into_iden(),
        ] {
            drop_column(m, Tenants::Table, c).await?;
        }
        for c in [
            Articles::Version.into_iden(),
            Articles::UpdatedBy.into_iden(),
            Articles::CreatedBy.into_iden(),
            Articles::ReviewComment.into_iden(),
            Articles::PublishAt.into_iden(),
        ] {
            drop_column(m, Articles::Table, c).await?;
        }
        Ok(())
    }
}
