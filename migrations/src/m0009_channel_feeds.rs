//! Upstream feeds: a reporting channel may pull an external feed (Atom or JSON Feed) whose items
//! arrive as submissions attributed to `feed_sender_id`; each imported submission keeps the
//! feed item's id, unique per channel, so pulling again (or two nodes pulling at once) never
//! imports an item twice.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Channels {
    Table,
    FeedUrl,
    FeedSenderId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    ChannelId,
    ExternalId,
}

const UNIQUE_EXTERNAL: &str = "submissions_channel_external";

async fn add_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    col: ColumnDef,
) -> Result<(), DbErr> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    m.alter_table(Table::alter().table(table).add_column(col).to_owned())
        .await
}

async fn drop_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            m,
            Channels::Table,
            ColumnDef::new(Channels::FeedUrl).text().null().to_owned(),
        )
        .await?;
        // Checked by the store (SQLite cannot add a foreign key to an existing table).
        add_column(
            m,
            Channels::Table,
            ColumnDef::new(Channels::FeedSenderId)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Submissions::Table,
            ColumnDef::new(Submissions::ExternalId)
                .string_len(512)
                .null()
                .to_owned(),
        )
        .await?;
        // NULLs never collide, so submissions sent by people are not affected.
        m.create_index(
            Index::create()
                .name(UNIQUE_EXTERNAL)
                .table(Submissions::Table)
                .col(Submissions::ChannelId)
                .col(Submissions::ExternalId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(UNIQUE_EXTERNAL)
                .table(Submissions::Table)
                .to_owned(),
        )
        .await?;
        drop_column(m, Submissions::Table, Submissions::ExternalId).await?;
        drop_column(m, Channels::Table, Channels::FeedSenderId).await?;
        drop_column(m, Channels::Table, Channels::FeedUrl).await
    }
}
