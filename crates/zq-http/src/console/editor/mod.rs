//! The article editor: the form (with attachments uploaded in the same submit) and its page;
//! saving a new or existing article (a stale form is refused) is in `save`, the workflow
//! buttons (submit, approve, return, publish, withdraw) in `steps`, and the multipart helpers
//! the attachments page shares in `multipart`.

mod multipart;
mod save;
mod steps;

pub(crate) use multipart::*;
pub(crate) use save::*;
pub(crate) use steps::*;

use std::collections::HashMap;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use zq_domain::ColumnId;
use zq_domain::access::Action;
use zq_domain::article::{ArticleFields, FieldError, check_fields};
use zq_domain::workflow::WorkflowState;
use zq_render::ConsolePage;
use zq_store::{ArticleRevision, ArticleText, Attachment, EditorialArticle, Tenant};

use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, Step, allowed_on, format_local, parse_local};

use super::frame::*;

/// Largest editor form: the article plus its attachments.
pub(crate) const MAX_FORM_BYTES: usize = 2 * zq_domain::attachment::MAX_FILE_BYTES + 1024 * 1024;

/// The editor's fields as strings, for refilling the form.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(crate) struct FormValues {
    column_id: i64,
    title: String,
    subtitle: String,
    source: String,
    author: String,
    summary: String,
    body: String,
    doc_number: String,
    index_number: String,
    publish_at: String,
    /// The article's version (or, on a correction, its save count) the form was opened on.
    version: String,
    /// A correction the writer calls minor (修订 only).
    minor: bool,
}

impl FormValues {
    pub(super) fn of(a: &EditorialArticle) -> FormValues {
        let t = &a.text;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues {
            column_id: t.column_id.0,
            title: t.title.clone(),
            subtitle: s(&t.subtitle),
            source: s(&t.source),
            author: s(&t.author),
            summary: s(&t.summary),
            body: t.body.clone(),
            doc_number: s(&t.doc_number),
            index_number: s(&t.index_number),
            publish_at: a
                .publish_at
                .map(|p| format_local(p, true))
                .unwrap_or_default(),
            version: a.version.to_string(),
            minor: false,
        }
    }

    /// A correction's form: its text, or the published text for a new one (save count 0).
    pub(super) fn of_revision(a: &EditorialArticle, r: Option<&ArticleRevision>) -> FormValues {
        let mut form = FormValues::of(a);
        form.publish_at = String::new();
        form.version = "0".into();
        if let Some(r) = r {
            let mut revised = a.clone();
            revised.text = r.text.clone();
            form = FormValues {
                version: r.revision.to_string(),
                minor: r.minor,
                publish_at: String::new(),
                ..FormValues::of(&revised)
            };
        }
        form
    }

    fn from_fields(f: &HashMap<String, String>) -> FormValues {
        let g = |k: &str| f.get(k).cloned().unwrap_or_default();
        FormValues {
            column_id: g("column_id").trim().parse().unwrap_or(0),
            title: g("title"),
            subtitle: g("subtitle"),
            source: g("source"),
            author: g("author"),
            summary: g("summary"),
            body: g("body"),
            doc_number: g("doc_number"),
            index_number: g("index_number"),
            publish_at: g("publish_at"),
            version: g("version"),
            minor: f.contains_key("minor"),
        }
    }

    pub(super) fn text(&self) -> ArticleText {
        let o = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        ArticleText {
            column_id: ColumnId(self.column_id),
            title: self.title.clone(),
            subtitle: o(&self.subtitle),
            source: o(&self.source),
            author: o(&self.author),
            summary: o(&self.summary),
            body: self.body.clone(),
            doc_number: o(&self.doc_number),
            index_number: o(&self.index_number),
        }
    }
}

