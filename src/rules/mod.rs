//! Rule files: what each OIT item requires, per assessment framework.
//!
//! A rule file (`rules/ita-2564.toml`, documented in `rules/README.md`) names
//! its framework and years, the indicator tree, the items with their match
//! terms, year rules, required elements and channel kinds, and the Thai and
//! English reason messages. The TOML states *what*; the judge states *how*.
//! Loading validates everything once and reports problems with file, line
//! and field, so the rest of the program never sees a half-valid rule set.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// The rule file for the 2563–2565 framework, embedded in the binary so the
/// tool works from any directory.
pub const EMBEDDED_ITA_2564: &str = include_str!("../rules/ita-2564.toml");

/// A validated rule set for one framework.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Format version of the file.
    pub schema: u32,
    /// Which framework and years the file covers.
    pub framework: Framework,
    /// How item scores combine.
    pub scoring: Scoring,
    /// Indicators (9, 10).
    pub indicators: Vec<Indicator>,
    /// Sub-indicators (9.1 … 10.2).
    pub sub_indicators: Vec<SubIndicator>,
    /// Settings of the judge shared by all items.
    #[serde(default)]
    pub judge: JudgeSettings,
    /// The items O1…On.
    pub items: Vec<Item>,
    /// Reason messages by reason code.
    pub messages: BTreeMap<String, Message>,
    /// How to fix each reason, by reason code (an item's own advice wins).
    #[serde(default)]
    pub advice: BTreeMap<String, Message>,
}

/// The framework a rule file describes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable id, e.g. `ita-2564`; appears in reports.
    pub id: String,
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Variant (e.g. `nacc`, or a ministry's own).
    #[serde(default)]
    pub variant: String,
    /// Assessment years (BE) this file applies to.
    pub years: Vec<u32>,
    /// Scores an item can take.
    #[serde(default = "default_item_values")]
    pub item_values: Vec<u32>,
    /// Where the content comes from.
    #[serde(default)]
    pub source: String,
}

fn default_item_values() -> Vec<u32> {
    vec![0, 100]
}

/// Scoring parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Weights of IIT, EIT and OIT in the ITA total.
    pub ita_weights: ItaWeights,
    /// Grade bands, highest first.
    #[serde(default)]
    pub grades: Vec<Grade>,
}

/// Weights of the three instruments in the overall ITA score.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItaWeights {
    /// Internal integrity and transparency assessment.
    pub iit: f64,
    /// External assessment.
    pub eit: f64,
    /// Open-data assessment (the website).
    pub oit: f64,
}

/// A grade band: the first band whose `min` is at most the total wins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Label, e.g. `AA`.
    pub label: String,
    /// Lowest total in the band.
    pub min: f64,
}

/// An indicator (9 = disclosure, 10 = corruption prevention).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Id, e.g. `9`.
    pub id: String,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
}

/// A sub-indicator grouping items.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubIndicator {
    /// Id, e.g. `9.1`.
    pub id: String,
    /// The indicator it belongs to.
    pub indicator: String,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
}

/// Judge settings shared by all items.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeSettings {
    /// Phrases that mark a page as an empty placeholder.
    #[serde(default)]
    pub placeholder_phrases: Vec<String>,
    /// Phrases in a page's title or heading that mark a "not found" page
    /// served with status 200 (a soft 404).
    #[serde(default)]
    pub not_found_phrases: Vec<String>,
}

/// Whether an item is published information or an interactive channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Information shown on a page or in its documents.
    Page,
    /// An interactive channel that must work through the agency's own site.
    Channel,
}

/// How a channel item proves it works through the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// An HTML form on the main site (Q&A, e-service, complaints, opinions).
    Form,
    /// A link from a main-site page to the agency's social network account.
    SocialLink,
}

/// Which fiscal year the published data must belong to, relative to the
/// assessment year Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearRule {
    /// No year condition.
    None,
    /// Data of fiscal year Y.
    Current,
    /// Data of fiscal year Y-1 (a report of the last finished year).
    Previous,
    /// Y or Y-1.
    CurrentOrPrevious,
    /// A plan whose period of force covers Y.
    CoversCurrent,
}

impl YearRule {
    /// Whether a page showing these year spans satisfies the rule for `year`.
    #[must_use]
    pub fn accepts(self, spans: &[crate::thaidate::YearSpan], year: u32) -> bool {
        let single = |y: u32| spans.iter().any(|s| !s.is_range() && s.from == y);
        let covered = |y: u32| spans.iter().any(|s| s.covers(y));
        match self {
            YearRule::None => true,
            YearRule::Current => single(year) || spans.iter().any(|s| s.is_range() && s.to == year),
            YearRule::Previous => single(year - 1),
            YearRule::CurrentOrPrevious => single(year) || single(year - 1),
            YearRule::CoversCurrent => covered(year),
        }
    }

