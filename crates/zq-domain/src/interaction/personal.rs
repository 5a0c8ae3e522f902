//! A writer's personal details (个人信息保护法): what a form collects, how each field is
//! checked, and how it is shown masked to staff who have not revealed it. They never appear on
//! a public page, a feed, search or an API answer to a caller without the handling permission.

use serde::{Deserialize, Serialize};

/// What a writer gives about themselves. Stored sealed (encrypted) as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personal {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    /// 身份证号 or another identity document number (disclosure requests).
    #[serde(default)]
    pub id_number: Option<String>,
    /// Postal address (disclosure requests delivered by post).
    #[serde(default)]
    pub address: Option<String>,
}

/// A field the writer must correct, with the message for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalError {
    pub field: &'static str,
    pub message: &'static str,
}

impl Personal {
    /// Trims every field and checks it; empty optional fields become `None`.
    pub fn checked(self, needs_identity: bool) -> Result<Personal, Vec<PersonalError>> {
        let opt = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let p = Personal {
            name: self.name.trim().to_owned(),
            phone: self.phone.trim().replace([' ', '-'], ""),
            email: opt(self.email),
            id_number: opt(self.id_number).map(|s| s.to_uppercase()),
            address: opt(self.address),
        };
        let mut errors = Vec::new();
        let mut fail = |field, message| errors.push(PersonalError { field, message });
        if p.name.is_empty() || p.name.chars().count() > 50 {
            fail("name", "请填写姓名（不超过 50 个字）");
        }
        if !valid_phone(&p.phone) {
            fail("phone", "请填写有效的联系电话（手机或带区号的固定电话）");
        }
        if p.email.as_deref().is_some_and(|e| !valid_email(e)) {
            fail("email", "电子邮箱格式不正确");
        }
        match p.id_number.as_deref() {
            None if needs_identity => fail("id_number", "请填写身份证件号码"),
            Some(id) if !(6..=30).contains(&id.len()) || !id.is_ascii() => {
                fail("id_number", "身份证件号码格式不正确")
            }
            _ => {}
        }
        if p.address
            .as_deref()
            .is_some_and(|a| a.chars().count() > 200)
        {
            fail("address", "通信地址不能超过 200 个字");
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }

    /// The details as staff without the reveal permission see them.
    /// What is shown of details erased at the end of their retention period.
    pub fn erased() -> Personal {
        Personal {
            name: "（已按保存期限删除）".to_owned(),
            phone: "（已删除）".to_owned(),
            email: None,
            id_number: None,
            address: None,
        }
    }

    pub fn masked(&self) -> Personal {
        Personal {
            name: mask_name(&self.name),
            phone: mask_phone(&self.phone),
            email: self.email.as_deref().map(mask_email),
            id_number: self.id_number.as_deref().map(mask_id),
            address: self.address.as_ref().map(|_| "（已隐藏）".to_owned()),
        }
    }
}

/// 7–20 digits, optionally with a leading `+`: a mobile number or a fixed line with area code.
fn valid_phone(p: &str) -> bool {
    let digits = p.strip_prefix('+').unwrap_or(p);
    (7..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn valid_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && e.len() <= 254
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// 张三丰 → 张**; a single character stays masked too.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

/// 13812345678 → 138****5678; short numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let n = phone.chars().count();
    if n >= 11 {
        let head: String = phone.chars().take(3).collect();
        let tail: String = phone.chars().skip(n - 4).collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    } else {
        let tail: String = phone.chars().skip(n.saturating_sub(2)).collect();
        format!("{}{tail}", "*".repeat(n.saturating_sub(2)))
    }
}

/// zhang.san@example.cn → z***@example.cn
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// 330102199001011234 → 3301**********1234
pub fn mask_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 8 {
        return "*".repeat(n);
    }
    let head: String = id.chars().take(4).collect();
    let tail: String = id.chars().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Mask = fn(&str) -> String;

    #[test]
    fn masks_hide_all_but_the_usual_few_characters() {
        let cases: [(Mask, &str, &str); 9] = [
            (mask_name, "张三丰", "张**"),
            (mask_name, "李", "李*"),
            (mask_name, "", ""),
            (mask_phone, "13812345678", "138****5678"),
            (mask_phone, "057187654321", "057*****4321"),
            (mask_phone, "87654321", "******21"),
            (mask_email, "zhang.san@example.cn", "z***@example.cn"),
            (mask_id, "330102199001011234", "3301**********1234"),
            (mask_id, "A123456", "*******"),
        ];
        for (f, input, want) in cases {
            assert_eq!(f(input), want, "{input}");
        }
    }

    #[test]
    fn details_are_trimmed_and_checked_field_by_field() {
        let ok = Personal {
            name: " 王五 ".into(),
            phone: "138-1234 5678".into(),
            email: Some(" ".into()),
            id_number: Some("33010219900101123x".into()),
            address: None,
        }
        .checked(true)
        .unwrap();
        assert_eq!(ok.name, "王五");
        assert_eq!(ok.phone, "13812345678");
        assert_eq!(ok.email, None);
        assert_eq!(ok.id_number.as_deref(), Some("33010219900101123X"));

        let cases = [
            (Personal::default(), false, vec!["name", "phone"]),
            (
                Personal {
                    name: "赵六".into(),
                    phone: "12ab".into(),
                    email: Some("no-at-sign".into()),
                    ..Personal::default()
                },
                true,
                vec!["phone", "email", "id_number"],
            ),
            (
                Personal {
                    name: "赵六".into(),
                    phone: "+8613812345678".into(),
                    email: Some("a@b.cn".into()),
                    ..Personal::default()
                },
                false,
                vec![],
            ),
        ];
        for (p, identity, fields) in cases {
            let got: Vec<&str> = match p.checked(identity) {
                Ok(_) => vec![],
                Err(e) => e.iter().map(|e| e.field).collect(),
            };
            assert_eq!(got, fields);
        }
    }

    #[test]
    fn masked_details_contain_no_full_value() {
        let p = Personal {
            name: "欧阳明月".into(),
            phone: "13912345678".into(),
            email: Some("ouyang@example.cn".into()),
            id_number: Some("110101198001011234".into()),
            address: Some("江北区解放路 1 号".into()),
        };
        let m = p.masked();
        for secret in [
            "欧阳明月",
            "13912345678",
            "ouyang@",
            "110101198001011234",
            "解放路",
        ] {
            let shown = format!("{m:?}");
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
