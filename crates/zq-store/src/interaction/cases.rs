//! Cases: opening one from a public form (once per form submission), reading them scoped by
//! the owning tenant or by the query code's hash, and applying a step: the state, the clock,
//! the reply, the owner (transfer), a step row, the audit row and the event in one
//! transaction, conditional on the version the step was decided on.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use zq_domain::TenantId;
use zq_domain::event::EventKind;
use zq_domain::interaction::{CaseClock, CaseKind, CaseState};

use super::{Case, CaseChange, CaseStep, NewCase};
use crate::audit::audit_in;
use crate::changes::bump;
use crate::entity::{case, case_step};
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{Actor, ChangeEvent, Event, Store, StoreError, Who};

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub state: Option<CaseState>,
    /// Only open cases due on or before this day (overdue and due-soon views).
    pub due_by: Option<NaiveDate>,
    pub mailbox: Option<i64>,
    /// Only cases still waiting for an answer.
    pub open: bool,
}

pub(crate) fn to_case(r: case::Model) -> Result<Case, StoreError> {
    let int = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(Case {
        id: r.id,
        tenant_id: TenantId(r.tenant_id),
        origin_tenant_id: TenantId(r.origin_tenant_id),
        kind: parse_stored(&r.kind)?,
        mailbox_id: r.mailbox_id,
        state: parse_stored(&r.state)?,
        subject: r.subject,
        content: r.content,
        category: r.category,
        page_url: r.page_url,
        details: r.details,
        personal: r.personal,
        submit_key: r.submit_key,
        publish_allowed: r.publish_allowed,
        submitted_at: r.submitted_at,
        clock: CaseClock {
            started: r.clock_started,
            days: int(r.clock_days),
            paused_days: int(r.paused_days),
            paused_since: r.paused_since,
            stopped: r.stopped_on,
        },
        extended: r.extended,
        due_on: r.due_on,
        accepted_at: r.accepted_at,
        reply_draft: r.reply_draft,
        reply: r.reply,
        reply_unit: r.reply_unit,
        replied_at: r.replied_at,
        answer: r.answer.as_deref().map(parse_stored).transpose()?,
        rating: r.rating,
        rating_comment: r.rating_comment,
        version: r.version,
        updated_at: r.updated_at,
        due_soon_noticed_for: r.due_soon_noticed_for,
        overdue_noticed_for: r.overdue_noticed_for,
    })
}

pub(super) fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

pub(crate) fn actor_label(who: &Who) -> String {
    match &who.actor {
        Actor::User(_, login) => login.clone(),
        Actor::Public => "公众".into(),
        Actor::System => "系统".into(),
        Actor::Cli(user) => format!("命令行 {user}"),
    }
}

