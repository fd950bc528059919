//! Reports: one [`Report`] value that every format renders.
//!
//! JSON is the report's serialisation, so formats never drift. Messages are
//! rendered here, at the edge, from the rule file's Thai or English texts.

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod labels;
pub mod markdown;
pub mod text;
pub mod verify;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::CrawlStats;
use crate::judge::{EvidenceNote, Reason, Verdict};
use crate::rules::{Item, Message, RuleSet};
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
    /// One self-contained HTML file.
    Html,
    /// Markdown (a CI job summary).
    Markdown,
    /// JUnit XML (each item a test case).
    Junit,
    /// The submission sheet (CSV, UTF-8 with BOM).
    Csv,
}

impl Lang {
    /// The text of a message in this language.
    #[must_use]
    pub fn pick(self, message: &Message) -> &str {
        match self {
            Lang::Th => &message.th,
            Lang::En => &message.en,
        }
    }
}

impl Format {
    /// The format a file name asks for: .html .json .csv .md .xml (JUnit)
    /// .txt; `None` for another extension.
    #[must_use]
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" => Format::Html,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Markdown,
            "xml" => Format::Junit,
            "txt" => Format::Text,
            _ => return None,
        })
    }
}

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// JSON serialisation failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV writing failed.
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
}

/// The tool that made the report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `oitcheck`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

impl Tool {
    /// This build of oitcheck.
    #[must_use]
    pub fn current() -> Self {
        Self {
            name: "oitcheck",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
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
    /// How to fix it, in the report's language (from the rule file).
    pub advice: Option<String>,
}

/// A failing item worth fixing, with what fixing it adds.
#[derive(Debug, Clone, Serialize)]
pub struct FixFirst {
    /// Item id.
    pub id: String,
    /// Thai title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// OIT points the item would add if fixed.
    pub points: f64,
    /// The first reason code.
    pub code: &'static str,
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
    /// Sub-indicator id (absent when the framework's are not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_indicator: Option<String>,
    /// `pass`, `fail`, or `not_assessed` (the rule file does not know the
    /// item's rule).
    pub verdict: &'static str,
    /// 100 or 0; `null` when not assessed.
    pub score: Option<u32>,
    /// Why the item is not assessed (or another note from the rule file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
            title: item.title(Lang::Th).to_string(),
            title_en: item.title(Lang::En).to_string(),
            indicator: rules.indicator_of(item).to_string(),
            sub_indicator: item.sub_indicator.clone(),
            verdict: if v.pass { "pass" } else { "fail" },
            score: Some(if v.pass { 100 } else { 0 }),
            note: item.note.as_ref().map(|n| lang.pick(n).to_string()),
            evidence_url: v.evidence_url.as_ref().map(ToString::to_string),
            reasons: v
                .reasons
                .iter()
                .map(|r| ReportedReason {
                    code: r.code.as_str(),
                    message: message(rules, item, r, lang),
                    url: r.url.as_ref().map(ToString::to_string),
                    advice: rules
                        .advice_for(item, r.code.as_str())
                        .map(|t| fill(t, item, r, lang)),
                })
                .collect(),
            evidence: v.evidence,
        })
    }

    /// An item the rule file cannot judge, reported as not assessed.
    #[must_use]
    pub fn not_assessed(rules: &RuleSet, item: &Item, lang: Lang) -> Self {
        Self {
            id: item.id().to_string(),
            title: item.title(Lang::Th).to_string(),
            title_en: item.title(Lang::En).to_string(),
            indicator: rules.indicator_of(item).to_string(),
            sub_indicator: item.sub_indicator.clone(),
            verdict: "not_assessed",
            score: None,
            note: item.note.as_ref().map(|n| lang.pick(n).to_string()),
            evidence_url: None,
            reasons: Vec::new(),
            evidence: None,
        }
    }

    /// Whether the item was judged.
    #[must_use]
    pub fn is_assessed(&self) -> bool {
        self.score.is_some()
    }

    /// Whether the item passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.score == Some(100)
    }

    /// Whether the item was judged and failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.score == Some(0)
    }

    /// The group the item is shown in: its sub-indicator, else its
    /// indicator.
    #[must_use]
    pub fn group(&self) -> &str {
        self.sub_indicator.as_deref().unwrap_or(&self.indicator)
    }

    /// The item's title in a language.
    #[must_use]
    pub fn title_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Th => &self.title,
            Lang::En => &self.title_en,
        }
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
    /// The grade band the OIT score alone falls in (the rule file's bands).
    pub oit_band: Option<String>,
    /// The rule file's caveat on the score (formula not confirmed, partial
    /// credit), in the report's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring_note: Option<String>,
    /// Failing items, most OIT points gained by fixing first.
    pub fix_first: Vec<FixFirst>,
    /// Predicted ITA, when IIT and EIT were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ita: Option<ItaPrediction>,
    /// English names of the rule file's grade bands (label → label_en), to
    /// show bands in the report's language. Not in the JSON, which keeps
    /// the rule file's labels.
    #[serde(skip)]
    pub band_names_en: Vec<(String, String)>,
    /// What the crawl learnt of each page that sent cache validators (by
    /// page key), for conditional requests next time. Not in the JSON.
    #[serde(skip)]
    pub page_facts: Vec<(String, crate::graph::CachedPage)>,
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
        let mut verdicts: BTreeMap<String, Verdict> = input
            .verdicts
            .into_iter()
            .map(|v| (v.item.clone(), v))
            .collect();
        // Rule order; an item without a verdict is one the rules cannot judge.
        let items: Vec<ReportedItem> = rules
            .items
            .iter()
            .filter_map(|item| match verdicts.remove(item.id()) {
                Some(v) if item.is_assessed() => ReportedItem::new(rules, v, input.lang),
                _ => Some(ReportedItem::not_assessed(rules, item, input.lang)),
            })
            .collect();
        let ita = input
            .iit_eit
            .map(|(iit, eit)| crate::score::predict_ita(rules, iit, eit, scores.oit));
        let fix_first = fix_first(rules, &items);
        Self {
            tool: Tool::current(),
            site: input.site,
            framework: rules.framework.id.clone(),
            assessment_year: input.year,
            lang: input.lang,
            crawl: input.stats.clone(),
            items,
            oit_band: crate::score::oit_band(rules, scores.oit),
            scoring_note: rules
                .scoring
                .note
                .as_ref()
                .map(|n| input.lang.pick(n).to_string()),
            scores,
            fix_first,
            ita,
            page_facts: Vec::new(),
            band_names_en: rules
                .scoring
                .grades
                .iter()
                .filter_map(|g| Some((g.label.clone(), g.label_en.clone()?)))
                .collect(),
        }
    }

    /// A grade band's label in the report's language.
    #[must_use]
    pub fn band<'a>(&'a self, label: &'a str) -> &'a str {
        match self.lang {
            Lang::Th => label,
            Lang::En => self
                .band_names_en
                .iter()
                .find(|(th, _)| th == label)
                .map_or(label, |(_, en)| en.as_str()),
        }
    }

    /// Items that passed.
    #[must_use]
    pub fn passed(&self) -> usize {
        self.items.iter().filter(|i| i.passed()).count()
    }

    /// "predicted on 22 of 28 items; O2, O5 … not assessed", when some
    /// items are not assessed.
    #[must_use]
    pub fn coverage_text(&self) -> Option<String> {
        coverage_text(&self.scores.coverage, self.lang)
    }

    /// The score of an item group (sub-indicator, else indicator).
    #[must_use]
    pub fn group_score(&self, group: &str) -> Option<f64> {
        self.scores
            .sub_indicators
            .get(group)
            .or_else(|| self.scores.indicators.get(group))
            .copied()
    }

    /// Item groups in report order, each once.
    #[must_use]
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for item in &self.items {
            if !groups.contains(&item.group()) {
                groups.push(item.group());
            }
        }
        groups
    }

    /// Renders the report in a format.
    ///
    /// # Errors
    /// Only when serialisation fails (it does not for this type).
    pub fn render(&self, format: Format) -> Result<String, RenderError> {
        Ok(match format {
            Format::Text => text::render(self),
            Format::Json => json::render(self)?,
            Format::Html => html::render(self),
            Format::Markdown => markdown::render(self),
            Format::Junit => junit::render(self),
            Format::Csv => csv::render(self)?,
        })
    }
}

