//! The verification question (验证问题) the case-opening forms ask an address that has posted
//! more than `http.form_captcha_after` of them within the hour: a sum of two numbers written
//! in Chinese numerals, answered in digits — text, so a screen reader reads it and a keyboard
//! answers it. Nothing is stored: the hidden `captcha` field is an HMAC (the form-token key)
//! of the page's form token and the answer, so each answer fits one form, and since a form
//! token opens at most one case, every further case needs a fresh answer.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zq_render::interaction_view::CaptchaView;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

fn message(token: &str, answer: &str) -> String {
    format!("captcha|{token}|{}", answer.trim())
}

fn sign(key: &hmac::Key, token: &str, answer: &str) -> String {
    let tag = hmac::sign(key, message(token, answer).as_bytes());
    tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A fresh question for the form whose token is `token`.
pub(crate) fn challenge(key: &hmac::Key, token: &str) -> CaptchaView {
    let mut bytes = [0u8; 2];
    // Without randomness the question is still a question; 3 + 4 then.
    let _ = SystemRandom::new().fill(&mut bytes);
    let a = usize::from(bytes[0] % 9) + 1;
    let b = usize::from(bytes[1] % 9) + 1;
    CaptchaView {
        question: format!("{}加{}等于几？", DIGITS[a], DIGITS[b]),
        sig: sign(key, token, &(a + b).to_string()),
    }
}

/// Whether `answer` answers the question signed `sig` for the form `token`.
pub(crate) fn check(key: &hmac::Key, token: &str, sig: &str, answer: &str) -> bool {
    let answer: String = answer
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    !answer.is_empty()
        && answer.len() <= 3
        && unhex(sig)
            .is_some_and(|tag| hmac::verify(key, message(token, &answer).as_bytes(), &tag).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(q: &str) -> usize {
        let n = |c: char| DIGITS.iter().position(|d| d.starts_with(c)).unwrap();
        let mut it = q.chars();
        let a = n(it.next().unwrap());
        it.next();
        a + n(it.next().unwrap())
    }

    #[test]
    fn an_answer_fits_its_own_form_only() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"k");
        for _ in 0..20 {
            let c = challenge(&key, "t1");
            let right = value(&c.question).to_string();
            assert!(check(&key, "t1", &c.sig, &right));
            assert!(check(&key, "t1", &c.sig, &format!(" {right} ")));
            let wide: String = right
                .chars()
                .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap())
                .collect();
            assert!(check(&key, "t1", &c.sig, &wide), "full-width digits");
            assert!(!check(&key, "t2", &c.sig, &right), "another form");
            assert!(!check(&key, "t1", &c.sig, "99"));
            assert!(!check(&key, "t1", &c.sig, ""));
        }
    }
}
