//! The public's entries on a consultation: comments on a solicitation and questions to an
//! interview. They arrive pending (the same form post twice is one entry), are approved or
//! rejected by a moderator, and interview questions are answered by the guests; an
//! unanswered question is linked to the case it became.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zq_domain::TenantId;
use zq_domain::consult::{ConsultKind, EntryState};

use super::{ConsultCounts, Consultation, Entry, EntryDecision, NewEntry};
use crate::audit::audit_in;
use crate::entity::{consult_entry, consult_response, consultation};
use crate::error::parse_stored;
use crate::{Store, StoreError, Who};

fn to_entry(r: consult_entry::Model) -> Result<Entry, StoreError> {
    Ok(Entry {
        id: r.id,
        consultation_id: r.consultation_id,
        tenant_id: TenantId(r.tenant_id),
        state: parse_stored(&r.state)?,
        nickname: r.nickname,
        content: r.content,
        answer: r.answer,
        answered_by: r.answered_by,
        answered_at: r.answered_at,
        submit_key: r.submit_key,
        submitted_at: r.submitted_at,
        moderated_at: r.moderated_at,
        case_id: r.case_id,
    })
}

impl Store {
    /// Takes an entry on `c` from the public form; `(entry, false)` when the same submission
    /// was taken before.
    pub async fn add_entry(
        &self,
        c: &Consultation,
        new: NewEntry,
        who: &Who,
    ) -> Result<(Entry, bool), StoreError> {
        let find = || {
            consult_entry::Entity::find()
                .filter(consult_entry::Column::SubmitKey.eq(&new.submit_key))
        };
        if let Some(existing) = find().one(&self.db).await? {
            return Ok((to_entry(existing)?, false));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = consult_entry::ActiveModel {
            consultation_id: Set(c.id),
            tenant_id: Set(c.tenant_id.0),
            state: Set(EntryState::Pending.as_str().to_owned()),
            nickname: Set(new.nickname.clone()),
            content: Set(new.content.clone()),
            submit_key: Set(new.submit_key.clone()),
            submitted_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                drop(txn);
                if let Some(existing) = find().one(&self.db).await? {
                    return Ok((to_entry(existing)?, false));
                }
                return Err(e.into());
            }
        };
        let object = format!("consultation:{}", c.id);
        audit_in(
            &txn,
            who.entry(
                Some(c.tenant_id),
                format!("consult_entry:{}", row.id),
                "consult_entry.submit",
            ),
            now,
        )
        .await?;
        let event = super::changed(&txn, now, c.tenant_id, object, false).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok((to_entry(row)?, true))
    }

    /// The entries on consultation `id` of `tenant` in the given states (all: empty), oldest
    /// first.
    pub async fn entries(
        &self,
        tenant: TenantId,
        id: i64,
        states: &[EntryState],
    ) -> Result<Vec<Entry>, StoreError> {
        let mut q = consult_entry::Entity::find()
            .filter(consult_entry::Column::TenantId.eq(tenant.0))
            .filter(consult_entry::Column::ConsultationId.eq(id))
            .order_by_asc(consult_entry::Column::Id);
        if !states.is_empty() {
            q = q.filter(consult_entry::Column::State.is_in(states.iter().map(|s| s.as_str())));
        }
        q.all(&self.db).await?.into_iter().map(to_entry).collect()
    }

    /// Counts for a list of consultations: responses, pending and public entries.
    pub async fn consult_counts(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> Result<ConsultCounts, StoreError> {
        let responses = consult_response::Entity::find()
            .filter(consult_response::Column::TenantId.eq(tenant.0))
            .filter(consult_response::Column::ConsultationId.eq(id))
            .count(&self.db)
            .await?;
        let entries = self.entries(tenant, id, &[]).await?;
        Ok(ConsultCounts {
            responses,
            pending: entries
                .iter()
                .filter(|e| e.state == EntryState::Pending)
                .count() as u64,
            public: entries.iter().filter(|e| e.state.is_public()).count() as u64,
        })
    }

    /// A moderator's decision (or a guest's answer) on entry `entry` of consultation `id`.
    pub async fn decide_entry(
        &self,
        tenant: TenantId,
        id: i64,
        entry: i64,
        decision: EntryDecision,
        who: &Who,
    ) -> Result<Entry, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = consult_entry::Entity::find_by_id(entry)
            .filter(consult_entry::Column::TenantId.eq(tenant.0))
            .filter(consult_entry::Column::ConsultationId.eq(id))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entry {entry}")))?;
        let from: EntryState = parse_stored(&row.state)?;
        if !from.may_become(decision.to) {
            return Err(StoreError::Conflict(format!(
                "该条目当前为“{}”，不能改为“{}”",
                from.label(),
                decision.to.label()
            )));
        }
        let mut m: consult_entry::ActiveModel = row.into();
        m.state = Set(decision.to.as_str().to_owned());
        m.moderated_at = Set(Some(now));
        if let Some((answer, by)) = decision.answer {
            m.answer = Set(Some(answer));
            m.answered_by = Set(Some(by));
            m.answered_at = Set(Some(now));
        }
        let row = m.update(&txn).await?;
        audit_in(
            &txn,
            who.entry(
                Some(tenant),
                format!("consult_entry:{entry}"),
                &format!("consult_entry.{}", decision.to.as_str()),
            ),
            now,
        )
        .await?;
        let event = super::changed(
            &txn,
            now,
            tenant,
            format!("consultation:{id}"),
            from.is_public() || decision.to.is_public(),
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_entry(row)
    }

    /// Records that entry `entry` of `tenant` became case `case` (an unanswered interview
    /// question), with `who`'s audit row.
    pub async fn link_entry_case(
        &self,
        tenant: TenantId,
        entry: i64,
        case: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = consult_entry::Entity::find_by_id(entry)
            .filter(consult_entry::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entry {entry}")))?;
        let mut m: consult_entry::ActiveModel = row.into();
        m.case_id = Set(Some(case));
        m.update(&txn).await?;
        audit_in(
            &txn,
            who.entry(
                Some(tenant),
                format!("consult_entry:{entry}"),
                "consult_entry.case",
            ),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Interviews, of every tenant, that have ended (by time or by hand) and still hold
    /// questions nobody answered that are not yet cases: the case-clock job's sweep.
    pub async fn interviews_with_leftovers(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Consultation>, StoreError> {
        let ids: Vec<i64> = consult_entry::Entity::find()
            .select_only()
            .column(consult_entry::Column::ConsultationId)
            .distinct()
            .filter(consult_entry::Column::CaseId.is_null())
            .filter(
                consult_entry::Column::State
                    .is_in([EntryState::Pending.as_str(), EntryState::Approved.as_str()]),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = consultation::Entity::find()
            .filter(consultation::Column::Id.is_in(ids))
            .filter(consultation::Column::Kind.eq(ConsultKind::Interview.as_str()))
            .filter(consultation::Column::PublishedAt.is_not_null())
            .filter(
                sea_orm::Condition::any()
                    .add(consultation::Column::EndedAt.is_not_null())
                    .add(consultation::Column::ClosesAt.lte(now)),
            )
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(super::consultations::to_consultation)
            .collect()
    }
}
