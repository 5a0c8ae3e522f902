//! Visit statistics (统计分析): page views per site and hour (`visit_hours`), per page and day
//! (`visit_pages`), per referring host and day (`visit_referrers`), each added to by every
//! node's flush; and each node's HyperLogLog sketch of a site's day (`visit_sketches`, replaced
//! by that node's flush), merged when read for the day's unique visitors. No address is kept.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VisitHours {
    Table,
    TenantId,
    Hour,
    Views,
}

#[derive(DeriveIden)]
enum VisitPages {
    Table,
    TenantId,
    Day,
    Path,
    Views,
}

#[derive(DeriveIden)]
enum VisitReferrers {
    Table,
    TenantId,
    Day,
    Host,
    Views,
}

#[derive(DeriveIden)]
enum VisitSketches {
    Table,
    TenantId,
    Day,
    Node,
    Registers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VisitHours::Table)
                .col(big_integer(VisitHours::TenantId))
                .col(timestamp_with_time_zone(VisitHours::Hour))
                .col(big_integer(VisitHours::Views))
                .primary_key(
                    Index::create()
                        .col(VisitHours::TenantId)
                        .col(VisitHours::Hour),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VisitPages::Table)
                .col(big_integer(VisitPages::TenantId))
                .col(date(VisitPages::Day))
                .col(string_len(VisitPages::Path, 300))
                .col(big_integer(VisitPages::Views))
                .primary_key(
                    Index::create()
                        .col(VisitPages::TenantId)
                        .col(VisitPages::Day)
                        .col(VisitPages::Path),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VisitReferrers::Table)
                .col(big_integer(VisitReferrers::TenantId))
                .col(date(VisitReferrers::Day))
                .col(string_len(VisitReferrers::Host, 200))
                .col(big_integer(VisitReferrers::Views))
                .primary_key(
                    Index::create()
                        .col(VisitReferrers::TenantId)
                        .col(VisitReferrers::Day)
                        .col(VisitReferrers::Host),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VisitSketches::Table)
                .col(big_integer(VisitSketches::TenantId))
                .col(date(VisitSketches::Day))
                .col(string_len(VisitSketches::Node, 64))
                .col(blob(VisitSketches::Registers))
                .primary_key(
                    Index::create()
                        .col(VisitSketches::TenantId)
                        .col(VisitSketches::Day)
                        .col(VisitSketches::Node),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            VisitHours::Table.into_iden(),
            VisitPages::Table.into_iden(),
            VisitReferrers::Table.into_iden(),
            VisitSketches::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