    /// The year(s) wanted, for messages.
    #[must_use]
    pub fn expected(self, year: u32) -> String {
        match self {
            YearRule::None => String::new(),
            YearRule::Current | YearRule::CoversCurrent => year.to_string(),
            YearRule::Previous => (year - 1).to_string(),
            YearRule::CurrentOrPrevious => format!("{} / {}", year, year - 1),
        }
    }
}

/// A built-in detector for a required element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// An e-mail address or mailto link.
    Email,
    /// A Thai phone number.
    Phone,
    /// An embedded map or a link to a map service.
    Map,
    /// An image in the page content.
    Image,
    /// An HTML form.
    Form,
    /// Every person listed on the page has a phone number or e-mail.
    ContactPerPerson,
}

/// A required element of an item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// Stable id, e.g. `fax`.
    pub id: String,
    /// Thai name.
    pub th: String,
    /// English name.
    pub en: String,
    /// Satisfied when any of these terms is in the page content.
    #[serde(default)]
    pub any: Vec<String>,
    /// … or when this detector fires.
    #[serde(default)]
    pub detect: Option<Detector>,
}

/// One OIT item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Official id, e.g. `O5`.
    pub id: Spanned<String>,
    /// Sub-indicator id.
    pub sub_indicator: String,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// What must be published.
    #[serde(default)]
    pub description_th: String,
    /// Page or channel.
    pub kind: ItemKind,
    /// How a channel is proven; required for channel items.
    #[serde(default)]
    pub channel: Option<ChannelKind>,
    /// Fiscal-year rule.
    pub year: YearRule,
    /// Match groups: any group whose terms all appear.
    #[serde(rename = "match")]
    pub match_groups: Vec<Vec<String>>,
    /// Fallback groups: they match like `match` but count half, so a
    /// generic label ("ร้องเรียนร้องทุกข์") loses to a specific one when a
    /// site has both, and still names the item when it has only that.
    #[serde(default)]
    pub weak_match: Vec<Vec<String>>,
    /// Terms that disqualify a text.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// ASCII words identifying the item in URLs.
    #[serde(default)]
    pub url_terms: Vec<String>,
    /// Social network hosts (for `social_link` channels).
    #[serde(default)]
    pub social_hosts: Vec<String>,
    /// Required elements.
    #[serde(default)]
    pub elements: Vec<Element>,
    /// Item-specific fix advice by reason code.
    #[serde(default)]
    pub advice: BTreeMap<String, Message>,
}

impl Item {
    /// The item id as a plain string.
    #[must_use]
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }
}

/// A reason message in Thai and English, with `{placeholders}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Thai text.
    pub th: String,
    /// English text.
    pub en: String,
}

impl RuleSet {
    /// Loads and validates a rule file from disk.
    ///
    /// # Errors
    /// When the file cannot be read, is not valid TOML, or fails validation.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadRules {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The embedded rule file.
    ///
    /// # Errors
    /// Only if the embedded file is broken (a build defect, caught by tests).
    pub fn embedded() -> Result<Self> {
        Self::parse(EMBEDDED_ITA_2564, "<embedded rules/ita-2564.toml>")
    }

