//! Markdown, for a CI job summary: scores, what to fix first, every item.

use std::fmt::Write as _;

use super::labels::{labels, numeric};
use super::{Lang, Report};
use crate::score::round2;

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// Renders the report as Markdown.
#[must_use]
pub fn render(report: &Report) -> String {
    let l = labels(report.lang);
    let mut out = String::new();
    let passed = report.passed();
    let _ = writeln!(out, "# {} — {}\n", l.report_title, cell(&report.site));
    let band = report
        .oit_band
        .as_deref()
        .map(|b| format!(" ({} {})", l.band, report.band(b)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "**{}: {:.2}**{band} · {} {passed}/{} · {} {} · {}\n",
        l.oit,
        round2(report.scores.oit),
        l.passed,
        report.scores.coverage.assessed,
        l.year,
        report.assessment_year,
        report.framework
    );
    for note in report.coverage_text().iter().chain(&report.scoring_note) {
        let _ = writeln!(out, "> {}\n", cell(note));
    }
    if let Some(ita) = &report.ita {
        let grade = ita
            .grade
            .as_deref()
            .map(|g| format!(" ({})", report.band(g)))
            .unwrap_or_default();
        let _ = writeln!(out, "**{}: {:.2}**{grade}\n", l.ita, round2(ita.total));
    }
    let (heading, scores) = if report.scores.sub_indicators.is_empty() {
        (l.indicator, &report.scores.indicators)
    } else {
        (l.sub_indicator, &report.scores.sub_indicators)
    };
    let _ = writeln!(out, "| {heading} | % |\n|---|---:|");
    let mut subs: Vec<_> = scores.iter().collect();
    subs.sort_by(|a, b| numeric(a.0).total_cmp(&numeric(b.0)));
    for (id, value) in subs {
        let _ = writeln!(out, "| {id} | {:.2} |", round2(*value));
    }
    out.push('\n');
    if report.fix_first.is_empty() {
        let _ = writeln!(out, "{}\n", l.all_pass);
    } else {
        let _ = writeln!(out, "## {}\n\n{}\n", l.fix_first, l.fix_first_note);
        for fix in &report.fix_first {
            let title = if report.lang == Lang::Th {
                &fix.title
            } else {
                &fix.title_en
            };
            let _ = writeln!(
                out,
                "1. **{}** {} — +{:.2} ({})",
                fix.id,
                cell(title),
                fix.points,
                fix.code
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        l.item, l.title, l.verdict, l.reasons
    );
    for item in &report.items {
        let title = item.title_in(report.lang);
        let (mark, detail) = if !item.is_assessed() {
            ("➖", cell(item.note.as_deref().unwrap_or(l.not_assessed)))
        } else if item.passed() {
            (
                "✅",
                item.evidence_url
                    .as_deref()
                    .map(|u| format!("<{u}>"))
                    .unwrap_or_default(),
            )
        } else {
            let reasons: Vec<String> = item
                .reasons
                .iter()
                .map(|r| format!("`{}` {}", r.code, cell(&r.message)))
                .collect();
            ("❌", reasons.join("<br>"))
        };
        let _ = writeln!(out, "| {} | {} | {mark} | {detail} |", item.id, cell(title));
    }
    out
}
