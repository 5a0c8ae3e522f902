//! Titles for the audit log's object references, so the console shows 信息《…》 instead of
//! `article:2872`: one grouped query per kind of object on the page. With a tenant given (a
//! site's own log) only that tenant's objects are read; the office's log reads any.

use std::collections::HashMap;

use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zq_domain::TenantId;

use crate::entity::{article, consultation, mailbox, site_column, submission, tenant, user};
use crate::{Store, StoreError};

/// The ids of `kind` among `objects` (`kind:{id}`).
fn ids_of(objects: &[String], kind: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = objects
        .iter()
        .filter_map(|o| o.strip_prefix(kind)?.strip_prefix(':')?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl Store {
    /// The title (or name) of each object reference in `objects` that names an article,
    /// column, account, site, reporting item, consultation or mailbox, keyed by the reference.
    pub async fn object_titles(
        &self,
        scope: Option<TenantId>,
        objects: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut out = HashMap::new();
        macro_rules! titles {
            ($kind:literal, $entity:ident, $title:expr, $tenant:expr) => {{
                let ids = ids_of(objects, $kind);
                if !ids.is_empty() {
                    let mut q = $entity::Entity::find()
                        .select_only()
                        .column($entity::Column::Id)
                        .column($title)
                        .filter($entity::Column::Id.is_in(ids));
                    if let (Some(t), Some(col)) = (scope, $tenant) {
                        q = q.filter(col.eq(t.0));
                    }
                    for (id, title) in q.into_tuple::<(i64, String)>().all(&self.db).await? {
                        out.insert(format!("{}:{id}", $kind), title);
                    }
                }
            }};
        }
        titles!(
            "article",
            article,
            article::Column::Title,
            Some(article::Column::TenantId)
        );
        titles!(
            "column",
            site_column,
            site_column::Column::Name,
            Some(site_column::Column::TenantId)
        );
        titles!(
            "consultation",
            consultation,
            consultation::Column::Title,
            Some(consultation::Column::TenantId)
        );
        titles!(
            "mailbox",
            mailbox,
            mailbox::Column::Name,
            Some(mailbox::Column::TenantId)
        );
        // Reporting items belong to both sides: a site's log names those it sent or received.
        let ids = ids_of(objects, "submission");
        if !ids.is_empty() {
            let mut q = submission::Entity::find()
                .select_only()
                .column(submission::Column::Id)
                .column(submission::Column::Title)
                .filter(submission::Column::Id.is_in(ids));
            if let Some(t) = scope {
                q = q.filter(
                    submission::Column::SenderId
                        .eq(t.0)
                        .or(submission::Column::ReceiverId.eq(t.0)),
                );
            }
            for (id, title) in q.into_tuple::<(i64, String)>().all(&self.db).await? {
                out.insert(format!("submission:{id}"), title);
            }
        }
        // Accounts and sites are the cluster's: their names are shown on any log.
        let no_tenant: Option<user::Column> = None;
        titles!("user", user, user::Column::DisplayName, no_tenant);
        let no_tenant: Option<tenant::Column> = None;
        titles!("tenant", tenant, tenant::Column::Name, no_tenant);
        Ok(out)
    }
}
