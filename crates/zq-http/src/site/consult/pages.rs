//! The cached public pages of participation, built through `site::pages::render` like every
//! page of a site (so they come from the page cache, dropped when a consultation, an approved
//! comment or an answered question changes what they show): the list of a kind
//! (`/hudong/zhengji/`, `/hudong/diaocha/`, `/hudong/fangtan/`) and one consultation with its
//! approved comments or its questions and answers, a closed survey's results as a table with
//! bars (SVG, no inline style) and the published outcome.

use zq_domain::ArticleId;
use zq_domain::consult::{ConsultKind, Phase};
use zq_render::consult_view::{
    ConsultLine, ConsultListView, ConsultPageView, EntryLine, FileLink, KindTab, ResultQuestion,
};
use zq_store::{Consultation, Entry};

use super::super::Links;
use super::super::interaction::{paragraphs, service_error};
use super::super::pages::{chrome, crumb, minute};
use super::form_name;
use crate::registry::{Site, Snapshot};
use crate::service::consult;
use crate::{AppState, SiteError};

/// What the list page of a kind says first.
fn intro(kind: ConsultKind) -> &'static str {
    match kind {
        ConsultKind::Solicitation => {
            "就政策文件草案等公开征求社会公众意见。意见经审核后公开显示，征集结束后公布意见采纳情况。"
        }
        ConsultKind::Survey => {
            "就公众关心的事项开展网上调查，每位访问者可提交一次问卷，调查结束后公布结果。"
        }
        ConsultKind::Interview => {
            "部门负责人做客在线访谈，解读政策、回应关切。访谈期间可在线提问，未能当场答复的提问转交有关部门办理。"
        }
    }
}

fn page_url(links: &Links, c: &Consultation) -> String {
    links.url(&format!("/hudong/{}/{}.html", c.kind.segment(), c.id))
}

fn hub_crumb(links: &Links) -> zq_render::view::Crumb {
    crumb("互动交流", Some(links.url("/hudong/")))
}

/// `/hudong/{segment}/`.
pub(crate) async fn list(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    kind: ConsultKind,
) -> Result<ConsultListView, SiteError> {
    let now = state.services().now();
    let items = consult::published(state.services(), &site.tenant, Some(kind))
        .await
        .map_err(service_error)?;
    let heading = kind.label().to_owned();
    Ok(ConsultListView {
        chrome: chrome(
            snap,
            site,
            links,
            heading.clone(),
            vec![hub_crumb(links), crumb(&heading, None)],
            items.iter().filter_map(|c| c.published_at).max(),
        ),
        intro: intro(kind).to_owned(),
        tabs: ConsultKind::ALL
            .iter()
            .map(|k| KindTab {
                label: k.label().to_owned(),
                url: links.url(&format!("/hudong/{}/", k.segment())),
                current: *k == kind,
            })
            .collect(),
        items: items
            .iter()
            .map(|c| {
                let phase = c.phase(now);
                ConsultLine {
                    url: page_url(links, c),
                    title: c.title.clone(),
                    phase_label: phase.label(c.kind).to_owned(),
                    open: phase == Phase::Open,
                    opens: minute(c.opens_at),
                    closes: minute(c.closes_at),
                    summary: c.summary.clone(),
                }
            })
            .collect(),
        heading,
    })
}

fn entry_line(e: &Entry) -> EntryLine {
    EntryLine {
        nickname: e.nickname.clone(),
        at: minute(e.submitted_at),
        content: paragraphs(&e.content),
        answer: e.answer.as_deref().map(paragraphs),
        answered_by: e.answered_by.clone(),
        answered_at: e.answered_at.map(minute),
    }
}

/// What the button to the form says.
fn form_label(kind: ConsultKind) -> &'static str {
    match kind {
        ConsultKind::Solicitation => "我要提意见",
        ConsultKind::Survey => "参与调查",
        ConsultKind::Interview => "我要提问",
    }
}

/// `/hudong/{segment}/{id}.html`.
pub(crate) async fn page(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    kind: ConsultKind,
    id: i64,
) -> Result<ConsultPageView, SiteError> {
    let p = consult::public_consultation(state.services(), &site.tenant, id)
        .await
        .map_err(service_error)?;
    let c = &p.consultation;
    if c.kind != kind {
        return Err(SiteError::NotFound);
    }
    let article_url = match c.article_id {
        Some(a) => state
            .store()
            .published_article(site.tenant.id, ArticleId(a))
            .await?
            .map(|_| links.url(&format!("/art/{a}.html"))),
        None => None,
    };
    let files = consult::attachments_of(state.services(), c)
        .await
        .map_err(service_error)?
        .iter()
        .map(|a| FileLink {
            name: a.file_name.clone(),
            url: links.url(&a.public_path()),
            about: file_about(&a.file_name, a.size),
        })
        .collect();
    let mut entries: Vec<&Entry> = p.entries.iter().collect();
    if kind == ConsultKind::Interview {
        // Answered questions first, in the order they were answered.
        entries.sort_by_key(|e| (e.answered_at.is_none(), e.answered_at, e.id));
    }
    let crumbs = vec![
        hub_crumb(links),
        crumb(
            kind.label(),
            Some(links.url(&format!("/hudong/{}/", kind.segment()))),
        ),
        crumb(&c.title, None),
    ];
    Ok(ConsultPageView {
        chrome: chrome(
            snap,
            site,
            links,
            c.title.clone(),
            crumbs,
            Some(c.updated_at),
        ),
        files,
        kind_label: kind.label().to_owned(),
        kind: kind.segment().to_owned(),
        title: c.title.clone(),
        phase_label: p.phase.label(kind).to_owned(),
        open: p.phase == Phase::Open,
        opens: minute(c.opens_at),
        closes: minute(c.closes_at),
        summary: c.summary.clone(),
        body: c.body.clone(),
        guests: c.guests.as_deref().map(paragraphs).unwrap_or_default(),
        contribution: kind.contribution().to_owned(),
        form_url: p
            .phase
            .takes(kind)
            .then(|| links.url(&format!("/forms/{}?item={}", form_name(kind), c.id))),
        form_label: form_label(kind).to_owned(),
        entries: entries.into_iter().map(entry_line).collect(),
        responses: p.responses,
        results: p.results.as_deref().map(ResultQuestion::all),
        outcome_label: kind.outcome_label().to_owned(),
        outcome: c.outcome.as_deref().map(paragraphs),
        outcome_at: c.outcome_at.map(minute),
        article_url,
    })
}

/// What a download link says of its file: the type from the name and the size (`PDF，120 KiB`).
fn file_about(name: &str, size: i64) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_uppercase())
        .unwrap_or_default();
    format!("{ext}，{}", zq_render::human_size(size))
}
