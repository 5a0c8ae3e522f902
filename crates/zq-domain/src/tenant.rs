//! Tenants: the portal, department and district sites under it, and towns under a district.

use crate::{ParseError, is_slug, named_enum};

named_enum!(
    /// What kind of unit a tenant's site belongs to.
    TenantKind, "站点类型" {
        /// The city's portal (门户网站); exactly one per cluster.
        Portal = "portal",
        /// A city department's site (部门网站).
        Department = "department",
        /// A district's or county's site (区县网站).
        District = "district",
        /// A town's or street's site (街镇), hosted under its district.
        Town = "town",
    }
);

impl TenantKind {
    /// The kind a tenant of this kind must have as parent; `None` for the portal, which has none.
    pub fn required_parent(self) -> Option<TenantKind> {
        match self {
            TenantKind::Portal => None,
            TenantKind::Department | TenantKind::District => Some(TenantKind::Portal),
            TenantKind::Town => Some(TenantKind::District),
        }
    }

    /// Chinese label for pages and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            TenantKind::Portal => "门户网站",
            TenantKind::Department => "部门网站",
            TenantKind::District => "区县网站",
            TenantKind::Town => "街镇网站",
        }
    }
}

/// Checks that `parent` (its kind, if any) may hold a tenant of `kind`.
pub fn check_parent(kind: TenantKind, parent: Option<TenantKind>) -> Result<(), ParseError> {
    match (kind.required_parent(), parent) {
        (None, None) => Ok(()),
        (None, Some(p)) => Err(ParseError::new(
            "上级站点",
            "门户网站没有上级站点",
            p.as_str(),
        )),
        (Some(_), None) => Err(ParseError::new(
            "上级站点",
            "部门和区县网站的上级须为门户网站，街镇网站的上级须为区县网站",
            "无",
        )),
        (Some(want), Some(p)) if want == p => Ok(()),
        (Some(TenantKind::Portal), Some(p)) => Err(ParseError::new(
            "上级站点",
            "部门和区县网站的上级须为门户网站",
            p.as_str(),
        )),
        (Some(_), Some(p)) => Err(ParseError::new(
            "上级站点",
            "街镇网站的上级须为区县网站",
            p.as_str(),
        )),
    }
}

/// Whether a change in a tenant's column shows on the portal's home page too: the portal
/// aggregates the news columns of departments and districts.
pub fn feeds_portal(kind: TenantKind, column_is_news: bool) -> bool {
    column_is_news && matches!(kind, TenantKind::Department | TenantKind::District)
}

named_enum!(
    /// Whether a tenant's site is served.
    TenantStatus, "站点状态" {
        /// Served normally.
        Active = "active",
        /// Temporarily closed: 503 with `Retry-After` and a maintenance page.
        Suspended = "suspended",
        /// Closed for good: 410 Gone.
        Archived = "archived",
        /// Being built (筹建): not public yet (404), its clerks fill it until the office puts
        /// it online.
        Preparing = "preparing",
    }
);

impl TenantStatus {
    /// Whether moving from `self` to `to` is allowed: archived sites stay archived.
    /// A site in 筹建 goes online or is given up (archived); no site goes back to 筹建.
    pub fn can_become(self, to: TenantStatus) -> bool {
        use TenantStatus::*;
        match (self, to) {
            (Archived, _) | (_, Preparing) => false,
            (Preparing, Suspended) => false,
            (from, to) => from != to,
        }
    }

    /// Chinese label for pages and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            TenantStatus::Active => "运行中",
            TenantStatus::Suspended => "维护中",
            TenantStatus::Archived => "已归档",
            TenantStatus::Preparing => "筹建中",
        }
    }
}

/// A tenant's code: a lower-case slug, unique in the cluster, used in the `/sites/{code}/` alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct TenantCode(String);

impl TenantCode {
    /// Longest accepted code.
    pub const MAX_LEN: usize = 32;