pub(crate) struct EditorPage<'a> {
    pub(super) tenant: &'a Tenant,
    pub(super) article: Option<&'a EditorialArticle>,
    pub(super) form: FormValues,
    pub(super) field_errors: Vec<String>,
    pub(super) error: Option<String>,
    pub(super) notice: Option<&'a str>,
    /// The form edits the article's correction (修订), not the article.
    pub(super) revising: bool,
}

pub(super) async fn editor_page(
    state: &AppState,
    cc: &ConsoleCaller,
    p: EditorPage<'_>,
    status: StatusCode,
) -> PageResult {
    let t = p.tenant;
    let c = &cc.caller;
    let columns = state.store().columns(t.id).await?;
    let base = site_base(t);
    let policy = service::policy(t);
    let can = |a| zq_domain::access::allowed(&c.grants, a, Some(t.id), policy);
    let state_now = p.article.map_or(WorkflowState::Draft, |a| a.state);
    let allowed = allowed_on(c, t, state_now);
    let open = match p.article {
        Some(a) if a.state.is_public() => state.store().article_revision(t.id, a.id).await?,
        _ => None,
    };
    let rev_allowed = p
        .article
        .map(|a| {
            service::revisions::revision_allowed(c, t, a.state, open.as_ref().map(|r| r.state))
        })
        .unwrap_or_default();
    let editable = if p.revising {
        rev_allowed.save
    } else {
        state_now.is_editable() && can(Action::WriteArticles)
    };
    // The console is on another host: the site's files show through its alias.
    let alias = format!("/sites/{}", t.code);
    let mut form = p.form;
    form.body = zq_domain::html::files_under(&form.body, &alias);
    let mut frame = site_frame(state, cc, t, "list", p.notice).await?;
    frame.error = p.error;
    let (action, article_url, article, body_html, public_url) = match p.article {
        Some(a) => {
            let url = format!("{base}/articles/{}", a.id);
            (
                if p.revising {
                    format!("{url}/revision")
                } else {
                    url.clone()
                },
                url,
                Some(ArticleHead {
                    id: a.id.0,
                    state: a.state.as_str(),
                    state_label: a.state.label(),
                    version: a.version,
                    review_comment: a.review_comment.clone(),
                    publish_at: a.publish_at.map(|t| format_local(t, false)),
                    published_at: a.published_at.map(|t| format_local(t, false)),
                }),
                if p.revising {
                    open.as_ref().map_or(&a.text.body, |r| &r.text.body).clone()
                } else {
                    a.text.body.clone()
                },
                a.state
                    .is_public()
                    .then(|| format!("/sites/{}/art/{}.html", t.code, a.id)),
            )
        }
        None => (
            format!("{base}/articles/new"),
            String::new(),
            None,
            String::new(),
            None,
        ),
    };
    let lexicon_hits = match p.article {
        Some(a) => {
            let text = match (&open, p.revising) {
                (Some(r), true) => &r.text,
                _ => &a.text,
            };
            let hits = crate::service::inspection::lexicon::check_article(
                state.services(),
                &text.title,
                &text.body,
            )
            .await?;
            let mut lines: Vec<String> = hits
                .iter()
                .map(|h| format!("{}（“…{}…”）", h.message(), h.context))
                .collect();
            lines.dedup();
            lines
        }
        None => Vec::new(),
    };
    let view = EditorView {
        revision: match (p.revising, p.article) {
            (true, Some(a)) => Some(super::revision::panel(
                a,
                open.as_ref(),
                rev_allowed,
                &article_url,
                &columns,
            )),
            _ => None,
        },
        open_revision: match (p.revising, &open) {
            (false, Some(r)) => Some(super::revision::OpenRevision::of(r, &article_url)),
            _ => None,
        },
        autosave_page: match (p.article, p.revising) {
            (None, _) => "articles/new".to_owned(),
            (Some(a), false) => format!("articles/{}", a.id),
            (Some(a), true) => format!("articles/{}/revision", a.id),
        },
        can_revise: !p.revising && open.is_none() && rev_allowed.save,
        can_delete: !p.revising
            && p.article.is_some()
            && service::recycle::may_delete_articles(c, t)
            && zq_domain::recycle::article_deletable(state_now).is_ok(),
        lexicon_hits,
        frame,
        heading: if p.revising {
            "修订信息"
        } else if p.article.is_some() {
            "信息"
        } else {
            "写信息"
        },
        editable,
        can_submit: can(Action::WriteArticles),
        can_publish_directly: can(Action::PublishDirectly),
        allowed,
        column_name: columns
            .iter()
            .find(|col| col.id.0 == form.column_id)
            .map(|col| col.name.clone())
            .unwrap_or_default(),
        columns: zq_domain::column::tree_order(&columns, |c| c.id.0, |c| c.parent_id.map(|p| p.0))
            .into_iter()
            .filter(|(_, col)| zq_domain::article::column_takes_articles(col.kind))
            .map(|(depth, col)| ColumnChoice {
                id: col.id.0,
                label: zq_domain::column::tree_label(depth, &col.name),
            })
            .collect(),
        field_errors: p.field_errors,
        action,
        article_url,
        article,
        body_html: zq_domain::html::files_under(&body_html, &alias),
        public_url,
        form,
    };
    html_status(state, status, ConsolePage::Editor, &view)
}

