use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "broadcasts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub title: String,
    pub body: String,
    /// JSON list of tenant ids; `[]` for every site.
    pub sites: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub cancelled: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
