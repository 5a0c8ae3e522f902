//! A site's article lists (全部信息 with state filters, 待审核), an article's version history
//! with diff and restore, and the site's audit log.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use zq_domain::ColumnId;
use zq_domain::access::Action;
use zq_domain::workflow::WorkflowState;
use zq_render::ConsolePage;
use zq_render::console_view::{
    ArticleLine, ArticlesView, BulkResult, Choice, DiffLine, Filter, ListSearch, RevisionLine,
    VersionLine, VersionsView,
};

use super::{BASE, see_other};
use crate::AppState;
use crate::service::{self, ServiceError, format_local};

use super::editor::parse_article_id;
use super::frame::*;

#[derive(Debug, Deserialize, Default, Clone, serde::Serialize)]
pub(crate) struct ListQuery {
    state: Option<String>,
    #[serde(default)]
    page: u64,
    pub(super) notice: Option<String>,
    /// Words in the title or text.
    #[serde(default)]
    q: String,
    #[serde(default)]
    column: String,
    #[serde(default)]
    author: String,
    /// Last changed from / to this day (inclusive), `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl ListQuery {
    /// The state asked for on 信息管理, if any.
    fn state_filter(&self) -> Option<WorkflowState> {
        self.state
            .as_deref()
            .filter(|s| !s.is_empty())
            .and_then(|s| s.parse::<WorkflowState>().ok())
    }

    /// The store's query, and the search part as a query string for the pager's links.
    fn search(&self, state: Option<WorkflowState>) -> (zq_store::ArticleQuery, String) {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let id = |s: &str| s.trim().parse::<i64>().ok().filter(|n| *n > 0);
        let q = zq_store::ArticleQuery {
            state,
            column: id(&self.column).map(ColumnId),
            author: id(&self.author).map(zq_domain::UserId),
            text: Some(self.q.trim().to_owned()).filter(|t| !t.is_empty()),
            from: day(&self.from).map(zq_domain::time::beijing_midnight),
            to: day(&self.to)
                .and_then(|d| d.succ_opt())
                .map(zq_domain::time::beijing_midnight),
        };
        let mut link = String::new();
        for (k, v) in [
            ("q", &self.q),
            ("column", &self.column),
            ("author", &self.author),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.trim().is_empty() {
                link.push_str(&format!(
                    "&{k}={}",
                    percent_encoding::utf8_percent_encode(
                        v.trim(),
                        percent_encoding::NON_ALPHANUMERIC
                    )
                ));
            }
        }
        (q, link)
    }
}

pub(super) const PAGE: u64 = 30;

pub(crate) async fn list(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    list_page(&state, &cc, &code, &q, "list", None).await
}

pub(crate) async fn review(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    list_page(&state, &cc, &code, &q, "review", None).await
}

/// 信息管理 (`current` = `list`) or 待审核 (`review`) as `lq` asks, with the outcome of a
/// bulk action just sent (and its status) if any.
pub(super) async fn list_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    lq: &ListQuery,
    current: &str,
    bulk_result: Option<(StatusCode, BulkResult)>,
) -> PageResult {
    let filter = if current == "review" {
        Some(WorkflowState::PendingReview)
    } else {
        lq.state_filter()
    };
    let (page, notice_code) = (lq.page, lq.notice.as_deref());
    let (query, search_link) = lq.search(filter);
    let (t, items, total) = service::search_articles(
        state.services(),
        &cc.caller,
        code,
        &query,
        PAGE,
        page * PAGE,
    )
    .await?;
    let columns = state.store().columns(t.id).await?;
    let col_name = |id: ColumnId| {
        columns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let base = site_base(&t);
    let page_url = |p: u64| {
        let mut u = format!(
            "{base}/{}?page={p}",
            if current == "review" { "review" } else { "" }
        );
        if let Some(f) = filter.filter(|_| current != "review") {
            u.push_str(&format!("&state={f}"));
        }
        u.push_str(&search_link);
        u
    };
    let mut filters = vec![Filter {
        label: "全部",
        url: format!("{base}/?page=0{search_link}"),
        current: filter.is_none(),
    }];
    for s in WorkflowState::ALL {
        filters.push(Filter {
            label: s.label(),
            url: format!("{base}/?state={s}{search_link}"),
            current: filter == Some(*s),
        });
    }
    let revisions = if current == "review" {
        service::revisions::pending_revisions(state.services(), &cc.caller, code)
            .await?
            .1
    } else {
        Vec::new()
    };
    let authors = if current == "list" {
        state.store().tenant_users(t.id).await?
    } else {
        Vec::new()
    };
    let search = (current == "list").then(|| ListSearch {
        state: filter.map(|f| f.as_str()).unwrap_or_default(),
        q: lq.q.clone(),
        column: lq.column.clone(),
        author: lq.author.clone(),
        from: lq.from.clone(),
        to: lq.to.clone(),
        columns: column_tree(&columns, false),
        authors: authors
            .iter()
            .map(|(u, _)| Choice {
                value: u.id.0.to_string(),
                label: u.display_name.clone(),
            })
            .collect(),
        states: WorkflowState::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: s.label().to_owned(),
            })
            .collect(),
        active: query
            != zq_store::ArticleQuery {
                state: filter,
                ..Default::default()
            },
    });
    let bulk = super::bulk::panel(
        cc,
        &t,
        if current == "review" {
            "review"
        } else {
            "list"
        },
        &page_url(page),
        column_tree(&columns, true),
    );
    let (status, bulk_result) = match bulk_result {
        Some((status, r)) => (status, Some(r)),
        None => (StatusCode::OK, None),
    };
    let view = ArticlesView {
        bulk: bulk.filter(|_| !items.is_empty()),
        bulk_result,
        search,
        revisions: revisions
            .iter()
            .map(|r| RevisionLine {
                id: r.article_id.0,
                title: r.text.title.clone(),
                column: col_name(r.text.column_id),
                updated: format_local(r.updated_at, false),
                minor: r.minor,
            })
            .collect(),
        frame: site_frame(state, cc, &t, current, notice_code).await?,
        heading: if current == "review" {
            "待审核信息"
        } else {
            "信息管理"
        },
        can_write: zq_domain::access::allowed(
            &cc.caller.grants,
            Action::WriteArticles,
            Some(t.id),
            service::policy(&t),
        ),
        filters,
        items: items
            .iter()
            .map(|a| ArticleLine {
                id: a.id.0,
                title: a.title.clone(),
                column: col_name(a.column_id),
                state: a.state.as_str(),
                state_label: a.state.label(),
                version: a.version,
                updated: format_local(a.updated_at, false),
                published: a
                    .published_at
                    .or(a.publish_at)
                    .map(|t| format_local(t, false))
                    .unwrap_or_default(),
            })
            .collect(),
        total,
        prev_url: (page > 0).then(|| page_url(page - 1)),
        next_url: ((page + 1) * PAGE < total).then(|| page_url(page + 1)),
    };
    html_status(state, status, ConsolePage::Articles, &view)
}

