use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub tenant_id: i64,
    pub version: i32,
    pub column_id: i64,
    pub title: String,
    pub subtitle: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub state: String,
    pub saved_by: Option<i64>,
    pub saved_at: DateTimeUtc,
    pub corrected: bool,
    pub minor: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
