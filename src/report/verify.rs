//! The report of `oitcheck verify`: one entry per planned answer, in the
//! same item shape as `check`, plus the answer and a suggested URL.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Lang, ReportedItem, Tool};
use crate::answers::{Answer, AnswerError};
use crate::graph::CrawlStats;
use crate::judge::AnswerVerdict;
use crate::rules::RuleSet;
use crate::score::{round2, Scores};

/// One checked answer row.
#[derive(Debug, Clone, Serialize)]
pub struct AnsweredItem {
    /// Line of the row in the answer file.
    pub line: usize,
    /// The item and its verdict, as in `check`.
    #[serde(flatten)]
    pub item: ReportedItem,
    /// The URL the webmaster plans to submit.
    pub answer_url: String,
    /// A better URL to submit, when one is known.
    pub suggested_url: Option<String>,
}

/// The result of verifying an answer sheet.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The tool.
    pub tool: Tool,
    /// The site (start URL after redirects).
    pub site: String,
    /// Framework id.
    pub framework: String,
    /// Assessment year.
    pub assessment_year: u32,
    /// Language of messages.
    pub lang: Lang,
    /// Crawl facts.
    pub crawl: CrawlStats,
    /// One entry per answer row, in file order.
    pub items: Vec<AnsweredItem>,
    /// Rows that could not be checked.
    pub errors: Vec<AnswerError>,
    /// Scores if the answers were submitted as they are (an item counts when
    /// one of its answers passes; an item without answers counts 0).
    pub scores: Scores,
}

impl VerifyReport {
    /// Builds the report from the answer rows and their verdicts.
    #[must_use]
    pub fn build(
        rules: &RuleSet,
        year: u32,
        site: String,
        stats: &CrawlStats,
        rows: Vec<(Answer, AnswerVerdict)>,
        errors: Vec<AnswerError>,
        lang: Lang,
    ) -> Self {
        let mut item_scores: BTreeMap<String, f64> = BTreeMap::new();
        let mut items = Vec::new();
        for (answer, verdict) in rows {
            let score = if verdict.verdict.pass { 100.0 } else { 0.0 };
            let best = item_scores.entry(answer.item.clone()).or_insert(0.0);
            *best = best.max(score);
            let suggested_url = verdict.suggested.as_ref().map(ToString::to_string);
            if let Some(item) = ReportedItem::new(rules, verdict.verdict, lang) {
                items.push(AnsweredItem {
                    line: answer.line,
                    item,
                    answer_url: answer.url.to_string(),
                    suggested_url,
                });
            }
        }
        Self {
            tool: Tool::current(),
            site,
            framework: rules.framework.id.clone(),
            assessment_year: year,
            lang,
            crawl: stats.clone(),
            items,
            errors,
            scores: crate::score::score(rules, &item_scores),
        }
    }

    /// Renders the report: text, JSON or HTML (other formats fall back to
    /// text; the sheet-shaped formats belong to `check`).
    ///
    /// # Errors
    /// Only when JSON serialisation fails.
    pub fn render(&self, format: super::Format) -> Result<String, super::RenderError> {
        Ok(match format {
            super::Format::Json => super::json::render_value(self)?,
            super::Format::Html => super::html::render_verify(self),
            _ => self.render_text(),
        })
    }

    /// Plain text: one block per answer, then the rows that could not be read.
    #[must_use]
    pub fn render_text(&self) -> String {
        let th = self.lang == Lang::Th;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "oitcheck {} verify — {}",
            self.tool.version, self.framework
        );
        let _ = writeln!(
            out,
            "{}: {}",
            if th {
                "เว็บไซต์"
            } else {
                "Site"
            },
            self.site
        );
        let passed = self.items.iter().filter(|i| i.item.passed()).count();
        let _ = writeln!(
            out,
            "{}: {}/{}   {}: {:.2}",
            if th {
                "คำตอบที่ผ่าน"
            } else {
                "Answers passing"
            },
            passed,
            self.items.len(),
            if th {
                "คะแนน OIT หากส่งตามนี้"
            } else {
                "OIT score if submitted as is"
            },
            round2(self.scores.oit)
        );
        out.push('\n');
        for row in &self.items {
            let mark = if row.item.passed() { "✔" } else { "✘" };
            let title = if th {
                &row.item.title
            } else {
                &row.item.title_en
            };
            let _ = writeln!(
                out,
                "{mark} {:<4} {title}  ({} {})",
                row.item.id,
                if th { "บรรทัด" } else { "line" },
                row.line
            );
            let _ = writeln!(
                out,
                "       {}: {}",
                if th {
                    "URL ที่ตอบ"
                } else {
                    "Answer"
                },
                row.answer_url
            );
            for reason in &row.item.reasons {
                let _ = writeln!(out, "       [{}] {}", reason.code, reason.message);
            }
            if let Some(s) = &row.suggested_url {
                let _ = writeln!(
                    out,
                    "       {}: {s}",
                    if th {
                        "ควรตอบด้วย URL"
                    } else {
                        "Submit instead"
                    }
                );
            }
        }
        if !self.errors.is_empty() {
            let _ = writeln!(
                out,
                "\n{}:",
                if th {
                    "บรรทัดที่ตรวจไม่ได้"
                } else {
                    "Rows that could not be checked"
                }
            );
            for e in &self.errors {
                let _ = writeln!(
                    out,
                    "  {} {}: {}",
                    if th { "บรรทัด" } else { "line" },
                    e.line,
                    e.message
                );
            }
        }
        out
    }
}
