//! Correcting a published article through review (issue 16): the correction is kept beside
//! the article as its one open revision (draft, pending review or returned) while the
//! published text stays online; approval writes it over the article as a new version, whose
//! history row says it was a correction and whether the writer called it minor.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    ArticleId,
    TenantId,
    BaseVersion,
    Revision,
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
    Minor,
    ReviewComment,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArticleVersions {
    Table,
    Corrected,
    Minor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ArticleRevisions as R;
        let text = |c: R| ColumnDef::new(c).text().null().to_owned();
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(
                    ColumnDef::new(R::ArticleId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(R::TenantId).big_integer().not_null())
                .col(ColumnDef::new(R::BaseVersion).integer().not_null())
                .col(ColumnDef::new(R::Revision).integer().not_null())
                .col(ColumnDef::new(R::ColumnId).big_integer().not_null())
                .col(ColumnDef::new(R::Title).text().not_null())
                .col(text(R::Subtitle))
                .col(text(R::Source))
                .col(text(R::Author))
                .col(text(R::Summary))
                .col(ColumnDef::new(R::Body).text().not_null())
                .col(text(R::DocNumber))
                .col(text(R::IndexNumber))
                .col(ColumnDef::new(R::State).string_len(32).not_null())
                .col(ColumnDef::new(R::Minor).boolean().not_null().default(false))
                .col(text(R::ReviewComment))
                .col(ColumnDef::new(R::CreatedBy).big_integer().null())
                .col(ColumnDef::new(R::UpdatedBy).big_integer().null())
                .col(
                    ColumnDef::new(R::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(R::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("article_revisions_tenant_state")
                .table(R::Table)
                .col(R::TenantId)
                .col(R::State)
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement.
        for col in [ArticleVersions::Corrected, ArticleVersions::Minor] {
            m.alter_table(
                Table::alter()
                    .table(ArticleVersions::Table)
                    .add_column(ColumnDef::new(col).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [ArticleVersions::Corrected, ArticleVersions::Minor] {
            m.alter_table(
                Table::alter()
                    .table(ArticleVersions::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(ArticleRevisions::Table).to_owned())
            .await
    }
}
