//! Each site's standing in the inspection, one row a day (the last reading of the day wins),
//! for the weekly trend on the scorecard and the site's 网站检查 page.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InspectionDays {
    Table,
    Id,
    TenantId,
    Day,
    Points,
    Vetoes,
    Warnings,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(InspectionDays::Table)
                .col(big_pk_auto(InspectionDays::Id))
                .col(big_integer(InspectionDays::TenantId))
                .col(date(InspectionDays::Day))
                .col(integer(InspectionDays::Points))
                .col(integer(InspectionDays::Vetoes))
                .col(integer(InspectionDays::Warnings))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("inspection_days_tenant_day")
                .table(InspectionDays::Table)
                .col(InspectionDays::TenantId)
                .col(InspectionDays::Day)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InspectionDays::Table).to_owned())
            .await
    }
}
