//! TLS certificates (issue 15): the office uploads a certificate chain and its private key in
//! PEM (the console, the API) or lays them in the certificate directory; both are checked
//! here the same way before anything serves them — every certificate parses, the chain is in
//! order and each link is signed by the next, the key matches the end-entity certificate, the
//! certificate names at least one DNS name and is valid now. Storing, replacing, removing and
//! the sites' HTTPS-only switch are audited writes (`zq_store::tls`) whose event makes every
//! node re-read its certificates.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use zq_domain::TenantCode;
use zq_domain::access::Action;
use zq_domain::tls::{self as rules, Expiry};
use zq_store::{NewCertificate, StoredCertificate, Tenant};

use crate::admin::cluster_only;
use crate::{Caller, Result, ServiceError, Services};

/// The largest chain or key accepted, in bytes (a chain of four certificates is ~8 KiB).
const MAX_PEM_BYTES: usize = 64 * 1024;

/// A certificate as the office gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CertificateInput {
    /// The office's name for it: lowercase letters, digits, `-` and `.`.
    pub name: String,
    /// The end-entity certificate first, then the intermediates, in PEM.
    pub chain_pem: String,
    /// The private key in PEM (PKCS#8, RSA or SEC1 EC).
    pub key_pem: String,
}

fn invalid(msg: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(msg.into())
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        return Err(invalid(
            "证书名称须为 1 到 64 个小写字母、数字、连字符或点，如 portal-2027",
        ));
    }
    Ok(name.to_owned())
}

fn time_of(t: &x509_parser::time::ASN1Time) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp(), 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Checks a certificate chain and key as the office gives them, at `now`.
pub fn check(input: &CertificateInput, now: DateTime<Utc>) -> Result<NewCertificate> {
    let name = check_name(&input.name)?;
    if input.chain_pem.len() > MAX_PEM_BYTES || input.key_pem.len() > MAX_PEM_BYTES {
        return Err(ServiceError::TooLarge("证书链或私钥超过 64 KB".into()));
    }
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(input.chain_pem.as_bytes())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| invalid("证书链不是有效的 PEM 文本"))?;
    if chain.is_empty() {
        return Err(invalid(
            "没有找到证书：请粘贴以 -----BEGIN CERTIFICATE----- 开头的证书链",
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(input.key_pem.as_bytes()).map_err(|_| {
        invalid("私钥不是有效的 PEM 文本（支持 PKCS#8、RSA 和 EC 私钥，不能加密码）")
    })?;
    let mut parsed = Vec::with_capacity(chain.len());
    for (i, der) in chain.iter().enumerate() {
        let (_, cert) = X509Certificate::from_der(der.as_ref())
            .map_err(|_| invalid(format!("第 {} 张证书无法解析", i + 1)))?;
        parsed.push(cert);
    }
    for (i, pair) in parsed.windows(2).enumerate() {
        let (child, parent) = (&pair[0], &pair[1]);
        if child.issuer() != parent.subject()
            || child.verify_signature(Some(parent.public_key())).is_err()
        {
            return Err(invalid(format!(
                "证书链顺序不对或不完整：第 {} 张证书不是由第 {} 张签发的（应先放网站证书，再依次放中间证书）",
                i + 1,
                i + 2
            )));
        }
    }
    for (i, cert) in parsed.iter().enumerate() {
        let until = time_of(&cert.validity().not_after);
        if until <= now {
            return Err(invalid(format!(
                "第 {} 张证书已于 {} 过期",
                i + 1,
                zq_domain::time::format_local(until, false)
            )));
        }
    }
    let leaf = &parsed[0];
    let not_before = time_of(&leaf.validity().not_before);
    let not_after = time_of(&leaf.validity().not_after);
    if not_before > now {
        return Err(invalid(format!(
            "证书尚未生效（生效时间 {}）",
            zq_domain::time::format_local(not_before, false)
        )));
    }
    let mut names = Vec::new();
    if let Ok(Some(san)) = leaf.subject_alternative_name() {
        for n in &san.value.general_names {
            if let GeneralName::DNSName(d) = n {
                let d = d.to_ascii_lowercase();
                if rules::is_server_name(&d) && !names.contains(&d) {
                    names.push(d);
                }
            }
        }
    }
    if names.is_empty() {
        return Err(invalid(
            "证书没有包含域名：网站证书须在“使用者可选名称”（subjectAltName）中列出域名",
        ));
    }
    let fingerprint = zq_store::content_hash(chain[0].as_ref());
    drop(parsed);
    certified(chain, key)?;
    Ok(NewCertificate {
        name,
        names,
        chain_pem: input.chain_pem.trim().to_owned() + "\n",
        key_pem: input.key_pem.trim().to_owned() + "\n",
        not_before,
        not_after,
        fingerprint,
    })
}

fn certified(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<CertifiedKey> {
    let provider = rustls::crypto::ring::default_provider();
    CertifiedKey::from_der(chain, key, &provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => invalid("私钥与证书不匹配：请上传这张证书对应的私钥"),
        _ => invalid("私钥无法使用（支持 RSA、ECDSA P-256/P-384 和 Ed25519）"),
    })
}

/// The signing form of a checked certificate, for the TLS listener.
pub fn certified_key(cert: &NewCertificate) -> Result<Arc<CertifiedKey>> {
    let chain = CertificateDer::pem_slice_iter(cert.chain_pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| invalid("证书链不是有效的 PEM 文本"))?;
    let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes())
        .map_err(|_| invalid("私钥不是有效的 PEM 文本"))?;
    certified(chain, key).map(Arc::new)
}

/// The certificates laid in `dir` by the operators: every `NAME.crt` (or `NAME.pem`) with its
/// `NAME.key`, checked like an upload. Returns those that pass and, for the others, why not.
pub fn from_dir(dir: &Path, now: DateTime<Utc>) -> (Vec<NewCertificate>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            bad.push(format!("{}: {e}", dir.display()));
            return (good, bad);
        }
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "crt" && ext != "pem" {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let key_path = path.with_extension("key");
        let read =
            |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let input = match (read(&path), read(&key_path)) {
            (Ok(chain_pem), Ok(key_pem)) => CertificateInput {
                name: format!("file.{}", stem.to_ascii_lowercase()),
                chain_pem,
                key_pem,
            },
            (Err(e), _) | (_, Err(e)) => {
                bad.push(e);
                continue;
            }
        };
        match check(&input, now) {
            Ok(c) => good.push(c),
            Err(e) => bad.push(format!("{}: {e}", path.display())),
        }
    }
    (good, bad)
}

