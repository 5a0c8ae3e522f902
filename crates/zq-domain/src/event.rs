//! What happened: the kinds of durable domain events. Every write that changes something a
//! subscriber may follow (the page cache, later a search index, an integrity scan, a
//! freshness monitor) records one event in the same transaction as the change; subscribers
//! read them in order from their stored position.

use crate::named_enum;

named_enum!(
    /// The kind of a recorded change.
    EventKind, "事件类型" {
        /// A tenant was created, or its status, settings or hosts changed.
        TenantChanged = "tenant_changed",
        /// A column was created or changed.
        ColumnChanged = "column_changed",
        /// A new article (draft, or imported) was saved.
        ArticleCreated = "article_created",
        /// An article's text or a non-public state changed (edit, submit, return, schedule).
        ArticleUpdated = "article_updated",
        /// An article went public (approved, published directly, scheduled time reached,
        /// adopted from a submission, imported as published).
        ArticlePublished = "article_published",
        /// A published or scheduled article was taken off the public site.
        ArticleWithdrawn = "article_withdrawn",
        /// An attachment was stored for a tenant.
        AttachmentStored = "attachment_stored",
        /// A submission was sent, withdrawn or sent again (信息报送).
        SubmissionSent = "submission_sent",
        /// A submission was adopted, returned or rejected.
        SubmissionDecided = "submission_decided",
        /// A reporting channel was created, changed, closed or deleted.
        ChannelChanged = "channel_changed",
        /// The working-day calendar changed.
        CalendarChanged = "calendar_changed",
        /// An interaction case was opened, took a step, was transferred or rated.
        CaseChanged = "case_changed",
        /// A mailbox was created or changed.
        MailboxChanged = "mailbox_changed",
        /// A consultation (solicitation, survey, interview) was created, changed, published or
        /// ended, or took a public entry, a response or a moderation decision.
        ConsultationChanged = "consultation_changed",
        /// The office made or ended a cluster-wide broadcast (应急公告, 全站变灰).
        BroadcastChanged = "broadcast_changed",
        /// The office stored or removed a TLS certificate, or turned HTTPS-only on or off
        /// for a site: every node re-reads its certificates.
        CertificateChanged = "certificate_changed",
        /// The office changed a synonym group or a best bet of search: every node reloads them.
        SearchChanged = "search_changed",
    }
);

impl EventKind {
    /// Whether the event is about an article's public visibility or content.
    pub fn is_article(self) -> bool {
        matches!(
            self,
            EventKind::ArticleCreated
                | EventKind::ArticleUpdated
                | EventKind::ArticlePublished
                | EventKind::ArticleWithdrawn
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>().unwrap(), *k);
            assert!(k.as_str().len() <= 64, "fits the events.kind column");
        }
        assert!(EventKind::ArticlePublished.is_article());
        assert!(!EventKind::ColumnChanged.is_article());
    }
}
