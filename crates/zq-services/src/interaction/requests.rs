//! The public forms that open a case other than a letter: a site-error report (我为政府网站
//! 找错) about a page of any site of the cluster, owned by the site whose page it is, and a
//! disclosure request (依申请公开) with the applicant's identity, the information asked for,
//! its medium and its delivery. Both open through `public::open`, like a letter.

use serde::Serialize;
use zq_domain::TenantStatus;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{CaseKind, SiteErrorKind};
use zq_store::Tenant;

use super::public::{
    Draft, MAX_CONTENT_CHARS, MAX_SUBJECT_CHARS, Opened, Upload, checked_files, open,
};
use super::{field, text_field};
use crate::{Result, ServiceError, Services};

/// Longest page address in a site-error report.
pub const MAX_URL_CHARS: usize = 500;

/// A site-error report (我为政府网站找错) as the public form gives it.
#[derive(Debug, Clone, Default)]
pub struct SiteErrorForm {
    /// The page with the error, as the writer pasted it.
    pub page_url: String,
    /// `typo`, `broken_link`, `wrong_content`, `outdated`, `unavailable` or `other`.
    pub kind: String,
    pub content: String,
    pub personal: Personal,
    /// Files attached to the form (a screenshot of the error).
    pub files: Vec<Upload>,
}

/// Opens a site-error report through the form of `tenant` about a page of `owner` (the
/// site whose page it is, resolved from the address by the caller; `None` when the address
/// is not a page of this cluster, which is refused).
pub async fn submit_site_error(
    svc: &Services,
    tenant: &Tenant,
    owner: Option<&Tenant>,
    form: SiteErrorForm,
    submit_key: &str,
    client: Option<String>,
) -> Result<Opened> {
    accepting(tenant)?;
    let mut errors = Vec::new();
    let url = form.page_url.trim().to_owned();
    if url.is_empty() {
        errors.push(field("page_url", "请填写出错页面的网址"));
    } else if url.chars().count() > MAX_URL_CHARS {
        errors.push(field(
            "page_url",
            format!("网址不能超过 {MAX_URL_CHARS} 个字符"),
        ));
    } else if owner.is_none() {
        errors.push(field(
            "page_url",
            "请填写本网站群内页面的网址（以 http:// 或 https:// 开头）",
        ));
    }
    let kind = form.kind.parse::<SiteErrorKind>().ok();
    if kind.is_none() {
        errors.push(field("kind", "请选择错误类型"));
    }
    let content = text_field(
        &mut errors,
        "content",
        "问题描述",
        &form.content,
        MAX_CONTENT_CHARS,
    );
    let personal = checked(form.personal, false, &mut errors);
    let files = checked_files(svc, tenant.id, client.as_deref(), form.files, &mut errors).await?;
    let (Some(personal), Some(kind), Some(owner), true) =
        (personal, kind, owner, errors.is_empty())
    else {
        return Err(ServiceError::Fields(errors));
    };
    if owner.status != TenantStatus::Active {
        return Err(ServiceError::Conflict(format!(
            "{}暂停服务，暂不接收找错留言",
            owner.name
        )));
    }
    open(
        svc,
        tenant,
        Draft {
            kind: CaseKind::SiteError,
            mailbox: None,
            subject: format!("{}：{}", kind.label(), clip(&url, 60)),
            content,
            category: Some(kind.as_str().to_owned()),
            personal,
            publish_allowed: false,
            owner: Some(owner.id),
            page_url: Some(url),
            details: None,
            files,
        },
        submit_key,
        client,
    )
    .await
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn accepting(tenant: &Tenant) -> Result<()> {
    if tenant.status != TenantStatus::Active {
        return Err(ServiceError::Conflict(
            "本网站暂停服务，暂不接收来信".into(),
        ));
    }
    Ok(())
}

fn checked(
    p: Personal,
    needs_identity: bool,
    errors: &mut Vec<zq_domain::article::FieldError>,
) -> Option<Personal> {
    match p.checked(needs_identity) {
        Ok(p) => Some(p),
        Err(es) => {
            errors.extend(es.into_iter().map(|e| field(e.field, e.message)));
            None
        }
    }
}

/// Who asks for government information (申请人类型).
pub const APPLICANT_KINDS: [(&str, &str); 2] =
    [("citizen", "公民"), ("organization", "法人或者其他组织")];
/// The forms the information may be given in (信息的载体形式).
pub const MEDIA: [(&str, &str); 2] = [("paper", "纸质"), ("electronic", "电子文件")];
/// How the applicant gets it (获取信息的方式).
pub const DELIVERIES: [(&str, &str); 3] = [
    ("post", "邮寄"),
    ("email", "电子邮件"),
    ("pickup", "当面领取"),
];

/// The label of a value of one of the lists above.
pub fn label_of(list: &[(&'static str, &'static str)], value: &str) -> Option<&'static str> {
    list.iter().find(|(v, _)| *v == value).map(|(_, l)| *l)
}

