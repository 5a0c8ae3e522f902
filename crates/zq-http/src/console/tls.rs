//! The office's certificates in the console (集群管理 → 证书与 HTTPS): the certificates served
//! with their expiry warnings, the upload form (a renewal is an upload under the same name),
//! removal, and each site's HTTPS-only switch. Every write goes through `crate::service::tls`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::tls::{self as rules, Expiry};
use zq_render::ConsolePage;
use zq_render::console_view::{CertificateRow, CertificatesView, HttpsSiteRow};

use super::admin::admin_frame;
use super::frame::{ConsoleCaller, NoticeQuery, PageResult, html_status};
use super::{BASE, see_other};
use crate::AppState;
use crate::service::ServiceError;
use crate::service::tls::{self, CertificateInput};
use crate::tls::Source;

async fn page(
    state: &AppState,
    cc: &ConsoleCaller,
    notice: Option<&str>,
    refused: Option<(CertificateInput, String)>,
) -> PageResult {
    let svc = state.services();
    // Checks the caller may read them (the office and operators).
    tls::list(svc, &cc.caller).await?;
    let now = svc.now();
    let can_manage = cc.caller.grants.cluster == Some(zq_domain::access::ClusterRole::ClusterAdmin);
    let mut frame = admin_frame(state, cc, "certificates", notice);
    let (typed, status) = match refused {
        Some((typed, error)) => {
            frame.error = Some(error);
            (typed, StatusCode::UNPROCESSABLE_ENTITY)
        }
        None => (CertificateInput::default(), StatusCode::OK),
    };
    // What the listener serves: the stored certificates and the directory's files.
    let mut certs: Vec<(zq_store::NewCertificate, Source)> = state
        .store()
        .certificates()
        .await?
        .into_iter()
        .map(|s| (s.cert, Source::Stored))
        .collect();
    certs.extend(
        state
            .certificates()
            .from_files()
            .into_iter()
            .map(|c| (c, Source::File)),
    );
    let rows = certs
        .iter()
        .map(|(c, source)| {
            let expiry = Expiry::at(c.not_after, now);
            CertificateRow {
                name: c.name.clone(),
                names: c.names.join("、"),
                source: match source {
                    Source::Stored => "上传",
                    Source::File => "文件",
                },
                not_after: zq_domain::time::format_local(c.not_after, false),
                days_left: rules::days_left(c.not_after, now),
                expiry: expiry.as_str(),
                expiry_label: expiry.label(),
                fingerprint: c.fingerprint.clone(),
                can_remove: can_manage && *source == Source::Stored,
            }
        })
        .collect();
    let plain: Vec<zq_store::NewCertificate> = certs.into_iter().map(|(c, _)| c).collect();
    let candidates = plain_candidates(&plain);
    let sites = state
        .store()
        .list_tenants()
        .await?
        .iter()
        .map(|t| HttpsSiteRow {
            code: t.code.to_string(),
            name: t.name.clone(),
            hosts: t
                .hosts
                .iter()
                .map(|h| h.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            certificate: t
                .hosts
                .first()
                .and_then(|h| rules::choose(&candidates, h.as_str(), now))
                .map(|c| c.0.name.clone()),
            uncovered: tls::uncovered(t, &plain, now).join("、"),
            https_only: t.https_only,
        })
        .collect();
    let view = CertificatesView {
        frame,
        can_manage,
        listening: state.config().tls.is_some(),
        rows,
        problems: state.certificates().problems().as_ref().clone(),
        sites,
        name: typed.name,
        chain_pem: typed.chain_pem,
    };
    html_status(state, status, ConsolePage::Certificates, &view)
}

/// A certificate as the chooser sees it.
struct Plain<'a>(&'a zq_store::NewCertificate);

impl rules::Candidate for Plain<'_> {
    fn names(&self) -> &[String] {
        &self.0.names
    }

    fn not_after(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.not_after
    }
}

fn plain_candidates(certs: &[zq_store::NewCertificate]) -> Vec<Plain<'_>> {
    certs.iter().map(Plain).collect()
}

/// `GET /console/admin/certificates`.
pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    page(&state, &cc, q.notice.as_deref(), None).await
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct UploadForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    chain_pem: String,
    #[serde(default)]
    key_pem: String,
}

/// `POST /console/admin/certificates`: checks and stores (or renews) a certificate.
pub(crate) async fn upload(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<UploadForm>,
) -> PageResult {
    cc.check_csrf(&f.csrf)?;
    let input = CertificateInput {
        name: f.name,
        chain_pem: f.chain_pem,
        key_pem: f.key_pem,
    };
    match tls::put(state.services(), &cc.caller, input.clone()).await {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/admin/certificates?notice=certificate_saved"
        ))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::TooLarge(_))) => {
            // The key is never shown again on the page.
            let typed = CertificateInput {
                key_pem: String::new(),
                ..input
            };
            page(&state, &cc, None, Some((typed, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
    #[serde(default)]
    https_only: String,
}

/// `POST /console/admin/certificates/{name}/delete`.
pub(crate) async fn remove(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    cc.check_csrf(&f.csrf)?;
    tls::remove(state.services(), &cc.caller, &name).await?;
    Ok(see_other(&format!(
        "{BASE}/admin/certificates?notice=certificate_removed"
    )))
}

/// `POST /console/admin/certificates/sites/{code}`: turns a site's HTTPS-only on or off.
pub(crate) async fn switch(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    cc.check_csrf(&f.csrf)?;
    let on = f.https_only == "true";
    let files = state.certificates().from_files();
    match tls::set_https_only(state.services(), &cc.caller, &code, on, &files).await {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/admin/certificates?notice={}",
            if on { "https_on" } else { "https_off" }
        ))),
        Err(ServiceError::Invalid(reason)) => {
            page(
                &state,
                &cc,
                None,
                Some((CertificateInput::default(), reason)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
