//! What a writer may attach to a letter, a site-error report or a disclosure request: a few
//! pictures or documents of the kinds a site accepts (`crate::attachment`), but no archives
//! (a handler cannot see what is inside before opening it), within a total size a phone
//! upload manages. Checked as a whole before anything is stored: one refused file refuses
//! the post, with the reason in Chinese for the form.

use crate::attachment::{AttachmentError, FileType, check};

/// Most files on one form.
pub const MAX_FILES: usize = 3;
/// Largest total of the files on one form, in bytes.
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;

/// Why the files of a form were refused, worded for the writer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseFileError {
    #[error("最多上传 {MAX_FILES} 个附件")]
    TooMany,
    #[error("附件合计不能超过 {} MiB", MAX_TOTAL_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("“{0}”：不接收压缩包，请直接上传图片或文档")]
    Archive(String),
    #[error("“{0}”：{1}")]
    Refused(String, AttachmentError),
}

/// Checks the files of one form (name, bytes); returns each one's type, in order.
pub fn check_files(files: &[(&str, &[u8])]) -> Result<Vec<FileType>, CaseFileError> {
    if files.len() > MAX_FILES {
        return Err(CaseFileError::TooMany);
    }
    if files.iter().map(|(_, b)| b.len()).sum::<usize>() > MAX_TOTAL_BYTES {
        return Err(CaseFileError::TooLarge);
    }
    files
        .iter()
        .map(|(name, bytes)| {
            let short: String = name.chars().take(40).collect();
            let ty = check(name, bytes).map_err(|e| CaseFileError::Refused(short.clone(), e))?;
            if ty.mime == "application/zip" {
                return Err(CaseFileError::Archive(short));
            }
            Ok(ty)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.7\n";

    #[test]
    fn files_of_a_form_are_checked_together() {
        let big_pdf = {
            let mut b = PDF.to_vec();
            b.resize(MAX_TOTAL_BYTES / 2 + 1, b' ');
            b
        };
        type Case<'a> = (Vec<(&'a str, &'a [u8])>, Result<usize, CaseFileError>);
        let cases: Vec<Case> = vec![
            (vec![], Ok(0)),
            (vec![("路灯.png", PNG), ("说明.pdf", PDF)], Ok(2)),
            (vec![("a.png", PNG); MAX_FILES], Ok(MAX_FILES)),
            (
                vec![("a.png", PNG); MAX_FILES + 1],
                Err(CaseFileError::TooMany),
            ),
            (
                vec![("a.pdf", &big_pdf), ("b.pdf", &big_pdf)],
                Err(CaseFileError::TooLarge),
            ),
            (
                vec![("材料.zip", b"PK\x03\x04rest")],
                Err(CaseFileError::Archive("材料.zip".into())),
            ),
            (
                vec![("a.png", PNG), ("x.html", b"<p>")],
                Err(CaseFileError::Refused(
                    "x.html".into(),
                    AttachmentError::TypeNotAllowed("html".into()),
                )),
            ),
            (
                vec![("伪装.jpg", b"MZ\x90\0")],
                Err(CaseFileError::Refused(
                    "伪装.jpg".into(),
                    AttachmentError::ContentMismatch("jpg".into()),
                )),
            ),
        ];
        for (files, want) in cases {
            let got = check_files(&files).map(|t| t.len());
            assert_eq!(
                got,
                want,
                "{:?}",
                files.iter().map(|f| f.0).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn reasons_read_in_chinese() {
        assert_eq!(CaseFileError::TooMany.to_string(), "最多上传 3 个附件");
        assert_eq!(
            CaseFileError::TooLarge.to_string(),
            "附件合计不能超过 10 MiB"
        );
    }
}
