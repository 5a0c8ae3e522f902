use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recycle_bin")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// `article` or `column`.
    pub kind: String,
    pub object_id: i64,
    pub title: String,
    /// The deleted rows as JSON (`recycle::Payload`).
    pub payload: String,
    pub reason: String,
    pub deleted_by: Option<i64>,
    pub deleted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
