//! A site's own time limits for its cases (办理时限): a unit may promise faster answers than
//! the cluster's `[interaction]` rules, never slower ones. One row per tenant that has its
//! own, the rules as JSON (`zq_domain::interaction::ClockRules`); none: the cluster's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TenantClockRules {
    Table,
    TenantId,
    Rules,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenantClockRules::Table)
                .if_not_exists()
                .col(big_integer(TenantClockRules::TenantId).primary_key())
                .col(text(TenantClockRules::Rules))
                .col(timestamp_with_time_zone(TenantClockRules::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantClockRules::Table, TenantClockRules::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenantClockRules::Table).to_owned())
            .await
    }
}