    /// Parses and validates rule-file text; `file` names it in errors.
    ///
    /// # Errors
    /// [`Error::InvalidRules`] with the line and field of the first problem.
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        let rules: RuleSet = toml::from_str(text).map_err(|e| {
            let start = e.span().map_or(0, |s| s.start);
            Error::InvalidRules {
                file: file.to_string(),
                line: line_of(text, start),
                message: format!("{}{}", field_context(text, start), e.message().trim()),
            }
        })?;
        rules.validate(text, file)?;
        Ok(rules)
    }

    fn validate(&self, text: &str, file: &str) -> Result<()> {
        let fail = |line: usize, message: String| {
            Err(Error::InvalidRules {
                file: file.to_string(),
                line,
                message,
            })
        };
        if self.schema != 1 {
            return fail(
                find_line(text, "schema"),
                format!("schema = {} is not supported (expected 1)", self.schema),
            );
        }
        if self.framework.years.is_empty() {
            return fail(find_line(text, "years"), "framework.years is empty".into());
        }
        let indicators: HashSet<&str> = self.indicators.iter().map(|i| i.id.as_str()).collect();
        for sub in &self.sub_indicators {
            if !indicators.contains(sub.indicator.as_str()) {
                return fail(
                    find_line(text, &format!("\"{}\"", sub.id)),
                    format!(
                        "sub_indicators.indicator: sub-indicator {} names unknown indicator '{}'",
                        sub.id, sub.indicator
                    ),
                );
            }
        }
        let subs: HashSet<&str> = self.sub_indicators.iter().map(|s| s.id.as_str()).collect();
        let mut seen = HashSet::new();
        for item in &self.items {
            let line = line_of(text, item.id.span().start);
            let id = item.id();
            if !seen.insert(id) {
                return fail(line, format!("items.id: duplicate item id '{id}'"));
            }
            if !subs.contains(item.sub_indicator.as_str()) {
                return fail(
                    line,
                    format!(
                        "items.sub_indicator: item {id} names unknown sub-indicator '{}'",
                        item.sub_indicator
                    ),
                );
            }
            if item.kind == ItemKind::Channel && item.channel.is_none() {
                return fail(line, format!("items.channel: channel item {id} needs channel = \"form\" or \"social_link\""));
            }
            if item.channel == Some(ChannelKind::SocialLink) && item.social_hosts.is_empty() {
                return fail(
                    line,
                    format!("items.social_hosts: item {id} needs at least one social host"),
                );
            }
            if item.match_groups.is_empty()
                || item.match_groups.iter().chain(&item.weak_match).any(|g| {
                    g.is_empty() || g.iter().any(|t| crate::textnorm::normalize(t).is_empty())
                })
            {
                return fail(
                    line,
                    format!(
                        "items.match: item {id} needs non-empty match groups of non-empty terms"
                    ),
                );
            }
            for element in &item.elements {
                if element.any.is_empty() && element.detect.is_none() {
                    return fail(
                        line,
                        format!("items.elements: element '{}' of item {id} needs `any` terms or `detect`", element.id),
                    );
                }
            }
        }
        for sub in &self.sub_indicators {
            if !self.items.iter().any(|i| i.sub_indicator == sub.id) {
                return fail(
                    find_line(text, &format!("\"{}\"", sub.id)),
                    format!("sub_indicators: sub-indicator {} has no items", sub.id),
                );
            }
        }
        if let Err(e) = crate::evidence::ItemMatcher::new(self) {
            return fail(
                find_line(text, "[[items]]"),
                format!("items.match: the terms cannot be indexed: {e}"),
            );
        }
        let known = |code: &str| {
            crate::judge::ReasonCode::ALL
                .iter()
                .any(|c| c.as_str() == code)
        };
        let advice_keys = self.advice.keys().map(|k| (k, "[advice")).chain(
            self.items
                .iter()
                .flat_map(|i| i.advice.keys().map(|k| (k, "[items.advice"))),
        );
        for (code, table) in advice_keys {
            if !known(code) {
                return fail(
                    find_line(text, &format!("{table}.{code}]")),
                    format!("advice: '{code}' is not a reason code"),
                );
            }
        }
        for code in crate::judge::ReasonCode::ALL {
            if !self.messages.contains_key(code.as_str()) {
                return fail(
                    find_line(text, "[messages"),
                    format!("messages: no message for reason code {}", code.as_str()),
                );
            }
        }
        Ok(())
    }

    /// Checks that `year` is one of the file's assessment years.
    ///
    /// # Errors
    /// [`Error::YearNotCovered`].
    pub fn check_year(&self, year: u32) -> Result<()> {
        if self.framework.years.contains(&year) {
            return Ok(());
        }
        Err(Error::YearNotCovered {
            year,
            framework: self.framework.id.clone(),
            covered: self
                .framework
                .years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The sub-indicator with this id.
    #[must_use]
    pub fn sub_indicator(&self, id: &str) -> Option<&SubIndicator> {
        self.sub_indicators.iter().find(|s| s.id == id)
    }

    /// The indicator id of an item.
    #[must_use]
    pub fn indicator_of(&self, item: &Item) -> &str {
        self.sub_indicator(&item.sub_indicator)
            .map_or("", |s| s.indicator.as_str())
    }

    /// The item with this id.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id() == id)
    }

    /// Fix advice for a reason on an item: the item's own, else the
    /// general advice for the code.
    #[must_use]
    pub fn advice_for<'a>(&'a self, item: &'a Item, code: &str) -> Option<&'a Message> {
        item.advice.get(code).or_else(|| self.advice.get(code))
    }
}

/// "field `year` of item O5: " for an error at byte `at`: the key on that
/// line and the item (or table) it belongs to.
fn field_context(text: &str, at: usize) -> String {
    let Some(before) = text.get(..at) else {
        return String::new();
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default();
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let owner = before.lines().rev().find_map(|l| {
        let l = l.trim();
        if let Some(id) = l.strip_prefix("id = ") {
            return Some(format!("item {}", id.trim_matches('"')));
        }
        l.starts_with('[').then(|| format!("table {l}"))
    });
    match (key, owner) {
        (Some(k), Some(o)) => format!("field `{k}` of {o}: "),
        (Some(k), None) => format!("field `{k}`: "),
        (None, Some(o)) => format!("in {o}: "),
        (None, None) => String::new(),
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |t| t.matches('\n').count() + 1)
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}
