//! Wiring of Zhanqun: configuration, the demo cluster, and starting the server. The binary
//! (`main.rs`) is a thin CLI over this library; integration tests start the app through it.

pub mod app;
pub mod config;
pub mod demo;
pub mod export;
pub mod memory;

pub use app::{Running, open_store, start};
pub use config::{Config, ConfigError};
