//! The cached public pages of interaction, built like every other page of a site (through
//! `site::pages::render`, so they are served from the page cache and dropped when a case of
//! the site is opened or answered): the interaction page `/hudong/` (what a citizen can do
//! here, the mailboxes, this year's figures, the latest replies), the registry of replied
//! letters (信件选登) `/hudong/xinjian/`, one letter with its reply, and the monthly
//! statistics `/hudong/tongji/`. Personal details never reach them: the writer's details
//! stay sealed in the store, and only letters their writers allowed to publish are listed.

use chrono::Datelike;
use zq_domain::interaction::LetterKind;
use zq_domain::interaction::stats::MonthRow;
use zq_domain::time::beijing_date;
use zq_render::interaction_view::{
    Entry, HubView, MailboxLine, RegistryLetterView, RegistryLine, RegistryView, StatRow,
    StatisticsView, YearLink,
};
use zq_store::Case;

use super::super::Links;
use super::super::pages::{chrome, crumb, day, pagination};
use super::{paragraphs, rating_label, service_error};
use crate::registry::{Site, Snapshot};
use crate::service::interaction;
use crate::service::{ServiceError, format_local};
use crate::{AppState, SiteError};

/// Letters per registry page.
const REGISTRY_PAGE: u32 = 20;
/// Latest letters on the interaction page.
const HUB_LATEST: u64 = 8;
/// Years the statistics go back.
const STAT_YEARS: i32 = 3;

fn hub_crumb(links: &Links) -> zq_render::view::Crumb {
    crumb("互动交流", Some(links.url("/hudong/")))
}

fn category(c: &Case) -> String {
    match c.category.as_deref().map(str::parse::<LetterKind>) {
        Some(Ok(k)) => k.label().to_owned(),
        _ => c.kind.label().to_owned(),
    }
}

fn line(links: &Links, c: &Case) -> RegistryLine {
    RegistryLine {
        url: links.url(&format!("/hudong/xinjian/{}.html", c.id)),
        subject: c.subject.clone(),
        category: category(c),
        submitted: day(c.submitted_at),
        replied: c.replied_at.map(day).unwrap_or_default(),
        unit: c.reply_unit.clone().unwrap_or_default(),
    }
}

fn failed(e: ServiceError) -> SiteError {
    service_error(e)
}

/// `/hudong/`.
pub(crate) async fn hub(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
) -> Result<HubView, SiteError> {
    let svc = state.services();
    let t = &site.tenant;
    let mailboxes = interaction::mailboxes(svc, t).await.map_err(failed)?;
    let (latest, _) = interaction::registry(svc, t, HUB_LATEST, 0)
        .await
        .map_err(failed)?;
    let year = beijing_date(svc.now()).year();
    let rows = interaction::statistics(svc, t, year)
        .await
        .map_err(failed)?;
    let total = stat_row(rows.last().unwrap_or(&no_cases(year)), 1);
    let entry = |label: &str, path: &str, hint: &str| Entry {
        label: label.to_owned(),
        url: links.url(path),
        hint: hint.to_owned(),
    };
    let mut entries = Vec::new();
    if mailboxes.iter().any(|m| m.active) {
        entries.push(entry("我要写信", "/forms/letter", "咨询、投诉、建议、求助"));
    }
    entries.extend([
        entry("办理查询", "/forms/query", "凭查询码查看办理进度和答复"),
        entry(
            "我为政府网站找错",
            "/forms/error",
            "报告错别字、无法打开的链接、过时的内容",
        ),
        entry(
            "政府信息公开申请",
            "/forms/disclosure",
            "依申请公开政府信息",
        ),
        entry("意见征集", "/hudong/zhengji/", "对政策文件草案发表意见"),
        entry(
            "网上调查",
            "/hudong/diaocha/",
            "填写问卷，调查结束后公布结果",
        ),
        entry("在线访谈", "/hudong/fangtan/", "向做客访谈的负责人提问"),
        entry("信件选登", "/hudong/xinjian/", "已答复并同意公开的来信"),
        entry(
            "来信统计",
            "/hudong/tongji/",
            "每月收到、答复、按期答复和满意情况",
        ),
    ]);
    Ok(HubView {
        chrome: chrome(
            snap,
            site,
            links,
            "互动交流".into(),
            vec![crumb("互动交流", None)],
            latest.first().and_then(|c| c.replied_at),
        ),
        entries,
        mailboxes: mailboxes
            .into_iter()
            .filter(|m| m.active)
            .map(|m| MailboxLine {
                name: m.name,
                description: m.description,
            })
            .collect(),
        latest: latest.iter().map(|c| line(links, c)).collect(),
        registry_url: links.url("/hudong/xinjian/"),
        year: total,
        statistics_url: links.url("/hudong/tongji/"),
    })
}

