//! The registration records a government site's footer must show (《政府网站发展指引》,
//! 国办发〔2017〕47号): the ICP 备案号 (MIIT), the 公安机关备案号 (the public security network
//! record), the 党政机关网站标识 (issued by the registry at conac.cn), and the superior
//! government portals every footer links to. Under the centralized hosting model the subsites
//! publish under the portal's registered domain, so a site without record numbers of its own
//! shows the portal's ([`SiteRecords::with_portal`]); the 党政机关标识 is each site's own.
//! Kept pure: the form checks, the inheritance and the verification links, table-tested.

use crate::article::FieldError;

/// 中国政府网, linked from every footer.
pub const GOV_PORTAL_NAME: &str = "中国政府网";
pub const GOV_PORTAL_URL: &str = "https://www.gov.cn/";
/// Where an ICP record number is verified.
pub const ICP_LOOKUP_URL: &str = "https://beian.miit.gov.cn/";

/// A site's records as its admin sets them (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteRecords {
    /// ICP 备案号, e.g. `浙ICP备05012345号-1`.
    pub icp: Option<String>,
    /// 公安机关备案号, e.g. `浙公网安备 33010202000123号`.
    pub police: Option<String>,
    /// The site's identifier at the 党政机关网站标识 registry.
    pub conac_id: Option<String>,
    /// The superior (provincial) government portal's name; kept on the portal for the cluster.
    pub superior_name: Option<String>,
    /// Its address (`https://…`).
    pub superior_url: Option<String>,
}

impl SiteRecords {
    /// Trimmed, with empty fields as `None`.
    pub fn trimmed(self) -> SiteRecords {
        fn opt(v: Option<String>) -> Option<String> {
            v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
        }
        SiteRecords {
            icp: opt(self.icp),
            police: opt(self.police).map(|p| collapse_spaces(&p)),
            conac_id: opt(self.conac_id),
            superior_name: opt(self.superior_name),
            superior_url: opt(self.superior_url),
        }
    }

    /// Checks each field's form; the first error names its field.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Some(icp) = &self.icp
            && !is_icp(icp)
        {
            return Err(FieldError::new(
                "icp",
                "ICP 备案号格式应如“浙ICP备05012345号”或“浙ICP备05012345号-1”",
            ));
        }
        if let Some(p) = &self.police
            && police_code(p).is_none()
        {
            return Err(FieldError::new(
                "police",
                "公安机关备案号格式应如“浙公网安备 33010202000123号”（14 位数字）",
            ));
        }
        if let Some(id) = &self.conac_id
            && (id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(FieldError::new(
                "conac_id",
                "党政机关网站标识编号只能包含字母和数字，最多 64 位",
            ));
        }
        match (&self.superior_name, &self.superior_url) {
            (Some(n), _) if n.chars().count() > 60 => Err(FieldError::new(
                "superior_name",
                "上级政府门户名称不能超过 60 个字",
            )),
            (Some(_), None) => Err(FieldError::new(
                "superior_url",
                "填写了上级政府门户名称，还需填写其网址",
            )),
            (None, Some(_)) => Err(FieldError::new(
                "superior_name",
                "填写了上级政府门户网址，还需填写其名称",
            )),
            (_, Some(u)) if !is_web_address(u) => Err(FieldError::new(
                "superior_url",
                "上级政府门户网址须以 https:// 或 http:// 开头，最多 300 个字符",
            )),
            _ => Ok(()),
        }
    }

    /// What the site's footer shows: its own record numbers, else the portal's (the same
    /// registered domain); its own 标识; the cluster's superior portal (kept on the portal).
    pub fn with_portal(&self, portal: Option<&SiteRecords>) -> SiteRecords {
        let from_portal = |own: &Option<String>, f: fn(&SiteRecords) -> &Option<String>| {
            own.clone().or_else(|| portal.and_then(|p| f(p).clone()))
        };
        SiteRecords {
            icp: from_portal(&self.icp, |p| &p.icp),
            police: from_portal(&self.police, |p| &p.police),
            conac_id: self.conac_id.clone(),
            superior_name: portal
                .and_then(|p| p.superior_name.clone())
                .or_else(|| self.superior_name.clone()),
            superior_url: portal
                .and_then(|p| p.superior_url.clone())
                .or_else(|| self.superior_url.clone()),
        }
    }
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `浙ICP备05012345号`, optionally `-N`: a province's one-character name, `ICP备`, digits, `号`.
pub fn is_icp(s: &str) -> bool {
    let Some((head, rest)) = s.split_once("ICP备") else {
        return false;
    };
    let Some((digits, tail)) = rest.split_once('号') else {
        return false;
    };
    let head_ok = head.chars().count() == 1 && !head.is_ascii();
    let digits_ok = (6..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = tail.is_empty()
        || tail.strip_prefix('-').is_some_and(|n| {
            !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
        });
    head_ok && digits_ok && tail_ok
}

/// The 14-digit code of a 公安机关备案号 (`浙公网安备 33010202000123号` → `33010202000123`).
pub fn police_code(s: &str) -> Option<&str> {
    let rest = s.split_once("公网安备")?.1.trim_start();
    let code = rest.strip_suffix('号')?.trim_end();
    (code.len() == 14 && code.bytes().all(|b| b.is_ascii_digit()) && s.chars().count() <= 40)
        .then_some(code)
}

/// Where the public verifies a 公安机关备案号.
pub fn police_lookup_url(code: &str) -> String {
    format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}")
}

