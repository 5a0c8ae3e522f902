//! The article editor: the form (with attachments uploaded in the same submit), saving a new
//! or existing article (a stale form is refused), the workflow buttons (submit, approve,
//! return, publish, withdraw), and the multipart helpers the attachments page shares.

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

/// A multipart form: its text fields and its files (name, bytes).
pub(crate) struct Parsed {
    pub(super) fields: HashMap<String, String>,
    pub(super) files: Vec<(String, Vec<u8>)>,
}

pub(super) async fn read_multipart(mut m: Multipart) -> Result<Parsed, ServiceError> {
    let too_big = || {
        ServiceError::TooLarge(format!(
            "提交的内容太大：附件合计不能超过 {} MiB",
            MAX_FORM_BYTES / (1024 * 1024)
        ))
    };
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push((file_name, bytes.to_vec()));
                }
            }
            None => {
                let mut text = field.text().await.map_err(|_| too_big())?;
                // Multipart bodies pass the input layer untouched: clean their text here.
                zq_domain::text::make_xml_safe(&mut text);
                fields.insert(name, text);
            }
        }
    }
    Ok(Parsed { fields, files })
}

/// Checks every file before anything is stored, so a refused file saves nothing.
pub(super) fn check_files(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter_map(|(name, bytes)| {
            zq_domain::attachment::check(name, bytes)
                .err()
                .map(|e| format!("{}：{e}", name.chars().take(60).collect::<String>()))
        })
        .collect()
}

