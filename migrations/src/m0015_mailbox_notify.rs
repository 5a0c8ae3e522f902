//! Where a site's case notifications go: each mailbox may name an email address (its office's
//! shared inbox); new letters to it, letters transferred to the site and reminders go there.
//! Cases without a mailbox (site-error reports, disclosure requests) go to the address of the
//! site's first mailbox that has one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mailboxes {
    Table,
    NotifyEmail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Mailboxes::Table)
                .add_column(
                    ColumnDef::new(Mailboxes::NotifyEmail)
                        .string_len(254)
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Mailboxes::Table)
                .drop_column(Mailboxes::NotifyEmail)
                .to_owned(),
        )
        .await
    }
}
