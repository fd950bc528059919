//! Rule files: what each OIT item requires, per assessment framework.
//!
//! A rule file (`rules/ita-2564.toml`, documented in `rules/README.md`) names
//! its framework and years, the indicator tree, the items with their match
//! terms, year rules, required elements and channel kinds, and the Thai and
//! English reason messages. The TOML states *what*; the judge states *how*.
//! Loading validates everything once and reports problems with file, line
//! and field, so the rest of the program never sees a half-valid rule set.

pub mod summary;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};

/// The rule file for the 2563–2565 framework, embedded in the binary so the
/// tool works from any directory.
pub const EMBEDDED_ITA_2564: &str = include_str!("../../rules/ita-2564.toml");

/// Every rule file shipped in `rules/`, embedded: (file name, text), oldest
/// framework first. `--year` picks among them.
pub const EMBEDDED: [(&str, &str); 4] = [
    ("ita-2564.toml", EMBEDDED_ITA_2564),
    ("ita-2566.toml", include_str!("../../rules/ita-2566.toml")),
    ("ita-2568.toml", include_str!("../../rules/ita-2568.toml")),
    ("ita-2569.toml", include_str!("../../rules/ita-2569.toml")),
];

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
    /// Sub-indicators (9.1 … 10.2); empty when the framework's are not
    /// known (items then name their indicator).
    #[serde(default)]
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
    /// How item scores combine into an indicator.
    #[serde(default)]
    pub aggregation: Aggregation,
    /// How sure the file is of `aggregation` (and of the bands).
    #[serde(default)]
    pub basis: Basis,
    /// A caveat shown with the predicted score, when the formula is not
    /// the official one or items may get partial credit.
    #[serde(default)]
    pub note: Option<Message>,
    /// Weights of IIT, EIT and OIT in the ITA total.
    pub ita_weights: ItaWeights,
    /// Grade bands, highest first.
    #[serde(default)]
    pub grades: Vec<Grade>,
}

/// How an indicator's score is computed from its items' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Sub-indicator = mean of its items; indicator = mean of its
    /// sub-indicators (2563–2565, reproduced from the seeds).
    #[default]
    MeanOfSubIndicatorMeans,
    /// Indicator = plain mean of its items (no sub-indicators).
    MeanOfItems,
}

/// Where a rule-file fact comes from: how far a prediction built on it can
/// be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Reproduced from the seed documents' published results.
    #[default]
    Seed,
    /// Stated in the official NACC manual.
    Manual,
    /// Published by agencies (their ITA pages), not by the NACC.
    Published,
    /// Reasoned from related sources; not stated anywhere.
    Inferred,
    /// Assumed for lack of any source.
    Assumed,
}

impl Basis {
    /// Whether a result built on this basis is an estimate.
    #[must_use]
    pub fn is_estimate(self) -> bool {
        matches!(self, Basis::Inferred | Basis::Assumed)
    }
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

/// A grade band: the first band whose `min` is at most the total (and
/// whose `each_min` every instrument reaches) wins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Label, e.g. `AA` or `ผ่านดี`.
    pub label: String,
    /// English label, when the label is Thai.
    #[serde(default)]
    pub label_en: Option<String>,
    /// Lowest total in the band.
    pub min: f64,
    /// Lowest score each of IIT, EIT and OIT must reach (2566 on:
    /// ผ่านดีเยี่ยม needs every instrument ≥ 95).
    #[serde(default)]
    pub each_min: Option<f64>,
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
    /// Every person listed on the page has a photo.
    PhotoPerPerson,
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

/// Whether the rule file knows what an item requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Title and content rule are known: the item is judged.
    #[default]
    Known,
    /// The item exists but its title or content rule is not known: it is
    /// reported as not assessed and left out of the predicted score.
    Unknown,
}