/// The coverage sentence of a prediction, when it does not cover every
/// item.
#[must_use]
pub fn coverage_text(coverage: &crate::score::Coverage, lang: Lang) -> Option<String> {
    if coverage.is_complete() {
        return None;
    }
    let l = labels::labels(lang);
    Some(format!(
        "{}; {}",
        l.coverage
            .replace("{assessed}", &coverage.assessed.to_string())
            .replace("{total}", &coverage.total.to_string()),
        l.coverage_gap
            .replace("{ids}", &coverage.not_assessed.join(", "))
    ))
}

/// Failing items ordered by the OIT points fixing each would add.
#[must_use]
pub fn fix_first(rules: &RuleSet, items: &[ReportedItem]) -> Vec<FixFirst> {
    let mut list: Vec<FixFirst> = items
        .iter()
        .filter(|i| i.score == Some(0))
        .map(|i| FixFirst {
            id: i.id.clone(),
            title: i.title.clone(),
            title_en: i.title_en.clone(),
            points: crate::score::item_points(rules, &i.id),
            code: i.reasons.first().map_or("NOT_FOUND", |r| r.code),
        })
        .collect();
    list.sort_by(|a, b| b.points.total_cmp(&a.points));
    list
}

/// Renders a reason's message from the rule file's template.
#[must_use]
pub fn message(rules: &RuleSet, item: &Item, reason: &Reason, lang: Lang) -> String {
    rules.messages.get(reason.code.as_str()).map_or_else(
        || reason.code.as_str().to_string(),
        |t| fill(t, item, reason, lang),
    )
}

/// Fills a Thai/English template's `{placeholders}` for a reason.
fn fill(template: &Message, item: &Item, reason: &Reason, lang: Lang) -> String {
    let (text, title) = (lang.pick(template), item.title(lang).to_string());
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
