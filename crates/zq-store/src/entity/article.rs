use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub column_id: i64,
    pub title: String,
    pub subtitle: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub publish_at: Option<DateTimeUtc>,
    pub review_comment: Option<String>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
