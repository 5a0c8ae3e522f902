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

use super::{Caller, Result, ServiceError, policy, site};
use crate::AppState;
use crate::feeds::{FeedError, PullError, PullReport};

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
pub(crate) async fn channels(state: &AppState) -> Result<Vec<Channel>> {
    Ok(state.store().channels().await?)
}

/// One channel, by id.
pub(crate) async fn channel(state: &AppState, id: i64) -> Result<Channel> {
    state
        .store()
        .channel(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("渠道 {id}")))
}

/// A new channel as the office enters it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ChannelInput {
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
                crate::feeds::MAX_FEED_BYTES / (1024 * 1024)
            )),
            PullError::Feed(f @ FeedError::Malformed(_)) => {
                ServiceError::Invalid(format!("订阅源格式无效（{f}）"))
            }
            PullError::Feed(f) => ServiceError::Invalid(format!("拉取订阅源失败（{f}）")),
            PullError::Import(r) => r.into(),
        }
    }
}

pub(crate) async fn create_channel(
    state: &AppState,
    caller: &Caller,
    input: ChannelInput,
) -> Result<Channel> {
    may_manage_channels(caller)?;
    let tenant = |code: &str| {
        let code = code.to_owned();
        async move {
            let c = TenantCode::parse(&code).map_err(|e| ServiceError::Invalid(e.to_string()))?;
            state
                .store()
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
            crate::feeds::check_url(&url)
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
    Ok(state
        .store()
        .create_channel_with_feed(
            NewChannel {
                name: input.name,
                receiver: receiver.id,
                sender_kind,
                sender_parent,
                auto_adopt: input.auto_adopt,
                columns: input.columns.into_iter().map(ColumnId).collect(),
            },
            feed,
            Some(&caller.who()),
        )
        .await?)
}

/// Pulls channel `id`'s upstream feed now (the office only): how many items were new.
pub(crate) async fn pull_channel(state: &AppState, caller: &Caller, id: i64) -> Result<PullReport> {
    may_manage_channels(caller)?;
    Ok(crate::feeds::pull(state, id).await?)
}

/// Sends an item from site `code`; `false` when the client key was used before (the first
/// submission is returned and nothing new is created).
pub(crate) async fn submit(
    state: &AppState,
    caller: &Caller,
    code: &str,
    new: NewSubmission,
) -> Result<(Submission, bool)> {
    let t = site(state, caller, code, Action::WriteArticles).await?;
    Ok(state.store().submit(t.id, new, &caller.who()).await?)
}

/// Submissions sent by site `code` (`outbox`) or addressed to it.
pub(crate) async fn submissions(
    state: &AppState,
    caller: &Caller,
    code: &str,
    outbox: bool,
    filter: &SubmissionFilter,
) -> Result<Vec<Submission>> {
    let t = site(state, caller, code, Action::Read).await?;
    Ok(state.store().submissions(t.id, outbox, filter, 500).await?)
}

pub(crate) async fn submission(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<Submission> {
    let t = site(state, caller, code, Action::Read).await?;
    Ok(state.store().submission(t.id, id).await?)
}

/// A step on a submission, from the side named by `code`.
pub(crate) async fn step(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    step: &str,
    comment: Option<String>,
    column: Option<i64>,
) -> Result<Submission> {
    let store = state.store();
    match step {
        "withdraw" | "resubmit" => {
            let t = site(state, caller, code, Action::WriteArticles).await?;
            let event = if step == "withdraw" {
                SubmissionEvent::Withdraw
            } else {
                SubmissionEvent::Resubmit
            };
            Ok(store.sender_step(t.id, id, event, &caller.who()).await?)
        }
        "adopt" | "return" | "reject" => {
            let t = site(state, caller, code, Action::Read).await?;
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
pub(crate) async fn figures(
    state: &AppState,
    caller: &Caller,
    code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<UnitFigures>> {
    let t = site(state, caller, code, Action::Read).await?;
    if to <= from {
        return Err(ServiceError::Invalid("结束时间须晚于开始时间".into()));
    }
    Ok(state
        .store()
        .reporting_figures(Some(t.id), from, to)
        .await?)
}

/// What the office may change of a channel.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ChannelChange {
    pub name: String,
    #[serde(default)]
    pub auto_adopt: bool,
    pub columns: Vec<i64>,
    /// Open (`true`) or close (`false`) the channel; unchanged when left out.
    #[serde(default)]
    pub active: Option<bool>,
}

/// The office's check before changing channels (and seeing their management page).
pub(crate) fn may_manage_channels(caller: &Caller) -> Result<()> {
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
pub(crate) async fn delete_channel(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    may_manage_channels(caller)?;
    Ok(state
        .store()
        .delete_channel(id, Some(&caller.who()))
        .await?)
}

pub(crate) async fn update_channel(
    state: &AppState,
    caller: &Caller,
    id: i64,
    change: ChannelChange,
) -> Result<Channel> {
    may_manage_channels(caller)?;
    Ok(state
        .store()
        .update_channel(
            id,
            &change.name,
            change.auto_adopt,
            change.columns.into_iter().map(ColumnId).collect(),
            change.active,
            Some(&caller.who()),
        )
        .await?)
}
