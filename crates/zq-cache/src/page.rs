//! A cached page: the rendered bytes, pre-compressed, with the headers it is served with.

use std::io::Write;

use bytes::Bytes;
use http::HeaderValue;
use sha2::{Digest, Sha256};

/// Content codings a stored page is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }

    /// Picks the best coding the client accepts (`Accept-Encoding`): br, then gzip, else identity.
    /// Codings with `q=0` are refused.
    pub fn negotiate(accept: Option<&str>) -> Encoding {
        let Some(accept) = accept else {
            return Encoding::Identity;
        };
        let mut br = false;
        let mut gzip = false;
        for part in accept.split(',') {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = it.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().map(|q| q <= 0.0).unwrap_or(false))
            });
            if refused {
                continue;
            }
            match name.as_str() {
                "br" => br = true,
                "gzip" | "x-gzip" => gzip = true,
                "*" => {
                    br = true;
                    gzip = true;
                }
                _ => {}
            }
        }
        if br {
            Encoding::Brotli
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// A rendered page ready to serve in any coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPage {
    pub status: u16,
    pub content_type: String,
    pub cache_control: String,
    /// Strong entity tag of the identity body, quoted.
    pub etag: String,
    pub identity: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
    /// When it was rendered (Unix milliseconds), for stale-if-error bounds.
    pub rendered_at_ms: u64,
    /// The three header values above, validated once so serving a hit copies nothing.
    pub header_values: HeaderValues,
}

/// Pre-built `Content-Type`, `Cache-Control` and `ETag` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderValues {
    pub content_type: HeaderValue,
    pub cache_control: HeaderValue,
    pub etag: HeaderValue,
}

impl HeaderValues {
    fn new(content_type: &str, cache_control: &str, etag: &str) -> HeaderValues {
        // The usual types and policies as static values: cloning one for a response then
        // touches no shared counter (the served pages are cloned from many threads at once).
        let v = |s: &str| match COMMON.iter().find(|c| **c == s) {
            Some(c) => HeaderValue::from_static(c),
            None => HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("")),
        };
        HeaderValues {
            content_type: v(content_type),
            cache_control: v(cache_control),
            etag: v(etag),
        }
    }
}

/// Header values most pages carry.
const COMMON: [&str; 8] = [
    "text/html; charset=utf-8",
    "application/xml; charset=utf-8",
    "application/atom+xml; charset=utf-8",
    "text/plain; charset=utf-8",
    "text/css; charset=utf-8",
    "image/svg+xml",
    "public, no-cache",
    "public, max-age=300",
];

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl CachedPage {
    /// Builds a page, computing its ETag and, when `compress` is set, its gzip and brotli forms.
    pub fn new(
        status: u16,
        content_type: &str,
        cache_control: &str,
        body: Vec<u8>,
        compress: bool,
    ) -> CachedPage {
        let digest = Sha256::digest(&body);
        let etag = format!(
            "\"{}\"",
            digest
                .iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let (gzip, br) = if compress {
            (gzip(&body), brotli(&body))
        } else {
            (Vec::new(), Vec::new())
        };
        let [identity, gzip, br] = one_block([&body, &gzip, &br]);
        CachedPage {
            status,
            header_values: HeaderValues::new(content_type, cache_control, &etag),
            content_type: content_type.to_owned(),
            cache_control: cache_control.to_owned(),
            etag,
            identity,
            gzip,
            br,
            rendered_at_ms: now_ms(),
        }
    }

    /// The body in the given coding (identity when that coding was not prepared).
    pub fn body(&self, enc: Encoding) -> (Encoding, Bytes) {
        match enc {
            Encoding::Brotli if !self.br.is_empty() => (enc, self.br.clone()),
            Encoding::Gzip if !self.gzip.is_empty() => (enc, self.gzip.clone()),
            Encoding::Brotli if !self.gzip.is_empty() => (Encoding::Gzip, self.gzip.clone()),
            _ => (Encoding::Identity, self.identity.clone()),
        }
    }

    /// Bytes it occupies, for the cache's weigher: the bodies and texts, plus what each entry
    /// costs besides (measured, roughly: this struct and its header values, the key and
    /// moka's bookkeeping in L1 and the stale map, allocator headers).
    pub fn weight(&self) -> u32 {
        const ENTRY_OVERHEAD: usize = 1024;
        let n = self.identity.len()
            + self.gzip.len()
            + self.br.len()
            + self.content_type.len()
            + self.cache_control.len()
            + self.etag.len()
            + ENTRY_OVERHEAD;
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Age in milliseconds.
    pub fn age_ms(&self) -> u64 {
        now_ms().saturating_sub(self.rendered_at_ms)
    }

    /// Whether `If-None-Match` matches this page's ETag (weak comparison, as RFC 9110 asks for GET).
    pub fn matches(&self, if_none_match: &str) -> bool {
        if_none_match.trim() == "*"
            || if_none_match
                .split(',')
                .any(|t| t.trim().trim_start_matches("W/") == self.etag)
    }

    /// Serializes for the shared (Redis) layer.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weight() as usize + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.status.to_be_bytes());
        out.extend_from_slice(&self.rendered_at_ms.to_be_bytes());
        for field in [
            self.content_type.as_bytes(),
            self.cache_control.as_bytes(),
            self.etag.as_bytes(),
            &self.identity,
            &self.gzip,
            &self.br,
        ] {
            out.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(field);
        }
        out
    }

    /// Reads what `encode` wrote; `None` for anything else (a foreign or truncated value).
    pub fn decode(data: &[u8]) -> Option<CachedPage> {
        let mut r = Reader(data);
        if r.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let status = u16::from_be_bytes(r.take(2)?.try_into().ok()?);
        let rendered_at_ms = u64::from_be_bytes(r.take(8)?.try_into().ok()?);
        let content_type = String::from_utf8(r.field()?.to_vec()).ok()?;
        let cache_control = String::from_utf8(r.field()?.to_vec()).ok()?;
        let etag = String::from_utf8(r.field()?.to_vec()).ok()?;
        let [identity, gzip, br] = one_block([r.field()?, r.field()?, r.field()?]);
        let header_values = HeaderValues::new(&content_type, &cache_control, &etag);
        r.0.is_empty().then_some(CachedPage {
            status,
            content_type,
            cache_control,
            etag,
            identity,
            gzip,
            br,
            rendered_at_ms,
            header_values,
        })
    }
}

const MAGIC: &[u8] = b"ZQP1";

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn field(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_be_bytes(self.take(4)?.try_into().ok()?) as usize;
        self.take(len)
    }
}

