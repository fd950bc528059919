//! JUnit XML: each item a test case, a failing item a failure with its
//! reasons, one test suite per sub-indicator — what CI servers display.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::Report;

/// Renders the report as JUnit XML.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = report.items.iter().filter(|i| i.failed()).count();
    let skipped = report.items.iter().filter(|i| !i.is_assessed()).count();
    let _ = writeln!(
        out,
        "<testsuites name=\"oitcheck {}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
        escape(report.site.as_str()),
        report.items.len(),
        report.crawl.duration_ms as f64 / 1000.0
    );
    for sub in report.groups() {
        let items: Vec<_> = report.items.iter().filter(|i| i.group() == sub).collect();
        let failed = items.iter().filter(|i| i.failed()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {sub}\" tests=\"{}\" failures=\"{failed}\">",
            escape(report.framework.as_str()),
            items.len()
        );
        for item in items {
            let title = item.title_in(report.lang);
            let _ = write!(
                out,
                "    <testcase classname=\"oit.{sub}\" name=\"{} {}\"",
                escape(item.id.as_str()),
                escape(title)
            );
            if !item.is_assessed() {
                let note = item.note.as_deref().unwrap_or_default();
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(note)
                );
                continue;
            }
            if item.passed() {
                let url = item.evidence_url.as_deref().unwrap_or_default();
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    escape(url)
                );
                continue;
            }
            let codes: Vec<&str> = item.reasons.iter().map(|r| r.code).collect();
            let text: Vec<String> = item
                .reasons
                .iter()
                .map(|r| format!("[{}] {}", r.code, r.message))
                .collect();
            let _ = writeln!(
                out,
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                escape(codes.join(" ").as_str()),
                escape(text.first().map_or("", String::as_str)),
                escape(text.join("\n").as_str())
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
