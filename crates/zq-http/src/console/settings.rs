//! A site's settings page (网站设置): name, sponsor, contact, 网站标识码, logo, theme colour,
//! whether editors may publish without review, and the footer's records (备案号, 党政机关网站标识,
//! on the portal the superior portal).

use std::collections::HashMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::access::Action;
use zq_render::ConsolePage;
use zq_render::console_view::{SettingsForm, SettingsView};
use zq_store::{SiteSettings, Tenant};

use super::see_other;
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError};

use super::frame::*;

pub(crate) async fn settings(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::EditSettings).await?;
    settings_page(
        &state,
        &cc,
        &t,
        SiteSettings::of(&t),
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

pub(super) async fn settings_page(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    form: SiteSettings,
    notice_code: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut frame = site_frame(state, cc, t, "settings", notice_code).await?;
    frame.error = error;
    let view = SettingsView {
        frame,
        form: SettingsForm {
            name: form.name,
            sponsor: form.sponsor,
            site_id: form.site_id,
            contact: form.contact,
            logo: form.logo,
            theme_color: form.theme_color,
            editors_publish_directly: form.editors_publish_directly,
            records: form.records,
            is_portal: t.kind == zq_domain::TenantKind::Portal,
        },
    };
    html_status(state, status, ConsolePage::Settings, &view)
}

pub(crate) async fn save_settings(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::EditSettings).await?;
    let g = |k: &str| f.get(k).cloned();
    let form = SiteSettings {
        name: g("name").unwrap_or_default(),
        sponsor: g("sponsor").unwrap_or_default(),
        site_id: g("site_id"),
        contact: g("contact"),
        logo: g("logo"),
        theme_color: g("theme_color"),
        editors_publish_directly: f.get("editors_publish_directly").is_some_and(|v| v == "on"),
        records: zq_domain::records::SiteRecords {
            icp: g("icp"),
            police: g("police"),
            conac_id: g("conac_id"),
            // Only the portal's form has these; another site keeps what it has.
            superior_name: if t.kind == zq_domain::TenantKind::Portal {
                g("superior_name")
            } else {
                t.records.superior_name.clone()
            },
            superior_url: if t.kind == zq_domain::TenantKind::Portal {
                g("superior_url")
            } else {
                t.records.superior_url.clone()
            },
        },
    };
    if f.get("csrf") != Some(&cc.csrf) {
        let e = Some("表单已过期，请重新提交。".into());
        return settings_page(&state, &cc, &t, form, None, e, StatusCode::FORBIDDEN).await;
    }
    match service::update_settings(state.services(), &cc.caller, &code, form.clone()).await {
        Ok(_) => Ok(see_other(&format!(
            "{}/settings?notice=settings",
            site_base(&t)
        ))),
        Err(e @ ServiceError::Invalid(_)) => {
            let status = e.status();
            settings_page(&state, &cc, &t, form, None, Some(e.to_string()), status).await
        }
        Err(e) => Err(e.into()),
    }
}
