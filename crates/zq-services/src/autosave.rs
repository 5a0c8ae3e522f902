//! The article editor's autosave: the form's text fields kept server-side every few seconds
//! (per account and form page), offered back when the page is opened again and the copy is
//! newer than what was saved for real, dropped once the form is saved.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use zq_domain::ArticleId;
use zq_domain::access::Action;

use crate::{Caller, Result, ServiceError, Services, site};

/// The largest autosave kept (the editor's text fields together), in bytes.
pub const MAX_AUTOSAVE_BYTES: usize = 2 * 1024 * 1024;

/// Fields never kept: the form's keys, and which button was pressed.
const NOT_KEPT: &[&str] = &["csrf", "once", "then"];

/// The editor pages that autosave, by their path within the site's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutosavePage {
    /// 写信息: `articles/new`.
    New,
    /// An article's editor: `articles/{id}`.
    Article(i64),
    /// A published article's correction: `articles/{id}/revision`.
    Revision(i64),
}

impl AutosavePage {
    pub fn parse(page: &str) -> Option<AutosavePage> {
        let rest = page.strip_prefix("articles/")?;
        if rest == "new" {
            return Some(AutosavePage::New);
        }
        let (id, revision) = match rest.strip_suffix("/revision") {
            Some(id) => (id, true),
            None => (rest, false),
        };
        let id = id.parse::<i64>().ok().filter(|n| *n > 0)?;
        Some(if revision {
            AutosavePage::Revision(id)
        } else {
            AutosavePage::Article(id)
        })
    }

    pub fn key(self) -> String {
        match self {
            AutosavePage::New => "articles/new".into(),
            AutosavePage::Article(id) => format!("articles/{id}"),
            AutosavePage::Revision(id) => format!("articles/{id}/revision"),
        }
    }
}

fn page_of(page: &str) -> Result<AutosavePage> {
    AutosavePage::parse(page).ok_or_else(|| ServiceError::NotFound(format!("编辑页面 {page}")))
}

fn user(caller: &Caller) -> Result<zq_domain::UserId> {
    caller
        .who
        .user_id()
        .ok_or_else(|| ServiceError::forbidden(Action::WriteArticles))
}

/// Keeps the fields of `caller`'s editor form at `page` of site `code`; returns when.
pub async fn save(
    svc: &Services,
    caller: &Caller,
    code: &str,
    page: &str,
    mut fields: BTreeMap<String, String>,
) -> Result<DateTime<Utc>> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let page = page_of(page)?;
    fields.retain(|k, _| !NOT_KEPT.contains(&k.as_str()));
    let json = serde_json::to_string(&fields).map_err(|e| ServiceError::Internal(e.to_string()))?;
    if json.len() > MAX_AUTOSAVE_BYTES {
        return Err(ServiceError::TooLarge(format!(
            "内容太多，无法自动保存（超过 {} MB），请手动保存",
            MAX_AUTOSAVE_BYTES / (1024 * 1024)
        )));
    }
    Ok(svc
        .store()
        .put_autosave(user(caller)?, t.id, &page.key(), &json)
        .await?)
}

/// `caller`'s autosave of `page` of site `code`, when it is newer than what was saved for
/// real there since (the article, or its correction).
pub async fn load(
    svc: &Services,
    caller: &Caller,
    code: &str,
    page: &str,
) -> Result<Option<(BTreeMap<String, String>, DateTime<Utc>)>> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let page = page_of(page)?;
    let Some((json, at)) = svc
        .store()
        .autosave(user(caller)?, t.id, &page.key())
        .await?
    else {
        return Ok(None);
    };
    let saved_since = match page {
        AutosavePage::New => None,
        AutosavePage::Article(id) => svc
            .store()
            .editorial_article(t.id, ArticleId(id))
            .await
            .ok()
            .map(|a| a.updated_at),
        AutosavePage::Revision(id) => svc
            .store()
            .article_revision(t.id, ArticleId(id))
            .await?
            .map(|r| r.updated_at),
    };
    if saved_since.is_some_and(|s| s >= at) {
        return Ok(None);
    }
    let fields = serde_json::from_str(&json).unwrap_or_default();
    Ok(Some((fields, at)))
}

/// Drops `caller`'s autosave of `page` (its form was saved for real).
pub async fn discard(svc: &Services, caller: &Caller, page: &str) -> Result<()> {
    if let (Some(u), Some(p)) = (caller.who.user_id(), AutosavePage::parse(page)) {
        svc.store().drop_autosave(u, &p.key()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::AutosavePage::{self, *};

    #[test]
    fn only_the_editor_pages_autosave() {
        let cases = [
            ("articles/new", Some(New)),
            ("articles/12", Some(Article(12))),
            ("articles/12/revision", Some(Revision(12))),
            ("articles/0", None),
            ("articles/-3", None),
            ("articles/12/versions", None),
            ("settings", None),
            ("", None),
        ];
        for (page, want) in cases {
            assert_eq!(AutosavePage::parse(page), want, "{page}");
            if let Some(p) = want {
                assert_eq!(p.key(), page);
            }
        }
    }
}
