//! What may be attached to an article: the file types a government site publishes (pictures,
//! PDF and office documents, OFD, archives of those), each recognised by its extension *and*
//! its leading bytes, within a size limit. Anything a browser could run (HTML, SVG, scripts,
//! executables) is refused, whatever it is called.

/// Largest picture, in bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Largest document or archive, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Longest file name, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    /// The `Content-Type` it is served with.
    pub mime: &'static str,
    /// Pictures may be shown inline in an article body.
    pub is_image: bool,
}

/// Why a file was refused, worded for the person uploading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("文件是空的")]
    Empty,
    #[error("文件名不合适：{0}")]
    BadName(&'static str),
    #[error(
        "不支持的文件类型 .{0}：只能上传图片（jpg、png、gif、webp）、PDF、OFD、Word、Excel、WPS、文本或 zip 文件"
    )]
    TypeNotAllowed(String),
    #[error("文件内容与扩展名 .{0} 不符")]
    ContentMismatch(String),
    #[error("文件太大：{what}不能超过 {limit_mib} MiB")]
    TooLarge {
        what: &'static str,
        limit_mib: usize,
    },
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Whether a file's leading bytes match its type.
type Sniff = fn(&[u8]) -> bool;

/// Extension → type and a check of the leading bytes.
fn by_extension(ext: &str) -> Option<(FileType, Sniff)> {
    let image = |mime| FileType {
        mime,
        is_image: true,
    };
    let doc = |mime| FileType {
        mime,
        is_image: false,
    };
    Some(match ext {
        "jpg" | "jpeg" => (image("image/jpeg"), |b| b.starts_with(b"\xFF\xD8\xFF")),
        "png" => (image("image/png"), |b| b.starts_with(b"\x89PNG\r\n\x1a\n")),
        "gif" => (image("image/gif"), |b| {
            b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")
        }),
        "webp" => (image("image/webp"), |b| {
            b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
        }),
        "pdf" => (doc("application/pdf"), |b| b.starts_with(b"%PDF-")),
        "ofd" => (doc("application/ofd"), |b| b.starts_with(ZIP)),
        "docx" => (
            doc("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            |b| b.starts_with(ZIP),
        ),
        "xlsx" => (
            doc("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            |b| b.starts_with(ZIP),
        ),
        "doc" => (doc("application/msword"), |b| b.starts_with(OLE)),
        "xls" => (doc("application/vnd.ms-excel"), |b| b.starts_with(OLE)),
        "wps" => (doc("application/vnd.ms-works"), |b| b.starts_with(OLE)),
        "zip" => (doc("application/zip"), |b| b.starts_with(ZIP)),
        "txt" | "csv" => (
            doc(if ext == "txt" {
                "text/plain; charset=utf-8"
            } else {
                "text/csv; charset=utf-8"
            }),
            |b| std::str::from_utf8(b).is_ok() && !looks_like_markup(b),
        ),
        _ => return None,
    })
}

/// Text a browser might sniff as HTML despite its declared type.
fn looks_like_markup(b: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&b[..b.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    ["<!doctype", "<html", "<script", "<svg", "<?xml"]
        .iter()
        .any(|m| head.starts_with(m))
}

/// Checks a file name: no paths, no control characters, a sensible length; returns it trimmed.
pub fn check_name(name: &str) -> Result<&str, AttachmentError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AttachmentError::BadName("缺少文件名"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AttachmentError::BadName("文件名太长"));
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) || name.starts_with('.') {
        return Err(AttachmentError::BadName("不能包含路径或控制字符"));
    }
    Ok(name)
}

/// Decides whether a file may be attached; returns its type.
pub fn check(name: &str, bytes: &[u8]) -> Result<FileType, AttachmentError> {
    let name = check_name(name)?;
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (ty, sniff) =
        by_extension(&ext).ok_or_else(|| AttachmentError::TypeNotAllowed(ext.clone()))?;
    let (limit, what) = if ty.is_image {
        (MAX_IMAGE_BYTES, "图片")
    } else {
        (MAX_FILE_BYTES, "附件")
    };
    if bytes.len() > limit {
        return Err(AttachmentError::TooLarge {
            what,
            limit_mib: limit / (1024 * 1024),
        });
    }
    if !sniff(bytes) {
        return Err(AttachmentError::ContentMismatch(ext));
    }
    Ok(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn pictures_and_documents_with_matching_bytes_are_accepted() {
        assert_eq!(check("图片.PNG", PNG).unwrap().mime, "image/png");
        assert!(check("a.png", PNG).unwrap().is_image);
        assert_eq!(
            check("通知.pdf", b"%PDF-1.7\n").unwrap().mime,
            "application/pdf"
        );
        assert!(!check("表.xlsx", b"PK\x03\x04rest").unwrap().is_image);
        assert!(check("说明.txt", "纯文本".as_bytes()).is_ok());
    }

    #[test]
    fn runnable_types_are_refused_by_extension() {
        for name in ["x.html", "x.svg", "x.js", "x.exe", "x.php", "noext"] {
            assert!(
                matches!(check(name, b"abc"), Err(AttachmentError::TypeNotAllowed(_))),
                "{name}"
            );
        }
    }

    #[test]
    fn content_must_match_the_extension() {
        assert_eq!(
            check("photo.jpg", b"<html><script>alert(1)</script>"),
            Err(AttachmentError::ContentMismatch("jpg".into()))
        );
        assert!(matches!(
            check("a.txt", b"<!DOCTYPE html><p>x"),
            Err(AttachmentError::ContentMismatch(_))
        ));
        assert!(check("a.pdf", PNG).is_err());
    }

    #[test]
    fn sizes_are_limited_by_kind() {
        let mut big = PNG.to_vec();
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(matches!(
            check("a.png", &big),
            Err(AttachmentError::TooLarge { what: "图片", .. })
        ));
        let mut pdf = b"%PDF-".to_vec();
        pdf.resize(MAX_IMAGE_BYTES + 1, b' ');
        assert!(check("a.pdf", &pdf).is_ok());
        assert_eq!(check("a.png", b""), Err(AttachmentError::Empty));
    }

    #[test]
    fn names_cannot_carry_paths() {
        for name in ["../etc/passwd.txt", "a\\b.png", ".htaccess", "", "a\nb.png"] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
        assert_eq!(check_name("  报告.pdf "), Ok("报告.pdf"));
    }
}
