//! The workflow buttons of an article (送审, 撤回, 审核通过, 退回, 直接发布, 撤下) and the
//! article page shown again with why a step was refused.

use super::*;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct StepForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) comment: Option<String>,
    #[serde(default)]
    pub(crate) publish_at: Option<String>,
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
pub(crate) async fn refused_on_article(
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
