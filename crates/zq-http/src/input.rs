//! The input layer: every form (`application/x-www-form-urlencoded`) and JSON body sent to the
//! console, the API and the public forms loses the characters XML does not allow
//! (`zq_domain::text::xml_safe`: NUL and the other C0 controls but tab and line breaks,
//! U+FFFE, U+FFFF) before any handler reads it. Feeds and sitemaps built from what was typed
//! then stay well-formed for the portals that pull them, and PostgreSQL never sees a NUL. A
//! body without such characters passes byte for byte; multipart uploads (files) are left alone.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use zq_domain::text::{is_xml_char, xml_safe};

/// The largest console body this layer reads: the editor's form, the largest of the console's
/// text bodies (each route still applies its own, smaller limit after it); the API's JSON
/// bodies are read up to its own limit.
const MAX_BYTES: usize = crate::console::editor::MAX_FORM_BYTES;

enum Kind {
    Form,
    Json,
}

/// The middleware (see the module's documentation).
pub(crate) async fn clean(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        return next.run(req).await;
    }
    let kind = match req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        }) {
        Some(t) if t == "application/x-www-form-urlencoded" => Kind::Form,
        Some(t) if t == "application/json" || t.ends_with("+json") => Kind::Json,
        _ => return next.run(req).await,
    };
    let max = if req.uri().path().starts_with("/api/") {
        crate::api::MAX_JSON_BYTES
    } else {
        MAX_BYTES
    };
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, max).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "请求体太大或未能读完\n",
            )
                .into_response();
        }
    };
    let cleaned = match kind {
        Kind::Form => clean_form(&bytes),
        Kind::Json => clean_json(&bytes),
    };
    let bytes = match cleaned {
        Some(b) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(b)
        }
        None => bytes,
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A form body without the characters XML forbids, if it had any.
fn clean_form(bytes: &[u8]) -> Option<Vec<u8>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    if pairs
        .iter()
        .all(|(k, v)| k.chars().chain(v.chars()).all(is_xml_char))
    {
        return None;
    }
    let cleaned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (xml_safe(k).into_owned(), xml_safe(v).into_owned()))
        .collect();
    serde_urlencoded::to_string(cleaned)
        .ok()
        .map(String::into_bytes)
}

/// A JSON body without the characters XML forbids in its strings, if it had any (a body that
/// is not JSON is left for the handler to refuse).
fn clean_json(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !strip(&mut value) {
        return None;
    }
    serde_json::to_vec(&value).ok()
}

/// Cleans every string of `v` (keys too); whether any changed.
fn strip(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => match xml_safe(s) {
            std::borrow::Cow::Borrowed(_) => false,
            std::borrow::Cow::Owned(clean) => {
                *s = clean;
                true
            }
        },
        Value::Array(items) => {
            // Every item is cleaned: no short circuit.
            let mut changed = false;
            for i in items {
                changed |= strip(i);
            }
            changed
        }
        Value::Object(map) => {
            let dirty_keys = map.keys().any(|k| !k.chars().all(is_xml_char));
            if dirty_keys {
                let old = std::mem::take(map);
                for (k, mut val) in old {
                    strip(&mut val);
                    map.insert(xml_safe(&k).into_owned(), val);
                }
                return true;
            }
            let mut changed = false;
            for v in map.values_mut() {
                changed |= strip(v);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_json_lose_only_what_xml_forbids() {
        assert_eq!(clean_form(b"title=%E6%94%BF%E5%8A%A1&x=1"), None);
        let got = clean_form(b"title=a%00b%EF%BF%BEc&body=line%0Aok").unwrap();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&got).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("title".into(), "abc".into()),
                ("body".into(), "line\nok".into())
            ]
        );
        assert_eq!(clean_json(br#"{"title":"ok","n":[1,"a"]}"#), None);
        assert_eq!(clean_json(b"not json"), None);
        let got =
            clean_json(br#"{"subtitle":"a\u0000b","list":["\u0001x",{"k\u0002":"\uffff"}],"n":3}"#)
                .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&got).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"subtitle": "ab", "list": ["x", {"k": ""}], "n": 3})
        );
    }
}
