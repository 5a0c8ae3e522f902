//! The integrity check of an article page (issue 15) reads the newest audit row of one object
//! (`article:{id}`): an index on the object keeps that one lookup, not a scan of the log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Object,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("audit_log_object")
                .table(AuditLog::Table)
                .col(AuditLog::Object)
                .col(AuditLog::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("audit_log_object")
                .table(AuditLog::Table)
                .to_owned(),
        )
        .await
    }
}
