//! Decoding response bodies: UTF-8 and TIS-620 / windows-874.
//!
//! The charset comes from, in order: a byte-order mark, the Content-Type
//! header, a `<meta charset>` or `<meta http-equiv>` in the first 2 KiB, and
//! finally sniffing: valid UTF-8 stays UTF-8, anything else on a Thai site is
//! almost always windows-874 (a superset of TIS-620).

use encoding_rs::{Encoding, UTF_8, WINDOWS_874};

/// Decodes `body` to text; returns the text and the encoding used.
#[must_use]
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    let mut encoding = Encoding::for_bom(body)
        .map(|(e, _)| e)
        .or_else(|| content_type.and_then(charset_param).and_then(label))
        .or_else(|| meta_charset(body))
        .unwrap_or_else(|| sniff(body));
    // Thai sites often declare UTF-8 over TIS-620 bytes (an old page pasted
    // into a new template): bytes that are not UTF-8 are read as windows-874.
    if encoding == UTF_8 && std::str::from_utf8(body).is_err() && looks_thai_single_byte(body) {
        encoding = WINDOWS_874;
    }
    let (text, _, _) = encoding.decode(body);
    (text.into_owned(), encoding)
}

fn label(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.trim().as_bytes())
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(pos) = rest.find("charset") {
        rest = &rest[pos + "charset".len()..];
        let value = rest.trim_start().strip_prefix('=')?.trim_start();
        let value = value.trim_start_matches(['"', '\'']);
        let end = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(value.len());
        if let Some(e) = label(&value[..end]) {
            return Some(e);
        }
    }
    None
}

/// Many bytes in the windows-874 Thai range (0xA1–0xFB) that do not form
/// UTF-8: a TIS-620 page whatever its label says.
fn looks_thai_single_byte(body: &[u8]) -> bool {
    let thai = body.iter().filter(|b| (0xA1..=0xFB).contains(*b)).count();
    let (_, _, had_errors) = UTF_8.decode(body);
    had_errors && thai * 20 > body.iter().filter(|b| **b >= 0x80).count() * 19
}

fn sniff(body: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        UTF_8
    } else {
        WINDOWS_874
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tis620_meta_is_honoured() {
        let (bytes, _, _) = WINDOWS_874.encode("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=tis-620\"><p>โครงสร้าง</p>");
        let (text, enc) = decode(&bytes, Some("text/html"));
        assert_eq!(enc, WINDOWS_874);
        assert!(text.contains("โครงสร้าง"));
    }

    #[test]
    fn tis620_bytes_under_a_utf8_label_are_read_as_thai() {
        let (bytes, _, _) = WINDOWS_874.encode("<meta charset=\"utf-8\"><p>แผนการจัดซื้อจัดจ้าง</p>");
        let (text, enc) = decode(&bytes, Some("text/html; charset=UTF-8"));
        assert_eq!(enc, WINDOWS_874);
        assert!(text.contains("แผนการจัดซื้อจัดจ้าง"));
    }

    #[test]
    fn header_wins_and_sniffing_falls_back() {
        let (bytes, _, _) = WINDOWS_874.encode("<p>ข้อมูลการติดต่อ</p>");
        assert_eq!(
            decode(&bytes, Some("text/html; charset=windows-874")).1,
            WINDOWS_874
        );
        assert!(decode(&bytes, None).0.contains("ข้อมูลการติดต่อ"));
        assert_eq!(decode("ไทย".as_bytes(), None).1, UTF_8);
    }
}
