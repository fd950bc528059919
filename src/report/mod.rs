//! Reports: one [`Report`] value that every format renders.
//!
//! JSON is the report's serialisation, so formats never drift. Messages are
//! rendered here, at the edge, from the rule file's Thai or English texts.

pub mod json;
pub mod text;
pub mod verify;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::CrawlStats;
use crate::judge::{EvidenceNote, Reason, Verdict};
use crate::rules::{Item, RuleSet};
use crate::score::{ItaPrediction, Scores};

/// Language of user-facing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Thai (default).
    #[default]
    Th,
    /// English.
    En,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text for a terminal.
    #[default]
    Text,
    /// Stable JSON.
    Json,
}

/// The tool that made the report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `oitcheck`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// A reason as reported.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedReason {
    /// Stable code.
    pub code: &'static str,
    /// Message in the report's language.
    pub message: String,
    /// URL concerned.
    pub url: Option<String>,
}

/// One item as reported.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedItem {
    /// Item id.
    pub id: String,
    /// Thai title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Indicator id.
    pub indicator: String,
    /// Sub-indicator id.
    pub sub_indicator: String,
    /// `pass` or `fail`.
    pub verdict: &'static str,
    /// 100 or 0.
    pub score: u32,
    /// The main-site page to submit.
    pub evidence_url: Option<String>,
    /// Why it fails.
    pub reasons: Vec<ReportedReason>,
    /// How the evidence was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceNote>,
}

impl ReportedItem {
    /// An item as reported, with messages rendered in `lang`; `None` for an
    /// item the rule set does not know.
    #[must_use]
    pub fn new(rules: &RuleSet, v: Verdict, lang: Lang) -> Option<Self> {
        let item = rules.item(&v.item)?;
        Some(Self {
            id: v.item.clone(),
            title: item.title_th.clone(),
            title_en: item.title_en.clone(),
            indicator: rules.indicator_of(item).to_string(),
            sub_indicator: item.sub_indicator.clone(),
            verdict: if v.pass { "pass" } else { "fail" },
            score: if v.pass { 100 } else { 0 },
            evidence_url: v.evidence_url.as_ref().map(ToString::to_string),
            reasons: v
                .reasons
                .iter()
                .map(|r| ReportedReason {
                    code: r.code.as_str(),
                    message: message(rules, item, r, lang),
                    url: r.url.as_ref().map(ToString::to_string),
                })
                .collect(),
            evidence: v.evidence,
        })
    }
}

/// The whole result of a check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The tool.
    pub tool: Tool,
    /// The site checked (start URL after redirects).
    pub site: String,
    /// Framework id of the rule file.
    pub framework: String,
    /// Assessment year (BE).
    pub assessment_year: u32,
    /// Language of messages.
    pub lang: Lang,
    /// Crawl facts.
    pub crawl: CrawlStats,
    /// Items in rule order.
    pub items: Vec<ReportedItem>,
    /// Scores.
    pub scores: Scores,
    /// Predicted ITA, when IIT and EIT were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ita: Option<ItaPrediction>,
}

/// Inputs to build a report.
pub struct ReportInput<'a> {
    /// Rules used.
    pub rules: &'a RuleSet,
    /// Assessment year.
    pub year: u32,
    /// Site URL.
    pub site: String,
    /// Crawl stats.
    pub stats: &'a CrawlStats,
    /// Verdicts in rule order.
    pub verdicts: Vec<Verdict>,
    /// Message language.
    pub lang: Lang,
    /// IIT and EIT, when known.
    pub iit_eit: Option<(f64, f64)>,
}

impl Report {
    /// Builds the report: scores and rendered messages.
    #[must_use]
    pub fn build(input: ReportInput<'_>) -> Self {
        let rules = input.rules;
        let item_scores: BTreeMap<String, f64> = input
            .verdicts
            .iter()
            .map(|v| (v.item.clone(), if v.pass { 100.0 } else { 0.0 }))
            .collect();
        let scores = crate::score::score(rules, &item_scores);
        let items = input
            .verdicts
            .into_iter()
            .filter_map(|v| ReportedItem::new(rules, v, input.lang))
            .collect();
        let ita = input
            .iit_eit
            .map(|(iit, eit)| crate::score::predict_ita(rules, iit, eit, scores.oit));
        Self {
            tool: Tool {
                name: "oitcheck",
                version: env!("CARGO_PKG_VERSION"),
            },
            site: input.site,
            framework: rules.framework.id.clone(),
            assessment_year: input.year,
            lang: input.lang,
            crawl: input.stats.clone(),
            items,
            scores,
            ita,
        }
    }

    /// Renders the report in a format.
    ///
    /// # Errors
    /// Only when JSON serialisation fails (it does not for this type).
    pub fn render(&self, format: Format) -> Result<String, serde_json::Error> {
        match format {
            Format::Text => Ok(text::render(self)),
            Format::Json => json::render(self),
        }
    }
}

/// Renders a reason's message from the rule file's template.
#[must_use]
pub fn message(rules: &RuleSet, item: &Item, reason: &Reason, lang: Lang) -> String {
    let Some(template) = rules.messages.get(reason.code.as_str()) else {
        return reason.code.as_str().to_string();
    };
    let (text, title) = match lang {
        Lang::Th => (&template.th, &item.title_th),
        Lang::En => (&template.en, &item.title_en),
    };
    let elements: Vec<&str> = reason
        .elements
        .iter()
        .map(|id| {
            item.elements
                .iter()
                .find(|e| &e.id == id)
                .map_or(id.as_str(), |e| match lang {
                    Lang::Th => e.th.as_str(),
                    Lang::En => e.en.as_str(),
                })
        })
        .collect();
    let years = if reason.years.is_empty() {
        match lang {
            Lang::Th => "ไม่พบปี พ.ศ.".to_string(),
            Lang::En => "no year".to_string(),
        }
    } else {
        reason
            .years
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rendered = text
        // Thai runs words together; a title needs spaces to stand out.
        .replace(
            "{title}",
            &if lang == Lang::Th {
                format!(" {title} ")
            } else {
                title.clone()
            },
        )
        .replace("{url}", reason.url.as_ref().map_or("", |u| u.as_str()))
        .replace("{status}", reason.status.as_deref().unwrap_or(""))
        .replace("{years}", &years)
        .replace("{expected}", reason.expected.as_deref().unwrap_or(""))
        .replace("{elements}", &elements.join(", "))
        .replace(
            "{host}",
            reason.url.as_ref().and_then(|u| u.host_str()).unwrap_or(""),
        );
    crate::textnorm::collapse_whitespace(&rendered)
}
