//! Text normalisation for matching Thai agency pages against rule terms.
//!
//! Thai is written without spaces between words, and agency sites put spaces,
//! dashes and Thai digits wherever their editors like ("รอบ ๖ เดือน",
//! "รอบ6เดือน", "E-Service", "e service"). Both the site's text and the rule
//! file's terms go through [`normalize`], so matching is plain substring search
//! on the normalised forms.

/// Converts Thai digits ๐–๙ to ASCII digits, leaving everything else.
#[must_use]
pub fn thai_digits_to_ascii(text: &str) -> String {
    text.chars().map(thai_digit_to_ascii).collect()
}

fn thai_digit_to_ascii(c: char) -> char {
    match c {
        '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
        other => other,
    }
}

/// Normalises text for matching: lowercase, Thai digits to ASCII, all
/// whitespace (also zero-width and no-break spaces) and light punctuation
/// removed, and the decomposed sara am ("ํา") recomposed to "ำ".
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{0E4D}' && chars.peek() == Some(&'\u{0E32}') {
            chars.next();
            out.push('\u{0E33}');
            continue;
        }
        if c.is_whitespace() || is_ignorable(c) {
            continue;
        }
        let c = thai_digit_to_ascii(c);
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '-' | '_'
            | '.'
            | ','
            | ':'
            | ';'
            | '('
            | ')'
            | '['
            | ']'
            | '"'
            | '\''
            | '/'
            | '|'
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{FEFF}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2018}'
            | '\u{2019}'
    )
}

/// Collapses runs of whitespace into single spaces and trims, for display.
#[must_use]
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Item codes ("O21", "o 21", "O๒๑", "021") found in a text, as numbers.
///
/// Agencies label their ITA tables with the item code; OCR'd and hand-typed
/// tables write the letter O as a zero, so "010" means O10. A zero-led code
/// must have exactly three digits and stand alone, so phone numbers and years
/// are not read as codes.
#[must_use]
pub fn item_codes(text: &str) -> Vec<u32> {
    let chars: Vec<char> = thai_digits_to_ascii(text).chars().collect();
    let mut codes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_ok = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if prev_ok && (c == 'O' || c == 'o') {
            let mut j = i + 1;
            while j < chars.len() && (chars[j] == ' ' || chars[j] == '.' || chars[j] == '-') {
                j += 1;
            }
            let start = j;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let next_ok = j == chars.len() || !chars[j].is_ascii_alphanumeric();
            if (1..=3).contains(&(j - start)) && next_ok {
                let digits: String = chars[start..j].iter().collect();
                if let Ok(n) = digits.parse() {
                    codes.push(n);
                }
            }
            i = j.max(i + 1);
            continue;
        }
        if prev_ok && c == '0' {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            // "042-491234" is a phone number, not item O42.
            let next_ok = j == chars.len()
                || !(chars[j].is_ascii_alphanumeric() || matches!(chars[j], '-' | '.' | '/'));
            if j - i == 3 && next_ok {
                let digits: String = chars[i + 1..j].iter().collect();
                if let Ok(n) = digits.parse::<u32>() {
                    if n > 0 {
                        codes.push(n);
                    }
                }
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    codes
}

/// Decodes %XX escapes (Thai slugs) leniently.
#[must_use]
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_spaces_and_thai_digits() {
        assert_eq!(normalize("รอบ ๖ เดือน"), normalize("รอบ6เดือน"));
        assert_eq!(normalize("E-Service"), "eservice");
        assert_eq!(normalize("ต่าง ๆ"), "ต่างๆ");
        assert_eq!(normalize("ทํางาน"), "ทำงาน");
    }

    #[test]
    fn percent_decoding_of_thai_slugs() {
        assert_eq!(
            percent_decode("/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/"),
            "/ข่าว/"
        );
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }

    #[test]
    fn item_codes_are_found_in_their_written_forms() {
        assert_eq!(item_codes("O21 แผนการจัดซื้อ"), vec![21]);
        assert_eq!(item_codes("ข้อ o 12"), vec![12]);
        assert_eq!(item_codes("O๓๑ สถิติ"), vec![31]);
        assert_eq!(item_codes("010 - แผนดำเนินงานประจำปี"), vec![10]);
        assert!(item_codes("โทร 042-491234").is_empty());
        assert!(item_codes("video1 logo2 2564").is_empty());
    }
}
