//! Plain text for a terminal: scores first, then every item with its URL or
//! its reasons.

use std::fmt::Write as _;

use super::labels::{labels, numeric};
use super::Report;
use crate::score::round2;

/// Renders the report as text.
#[must_use]
pub fn render(report: &Report) -> String {
    let l = labels(report.lang);
    let mut out = String::new();
    let passed = report.passed();
    let _ = writeln!(
        out,
        "oitcheck {} — {}",
        report.tool.version, report.framework
    );
    let _ = writeln!(out, "{}: {}", l.site, report.site);
    let _ = writeln!(out, "{}: {}", l.year, report.assessment_year);
    let band = report
        .oit_band
        .as_deref()
        .map(|b| format!("  {} {}", l.band, report.band(b)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {:.2}{band}  ({} {}/{})",
        l.oit,
        round2(report.scores.oit),
        l.passed,
        passed,
        report.scores.coverage.assessed
    );
    if let Some(coverage) = report.coverage_text() {
        let _ = writeln!(out, "  {coverage}");
    }
    if let Some(note) = &report.scoring_note {
        let _ = writeln!(out, "  {note}");
    }
    let mut indicators: Vec<(&String, &f64)> = report.scores.indicators.iter().collect();
    indicators.sort_by(|a, b| numeric(a.0).total_cmp(&numeric(b.0)));
    for (id, value) in indicators {
        let _ = write!(out, "  {} {id}: {:.2}", l.indicator, round2(*value));
        let subs: Vec<String> = report
            .scores
            .sub_indicators
            .iter()
            .filter(|(sub, _)| sub.split('.').next() == Some(id.as_str()))
            .map(|(sub, v)| format!("{sub} {:.2}", round2(*v)))
            .collect();
        if subs.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  [{}]", subs.join(", "));
        }
    }
    if let Some(ita) = &report.ita {
        let _ = writeln!(
            out,
            "{}: {:.2}{}",
            l.ita,
            round2(ita.total),
            ita.grade
                .as_ref()
                .map(|g| format!(" ({})", report.band(g)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "{}: {} {}, {} {}, {} {}, {:.1}s",
        l.crawl,
        report.crawl.pages_fetched,
        l.pages,
        report.crawl.requests,
        l.requests,
        report.crawl.errors,
        l.errors,
        report.crawl.duration_ms as f64 / 1000.0
    );
    if report.crawl.truncated || report.crawl.stopped.is_some() {
        let _ = writeln!(out, "{}", l.truncated);
    }
    out.push('\n');
    for item in &report.items {
        let title = item.title_in(report.lang);
        if !item.is_assessed() {
            let _ = writeln!(out, "– {:<4} {title}  ({})", item.id, l.not_assessed);
            if let Some(note) = &item.note {
                let _ = writeln!(out, "       {note}");
            }
            continue;
        }
        let mark = if item.passed() { "✔" } else { "✘" };
        let _ = writeln!(out, "{mark} {:<4} {title}", item.id);
        match (&item.evidence_url, item.passed()) {
            (Some(url), true) => {
                let _ = writeln!(out, "       {}: {url}", l.submit);
            }
            (Some(url), false) => {
                let _ = writeln!(out, "       {}: {url}", l.checked);
            }
            (None, _) => {}
        }
        for reason in &item.reasons {
            let _ = writeln!(out, "       [{}] {}", reason.code, reason.message);
        }
    }
    out
}
