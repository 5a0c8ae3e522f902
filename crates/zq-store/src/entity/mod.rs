//! sea-orm entities, one per table. Only this crate sees them; callers get the typed
//! records of `crate::model`.

pub mod article;
pub mod audit;
pub mod login_failure;
pub mod role_binding;
pub mod session;
pub mod site_column;
pub mod tenant;
pub mod tenant_host;
pub mod user;
