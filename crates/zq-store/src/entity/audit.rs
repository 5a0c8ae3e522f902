use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub actor_login: String,
    pub tenant_id: Option<i64>,
    pub object: String,
    pub action: String,
    pub client: Option<String>,
    pub before_hash: Option<String>,
    pub after_hash: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The reason typed to confirm a grave change.
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
