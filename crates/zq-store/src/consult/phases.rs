//! A consultation opens and closes by the clock, with no write to drop the cached pages that
//! say "未开始" or "征集中". Each row keeps the phase the pages last showed (`shown_phase`);
//! every change writes it, and the clock job calls [`Store::refresh_consult_phases`], which
//! finds the published consultations whose phase has moved on since, writes the new one with
//! an audit row by the system and bumps their sites' cache generations, in one transaction.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use zq_domain::TenantId;
use zq_domain::consult::Phase;
use zq_domain::event::EventKind;

use crate::audit::audit_in;
use crate::changes::bump;
use crate::entity::consultation;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

fn phase_of(r: &consultation::Model, now: DateTime<Utc>) -> Phase {
    Phase::at(
        r.published_at.is_some(),
        r.ended_at.is_some(),
        r.opens_at,
        r.closes_at,
        now,
    )
}

/// Writes the phase `r` shows at `now` (inside the change's transaction).
pub(super) async fn mark<C: ConnectionTrait>(
    db: &C,
    r: consultation::Model,
    now: DateTime<Utc>,
) -> Result<consultation::Model, StoreError> {
    let phase = phase_of(&r, now).as_str();
    if r.shown_phase.as_deref() == Some(phase) {
        return Ok(r);
    }
    let mut m: consultation::ActiveModel = r.into();
    m.shown_phase = Set(Some(phase.to_owned()));
    Ok(m.update(db).await?)
}

impl Store {
    /// Notes every published consultation whose phase moved on by the clock and bumps its
    /// site's pages. Returns how many moved.
    pub async fn refresh_consult_phases(&self) -> Result<usize, StoreError> {
        let now = self.now();
        // Closed is final unless a clerk edits the period (which marks it again); recently
        // closed rows are looked at anyway in case the clock moved while they were marked.
        let candidates = consultation::Entity::find()
            .filter(consultation::Column::PublishedAt.is_not_null())
            .filter(
                Condition::any()
                    .add(consultation::Column::ShownPhase.is_null())
                    .add(consultation::Column::ShownPhase.ne(Phase::Closed.as_str()))
                    .add(consultation::Column::ClosesAt.gt(now - Duration::days(1))),
            )
            .all(&self.db)
            .await?;
        let moved: Vec<consultation::Model> = candidates
            .into_iter()
            .filter(|r| r.shown_phase.as_deref() != Some(phase_of(r, now).as_str()))
            .collect();
        if moved.is_empty() {
            return Ok(0);
        }
        let (_guard, txn) = self.begin_audited().await?;
        let mut tenants: Vec<TenantId> = Vec::new();
        let mut events = Vec::new();
        for r in &moved {
            let tenant = TenantId(r.tenant_id);
            let phase = phase_of(r, now);
            mark(&txn, r.clone(), now).await?;
            let object = format!("consultation:{}", r.id);
            let action = format!("consultation.phase_{}", phase.as_str());
            let entry = Who::system().entry(Some(tenant), object.clone(), &action);
            audit_in(&txn, entry, now).await?;
            if !tenants.contains(&tenant) {
                tenants.push(tenant);
            }
            events.push((tenant, object));
        }
        let generations = bump(&txn, &tenants, false).await?;
        let mut recorded = Vec::new();
        for (i, (tenant, object)) in events.into_iter().enumerate() {
            let change = ChangeEvent {
                generations: if i == 0 {
                    generations.clone()
                } else {
                    Vec::new()
                },
                sites_changed: false,
            };
            recorded.push(
                record_in(
                    &txn,
                    now,
                    EventKind::ConsultationChanged,
                    Some(tenant),
                    object,
                    change,
                )
                .await?,
            );
        }
        txn.commit().await?;
        self.committed(recorded).await;
        Ok(moved.len())
    }
}
