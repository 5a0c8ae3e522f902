//! The office's scorecard as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
//! Chinese) and XLSX (rust_xlsxwriter: a real workbook with a bold, frozen header row, column
//! widths and numbers as numbers). Both carry the same rows in the scorecard's order; 得分 is the
//! points with the portal's bonus, given apart in 其中加分.

use rust_xlsxwriter::{Format, Workbook};

use super::SiteReport;
use crate::{Result, ServiceError};

const HEADER: [&str; 8] = [
    "站点代码",
    "网站名称",
    "结论",
    "得分",
    "其中加分",
    "单项否决",
    "扣分项",
    "预警",
];

/// One report's cells, as text.
fn cells(r: &SiteReport) -> [String; 8] {
    let deductions: Vec<String> = r
        .score
        .deductions
        .iter()
        .map(|d| format!("{}-{}", d.name, d.points))
        .collect();
    [
        r.tenant.code.to_string(),
        r.tenant.name.clone(),
        r.score.verdict().to_owned(),
        r.score.total.to_string(),
        r.score
            .bonus
            .as_ref()
            .map_or(String::new(), |b| b.points.to_string()),
        r.score.vetoes.join("；"),
        deductions.join("；"),
        r.score.warnings.to_string(),
    ]
}

/// The scorecard as CSV (UTF-8 with a byte-order mark, for Excel).
pub fn scorecard_csv(rows: &[SiteReport]) -> String {
    let mut out = String::from(zq_domain::csv::BOM);
    out.push_str(&zq_domain::csv::row(&HEADER));
    for r in rows {
        let c = cells(r);
        let refs: Vec<&str> = c.iter().map(String::as_str).collect();
        out.push_str(&zq_domain::csv::row(&refs));
    }
    out
}

/// The scorecard as an XLSX workbook (one sheet, 网站检查).
pub fn scorecard_xlsx(rows: &[SiteReport]) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("网站检查").map_err(fail)?;
    let bold = Format::new().set_bold();
    for (col, title) in (0u16..).zip(HEADER) {
        sheet
            .write_string_with_format(0, col, title, &bold)
            .map_err(fail)?;
    }
    for (col, width) in (0u16..).zip([10.0, 30.0, 12.0, 8.0, 8.0, 24.0, 36.0, 8.0]) {
        sheet.set_column_width(col, width).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    for (row, r) in (1u32..).zip(rows) {
        for (col, value) in (0u16..).zip(cells(r)) {
            match col {
                3 => sheet.write_number(row, col, r.score.total as f64),
                4 if !value.is_empty() => {
                    sheet.write_number(row, col, r.score.total as f64 - r.score.points as f64)
                }
                7 => sheet.write_number(row, col, r.score.warnings as f64),
                _ => sheet.write_string(row, col, value),
            }
            .map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}