/// `/hudong/xinjian/` and its later pages.
pub(crate) async fn registry(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    page_no: u32,
) -> Result<RegistryView, SiteError> {
    let size = u64::from(REGISTRY_PAGE);
    let offset = u64::from(page_no - 1) * size;
    let (items, total) = interaction::registry(state.services(), &site.tenant, size, offset)
        .await
        .map_err(failed)?;
    if page_no > 1 && items.is_empty() {
        return Err(SiteError::NotFound);
    }
    let total_pages = u32::try_from(total.div_ceil(size))
        .unwrap_or(u32::MAX)
        .max(1);
    let page_url = |n: u32| match n {
        1 => links.url("/hudong/xinjian/"),
        n => links.url(&format!("/hudong/xinjian/page/{n}/")),
    };
    let heading = "信件选登".to_owned();
    let mut crumbs = vec![hub_crumb(links), crumb(&heading, None)];
    if page_no > 1 {
        crumbs[1].url = Some(page_url(1));
        crumbs.push(crumb(&format!("第{page_no}页"), None));
    }
    Ok(RegistryView {
        chrome: chrome(
            snap,
            site,
            links,
            heading.clone(),
            crumbs,
            items.first().and_then(|c| c.replied_at),
        ),
        heading,
        items: items.iter().map(|c| line(links, c)).collect(),
        pagination: pagination(page_no, total_pages, total, page_url),
        letter_url: links.url("/forms/letter"),
    })
}

/// `/hudong/xinjian/{id}.html`.
pub(crate) async fn letter(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    id: i64,
) -> Result<RegistryLetterView, SiteError> {
    let svc = state.services();
    let c = interaction::registry_entry(svc, &site.tenant, id)
        .await
        .map_err(failed)?;
    let mailbox = match c.mailbox_id {
        Some(m) => state
            .store()
            .mailboxes(c.origin_tenant_id)
            .await?
            .into_iter()
            .find(|b| b.id == m)
            .map(|b| b.name),
        None => None,
    };
    let crumbs = vec![
        hub_crumb(links),
        crumb("信件选登", Some(links.url("/hudong/xinjian/"))),
        crumb(&c.subject, None),
    ];
    Ok(RegistryLetterView {
        chrome: chrome(snap, site, links, c.subject.clone(), crumbs, c.replied_at),
        subject: c.subject.clone(),
        category: category(&c),
        mailbox,
        submitted: day(c.submitted_at),
        accepted: c.accepted_at.map(day),
        replied: c.replied_at.map(day).unwrap_or_default(),
        unit: c.reply_unit.clone().unwrap_or_default(),
        content: paragraphs(&c.content),
        reply: paragraphs(c.reply.as_deref().unwrap_or_default()),
        rating: c.rating.map(|r| rating_label(r).to_owned()),
    })
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// A year's total with no cases.
fn no_cases(year: i32) -> MonthRow {
    MonthRow {
        year,
        month: 0,
        received: 0,
        replied: 0,
        on_time: 0,
        overdue: 0,
        avg_days: None,
        satisfaction: None,
        rated: 0,
    }
}

fn stat_row(r: &MonthRow, busiest: u32) -> StatRow {
    let bar = |n: u32| n * 160 / busiest.max(1);
    StatRow {
        label: if r.month == 0 {
            "合计".into()
        } else {
            format!("{}月", r.month)
        },
        received: r.received,
        replied: r.replied,
        on_time: r.on_time,
        overdue: r.overdue,
        on_time_rate: pct(r.on_time_rate()),
        avg_days: r
            .avg_days
            .map(|d| format!("{d:.1} 个工作日"))
            .unwrap_or_else(|| "—".into()),
        satisfaction: pct(r.satisfaction),
        bar_received: bar(r.received),
        bar_replied: bar(r.replied),
    }
}

/// `/hudong/tongji/` (this year) and `/hudong/tongji/{year}/`.
pub(crate) async fn statistics(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    year: Option<i32>,
) -> Result<StatisticsView, SiteError> {
    let svc = state.services();
    let now = svc.now();
    let this_year = beijing_date(now).year();
    let year = year.unwrap_or(this_year);
    if year > this_year || year <= this_year - STAT_YEARS {
        return Err(SiteError::NotFound);
    }
    let mut rows = interaction::statistics(svc, &site.tenant, year)
        .await
        .map_err(failed)?;
    let total = rows.pop().unwrap_or_else(|| no_cases(year));
    let busiest = rows.iter().map(|r| r.received).max().unwrap_or(0);
    let heading = format!("{year}年来信统计");
    let crumbs = vec![hub_crumb(links), crumb("来信统计", None)];
    Ok(StatisticsView {
        chrome: chrome(snap, site, links, heading.clone(), crumbs, None),
        heading,
        year,
        years: (0..STAT_YEARS)
            .map(|i| this_year - i)
            .map(|y| YearLink {
                year: y,
                url: if y == this_year {
                    links.url("/hudong/tongji/")
                } else {
                    links.url(&format!("/hudong/tongji/{y}/"))
                },
                current: y == year,
            })
            .collect(),
        rows: rows.iter().map(|r| stat_row(r, busiest)).collect(),
        total: stat_row(&total, busiest.max(total.received)),
        as_of: format_local(now, false),
    })
}