/// One OIT item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Official id, e.g. `O5`.
    pub id: Spanned<String>,
    /// Known (judged) or unknown (not assessed).
    #[serde(default)]
    pub status: ItemStatus,
    /// Why the item is unknown, or another note for readers of reports.
    #[serde(default)]
    pub note: Option<Message>,
    /// Sub-indicator id (or give `indicator` when the framework's
    /// sub-indicators are not known).
    #[serde(default)]
    pub sub_indicator: Option<String>,
    /// Indicator id, for frameworks without known sub-indicators.
    #[serde(default)]
    pub indicator: Option<String>,
    /// Thai title (may be empty for an unknown item).
    #[serde(default)]
    pub title_th: String,
    /// English title (may be empty for an unknown item).
    #[serde(default)]
    pub title_en: String,
    /// What must be published.
    #[serde(default)]
    pub description_th: String,
    /// Page or channel (required for known items).
    #[serde(default)]
    kind: Option<ItemKind>,
    /// How a channel is proven; required for channel items.
    #[serde(default)]
    pub channel: Option<ChannelKind>,
    /// Fiscal-year rule (required for known items).
    #[serde(default)]
    year: Option<YearRule>,
    /// Match groups: any group whose terms all appear.
    #[serde(rename = "match", default)]
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

    /// Whether the item is judged (its rule is known).
    #[must_use]
    pub fn is_assessed(&self) -> bool {
        self.status == ItemStatus::Known
    }

    /// Page or channel (`Page` for an unknown item).
    #[must_use]
    pub fn kind(&self) -> ItemKind {
        self.kind.unwrap_or(ItemKind::Page)
    }

    /// The fiscal-year rule (`None` for an unknown item).
    #[must_use]
    pub fn year_rule(&self) -> YearRule {
        self.year.unwrap_or(YearRule::None)
    }

    /// The title in a language; an unknown item without a title says so.
    #[must_use]
    pub fn title(&self, lang: crate::report::Lang) -> &str {
        let title = match lang {
            crate::report::Lang::Th => &self.title_th,
            crate::report::Lang::En => &self.title_en,
        };
        if !title.is_empty() {
            return title;
        }
        match lang {
            crate::report::Lang::Th => "(ไม่ทราบชื่อรายการ)",
            crate::report::Lang::En => "(title not known)",
        }
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
        if self.items.is_empty() || self.indicators.is_empty() {
            return fail(
                find_line(text, "[framework]"),
                "the file needs [[indicators]] and [[items]]".into(),
            );
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
            if let Some(message) = self.item_placement_problem(item, &indicators, &subs) {
                return fail(line, message);
            }
            if let Some(message) = item_problem(item) {
                return fail(line, message);
            }
        }
        if self.scoring.aggregation == Aggregation::MeanOfSubIndicatorMeans {
            if let Some(item) = self.items.iter().find(|i| i.sub_indicator.is_none()) {
                return fail(
                    line_of(text, item.id.span().start),
                    format!(
                        "items.sub_indicator: item {} has no sub-indicator, but scoring.aggregation is \"mean_of_sub_indicator_means\" (use \"mean_of_items\" when the sub-indicators are not known)",
                        item.id()
                    ),
                );
            }
        }
        for indicator in &self.indicators {
            if !self
                .items
                .iter()
                .any(|i| self.indicator_of(i) == indicator.id)
            {
                return fail(
                    find_line(text, "[[indicators]]"),
                    format!("indicators: indicator {} has no items", indicator.id),
                );
            }
        }
        if let Some(message) = self.scoring_problem() {
            return fail(find_line(text, "[scoring"), message);
        }
        for sub in &self.sub_indicators {
            if !self
                .items
                .iter()
                .any(|i| i.sub_indicator.as_deref() == Some(sub.id.as_str()))
            {
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
            framework: format!("rule file {}", self.framework.id),
            hint: String::new(),
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

    /// The indicator id of an item: its own, or its sub-indicator's.
    #[must_use]
    pub fn indicator_of<'a>(&'a self, item: &'a Item) -> &'a str {
        if let Some(indicator) = &item.indicator {
            return indicator;
        }
        item.sub_indicator
            .as_deref()
            .and_then(|id| self.sub_indicator(id))
            .map_or("", |s| s.indicator.as_str())
    }

    /// The items that are judged (their rule is known).
    pub fn assessed_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.is_assessed())
    }

    /// The embedded rule file whose framework covers `year`.
    ///
    /// # Errors
    /// [`Error::YearNotCovered`] when no embedded file covers the year
    /// (the message lists the years that are).
    pub fn for_year(year: u32) -> Result<Self> {
        let all = Self::all_embedded()?;
        let covered: Vec<String> = all
            .iter()
            .flat_map(|r| r.framework.years.iter().map(ToString::to_string))
            .collect();
        all.into_iter()
            .find(|r| r.framework.years.contains(&year))
            .ok_or_else(|| Error::YearNotCovered {
                year,
                framework: "any embedded rule file".to_string(),
                covered: covered.join(", "),
                hint: "; give a rule file for it with --rules FILE (see rules/README.md)"
                    .to_string(),
            })
    }

    /// Every embedded rule file, oldest framework first.
    ///
    /// # Errors
    /// Only if an embedded file is broken (a build defect, caught by tests).
    pub fn all_embedded() -> Result<Vec<Self>> {
        EMBEDDED
            .iter()
            .map(|(name, text)| Self::parse(text, &format!("<embedded rules/{name}>")))
            .collect()
    }

    /// Where an item sits must name declared indicators and sub-indicators.
    fn item_placement_problem(
        &self,
        item: &Item,
        indicators: &HashSet<&str>,
        subs: &HashSet<&str>,
    ) -> Option<String> {
        let id = item.id();
        match (&item.sub_indicator, &item.indicator) {
            (None, None) => Some(format!(
                "items.sub_indicator: item {id} needs a sub_indicator (or an indicator)"
            )),
            (Some(sub), _) if !subs.contains(sub.as_str()) => Some(format!(
                "items.sub_indicator: item {id} names unknown sub-indicator '{sub}'"
            )),
            (_, Some(ind)) if !indicators.contains(ind.as_str()) => Some(format!(
                "items.indicator: item {id} names unknown indicator '{ind}'"
            )),
            (Some(sub), Some(ind))
                if self.sub_indicator(sub).is_some_and(|s| &s.indicator != ind) =>
            {
                Some(format!(
                    "items.indicator: item {id} says indicator '{ind}' but its sub-indicator {sub} belongs to another"
                ))
            }
            _ => None,
        }
    }

    /// Item values and grade bands must make sense.
    fn scoring_problem(&self) -> Option<String> {
        let values = &self.framework.item_values;
        if !values.contains(&0) || !values.contains(&100) || values.iter().any(|&v| v > 100) {
            return Some(format!(
                "framework.item_values: {values:?} must contain 0 and 100 and nothing above 100"
            ));
        }
        let w = self.scoring.ita_weights;
        if [w.iit, w.eit, w.oit]
            .iter()
            .any(|v| !v.is_finite() || *v < 0.0)
            || w.iit + w.eit + w.oit <= 0.0
        {
            return Some(
                "scoring.ita_weights: weights must be non-negative and not all zero".into(),
            );
        }
        for pair in self.scoring.grades.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let stricter = a.min > b.min
                || (a.min == b.min && a.each_min.is_some() && b.each_min.is_none())
                || (a.min == b.min && a.each_min > b.each_min);
            if !stricter {
                return Some(format!(
                    "scoring.grades: band '{}' must come after '{}' (bands go from the highest to the lowest)",
                    a.label, b.label
                ));
            }
        }
        None
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

/// What is wrong with an item's own fields, if anything.
fn item_problem(item: &Item) -> Option<String> {
    let id = item.id();
    if !item.is_assessed() {
        let judged = !item.match_groups.is_empty()
            || !item.weak_match.is_empty()
            || !item.elements.is_empty()
            || !item.url_terms.is_empty();
        return judged.then(|| {
            format!("items.status: item {id} is \"unknown\" and is never judged; remove its match, weak_match, url_terms and elements (or make it known)")
        });
    }
    if item.title_th.trim().is_empty() || item.title_en.trim().is_empty() {
        return Some(format!(
            "items.title_th: item {id} needs title_th and title_en (or status = \"unknown\")"
        ));
    }
    let Some(kind) = item.kind else {
        return Some(format!(
            "items.kind: item {id} needs kind = \"page\" or \"channel\""
        ));
    };
    if item.year.is_none() {
        return Some(format!(
            "items.year: item {id} needs a year rule (none, current, previous, current_or_previous, covers_current)"
        ));
    }
    if kind == ItemKind::Channel && item.channel.is_none() {
        return Some(format!(
            "items.channel: channel item {id} needs channel = \"form\" or \"social_link\""
        ));
    }
    if item.channel == Some(ChannelKind::SocialLink) && item.social_hosts.is_empty() {
        return Some(format!(
            "items.social_hosts: item {id} needs at least one social host"
        ));
    }
    if item.match_groups.is_empty()
        || item
            .match_groups
            .iter()
            .chain(&item.weak_match)
            .any(|g| g.is_empty() || g.iter().any(|t| crate::textnorm::normalize(t).is_empty()))
    {
        return Some(format!(
            "items.match: item {id} needs non-empty match groups of non-empty terms"
        ));
    }
    item.elements
        .iter()
        .find(|e| e.any.is_empty() && e.detect.is_none())
        .map(|e| {
            format!(
                "items.elements: element '{}' of item {id} needs `any` terms or `detect`",
                e.id
            )
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_picks_the_rule_file() {
        for (year, framework) in [
            (2563, "ita-2564"),
            (2564, "ita-2564"),
            (2565, "ita-2564"),
            (2566, "ita-2566"),
            (2567, "ita-2566"),
            (2568, "ita-2568"),
            (2569, "ita-2569"),
        ] {
            let rules = RuleSet::for_year(year).expect("a file covers the year");
            assert_eq!(rules.framework.id, framework, "{year}");
        }
        let err = RuleSet::for_year(2570)
            .expect_err("no file covers 2570")
            .to_string();
        assert!(err.contains("2570") && err.contains("2569"), "{err}");
    }

    /// The smallest valid file, with `items` replaced.
    fn file_with(scoring: &str, items: &str) -> String {
        let messages: String = crate::judge::ReasonCode::ALL
            .iter()
            .map(|c| format!("[messages.{}]\nth = \"x\"\nen = \"x\"\n", c.as_str()))
            .collect();
        format!(
            "schema = 1\n[framework]\nid = \"t\"\nname_th = \"t\"\nname_en = \"t\"\nyears = [2568]\n\
             item_values = [0, 50, 100]\n[scoring]\nita_weights = {{ iit = 30.0, eit = 30.0, oit = 40.0 }}\n{scoring}\n\
             [[indicators]]\nid = \"9\"\ntitle_th = \"t\"\ntitle_en = \"t\"\n{items}\n{messages}"
        )
    }

    const KNOWN: &str =
        "[[items]]\nid = \"O1\"\nindicator = \"9\"\ntitle_th = \"โครงสร้าง\"\ntitle_en = \"s\"\n\
                         kind = \"page\"\nyear = \"none\"\nmatch = [[\"โครงสร้าง\"]]\n";

    fn error_of(text: &str) -> String {
        RuleSet::parse(text, "t.toml")
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn unknown_items_load_and_are_not_assessed() {
        let text = file_with(
            "aggregation = \"mean_of_items\"\nbasis = \"assumed\"",
            &format!("{KNOWN}[[items]]\nid = \"O2\"\nindicator = \"9\"\nstatus = \"unknown\"\n"),
        );
        let rules = RuleSet::parse(&text, "t.toml").expect("valid");
        assert_eq!(rules.assessed_items().count(), 1);
        let unknown = rules.item("O2").expect("O2");
        assert!(!unknown.is_assessed());
        assert_eq!(unknown.title(crate::report::Lang::Th), "(ไม่ทราบชื่อรายการ)");
    }

    #[test]
    fn unknown_items_must_not_carry_a_rule() {
        let text = file_with(
            "aggregation = \"mean_of_items\"",
            &format!("{KNOWN}[[items]]\nid = \"O2\"\nindicator = \"9\"\nstatus = \"unknown\"\nmatch = [[\"ผู้บริหาร\"]]\n"),
        );
        let err = error_of(&text);
        assert!(err.contains("O2") && err.contains("unknown"), "{err}");
    }

    #[test]
    fn known_items_need_a_year_rule_and_a_kind() {
        let text = file_with(
            "aggregation = \"mean_of_items\"",
            &KNOWN.replace("year = \"none\"\n", ""),
        );
        let err = error_of(&text);
        assert!(err.contains("items.year") && err.contains("O1"), "{err}");
        let text = file_with(
            "aggregation = \"mean_of_items\"",
            &KNOWN.replace("kind = \"page\"\n", ""),
        );
        assert!(error_of(&text).contains("items.kind"));
    }

    #[test]
    fn sub_indicator_means_need_sub_indicators() {
        let text = file_with("aggregation = \"mean_of_sub_indicator_means\"", KNOWN);
        let err = error_of(&text);
        assert!(err.contains("mean_of_items"), "{err}");
    }

    #[test]
    fn grade_bands_must_go_from_high_to_low() {
        let text = file_with(
            "aggregation = \"mean_of_items\"\n[[scoring.grades]]\nlabel = \"ผ่าน\"\nmin = 85.0\n\
             [[scoring.grades]]\nlabel = \"ผ่านดี\"\nmin = 85.0\neach_min = 85.0",
            KNOWN,
        );
        let err = error_of(&text);
        assert!(err.contains("must come after"), "{err}");
    }
}
