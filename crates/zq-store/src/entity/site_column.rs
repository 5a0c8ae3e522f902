use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "columns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub external_url: Option<String>,
    pub update_requirement: String,
    pub responsible_unit: Option<String>,
    pub sort_order: i32,
    pub is_news: bool,
    pub created_at: DateTimeUtc,
    /// A kind of unit whose news this column gathers (`department`, `district`), if any.
    pub aggregates: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
