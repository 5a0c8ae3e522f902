//! The operations as the console and the API call them: `zq_services`, plus the Beijing-time
//! helpers forms use. Handlers pass `state.services()`.

pub(crate) use zq_domain::time::{format_local, parse_local, parse_period};
pub(crate) use zq_services::*;
