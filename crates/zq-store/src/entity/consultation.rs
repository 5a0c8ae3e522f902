use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub guests: Option<String>,
    pub questions: Option<String>,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub outcome: Option<String>,
    pub outcome_at: Option<DateTimeUtc>,
    pub article_id: Option<i64>,
    pub attachment_ids: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub shown_phase: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
