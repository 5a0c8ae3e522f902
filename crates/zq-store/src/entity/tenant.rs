use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub kind: String,
    pub name: String,
    pub sponsor: String,
    pub site_id: Option<String>,
    pub contact: Option<String>,
    pub status: String,
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub generation: i64,
    pub editors_publish_directly: bool,
    pub theme_color: Option<String>,
    pub logo: Option<String>,
    pub short_name: Option<String>,
    pub icp_record: Option<String>,
    pub police_record: Option<String>,
    pub conac_id: Option<String>,
    pub superior_name: Option<String>,
    pub superior_url: Option<String>,
    pub https_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
