//! Typed identifiers, so a column id can never be passed where a tenant id belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A tenant (site) of the cluster.
    TenantId
);
id_type!(
    /// A column (栏目) of one tenant.
    ColumnId
);
id_type!(
    /// An article (信息) of one tenant.
    ArticleId
);
id_type!(
    /// A person's account, valid across every tenant.
    UserId
);
