//! Saving the editor's form: a new article (once per one-time key) or a new version of an
//! existing one, with its attachments; a stale form or bad fields show the form again with
//! what was typed.

use super::*;

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

pub(crate) async fn save_article(
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
                crate::console::revision::after_save(state, cc, t, a, then).await
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

pub(crate) fn field_message(e: &FieldError) -> String {
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
