//! Availability probes (网站可用性): the leased probe job requests every site's home page and a
//! rotating sample page over the public listener, as a client would, and keeps each result
//! here for the inspection's weekly failure percentage (kept five weeks).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Probes {
    Table,
    Id,
    TenantId,
    At,
    Path,
    Ok,
    Detail,
    Millis,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Probes::Table)
                .col(big_pk_auto(Probes::Id))
                .col(big_integer(Probes::TenantId))
                .col(timestamp_with_time_zone(Probes::At))
                .col(string_len(Probes::Path, 200))
                .col(boolean(Probes::Ok))
                .col(string_len_null(Probes::Detail, 200))
                .col(integer(Probes::Millis))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("probes_tenant_at")
                .table(Probes::Table)
                .col(Probes::TenantId)
                .col(Probes::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Probes::Table).to_owned())
            .await
    }
}
