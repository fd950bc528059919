//! Property tests: URL page keys and Thai year parsing.

use oitcheck::graph::page_key;
use oitcheck::textnorm::{normalize, thai_digits_to_ascii};
use oitcheck::thaidate::{find_years, YearSpan};
use proptest::prelude::*;
use url::Url;

fn thai_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32('๐' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

proptest! {
    /// The same page under the URLs sites give it has one key.
    #[test]
    fn page_key_ignores_what_does_not_change_the_page(
        segments in proptest::collection::vec("[a-z0-9ก-ฮ]{1,8}", 0..4),
        params in proptest::collection::btree_map("[a-z]{1,5}", "[a-z0-9]{0,4}", 0..4),
        https in any::<bool>(),
        www in any::<bool>(),
        slash in any::<bool>(),
        session in "[A-Z0-9]{4,12}",
    ) {
        let path = segments.join("/");
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let plain = Url::parse(&format!("http://example.go.th/{path}?{}", query.join("&"))).expect("url");
        let mut reversed = query.clone();
        reversed.reverse();
        reversed.push(format!("PHPSESSID={session}"));
        let variant = Url::parse(&format!(
            "{}://{}example.go.th/{path}{}?{}#top",
            if https { "https" } else { "http" },
            if www { "www." } else { "" },
            if slash && !path.is_empty() { "/" } else { "" },
            reversed.join("&"),
        ))
        .expect("url");
        prop_assert_eq!(page_key(&plain), page_key(&variant));
    }

    /// Different pages keep different keys.
    #[test]
    fn page_key_keeps_pages_apart(a in "[a-z]{1,8}", b in "[a-z]{1,8}", id in 1u32..5000) {
        prop_assume!(a != b);
        let x = Url::parse(&format!("http://example.go.th/{a}.php?id={id}")).expect("url");
        let y = Url::parse(&format!("http://example.go.th/{b}.php?id={id}")).expect("url");
        let z = Url::parse(&format!("http://example.go.th/{a}.php?id={}", id + 1)).expect("url");
        prop_assert_ne!(page_key(&x), page_key(&y));
        prop_assert_ne!(page_key(&x), page_key(&z));
    }

    /// A Buddhist-era year reads the same in Thai and Arabic digits.
    #[test]
    fn years_in_thai_and_arabic_digits(year in 2540u32..=2600, words in "(ประจำปีงบประมาณ|พ\\.ศ\\.|ปี) ?") {
        let arabic = find_years(&format!("แผนการดำเนินงาน {words}{year}"));
        let thai = find_years(&format!("แผนการดำเนินงาน {words}{}", thai_digits(year)));
        prop_assert_eq!(&arabic, &vec![YearSpan::single(year)]);
        prop_assert_eq!(arabic, thai);
    }

    /// Multi-year plans are ranges, whatever the dash or digits.
    #[test]
    fn ranges(from in 2540u32..2590, len in 1u32..6, dash in "(-|–|—| ถึง )", thai in any::<bool>()) {
        let to = from + len;
        let (a, b) = if thai { (thai_digits(from), thai_digits(to)) } else { (from.to_string(), to.to_string()) };
        let spans = find_years(&format!("แผนพัฒนาท้องถิ่น (พ.ศ. {a}{dash}{b})"));
        prop_assert_eq!(spans, vec![YearSpan { from, to }]);
    }

    /// Normalising is idempotent and never panics on any text.
    #[test]
    fn normalize_is_idempotent(text in "\\PC{0,60}") {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!thai_digits_to_ascii(&once).chars().any(|c| ('๐'..='๙').contains(&c)));
        let _ = find_years(&text);
    }
}
