//! The seams under the next capabilities: the durable event outbox (written in the same
//! transaction as the change it describes) with each subscriber's position, the lease rows
//! of the job runner (one run per job and tick across nodes), the cluster's secrets (the key
//! that signs public form tokens, shared by every node), a unit's short name and the columns
//! that aggregate a kind of unit (configuration instead of demo-specific names in code), and
//! the working-day calendar
//! (holidays and adjusted working weekends, editable by the office), filled with the State
//! Council's published schedules that ship with the platform (2025 and 2026).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    At,
    Kind,
    TenantId,
    Object,
    Generations,
    SitesChanged,
}

#[derive(DeriveIden)]
enum EventPositions {
    Table,
    Subscriber,
    Position,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JobLeases {
    Table,
    Name,
    LastTick,
    Holder,
    StartedAt,
    FinishedAt,
    DurationMs,
    LastError,
    Runs,
    Failures,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    ShortName,
}

#[derive(DeriveIden)]
enum Columns {
    Table,
    Aggregates,
}

#[derive(DeriveIden)]
enum Secrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Day,
    Kind,
    Note,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // What used to be guessed from demo-specific Chinese names is configuration: a unit's
        // short name for tags on aggregated lists, and which columns aggregate a kind of unit.
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(string_len_null(Tenants::ShortName, 40))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Columns::Table)
                .add_column(string_len_null(Columns::Aggregates, 16))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_pk_auto(Events::Id))
                .col(timestamp_with_time_zone(Events::At))
                .col(string_len(Events::Kind, 64))
                .col(big_integer_null(Events::TenantId))
                .col(string(Events::Object))
                .col(text(Events::Generations))
                .col(boolean(Events::SitesChanged))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventPositions::Table)
                .col(string_len(EventPositions::Subscriber, 128).primary_key())
                .col(big_integer(EventPositions::Position))
                .col(timestamp_with_time_zone(EventPositions::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(JobLeases::Table)
                .col(string_len(JobLeases::Name, 64).primary_key())
                .col(big_integer(JobLeases::LastTick))
                .col(string_len(JobLeases::Holder, 128))
                .col(timestamp_with_time_zone_null(JobLeases::StartedAt))
                .col(timestamp_with_time_zone_null(JobLeases::FinishedAt))
                .col(big_integer_null(JobLeases::DurationMs))
                .col(text_null(JobLeases::LastError))
                .col(big_integer(JobLeases::Runs))
                .col(big_integer(JobLeases::Failures))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Secrets::Table)
                .col(string_len(Secrets::Name, 64).primary_key())
                .col(string_len(Secrets::Value, 128))
                .col(timestamp_with_time_zone(Secrets::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarDays::Table)
                .col(date(CalendarDays::Day).primary_key())
                .col(string_len(CalendarDays::Kind, 8))
                .col(string_len(CalendarDays::Note, 64))
                .col(timestamp_with_time_zone(CalendarDays::UpdatedAt))
                .to_owned(),
        )
        .await?;
        let days = zq_domain::calendar::published_schedules()
            .map_err(|e| DbErr::Custom(format!("the shipped holiday table: {e}")))?;
        let now = chrono::Utc::now();
        for chunk in days.chunks(100) {
            let mut insert = Query::insert();
            insert.into_table(CalendarDays::Table).columns([
                CalendarDays::Day,
                CalendarDays::Kind,
                CalendarDays::Note,
                CalendarDays::UpdatedAt,
            ]);
            for d in chunk {
                insert.values_panic([
                    d.date.into(),
                    d.kind.as_str().into(),
                    d.note.chars().take(64).collect::<String>().into(),
                    now.into(),
                ]);
            }
            m.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CalendarDays::Table.into_iden(),
            Secrets::Table.into_iden(),
            JobLeases::Table.into_iden(),
            EventPositions::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Columns::Table)
                .drop_column(Columns::Aggregates)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .drop_column(Tenants::ShortName)
                .to_owned(),
        )
        .await
    }
}
