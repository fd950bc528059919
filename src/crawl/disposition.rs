//! The file name a server gives a download (`Content-Disposition`).
//!
//! Download scripts (`download.php?id=4521`) hide a document's name from its
//! URL; the name the server sends is often the only place its title and
//! fiscal year appear. `filename*` (RFC 5987, in any charset encoding_rs
//! knows) wins over `filename`. A plain `filename` is read as UTF-8, else
//! windows-874 (old Thai servers send TIS-620 bytes), and percent-decoded
//! when it is encoded (PHP scripts often send `filename=%E0%B8%...`).
//!
//! Written here rather than taken from a crate: the parsers on crates.io
//! let the ASCII `filename` fallback ("____2568.pdf") win over `filename*`,
//! which is exactly the Thai name this is for.

use encoding_rs::{Encoding, UTF_8, WINDOWS_874};

/// The file name in a `Content-Disposition` header value, if any.
#[must_use]
pub fn file_name(header: &[u8]) -> Option<String> {
    let mut plain = None;
    for param in header.split(|&b| b == b';').skip(1) {
        let Some(eq) = param.iter().position(|&b| b == b'=') else {
            continue;
        };
        let key = String::from_utf8_lossy(&param[..eq])
            .trim()
            .to_ascii_lowercase();
        let value = unquote(param[eq + 1..].trim_ascii());
        match key.as_str() {
            "filename*" => {
                if let Some(name) = extended(value).filter(|n| !n.is_empty()) {
                    return Some(name);
                }
            }
            "filename" => plain = Some(decode(&percent_decoded(value))),
            _ => {}
        }
    }
    plain
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

/// `UTF-8''%E0%B8%9B.pdf` → the decoded name.
fn extended(value: &[u8]) -> Option<String> {
    let mut parts = value.splitn(3, |&b| b == b'\'');
    let charset = parts.next()?;
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let encoding = Encoding::for_label(charset).unwrap_or(UTF_8);
    let bytes = percent_decoded(encoded);
    let (text, _, _) = encoding.decode(&bytes);
    Some(text.trim().to_string())
}

fn unquote(value: &[u8]) -> &[u8] {
    value
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .unwrap_or(value)
}

/// UTF-8 when the bytes are, else windows-874.
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => WINDOWS_874.decode(bytes).0.into_owned(),
    }
}

fn percent_decoded(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn names_in_every_form_servers_send() {
        let thai = "แผนปฏิบัติการ 2568.pdf";
        let encoded: String = thai.bytes().map(|b| format!("%{b:02X}")).collect();
        // filename* wins over the ASCII fallback.
        let both =
            format!("attachment; filename=\"________ 2568.pdf\"; filename*=UTF-8''{encoded}");
        assert_eq!(file_name(both.as_bytes()).as_deref(), Some(thai));
        // A percent-encoded plain name (PHP).
        let php = format!("attachment; filename={encoded}");
        assert_eq!(file_name(php.as_bytes()).as_deref(), Some(thai));
        // Raw UTF-8 and raw TIS-620 bytes.
        let raw = format!("inline; filename=\"{thai}\"");
        assert_eq!(file_name(raw.as_bytes()).as_deref(), Some(thai));
        let (tis, _, _) = encoding_rs::WINDOWS_874.encode(&raw);
        assert_eq!(file_name(&tis).as_deref(), Some(thai));
        // TIS-620 in filename*.
        let (tis_name, _, _) = encoding_rs::WINDOWS_874.encode(thai);
        let tis_encoded: String = tis_name.iter().map(|b| format!("%{b:02X}")).collect();
        let star = format!("attachment; filename*=TIS-620''{tis_encoded}");
        assert_eq!(file_name(star.as_bytes()).as_deref(), Some(thai));
        // Nothing to give.
        assert_eq!(file_name(b"attachment"), None);
        assert_eq!(file_name(b"attachment; filename=\"\""), None);
        assert_eq!(file_name(b"attachment; filename*=garbage"), None);
    }
}