/// The stored certificates (the office and operators).
pub async fn list(svc: &Services, caller: &Caller) -> Result<Vec<StoredCertificate>> {
    if caller.grants.cluster.is_none() {
        return Err(ServiceError::forbidden(Action::ManageTenants));
    }
    Ok(svc.store().certificates().await?)
}

/// Checks and stores a certificate, replacing the one of the same name (the office).
pub async fn put(
    svc: &Services,
    caller: &Caller,
    input: CertificateInput,
) -> Result<StoredCertificate> {
    cluster_only(caller, Action::ManageTenants)?;
    let cert = check(&input, svc.now())?;
    Ok(svc.store().put_certificate(cert, &caller.who()).await?)
}

/// Removes a certificate (the office). A site that is HTTPS-only and would be left without a
/// certificate keeps its switch; the console shows it uncovered.
pub async fn remove(svc: &Services, caller: &Caller, name: &str) -> Result<()> {
    cluster_only(caller, Action::ManageTenants)?;
    Ok(svc
        .store()
        .remove_certificate(name.trim(), &caller.who())
        .await?)
}

/// Whether the stored certificates cover every host of `tenant` with one that has not
/// expired at `now`; the uncovered hosts.
pub fn uncovered<'a>(
    tenant: &'a Tenant,
    certs: &[NewCertificate],
    now: DateTime<Utc>,
) -> Vec<&'a str> {
    tenant
        .hosts
        .iter()
        .map(|h| h.as_str())
        .filter(|h| {
            !certs.iter().any(|c| {
                rules::coverage(&c.names, h).is_some()
                    && Expiry::at(c.not_after, now) != Expiry::Expired
            })
        })
        .collect()
}

/// Turns a site's HTTPS-only switch on or off (the office). Turning it on needs a valid
/// certificate for every host of the site (stored or in `files`), or visitors would be sent
/// to a page their browser refuses.
pub async fn set_https_only(
    svc: &Services,
    caller: &Caller,
    code: &str,
    on: bool,
    files: &[NewCertificate],
) -> Result<Tenant> {
    cluster_only(caller, Action::ManageTenants)?;
    let parsed = TenantCode::parse(code.trim())
        .map_err(|_| ServiceError::NotFound(format!("站点 {code}")))?;
    let tenant = svc
        .store()
        .tenant_by_code(&parsed)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("站点 {code}")))?;
    if on {
        let mut certs: Vec<NewCertificate> = svc
            .store()
            .certificates()
            .await?
            .into_iter()
            .map(|s| s.cert)
            .collect();
        certs.extend(files.iter().cloned());
        let missing = uncovered(&tenant, &certs, svc.now());
        if !missing.is_empty() {
            return Err(invalid(format!(
                "{} 的域名 {} 还没有有效的证书，请先上传证书再开启仅限 HTTPS",
                tenant.name,
                missing.join("、")
            )));
        }
    }
    Ok(svc
        .store()
        .set_https_only(tenant.id, on, &caller.who())
        .await?)
}
