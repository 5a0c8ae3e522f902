//! One-time keys on the console's creating forms (写信息, 新建栏目, 新建站点, …): every form
//! page carries a fresh key in a hidden `once` field (the frames' `once`), and the [`guard`]
//! layer on each creating route runs a submit at most once per account and key — a double
//! click or a resend gets the first submit's outcome (its redirect), not a second article. A
//! submit that did not end in a redirect (a refused form shown again) releases the key, so the
//! corrected form goes through. The claims live in the database (`zq_store::FormClaim`), so
//! this holds across nodes. The layer reads the key from the body (form or multipart) before
//! the handler, which then reads the same body; the handlers themselves know nothing of it.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use zq_domain::UserId;
use zq_store::FormClaim;

use super::see_other;
use crate::AppState;
use crate::auth::{is_token, session};

/// The hidden field's name.
pub(crate) const FIELD: &str = "once";

/// How long a repeated submit waits for the first one to finish.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(200);

/// A fresh key for a form page (empty, and so no protection, only if the system's random
/// source fails).
pub(crate) fn fresh() -> String {
    zq_store::random_token().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "no random key for a console form");
        String::new()
    })
}

fn still_running() -> Response {
    (
        StatusCode::CONFLICT,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正在提交</title></head><body><main><h1>这份表单正在提交，请勿重复提交。</h1><p>请稍候刷新页面查看结果，或<a href=\"/console/\">返回工作台</a>。</p></main></body></html>",
    )
        .into_response()
}

/// The key in a form body: `once=…` of a URL-encoded form, or the `once` part of a
/// multipart one.
fn key_in(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v);
    }
    if content_type.starts_with("multipart/form-data") {
        let needle = b"name=\"once\"\r\n\r\n";
        let at = body.windows(needle.len()).position(|w| w == needle)? + needle.len();
        let value = body.get(at..at + 64)?;
        return std::str::from_utf8(value).ok().map(str::to_owned);
    }
    None
}

/// Who submits and with which key, if the form carries one.
async fn claimant(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Option<(UserId, String)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let key = key_in(content_type, body).filter(|k| is_token(k))?;
    let (_, s) = session(state, headers).await.ok()??;
    Some((s.user.id, key))
}

/// The layer of a creating route: runs the submit unless an earlier submit of the same form
/// by the same account did, then answers with that submit's redirect. Without a well-formed
/// key or a session (an old page, a script, a signed-out browser), the submit simply runs.
pub(crate) async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, super::editor::MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!(
                    "提交的内容太大：附件合计不能超过 {} MB。",
                    super::editor::MAX_FORM_BYTES / (1024 * 1024)
                ),
            )
                .into_response();
        }
    };
    let claim = claimant(&state, &parts.headers, &bytes).await;
    let req = Request::from_parts(parts, Body::from(bytes));
    let Some((user, key)) = claim else {
        return next.run(req).await;
    };
    let store = state.store();
    let started = tokio::time::Instant::now();
    loop {
        match store.claim_form_key(user, &key).await {
            Ok(FormClaim::First) => break,
            Ok(FormClaim::Done(url)) => return see_other(&url),
            Ok(FormClaim::Running) if started.elapsed() >= WAIT => return still_running(),
            Ok(FormClaim::Running) => tokio::time::sleep(POLL).await,
            Err(e) => return super::ConsoleError::from(e).into_response(),
        }
    }
    let res = next.run(req).await;
    let outcome = res
        .status()
        .is_redirection()
        .then(|| res.headers().get(header::LOCATION))
        .flatten()
        .and_then(|l| l.to_str().ok());
    let kept = match outcome {
        Some(url) => store.settle_form_key(user, &key, url).await,
        None => store.release_form_key(user, &key).await,
    };
    if let Err(e) = kept {
        tracing::warn!(error = %e, "recording a form key's outcome failed");
    }
    res
}
