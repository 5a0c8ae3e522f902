//! sea-orm entities, one per table. Only this crate sees them; callers get the typed
//! records of `crate::model`.

pub mod api_token;
pub mod article;
pub mod article_version;
pub mod attachment;
pub mod audit;
pub mod blob;
pub mod calendar_day;
pub mod case;
pub mod case_file;
pub mod case_step;
pub mod channel;
pub mod channel_column;
pub mod consult_entry;
pub mod consult_response;
pub mod consultation;
pub mod event;
pub mod event_position;
pub mod inspection_day;
pub mod job_lease;
pub mod lexicon_finding;
pub mod lexicon_override;
pub mod lexicon_term;
pub mod login_failure;
pub mod mailbox;
pub mod probe;
pub mod reply_template;
pub mod role_binding;
pub mod secret;
pub mod session;
pub mod site_column;
pub mod submission;
pub mod tenant;
pub mod tenant_clock_rule;
pub mod tenant_host;
pub mod user;
