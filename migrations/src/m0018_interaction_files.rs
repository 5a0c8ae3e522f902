//! Files in interaction. A writer's files on a letter, a site-error report or a disclosure
//! request (`case_files`) are personal data like the writer's details: sealed with the
//! cluster's key, kept per case (never shared or deduplicated with the site's public
//! attachments, never served on a public address) and removed with the writer's details when
//! the retention period ends. A consultation's documents (the draft to comment on, its
//! explanation) are the site's public attachments, named in order by
//! `consultations.attachment_ids` (a JSON list).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseFiles {
    Table,
    Id,
    CaseId,
    FileName,
    ContentType,
    Size,
    Sealed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    AttachmentIds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseFiles::Table)
                .col(big_pk_auto(CaseFiles::Id))
                .col(big_integer(CaseFiles::CaseId))
                .col(string_len(CaseFiles::FileName, 120))
                .col(string_len(CaseFiles::ContentType, 100))
                .col(big_integer(CaseFiles::Size))
                .col(blob(CaseFiles::Sealed))
                .col(timestamp_with_time_zone(CaseFiles::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_files_case")
                .table(CaseFiles::Table)
                .col(CaseFiles::CaseId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Consultations::Table)
                .add_column(text_null(Consultations::AttachmentIds))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Consultations::Table)
                .drop_column(Consultations::AttachmentIds)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(CaseFiles::Table).to_owned())
            .await
    }
}
