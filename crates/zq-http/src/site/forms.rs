//! The public form path: how a citizen posts a form to a tenant site. Every form lives at
//! `/forms/{name}` on the site's host (or `/sites/{code}/forms/{name}`); the tenant comes
//! from the [`SiteCtx`] extractor like every public page, answers are never cached
//! (`Cache-Control: no-store`), and before a post reaches the form it passes, in order:
//!
//! 1. a rate limit per client address (governor, `http.form_submits_per_minute` per node): 429
//!    with `Retry-After`;
//! 2. a body limit per form: 413;
//! 3. the per-form token: HMAC-SHA256 (ring) with the cluster's `form-token` secret over the
//!    tenant, the form's name, the time the form was served and a nonce; refused (403) when it
//!    is forged, for another site or form, older than [`TOKEN_MAX_AGE_SECS`] or from the future.
//!    The token also names the form uniquely, so a form that stores what it receives can use
//!    it to take a double post once.
//!
//! Every refusal is a Chinese page in the site's own frame. The forms: `letter`, `query`,
//! `rate`, `error`, `disclosure`, `correct` and `complain` (interaction,
//! `site::interaction`), `comment`, `ask` and `survey` (participation, `site::consult`),
//! and the test form (`http.public_test_form =
//! true`), which echoes what it received and stores nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use zq_render::view::FormView;
use zq_services::interaction::Upload;

use super::extract::SiteCtx;
use super::interaction::requests;
use super::{captcha, consult, error_response, interaction, pages};
use crate::auth::form_token::{issue, issued_at, verify};
use crate::{AppState, ClientAddr, SiteError};
use zq_render::interaction_view::{CaptchaView, FieldProblem, SiteErrorInput};

/// The test form's body limit.
const TEST_FORM_MAX_BYTES: usize = 16 * 1024;
/// The test form's message limit, in characters.
const TEST_FORM_MAX_CHARS: usize = 500;

/// How long an address that went past `http.form_captcha_after` is asked the question.
const CHALLENGE_FOR: Duration = Duration::from_secs(3600);
/// Most addresses remembered as challenged (the oldest are forgotten first).
const CHALLENGED_MAX: usize = 100_000;

/// The per-node guards of the form path: the rate limit, the softer quota past which the
/// case-opening forms ask a verification question, and the token key.
pub(crate) struct FormGuard {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    captcha_quota: Option<DefaultKeyedRateLimiter<IpAddr>>,
    challenged: Mutex<HashMap<IpAddr, Instant>>,
    key: OnceLock<ring::hmac::Key>,
}

impl FormGuard {
    /// A guard letting each client address post `per_minute` forms a minute (bursts of as
    /// many).
    pub(crate) fn new(per_minute: u32, captcha_after: u32) -> FormGuard {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        FormGuard {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
            captcha_quota: NonZeroU32::new(captcha_after)
                .map(|n| RateLimiter::keyed(Quota::per_hour(n))),
            challenged: Mutex::new(HashMap::new()),
            key: OnceLock::new(),
        }
    }

    /// Whether the forms ask `addr` the verification question now.
    pub(crate) fn challenged(&self, addr: Option<IpAddr>) -> bool {
        let Some(addr) = addr else { return false };
        let map = self.challenged.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&addr).is_some_and(|until| *until > Instant::now())
    }

    /// Counts a case-opening post from `addr`; true when the address is past its quota (and
    /// so is asked the question for the next hour).
    fn count_case_post(&self, addr: Option<IpAddr>) -> bool {
        let (Some(quota), Some(a)) = (&self.captcha_quota, addr) else {
            return false;
        };
        if quota.check_key(&a).is_ok() {
            return self.challenged(addr);
        }
        let mut map = self.challenged.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if map.len() >= CHALLENGED_MAX {
            map.retain(|_, until| *until > now);
        }
        map.insert(a, now + CHALLENGE_FOR);
        true
    }

    /// `Err(seconds to wait)` when the address has used up its quota.
    fn check_rate(&self, addr: IpAddr) -> Result<(), u32> {
        self.limiter.check_key(&addr).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            u32::try_from(wait.as_secs()).unwrap_or(u32::MAX).max(1)
        })
    }

    async fn key(&self, state: &AppState) -> Result<&ring::hmac::Key, SiteError> {
        if let Some(k) = self.key.get() {
            return Ok(k);
        }
        let secret = state.store().cluster_secret("form-token").await?;
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
        Ok(self.key.get_or_init(|| key))
    }
}

/// The fields of a form post, by name (the first of repeated names), and the files of a
/// multipart post.
pub(crate) struct Fields(Vec<(String, String)>, Vec<Upload>);

impl Fields {
    /// The files posted (a multipart form), in order; empty file inputs are left out.
    pub(crate) fn files(&self) -> Vec<Upload> {
        self.1.clone()
    }

