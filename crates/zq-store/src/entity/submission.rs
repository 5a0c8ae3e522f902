use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub channel_id: i64,
    pub sender_id: i64,
    pub receiver_id: i64,
    pub client_key: String,
    pub title: String,
    pub source: Option<String>,
    pub body: String,
    pub original_article_id: Option<i64>,
    pub suggested_column_id: Option<i64>,
    pub note: Option<String>,
    pub state: String,
    pub decision_comment: Option<String>,
    pub adopted_article_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub submitted_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub external_id: Option<String>,
    pub external_published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
