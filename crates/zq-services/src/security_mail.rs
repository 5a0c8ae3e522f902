//! Security alerts by email to the office (off unless both `mail.smtp_url` and
//! `security.alert_email` are set): the leased `security_mail` job follows the audit log from
//! its stored position, like the case mails follow case steps, and mails the office
//!
//! - every tampering the integrity checks repaired (`integrity.restore`, `integrity.withdraw`,
//!   `integrity.file`) and every upload refused for malware (`upload.infected`), as one mail
//!   per run listing each with its site, object and evidence;
//! - each certificate stored in the cluster once when it comes within 30 days of its end,
//!   again within 7 days, and once more when it has ended (a renewal, with a new end, starts
//!   over). Certificates read from a node's `tls.dir` are that node's own and are not mailed;
//!   the metric and its alerts cover them.
//!
//! The position advances only once a mail went out (a server that cannot be reached stops
//! the run; the next tick retries), so nothing is lost; an address the server refuses for
//! good is logged and skipped.

use std::time::Duration;

use chrono::{DateTime, Utc};
use zq_domain::tls::Expiry;
use zq_store::AuditRecord;

use crate::fetch::BoxFuture;
use crate::interaction::notify::{Mail, Mailer, send};
use crate::jobs::Job;
use crate::{Result, ServiceError, Services};

/// The audit actions mailed to the office.
pub const ALERT_ACTIONS: [&str; 4] = [
    "integrity.restore",
    "integrity.withdraw",
    "integrity.file",
    "upload.infected",
];
/// The job's position in the audit log (in `event_positions`).
const POSITION: &str = "security_mail.audit";
/// Rows read per run.
const BATCH: u64 = 500;

/// What an alert action means, for the office.
fn action_label(action: &str) -> &'static str {
    match action {
        "integrity.restore" => "内容被篡改，已恢复为最近一次核验通过的版本",
        "integrity.withdraw" => "内容被篡改且无可核验的版本，已撤稿",
        "integrity.file" => "附件文件被篡改，已停止提供",
        "upload.infected" => "上传的文件检出病毒，已拒绝",
        _ => "安全事件",
    }
}

/// The warning a certificate ending at `not_after` calls for at `now`, as the number kept
/// per certificate once it is mailed: `None` while it has more than 30 days. The end is part
/// of the number, so a renewed certificate is warned of again.
pub fn certificate_warning(not_after: DateTime<Utc>, now: DateTime<Utc>) -> Option<(Expiry, i64)> {
    let level = match Expiry::at(not_after, now) {
        Expiry::Valid => return None,
        Expiry::Soon => 1,
        Expiry::Urgent => 2,
        Expiry::Expired => 3,
    };
    Some((
        Expiry::at(not_after, now),
        not_after.timestamp() * 10 + level,
    ))
}

/// Sends the mail to every address; an error when the server could not be reached (the
/// run stops and the next tick retries).
async fn send_all(mailer: &Mailer, to: &[String], subject: &str, body: &str) -> Result<()> {
    for address in to {
        let mail = Mail {
            to: address.clone(),
            subject: subject.to_owned(),
            body: body.to_owned(),
        };
        match send(mailer, &mail).await {
            Ok(()) => {}
            Err(e) if e.is_permanent() => {
                tracing::warn!(to = %address, error = %e, "a security alert was refused for good; skipped");
            }
            Err(e) => return Err(ServiceError::Unavailable(format!("the mail server: {e}"))),
        }
    }
    Ok(())
}

/// The mail listing `rows`.
async fn findings_mail(svc: &Services, rows: &[AuditRecord]) -> Result<(String, String)> {
    let tenants = svc.store().list_tenants().await?;
    let mut body = format!(
        "站群安全检查发现以下 {} 起事件，系统已按规则处理，请核查原因：\n\n",
        rows.len()
    );
    for (i, r) in rows.iter().enumerate() {
        let site = r
            .entry
            .tenant
            .and_then(|t| tenants.iter().find(|x| x.id == t))
            .map_or_else(
                || "（集群）".to_owned(),
                |t| format!("{}（{}）", t.name, t.code),
            );
        let who = r
            .entry
            .actor
            .as_ref()
            .map(|(_, l)| l.clone())
            .or_else(|| r.entry.client.clone())
            .unwrap_or_else(|| "系统".into());
        body.push_str(&format!(
            "{}. {}　{}\n   网站：{site}\n   对象：{}\n   操作人：{who}\n   审计记录：#{}\n\n",
            i + 1,
            zq_domain::time::format_local(r.at, false),
            action_label(&r.entry.action),
            r.entry.object,
            r.id,
        ));
    }
    body.push_str("详情见站群管理平台：集群管理 → 安全报告（/console/admin/security）。\n\n（本邮件由系统自动发送，请勿回复。）\n");
    Ok((format!("【站群安全】发现 {} 起安全事件", rows.len()), body))
}

