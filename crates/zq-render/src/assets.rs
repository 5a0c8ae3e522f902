//! Static assets compiled into the binary, served under content-fingerprinted names
//! (`style.3f2a1b9c0d.css`) so they can be cached for a year.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

/// One static file.
#[derive(Debug)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

/// The asset table: logical name → fingerprinted URL, and fingerprinted file name → bytes.
#[derive(Debug)]
pub struct Assets {
    urls: HashMap<&'static str, String>,
    files: HashMap<String, Asset>,
}

const BUILTIN: &[(&str, &[u8], &str)] = &[
    (
        "style.css",
        include_bytes!("../static/style.css"),
        "text/css; charset=utf-8",
    ),
    (
        "text.css",
        include_bytes!("../static/text.css"),
        "text/css; charset=utf-8",
    ),
    (
        "article.js",
        include_bytes!("../static/article.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "rte.js",
        include_bytes!("../static/rte.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "console.js",
        include_bytes!("../static/console.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "logo.svg",
        include_bytes!("../static/logo.svg"),
        "image/svg+xml",
    ),
    (
        "conac.svg",
        include_bytes!("../static/conac.svg"),
        "image/svg+xml",
    ),
];

impl Assets {
    pub fn builtin() -> Assets {
        let mut urls = HashMap::new();
        let mut files = HashMap::new();
        for &(name, bytes, content_type) in BUILTIN {
            let digest = Sha256::digest(bytes);
            let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let file = format!("{stem}.{hash}.{ext}");
            urls.insert(name, format!("/static/{file}"));
            files.insert(
                file,
                Asset {
                    bytes,
                    content_type,
                },
            );
        }
        Assets { urls, files }
    }

    /// The URL of a logical asset, e.g. `style.css` → `/static/style.3f2a1b9c0d.css`.
    pub fn url(&self, name: &str) -> String {
        self.urls.get(name).cloned().unwrap_or_default()
    }

    /// Every asset by fingerprinted file name.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The asset behind a fingerprinted file name (the part after `/static/`).
    pub fn get(&self, file: &str) -> Option<&Asset> {
        self.files.get(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_urls_resolve_to_their_bytes() {
        let a = Assets::builtin();
        let url = a.url("style.css");
        assert!(
            url.starts_with("/static/style.") && url.ends_with(".css"),
            "{url}"
        );
        let file = url.trim_start_matches("/static/");
        assert!(!a.get(file).expect("asset").bytes.is_empty());
        assert!(
            a.get("style.css").is_none(),
            "unfingerprinted names are not served"
        );
    }
}
