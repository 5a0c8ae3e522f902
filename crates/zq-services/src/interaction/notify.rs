//! Email notifications of cases (off unless `mail.smtp_url` is set): the leased `case_mail`
//! job follows every case's steps from its stored position (like a durable subscriber follows
//! events; once per tick across the cluster) and mails
//!
//! - a new letter or report, and a case transferred in, to the owning site's notification
//!   address (the case's mailbox's, else the site's first mailbox with one);
//! - a "due tomorrow" or "overdue" reminder (noted by the `case_clocks` job) to the same;
//! - the answer (a reply, or the reason it was not accepted) to the writer, when they gave an
//!   email address: only that it is answered and where to read it, never the content.
//!
//! The position advances past a step once its mail is sent, or refused for good by the
//! server (a bad address: logged, skipped); a server that cannot be reached stops the run and
//! the next tick retries from the same step, so nothing is lost (after a crash a mail may go
//! out twice, never not at all).

use std::time::Duration;

use lettre::message::{Mailbox as Address, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use zq_store::{Case, StepRow};

use super::sealer;
use crate::fetch::BoxFuture;
use crate::jobs::Job;
use crate::{Result, ServiceError, Services};

/// The job's position (the last step handled) in `event_positions`.
const POSITION: &str = "case_mail.steps";
/// Steps read per run.
const BATCH: u64 = 200;

/// The SMTP connection and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Address,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// A mailer sending through `smtp_url` (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`) as `from`.
    pub fn new(smtp_url: &str, from: &str) -> std::result::Result<Mailer, String> {
        let from: Address = from
            .parse()
            .map_err(|e| format!("mail.from {from:?} is not an address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("mail.smtp_url is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }
}

/// Checks an address typed into a form (a mailbox's notification address).
pub fn check_address(addr: &str) -> Result<()> {
    let a = addr.trim();
    if a.is_empty() || a.parse::<lettre::Address>().is_ok() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "“{a}”不是有效的电子邮箱地址"
        )))
    }
}

/// One mail to send.
pub(crate) struct Mail {
    pub(crate) to: String,
    pub(crate) subject: String,
    pub(crate) body: String,
}

/// Where the owning site's notifications go for case `c`.
async fn site_address(
    svc: &Services,
    c: &Case,
    tenant: zq_domain::TenantId,
) -> Result<Option<String>> {
    let boxes = svc.store().mailboxes(tenant).await?;
    let own = c
        .mailbox_id
        .and_then(|m| boxes.iter().find(|b| b.id == m && b.tenant_id == tenant))
        .and_then(|b| b.notify_email.clone());
    Ok(own.or_else(|| boxes.iter().find_map(|b| b.notify_email.clone())))
}

/// The mail a step calls for, if any.
async fn mail_for(svc: &Services, s: &StepRow) -> Result<Option<Mail>> {
    let (to_site, heading) = match s.step.as_str() {
        "submit" => (Some(s.tenant_id), "新收到"),
        "transfer" => (s.to_tenant, "转来"),
        "due_soon" => (Some(s.tenant_id), "明天到期"),
        "overdue" => (Some(s.tenant_id), "已超期"),
        "approve_reply" | "refuse" => (None, ""),
        _ => return Ok(None),
    };
    let c = svc.store().case_any(s.case_id).await?;
    let names = svc.store().list_tenants().await?;
    let name_of = |id| {
        names
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    if let Some(site) = to_site {
        let Some(to) = site_address(svc, &c, site).await? else {
            return Ok(None);
        };
        let code = names
            .iter()
            .find(|t| t.id == site)
            .map(|t| t.code.to_string())
            .unwrap_or_default();
        let due = c
            .due_on
            .map(|d| format!("答复期限：{d}\n"))
            .unwrap_or_default();
        return Ok(Some(Mail {
            to,
            subject: format!(
                "【{}】{}{}：{}",
                name_of(site),
                heading,
                c.kind.label(),
                c.subject
            ),
            body: format!(
                "{}{}：{}\n编号：{}\n{due}\n请登录站群管理平台，在“{}”的互动交流中办理：/console/sites/{code}/cases/{}\n\n（本邮件由系统自动发送，请勿回复。来信人的个人信息不随邮件发送。）\n",
                heading,
                c.kind.label(),
                c.subject,
                c.id,
                name_of(site),
                c.id
            ),
        }));
    }
    // The writer, if they gave an address.
    if c.personal == zq_store::PERSONAL_ERASED {
        return Ok(None);
    }
    let personal = sealer(svc).await?.open(&c.personal, &c.submit_key)?;
    let Some(to) = personal.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    let origin = name_of(c.origin_tenant_id);
    Ok(Some(Mail {
        to,
        subject: format!("您提交的{}已有答复：{}", c.kind.label(), c.subject),
        body: format!(
            "您好！\n\n您在{origin}网站提交的{}“{}”已由{}答复。请凭提交时得到的查询码，在{origin}网站的“办理查询”页面查看答复内容，并欢迎对答复作出评价。\n\n（本邮件由系统自动发送，请勿回复。）\n",
            c.kind.label(),
            c.subject,
            c.reply_unit.clone().unwrap_or_else(|| name_of(c.tenant_id)),
        ),
    }))
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mailed {
    pub sent: u32,
    /// Refused for good by the server (a bad address): skipped.
    pub refused: u32,
}

/// Sends the mails of the steps taken since the last run (see the module's text).
pub async fn send_due(svc: &Services, mailer: &Mailer) -> Result<Mailed> {
    let store = svc.store();
    let position = match store.subscriber_position(POSITION).await? {
        Some(p) => p,
        None => {
            // First run: nothing that happened before mail was set up is mailed.
            let last = store.last_case_step_id().await?;
            store.save_subscriber_position(POSITION, last).await?;
            return Ok(Mailed::default());
        }
    };
    let mut done = Mailed::default();
    for s in store.case_steps_after(position, BATCH).await? {
        if let Some(mail) = mail_for(svc, &s).await? {
            match send(mailer, &mail).await {
                Ok(()) => done.sent += 1,
                Err(e) if e.is_permanent() => {
                    tracing::warn!(step = s.id, to = %mail.to, error = %e, "a notification was refused for good; skipped");
                    done.refused += 1;
                }
                Err(e) => {
                    return Err(ServiceError::Unavailable(format!("the mail server: {e}")));
                }
            }
        }
        store.save_subscriber_position(POSITION, s.id).await?;
    }
    Ok(done)
}

/// Sends one plain-text mail; an address that cannot be used is logged and skipped.
pub(crate) async fn send(
    mailer: &Mailer,
    mail: &Mail,
) -> std::result::Result<(), lettre::transport::smtp::Error> {
    let Ok(to) = mail.to.parse::<Address>() else {
        tracing::warn!(to = %mail.to, "a notification address is not valid; skipped");
        return Ok(());
    };
    let Ok(message) = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
    else {
        tracing::warn!(to = %mail.to, "a notification could not be built; skipped");
        return Ok(());
    };
    mailer.transport.send(message).await.map(|_| ())
}

/// The leased job running [`send_due`].
pub struct CaseMail {
    pub every: Duration,
    pub mailer: Mailer,
}

impl Job for CaseMail {
    fn name(&self) -> &str {
        "case_mail"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let done = send_due(svc, &self.mailer).await?;
            if done != Mailed::default() {
                tracing::info!(
                    sent = done.sent,
                    refused = done.refused,
                    "case notifications mailed"
                );
            }
            Ok(())
        })
    }
}