    /// The field's value, empty when absent.
    pub(crate) fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value posted under `name` (check boxes), in order.
    pub(crate) fn get_all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One handler for every form: resolves the site, finds the form, guards a post, answers.
pub(crate) async fn form(State(state): State<AppState>, ctx: SiteCtx, req: Request) -> Response {
    let name = ctx.rest.strip_prefix("/forms/").unwrap_or("").to_owned();
    let res = answer(&state, &ctx, &name, req).await;
    let mut res = res.unwrap_or_else(|e| ctx.error(&state, &e));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn answer(
    state: &AppState,
    ctx: &SiteCtx,
    name: &str,
    req: Request,
) -> Result<Response, SiteError> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let post = *req.method() == Method::POST;
    let limit = match name {
        "test" if state.config().test_form => TEST_FORM_MAX_BYTES,
        "letter" => interaction::LETTER_MAX_BYTES + FILES_MAX_BYTES,
        "error" | "disclosure" => requests::REQUEST_MAX_BYTES + FILES_MAX_BYTES,
        "query" | "rate" | "correct" | "complain" => interaction::QUERY_MAX_BYTES,
        "comment" | "ask" | "survey" => consult::CONSULT_MAX_BYTES,
        _ => return Err(SiteError::NotFound),
    };
    let post_only = matches!(name, "rate" | "correct" | "complain");
    if !(read || post) || (read && post_only) {
        return Err(SiteError::MethodNotAllowed);
    }
    let key = state.forms().key(state).await?.clone();
    if read {
        return match name {
            "test" => test_form(state, ctx, name, None, None, None).await,
            "letter" => {
                interaction::letter_page(state, ctx, &key, Default::default(), Vec::new()).await
            }
            "error" => {
                let referer = req
                    .headers()
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok());
                let form = SiteErrorInput {
                    page_url: requests::referring_page(ctx, referer),
                    ..Default::default()
                };
                requests::error_page(state, ctx, &key, form, Vec::new()).await
            }
            "disclosure" => {
                requests::disclosure_page(state, ctx, &key, Default::default(), Vec::new()).await
            }
            "comment" | "ask" | "survey" => {
                let item = consult::item_of(req.uri().query());
                consult::form_page(state, ctx, &key, name, item, req.headers()).await
            }
            _ => interaction::query_page(state, ctx, &key, String::new(), None, None, false).await,
        };
    }
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map(|ClientAddr(a)| a.ip().to_string());
    let voter = consult::voter_of(req.headers());
    let fields = guarded(state, ctx, name, req, limit, &key).await?;
    let unverified = if OPENS_CASE.contains(&name) {
        unverified(state, ctx, &key, &fields)
    } else {
        None
    };
    match name {
        "test" => post_test_form(state, ctx, name, &fields).await,
        "letter" => interaction::post_letter(state, ctx, &key, &fields, client, unverified).await,
        "error" => requests::post_error(state, ctx, &key, &fields, client, unverified).await,
        "disclosure" => {
            requests::post_disclosure(state, ctx, &key, &fields, client, unverified).await
        }
        "query" => interaction::post_query(state, ctx, &key, &fields).await,
        "comment" | "ask" | "survey" => {
            consult::post(state, ctx, &key, name, &fields, voter, client).await
        }
        "correct" | "complain" => {
            requests::post_writer_step(state, ctx, &key, name, &fields, client).await
        }
        _ => interaction::post_rate(state, ctx, &key, &fields, client).await,
    }
}

/// For a case-opening post from an address past its quota without the right answer to the
/// verification question: the problem to show on the form (typed text kept).
fn unverified(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
) -> Option<FieldProblem> {
    if !state.forms().count_case_post(ctx.client) {
        return None;
    }
    let answered = captcha::check(
        key,
        &f.get("token"),
        &f.get("captcha"),
        &f.get("captcha_answer"),
    );
    (!answered).then(|| FieldProblem {
        field: "captcha_answer".into(),
        message: if f.get("captcha").is_empty() {
            "本网络提交较多，请回答验证问题后再提交".into()
        } else {
            "验证问题回答不正确，请重新计算后填写阿拉伯数字".into()
        },
    })
}

/// Room in a case-opening form's body for its files (their limit and the multipart framing).
const FILES_MAX_BYTES: usize = zq_domain::interaction::files::MAX_TOTAL_BYTES + 64 * 1024;

/// The forms that open a case, held to the minimum fill time.
const OPENS_CASE: [&str; 3] = ["letter", "error", "disclosure"];

