//! Wiring of Zhanqun: configuration and starting the server (the demo cluster is the zq-demo
//! crate, re-exported as `demo`). The binary (`main.rs`) is a thin CLI over this library;
//! integration tests start the app through it.

pub mod app;
pub mod backup;
pub mod backup_job;
pub mod config;
pub mod export;
pub mod memory;

pub use app::{Running, open_store, start};
pub use config::{Config, ConfigError};
pub use zq_demo as demo;
/// The outgoing HTTP client the services fetch with (feeds, availability probes), for tests that
/// run a second node.
pub use zq_http::fetch::HttpFetcher;
