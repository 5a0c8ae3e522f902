//! Reporting (信息报送) operations: channels, sending items up, the receiving board's inbox
//! and decisions, and the figures per unit. The sending side acts as its own site (editors
//! write and send); the receiving side's editors and reviewers decide, and an adoption is
//! published at once only when the adopter may approve articles there.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use zq_domain::access::{Action, allowed};
use zq_domain::reporting::SubmissionEvent;
use zq_domain::{ColumnId, TenantCode, TenantKind};
use zq_store::{
    Channel, ChannelFeed, Decision, NewChannel, NewSubmission, ReportingError, Submission,
    SubmissionFilter, UnitFigures,
};

pub mod feed;
pub mod trend;

use crate::reporting::feed::{FeedError, PullError, PullReport};
use crate::{Caller, Result, ServiceError, Services, policy, site};

impl From<ReportingError> for ServiceError {
    fn from(e: ReportingError) -> Self {
        match e {
            ReportingError::Fields(f) => ServiceError::Fields(f),
            ReportingError::Flow(f) => ServiceError::Conflict(match f {
                zq_domain::reporting::SubmissionError::CommentRequired => {
                    "退回或不采用时请填写意见".to_owned()
                }
                zq_domain::reporting::SubmissionError::NotAllowed { state, .. } => {
                    format!("报送信息当前为“{}”，不能这样操作", state.label())
                }
            }),
            ReportingError::Store(s) => s.into(),
        }
    }
}

/// Every channel (any signed-in person may see where items can go).
pub async fn channels(svc: &Services) -> Result<Vec<Channel>> {
    Ok(svc.store().channels().await?)
}

/// One channel, by id.
pub async fn channel(svc: &Services, id: i64) -> Result<Channel> {
    svc.store()
        .channel(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("渠道 {id}")))
}

/// A new channel as the office enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelInput {
    pub name: String,
    /// The receiving site's code.
    pub receiver: String,
    /// `department`, `district` or `town`.
    pub sender_kind: String,
    /// Only children of this site may send (e.g. a district's towns).
    #[serde(default)]
    pub sender_parent: Option<String>,
    #[serde(default)]
    pub auto_adopt: bool,
    pub columns: Vec<i64>,
    /// An upstream feed (Atom or JSON Feed, `http://…`) pulled into the channel.
    #[serde(default)]
    pub feed_url: Option<String>,
    /// The code of the site the feed's items are attributed to (required with `feed_url`).
    #[serde(default)]
    pub feed_sender: Option<String>,
}

impl From<PullError> for ServiceError {
    fn from(e: PullError) -> Self {
        match e {
            PullError::NoChannel(id) => ServiceError::NotFound(format!("报送渠道 {id}")),
            PullError::NoFeed(_) => ServiceError::Invalid("该渠道没有设置订阅源地址".into()),
            PullError::Closed(_) => ServiceError::Conflict("渠道已关闭，不再拉取订阅源".into()),
            PullError::Feed(FeedError::TooLarge) => ServiceError::TooLarge(format!(
                "订阅源太大：不能超过 {} MiB",
                crate::reporting::feed::MAX_FEED_BYTES / (1024 * 1024)
            )),
            PullError::Feed(f @ FeedError::Malformed(_)) => {
                ServiceError::Invalid(format!("订阅源格式无效（{f}）"))
            }
            PullError::Feed(FeedError::Private(host)) => ServiceError::Invalid(format!(
                "订阅源地址 {host} 指向内网或保留地址，不予拉取（如确需拉取内网订阅源，请运维人员设置 feeds.allow_private）"
            )),
            PullError::Feed(f) => ServiceError::Invalid(format!("拉取订阅源失败（{f}）")),
            PullError::Import(r) => r.into(),
        }
    }
}

pub async fn create_channel(
    svc: &Services,
    caller: &Caller,
    input: ChannelInput,
) -> Result<Channel> {
    may_manage_channels(caller)?;
    let tenant = |code: &str| {
        let code = code.to_owned();
        async move {
            let c = TenantCode::parse(&code).map_err(|e| ServiceError::Invalid(e.to_string()))?;
            svc.store()
                .tenant_by_code(&c)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("站点 {code}")))
        }
    };
    let receiver = tenant(&input.receiver).await?;
    let sender_parent = match input.sender_parent.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(tenant(p).await?.id),
        None => None,
    };
    let sender_kind = input
        .sender_kind
        .parse::<TenantKind>()
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let feed = match (given(input.feed_url), given(input.feed_sender)) {
        (None, None) => None,
        (Some(url), Some(sender)) => {
            crate::reporting::feed::check_url(&url)
                .map_err(|e| ServiceError::Invalid(format!("订阅源地址不可用（{e}）")))?;
            Some(ChannelFeed {
                url,
                sender: tenant(&sender).await?.id,
            })
        }
        (Some(_), None) => {
            return Err(ServiceError::Invalid(
                "有订阅源地址时须给出 feed_sender（订阅信息归属的站点代码）".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(ServiceError::Invalid(
                "feed_sender 须与 feed_url 一起给出".into(),
            ));
        }
    };
    Ok(svc
        .store()
        .create_channel(
            NewChannel {
                name: input.name,
                receiver: receiver.id,
                sender_kind,
                sender_parent,
                auto_adopt: input.auto_adopt,
                columns: input.columns.into_iter().map(ColumnId).collect(),
            },
            feed,
            &caller.who(),
        )
        .await?)
}

/// Pulls channel `id`'s upstream feed now (the office only): how many items were new.
pub async fn pull_channel(svc: &Services, caller: &Caller, id: i64) -> Result<PullReport> {
    may_manage_channels(caller)?;
    Ok(crate::reporting::feed::pull(svc, id).await?)
}

/// Sends an item from site `code`; `false` when the client key was used before (the first
/// submission is returned and nothing new is created).
pub async fn submit(
    svc: &Services,
    caller: &Caller,
    code: &str,
    new: NewSubmission,
) -> Result<(Submission, bool)> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    Ok(svc.store().submit(t.id, new, &caller.who()).await?)
}