/// Passes a post through the guards, in order: the rate limit per address (429), the body
/// limit (413), a urlencoded body — or multipart for a form that takes files — (400), the form's token (403) and, for a form that opens a
/// case, the minimum fill time (422).
async fn guarded(
    state: &AppState,
    ctx: &SiteCtx,
    name: &str,
    req: Request,
    max_bytes: usize,
    key: &ring::hmac::Key,
) -> Result<Fields, SiteError> {
    if let Some(ClientAddr(addr)) = req.extensions().get::<ClientAddr>().copied() {
        state.forms().check_rate(addr.ip()).map_err(|wait| {
            state.metrics().rate_limited("forms");
            SiteError::TooManyRequests(wait)
        })?;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max_bytes) {
        return Err(SiteError::TooLarge);
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok());
    let bytes = axum::body::to_bytes(req.into_body(), max_bytes)
        .await
        .map_err(|_| SiteError::TooLarge)?;
    let mut fields = match multipart {
        Some(boundary) if OPENS_CASE.contains(&name) => read_multipart(bytes, boundary).await?,
        Some(_) => {
            return Err(SiteError::BadRequest(
                "this form takes no files: post it urlencoded".into(),
            ));
        }
        None => Fields(
            serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| SiteError::BadRequest("the form body is not urlencoded".into()))?,
            Vec::new(),
        ),
    };
    // What the public typed keeps only what XML allows (`zq_domain::text`): the letters and
    // reports are published and fed to other portals.
    for (k, v) in &mut fields.0 {
        zq_domain::text::make_xml_safe(k);
        zq_domain::text::make_xml_safe(v);
    }
    let now = state.services().now().timestamp();
    let token = fields.get("token");
    if !verify(key, &token, ctx.site.tenant.id.0, name, now) {
        return Err(SiteError::FormExpired);
    }
    // A form that opens a case and was filled in faster than a person can: a robot's.
    let min = i64::from(state.config().form_min_fill_secs);
    if OPENS_CASE.contains(&name) && min > 0 && issued_at(&token).is_some_and(|t| now - t < min) {
        return Err(SiteError::TooFast);
    }
    Ok(fields)
}

/// The text fields and files of a multipart post already read whole.
async fn read_multipart(bytes: bytes::Bytes, boundary: String) -> Result<Fields, SiteError> {
    let bad = |_| SiteError::BadRequest("the multipart form body is malformed".into());
    let mut m = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    let (mut pairs, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(bad)?;
                // A file input left empty posts an unnamed, empty part.
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push(Upload {
                        name: file_name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            None => pairs.push((name, field.text().await.map_err(bad)?)),
        }
    }
    Ok(Fields(pairs, files))
}

async fn post_test_form(
    state: &AppState,
    ctx: &SiteCtx,
    name: &str,
    f: &Fields,
) -> Result<Response, SiteError> {
    let message = f.get("message");
    let trimmed = message.trim();
    let error = if trimmed.is_empty() {
        Some("请填写留言内容。".to_owned())
    } else if trimmed.chars().count() > TEST_FORM_MAX_CHARS {
        Some(format!("留言内容不能超过 {TEST_FORM_MAX_CHARS} 字。"))
    } else {
        None
    };
    match error {
        Some(e) => {
            let mut res = test_form(state, ctx, name, Some(message), Some(e), None).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        None => test_form(state, ctx, name, None, None, Some(trimmed.to_owned())).await,
    }
}

/// An HTML answer of the form path with the platform's headers.
pub(crate) fn html(status: StatusCode, body: String) -> Result<Response, SiteError> {
    let mut res = (status, Body::from(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    crate::set_security_headers(h);
    Ok(res)
}

/// The test form's page: the form with a fresh token, or what was received.
async fn test_form(
    state: &AppState,
    ctx: &SiteCtx,
    name: &str,
    message: Option<String>,
    error: Option<String>,
    received: Option<String>,
) -> Result<Response, SiteError> {
    let key = state.forms().key(state).await?;
    let heading = "表单测试".to_owned();
    let view = FormView {
        chrome: ctx.form_chrome(&heading),
        heading,
        action: ctx.links.url(&format!("/forms/{name}")),
        token: ctx.form_token(state, key, name)?,
        message: message.unwrap_or_default(),
        max_chars: TEST_FORM_MAX_CHARS,
        error,
        received,
    };
    html(StatusCode::OK, state.renderer().form_page(&view)?)
}

impl SiteCtx {
    /// The frame of a form page titled `heading` (no breadcrumbs, no date).
    pub(crate) fn form_chrome(&self, heading: &str) -> zq_render::view::Chrome {
        pages::chrome(
            &self.snap,
            &self.site,
            &self.links,
            heading.to_owned(),
            Vec::new(),
            None,
        )
    }

    /// A fresh signed token for `form` of this site.
    pub(crate) fn form_token(
        &self,
        state: &AppState,
        key: &ring::hmac::Key,
        form: &str,
    ) -> Result<String, SiteError> {
        issue(
            key,
            self.site.tenant.id.0,
            form,
            state.services().now().timestamp(),
        )
    }

    /// The verification question for the form whose token is `token`, when this address is
    /// asked it.
    pub(crate) fn captcha(
        &self,
        state: &AppState,
        key: &ring::hmac::Key,
        token: &str,
    ) -> Option<CaptchaView> {
        state
            .forms()
            .challenged(self.client)
            .then(|| captcha::challenge(key, token))
    }

    /// The error page for `err` in this site's frame.
    pub(crate) fn error(&self, state: &AppState, err: &SiteError) -> Response {
        error_response(state, &self.snap, Some(&self.site), &self.links, err)
    }
}
