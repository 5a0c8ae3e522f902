//! Errors of the public site and how each becomes a response: the one place that maps
//! failures to status codes.

use axum::http::StatusCode;
use zq_domain::route::PathError;
use zq_store::StoreError;

/// Why a public request did not produce its page.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The request is malformed (client's fault): 400.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The path is longer than we accept: 414.
    #[error("request path too long")]
    UriTooLong,
    /// Only GET and HEAD are served on public pages: 405.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No such host or page: 404.
    #[error("not found")]
    NotFound,
    /// A form's token is missing, forged, for another site or form, or too old: 403.
    #[error("form token refused")]
    FormExpired,
    /// A form cannot be taken now (a closed mailbox, a suspended site): 409.
    #[error("refused: {0}")]
    Refused(String),
    /// A form's body is larger than the form takes: 413.
    #[error("form too large")]
    TooLarge,
    /// A form that opens a case was posted sooner after it was served than a person fills
    /// it in (`http.form_min_fill_secs`): 422.
    #[error("form posted too quickly")]
    TooFast,
    /// This client sent too many forms: 429 with Retry-After (seconds).
    #[error("too many requests")]
    TooManyRequests(u32),
    /// The site is closed for good: 410.
    #[error("site archived")]
    Gone,
    /// The site is temporarily closed: 503 with Retry-After.
    #[error("site suspended")]
    Suspended,
    /// The database is unreachable (upstream's fault): 503 with Retry-After.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A defect of ours: 500, logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl SiteError {
    pub fn status(&self) -> StatusCode {
        match self {
            SiteError::BadRequest(_) => StatusCode::BAD_REQUEST,
            SiteError::UriTooLong => StatusCode::URI_TOO_LONG,
            SiteError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            SiteError::NotFound => StatusCode::NOT_FOUND,
            SiteError::FormExpired => StatusCode::FORBIDDEN,
            SiteError::Refused(_) => StatusCode::CONFLICT,
            SiteError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            SiteError::TooFast => StatusCode::UNPROCESSABLE_ENTITY,
            SiteError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            SiteError::Gone => StatusCode::GONE,
            SiteError::Suspended | SiteError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            SiteError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds a client should wait before retrying, for 503s.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            SiteError::Suspended => Some(3600),
            SiteError::Unavailable(_) => Some(5),
            SiteError::TooManyRequests(secs) => Some(*secs),
            _ => None,
        }
    }

    /// Heading and message of the error page, in Chinese.
    pub fn texts(&self) -> (&'static str, &'static str) {
        match self {
            SiteError::BadRequest(_) => ("请求无效", "您访问的地址格式不正确，请检查后重试。"),
            SiteError::UriTooLong => ("地址过长", "您访问的地址过长，无法处理。"),
            SiteError::MethodNotAllowed => ("不支持的请求方式", "本页面只支持浏览访问。"),
            SiteError::NotFound => (
                "页面不存在",
                "您访问的页面不存在或已被删除，请检查地址是否正确。",
            ),
            SiteError::FormExpired => (
                "表单已过期",
                "表单已过期或无效，请返回上一页刷新后重新填写提交。",
            ),
            SiteError::Refused(_) => (
                "暂时无法受理",
                "该表单暂时无法受理，请稍后再试，或通过网站公布的联系方式联系我们。",
            ),
            SiteError::TooLarge => (
                "提交的内容过多",
                "您提交的内容超过了该表单允许的大小，请精简后重新提交。",
            ),
            SiteError::TooFast => (
                "提交过快",
                "为防止自动提交，表单打开后须稍候几秒再提交。请返回上一页，确认填写的内容后再次提交。",
            ),
            SiteError::TooManyRequests(_) => ("提交过于频繁", "您提交得过于频繁，请稍候片刻再试。"),
            SiteError::Gone => (
                "网站已关闭",
                "该网站已停止运行并归档，相关信息请访问门户网站。",
            ),
            SiteError::Suspended => ("网站维护中", "该网站正在维护，暂时无法访问，请稍后再试。"),
            SiteError::Unavailable(_) => ("服务暂不可用", "系统繁忙，请稍后再试。"),
            SiteError::Internal(_) => ("系统错误", "服务器处理请求时出现错误，我们会尽快修复。"),
        }
    }
}

impl From<StoreError> for SiteError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => SiteError::Unavailable(m),
            StoreError::NotFound(_) => SiteError::NotFound,
            other => SiteError::Internal(other.to_string()),
        }
    }
}

impl From<PathError> for SiteError {
    fn from(e: PathError) -> Self {
        match e {
            PathError::TooLong => SiteError::UriTooLong,
            other => SiteError::BadRequest(other.to_string()),
        }
    }
}

impl From<zq_render::RenderError> for SiteError {
    fn from(e: zq_render::RenderError) -> Self {
        SiteError::Internal(e.to_string())
    }
}

/// How an operation's failure is answered: the one map from `zq_services::ServiceError` (whose
/// fault) to an HTTP status and the API's machine-readable error name.
pub(crate) trait ServiceErrorHttp {
    fn status(&self) -> StatusCode;
    fn code(&self) -> &'static str;
}

impl ServiceErrorHttp for zq_services::ServiceError {
    fn status(&self) -> StatusCode {
        use zq_services::ServiceError as E;
        match self {
            E::Unauthenticated => StatusCode::UNAUTHORIZED,
            E::Forbidden(_) => StatusCode::FORBIDDEN,
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Fields(_) | E::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Conflict(_) => StatusCode::CONFLICT,
            E::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            E::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        use zq_services::ServiceError as E;
        match self {
            E::Unauthenticated => "unauthenticated",
            E::Forbidden(_) => "forbidden",
            E::NotFound(_) => "not_found",
            E::Fields(_) => "invalid_fields",
            E::Invalid(_) => "invalid",
            E::Conflict(_) => "conflict",
            E::TooLarge(_) => "too_large",
            E::Unavailable(_) => "unavailable",
            E::Internal(_) => "internal",
        }
    }
}

/// Logs a failure that is ours, once, where it is answered.
pub(crate) fn log_if_ours(e: &zq_services::ServiceError) {
    if let zq_services::ServiceError::Internal(m) = e {
        tracing::error!(error = %m, "request failed");
    }
}
