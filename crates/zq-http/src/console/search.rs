//! 站内搜索管理 (issue 17): `GET /console/sites/{code}/search` (a site's synonyms and best
//! bets, kept by its site administrators, and the questions asked on its search) and
//! `GET /console/admin/search` (the cluster's, kept by the office; questions on every site),
//! each with a period and `?format=csv&list=top|empty`; the forms post to `…/synonyms`,
//! `…/synonyms/{id}/delete`, `…/best-bets` and `…/best-bets/{id}/delete`. Every write goes
//! through `zq_services::search::office`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::csv;
use zq_domain::time::beijing_date;
use zq_render::ConsolePage;
use zq_render::console_view::{BestBetRow, FileRow, QueryRow, SearchOfficeView, SynonymRow};
use zq_services::search::office::{self, BestBetInput};

use super::admin::admin_frame;
use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, csv_download, field, html_status, site_frame,
};
use super::period::PeriodQuery;
use super::{BASE, see_other};
use crate::AppState;
use crate::service::ServiceError;

/// What a refused form had typed, and why.
#[derive(Default)]
struct Refused {
    words: String,
    bet: BestBetInput,
    error: Option<String>,
}

fn synonym_rows(list: &[zq_store::Synonym]) -> Vec<SynonymRow> {
    list.iter()
        .map(|s| SynonymRow {
            id: s.id,
            words: s.words.join("，"),
        })
        .collect()
}