/// Submissions sent by site `code` (`outbox`) or addressed to it.
pub async fn submissions(
    svc: &Services,
    caller: &Caller,
    code: &str,
    outbox: bool,
    filter: &SubmissionFilter,
) -> Result<Vec<Submission>> {
    let t = site(svc, caller, code, Action::Read).await?;
    Ok(svc.store().submissions(t.id, outbox, filter, 500).await?)
}

pub async fn submission(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<Submission> {
    let t = site(svc, caller, code, Action::Read).await?;
    Ok(svc.store().submission(t.id, id).await?)
}

/// A step on a submission, from the side named by `code`.
pub async fn step(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    step: &str,
    comment: Option<String>,
    column: Option<i64>,
) -> Result<Submission> {
    let store = svc.store();
    match step {
        "withdraw" | "resubmit" => {
            let t = site(svc, caller, code, Action::WriteArticles).await?;
            let event = if step == "withdraw" {
                SubmissionEvent::Withdraw
            } else {
                SubmissionEvent::Resubmit
            };
            Ok(store.sender_step(t.id, id, event, &caller.who()).await?)
        }
        "adopt" | "return" | "reject" => {
            let t = site(svc, caller, code, Action::Read).await?;
            let can = |a| allowed(&caller.grants, a, Some(t.id), policy(&t));
            if !(can(Action::Review) || can(Action::WriteArticles)) {
                return Err(ServiceError::Forbidden("处理报送信息".into()));
            }
            let comment = comment.unwrap_or_default();
            let decision = match step {
                "adopt" => Decision::Adopt {
                    column: column.map(ColumnId),
                    publish: can(Action::Review),
                },
                "return" => Decision::Return(comment),
                _ => Decision::Reject(comment),
            };
            Ok(store.decide(t.id, id, decision, &caller.who()).await?)
        }
        other => Err(ServiceError::NotFound(format!("操作 {other}"))),
    }
}

/// Figures per sending unit of items addressed to site `code` in `[from, to)`.
pub async fn figures(
    svc: &Services,
    caller: &Caller,
    code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<UnitFigures>> {
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    if to <= from {
        return Err(ServiceError::Invalid("结束时间须晚于开始时间".into()));
    }
    Ok(svc.store().reporting_figures(Some(t.id), from, to).await?)
}

/// Imports a history of past submissions with their own times and decisions (the office
/// only; the demo cluster's year of reporting): one audited transaction.
pub async fn import_history(
    svc: &Services,
    caller: &Caller,
    items: Vec<zq_store::HistoricItem>,
) -> Result<zq_store::HistoryImport> {
    may_manage_channels(caller)?;
    svc.store()
        .import_reporting_history(items, &caller.who())
        .await
        .map_err(|e| match e {
            zq_store::HistoryError::Store(s) => s.into(),
            other => ServiceError::Invalid(other.to_string()),
        })
}

/// What the office may change of a channel.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelChange {
    pub name: String,
    #[serde(default)]
    pub auto_adopt: bool,
    pub columns: Vec<i64>,
    /// Open (`true`) or close (`false`) the channel; unchanged when left out.
    #[serde(default)]
    pub active: Option<bool>,
}

/// The office's check before changing channels (and seeing their management page).
pub fn may_manage_channels(caller: &Caller) -> Result<()> {
    if allowed(
        &caller.grants,
        Action::ManageChannels,
        None,
        Default::default(),
    ) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("管理报送渠道".into()))
    }
}

/// Deletes a channel that never carried a submission (others can only be closed).
pub async fn delete_channel(svc: &Services, caller: &Caller, id: i64) -> Result<()> {
    may_manage_channels(caller)?;
    Ok(svc.store().delete_channel(id, &caller.who()).await?)
}

pub async fn update_channel(
    svc: &Services,
    caller: &Caller,
    id: i64,
    change: ChannelChange,
) -> Result<Channel> {
    may_manage_channels(caller)?;
    Ok(svc
        .store()
        .update_channel(
            id,
            &change.name,
            change.auto_adopt,
            change.columns.into_iter().map(ColumnId).collect(),
            change.active,
            &caller.who(),
        )
        .await?)
}
