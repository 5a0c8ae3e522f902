//! What the office keeps for search, and how questions are counted (issue 17). Synonym
//! groups and best bets (推荐结果) belong to the whole cluster (kept by the office) or to one
//! site (kept by its site administrators); every node holds them in memory ([`Office`]),
//! reloaded when its indexer sees a `search_changed` event. Questions are counted in memory
//! per day, site and question ([`Tally`]: nothing about who asked) and written every minute
//! and at shutdown; the console lists the most asked and the unanswered ones, with CSV.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use zq_domain::TenantId;
use zq_domain::access::{Action, ClusterRole};
use zq_domain::search::{best_bet_url, calls_up, counted_question, keywords, synonym_words};
use zq_store::{BestBet, NewBestBet, QueryCount, Synonym};

use crate::{Caller, Result, ServiceError, Services, site};

/// The office's synonyms and best bets, as every node holds them.
#[derive(Debug, Clone, Default)]
pub struct Office {
    pub synonyms: Vec<Synonym>,
    pub best_bets: Vec<BestBet>,
}

impl Office {
    /// Reads them from the database.
    pub async fn load(store: &zq_store::Store) -> Result<Office> {
        Ok(Office {
            synonyms: store.search_synonyms().await?,
            best_bets: store.search_best_bets().await?,
        })
    }

    /// The groups a question asked on `site` uses: the cluster's and that site's.
    pub fn synonyms_for(&self, site: Option<TenantId>) -> Vec<Vec<String>> {
        self.synonyms
            .iter()
            .filter(|s| s.tenant_id.is_none() || s.tenant_id == site)
            .map(|s| s.words.clone())
            .collect()
    }

    /// The best bets question `q` asked on `site` calls up: the site's first, then the
    /// cluster's.
    pub fn best_bets_for(&self, site: Option<TenantId>, q: &str) -> Vec<BestBet> {
        let mut out: Vec<BestBet> = self
            .best_bets
            .iter()
            .filter(|b| (b.tenant_id.is_some() && b.tenant_id == site) && calls_up(&b.keywords, q))
            .cloned()
            .collect();
        out.extend(
            self.best_bets
                .iter()
                .filter(|b| b.tenant_id.is_none() && calls_up(&b.keywords, q))
                .cloned(),
        );
        out.truncate(3);
        out
    }

    /// Every word of the synonym groups (the tokenizer keeps them whole).
    pub fn words(&self) -> impl Iterator<Item = &String> {
        self.synonyms.iter().flat_map(|s| s.words.iter())
    }
}

/// Questions counted on this node since the last write.
#[derive(Debug, Default)]
pub struct Tally(Mutex<HashMap<CountKey, (i64, i64)>>);

/// A day, a site and a question.
type CountKey = (NaiveDate, TenantId, String);

/// Distinct questions kept between writes; past it, new ones wait for the next write.
const TALLY_MAX: usize = 50_000;

impl Tally {
    /// Counts question `q` asked on `site` on `day`; `empty`: nothing was found.
    pub fn count(&self, day: NaiveDate, site: TenantId, q: &str, empty: bool) {
        let Some(q) = counted_question(q) else { return };
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= TALLY_MAX && !m.contains_key(&(day, site, q.clone())) {
            return;
        }
        let e = m.entry((day, site, q)).or_default();
        e.0 += 1;
        e.1 += i64::from(empty);
    }

    fn take(&self) -> Vec<QueryCount> {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *m)
            .into_iter()
            .map(|((day, tenant_id, query), (asked, empty))| QueryCount {
                day,
                tenant_id,
                query,
                asked,
                empty,
            })
            .collect()
    }

    fn give_back(&self, rows: Vec<QueryCount>) {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for r in rows {
            let e = m.entry((r.day, r.tenant_id, r.query)).or_default();
            e.0 += r.asked;
            e.1 += r.empty;
        }
    }
}

/// Writes the questions this node counted; a database failure keeps them for the next write.
pub async fn flush(svc: &Services) -> Result<()> {
    let Some(h) = svc.search() else { return Ok(()) };
    let rows = h.tally().take();
    if let Err(e) = svc.store().record_search_queries(&rows).await {
        h.tally().give_back(rows);
        return Err(e.into());
    }
    Ok(())
}