/// A column the article may be put in.
#[derive(Debug, serde::Serialize)]
struct ColumnChoice {
    id: i64,
    label: String,
}

/// What the editor shows about a saved article.
#[derive(Debug, serde::Serialize)]
struct ArticleHead {
    id: i64,
    state: &'static str,
    state_label: &'static str,
    version: i32,
    review_comment: Option<String>,
    publish_at: Option<String>,
    published_at: Option<String>,
}

/// The editor (写信息 / 信息): the form, the buttons this person has, the article's state.
#[derive(Debug, serde::Serialize)]
struct EditorView {
    #[serde(flatten)]
    frame: zq_render::console_view::SiteFrame,
    heading: &'static str,
    editable: bool,
    can_submit: bool,
    can_publish_directly: bool,
    allowed: crate::service::Allowed,
    columns: Vec<ColumnChoice>,
    column_name: String,
    field_errors: Vec<String>,
    action: String,
    article_url: String,
    article: Option<ArticleHead>,
    body_html: String,
    public_url: Option<String>,
    form: FormValues,
    /// What the lexicon of serious errors finds in the saved text, one sentence each.
    lexicon_hits: Vec<String>,
    /// The correction being edited (修订信息).
    revision: Option<super::revision::RevisionPanel>,
    /// On a published article: its open correction.
    open_revision: Option<super::revision::OpenRevision>,
    /// On a published article without one: this person may start a correction.
    can_revise: bool,
    /// The article is not online and this person may move it to the 回收站.
    can_delete: bool,
    /// The form's page for the autosave (`articles/new`, `articles/{id}`, …/revision).
    autosave_page: String,
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    let form = FormValues {
        column_id: q.column.unwrap_or(0),
        ..FormValues::default()
    };
    editor_page(
        &state,
        &cc,
        EditorPage {
            tenant: &t,
            article: None,
            form,
            field_errors: Vec::new(),
            error: None,
            notice: None,
            revising: false,
        },
        StatusCode::OK,
    )
    .await
}

pub(super) fn parse_article_id(id: &str) -> Result<i64, ServiceError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ServiceError::NotFound(format!("信息 {id}")))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let (t, a) =
        service::article(state.services(), &cc.caller, &code, parse_article_id(&id)?).await?;
    editor_page(
        &state,
        &cc,
        EditorPage {
            tenant: &t,
            article: Some(&a),
            form: FormValues::of(&a),
            field_errors: Vec::new(),
            error: None,
            notice: q.notice.as_deref(),
            revising: false,
        },
        StatusCode::OK,
    )
    .await
}
