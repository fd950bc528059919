//! JSON: the report's own serialisation (documented in README.md).

use super::Report;

/// Pretty-printed JSON with a trailing newline.
///
/// # Errors
/// Only if serialisation fails.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    render_value(report)
}

/// Any serialisable report as pretty JSON with a trailing newline.
///
/// # Errors
/// Only if serialisation fails.
pub fn render_value<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}
