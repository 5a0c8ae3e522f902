//! Interaction (互动交流): each tenant's mailboxes, the cases the public opens (letters,
//! site-error reports, disclosure requests, questions left from interviews) with their clock
//! in working days, and every step taken on a case. The writer's personal details are one
//! encrypted column (`personal`, AEAD with a key from configuration); only a hash of the query
//! code is kept, so the code in a citizen's hand is the only way to it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mailboxes {
    Table,
    Id,
    TenantId,
    Slug,
    Name,
    Description,
    SortOrder,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    TenantId,
    OriginTenantId,
    Kind,
    MailboxId,
    State,
    QueryCodeHash,
    SubmitKey,
    Subject,
    Content,
    Category,
    PageUrl,
    Details,
    Personal,
    PublishAllowed,
    SubmittedAt,
    ClockStarted,
    ClockDays,
    PausedDays,
    PausedSince,
    StoppedOn,
    Extended,
    DueOn,
    AcceptedAt,
    ReplyDraft,
    Reply,
    ReplyUnit,
    RepliedAt,
    Answer,
    Rating,
    RatingComment,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseSteps {
    Table,
    Id,
    CaseId,
    TenantId,
    Step,
    ActorUser,
    Actor,
    Note,
    ToTenant,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Mailboxes::Table)
                .col(big_pk_auto(Mailboxes::Id))
                .col(big_integer(Mailboxes::TenantId))
                .col(string_len(Mailboxes::Slug, 40))
                .col(string_len(Mailboxes::Name, 100))
                .col(text_null(Mailboxes::Description))
                .col(integer(Mailboxes::SortOrder))
                .col(boolean(Mailboxes::Active))
                .col(timestamp_with_time_zone(Mailboxes::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("mailboxes_tenant_slug")
                .table(Mailboxes::Table)
                .col(Mailboxes::TenantId)
                .col(Mailboxes::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Cases::Table)
                .col(big_pk_auto(Cases::Id))
                .col(big_integer(Cases::TenantId))
                .col(big_integer(Cases::OriginTenantId))
                .col(string_len(Cases::Kind, 24))
                .col(big_integer_null(Cases::MailboxId))
                .col(string_len(Cases::State, 24))
                .col(string_len(Cases::QueryCodeHash, 64))
                .col(string_len(Cases::SubmitKey, 64))
                .col(string_len(Cases::Subject, 200))
                .col(text(Cases::Content))
                .col(string_len_null(Cases::Category, 24))
                .col(text_null(Cases::PageUrl))
                .col(text_null(Cases::Details))
                .col(text(Cases::Personal))
                .col(boolean(Cases::PublishAllowed))
                .col(timestamp_with_time_zone(Cases::SubmittedAt))
                .col(date(Cases::ClockStarted))
                .col(integer(Cases::ClockDays))
                .col(integer(Cases::PausedDays))
                .col(date_null(Cases::PausedSince))
                .col(date_null(Cases::StoppedOn))
                .col(boolean(Cases::Extended))
                .col(date_null(Cases::DueOn))
                .col(timestamp_with_time_zone_null(Cases::AcceptedAt))
                .col(text_null(Cases::ReplyDraft))
                .col(text_null(Cases::Reply))
                .col(string_len_null(Cases::ReplyUnit, 100))
                .col(timestamp_with_time_zone_null(Cases::RepliedAt))
                .col(string_len_null(Cases::Answer, 24))
                .col(small_integer_null(Cases::Rating))
                .col(text_null(Cases::RatingComment))
                .col(integer(Cases::Version))
                .col(timestamp_with_time_zone(Cases::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            ("cases_query_code", vec![Cases::QueryCodeHash], true),
            ("cases_submit_key", vec![Cases::SubmitKey], true),
            (
                "cases_tenant_state",
                vec![Cases::TenantId, Cases::State],
                false,
            ),
            (
                "cases_tenant_due",
                vec![Cases::TenantId, Cases::DueOn],
                false,
            ),
            (
                "cases_replied",
                vec![Cases::TenantId, Cases::RepliedAt],
                false,
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Cases::Table);
            for c in cols {
                idx.col(c);
            }
            if unique {
                idx.unique();
            }
            m.create_index(idx.to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(CaseSteps::Table)
                .col(big_pk_auto(CaseSteps::Id))
                .col(big_integer(CaseSteps::CaseId))
                .col(big_integer(CaseSteps::TenantId))
                .col(string_len(CaseSteps::Step, 32))
                .col(big_integer_null(CaseSteps::ActorUser))
                .col(string_len(CaseSteps::Actor, 100))
                .col(text_null(CaseSteps::Note))
                .col(big_integer_null(CaseSteps::ToTenant))
                .col(timestamp_with_time_zone(CaseSteps::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_steps_case")
                .table(CaseSteps::Table)
                .col(CaseSteps::CaseId)
                .col(CaseSteps::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CaseSteps::Table.into_iden(),
            Cases::Table.into_iden(),
            Mailboxes::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
