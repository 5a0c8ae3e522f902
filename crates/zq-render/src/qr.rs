//! The QR code of a page's address as inline SVG, drawn on the server (no script, no image
//! request): one path of strokes along the runs of dark modules on a white square with the
//! standard quiet zone, so a phone can open the article it was printed or shown on.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the code (the standard's quiet zone).
const QUIET: usize = 4;

/// An `<svg>` of the QR code of `url`, `size` px square, labelled `label`; none if the
/// address is too long for a QR code.
pub fn svg(url: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    // Each run of dark modules in a row is a one-module-wide stroke: `M` to the row's first
    // run, `m{gap} 0` to each next one, `h{run}` along it (about 2 KB for a page's address,
    // less than half of a rectangle per run).
    let mut path = String::with_capacity(colors.len());
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        let mut pen: Option<usize> = None;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            match pen {
                None => path.push_str(&format!("M{} {}.5", x + QUIET, y + QUIET)),
                Some(end) => path.push_str(&format!("m{} 0", x - end)),
            }
            path.push_str(&format!("h{run}"));
            x += run;
            pen = Some(x);
        }
    }
    let n = width + 2 * QUIET;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" width=\"{size}\" height=\"{size}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path stroke=\"#000\" d=\"{path}\"/></svg>",
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
        assert!(s.contains("d=\"M4 4.5h7m"), "{s}");
        assert!(s.len() < 2600, "{} bytes", s.len());
        assert!(
            svg(&"x".repeat(4000), 128, "").is_none(),
            "too long for a QR code"
        );
    }

    #[test]
    fn the_strokes_cover_exactly_the_dark_modules() {
        let url = "http://jb.haichuan.gov.cn/art/1234.html";
        let s = svg(url, 128, "码").unwrap();
        let d = s.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let width = code.width();
        let want: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        let mut got = vec![false; width * width];
        let (mut x, mut y) = (0usize, 0usize);
        let mut rest = d;
        while !rest.is_empty() {
            let cmd = rest.as_bytes()[0];
            let end = rest[1..]
                .find(['M', 'm', 'h'])
                .map_or(rest.len(), |i| i + 1);
            let args: Vec<&str> = rest[1..end].split(' ').collect();
            match cmd {
                b'M' => {
                    x = args[0].parse::<usize>().unwrap() - QUIET;
                    y = args[1].trim_end_matches(".5").parse::<usize>().unwrap() - QUIET;
                }
                b'm' => x += args[0].parse::<usize>().unwrap(),
                b'h' => {
                    let n: usize = args[0].parse().unwrap();
                    for i in x..x + n {
                        got[y * width + i] = true;
                    }
                    x += n;
                }
                _ => panic!("unexpected command in {d}"),
            }
            rest = &rest[end..];
        }
        assert_eq!(got, want);
    }
}