/// What a run mailed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerted {
    /// Findings listed (in one mail).
    pub findings: usize,
    /// Certificate warnings.
    pub certificates: usize,
}

/// Mails what happened since the last run and the certificate warnings due (see the
/// module's text) to `to`.
pub async fn send_due(svc: &Services, mailer: &Mailer, to: &[String]) -> Result<Alerted> {
    let store = svc.store();
    let now = svc.now();
    let mut done = Alerted::default();
    let upto = store.last_audit_id().await?;
    match store.subscriber_position(POSITION).await? {
        // First run: nothing from before the alerts were set up is mailed.
        None => store.save_subscriber_position(POSITION, upto).await?,
        Some(after) => {
            let rows = store
                .audit_between(after, upto, &ALERT_ACTIONS, BATCH)
                .await?;
            if !rows.is_empty() {
                let (subject, body) = findings_mail(svc, &rows).await?;
                send_all(mailer, to, &subject, &body).await?;
                done.findings = rows.len();
            }
            // A full batch may leave rows behind: continue after the last one sent.
            let next = match rows.last() {
                Some(last) if rows.len() as u64 == BATCH => last.id,
                _ => upto,
            };
            store.save_subscriber_position(POSITION, next).await?;
        }
    }
    for c in store.certificates().await? {
        let Some((expiry, code)) = certificate_warning(c.cert.not_after, now) else {
            continue;
        };
        let key = format!("security_mail.certificate:{}", c.cert.name);
        if store.subscriber_position(&key).await? == Some(code) {
            continue;
        }
        let end = zq_domain::time::format_local(c.cert.not_after, false);
        let state = match expiry {
            Expiry::Expired => "已过期".to_owned(),
            _ => format!(
                "将于 {end} 到期（剩 {} 天）",
                zq_domain::tls::days_left(c.cert.not_after, now)
            ),
        };
        let subject = format!("【站群安全】证书 {} {state}", c.cert.name);
        let body = format!(
            "证书 {}（{}）{state}。{}\n\n请上传续期后的证书：集群管理 → 证书与 HTTPS（/console/admin/certificates），或 PUT /api/v1/certificates/{}。同名上传即替换，无需重启。\n\n（本邮件由系统自动发送，请勿回复。）\n",
            c.cert.name,
            c.cert.names.join("、"),
            if expiry == Expiry::Expired {
                format!("结束时间：{end}；浏览器将拒绝访问使用它的网站。")
            } else {
                String::new()
            },
            c.cert.name,
        );
        send_all(mailer, to, &subject, &body).await?;
        store.save_subscriber_position(&key, code).await?;
        done.certificates += 1;
    }
    Ok(done)
}

/// The leased job running [`send_due`].
pub struct SecurityMail {
    pub every: Duration,
    pub mailer: Mailer,
    /// The office's addresses (`security.alert_email`).
    pub to: Vec<String>,
}

impl Job for SecurityMail {
    fn name(&self) -> &str {
        "security_mail"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let done = send_due(svc, &self.mailer, &self.to).await?;
            if done != Alerted::default() {
                tracing::info!(
                    findings = done.findings,
                    certificates = done.certificates,
                    "security alerts mailed"
                );
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn certificates_are_warned_of_at_30_days_7_days_and_the_end_once_each() {
        let end = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();
        let code = |days: i64| certificate_warning(end, end - Duration::days(days)).map(|w| w.1);
        let cases: &[(i64, Option<Expiry>)] = &[
            (60, None),
            (31, None),
            (30, Some(Expiry::Soon)),
            (8, Some(Expiry::Soon)),
            (7, Some(Expiry::Urgent)),
            (1, Some(Expiry::Urgent)),
            (0, Some(Expiry::Expired)),
            (-3, Some(Expiry::Expired)),
        ];
        for (days, want) in cases {
            let got = certificate_warning(end, end - Duration::days(*days)).map(|w| w.0);
            assert_eq!(&got, want, "{days} days before the end");
        }
        // One number per stage: the same stage is not mailed twice, the next one is.
        assert_eq!(code(30), code(8));
        assert_ne!(code(8), code(7));
        assert_ne!(code(1), code(0));
        // A renewal (a later end) is a new certificate to warn of.
        let renewed = end + Duration::days(365);
        assert_ne!(
            certificate_warning(renewed, renewed - Duration::days(20)).map(|w| w.1),
            code(20)
        );
    }
}
