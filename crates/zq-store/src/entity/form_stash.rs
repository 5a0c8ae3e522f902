//! The text fields of a form sent after its session ended (`crate::form_stash`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_stash")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    /// The account that signed in next in that browser; `None` until then.
    pub user_id: Option<i64>,
    /// The console page the form came from.
    pub page: String,
    /// The fields as JSON: `[["title", "…"], …]`.
    pub fields: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
