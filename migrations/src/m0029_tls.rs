//! TLS serving (issue 15): the certificates the office uploads (chain and key in PEM, the
//! names they cover and their end, read from the certificate when stored), and each site's
//! HTTPS-only switch (redirect plain HTTP to HTTPS and send HSTS).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TlsCertificates {
    Table,
    Id,
    Name,
    Names,
    ChainPem,
    KeyPem,
    NotBefore,
    NotAfter,
    Fingerprint,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    HttpsOnly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TlsCertificates::Table)
                .col(big_pk_auto(TlsCertificates::Id))
                .col(string_len_uniq(TlsCertificates::Name, 64))
                .col(text(TlsCertificates::Names))
                .col(text(TlsCertificates::ChainPem))
                .col(text(TlsCertificates::KeyPem))
                .col(timestamp_with_time_zone(TlsCertificates::NotBefore))
                .col(timestamp_with_time_zone(TlsCertificates::NotAfter))
                .col(string_len(TlsCertificates::Fingerprint, 64))
                .col(timestamp_with_time_zone(TlsCertificates::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(
                    ColumnDef::new(Tenants::HttpsOnly)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .drop_column(Tenants::HttpsOnly)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(TlsCertificates::Table).to_owned())
            .await
    }
}
