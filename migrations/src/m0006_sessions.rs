//! Server-side sign-in sessions (only a hash of each token is stored) and sign-in failure
//! counters per account and per client address.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    Csrf,
    Client,
    CreatedAt,
    LastSeen,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Key,
    Count,
    WindowStart,
    LockedUntil,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::TokenHash, 64).primary_key())
                .col(big_integer(Sessions::UserId))
                .col(string_len(Sessions::Csrf, 64))
                .col(string_null(Sessions::Client))
                .col(big_integer(Sessions::CreatedAt))
                .col(big_integer(Sessions::LastSeen))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(string_len(LoginFailures::Key, 128).primary_key())
                .col(integer(LoginFailures::Count))
                .col(big_integer(LoginFailures::WindowStart))
                .col(big_integer_null(LoginFailures::LockedUntil))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
