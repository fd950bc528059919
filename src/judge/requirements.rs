//! What a found page must also satisfy: the fiscal year and the required
//! elements (with their built-in detectors).

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::{Judge, Reason, ReasonCode};
use crate::graph::Page;
use crate::rules::{Detector, Item, YearRule};
use crate::textnorm::normalize;
use crate::thaidate::{find_years, YearSpan};

impl Judge<'_> {
    /// `WRONG_YEAR` if the texts near the item do not show the year the rule
    /// asks; when they show no year at all, the `fallback` (the whole content
    /// of a page dedicated to the item) is read instead.
    pub(super) fn year_reason(
        &self,
        item: &Item,
        texts: &[String],
        fallback: &[String],
    ) -> Option<Reason> {
        if item.year_rule() == YearRule::None {
            return None;
        }
        let collect = |texts: &[String]| -> Vec<YearSpan> {
            let mut spans: Vec<YearSpan> = texts.iter().flat_map(|t| find_years(t)).collect();
            spans.sort_unstable();
            spans.dedup();
            spans
        };
        let mut spans = collect(texts);
        if spans.is_empty() {
            spans = collect(fallback);
        }
        if item.year_rule().accepts(&spans, self.year) {
            return None;
        }
        let mut reason = Reason::new(ReasonCode::WrongYear, None);
        // Shown to the user: a year inside a range already shown is noise.
        reason.years = spans
            .iter()
            .filter(|s| {
                !spans
                    .iter()
                    .any(|o| o != *s && o.from <= s.from && s.to <= o.to)
            })
            .copied()
            .collect();
        reason.expected = Some(item.year_rule().expected(self.year));
        Some(reason)
    }

    pub(super) fn missing_elements(&self, item: &Item, page: &Page, own: &[String]) -> Vec<String> {
        let content = normalize(&own.join(" "));
        item.elements
            .iter()
            .filter(|e| {
                let by_term = e.any.iter().any(|t| content.contains(&normalize(t)));
                let by_detector = e.detect.is_some_and(|d| self.detect(d, page, own));
                !(by_term || by_detector)
            })
            .map(|e| e.id.clone())
            .collect()
    }

    pub(super) fn detect(&self, detector: Detector, page: &Page, own: &[String]) -> bool {
        let joined = own.join("\n");
        match detector {
            Detector::Email => {
                EMAIL.is_match(&joined)
                    || page
                        .links
                        .iter()
                        .any(|l| l.target.scheme() == "mailto" && !l.chrome)
            }
            Detector::Phone => PHONE.is_match(&crate::textnorm::thai_digits_to_ascii(&joined)),
            Detector::Map => page
                .frames
                .iter()
                .chain(page.links.iter().filter(|l| !l.chrome).map(|l| &*l.target))
                .any(is_map_url),
            Detector::Image => page.content_images > 0,
            Detector::Form => page.forms.iter().any(crate::graph::Form::is_usable),
            Detector::ContactPerPerson => self.every_person_has_contact(page),
            Detector::PhotoPerPerson => every_person_has_photo(page),
        }
    }

    /// Splits the content into people (a block starting a Thai personal
    /// title) and checks each has a phone number or e-mail.
    pub(super) fn every_person_has_contact(&self, page: &Page) -> bool {
        let starts = person_starts(page);
        let mut people: Vec<bool> = Vec::new();
        for (i, block) in page.blocks.iter().enumerate() {
            let text = crate::textnorm::thai_digits_to_ascii(&block.text);
            if starts.contains(&i) {
                people.push(false);
            }
            if PHONE.is_match(&text) || EMAIL.is_match(&text) {
                if let Some(last) = people.last_mut() {
                    *last = true;
                }
            }
        }
        !people.is_empty() && people.iter().all(|&has| has)
    }
}

/// The index of each block that starts a person (a Thai personal title,
/// not a position such as "นายก").
fn person_starts(page: &Page) -> Vec<usize> {
    page.blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            let text = crate::textnorm::thai_digits_to_ascii(&b.text);
            PERSON.is_match(&text) && !POSITION_PREFIXES.iter().any(|p| text.starts_with(p))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every person listed has an image in their part of the page (from their
/// name to the next person's). A page whose people are not written as text
/// (one picture of the whole board) needs only an image.
fn every_person_has_photo(page: &Page) -> bool {
    let starts = person_starts(page);
    if starts.is_empty() {
        return page.content_images > 0;
    }
    starts.iter().enumerate().all(|(n, &start)| {
        // The first person's part also takes a photo just above the name.
        let from = if n == 0 { 0 } else { start };
        let to = starts.get(n + 1).copied().unwrap_or(usize::MAX);
        page.image_positions.iter().any(|&p| p >= from && p < to)
    })
}

fn is_map_url(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let path = url.path();
    (host.contains("google.") && (path.starts_with("/maps") || host.starts_with("maps.")))
        || host == "goo.gl" && path.starts_with("/maps")
        || host.ends_with("maps.app.goo.gl")
        || host.contains("openstreetmap.org")
        || host.contains("longdo.com")
}

/// Position titles that start like a personal title ("นายก…" is a mayor,
/// not "นาย ก…").
const POSITION_PREFIXES: &[&str] = &[
    "นายกองค์การ",
    "นายกเทศมนตรี",
    "นายก อบ",
    "นายกอบ",
    "นายกเมือง",
    "นายกสมาคม",
];

#[allow(clippy::expect_used)]
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("static regex")
});
#[allow(clippy::expect_used)]
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])0(?:[\s-]?\d){8,9}(?:[^\d]|$)").expect("static regex")
});
#[allow(clippy::expect_used)]
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:นาย|นางสาว|นาง|น\.ส\.|ว่าที่|ดร\.|จ\.ส\.|ส\.อ\.|พ\.ต\.|ร\.ต\.)\s*[ก-๙]")
        .expect("static regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        crate::crawl::extract::extract(html, &Url::parse("http://x.go.th/exec.html").expect("url"))
    }

    /// Seeds 000/002: the name, position, photo and contact of *each*
    /// executive. One deputy without a photo fails; cards with the photo
    /// above the name, rows with the photo beside it, and a single picture
    /// of the whole board (no names in text) pass.
    #[test]
    fn every_executive_needs_a_photo() {
        let cards = |third: &str| {
            format!(
                "<main><div><img src=a.jpg><h4>นายสมชาย ใจดี</h4><p>อธิบดี</p></div>\
                 <div><img src=b.jpg><h4>นางสาวสุดา รักงาน</h4><p>รองอธิบดี</p></div>\
                 <div>{third}<h4>นายวิชัย มั่นคง</h4><p>รองอธิบดี</p></div></main>"
            )
        };
        assert!(every_person_has_photo(&page(&cards("<img src=c.jpg>"))));
        assert!(!every_person_has_photo(&page(&cards(""))));
        let rows = "<table><tr><td><img src=a.jpg></td><td>นายสมชาย ใจดี นายก</td></tr>\
                    <tr><td><img src=b.jpg></td><td>นางมาลี ดีงาม รองนายก</td></tr></table>";
        assert!(every_person_has_photo(&page(rows)));
        assert!(every_person_has_photo(&page(
            "<main><h1>คณะผู้บริหาร</h1><img src=board.jpg></main>"
        )));
        assert!(!every_person_has_photo(&page(
            "<main><h1>คณะผู้บริหาร</h1></main>"
        )));
    }
}
