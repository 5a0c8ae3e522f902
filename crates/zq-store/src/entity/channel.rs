use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "channels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub receiver_id: i64,
    pub sender_kind: String,
    pub sender_parent_id: Option<i64>,
    pub auto_adopt: bool,
    pub created_at: DateTimeUtc,
    pub feed_url: Option<String>,
    pub feed_sender_id: Option<i64>,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
