//! Bulk import of past cases (the demo's year of letters, site-error reports and disclosure
//! requests), with their own timestamps and histories. Opening and stepping a case one
//! transaction at a time stamps "now" and writes an audit row per step, which is wrong for
//! history and too slow for a year of it; this import writes every case and step in one
//! transaction, audited once (`case.import`, with a fingerprint of every submission key), with
//! one event carrying the raised generations of the owning sites.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use zq_domain::TenantId;
use zq_domain::event::EventKind;
use zq_domain::interaction::{CaseState, DisclosureAnswer};

use super::NewCase;
use super::cases::{actor_label, int};
use crate::audit::{audit_in, content_hash};
use crate::changes::bump;
use crate::entity::{case, case_step};
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

/// One step of a past case.
#[derive(Debug, Clone)]
pub struct HistoricStep {
    pub step: String,
    /// Who took it, as the history shows it (a login, 公众, 系统).
    pub actor: String,
    pub note: Option<String>,
    pub to_tenant: Option<TenantId>,
    pub at: DateTime<Utc>,
}

/// A case of the past as it stands now (its clock already applied by the caller).
#[derive(Debug, Clone)]
pub struct HistoricCase {
    pub new: NewCase,
    pub state: CaseState,
    pub submitted_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply: Option<String>,
    pub reply_unit: Option<String>,
    pub answer: Option<DisclosureAnswer>,
    pub rating: Option<i16>,
    pub extended: bool,
    /// None once answered or while paused.
    pub due_on: Option<NaiveDate>,
    pub steps: Vec<HistoricStep>,
}

impl Store {
    /// Stores `cases` (oldest first) in one transaction; how many.
    pub async fn import_cases(
        &self,
        cases: Vec<HistoricCase>,
        who: &Who,
    ) -> Result<usize, StoreError> {
        if cases.is_empty() {
            return Ok(0);
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let mut owners = BTreeSet::new();
        let mut keys = String::new();
        let n = cases.len();
        for h in cases {
            let c = h.new;
            owners.insert(c.tenant_id.0);
            keys.push_str(&c.submit_key);
            keys.push('\n');
            let updated = h.steps.last().map(|s| s.at).unwrap_or(h.submitted_at);
            let row = case::ActiveModel {
                tenant_id: Set(c.tenant_id.0),
                origin_tenant_id: Set(c.origin_tenant_id.0),
                kind: Set(c.kind.as_str().to_owned()),
                mailbox_id: Set(c.mailbox_id),
                state: Set(h.state.as_str().to_owned()),
                query_code_hash: Set(c.query_code_hash),
                submit_key: Set(c.submit_key),
                subject: Set(c.subject),
                content: Set(c.content),
                category: Set(c.category),
                page_url: Set(c.page_url),
                details: Set(c.details),
                personal: Set(c.personal),
                publish_allowed: Set(c.publish_allowed),
                submitted_at: Set(h.submitted_at),
                clock_started: Set(c.clock.started),
                clock_days: Set(int(c.clock.days)),
                paused_days: Set(int(c.clock.paused_days)),
                paused_since: Set(c.clock.paused_since),
                stopped_on: Set(c.clock.stopped),
                extended: Set(h.extended),
                due_on: Set(h.due_on),
                accepted_at: Set(h.accepted_at),
                reply_draft: Set(h.reply.clone()),
                reply: Set(h.reply),
                reply_unit: Set(h.reply_unit),
                replied_at: Set(h.replied_at),
                answer: Set(h.answer.map(|a| a.as_str().to_owned())),
                rating: Set(h.rating),
                rating_comment: Set(None),
                version: Set(i32::try_from(h.steps.len()).unwrap_or(i32::MAX).max(1)),
                updated_at: Set(updated),
                due_soon_noticed_for: Set(None),
                overdue_noticed_for: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let steps: Vec<case_step::ActiveModel> = h
                .steps
                .into_iter()
                .map(|s| case_step::ActiveModel {
                    case_id: Set(row.id),
                    tenant_id: Set(row.tenant_id),
                    step: Set(s.step),
                    actor_user: Set(None),
                    actor: Set(s.actor),
                    note: Set(s.note),
                    to_tenant: Set(s.to_tenant.map(|t| t.0)),
                    at: Set(s.at),
                    ..Default::default()
                })
                .collect();
            if !steps.is_empty() {
                case_step::Entity::insert_many(steps).exec(&txn).await?;
            }
        }
        let mut entry = who.entry(None, format!("cases:{n}"), "case.import");
        entry.after_hash = Some(content_hash(keys.as_bytes()));
        audit_in(&txn, entry, now).await?;
        let owners: Vec<TenantId> = owners.into_iter().map(TenantId).collect();
        let generations = bump(&txn, &owners, false).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::CaseChanged,
            None,
            format!("cases:{n}"),
            ChangeEvent {
                generations,
                sites_changed: false,
            },
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        tracing::debug!(actor = %actor_label(who), cases = n, "imported past cases");
        Ok(n)
    }
}
