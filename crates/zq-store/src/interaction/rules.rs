//! A site's own time limits (办理时限): one row of rules as JSON per tenant that has its own;
//! without one the cluster's `[interaction]` rules apply. The services check them against
//! the cluster's before they arrive here; this file stores and reads them, audited.

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use zq_domain::TenantId;
use zq_domain::event::EventKind;
use zq_domain::interaction::ClockRules;

use crate::audit::{audit_in, content_hash};
use crate::entity::tenant_clock_rule;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

impl Store {
    /// The tenant's own rules, if it has set any.
    pub async fn tenant_clock_rules(
        &self,
        tenant: TenantId,
    ) -> Result<Option<ClockRules>, StoreError> {
        let Some(row) = tenant_clock_rule::Entity::find_by_id(tenant.0)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        serde_json::from_str(&row.rules)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("clock rules of tenant {}: {e}", tenant.0)))
    }

    /// Sets (`Some`) or clears (`None`: the cluster's apply again) the tenant's own rules,
    /// with `who`'s audit row and the event.
    pub async fn set_tenant_clock_rules(
        &self,
        tenant: TenantId,
        rules: Option<ClockRules>,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        tenant_clock_rule::Entity::delete_by_id(tenant.0)
            .exec(&txn)
            .await?;
        let mut entry = who.entry(
            Some(tenant),
            format!("tenant:{}", tenant.0),
            "clock_rules.reset",
        );
        if let Some(r) = rules {
            let json = serde_json::to_string(&r).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            entry = who.entry(
                Some(tenant),
                format!("tenant:{}", tenant.0),
                "clock_rules.set",
            );
            entry.after_hash = Some(content_hash(json.as_bytes()));
            tenant_clock_rule::ActiveModel {
                tenant_id: Set(tenant.0),
                rules: Set(json),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        audit_in(&txn, entry, now).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::TenantChanged,
            Some(tenant),
            format!("tenant:{}:clock_rules", tenant.0),
            ChangeEvent::default(),
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(())
    }
}
