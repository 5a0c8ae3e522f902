use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tls_certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    /// JSON list of the DNS names the certificate covers.
    pub names: String,
    pub chain_pem: String,
    pub key_pem: String,
    pub not_before: DateTimeUtc,
    pub not_after: DateTimeUtc,
    /// SHA-256 of the end-entity certificate (DER), hex.
    pub fingerprint: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