/// Where the public verifies a site's 党政机关网站标识.
pub fn conac_lookup_url(id: &str) -> String {
    format!("https://bszs.conac.cn/sitename?method=show&id={id}")
}

fn is_web_address(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 300
        && u.len() > "https://".len()
        && !u.contains(['"', '<', '>', ' ', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(icp: Option<&str>, police: Option<&str>) -> SiteRecords {
        SiteRecords {
            icp: icp.map(Into::into),
            police: police.map(Into::into),
            ..SiteRecords::default()
        }
    }

    #[test]
    fn icp_numbers_are_recognized() {
        let cases = [
            ("浙ICP备05012345号", true),
            ("浙ICP备05012345号-1", true),
            ("京ICP备12345678号-12", true),
            ("ICP备05012345号", false),
            ("浙江ICP备05012345号", false),
            ("浙ICP备0501234x号", false),
            ("浙ICP备05012345", false),
            ("浙ICP备05012345号-", false),
            ("浙ICP证05012345号", false),
        ];
        for (s, ok) in cases {
            assert_eq!(is_icp(s), ok, "{s}");
        }
    }

    #[test]
    fn police_records_yield_their_code() {
        let cases = [
            ("浙公网安备 33010202000123号", Some("33010202000123")),
            ("浙公网安备33010202000123号", Some("33010202000123")),
            ("浙公网安备 3301020200012号", None),
            ("浙公网安备 33010202000123", None),
            ("33010202000123号", None),
        ];
        for (s, want) in cases {
            assert_eq!(police_code(s), want, "{s}");
        }
        assert!(police_lookup_url("33010202000123").ends_with("code=33010202000123"));
    }

    #[test]
    fn records_are_checked_field_by_field() {
        let field = |r: SiteRecords| r.trimmed().check().err().map(|e| e.field);
        assert_eq!(field(SiteRecords::default()), None);
        assert_eq!(field(records(Some("浙ICP备05012345号"), None)), None);
        assert_eq!(field(records(Some("备案中"), None)), Some("icp"));
        assert_eq!(field(records(None, Some("公网安备"))), Some("police"));
        let conac = SiteRecords {
            conac_id: Some("E0C5-FC1D".into()),
            ..SiteRecords::default()
        };
        assert_eq!(field(conac), Some("conac_id"));
        let half = SiteRecords {
            superior_name: Some("浙江省人民政府".into()),
            ..SiteRecords::default()
        };
        assert_eq!(field(half), Some("superior_url"));
        let bad_url = SiteRecords {
            superior_name: Some("浙江省人民政府".into()),
            superior_url: Some("javascript:alert(1)".into()),
            ..SiteRecords::default()
        };
        assert_eq!(field(bad_url), Some("superior_url"));
        let blank = SiteRecords {
            icp: Some("  ".into()),
            police: Some("浙公网安备   33010202000123号 ".into()),
            ..SiteRecords::default()
        }
        .trimmed();
        assert_eq!(blank.icp, None);
        assert_eq!(blank.police.as_deref(), Some("浙公网安备 33010202000123号"));
    }

    #[test]
    fn subsites_show_the_portals_record_numbers_but_their_own_mark() {
        let portal = SiteRecords {
            icp: Some("浙ICP备05012345号".into()),
            police: Some("浙公网安备 33010202000123号".into()),
            conac_id: Some("PORTAL1".into()),
            superior_name: Some("浙江省人民政府".into()),
            superior_url: Some("https://www.zj.gov.cn/".into()),
        };
        let own = SiteRecords {
            icp: Some("浙ICP备09999999号".into()),
            conac_id: None,
            ..SiteRecords::default()
        };
        let shown = own.with_portal(Some(&portal));
        assert_eq!(shown.icp.as_deref(), Some("浙ICP备09999999号"));
        assert_eq!(shown.police, portal.police);
        assert_eq!(shown.conac_id, None);
        assert_eq!(shown.superior_name, portal.superior_name);
        assert_eq!(
            SiteRecords::default().with_portal(None),
            SiteRecords::default()
        );
    }
}