/// A disclosure request (依申请公开) as the public form gives it.
#[derive(Debug, Clone, Default)]
pub struct DisclosureForm {
    /// `citizen` or `organization`.
    pub applicant: String,
    /// For an organization: its name and unified social credit code.
    pub organization: String,
    pub credit_code: String,
    /// The information asked for: its name (the subject) and a description (文号, 时间…).
    pub subject: String,
    pub content: String,
    pub purpose: String,
    pub medium: String,
    pub delivery: String,
    /// The applicant's (or the organization's contact's) details; the identity number is
    /// required of a citizen, the address of a postal delivery.
    pub personal: Personal,
    /// Files attached to the form (an identity document, a letter of authorisation).
    pub files: Vec<Upload>,
}

/// What a disclosure request keeps besides the common fields (no personal details here: they
/// are sealed with the rest).
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default)]
pub struct DisclosureDetails {
    pub applicant: String,
    pub purpose: Option<String>,
    pub medium: String,
    pub delivery: String,
}

/// Opens a disclosure request to `tenant` (the organ whose site it is).
pub async fn submit_disclosure(
    svc: &Services,
    tenant: &Tenant,
    form: DisclosureForm,
    submit_key: &str,
    client: Option<String>,
) -> Result<Opened> {
    accepting(tenant)?;
    let mut errors = Vec::new();
    let applicant = label_of(&APPLICANT_KINDS, &form.applicant);
    if applicant.is_none() {
        errors.push(field("applicant", "请选择申请人类型"));
    }
    let organization = applicant == Some("法人或者其他组织");
    let mut personal = form.personal;
    if organization {
        let org = form.organization.trim();
        let credit = form.credit_code.trim().to_ascii_uppercase();
        if org.is_empty() {
            errors.push(field("organization", "请填写法人或者其他组织的名称"));
        }
        if credit.len() != 18 || !credit.chars().all(|c| c.is_ascii_alphanumeric()) {
            errors.push(field("credit_code", "请填写 18 位统一社会信用代码"));
        }
        // The organization's code stands in for the identity number.
        personal.id_number = Some(credit);
        personal.address = Some(
            [org, personal.address.as_deref().unwrap_or("").trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("，"),
        );
    }
    let subject = text_field(
        &mut errors,
        "subject",
        "所需信息的名称",
        &form.subject,
        MAX_SUBJECT_CHARS,
    );
    let content = text_field(
        &mut errors,
        "content",
        "所需信息的内容描述",
        &form.content,
        MAX_CONTENT_CHARS,
    );
    let medium = label_of(&MEDIA, &form.medium);
    if medium.is_none() {
        errors.push(field("medium", "请选择信息的载体形式"));
    }
    let delivery = label_of(&DELIVERIES, &form.delivery);
    if delivery.is_none() {
        errors.push(field("delivery", "请选择获取信息的方式"));
    }
    if form.delivery == "post"
        && personal
            .address
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        errors.push(field("address", "邮寄需要填写通信地址"));
    }
    if form.delivery == "email"
        && personal
            .email
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        errors.push(field("email", "以电子邮件获取需要填写电子邮箱"));
    }
    let purpose = form.purpose.trim().to_owned();
    if purpose.chars().count() > 500 {
        errors.push(field("purpose", "用途说明不能超过 500 个字"));
    }
    let personal = checked(personal, !organization, &mut errors);
    let files = checked_files(svc, tenant.id, client.as_deref(), form.files, &mut errors).await?;
    let (Some(personal), Some(applicant), Some(medium), Some(delivery), true) =
        (personal, applicant, medium, delivery, errors.is_empty())
    else {
        return Err(ServiceError::Fields(errors));
    };
    let details = DisclosureDetails {
        applicant: applicant.to_owned(),
        purpose: (!purpose.is_empty()).then_some(purpose),
        medium: medium.to_owned(),
        delivery: delivery.to_owned(),
    };
    let details =
        serde_json::to_string(&details).map_err(|e| ServiceError::Internal(e.to_string()))?;
    open(
        svc,
        tenant,
        Draft {
            kind: CaseKind::Disclosure,
            mailbox: None,
            subject,
            content,
            category: Some(form.applicant.clone()),
            personal,
            publish_allowed: false,
            owner: None,
            page_url: None,
            details: Some(details),
            files,
        },
        submit_key,
        client,
    )
    .await
}
