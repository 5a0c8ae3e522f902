//! Why an operation did not happen, and whose fault it is. The HTTP layer maps these to
//! status codes in one place (`zq_http::error`), the CLI to messages; this crate knows
//! nothing of either. Messages are in Chinese: a clerk or a citizen reads them.

use zq_domain::access::Action;
use zq_domain::article::FieldError;
use zq_store::{EditorialError, RecycleError, StoreError, UploadError};

/// Why an operation did not happen. Every variant but the last two is the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限：{0}")]
    Forbidden(String),
    #[error("{0}不存在")]
    NotFound(String),
    #[error("填写有误：{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Fields(Vec<FieldError>),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("服务暂不可用，请稍后再试")]
    Unavailable(String),
    #[error("系统错误")]
    Internal(String),
}

/// Whose fault an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The caller sent something wrong or may not do this (unauthenticated, forbidden,
    /// invalid input, too large).
    Client,
    /// The object does not exist (or is not visible to the caller).
    NotFound,
    /// The object's current state does not allow it, or someone else changed it first.
    Conflict,
    /// A system we depend on (the database, Redis, a feed's server) is unavailable.
    Upstream,
    /// A defect of ours.
    Internal,
}

impl ServiceError {
    /// Whose fault it is.
    pub fn fault(&self) -> Fault {
        match self {
            ServiceError::Unauthenticated
            | ServiceError::Forbidden(_)
            | ServiceError::Fields(_)
            | ServiceError::Invalid(_)
            | ServiceError::TooLarge(_) => Fault::Client,
            ServiceError::NotFound(_) => Fault::NotFound,
            ServiceError::Conflict(_) => Fault::Conflict,
            ServiceError::Unavailable(_) => Fault::Upstream,
            ServiceError::Internal(_) => Fault::Internal,
        }
    }

    pub(crate) fn forbidden(action: Action) -> ServiceError {
        ServiceError::Forbidden(action_label(action).to_owned())
    }
}

/// An action as a person reads it, for "没有权限：…".
pub fn action_label(a: Action) -> &'static str {
    match a {
        Action::Read => "查看",
        Action::ReadFigures => "查看统计和检查结果",
        Action::ManageTenants => "管理站点",
        Action::ManageAllUsers => "管理全部账号",
        Action::ManageTenantUsers => "管理本站账号",
        Action::EditSettings => "修改站点设置",
        Action::ManageColumns => "管理栏目",
        Action::WriteArticles => "撰写信息",
        Action::PublishDirectly => "直接发布",
        Action::Review => "审核",
        Action::Withdraw => "撤回",
        Action::ReadAudit => "查看审计日志",
        Action::ManageChannels => "管理报送渠道",
        Action::HandleCases => "办理互动事项",
        Action::ApproveReplies => "审核答复",
        Action::ApproveExtension => "批准延期",
        Action::RevealPersonalData => "查看来信人个人信息",
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::NotFound(m) => ServiceError::NotFound(m),
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::Invalid(p) => ServiceError::Invalid(p.to_string()),
            StoreError::NotAllowed(m) => ServiceError::Invalid(m),
            e @ (StoreError::Corrupt(_) | StoreError::Db(_)) => {
                ServiceError::Internal(e.to_string())
            }
        }
    }
}

impl From<EditorialError> for ServiceError {
    fn from(e: EditorialError) -> Self {
        match e {
            EditorialError::Fields(f) => ServiceError::Fields(f),
            EditorialError::Workflow(w) => ServiceError::Conflict(workflow_message(&w)),
            EditorialError::Stale { current } => ServiceError::Conflict(format!(
                "这篇信息在您打开此页后又保存过（现为第 {current} 版，可能是他人修改，也可能是在别的窗口或退回上一页后再次提交）。为免覆盖，请刷新查看最新内容后再改"
            )),
            EditorialError::Revision(r) => ServiceError::Conflict(revision_message(&r)),
            EditorialError::Store(s) => s.into(),
        }
    }
}

impl From<RecycleError> for ServiceError {
    fn from(e: RecycleError) -> Self {
        match e {
            RecycleError::Refused(r) => ServiceError::Conflict(recycle_message(&r)),
            RecycleError::Store(s) => s.into(),
        }
    }
}

fn recycle_message(e: &zq_domain::recycle::Refusal) -> String {
    use zq_domain::recycle::{MAX_REASON_CHARS, Refusal as R};
    match e {
        R::Online(state) => format!(
            "这篇信息{}，不能直接删除：请先撤下，再删除",
            if *state == zq_domain::workflow::WorkflowState::Scheduled {
                "已定时发布"
            } else {
                "正在网站上发布"
            }
        ),
        R::ReasonRequired => "请填写删除理由（记入审计日志）".into(),
        R::ReasonTooLong => format!("删除理由不能超过 {MAX_REASON_CHARS} 个字"),
        R::HasChildren(n) => format!("该栏目下还有 {n} 个子栏目，请先删除或移走子栏目"),
        R::HasArticles(n) => format!("该栏目中还有 {n} 篇信息，请选择要把它们移到哪个栏目"),
        R::BadTarget => "信息只能移到本站另一个可以发布文章的栏目".into(),
        R::UsedByChannels(n) => {
            format!("有 {n} 个报送渠道把采用的信息发到该栏目，请先在报送渠道中改用其他栏目")
        }
        R::ParentGone => "原来所在的栏目已不存在，请先从回收站恢复该栏目".into(),
        R::SlugTaken(slug) => format!("栏目地址 {slug} 已被其他栏目使用，请先修改那个栏目"),
    }
}

fn revision_message(e: &zq_domain::revision::RevisionError) -> String {
    use zq_domain::revision::RevisionError as R;
    match e {
        R::NotPublished(state) => format!(
            "只有已发布的信息通过修订更正；这篇信息现为“{}”，请直接修改",
            state.label()
        ),
        R::NotAllowed { state: None, .. } => "这篇信息没有修订稿".into(),
        R::NotAllowed { state: Some(s), .. } => {
            format!("修订稿当前状态（{}）下不能这样操作", s.label())
        }
        R::CommentRequired => "退回修订稿时请填写意见".into(),
    }
}

fn workflow_message(e: &zq_domain::workflow::WorkflowError) -> String {
    use zq_domain::workflow::WorkflowError as W;
    match e {
        W::NotAllowed { state, .. } => format!("当前状态（{}）下不能这样操作", state.label()),
        W::CommentRequired => "退回时请填写意见".into(),
        W::NotDue => "还没到定时发布时间".into(),
        W::PastTime { at } => format!(
            "所填的发布时间 {} 已经过去。要立即发布请清空发布时间，要定时发布请改为将来的时间。",
            chrono::DateTime::from_timestamp(*at, 0)
                .map(|t| zq_domain::time::format_local(t, false))
                .unwrap_or_default()
        ),
    }
}

impl From<UploadError> for ServiceError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Refused(r) => ServiceError::Invalid(r.to_string()),
            UploadError::Store(s) => s.into(),
        }
    }
}

/// The result of an operation.
pub type Result<T> = std::result::Result<T, ServiceError>;
