//! The submission sheet: one row per item with the URL to submit, as CSV in
//! UTF-8 with a BOM so Excel shows Thai.

use super::Report;

/// Renders the submission sheet.
///
/// # Errors
/// Only if the CSV writer fails on an in-memory buffer.
pub fn render(report: &Report) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["item", "title", "verdict", "url_to_submit", "reasons"])?;
    for item in &report.items {
        let reasons: Vec<String> = item
            .reasons
            .iter()
            .map(|r| format!("{}: {}", r.code, r.message))
            .collect();
        writer.write_record([
            item.id.as_str(),
            item.title.as_str(),
            item.verdict,
            if item.passed() {
                item.evidence_url.as_deref().unwrap_or_default()
            } else {
                ""
            },
            reasons.join(" | ").as_str(),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)))
}
