//! The compliance kit of a site's footer (《政府网站发展指引》): its ICP 备案号, its 公安机关备案号,
//! its 党政机关网站标识 (the identifier the registry at conac.cn issued), and, set on the portal
//! for the whole cluster, the superior (provincial) government portal every footer links to.
//! Sites that publish under the portal's registered domain leave the two record numbers empty
//! and show the portal's.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Tenants {
    Table,
    IcpRecord,
    PoliceRecord,
    ConacId,
    SuperiorName,
    SuperiorUrl,
}

const COLUMNS: [(Tenants, u32); 5] = [
    (Tenants::IcpRecord, 64),
    (Tenants::PoliceRecord, 64),
    (Tenants::ConacId, 64),
    (Tenants::SuperiorName, 60),
    (Tenants::SuperiorUrl, 300),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one column at a time.
        for (col, len) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(ColumnDef::new(col).string_len(len).null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (col, _) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