/// Whose synonyms and best bets a caller changes: the office's (`None`) or a site's.
async fn keeper(svc: &Services, caller: &Caller, code: Option<&str>) -> Result<Option<TenantId>> {
    match code {
        None if caller.grants.cluster == Some(ClusterRole::ClusterAdmin) => Ok(None),
        None => Err(ServiceError::forbidden(Action::ManageTenants)),
        Some(code) => Ok(Some(
            site(svc, caller, code, Action::EditSettings).await?.id,
        )),
    }
}

/// The synonyms and best bets of the cluster (`code` `None`) or of a site, for its console page.
pub async fn kept(svc: &Services, caller: &Caller, code: Option<&str>) -> Result<Office> {
    let tenant = match code {
        None if caller.sees_everything() => None,
        None => return Err(ServiceError::forbidden(Action::Read)),
        Some(code) => Some(site(svc, caller, code, Action::ReadFigures).await?.id),
    };
    let all = Office::load(svc.store()).await?;
    Ok(Office {
        synonyms: all
            .synonyms
            .into_iter()
            .filter(|s| s.tenant_id == tenant)
            .collect(),
        best_bets: all
            .best_bets
            .into_iter()
            .filter(|b| b.tenant_id == tenant)
            .collect(),
    })
}

/// The cluster's synonym groups, shown read-only on a site's page (they apply there too; not
/// secret to anyone who may open the page).
pub async fn cluster_synonyms(svc: &Services) -> Result<Vec<Synonym>> {
    Ok(svc
        .store()
        .search_synonyms()
        .await?
        .into_iter()
        .filter(|s| s.tenant_id.is_none())
        .collect())
}

/// Adds a synonym group typed as `words` (separated by spaces or commas).
pub async fn add_synonym(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    words: &str,
) -> Result<Synonym> {
    let tenant = keeper(svc, caller, code).await?;
    let words = synonym_words(words).map_err(ServiceError::Invalid)?;
    Ok(svc
        .store()
        .add_search_synonym(tenant, &words, &caller.who())
        .await?)
}

/// Removes synonym group `id`.
pub async fn delete_synonym(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    id: i64,
) -> Result<()> {
    let tenant = keeper(svc, caller, code).await?;
    Ok(svc
        .store()
        .delete_search_synonym(tenant, id, &caller.who())
        .await?)
}

/// A best bet as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BestBetInput {
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub description: String,
}

/// Adds a best bet.
pub async fn add_best_bet(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    input: BestBetInput,
) -> Result<BestBet> {
    let tenant = keeper(svc, caller, code).await?;
    let keywords = keywords(&input.keywords).map_err(ServiceError::Invalid)?;
    let title = input.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ServiceError::Invalid("请填写标题（不超过 100 字）".into()));
    }
    let url = best_bet_url(&input.url).map_err(ServiceError::Invalid)?;
    let description = Some(input.description.trim().to_owned()).filter(|d| !d.is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 200)
    {
        return Err(ServiceError::Invalid("说明不超过 200 字".into()));
    }
    let bet = NewBestBet {
        keywords,
        title,
        url,
        description,
    };
    Ok(svc
        .store()
        .add_search_best_bet(tenant, bet, &caller.who())
        .await?)
}

/// Removes best bet `id`.
pub async fn delete_best_bet(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    id: i64,
) -> Result<()> {
    let tenant = keeper(svc, caller, code).await?;
    Ok(svc
        .store()
        .delete_search_best_bet(tenant, id, &caller.who())
        .await?)
}

/// The questions asked in a period on a site (`code`) or on every site (the office and
/// operators): (question, asked, found nothing); `empty_only`: only those that found nothing.
pub async fn top_queries(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    period: (NaiveDate, NaiveDate),
    empty_only: bool,
) -> Result<Vec<(String, i64, i64)>> {
    let tenant = match code {
        None if caller.sees_everything() => None,
        None => return Err(ServiceError::forbidden(Action::ReadFigures)),
        Some(code) => Some(site(svc, caller, code, Action::ReadFigures).await?.id),
    };
    Ok(svc
        .store()
        .top_search_queries(tenant, period, empty_only, 200)
        .await?)
}
