//! CSV rows for the exports clerks open in a spreadsheet (RFC 4180 quoting). A cell that a
//! spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`) gets a leading
//! apostrophe, so text the public wrote cannot run as a formula on a clerk's machine.

/// The byte-order mark that makes spreadsheet programs read UTF-8 Chinese right.
pub const BOM: &str = "\u{feff}";

/// One line of CSV, ending in `\r\n`.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

fn cell(c: &str) -> String {
    let guarded = if c.starts_with(['=', '+', '-', '@']) {
        format!("'{c}")
    } else {
        c.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_needed_and_formulas_defused() {
        let cases = [
            (vec!["a", "b"], "a,b\r\n"),
            (vec!["有,逗号", "x"], "\"有,逗号\",x\r\n"),
            (vec!["说\"好\""], "\"说\"\"好\"\"\"\r\n"),
            (vec!["两\n行"], "\"两\n行\"\r\n"),
            (vec!["=1+1", "-2", "@x", "+3"], "'=1+1,'-2,'@x,'+3\r\n"),
            (vec![""], "\r\n"),
        ];
        for (cells, want) in cases {
            assert_eq!(row(&cells), want, "{cells:?}");
        }
    }
}
