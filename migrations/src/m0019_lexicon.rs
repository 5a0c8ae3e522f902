//! The cluster's lexicon of serious errors (严重表述错误 / 错敏词), kept by the office: wrong
//! wordings with their right form, forbidden terms, leaders with their current titles; and
//! what the last scan of published content found (`lexicon_findings`, replaced whole by each
//! scan), which the inspection's serious-errors indicator reads per site; and each reviewer's
//! override of a hit (`lexicon_overrides`: who let which version of an article through, and
//! why).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LexiconTerms {
    Table,
    Id,
    Kind,
    Text,
    RightText,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LexiconFindings {
    Table,
    Id,
    TenantId,
    ArticleId,
    TermId,
    Found,
    Message,
    Context,
    FoundAt,
}

#[derive(DeriveIden)]
enum LexiconOverrides {
    Table,
    Id,
    TenantId,
    ArticleId,
    Version,
    Reason,
    Hits,
    Actor,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LexiconTerms::Table)
                .col(big_pk_auto(LexiconTerms::Id))
                .col(string_len(LexiconTerms::Kind, 16))
                .col(string_len(LexiconTerms::Text, 64))
                .col(string_len_null(LexiconTerms::RightText, 64))
                .col(timestamp_with_time_zone(LexiconTerms::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lexicon_terms_text")
                .table(LexiconTerms::Table)
                .col(LexiconTerms::Kind)
                .col(LexiconTerms::Text)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LexiconFindings::Table)
                .col(big_pk_auto(LexiconFindings::Id))
                .col(big_integer(LexiconFindings::TenantId))
                .col(big_integer(LexiconFindings::ArticleId))
                .col(big_integer(LexiconFindings::TermId))
                .col(string_len(LexiconFindings::Found, 64))
                .col(string_len(LexiconFindings::Message, 200))
                .col(string_len(LexiconFindings::Context, 200))
                .col(timestamp_with_time_zone(LexiconFindings::FoundAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lexicon_findings_tenant")
                .table(LexiconFindings::Table)
                .col(LexiconFindings::TenantId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LexiconOverrides::Table)
                .col(big_pk_auto(LexiconOverrides::Id))
                .col(big_integer(LexiconOverrides::TenantId))
                .col(big_integer(LexiconOverrides::ArticleId))
                .col(integer(LexiconOverrides::Version))
                .col(text(LexiconOverrides::Reason))
                .col(text(LexiconOverrides::Hits))
                .col(string_len(LexiconOverrides::Actor, 100))
                .col(timestamp_with_time_zone(LexiconOverrides::At))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LexiconOverrides::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LexiconFindings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LexiconTerms::Table).to_owned())
            .await
    }
}
