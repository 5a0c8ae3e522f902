//! Each site's common replies (常用答复): short texts its handlers insert into a reply draft,
//! for one kind of case or for every kind, in the order the site chose. They are the site's
//! own wording on top of the built-in sentences.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplyTemplates {
    Table,
    Id,
    TenantId,
    Kind,
    Title,
    Body,
    SortOrder,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReplyTemplates::Table)
                .col(big_pk_auto(ReplyTemplates::Id))
                .col(big_integer(ReplyTemplates::TenantId))
                .col(string_len_null(ReplyTemplates::Kind, 32))
                .col(string_len(ReplyTemplates::Title, 100))
                .col(text(ReplyTemplates::Body))
                .col(integer(ReplyTemplates::SortOrder))
                .col(timestamp_with_time_zone(ReplyTemplates::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reply_templates_tenant")
                .table(ReplyTemplates::Table)
                .col(ReplyTemplates::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReplyTemplates::Table).to_owned())
            .await
    }
}
