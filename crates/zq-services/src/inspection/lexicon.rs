//! The lexicon of serious errors at work: the office keeps the terms; every article is checked
//! when it is saved (the editor sees the hits) and again before it goes public — a hit blocks
//! the approval (or a direct publication) until the reviewer lets it through with a reason,
//! recorded and audited; and when the terms change, every published article is scanned in the
//! background, its findings feeding the serious-errors veto of the inspection.
//!
//! The automaton (`zq_domain::inspection::lexicon`) is built once per version of the terms and
//! kept in the services; each term is also matched in its traditional characters, from OpenCC's
//! dictionaries (ferrous-opencc).

use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use zq_domain::TenantId;
use zq_domain::access::Action;
use zq_domain::inspection::lexicon::{Hit, Lexicon, Term, TermKind};
use zq_store::Finding;

use crate::{Caller, Result, ServiceError, Services};

type Version = (u64, i64, Option<DateTime<Utc>>);

/// The automaton of the current terms, with the version it was built from; and the turn of
/// the scans (one at a time on a node, each reading the terms when its turn comes, so the last
/// to write is the newest).
#[derive(Default)]
pub struct LexiconCache {
    built: Mutex<Option<(Version, Arc<Lexicon>)>>,
    scanning: tokio::sync::Mutex<()>,
}

/// The traditional form of a simplified text (OpenCC `s2t`); none when the dictionaries fail
/// to load (then only the simplified forms are matched).
pub fn traditional(text: &str) -> Vec<String> {
    static CC: OnceLock<Option<OpenCC>> = OnceLock::new();
    CC.get_or_init(|| match OpenCC::from_config(BuiltinConfig::S2t) {
        Ok(cc) => Some(cc),
        Err(e) => {
            tracing::error!(error = %e, "the OpenCC dictionaries did not load");
            None
        }
    })
    .as_ref()
    .map(|cc| vec![cc.convert(text)])
    .unwrap_or_default()
}

/// The automaton over the current terms (rebuilt when they changed).
pub async fn current(svc: &Services) -> Result<Arc<Lexicon>> {
    let version = svc.store().lexicon_version().await?;
    {
        let built = svc
            .lexicon_cache()
            .built
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((v, lx)) = built.as_ref()
            && *v == version
        {
            return Ok(lx.clone());
        }
    }
    let terms = svc.store().lexicon_terms().await?;
    let lx = tokio::task::spawn_blocking(move || Arc::new(Lexicon::new(terms, traditional)))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    *svc.lexicon_cache()
        .built
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some((version, lx.clone()));
    Ok(lx)
}

/// The errors in an article's title and body (HTML).
pub async fn check_article(svc: &Services, title: &str, body_html: &str) -> Result<Vec<Hit>> {
    let text = format!("{title}\n{}", zq_domain::html::text_of_html(body_html));
    Ok(current(svc).await?.check(&text))
}

/// The hits as one line for a message (`“甲”应为“乙”；“丙”是禁用词`).
pub fn summary(hits: &[Hit]) -> String {
    let mut seen = Vec::new();
    for h in hits {
        let m = h.message();
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    seen.join("；")
}

/// Longest override reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Before article `id` (version `version`) of `tenant` goes public: refused while the lexicon
/// finds errors in it, unless the reviewer gives a reason to let it through, which is recorded
/// and audited.
pub(crate) async fn gate(
    svc: &Services,
    caller: &Caller,
    tenant: TenantId,
    id: i64,
    version: i32,
    (title, body): (&str, &str),
    reason: Option<&str>,
) -> Result<()> {
    let hits = check_article(svc, title, body).await?;
    if hits.is_empty() {
        return Ok(());
    }
    let found = summary(&hits);
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let Some(reason) = reason else {
        return Err(ServiceError::Conflict(format!(
            "发现严重表述错误，不能发布：{found}。请退回修改；如确认无误，请填写理由后确认发布（将记入审计日志）"
        )));
    };
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::Invalid(format!(
            "理由不能超过 {MAX_REASON_CHARS} 个字"
        )));
    }
    svc.store()
        .record_lexicon_override(tenant, id, version, reason, &found, &caller.who())
        .await?;
    Ok(())
}

/// The office keeps the lexicon.
fn office(caller: &Caller) -> Result<()> {
    if caller.grants.cluster == Some(zq_domain::access::ClusterRole::ClusterAdmin) {
        Ok(())
    } else {
        Err(ServiceError::forbidden(Action::ManageTenants))
    }
}

/// Every term (the office and operators).
pub async fn terms(svc: &Services, caller: &Caller) -> Result<Vec<Term>> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    Ok(svc.store().lexicon_terms().await?)
}

/// What the last scan found, every site's (the office and operators).
pub async fn findings(svc: &Services, caller: &Caller) -> Result<Vec<Finding>> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    Ok(svc.store().lexicon_findings(None).await?)
}

/// Whether `caller` keeps the lexicon.
pub fn keeps_lexicon(caller: &Caller) -> bool {
    office(caller).is_ok()
}

/// A term as the office enters it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TermInput {
    /// `wrong`, `forbidden` or `leader`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub right: Option<String>,
}

/// Adds a term (the office); published content is scanned again in the background.
pub async fn add_term(svc: &Services, caller: &Caller, input: TermInput) -> Result<Term> {
    office(caller)?;
    let kind = input
        .kind
        .parse::<TermKind>()
        .map_err(|_| ServiceError::Invalid("请选择词条类型：错误表述、禁用词或领导职务".into()))?;
    let term = Term {
        id: 0,
        kind,
        text: input.text,
        right: input.right,
    }
    .checked()
    .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let term = svc.store().add_lexicon_term(term, &caller.who()).await?;
    rescan_later(svc);
    Ok(term)
}

/// Removes term `id` (the office); published content is scanned again in the background.
pub async fn delete_term(svc: &Services, caller: &Caller, id: i64) -> Result<()> {
    office(caller)?;
    svc.store().delete_lexicon_term(id, &caller.who()).await?;
    rescan_later(svc);
    Ok(())
}

fn rescan_later(svc: &Services) {
    let svc = svc.clone();
    tokio::spawn(async move {
        if let Err(e) = scan(&svc).await {
            tracing::warn!(error = %e, "the lexicon scan of published content failed");
        }
    });
}

/// Scans published content now (the office).
pub async fn scan_now(svc: &Services, caller: &Caller) -> Result<usize> {
    office(caller)?;
    scan(svc).await
}

/// Articles read per page of a scan.
const SCAN_PAGE: u64 = 500;

/// Checks every published article against the current terms and replaces the findings;
/// returns how many it found.
pub async fn scan(svc: &Services) -> Result<usize> {
    let _turn = svc.lexicon_cache().scanning.lock().await;
    let lx = current(svc).await?;
    let now = svc.now();
    let mut findings = Vec::new();
    let mut after = 0;
    loop {
        let page = svc.store().published_texts(after, SCAN_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for a in &page {
            let text = format!("{}\n{}", a.title, zq_domain::html::text_of_html(&a.body));
            findings.extend(lx.check(&text).into_iter().map(|h| Finding {
                tenant_id: a.tenant_id,
                article_id: a.id,
                term_id: h.term_id,
                message: h.message(),
                found: h.found,
                context: h.context,
                found_at: now,
            }));
        }
    }
    let n = findings.len();
    svc.store().replace_lexicon_findings(findings).await?;
    Ok(n)
}
