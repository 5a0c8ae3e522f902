//! Reading the editor's (and the attachments page's) multipart forms: the text fields and the
//! files, every file checked before anything is stored, and uploaded files added to a body.

use super::*;

/// A multipart form: its text fields and its files (name, bytes).
pub(crate) struct Parsed {
    pub(crate) fields: HashMap<String, String>,
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

pub(crate) async fn read_multipart(mut m: Multipart) -> Result<Parsed, ServiceError> {
    let too_big = || {
        ServiceError::TooLarge(format!(
            "提交的内容太大：附件合计不能超过 {} MiB",
            MAX_FORM_BYTES / (1024 * 1024)
        ))
    };
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push((file_name, bytes.to_vec()));
                }
            }
            None => {
                let mut text = field.text().await.map_err(|_| too_big())?;
                // Multipart bodies pass the input layer untouched: clean their text here.
                zq_domain::text::make_xml_safe(&mut text);
                fields.insert(name, text);
            }
        }
    }
    Ok(Parsed { fields, files })
}

/// Checks every file before anything is stored, so a refused file saves nothing.
pub(crate) fn check_files(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter_map(|(name, bytes)| {
            zq_domain::attachment::check(name, bytes)
                .err()
                .map(|e| format!("{}：{e}", name.chars().take(60).collect::<String>()))
        })
        .collect()
}

/// Adds uploaded files to the body: pictures inline, other files as links at the end.
pub(crate) fn append_files(body: &mut String, code: &str, files: &[Attachment]) {
    for a in files {
        let url = format!("/sites/{code}{}", a.public_path());
        let name = zq_render::escape_html(&a.file_name);
        if a.is_image {
            body.push_str(&format!("<p><img src=\"{url}\" alt=\"{name}\"></p>"));
        } else {
            body.push_str(&format!("<p>附件：<a href=\"{url}\">{name}</a></p>"));
        }
    }
}
