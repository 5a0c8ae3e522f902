//! Cross-tenant reporting: channels from a set of sending tenants to a receiving tenant and the
//! columns that take their items; submissions with their state, decision and the article an
//! adoption created. A sender's client key is unique, so a double submit creates one item.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
    Name,
    ReceiverId,
    SenderKind,
    SenderParentId,
    AutoAdopt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChannelColumns {
    Table,
    ChannelId,
    ColumnId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    ChannelId,
    SenderId,
    ReceiverId,
    ClientKey,
    Title,
    Source,
    Body,
    OriginalArticleId,
    SuggestedColumnId,
    Note,
    State,
    DecisionComment,
    AdoptedArticleId,
    SubmittedBy,
    DecidedBy,
    SubmittedAt,
    DecidedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Columns {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Channels::Table)
                .col(big_pk_auto(Channels::Id))
                .col(string(Channels::Name))
                .col(big_integer(Channels::ReceiverId))
                .col(string_len(Channels::SenderKind, 16))
                .col(big_integer_null(Channels::SenderParentId))
                .col(boolean(Channels::AutoAdopt))
                .col(timestamp_with_time_zone(Channels::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Channels::Table, Channels::ReceiverId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChannelColumns::Table)
                .col(big_integer(ChannelColumns::ChannelId))
                .col(big_integer(ChannelColumns::ColumnId))
                .primary_key(
                    Index::create()
                        .col(ChannelColumns::ChannelId)
                        .col(ChannelColumns::ColumnId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChannelColumns::Table, ChannelColumns::ChannelId)
                        .to(Channels::Table, Channels::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ChannelColumns::Table, ChannelColumns::ColumnId)
                        .to(Columns::Table, Columns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Submissions::Table)
                .col(big_pk_auto(Submissions::Id))
                .col(big_integer(Submissions::ChannelId))
                .col(big_integer(Submissions::SenderId))
                .col(big_integer(Submissions::ReceiverId))
                .col(string_len(Submissions::ClientKey, 64))
                .col(string(Submissions::Title))
                .col(string_null(Submissions::Source))
                .col(text(Submissions::Body))
                .col(big_integer_null(Submissions::OriginalArticleId))
                .col(big_integer_null(Submissions::SuggestedColumnId))
                .col(text_null(Submissions::Note))
                .col(string_len(Submissions::State, 16))
                .col(text_null(Submissions::DecisionComment))
                .col(big_integer_null(Submissions::AdoptedArticleId))
                .col(big_integer_null(Submissions::SubmittedBy))
                .col(big_integer_null(Submissions::DecidedBy))
                .col(timestamp_with_time_zone(Submissions::SubmittedAt))
                .col(timestamp_with_time_zone_null(Submissions::DecidedAt))
                .col(timestamp_with_time_zone(Submissions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Submissions::Table, Submissions::ChannelId)
                        .to(Channels::Table, Channels::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Submissions::Table, Submissions::SenderId)
                        .to(Tenants::Table, Tenants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Submissions::Table, Submissions::ReceiverId)
                        .to(Tenants::Table, Tenants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("submissions_sender_key")
                .table(Submissions::Table)
                .col(Submissions::SenderId)
                .col(Submissions::ClientKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("submissions_receiver_state")
                .table(Submissions::Table)
                .col(Submissions::ReceiverId)
                .col(Submissions::State)
                .col(Submissions::SubmittedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("submissions_submitted_at")
                .table(Submissions::Table)
                .col(Submissions::SubmittedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Submissions::Table.into_iden(),
            ChannelColumns::Table.into_iden(),
            Channels::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
