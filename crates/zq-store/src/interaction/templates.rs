//! A site's common replies (常用答复): kept per tenant, for one kind of case or every kind,
//! created, changed and removed by its admin with an audit row each. Nothing public shows
//! them, so no cache is touched.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};
use zq_domain::TenantId;
use zq_domain::interaction::CaseKind;

use crate::audit::audit_in;
use crate::entity::reply_template;
use crate::error::parse_stored;
use crate::{Store, StoreError, Who};

/// A common reply of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTemplate {
    pub id: i64,
    /// `None`: offered for every kind of case.
    pub kind: Option<CaseKind>,
    pub title: String,
    pub body: String,
    pub sort_order: i32,
}

/// A common reply as its admin writes it (checked by the services).
#[derive(Debug, Clone)]
pub struct NewReplyTemplate {
    pub kind: Option<CaseKind>,
    pub title: String,
    pub body: String,
    pub sort_order: i32,
}

fn to_template(r: reply_template::Model) -> Result<ReplyTemplate, StoreError> {
    Ok(ReplyTemplate {
        id: r.id,
        kind: r.kind.as_deref().map(parse_stored).transpose()?,
        title: r.title,
        body: r.body,
        sort_order: r.sort_order,
    })
}

impl Store {
    /// `tenant`'s common replies in display order.
    pub async fn reply_templates(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<ReplyTemplate>, StoreError> {
        reply_template::Entity::find()
            .filter(reply_template::Column::TenantId.eq(tenant.0))
            .order_by_asc(reply_template::Column::SortOrder)
            .order_by_asc(reply_template::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_template)
            .collect()
    }

    /// Creates a common reply of `tenant`, or changes its reply `id`.
    pub async fn save_reply_template(
        &self,
        tenant: TenantId,
        id: Option<i64>,
        new: NewReplyTemplate,
        who: &Who,
    ) -> Result<ReplyTemplate, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let mut m = match id {
            Some(id) => reply_template::Entity::find_by_id(id)
                .filter(reply_template::Column::TenantId.eq(tenant.0))
                .one(&txn)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("reply template {id}")))?
                .into(),
            None => reply_template::ActiveModel {
                tenant_id: Set(tenant.0),
                ..Default::default()
            },
        };
        m.kind = Set(new.kind.map(|k| k.as_str().to_owned()));
        m.title = Set(new.title);
        m.body = Set(new.body);
        m.sort_order = Set(new.sort_order);
        m.updated_at = Set(now);
        let row = match id {
            Some(_) => m.update(&txn).await?,
            None => m.insert(&txn).await?,
        };
        let action = if id.is_some() {
            "reply_template.update"
        } else {
            "reply_template.create"
        };
        audit_in(
            &txn,
            who.entry(Some(tenant), format!("reply_template:{}", row.id), action),
            now,
        )
        .await?;
        txn.commit().await?;
        to_template(row)
    }

    /// Removes common reply `id` of `tenant`.
    pub async fn delete_reply_template(
        &self,
        tenant: TenantId,
        id: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = reply_template::Entity::find_by_id(id)
            .filter(reply_template::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("reply template {id}")))?;
        row.delete(&txn).await?;
        audit_in(
            &txn,
            who.entry(
                Some(tenant),
                format!("reply_template:{id}"),
                "reply_template.delete",
            ),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