/// Adds uploaded files to the body: pictures inline, other files as links at the end.
pub(super) fn append_files(body: &mut String, code: &str, files: &[Attachment]) {
    for a in files {
        let url = format!("/sites/{code}{}", a.public_path());
        let name = zq_render::escape_html(&a.file_name);
        if a.is_image {
            body.push_str(&format!("<p><img src=\"{url}\" alt=\"{name}\"></p>"));
        } else {
            body.push_str(&format!("<p>附件：<a href=\"{url}\">{name}</a></p>"));
        }
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    save_article(&state, &cc, &t, None, false, multipart).await
}

pub(crate) async fn save(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let (t, a) =
        service::article(state.services(), &cc.caller, &code, parse_article_id(&id)?).await?;
    save_article(&state, &cc, &t, Some(a), false, multipart).await
}

pub(super) async fn save_article(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    existing: Option<EditorialArticle>,
    revising: bool,
    multipart: Multipart,
) -> PageResult {
    let parsed = read_multipart(multipart).await?;
    let mut form = FormValues::from_fields(&parsed.fields);
    let redisplay = |form: FormValues, field_errors: Vec<String>, error: Option<String>, status| {
        let article = existing.clone();
        async move {
            editor_page(
                state,
                cc,
                EditorPage {
                    tenant: t,
                    article: article.as_ref(),
                    form,
                    field_errors,
                    error,
                    notice: None,
                    revising,
                },
                status,
            )
            .await
        }
    };
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        return redisplay(
            form,
            Vec::new(),
            Some("表单已过期（可能已在别处退出），请重新提交。".into()),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let publish_at = parse_local(&form.publish_at);
    let mut errors: Vec<String> = check_fields(&ArticleFields {
        title: &form.title,
        subtitle: Some(form.subtitle.as_str()),
        source: Some(form.source.as_str()),
        author: Some(form.author.as_str()),
        summary: Some(form.summary.as_str()),
        body: &form.body,
        doc_number: Some(form.doc_number.as_str()),
        index_number: Some(form.index_number.as_str()),
    })
    .iter()
    .map(field_message)
    .collect();
    if let Err(m) = &publish_at {
        errors.push(format!("定时发布：{m}"));
    }
    errors.extend(check_files(&parsed.files));
    if !errors.is_empty() {
        return redisplay(form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let publish_at = publish_at.unwrap_or(None);
    let mut uploaded = Vec::new();
    for (name, bytes) in &parsed.files {
        uploaded.push(
            service::upload(state.services(), &cc.caller, t.code.as_str(), name, bytes).await?,
        );
    }
    append_files(&mut form.body, t.code.as_str(), &uploaded);
    let code = t.code.as_str();
    let then = parsed.fields.get("then").map(String::as_str);
    if let (true, Some(a)) = (revising, &existing) {
        let expected = form.version.trim().parse::<i32>().ok();
        let saved = service::revisions::save_revision(
            state.services(),
            &cc.caller,
            code,
            a.id.0,
            form.text(),
            form.minor,
            expected,
        )
        .await;
        return match saved {
            Ok(_) => {
                let page = format!("articles/{}/revision", a.id);
                service::autosave::discard(state.services(), &cc.caller, &page).await?;
                super::revision::after_save(state, cc, t, a, then).await
            }
            Err(ServiceError::Fields(f)) => {
                let errs = f.iter().map(field_message).collect();
                redisplay(form, errs, None, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
                let status = e.status();
                redisplay(form, Vec::new(), Some(e.to_string()), status).await
            }
            Err(e) => Err(e.into()),
        };
    }
    let result = match &existing {
        None => {
            service::create_article(state.services(), &cc.caller, code, form.text(), publish_at)
                .await
        }
        Some(a) => {
            let expected = form.version.trim().parse::<i32>().ok();
            service::update_article(
                state.services(),
                &cc.caller,
                code,
                a.id.0,
                form.text(),
                publish_at,
                expected,
            )
            .await
        }
    };
    let saved = match result {
        Ok(a) => a,
        Err(ServiceError::Fields(f)) => {
            let errs = f.iter().map(field_message).collect();
            return redisplay(form, errs, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            let status = e.status();
            return redisplay(form, Vec::new(), Some(e.to_string()), status).await;
        }
        Err(e) => return Err(e.into()),
    };
    let page = match &existing {
        None => "articles/new".to_owned(),
        Some(a) => format!("articles/{}", a.id),
    };
    service::autosave::discard(state.services(), &cc.caller, &page).await?;
    let (step, done) = match then {
        Some("submit") => (Some(Step::Submit), "submitted"),
        Some("publish") => (
            Some(Step::PublishDirectly {
                publish_at: None,
                reason: None,
            }),
            "published",
        ),
        _ => (None, "saved"),
    };
    let url = format!("{}/articles/{}", site_base(t), saved.id);
    if let Some(step) = step
        && let Err(e) = service::step(state.services(), &cc.caller, code, saved.id.0, step).await
    {
        // The text is saved; say why the next step did not happen.
        return editor_page(
            state,
            cc,
            EditorPage {
                tenant: t,
                article: Some(&saved),
                form: FormValues::of(&saved),
                field_errors: Vec::new(),
                error: Some(format!("已保存，但未能继续：{e}")),
                notice: None,
                revising: false,
            },
            e.status(),
        )
        .await;
    }
    Ok(see_other(&format!("{url}?notice={done}")))
}

pub(super) fn field_message(e: &FieldError) -> String {
    let label = match e.field {
        "title" => "标题",
        "subtitle" => "副标题",
        "source" => "来源",
        "author" => "作者",
        "summary" => "摘要",
        "body" => "正文",
        "doc_number" => "文号",
        "index_number" => "索引号",
        "column_id" => "栏目",
        "publish_at" => "定时发布",
        other => other,
    };
    format!("{label}：{}", e.message)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct StepForm {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) comment: Option<String>,
    #[serde(default)]
    pub(super) publish_at: Option<String>,
}

pub(crate) async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    Form(f): Form<StepForm>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    let at = parse_local(f.publish_at.as_deref().unwrap_or("")).map_err(ServiceError::Invalid)?;
    let parsed = Step::parse(&step, f.comment, at)
        .ok_or_else(|| ServiceError::NotFound(format!("操作 {step}")))?;
    let done = match &parsed {
        Step::Submit => "submitted",
        Step::Recall => "recalled",
        Step::Approve { .. } => "approved",
        Step::Return { .. } => "returned",
        Step::PublishDirectly { .. } => "published",
        Step::Withdraw => "withdrawn",
    };
    match service::step(state.services(), &cc.caller, &code, id, parsed).await {
        Ok(a) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/articles/{}?notice={done}",
            a.id
        ))),
        Err(e) => refused_on_article(&state, &cc, &code, id, e).await,
    }
}

/// The article's page again with why a step on it was refused (a conflict or bad input);
/// other errors pass on.
pub(super) async fn refused_on_article(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    id: i64,
    e: ServiceError,
) -> PageResult {
    if !matches!(e, ServiceError::Conflict(_) | ServiceError::Invalid(_)) {
        return Err(e.into());
    }
    let (t, a) = service::article(state.services(), &cc.caller, code, id).await?;
    editor_page(
        state,
        cc,
        EditorPage {
            tenant: &t,
            article: Some(&a),
            form: FormValues::of(&a),
            field_errors: Vec::new(),
            error: Some(e.to_string()),
            notice: None,
            revising: false,
        },
        e.status(),
    )
    .await
}
