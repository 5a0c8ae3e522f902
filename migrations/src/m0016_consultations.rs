//! Public participation (征集调查, 在线访谈): the consultations a site puts before the public for
//! a period (a solicitation's draft document, a survey's questions as JSON, an interview's
//! guests), the public's entries on them (comments on a solicitation, questions to an
//! interview: moderated, answered by guests, linked to the case an unanswered question became)
//! and survey responses (one per voter: `voter_key` is a hash of the browser's voter cookie,
//! unique per consultation). Entries and responses carry no personal details. `shown_phase`
//! is the phase the cached pages last showed, so the clock job can drop them when a period
//! opens or closes by itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    TenantId,
    Kind,
    Title,
    Summary,
    Body,
    Guests,
    Questions,
    OpensAt,
    ClosesAt,
    PublishedAt,
    EndedAt,
    Outcome,
    OutcomeAt,
    ArticleId,
    CreatedAt,
    UpdatedAt,
    Version,
    ShownPhase,
}

#[derive(DeriveIden)]
enum ConsultEntries {
    Table,
    Id,
    ConsultationId,
    TenantId,
    State,
    Nickname,
    Content,
    Answer,
    AnsweredBy,
    AnsweredAt,
    SubmitKey,
    SubmittedAt,
    ModeratedAt,
    CaseId,
}

#[derive(DeriveIden)]
enum ConsultResponses {
    Table,
    Id,
    ConsultationId,
    TenantId,
    VoterKey,
    ClientKey,
    Answers,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Consultations::Table)
                .col(big_pk_auto(Consultations::Id))
                .col(big_integer(Consultations::TenantId))
                .col(string_len(Consultations::Kind, 16))
                .col(string_len(Consultations::Title, 200))
                .col(text_null(Consultations::Summary))
                .col(text(Consultations::Body))
                .col(text_null(Consultations::Guests))
                .col(text_null(Consultations::Questions))
                .col(timestamp_with_time_zone(Consultations::OpensAt))
                .col(timestamp_with_time_zone(Consultations::ClosesAt))
                .col(timestamp_with_time_zone_null(Consultations::PublishedAt))
                .col(timestamp_with_time_zone_null(Consultations::EndedAt))
                .col(text_null(Consultations::Outcome))
                .col(timestamp_with_time_zone_null(Consultations::OutcomeAt))
                .col(big_integer_null(Consultations::ArticleId))
                .col(timestamp_with_time_zone(Consultations::CreatedAt))
                .col(timestamp_with_time_zone(Consultations::UpdatedAt))
                .col(integer(Consultations::Version))
                .col(string_len_null(Consultations::ShownPhase, 16))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultations_tenant_kind")
                .table(Consultations::Table)
                .col(Consultations::TenantId)
                .col(Consultations::Kind)
                .col(Consultations::OpensAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ConsultEntries::Table)
                .col(big_pk_auto(ConsultEntries::Id))
                .col(big_integer(ConsultEntries::ConsultationId))
                .col(big_integer(ConsultEntries::TenantId))
                .col(string_len(ConsultEntries::State, 16))
                .col(string_len(ConsultEntries::Nickname, 40))
                .col(text(ConsultEntries::Content))
                .col(text_null(ConsultEntries::Answer))
                .col(string_len_null(ConsultEntries::AnsweredBy, 100))
                .col(timestamp_with_time_zone_null(ConsultEntries::AnsweredAt))
                .col(string_len(ConsultEntries::SubmitKey, 64))
                .col(timestamp_with_time_zone(ConsultEntries::SubmittedAt))
                .col(timestamp_with_time_zone_null(ConsultEntries::ModeratedAt))
                .col(big_integer_null(ConsultEntries::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consult_entries_submit_key")
                .table(ConsultEntries::Table)
                .col(ConsultEntries::SubmitKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consult_entries_consultation")
                .table(ConsultEntries::Table)
                .col(ConsultEntries::ConsultationId)
                .col(ConsultEntries::State)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ConsultResponses::Table)
                .col(big_pk_auto(ConsultResponses::Id))
                .col(big_integer(ConsultResponses::ConsultationId))
                .col(big_integer(ConsultResponses::TenantId))
                .col(string_len(ConsultResponses::VoterKey, 64))
                .col(string_len(ConsultResponses::ClientKey, 64))
                .col(text(ConsultResponses::Answers))
                .col(timestamp_with_time_zone(ConsultResponses::SubmittedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consult_responses_voter")
                .table(ConsultResponses::Table)
                .col(ConsultResponses::ConsultationId)
                .col(ConsultResponses::VoterKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consult_responses_client")
                .table(ConsultResponses::Table)
                .col(ConsultResponses::ConsultationId)
                .col(ConsultResponses::ClientKey)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ConsultResponses::Table.into_iden(),
            ConsultEntries::Table.into_iden(),
            Consultations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
