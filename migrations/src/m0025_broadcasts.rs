//! The office's cluster-wide broadcasts (`zq_domain::broadcast`): emergency notices (应急公告)
//! and the greyscale mourning mode (全站变灰), each with its start, its end, the sites it shows
//! on (a JSON list of tenant ids; empty for every site) and whether the office ended it early.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Broadcasts {
    Table,
    Id,
    Kind,
    Level,
    Title,
    Body,
    Sites,
    StartsAt,
    EndsAt,
    Cancelled,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Broadcasts::Table)
                .col(big_pk_auto(Broadcasts::Id))
                .col(string_len(Broadcasts::Kind, 16))
                .col(string_len(Broadcasts::Level, 16))
                .col(string_len(Broadcasts::Title, 60))
                .col(text(Broadcasts::Body))
                .col(text(Broadcasts::Sites))
                .col(timestamp_with_time_zone(Broadcasts::StartsAt))
                .col(timestamp_with_time_zone(Broadcasts::EndsAt))
                .col(boolean(Broadcasts::Cancelled))
                .col(timestamp_with_time_zone(Broadcasts::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_broadcasts_ends_at")
                .table(Broadcasts::Table)
                .col(Broadcasts::EndsAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Broadcasts::Table).to_owned())
            .await
    }
}
