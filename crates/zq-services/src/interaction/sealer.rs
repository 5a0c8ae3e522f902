//! Sealing a writer's personal details (个人信息保护法): AES-256-GCM (ring) with a key from
//! configuration (`[interaction] personal_data_key`, 64 hex digits) or, where none is set (the
//! embedded demo), a random key kept in the database's secrets table. A sealed value is
//! `v1:` followed by the hex of a fresh 96-bit nonce and the ciphertext with its tag; the key of
//! the form submission that opened the case is the associated data, so a sealed value copied
//! onto another case does not open.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use zq_domain::interaction::personal::Personal;

use crate::ServiceError;

/// Seals and opens personal details with the cluster's key.
#[derive(Clone)]
pub struct Sealer {
    key: std::sync::Arc<LessSafeKey>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// Why a key is refused.
#[derive(Debug, thiserror::Error)]
#[error("个人信息加密密钥须为 64 个十六进制字符（32 字节）")]
pub struct KeyError;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

impl Sealer {
    /// A sealer with a 32-byte key given as 64 hex digits.
    pub fn from_hex(key: &str) -> Result<Sealer, KeyError> {
        let bytes = unhex(key.trim())
            .filter(|b| b.len() == 32)
            .ok_or(KeyError)?;
        let key = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| KeyError)?;
        Ok(Sealer {
            key: std::sync::Arc::new(LessSafeKey::new(key)),
        })
    }

    /// A fresh random key as 64 hex digits.
    pub fn random_key() -> Result<String, ServiceError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(hex(&key))
    }

    /// Seals `p`, bound to `bind` (the case's submission key).
    pub fn seal(&self, p: &Personal, bind: &str) -> Result<String, ServiceError> {
        let data = serde_json::to_vec(p).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(format!("v1:{}", hex(&self.seal_bytes(&data, bind)?)))
    }

    /// Opens what `seal` made with the same `bind`.
    pub fn open(&self, sealed: &str, bind: &str) -> Result<Personal, ServiceError> {
        let broken = || ServiceError::Internal("个人信息无法解密：密钥与数据不符".into());
        let raw = sealed
            .strip_prefix("v1:")
            .and_then(unhex)
            .ok_or_else(broken)?;
        let plain = self.open_bytes(&raw, bind).map_err(|_| broken())?;
        serde_json::from_slice(&plain).map_err(|_| broken())
    }

    /// Seals bytes (a file the writer attached, or the details' JSON), bound to `bind`: a
    /// fresh nonce followed by the ciphertext and its tag.
    pub fn seal_bytes(&self, bytes: &[u8], bind: &str) -> Result<Vec<u8>, ServiceError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut data = bytes.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bind.as_bytes()),
                &mut data,
            )
            .map_err(|_| ServiceError::Internal("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.append(&mut data);
        Ok(out)
    }

    /// Opens what `seal_bytes` made with the same `bind`.
    pub fn open_bytes(&self, sealed: &[u8], bind: &str) -> Result<Vec<u8>, ServiceError> {
        let broken = || ServiceError::Internal("附件无法解密：密钥与数据不符".into());
        if sealed.len() <= NONCE_LEN {
            return Err(broken());
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| broken())?;
        let mut rest = rest.to_vec();
        let n = self
            .key
            .open_in_place(nonce, Aad::from(bind.as_bytes()), &mut rest)
            .map_err(|_| broken())?
            .len();
        rest.truncate(n);
        Ok(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Personal {
        Personal {
            name: "张三".into(),
            phone: "13812345678".into(),
            email: Some("zs@example.cn".into()),
            id_number: None,
            address: None,
        }
    }

    #[test]
    fn sealed_details_open_with_the_same_key_and_binding_only() {
        let key = Sealer::random_key().unwrap();
        let s = Sealer::from_hex(&key).unwrap();
        let sealed = s.seal(&person(), "submit:abc").unwrap();
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("13812345678"));
        assert_eq!(s.open(&sealed, "submit:abc").unwrap(), person());
        assert!(s.open(&sealed, "submit:other").is_err());
        let other = Sealer::from_hex(&Sealer::random_key().unwrap()).unwrap();
        assert!(other.open(&sealed, "submit:abc").is_err());
        // Two seals of the same details differ (fresh nonce).
        assert_ne!(sealed, s.seal(&person(), "submit:abc").unwrap());
    }

    #[test]
    fn sealed_files_open_with_the_same_binding_only() {
        let s = Sealer::from_hex(&Sealer::random_key().unwrap()).unwrap();
        let photo = b"\x89PNG\r\n\x1a\n a street lamp".to_vec();
        let sealed = s.seal_bytes(&photo, "submit:abc:file:路灯.png").unwrap();
        assert!(!sealed.windows(10).any(|w| w == b"street lam"));
        assert_eq!(
            s.open_bytes(&sealed, "submit:abc:file:路灯.png").unwrap(),
            photo
        );
        assert!(s.open_bytes(&sealed, "submit:abc:file:other.png").is_err());
        assert!(
            s.open_bytes(&sealed[..5], "submit:abc:file:路灯.png")
                .is_err()
        );
    }

    #[test]
    fn keys_must_be_64_hex_digits() {
        for bad in ["", "abc", &"g".repeat(64), &"0".repeat(62)] {
            assert!(Sealer::from_hex(bad).is_err(), "{bad}");
        }
        assert!(Sealer::from_hex(&"0f".repeat(32)).is_ok());
    }
}
