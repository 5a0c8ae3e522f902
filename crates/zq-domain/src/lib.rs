//! Pure types and rules of a government site cluster.
//!
//! Tenants and their hierarchy, host names, columns, articles, the public URL space,
//! pagination, Beijing time (UTC+8, the platform's only zone) and the working-day calendar
//! (工作日历) that statutory deadlines are counted in. This crate does no I/O and no async and
//! reads no clock: every rule here is a plain function or enum with table-driven unit tests, so
//! the layers above (store, render, http) only move data.

pub mod access;
pub mod article;
pub mod attachment;
pub mod audit_label;
pub mod broadcast;
pub mod calendar;
pub mod column;
pub mod consult;
pub mod csv;
pub mod disclosure;
pub mod event;
pub mod host;
pub mod html;
pub mod ids;
pub mod inspection;
pub mod interaction;
pub mod page_mode;
pub mod paging;
pub mod records;
pub mod recycle;
pub mod reporting;
pub mod revision;
pub mod route;
pub mod search;
pub mod second_factor;
pub mod security;
pub mod statistics;
pub mod tenant;
pub mod text;
pub mod time;
pub mod tls;
pub mod visits;
pub mod workflow;

pub use article::ArticleStatus;
pub use column::{ColumnKind, ColumnSlug, UpdateRequirement};
pub use host::Host;
pub use ids::{ArticleId, ColumnId, TenantId, UserId};
pub use page_mode::{Layout, PageMode};
pub use paging::Page;
pub use route::{SiteRoute, split_alias};
pub use tenant::{TenantCode, TenantKind, TenantStatus};

/// A value that failed to parse into a domain type: says what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}“{found}”不正确：{reason}")]
pub struct ParseError {
    /// The kind of value, e.g. "站点代码".
    pub what: &'static str,
    /// Why it was refused.
    pub reason: &'static str,
    /// The offending input, truncated to 64 characters.
    pub found: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, reason: &'static str, found: &str) -> Self {
        Self {
            what,
            reason,
            found: found.chars().take(64).collect(),
        }
    }
}

/// Declares a string-backed enum with a fixed set of snake_case names, `as_str`, `ALL`,
/// `FromStr` and `Display`; the names are what the database and the config files hold.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and configured name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::ParseError::new($what, concat!("可选值为", $(" ", $text),+), s)),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named_enum;

/// Shared check for lower-case ASCII slugs: `a-z`, `0-9` and single inner hyphens.
pub(crate) fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}
