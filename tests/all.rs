//! Every integration test in one binary: one link of the whole platform instead of fifteen,
//! which was most of the test build's time on two cores. Each module is one file of this
//! folder, testing one area over HTTP against the real server on SQLite and PostgreSQL
//! (`on_both_backends!`); run one area with `scripts/test public_site::` (a name filter).

mod account_password;
mod admin;
mod backup;
mod bad_input;
mod browser;
mod cache;
mod cache_integrity;
mod console;
mod console_desk;
mod console_once;
mod console_resume;
mod consult;
mod editorial;
mod feeds;
mod fetch_guard;
mod inspection;
mod inspection_digest;
mod inspection_lexicon;
mod inspection_links;
mod inspection_probes;
mod integrity;
mod interaction;
mod interaction_captcha;
mod interaction_demo;
mod interaction_files;
mod interaction_flows;
mod interaction_mail;
mod interaction_retention;
mod interaction_templates;
mod isolation;
mod migrations;
mod ops_dashboard;
mod ops_prometheus;
mod public_site;
mod rate_limits;
mod reporting;
mod reporting_demo;
mod seams;
mod second_factor;
mod security_headers;
mod security_mail;
mod security_report;
mod sessions_redis;
mod signin_limits;
mod site_article_tools;
mod site_broadcasts;
mod site_compliance;
mod site_modes;
mod store;
mod tls;
mod upload_scan;
mod validators;
mod visits;
