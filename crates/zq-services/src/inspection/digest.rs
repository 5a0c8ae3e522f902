//! The daily digest by email (off unless `mail.smtp_url` is set): a leased job that, once a
//! Beijing day from 08:00, mails each site whose inspection fails or warns what to act on
//! (`zq_domain::inspection::digest`), to the site's notification address (its first mailbox's).
//! The day is stored as the job's position once every mail went out or was refused for good; a
//! mail server that cannot be reached stops the run and the next tick tries the day again (a
//! site may then get the day's digest twice, never not at all).

use std::time::Duration;

use zq_domain::inspection::digest::{day_number, digest, due};
use zq_domain::time::beijing_date;

use crate::fetch::BoxFuture;
use crate::interaction::notify::{Mail, Mailer, send};
use crate::jobs::Job;
use crate::{Result, ServiceError, Services};

/// The job's position (the last day sent, `yyyymmdd`) in `event_positions`.
const POSITION: &str = "inspection_digest.day";

/// The digest job; runs every `every` and sends when the day's digest is due.
pub struct DailyDigest {
    pub every: Duration,
    pub mailer: Mailer,
}

impl Job for DailyDigest {
    fn name(&self) -> &str {
        "inspection_digest"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let last = svc.store().subscriber_position(POSITION).await?;
            if !due(last, svc.now()) {
                return Ok(());
            }
            let sent = send_digests(svc, &self.mailer).await?;
            tracing::info!(sent, "daily inspection digests mailed");
            svc.store()
                .save_subscriber_position(POSITION, day_number(beijing_date(svc.now())))
                .await?;
            Ok(())
        })
    }
}

/// Mails today's digest to every active site with something to say and a notification
/// address; returns how many went out.
pub async fn send_digests(svc: &Services, mailer: &Mailer) -> Result<usize> {
    let tenants: Vec<_> = svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| t.status == zq_domain::TenantStatus::Active)
        .collect();
    let mut sent = 0;
    for r in super::reports_of(svc, tenants).await? {
        let page = format!("/console/sites/{}/inspection", r.tenant.code);
        let Some(d) = digest(&r.tenant.name, &page, &r.score, &r.indicators) else {
            continue;
        };
        let boxes = svc.store().mailboxes(r.tenant.id).await?;
        let Some(to) = boxes.iter().find_map(|b| b.notify_email.clone()) else {
            continue;
        };
        let mail = Mail {
            to,
            subject: d.subject,
            body: d.body,
        };
        match send(mailer, &mail).await {
            Ok(()) => sent += 1,
            Err(e) if e.is_permanent() => {
                tracing::warn!(site = %r.tenant.code, to = %mail.to, error = %e, "a digest was refused for good; skipped");
            }
            Err(e) => return Err(ServiceError::Unavailable(format!("the mail server: {e}"))),
        }
    }
    Ok(sent)
}
