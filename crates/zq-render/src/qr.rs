//! The QR code of a page's address as inline SVG, drawn on the server (no script, no image
//! request): one path of the dark modules on a white square with the standard quiet zone, so a
//! phone can open the article it was printed or shown on.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the code (the standard's quiet zone).
const QUIET: usize = 4;

/// An `<svg>` of the QR code of `url`, `size` px square, labelled `label`; none if the
/// address is too long for a QR code.
pub fn svg(url: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    // One rectangle per run of dark modules in a row.
    let mut path = String::with_capacity(colors.len() * 2);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            path.push_str(&format!("M{} {}h{run}v1h-{run}z", x + QUIET, y + QUIET));
            x += run;
        }
    }
    let n = width + 2 * QUIET;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" width=\"{size}\" height=\"{size}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        label = zq_domain::html::escape_html(label),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_a_square_svg_with_its_quiet_zone() {
        let s = svg("http://www.haichuan.gov.cn/art/42.html", 128, "本页二维码").unwrap();
        // Version 3 (29 modules) with four on each side.
        assert!(
            s.starts_with(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 37 37\" width=\"128\""
            ),
            "{s}"
        );
        assert!(s.contains("aria-label=\"本页二维码\""));
        // The finder pattern's top row: seven dark modules from inside the quiet zone.
        assert!(s.contains("d=\"M4 4h7v1h-7z"), "{s}");
        assert!(
            svg(&"x".repeat(4000), 128, "").is_none(),
            "too long for a QR code"
        );
    }
}
