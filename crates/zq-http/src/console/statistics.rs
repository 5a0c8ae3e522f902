//! 发稿统计 pages (issue 16): `GET /console/sites/{code}/statistics` (a site's articles per
//! column, writer and month) and `GET /console/admin/statistics` (the cluster's per site and
//! month), each for a period, with `?format=csv` for the spreadsheet. The counting is
//! `zq_services::statistics`'; this draws it.

use axum::extract::{Path, Query, State};
use zq_domain::csv;
use zq_domain::statistics::{bar, month_label};
use zq_render::ConsolePage;
use zq_render::console_view::{CountLine, CountTable, StatisticsView};
use zq_services::statistics::{self, Output};

use super::BASE;
use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageResult, csv_download, html_status, site_frame};
use super::period::{Period, PeriodQuery};
use super::visits::bars;
use crate::AppState;
use crate::service::ServiceError;

/// Lines of `(name, count)` with bars scaled to the largest; `url` links a line.
fn lines(groups: &[(String, u64)], url: impl Fn(usize) -> Option<String>) -> Vec<CountLine> {
    let max = groups.iter().map(|g| g.1).max().unwrap_or(0);
    groups
        .iter()
        .enumerate()
        .map(|(i, (label, count))| CountLine {
            label: label.clone(),
            count: *count,
            bar: bar(*count, max, 200),
            url: url(i),
        })
        .collect()
}

/// The parts of the page every 发稿统计 shares, filled from `out` (or empty on a bad period).
#[allow(clippy::too_many_arguments)]
fn view<F: serde::Serialize>(
    frame: F,
    base_template: &'static str,
    heading: String,
    action: String,
    q: &PeriodQuery,
    p: &Period,
    out: Option<&Output>,
    tables: Vec<CountTable>,
) -> StatisticsView<F> {
    let months: Vec<(String, i64)> = out
        .map(|o| {
            o.by_month
                .iter()
                .map(|(m, n)| (month_label(*m), i64::try_from(*n).unwrap_or(i64::MAX)))
                .collect()
        })
        .unwrap_or_default();
    let width = if months.len() > 36 { 6 } else { 24 };
    StatisticsView {
        frame,
        base_template,
        heading,
        csv_url: format!("{action}?{}&format=csv", p.query),
        action,
        period: p.period.clone(),
        period_label: p.label.clone(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        total: out.map_or(0, |o| o.total),
        chart_width: (months.len() as u32 * width).max(width),
        month_bars: bars(&months, width, "条"),
        chart_label: format!("{} 每月发稿数", p.label),
        months: months
            .iter()
            .map(|(label, n)| CountLine {
                label: label.clone(),
                count: u64::try_from(*n).unwrap_or(0),
                bar: 0,
                url: None,
            })
            .collect(),
        tables,
    }
}

/// The CSV of a 发稿统计: one line per (kind, name, count).
fn csv_of(sections: &[(&str, &[(String, u64)])], months: &[(String, u64)]) -> String {
    let mut out = String::from(csv::BOM);
    out.push_str(&csv::row(&["类别", "名称", "发稿数"]));
    for (kind, groups) in sections {
        for (name, n) in *groups {
            out.push_str(&csv::row(&[*kind, name.as_str(), &n.to_string()]));
        }
    }
    for (m, n) in months {
        out.push_str(&csv::row(&["月份", m.as_str(), &n.to_string()]));
    }
    out
}

fn month_groups(out: &Output) -> Vec<(String, u64)> {
    out.by_month
        .iter()
        .map(|(m, n)| (month_label(*m), *n))
        .collect()
}

fn wants_csv(q: &PeriodQuery) -> bool {
    q.format.as_deref() == Some("csv")
}

/// `GET /console/sites/{code}/statistics`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let p = q.period(&state, false);
    let t = crate::service::site(
        state.services(),
        &cc.caller,
        &code,
        zq_domain::access::Action::ReadFigures,
    )
    .await?;
    let got = match p.range.clone() {
        Ok((from, to)) => {
            Some(statistics::site_output(state.services(), &cc.caller, &code, from, to).await)
        }
        Err(_) => None,
    };
    let (out, error) = match got {
        Some(Ok(o)) => (Some(o), None),
        Some(Err(e @ ServiceError::Invalid(_))) => (None, Some(e.to_string())),
        Some(Err(e)) => return Err(e.into()),
        None => (None, p.range.clone().err()),
    };
    if let (true, Some(o)) = (wants_csv(&q), &out) {
        let body = csv_of(
            &[("栏目", &o.by_column.groups), ("撰写人", &o.by_author)],
            &month_groups(&o.by_column),
        );
        return Ok(csv_download(&format!("发稿统计-{code}-{}", p.label), body));
    }
    let mut frame = site_frame(&state, &cc, &t, "statistics", None).await?;
    let status = super::period::status_of(&error);
    frame.error = error;
    let tables = out
        .as_ref()
        .map(|o| {
            vec![
                CountTable {
                    heading: "各栏目发稿",
                    key: "栏目",
                    rows: lines(&o.by_column.groups, |_| None),
                },
                CountTable {
                    heading: "各撰写人发稿",
                    key: "撰写人",
                    rows: lines(&o.by_author, |_| None),
                },
            ]
        })
        .unwrap_or_default();
    let v = view(
        frame,
        "console_site_base.html",
        format!("{} 发稿统计", t.name),
        format!("{BASE}/sites/{code}/statistics"),
        &q,
        &p,
        out.as_ref().map(|o| &o.by_column),
        tables,
    );
    html_status(&state, status, ConsolePage::Statistics, &v)
}

/// `GET /console/admin/statistics`.
pub(crate) async fn cluster(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let p = q.period(&state, false);
    let got = match p.range.clone() {
        Ok((from, to)) => {
            Some(statistics::cluster_output(state.services(), &cc.caller, from, to).await)
        }
        Err(_) => None,
    };
    let (out, error) = match got {
        Some(Ok(o)) => (Some(o), None),
        Some(Err(e @ ServiceError::Invalid(_))) => (None, Some(e.to_string())),
        Some(Err(e)) => return Err(e.into()),
        None => {
            // A bad period still needs the right to see the page at all.
            if !cc.caller.sees_everything() {
                return Err(ServiceError::Forbidden("查看统计".into()).into());
            }
            (None, p.range.clone().err())
        }
    };
    if let (true, Some((o, _))) = (wants_csv(&q), &out) {
        let body = csv_of(&[("网站", &o.groups)], &month_groups(o));
        return Ok(csv_download(
            &format!("发稿统计-全部网站-{}", p.label),
            body,
        ));
    }
    let mut frame = admin_frame(&state, &cc, "statistics", None);
    let status = super::period::status_of(&error);
    frame.error = error;
    let tables = out
        .as_ref()
        .map(|(o, sites)| {
            let query = p.query.clone();
            vec![CountTable {
                heading: "各网站发稿",
                key: "网站",
                rows: lines(&o.groups, |i| {
                    sites
                        .get(i)
                        .map(|(t, _)| format!("{BASE}/sites/{}/statistics?{query}", t.code))
                }),
            }]
        })
        .unwrap_or_default();
    let v = view(
        frame,
        "console_admin_base.html",
        "全部网站发稿统计".into(),
        format!("{BASE}/admin/statistics"),
        &q,
        &p,
        out.as_ref().map(|(o, _)| o),
        tables,
    );
    html_status(&state, status, ConsolePage::Statistics, &v)
}