    /// Parses a code: `a-z`, `0-9` and inner hyphens, at most 32 characters.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if is_slug(s, Self::MAX_LEN) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "站点代码",
                "请用 1–32 个小写字母、数字，可在中间用单个连字符",
                s,
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TenantCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks what a site admin enters in the site settings.
pub fn check_settings(
    name: &str,
    sponsor: &str,
    site_id: Option<&str>,
    contact: Option<&str>,
    logo: Option<&str>,
    theme_color: Option<&str>,
) -> Result<(), crate::article::FieldError> {
    use crate::article::FieldError;
    let len = |s: &str| s.chars().count();
    if name.is_empty() || len(name) > 60 {
        return Err(FieldError::new("name", "网站名称需要 1-60 个字"));
    }
    if sponsor.is_empty() || len(sponsor) > 60 {
        return Err(FieldError::new("sponsor", "主办单位需要 1-60 个字"));
    }
    if let Some(id) = site_id
        && (len(id) > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(FieldError::new(
            "site_id",
            "网站标识码只能包含字母和数字，最多 32 位",
        ));
    }
    if contact.is_some_and(|c| len(c) > 200) {
        return Err(FieldError::new("contact", "联系方式不能超过 200 个字"));
    }
    if let Some(l) = logo
        && (len(l) > 300
            || !(l.starts_with('/') || l.starts_with("https://"))
            || l.contains(['"', '<', '>', ' ']))
    {
        return Err(FieldError::new(
            "logo",
            "标志图片须为本站路径（/files/…）或 https 地址",
        ));
    }
    if let Some(c) = theme_color
        && !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit()))
    {
        return Err(FieldError::new("theme_color", "主题色须为 #rrggbb 形式"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TenantKind::*;

    #[test]
    fn parent_rules_follow_the_hierarchy() {
        let cases: &[(TenantKind, Option<TenantKind>, bool)] = &[
            (Portal, None, true),
            (Portal, Some(Portal), false),
            (Department, Some(Portal), true),
            (Department, Some(District), false),
            (Department, None, false),
            (District, Some(Portal), true),
            (District, Some(Town), false),
            (Town, Some(District), true),
            (Town, Some(Portal), false),
            (Town, Some(Department), false),
            (Town, None, false),
        ];
        for &(kind, parent, ok) in cases {
            assert_eq!(
                check_parent(kind, parent).is_ok(),
                ok,
                "{kind} under {parent:?}"
            );
        }
    }

    #[test]
    fn only_department_and_district_news_feeds_the_portal() {
        for kind in TenantKind::ALL {
            for news in [false, true] {
                let want = news && matches!(kind, Department | District);
                assert_eq!(feeds_portal(*kind, news), want, "{kind} news={news}");
            }
        }
    }

    #[test]
    fn codes_are_lower_case_slugs() {
        for good in ["www", "fgw", "jb-hbjd", "a1", "x"] {
            assert!(TenantCode::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "WWW",
            "a_b",
            "-a",
            "a-",
            "a--b",
            "中文",
            "a b",
            &"x".repeat(33),
        ] {
            assert!(TenantCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn archived_is_final_and_no_op_changes_are_refused() {
        use TenantStatus::*;
        assert!(Active.can_become(Suspended));
        assert!(Suspended.can_become(Active));
        assert!(Active.can_become(Archived));
        assert!(!Archived.can_become(Active));
        assert!(!Archived.can_become(Suspended));
        assert!(!Active.can_become(Active));
    }

    #[test]
    fn kinds_and_statuses_round_trip_through_their_names() {
        for k in TenantKind::ALL {
            assert_eq!(k.as_str().parse::<TenantKind>(), Ok(*k));
        }
        for s in TenantStatus::ALL {
            assert_eq!(s.as_str().parse::<TenantStatus>(), Ok(*s));
        }
        assert!("bureau".parse::<TenantKind>().is_err());
    }

    #[test]
    fn site_settings_are_checked_field_by_field() {
        let ok = check_settings(
            "海川市民政局",
            "海川市民政局",
            Some("3702000012"),
            None,
            Some("/files/ab/logo.png"),
            Some("#B22222"),
        );
        assert!(ok.is_ok());
        let field = |r: Result<(), crate::article::FieldError>| r.unwrap_err().field;
        assert_eq!(
            field(check_settings("", "x", None, None, None, None)),
            "name"
        );
        assert_eq!(
            field(check_settings("x", "", None, None, None, None)),
            "sponsor"
        );
        assert_eq!(
            field(check_settings("x", "y", Some("37-02"), None, None, None)),
            "site_id"
        );
        assert_eq!(
            field(check_settings(
                "x",
                "y",
                None,
                None,
                Some("javascript:alert(1)"),
                None
            )),
            "logo"
        );
        assert_eq!(
            field(check_settings(
                "x",
                "y",
                None,
                None,
                Some("/a\" onerror=\"x"),
                None
            )),
            "logo"
        );
        assert_eq!(
            field(check_settings("x", "y", None, None, None, Some("red"))),
            "theme_color"
        );
        assert_eq!(
            field(check_settings("x", "y", None, None, None, Some("#12345g"))),
            "theme_color"
        );
    }
}