/// The page of the cluster (`code` `None`) or a site.
async fn page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    q: &PeriodQuery,
    notice: Option<&str>,
    refused: Refused,
) -> PageResult {
    let svc = state.services();
    let p = q.period(state, false);
    let (period_error, range) = match &p.range {
        Ok((from, to)) => (
            None,
            Some((
                beijing_date(*from),
                beijing_date(*to - chrono::Duration::seconds(1)),
            )),
        ),
        Err(e) => (Some(e.clone()), None),
    };
    let kept = office::kept(svc, &cc.caller, code).await?;
    let (top, unanswered) = match range {
        Some(r) => (
            office::top_queries(svc, &cc.caller, code, r, false).await?,
            office::top_queries(svc, &cc.caller, code, r, true).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let list = q.order.as_deref().unwrap_or("top");
    if q.format.as_deref() == Some("csv") && period_error.is_none() {
        let rows = if list == "empty" { &unanswered } else { &top };
        let mut body = String::from(csv::BOM);
        body.push_str(&csv::row(&["搜索词", "次数", "无结果次数"]));
        for (query, asked, empty) in rows {
            body.push_str(&csv::row(&[
                query.as_str(),
                &asked.to_string(),
                &empty.to_string(),
            ]));
        }
        let what = if list == "empty" {
            "无结果搜索词"
        } else {
            "热门搜索词"
        };
        return Ok(csv_download(
            &format!("{what}-{}-{}", code.unwrap_or("全站群"), p.label),
            body,
        ));
    }
    let (action, search_base, can_edit, frame_result) = match code {
        Some(code) => {
            let t = crate::service::site(
                svc,
                &cc.caller,
                code,
                zq_domain::access::Action::ReadFigures,
            )
            .await?;
            let can_edit = zq_domain::access::allowed(
                &cc.caller.grants,
                zq_domain::access::Action::EditSettings,
                Some(t.id),
                crate::service::policy(&t),
            );
            let frame = site_frame(state, cc, &t, "search", notice).await?;
            (
                format!("{BASE}/sites/{code}/search"),
                format!("/sites/{code}/search"),
                can_edit,
                Frame::Site(frame, t.name.clone()),
            )
        }
        None => (
            format!("{BASE}/admin/search"),
            "/sites/www/search".to_owned(),
            cc.caller.grants.cluster == Some(zq_domain::access::ClusterRole::ClusterAdmin),
            Frame::Admin(admin_frame(state, cc, "search", notice)),
        ),
    };
    let inherited = match code {
        Some(_) => synonym_rows(&office::cluster_synonyms(svc).await?),
        None => Vec::new(),
    };
    let unreadable: Vec<FileRow> = match code {
        Some(code) => zq_services::search::unreadable_files(svc, &cc.caller, code)
            .await?
            .into_iter()
            .map(|d| FileRow {
                url: format!("/sites/{code}{}", d.url),
                name: d.title,
                why: d.note.unwrap_or_default(),
            })
            .collect(),
        None => Vec::new(),
    };
    let query_url = |text: &str| {
        let q: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
        format!("{search_base}?q={q}")
    };
    let rows = |v: &[(String, i64, i64)]| -> Vec<QueryRow> {
        v.iter()
            .map(|(query, asked, empty)| QueryRow {
                query: query.clone(),
                asked: *asked,
                empty: *empty,
                url: query_url(query),
            })
            .collect()
    };
    let error = refused.error.clone().or(period_error);
    let status = if refused.error.is_some() || error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let csv_url = format!(
        "{action}?{}&format=csv&order={}",
        p.query,
        if list == "empty" { "empty" } else { "top" }
    );
    macro_rules! view {
        ($frame:expr, $base:expr, $heading:expr) => {
            SearchOfficeView {
                frame: $frame,
                base_template: $base,
                heading: $heading,
                action: action.clone(),
                can_edit,
                inherited_synonyms: inherited.clone(),
                synonyms: synonym_rows(&kept.synonyms),
                best_bets: kept
                    .best_bets
                    .iter()
                    .map(|b| BestBetRow {
                        id: b.id,
                        keywords: b.keywords.join("，"),
                        title: b.title.clone(),
                        url: b.url.clone(),
                        description: b.description.clone().unwrap_or_default(),
                    })
                    .collect(),
                typed_words: refused.words.clone(),
                typed_bet: BestBetRow {
                    id: 0,
                    keywords: refused.bet.keywords.clone(),
                    title: refused.bet.title.clone(),
                    url: refused.bet.url.clone(),
                    description: refused.bet.description.clone(),
                },
                period: p.period.clone(),
                period_label: p.label.clone(),
                from: q.from.clone().unwrap_or_default(),
                to: q.to.clone().unwrap_or_default(),
                csv_url: csv_url.clone(),
                top: rows(&top),
                unanswered: rows(&unanswered),
                search_url: search_base.clone(),
                unreadable: unreadable.clone(),
            }
        };
    }
    match frame_result {
        Frame::Site(mut f, name) => {
            f.error = error;
            let v = view!(f, "console_site_base.html", format!("{name} 站内搜索"));
            html_status(state, status, ConsolePage::Search, &v)
        }
        Frame::Admin(mut f) => {
            f.error = error;
            let v = view!(f, "console_admin_base.html", "全站群站内搜索".to_owned());
            html_status(state, status, ConsolePage::Search, &v)
        }
    }
}

enum Frame {
    Site(zq_render::console_view::SiteFrame, String),
    Admin(zq_render::console_view::AdminFrame),
}

/// `GET /console/sites/{code}/search`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
    Query(n): Query<NoticeQuery>,
) -> PageResult {
    page(
        &state,
        &cc,
        Some(&code),
        &q,
        n.notice.as_deref(),
        Refused::default(),
    )
    .await
}

/// `GET /console/admin/search`.
pub(crate) async fn cluster(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<PeriodQuery>,
    Query(n): Query<NoticeQuery>,
) -> PageResult {
    page(
        &state,
        &cc,
        None,
        &q,
        n.notice.as_deref(),
        Refused::default(),
    )
    .await
}

fn back(code: Option<&str>, notice: &str) -> axum::response::Response {
    match code {
        Some(c) => see_other(&format!("{BASE}/sites/{c}/search?notice={notice}")),
        None => see_other(&format!("{BASE}/admin/search?notice={notice}")),
    }
}

/// An id in a path; anything else is not found.
fn id_of(raw: &str, what: &str) -> Result<i64, ServiceError> {
    raw.parse()
        .map_err(|_| ServiceError::NotFound(format!("{what} {raw}")))
}

async fn add_synonym(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    f: &Fields,
) -> PageResult {
    cc.check_csrf(&field(f, "csrf"))?;
    let words = field(f, "words");
    match office::add_synonym(state.services(), &cc.caller, code, &words).await {
        Ok(_) => Ok(back(code, "search_synonym_added")),
        Err(ServiceError::Invalid(e)) => {
            let refused = Refused {
                words,
                error: Some(e),
                ..Refused::default()
            };
            page(state, cc, code, &PeriodQuery::default(), None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_best_bet(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    f: &Fields,
) -> PageResult {
    cc.check_csrf(&field(f, "csrf"))?;
    let bet = BestBetInput {
        keywords: field(f, "keywords"),
        title: field(f, "title"),
        url: field(f, "url"),
        description: field(f, "description"),
    };
    match office::add_best_bet(state.services(), &cc.caller, code, bet.clone()).await {
        Ok(_) => Ok(back(code, "search_best_bet_added")),
        Err(ServiceError::Invalid(e)) => {
            let refused = Refused {
                bet,
                error: Some(e),
                ..Refused::default()
            };
            page(state, cc, code, &PeriodQuery::default(), None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/sites/{code}/search/synonyms`.
pub(crate) async fn site_add_synonym(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    add_synonym(&state, &cc, Some(&code), &f).await
}

/// `POST /console/admin/search/synonyms`.
pub(crate) async fn cluster_add_synonym(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    add_synonym(&state, &cc, None, &f).await
}

/// `POST /console/sites/{code}/search/best-bets`.
pub(crate) async fn site_add_best_bet(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    add_best_bet(&state, &cc, Some(&code), &f).await
}

/// `POST /console/admin/search/best-bets`.
pub(crate) async fn cluster_add_best_bet(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    add_best_bet(&state, &cc, None, &f).await
}

/// `POST /console/sites/{code}/search/{synonyms|best-bets}/{id}/delete`.
pub(crate) async fn site_delete(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, what, id)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    delete(&state, &cc, Some(&code), &what, &id, &f).await
}

/// `POST /console/admin/search/{synonyms|best-bets}/{id}/delete`.
pub(crate) async fn cluster_delete(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((what, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    delete(&state, &cc, None, &what, &id, &f).await
}

async fn delete(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    what: &str,
    id: &str,
    f: &Fields,
) -> PageResult {
    cc.check_csrf(&field(f, "csrf"))?;
    let svc = state.services();
    match what {
        "synonyms" => {
            office::delete_synonym(svc, &cc.caller, code, id_of(id, "同义词组")?).await?;
            Ok(back(code, "search_synonym_deleted"))
        }
        "best-bets" => {
            office::delete_best_bet(svc, &cc.caller, code, id_of(id, "推荐结果")?).await?;
            Ok(back(code, "search_best_bet_deleted"))
        }
        _ => Err(ServiceError::NotFound("页面".into()).into()),
    }
}
