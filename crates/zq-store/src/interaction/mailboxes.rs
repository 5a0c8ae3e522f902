//! Mailboxes: a tenant's letter boxes (区长信箱, 局长信箱…), created and changed by its site
//! admin or the office, listed on the site's interaction page.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::TenantId;
use zq_domain::event::EventKind;

use super::{Mailbox, NewMailbox};
use crate::audit::audit_in;
use crate::changes::bump;
use crate::entity::mailbox;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

fn to_mailbox(r: mailbox::Model) -> Mailbox {
    Mailbox {
        id: r.id,
        tenant_id: TenantId(r.tenant_id),
        slug: r.slug,
        name: r.name,
        description: r.description,
        sort_order: r.sort_order,
        active: r.active,
        notify_email: r.notify_email,
    }
}

fn blank_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A slug: 1–40 lower-case letters, digits and hyphens, not starting with a hyphen.
pub(crate) fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && !s.starts_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Store {
    /// `tenant`'s mailboxes in display order (closed ones included).
    pub async fn mailboxes(&self, tenant: TenantId) -> Result<Vec<Mailbox>, StoreError> {
        Ok(mailbox::Entity::find()
            .filter(mailbox::Column::TenantId.eq(tenant.0))
            .order_by_asc(mailbox::Column::SortOrder)
            .order_by_asc(mailbox::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_mailbox)
            .collect())
    }

    /// One mailbox of `tenant` by its slug.
    pub async fn mailbox(&self, tenant: TenantId, slug: &str) -> Result<Mailbox, StoreError> {
        mailbox::Entity::find()
            .filter(mailbox::Column::TenantId.eq(tenant.0))
            .filter(mailbox::Column::Slug.eq(slug))
            .one(&self.db)
            .await?
            .map(to_mailbox)
            .ok_or_else(|| StoreError::NotFound(format!("mailbox {slug}")))
    }

    /// Creates a mailbox of `tenant`, with `who`'s audit row and the event.
    pub async fn create_mailbox(
        &self,
        tenant: TenantId,
        new: NewMailbox,
        who: &Who,
    ) -> Result<Mailbox, StoreError> {
        let slug = new.slug.trim().to_owned();
        let name = new.name.trim().to_owned();
        if !valid_slug(&slug) {
            return Err(StoreError::NotAllowed(
                "信箱地址须为 1–40 个小写字母、数字或连字符".into(),
            ));
        }
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::NotAllowed("信箱名称须为 1–100 个字".into()));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = mailbox::ActiveModel {
            tenant_id: Set(tenant.0),
            slug: Set(slug.clone()),
            name: Set(name),
            description: Set(new
                .description
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())),
            sort_order: Set(new.sort_order),
            notify_email: Set(blank_none(new.notify_email)),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::error::conflict_as(e, || format!("信箱地址 {slug} 已被使用")))?;
        let object = format!("mailbox:{}", row.id);
        audit_in(
            &txn,
            who.entry(Some(tenant), object.clone(), "mailbox.create"),
            now,
        )
        .await?;
        let generations = bump(&txn, &[tenant], false).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::MailboxChanged,
            Some(tenant),
            object,
            ChangeEvent {
                generations,
                sites_changed: false,
            },
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(to_mailbox(row))
    }

    /// Changes mailbox `id` of `tenant` (name, description, order, open or closed), with
    /// `who`'s audit row and the event; its address stays.
    pub async fn update_mailbox(
        &self,
        tenant: TenantId,
        id: i64,
        change: NewMailbox,
        active: bool,
        who: &Who,
    ) -> Result<Mailbox, StoreError> {
        let name = change.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::NotAllowed("信箱名称须为 1–100 个字".into()));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = mailbox::Entity::find_by_id(id)
            .filter(mailbox::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("mailbox {id}")))?;
        let mut m: mailbox::ActiveModel = row.into();
        m.name = Set(name);
        m.description = Set(change
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()));
        m.sort_order = Set(change.sort_order);
        m.notify_email = Set(blank_none(change.notify_email));
        m.active = Set(active);
        let row = m.update(&txn).await?;
        let object = format!("mailbox:{id}");
        audit_in(
            &txn,
            who.entry(Some(tenant), object.clone(), "mailbox.update"),
            now,
        )
        .await?;
        let generations = bump(&txn, &[tenant], false).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::MailboxChanged,
            Some(tenant),
            object,
            ChangeEvent {
                generations,
                sites_changed: false,
            },
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(to_mailbox(row))
    }
}
