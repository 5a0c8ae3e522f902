//! Zhanqun's database schema, as sea-orm migrations that run unchanged on SQLite and PostgreSQL.
//!
//! Applied at start-up and by `zhanqun migrate`. Migrations are append-only: a released
//! migration is never edited; a change is a new migration with its own `down`.

pub use sea_orm_migration::prelude::*;

mod m0001_tenants_columns_articles;
mod m0002_tenant_generation;
mod m0003_article_read_indexes;
mod m0004_users_and_roles;
mod m0005_audit_log;
mod m0006_sessions;
mod m0007_editorial;
mod m0008_reporting;
mod m0009_channel_feeds;
mod m0010_channel_state_item_dates;
mod m0011_events_jobs_calendar;
mod m0012_interaction;
mod m0013_case_reminders;
mod m0014_tenant_clock_rules;
mod m0015_mailbox_notify;
mod m0016_consultations;
mod m0017_reply_templates;
mod m0018_interaction_files;
mod m0019_lexicon;
mod m0020_probes;
mod m0021_inspection_days;
mod m0022_links;
mod m0023_visits;
mod m0024_site_records;
mod m0025_broadcasts;
mod m0026_served;
mod m0027_second_factor;
mod m0028_password_age;
mod m0029_tls;
mod m0030_audit_object_index;
mod m0031_form_keys;
mod m0032_form_stash;
mod m0033_account_recovery;
mod m0034_audit_note;
mod m0035_article_revisions;
mod m0036_recycle_bin;
mod m0037_autosaves;
mod m0038_index_sequences;
mod m0039_search_office;

/// Every migration of the schema, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_tenants_columns_articles::Migration),
            Box::new(m0002_tenant_generation::Migration),
            Box::new(m0003_article_read_indexes::Migration),
            Box::new(m0004_users_and_roles::Migration),
            Box::new(m0005_audit_log::Migration),
            Box::new(m0006_sessions::Migration),
            Box::new(m0007_editorial::Migration),
            Box::new(m0008_reporting::Migration),
            Box::new(m0009_channel_feeds::Migration),
            Box::new(m0010_channel_state_item_dates::Migration),
            Box::new(m0011_events_jobs_calendar::Migration),
            Box::new(m0012_interaction::Migration),
            Box::new(m0013_case_reminders::Migration),
            Box::new(m0014_tenant_clock_rules::Migration),
            Box::new(m0015_mailbox_notify::Migration),
            Box::new(m0016_consultations::Migration),
            Box::new(m0017_reply_templates::Migration),
            Box::new(m0018_interaction_files::Migration),
            Box::new(m0019_lexicon::Migration),
            Box::new(m0020_probes::Migration),
            Box::new(m0021_inspection_days::Migration),
            Box::new(m0022_links::Migration),
            Box::new(m0023_visits::Migration),
            Box::new(m0024_site_records::Migration),
            Box::new(m0025_broadcasts::Migration),
            Box::new(m0026_served::Migration),
            Box::new(m0027_second_factor::Migration),
            Box::new(m0028_password_age::Migration),
            Box::new(m0029_tls::Migration),
            Box::new(m0030_audit_object_index::Migration),
            Box::new(m0031_form_keys::Migration),
            Box::new(m0032_form_stash::Migration),
            Box::new(m0033_account_recovery::Migration),
            Box::new(m0034_audit_note::Migration),
            Box::new(m0035_article_revisions::Migration),
            Box::new(m0036_recycle_bin::Migration),
            Box::new(m0037_autosaves::Migration),
            Box::new(m0038_index_sequences::Migration),
            Box::new(m0039_search_office::Migration),
        ]
    }
}
