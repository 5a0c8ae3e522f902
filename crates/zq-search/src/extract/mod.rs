//! Attachments' text, so a citizen finds the 通知 inside a PDF or the table inside a
//! spreadsheet: PDF (`pdf-extract`), XLSX/XLS/ODS (`calamine`), DOCX (its `word/document.xml`
//! read with `zip` and `quick-xml`) and plain text (UTF-8, else GB18030). Every file is read
//! under limits — its size, a time budget on a thread of its own (a parser that loops or
//! panics is abandoned, never the caller), and the text kept — and a file that cannot be read
//! says why in words a clerk understands, so it is indexed by its name and reported.

use std::io::{Cursor, Read};
use std::sync::mpsc;
use std::time::Duration;

/// What reading one file may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Larger files are not read (indexed by their name).
    pub max_bytes: usize,
    /// Reading longer than this is given up.
    pub timeout: Duration,
    /// Text kept, in characters.
    pub max_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(10),
            max_chars: 200_000,
        }
    }
}

/// What reading a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// The file's text (possibly empty: a scanned PDF has no text layer).
    Text(String),
    /// Not read, and why (for the clerk).
    Unreadable(String),
    /// Not a document (an image): not indexed at all.
    NotADocument,
}

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    Sheet,
    Docx,
    Plain,
}

fn format_of(file_name: &str) -> Result<Format, Extracted> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => Ok(Format::Pdf),
        "xlsx" | "xlsm" | "xls" | "ods" => Ok(Format::Sheet),
        "docx" => Ok(Format::Docx),
        "txt" | "csv" | "md" => Ok(Format::Plain),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "bmp" | "ico" => {
            Err(Extracted::NotADocument)
        }
        "" => Err(Extracted::Unreadable("文件没有扩展名，无法识别格式".into())),
        other => Err(Extracted::Unreadable(format!(
            "暂不支持读取 .{other} 文件的文字"
        ))),
    }
}

/// Reads the text of `bytes`, a file named `file_name`, within `limits`.
pub fn extract(file_name: &str, bytes: Vec<u8>, limits: &Limits) -> Extracted {
    let format = match format_of(file_name) {
        Ok(f) => f,
        Err(e) => return e,
    };
    if bytes.len() > limits.max_bytes {
        return Extracted::Unreadable(format!(
            "文件大于 {} MB，未读取文字",
            limits.max_bytes / (1024 * 1024)
        ));
    }
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("zq-extract".into())
        .spawn(move || {
            let read = std::panic::catch_unwind(|| read(format, &bytes))
                .unwrap_or_else(|_| Err("文件内容损坏或格式异常".into()));
            let _ = tx.send(read);
        });
    if spawned.is_err() {
        return Extracted::Unreadable("服务器繁忙，未能读取".into());
    }
    match rx.recv_timeout(limits.timeout) {
        Ok(Ok(text)) => Extracted::Text(tidy(&text, limits.max_chars)),
        Ok(Err(why)) => Extracted::Unreadable(why),
        // The thread is left to finish on its own; its answer is dropped.
        Err(_) => {
            Extracted::Unreadable(format!("读取超过 {} 秒，已放弃", limits.timeout.as_secs()))
        }
    }
}

fn read(format: Format, bytes: &[u8]) -> Result<String, String> {
    match format {
        Format::Pdf => pdf_extract::extract_text_from_mem(bytes).map_err(|e| {
            let e = e.to_string();
            if e.to_ascii_lowercase().contains("encrypt") {
                "PDF 已加密，无法读取".to_owned()
            } else {
                "PDF 文件损坏或格式异常".to_owned()
            }
        }),
        Format::Sheet => sheet(bytes),
        Format::Docx => docx(bytes),
        Format::Plain => Ok(plain(bytes)),
    }
}

/// Every sheet's name and cells, a row a line.
fn sheet(bytes: &[u8]) -> Result<String, String> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| "表格文件损坏或格式异常".to_owned())?;
    let mut text = String::new();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        text.push_str(&name);
        text.push('\n');
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(ToString::to_string)
                .filter(|c| !c.is_empty())
                .collect();
            if !cells.is_empty() {
                text.push_str(&cells.join("\t"));
                text.push('\n');
            }
        }
    }
    Ok(text)
}

/// The body text of a Word document: its runs' text, a paragraph a line.
fn docx(bytes: &[u8]) -> Result<String, String> {
    use quick_xml::events::Event;
    let bad = || "Word 文件损坏或格式异常".to_owned();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad())?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|_| bad())?
        .read_to_string(&mut xml)
        .map_err(|_| bad())?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(|_| bad())? {
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == "w:p" => text.push('\n'),
            Event::Empty(e) if matches!(e.name().as_ref(), "w:tab" | "w:br") => text.push(' '),
            Event::Text(t) if in_text => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text.push_str(match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::Eof => return Ok(text),
            _ => {}
        }
    }
}

/// UTF-8 text, else GB18030 (what Chinese Windows saves by default).
fn plain(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Runs of whitespace made one (a PDF's layout spaces), at most `max` characters.
fn tidy(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut blank = false;
    for (n, c) in text.chars().filter(|c| *c != '\0').enumerate() {
        if n >= max {
            break;
        }
        if c.is_whitespace() {
            if !blank && !out.is_empty() {
                out.push(if c == '\n' { '\n' } else { ' ' });
            }
            blank = true;
        } else {
            out.push(c);
            blank = false;
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests;
