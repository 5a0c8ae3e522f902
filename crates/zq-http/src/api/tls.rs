//! The office's certificates over the API: `GET /api/v1/certificates` (those stored and
//! those from files, with their expiry), `PUT /api/v1/certificates/{name}` (check and store
//! a chain and key in PEM; the same name renews), `DELETE /api/v1/certificates/{name}`, and
//! `PUT /api/v1/sites/{code}/https` (a site's HTTPS-only switch).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use zq_domain::tls::{self as rules, Expiry};
use zq_store::NewCertificate;

use super::{ApiCaller, ApiResult, Body, dto, ok};
use crate::AppState;
use crate::service::tls::{self, CertificateInput};

#[derive(Debug, Serialize)]
struct CertificateDto<'a> {
    name: &'a str,
    names: &'a [String],
    /// `stored` (uploaded) or `file` (the certificate directory).
    source: &'static str,
    not_before: String,
    not_after: String,
    days_left: i64,
    /// `valid`, `soon` (30 days or fewer), `urgent` (7 or fewer), `expired`.
    expiry: &'static str,
    /// SHA-256 of the end-entity certificate, hex.
    fingerprint: &'a str,
}

fn dto<'a>(
    c: &'a NewCertificate,
    source: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> CertificateDto<'a> {
    CertificateDto {
        name: &c.name,
        names: &c.names,
        source,
        not_before: c.not_before.to_rfc3339(),
        not_after: c.not_after.to_rfc3339(),
        days_left: rules::days_left(c.not_after, now),
        expiry: Expiry::at(c.not_after, now).as_str(),
        fingerprint: &c.fingerprint,
    }
}

/// `GET /api/v1/certificates` (the office and operators).
pub(crate) async fn list(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    let stored = tls::list(state.services(), &c).await?;
    let files = state.certificates().from_files();
    let now = state.services().now();
    let items: Vec<_> = stored
        .iter()
        .map(|s| dto(&s.cert, "stored", now))
        .chain(files.iter().map(|f| dto(f, "file", now)))
        .collect();
    ok(serde_json::json!({ "items": items }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PemInput {
    chain_pem: String,
    key_pem: String,
}

/// `PUT /api/v1/certificates/{name}` (the office): 422 with the reason when the chain, the
/// key, the names or the dates do not hold.
pub(crate) async fn put(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(name): Path<String>,
    Body(input): Body<PemInput>,
) -> ApiResult {
    let saved = tls::put(
        state.services(),
        &c,
        CertificateInput {
            name,
            chain_pem: input.chain_pem,
            key_pem: input.key_pem,
        },
    )
    .await?;
    ok(dto(&saved.cert, "stored", state.services().now()))
}

/// `DELETE /api/v1/certificates/{name}` (the office).
pub(crate) async fn remove(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(name): Path<String>,
) -> ApiResult {
    tls::remove(state.services(), &c, &name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct HttpsInput {
    https_only: bool,
}

/// `PUT /api/v1/sites/{code}/https` (the office): 422 when turning it on for a site whose
/// hosts no valid certificate covers.
pub(crate) async fn switch(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<HttpsInput>,
) -> ApiResult {
    let files = state.certificates().from_files();
    let t = tls::set_https_only(state.services(), &c, &code, input.https_only, &files).await?;
    ok(dto::Site::from(&t))
}