/// The three bodies in one allocation of exactly their size: a rendered page and the
/// compressors' outputs have spare capacity (up to half of them), which a cache full of pages
/// would hold on to, and one block per page instead of three fragments the heap less.
fn one_block(parts: [&[u8]; 3]) -> [Bytes; 3] {
    let mut all = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        all.extend_from_slice(p);
    }
    let all = Bytes::from(all);
    let mut start = 0;
    parts.map(|p| {
        let part = all.slice(start..start + p.len());
        start += p.len();
        part
    })
}

/// Empty when compression fails (the page is then served uncompressed).
fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    enc.write_all(body)
        .and_then(|()| enc.finish())
        .unwrap_or_default()
}

/// Empty when compression fails.
fn brotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        lgwin: 20,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &body[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn accept_encoding_picks_the_best_coding() {
        let cases = [
            (None, Encoding::Identity),
            (Some(""), Encoding::Identity),
            (Some("gzip"), Encoding::Gzip),
            (Some("gzip, deflate, br"), Encoding::Brotli),
            (Some("br;q=0, gzip"), Encoding::Gzip),
            (Some("br;q=0,gzip;q=0"), Encoding::Identity),
            (Some("*"), Encoding::Brotli),
            (Some("identity"), Encoding::Identity),
            (Some("GZIP;q=0.5"), Encoding::Gzip),
        ];
        for (accept, want) in cases {
            assert_eq!(Encoding::negotiate(accept), want, "{accept:?}");
        }
    }

    #[test]
    fn compressed_bodies_decompress_to_the_same_bytes() {
        let body = "<p>海川市人民政府</p>".repeat(200).into_bytes();
        let page = CachedPage::new(200, "text/html", "no-cache", body.clone(), true);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&page.gzip[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &page.br[..], &mut out).unwrap();
        assert_eq!(out, body);
        assert!(page.br.len() < body.len() / 4);
    }

    #[test]
    fn pages_round_trip_through_the_shared_encoding() {
        let page = CachedPage::new(
            200,
            "text/html; charset=utf-8",
            "public, no-cache",
            b"<p>x</p>".to_vec(),
            true,
        );
        assert_eq!(CachedPage::decode(&page.encode()), Some(page.clone()));
        let enc = page.encode();
        assert_eq!(CachedPage::decode(&enc[..enc.len() - 1]), None, "truncated");
        assert_eq!(CachedPage::decode(b"garbage"), None);
    }

    #[test]
    fn etags_match_if_none_match_forms() {
        let page = CachedPage::new(200, "text/html", "", b"abc".to_vec(), false);
        assert!(page.matches(&page.etag));
        assert!(page.matches(&format!("W/{}", page.etag)));
        assert!(page.matches(&format!("\"other\", {}", page.etag)));
        assert!(page.matches("*"));
        assert!(!page.matches("\"other\""));
        assert_eq!(
            page.body(Encoding::Brotli).0,
            Encoding::Identity,
            "uncompressed pages serve identity"
        );
    }
}