/// Writes the step row, the audit row and the event of a step on case `id` of `tenant`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record_step(
    txn: &DatabaseTransaction,
    who: &Who,
    tenant: TenantId,
    id: i64,
    step: &str,
    note: Option<String>,
    to_tenant: Option<TenantId>,
    public: bool,
    now: DateTime<Utc>,
) -> Result<Event, StoreError> {
    case_step::ActiveModel {
        case_id: Set(id),
        tenant_id: Set(tenant.0),
        step: Set(step.to_owned()),
        actor_user: Set(who.user_row_id()),
        actor: Set(actor_label(who)),
        note: Set(note),
        to_tenant: Set(to_tenant.map(|t| t.0)),
        at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let object = format!("case:{id}");
    audit_in(
        txn,
        who.entry(Some(tenant), object.clone(), &format!("case.{step}")),
        now,
    )
    .await?;
    // Registry and statistics pages change when a case opens or is answered.
    let generations = if public {
        bump(txn, &[tenant], false).await?
    } else {
        Vec::new()
    };
    record_in(
        txn,
        now,
        EventKind::CaseChanged,
        Some(tenant),
        object,
        ChangeEvent {
            generations,
            sites_changed: false,
        },
    )
    .await
}

impl Store {
    /// Opens a case from a public form; `false` with the existing case when the same form
    /// submission (`submit_key`) arrived before.
    pub async fn open_case(&self, new: NewCase, who: &Who) -> Result<(Case, bool), StoreError> {
        if let Some(existing) = case::Entity::find()
            .filter(case::Column::SubmitKey.eq(&new.submit_key))
            .one(&self.db)
            .await?
        {
            return Ok((to_case(existing)?, false));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = case::ActiveModel {
            tenant_id: Set(new.tenant_id.0),
            origin_tenant_id: Set(new.origin_tenant_id.0),
            kind: Set(new.kind.as_str().to_owned()),
            mailbox_id: Set(new.mailbox_id),
            state: Set(CaseState::Submitted.as_str().to_owned()),
            query_code_hash: Set(new.query_code_hash),
            submit_key: Set(new.submit_key.clone()),
            subject: Set(new.subject),
            content: Set(new.content),
            category: Set(new.category),
            page_url: Set(new.page_url),
            details: Set(new.details),
            personal: Set(new.personal),
            publish_allowed: Set(new.publish_allowed),
            submitted_at: Set(now),
            clock_started: Set(new.clock.started),
            clock_days: Set(int(new.clock.days)),
            paused_days: Set(0),
            paused_since: Set(None),
            stopped_on: Set(None),
            extended: Set(false),
            due_on: Set(Some(new.due_on)),
            version: Set(1),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                drop(txn);
                // The same submission won a race with this one: answer with that case.
                if let Some(existing) = case::Entity::find()
                    .filter(case::Column::SubmitKey.eq(&new.submit_key))
                    .one(&self.db)
                    .await?
                {
                    return Ok((to_case(existing)?, false));
                }
                return Err(e.into());
            }
        };
        super::files::insert_files(&txn, row.id, new.files, now).await?;
        let event = record_step(
            &txn,
            who,
            new.tenant_id,
            row.id,
            "submit",
            None,
            None,
            true,
            now,
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok((to_case(row)?, true))
    }

    /// A case of `tenant` (the current owner).
    pub async fn case(&self, tenant: TenantId, id: i64) -> Result<Case, StoreError> {
        let row = case::Entity::find_by_id(id)
            .filter(case::Column::TenantId.eq(tenant.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        to_case(row)
    }

    /// The case a query code opens (by the code's hash), if any.
    pub async fn case_by_code(&self, code_hash: &str) -> Result<Option<Case>, StoreError> {
        case::Entity::find()
            .filter(case::Column::QueryCodeHash.eq(code_hash))
            .one(&self.db)
            .await?
            .map(to_case)
            .transpose()
    }

    /// A page of `tenant`'s cases, newest first, and how many match.
    pub async fn cases(
        &self,
        tenant: TenantId,
        filter: &CaseFilter,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<Case>, u64), StoreError> {
        let mut q = case::Entity::find().filter(case::Column::TenantId.eq(tenant.0));
        if let Some(k) = filter.kind {
            q = q.filter(case::Column::Kind.eq(k.as_str()));
        }
        if let Some(s) = filter.state {
            q = q.filter(case::Column::State.eq(s.as_str()));
        }
        if let Some(m) = filter.mailbox {
            q = q.filter(case::Column::MailboxId.eq(m));
        }
        if filter.open {
            q = q.filter(
                case::Column::State.is_in(
                    CaseState::ALL
                        .iter()
                        .filter(|s| s.is_open())
                        .map(|s| s.as_str()),
                ),
            );
        }
        if let Some(d) = filter.due_by {
            q = q.filter(case::Column::DueOn.lte(d)).filter(
                case::Column::State.is_in(
                    CaseState::ALL
                        .iter()
                        .filter(|s| s.is_open())
                        .map(|s| s.as_str()),
                ),
            );
        }
        let ordered = if filter.due_by.is_some() {
            q.order_by_asc(case::Column::DueOn)
        } else {
            q.order_by_desc(case::Column::Id)
        };
        self.case_page(ordered, limit, offset).await
    }

    /// One page of an ordered query of cases, and how many there are in all.
    async fn case_page(
        &self,
        q: sea_orm::Select<case::Entity>,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<Case>, u64), StoreError> {
        let total = q.clone().count(&self.db).await?;
        let rows = q.limit(limit).offset(offset).all(&self.db).await?;
        Ok((
            rows.into_iter().map(to_case).collect::<Result<_, _>>()?,
            total,
        ))
    }

    /// The history of a case the caller already holds (e.g. by its query code).
    pub async fn steps_of(&self, id: i64) -> Result<Vec<CaseStep>, StoreError> {
        Ok(case_step::Entity::find()
            .filter(case_step::Column::CaseId.eq(id))
            .order_by_asc(case_step::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| CaseStep {
                id: s.id,
                step: s.step,
                actor: s.actor,
                note: s.note,
                to_tenant: s.to_tenant.map(TenantId),
                at: s.at,
            })
            .collect())
    }

    /// Applies `change` (already checked against the state machine by the caller) to case
    /// `id` of `tenant`, if it is still at `change.version` and in `from`.
    pub async fn case_step(
        &self,
        tenant: TenantId,
        id: i64,
        from: CaseState,
        next: CaseState,
        change: CaseChange,
        who: &Who,
    ) -> Result<Case, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = case::Entity::find_by_id(id)
            .filter(case::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        let version = change.version.unwrap_or(row.version);
        let mut update = case::Entity::update_many()
            .col_expr(case::Column::State, Expr::value(next.as_str()))
            .col_expr(case::Column::Version, Expr::value(row.version + 1))
            .col_expr(case::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                case::Column::ClockStarted,
                Expr::value(change.clock.started),
            )
            .col_expr(case::Column::ClockDays, Expr::value(int(change.clock.days)))
            .col_expr(
                case::Column::PausedDays,
                Expr::value(int(change.clock.paused_days)),
            )
            .col_expr(
                case::Column::PausedSince,
                Expr::value(change.clock.paused_since),
            )
            .col_expr(case::Column::StoppedOn, Expr::value(change.clock.stopped))
            .col_expr(case::Column::DueOn, Expr::value(change.due_on));
        use zq_domain::interaction::CaseEvent as E;
        match &change.event {
            E::Accept => {
                update = update.col_expr(case::Column::AcceptedAt, Expr::value(now));
            }
            E::Transfer => {
                let to = change
                    .transfer_to
                    .ok_or_else(|| StoreError::NotAllowed("转办需要指定承办单位".into()))?;
                update = update.col_expr(case::Column::TenantId, Expr::value(to.0));
            }
            E::DraftReply => {
                update = update
                    .col_expr(
                        case::Column::ReplyDraft,
                        Expr::value(change.reply_draft.clone()),
                    )
                    .col_expr(
                        case::Column::Answer,
                        Expr::value(change.answer.map(|a| a.as_str())),
                    );
            }
            E::ApproveReply => {
                update = update
                    .col_expr(case::Column::Reply, Expr::col(case::Column::ReplyDraft))
                    .col_expr(
                        case::Column::ReplyUnit,
                        Expr::value(change.reply_unit.clone()),
                    )
                    .col_expr(case::Column::RepliedAt, Expr::value(now));
            }
            E::Refuse { reason } => {
                update = update
                    .col_expr(case::Column::Reply, Expr::value(reason.trim()))
                    .col_expr(
                        case::Column::ReplyUnit,
                        Expr::value(change.reply_unit.clone()),
                    )
                    .col_expr(case::Column::RepliedAt, Expr::value(now));
            }
            E::Extend { .. } => {
                update = update.col_expr(case::Column::Extended, Expr::value(true));
            }
            E::Reopen { .. } => {
                update = update
                    .col_expr(case::Column::Reply, Expr::value(Option::<String>::None))
                    .col_expr(
                        case::Column::RepliedAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(case::Column::Rating, Expr::value(Option::<i16>::None));
            }
            _ => {}
        }
        let res = update
            .filter(case::Column::Id.eq(id))
            .filter(case::Column::Version.eq(version))
            .filter(case::Column::State.eq(from.as_str()))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::Conflict(
                "这件事项刚被他人处理过，请刷新后再操作".into(),
            ));
        }
        let public = matches!(next, CaseState::Replied | CaseState::NotAccepted)
            || matches!(change.event, E::Reopen { .. } | E::Close);
        let mut events = vec![
            record_step(
                &txn,
                who,
                tenant,
                id,
                change.event.name(),
                change.note,
                change.transfer_to,
                public,
                now,
            )
            .await?,
        ];
        if let Some(to) = change.transfer_to {
            // The receiving unit's inbox changes too.
            events.push(
                record_in(
                    &txn,
                    now,
                    EventKind::CaseChanged,
                    Some(to),
                    format!("case:{id}"),
                    ChangeEvent::default(),
                )
                .await?,
            );
        }
        let out = case::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        txn.commit().await?;
        self.committed(events).await;
        to_case(out)
    }

    /// The writer's rating of a replied case (1–5), once: the case is closed with it.
    pub async fn rate_case(
        &self,
        id: i64,
        rating: i16,
        comment: Option<String>,
        who: &Who,
    ) -> Result<Case, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = case::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        let res = case::Entity::update_many()
            .col_expr(case::Column::State, Expr::value(CaseState::Closed.as_str()))
            .col_expr(case::Column::Rating, Expr::value(rating))
            .col_expr(case::Column::RatingComment, Expr::value(comment.clone()))
            .col_expr(case::Column::Version, Expr::value(row.version + 1))
            .col_expr(case::Column::UpdatedAt, Expr::value(now))
            .filter(case::Column::Id.eq(id))
            .filter(case::Column::Rating.is_null())
            .filter(case::Column::State.eq(CaseState::Replied.as_str()))
            .filter(case::Column::Version.eq(row.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::Conflict(
                "这件事项已经评价过，或尚未答复，不能评价".into(),
            ));
        }
        let tenant = TenantId(row.tenant_id);
        let note = Some(format!("{rating} 分"));
        let event = record_step(&txn, who, tenant, id, "rate", note, None, true, now).await?;
        let out = case::Entity::find_by_id(id).one(&txn).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_case(out.ok_or_else(|| StoreError::NotFound(format!("case {id}")))?)
    }

    /// Records that `who` saw a case's personal details in full (the audited reveal).
    pub async fn record_reveal(
        &self,
        tenant: TenantId,
        id: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        case::Entity::find_by_id(id)
            .filter(case::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        let event = record_step(&txn, who, tenant, id, "reveal", None, None, false, now).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(())
    }

    /// Replied cases written to `tenant` or answered by it that the writers allowed to
    /// publish, newest reply first.
    pub async fn published_cases(
        &self,
        tenant: TenantId,
        kind: CaseKind,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<Case>, u64), StoreError> {
        let ordered = published(tenant)
            .filter(case::Column::Kind.eq(kind.as_str()))
            .order_by_desc(case::Column::RepliedAt)
            .order_by_desc(case::Column::Id);
        self.case_page(ordered, limit, offset).await
    }

    /// One published case of `tenant` (as [`Store::published_cases`] lists it).
    pub async fn published_case(&self, tenant: TenantId, id: i64) -> Result<Case, StoreError> {
        let row = published(tenant)
            .filter(case::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        to_case(row)
    }
}

/// Cases written to or answered by `tenant`, replied, that their writers allowed to publish.
fn published(tenant: TenantId) -> sea_orm::Select<case::Entity> {
    case::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(case::Column::TenantId.eq(tenant.0))
                .add(case::Column::OriginTenantId.eq(tenant.0)),
        )
        .filter(case::Column::PublishAllowed.eq(true))
        .filter(
            case::Column::State.is_in([CaseState::Replied.as_str(), CaseState::Closed.as_str()]),
        )
}
