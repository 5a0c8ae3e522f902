//! A site's common replies (常用答复): its admin keeps them (信箱和时限, or the API), its
//! handlers insert them into a reply draft. Offered for a case: the site's own for that kind
//! or every kind, then the built-in sentences of the kind.

use zq_domain::access::Action;
use zq_domain::article::FieldError;
use zq_domain::interaction::CaseKind;
use zq_store::{NewReplyTemplate, ReplyTemplate, Tenant};

use crate::{Caller, Result, ServiceError, Services, site};

/// Longest common reply, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 2000;

/// A common reply as a form or the API gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TemplateForm {
    /// A case kind (`letter`, `site_error`, `disclosure`, `interview_question`), or empty for
    /// every kind.
    #[serde(default)]
    pub kind: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub sort_order: i32,
}

impl TemplateForm {
    fn checked(&self) -> Result<NewReplyTemplate> {
        let mut errors = Vec::new();
        let kind = match self.kind.trim() {
            "" => None,
            k => match k.parse::<CaseKind>() {
                Ok(k) => Some(k),
                Err(_) => {
                    errors.push(FieldError::new("kind", "事项类型无效"));
                    None
                }
            },
        };
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            errors.push(FieldError::new("title", "名称须为 1–100 个字"));
        }
        let body = self.body.trim();
        if body.is_empty() || body.chars().count() > MAX_TEMPLATE_CHARS {
            errors.push(FieldError::new(
                "body",
                format!("内容须为 1–{MAX_TEMPLATE_CHARS} 个字"),
            ));
        }
        if !(0..=9999).contains(&self.sort_order) {
            errors.push(FieldError::new("sort_order", "排序号须为 0–9999"));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Fields(errors));
        }
        Ok(NewReplyTemplate {
            kind,
            title: title.to_owned(),
            body: body.to_owned(),
            sort_order: self.sort_order,
        })
    }
}

/// Site `code`'s common replies (everyone who works on the site).
pub async fn reply_templates(
    svc: &Services,
    caller: &Caller,
    code: &str,
) -> Result<(Tenant, Vec<ReplyTemplate>)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let list = svc.store().reply_templates(t.id).await?;
    Ok((t, list))
}

/// Creates a common reply (`id` = `None`) or changes one (the site's admin).
pub async fn save_reply_template(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: Option<i64>,
    form: &TemplateForm,
) -> Result<ReplyTemplate> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    let new = form.checked()?;
    Ok(svc
        .store()
        .save_reply_template(t.id, id, new, &caller.who())
        .await?)
}

/// Removes a common reply (the site's admin).
pub async fn delete_reply_template(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<()> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    Ok(svc
        .store()
        .delete_reply_template(t.id, id, &caller.who())
        .await?)
}

/// The built-in sentences of a kind of case.
pub fn builtin_replies(kind: CaseKind) -> &'static [&'static str] {
    match kind {
        CaseKind::Disclosure => &[
            "您申请的信息属于主动公开范围，可在本网站“政府信息公开”栏目查阅。",
            "您申请的信息本机关未制作或获取，依据《中华人民共和国政府信息公开条例》第三十六条第（四）项告知。",
            "您申请的信息不属于本机关负责公开，建议向有关机关咨询。",
        ],
        CaseKind::SiteError => &[
            "已更正页面中的错误。",
            "已修复链接，现可正常访问。",
            "该信息已更新为最新内容。",
        ],
        _ => &[
            "您反映的问题已转交有关部门办理。",
            "经现场核实，相关问题已整改完毕。",
            "您的建议我们将在今后工作中认真研究。",
        ],
    }
}

/// What a handler drafting a reply to a case of `kind` is offered: (title, text), the site's
/// own first.
pub fn offered(own: &[ReplyTemplate], kind: CaseKind) -> Vec<(String, String)> {
    own.iter()
        .filter(|t| t.kind.is_none_or(|k| k == kind))
        .map(|t| (t.title.clone(), t.body.clone()))
        .chain(
            builtin_replies(kind)
                .iter()
                .map(|l| (l.trim_end_matches('。').to_owned(), (*l).to_owned())),
        )
        .collect()
}
