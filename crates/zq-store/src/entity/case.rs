use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub origin_tenant_id: i64,
    pub kind: String,
    pub mailbox_id: Option<i64>,
    pub state: String,
    pub query_code_hash: String,
    pub submit_key: String,
    pub subject: String,
    pub content: String,
    pub category: Option<String>,
    pub page_url: Option<String>,
    pub details: Option<String>,
    pub personal: String,
    pub publish_allowed: bool,
    pub submitted_at: DateTimeUtc,
    pub clock_started: Date,
    pub clock_days: i32,
    pub paused_days: i32,
    pub paused_since: Option<Date>,
    pub stopped_on: Option<Date>,
    pub extended: bool,
    pub due_on: Option<Date>,
    pub accepted_at: Option<DateTimeUtc>,
    pub reply_draft: Option<String>,
    pub reply: Option<String>,
    pub reply_unit: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    pub answer: Option<String>,
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub due_soon_noticed_for: Option<Date>,
    pub overdue_noticed_for: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