/// The site's columns as a picker's tree; `takes_articles`: only those articles can go into.
pub(super) fn column_tree(columns: &[zq_store::Column], takes_articles: bool) -> Vec<Choice> {
    zq_domain::column::tree_order(columns, |c| c.id.0, |c| c.parent_id.map(|p| p.0))
        .into_iter()
        .filter(|(_, c)| !takes_articles || zq_domain::article::column_takes_articles(c.kind))
        .map(|(depth, c)| Choice {
            value: c.id.0.to_string(),
            label: zq_domain::column::tree_label(depth, &c.name),
        })
        .collect()
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
    notice: Option<String>,
}

pub(crate) async fn versions(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let (t, a) = service::article(state.services(), &cc.caller, &code, id).await?;
    let list = service::versions(state.services(), &cc.caller, &code, id).await?;
    let newest = list.first().map_or(1, |v| v.version);
    let to = q.to.unwrap_or(newest);
    let from = q.from.unwrap_or((to - 1).max(1));
    let diff = if from != to {
        Some(
            service::version_diff(state.services(), &cc.caller, &code, id, from, to)
                .await?
                .2,
        )
    } else {
        None
    };
    let users = state.store().list_users().await?;
    let login_of = |u: Option<zq_domain::UserId>| {
        u.and_then(|u| users.iter().find(|x| x.id == u))
            .map(|x| x.display_name.clone())
            .unwrap_or_else(|| "系统".into())
    };
    let view = VersionsView {
        frame: site_frame(&state, &cc, &t, "list", q.notice.as_deref()).await?,
        title: a.text.title.clone(),
        article_url: format!("{}/articles/{}", site_base(&t), a.id),
        can_restore: a.state.is_editable()
            && zq_domain::access::allowed(
                &cc.caller.grants,
                Action::WriteArticles,
                Some(t.id),
                service::policy(&t),
            ),
        versions: list
            .iter()
            .map(|x| VersionLine {
                version: x.version,
                title: x.text.title.clone(),
                state_label: x.state.label(),
                saved_by: login_of(x.saved_by),
                saved_at: format_local(x.saved_at, false),
                corrected: x.corrected,
                minor: x.minor,
            })
            .collect(),
        from,
        to,
        diff: diff.map(|lines| {
            lines
                .iter()
                .map(|l| DiffLine {
                    tag: l.tag,
                    text: l.text.clone(),
                })
                .collect()
        }),
    };
    html(&state, ConsolePage::Versions, &view)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, version)): Path<(String, String, String)>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    let version = version
        .parse::<i32>()
        .map_err(|_| ServiceError::NotFound(format!("版本 {version}")))?;
    let a = service::restore(state.services(), &cc.caller, &code, id, version).await?;
    Ok(see_other(&format!(
        "{BASE}/sites/{code}/articles/{}?notice=restored",
        a.id
    )))
}
