//! Accounts (one per person, across the whole cluster) and their role bindings per tenant.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    DisplayName,
    PasswordHash,
    ClusterRole,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoleBindings {
    Table,
    Id,
    UserId,
    TenantId,
    Role,
    CreatedAt,
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
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_len_uniq(Users::Login, 64))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(string_len_null(Users::ClusterRole, 32))
                .col(boolean(Users::Disabled))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoleBindings::Table)
                .col(big_pk_auto(RoleBindings::Id))
                .col(big_integer(RoleBindings::UserId))
                .col(big_integer(RoleBindings::TenantId))
                .col(string_len(RoleBindings::Role, 32))
                .col(timestamp_with_time_zone(RoleBindings::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleBindings::Table, RoleBindings::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleBindings::Table, RoleBindings::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("role_bindings_unique")
                .table(RoleBindings::Table)
                .col(RoleBindings::UserId)
                .col(RoleBindings::TenantId)
                .col(RoleBindings::Role)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RoleBindings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
