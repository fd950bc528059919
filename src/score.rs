//! Scoring with the framework's formula, read from the rule file.
//!
//! 2563–2565 (`mean_of_sub_indicator_means`): item = 0 or 100;
//! sub-indicator = mean of its items; indicator = mean of its
//! sub-indicators (not the flat mean of items); OIT = mean of the
//! indicators. Checked against seed 000: indicator 9 = 53.40, indicator 10 =
//! 56.25, ITA 72.31. Frameworks whose sub-indicators are not known use
//! `mean_of_items` per indicator, marked as an estimate by the rule file.
//!
//! Items the rule file marks unknown are not assessed: they are left out of
//! every mean, and [`Coverage`] says on how many items the prediction rests.
//! ITA = weighted IIT, EIT and OIT (30/30/40 in 2563–2568). Full precision
//! is kept; rounding is for display only.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::{Aggregation, Item, RuleSet};

/// Scores of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Sub-indicator id → score (sub-indicators with an assessed item).
    pub sub_indicators: BTreeMap<String, f64>,
    /// Indicator id → score (indicators with an assessed item).
    pub indicators: BTreeMap<String, f64>,
    /// The OIT score.
    pub oit: f64,
    /// On how many items the scores rest.
    pub coverage: Coverage,
    /// The formula used.
    pub aggregation: Aggregation,
    /// Whether the scores are an estimate: the formula is not confirmed or
    /// items are not assessed.
    pub estimate: bool,
}

/// How many of the framework's items the prediction covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Items judged.
    pub assessed: usize,
    /// Items in the framework.
    pub total: usize,
    /// Ids of the items not assessed (their rule is not known).
    pub not_assessed: Vec<String>,
}

impl Coverage {
    /// The coverage of a rule set.
    #[must_use]
    pub fn of(rules: &RuleSet) -> Self {
        Self {
            assessed: rules.assessed_items().count(),
            total: rules.items.len(),
            not_assessed: rules
                .items
                .iter()
                .filter(|i| !i.is_assessed())
                .map(|i| i.id().to_string())
                .collect(),
        }
    }

    /// Whether every item is assessed.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.assessed == self.total
    }
}

/// The predicted overall ITA, when the user gives IIT and EIT.
#[derive(Debug, Clone, Serialize)]
pub struct ItaPrediction {
    /// IIT as given.
    pub iit: f64,
    /// EIT as given.
    pub eit: f64,
    /// The OIT used.
    pub oit: f64,
    /// Weighted total.
    pub total: f64,
    /// Grade band, when the rule file has bands.
    pub grade: Option<String>,
}

/// The group an item is averaged in first: its sub-indicator, or for
/// `mean_of_items` its indicator.
fn group_of<'a>(rules: &'a RuleSet, item: &'a Item) -> &'a str {
    match rules.scoring.aggregation {
        Aggregation::MeanOfSubIndicatorMeans => item.sub_indicator.as_deref().unwrap_or(""),
        Aggregation::MeanOfItems => rules.indicator_of(item),
    }
}

/// Computes scores from item scores (`item id → 0..=100`). Items not
/// assessed are left out; an assessed item without a score counts 0.
#[must_use]
pub fn score(rules: &RuleSet, item_scores: &BTreeMap<String, f64>) -> Scores {
    // group → (indicator, item scores), in rule order.
    let mut groups: BTreeMap<&str, (&str, Vec<f64>)> = BTreeMap::new();
    for item in rules.assessed_items() {
        let value = item_scores.get(item.id()).copied().unwrap_or(0.0);
        groups
            .entry(group_of(rules, item))
            .or_insert_with(|| (rules.indicator_of(item), Vec::new()))
            .1
            .push(value);
    }
    let mut sub_indicators = BTreeMap::new();
    let mut per_indicator: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (group, (indicator, values)) in &groups {
        let value = mean(values);
        if rules.scoring.aggregation == Aggregation::MeanOfSubIndicatorMeans {
            sub_indicators.insert((*group).to_string(), value);
        }
        per_indicator.entry(indicator).or_default().push(value);
    }
    let indicators: BTreeMap<String, f64> = per_indicator
        .into_iter()
        .map(|(id, values)| (id.to_string(), mean(&values)))
        .collect();
    let oit = mean(&indicators.values().copied().collect::<Vec<_>>());
    let coverage = Coverage::of(rules);
    Scores {
        sub_indicators,
        indicators,
        oit,
        estimate: rules.scoring.basis.is_estimate() || !coverage.is_complete(),
        coverage,
        aggregation: rules.scoring.aggregation,
    }
}

/// OIT points an item is worth: passing it raises the OIT score by this
/// much. Items are not equal: a sub-indicator's items share its weight, so
/// in the 2563–2565 framework one O42 is worth 12.5 OIT points and one O35
/// only 3.125. An item not assessed is worth nothing in the prediction.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn item_points(rules: &RuleSet, item_id: &str) -> f64 {
    let Some(item) = rules.item(item_id).filter(|i| i.is_assessed()) else {
        return 0.0;
    };
    let group = group_of(rules, item);
    let indicator = rules.indicator_of(item);
    let in_group = rules
        .assessed_items()
        .filter(|i| group_of(rules, i) == group)
        .count();
    let mut groups_in_indicator: Vec<&str> = rules
        .assessed_items()
        .filter(|i| rules.indicator_of(i) == indicator)
        .map(|i| group_of(rules, i))
        .collect();
    groups_in_indicator.sort_unstable();
    groups_in_indicator.dedup();
    let mut indicators: Vec<&str> = rules
        .assessed_items()
        .map(|i| rules.indicator_of(i))
        .collect();
    indicators.sort_unstable();
    indicators.dedup();
    if in_group == 0 || groups_in_indicator.is_empty() || indicators.is_empty() {
        return 0.0;
    }
    100.0 / in_group as f64 / groups_in_indicator.len() as f64 / indicators.len() as f64
}

/// The overall ITA from IIT, EIT and OIT with the rule file's weights.
#[must_use]
pub fn predict_ita(rules: &RuleSet, iit: f64, eit: f64, oit: f64) -> ItaPrediction {
    let w = rules.scoring.ita_weights;
    let total = (w.iit * iit + w.eit * eit + w.oit * oit) / (w.iit + w.eit + w.oit);
    ItaPrediction {
        iit,
        eit,
        oit,
        total,
        grade: grade(rules, total, [iit, eit, oit]),
    }
}

/// The grade band of a total given the three instruments' scores
/// (compared at display precision). A band with `each_min` also needs
/// every instrument at or above it.
#[must_use]
pub fn grade(rules: &RuleSet, total: f64, instruments: [f64; 3]) -> Option<String> {
    let shown = round2(total);
    rules
        .scoring
        .grades
        .iter()
        .find(|g| {
            shown >= g.min
                && g.each_min
                    .is_none_or(|min| instruments.iter().all(|&v| round2(v) >= min))
        })
        .map(|g| g.label.clone())
}

/// The band the OIT alone falls in: the band an agency would get if IIT
/// and EIT scored like its OIT.
#[must_use]
pub fn oit_band(rules: &RuleSet, oit: f64) -> Option<String> {
    grade(rules, oit, [oit; 3])
}

/// Rounds to 2 decimals for display.
#[must_use]
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[allow(clippy::cast_precision_loss)]
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 000 (อบจ.บึงกาฬ, ITA 2563): the items that scored 100.
    const SEED_000_PASSED: &[&str] = &[
        "O1", "O3", "O5", "O6", "O7", "O8", "O10", "O12", "O13", "O14", "O17", "O19", "O22", "O23",
        "O25", "O26", "O28", "O32", "O39", "O42", "O43",
    ];

    #[test]
    fn seed_000_indicator_scores_and_ita_are_reproduced() {
        let rules = RuleSet::embedded().expect("embedded rules load");
        let items: BTreeMap<String, f64> = rules
            .items
            .iter()
            .map(|i| {
                (
                    i.id().to_string(),
                    if SEED_000_PASSED.contains(&i.id()) {
                        100.0
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        let scores = score(&rules, &items);
        assert_eq!(round2(scores.indicators["9"]), 53.40);
        assert_eq!(round2(scores.indicators["10"]), 56.25);
        // Seed 000's instrument scores: IIT = mean of indicators 1–5,
        // EIT = mean of 6–8, as published.
        let iit = (90.74 + 79.95 + 87.58 + 80.99 + 82.88) / 5.0;
        let eit = (84.20 + 83.94 + 82.35) / 3.0;
        let ita = predict_ita(&rules, iit, eit, scores.oit);
        assert_eq!(round2(ita.total), 72.31);
        assert_eq!(ita.grade.as_deref(), Some("C"));
    }

    #[test]
    fn items_weigh_by_their_sub_indicator() {
        let rules = RuleSet::embedded().expect("embedded rules load");
        // scoring.md: one item of 10.2 is worth 25 points of indicator 10,
        // one of 10.1 only 6.25; OIT halves both.
        assert!((item_points(&rules, "O42") - 12.5).abs() < 1e-9);
        assert!((item_points(&rules, "O35") - 3.125).abs() < 1e-9);
        assert!((item_points(&rules, "O29") - 2.0).abs() < 1e-9);
        let total: f64 = rules
            .items
            .iter()
            .map(|i| item_points(&rules, i.id()))
            .sum();
        assert!((total - 100.0).abs() < 1e-9);
    }

    #[test]
    fn all_items_passed_gives_one_hundred() {
        let rules = RuleSet::embedded().expect("embedded rules load");
        let items = rules
            .items
            .iter()
            .map(|i| (i.id().to_string(), 100.0))
            .collect();
        assert!((score(&rules, &items).oit - 100.0).abs() < 1e-9);
    }
}

#[cfg(test)]
mod later_framework_tests {
    use super::*;

    fn rules(year: u32) -> RuleSet {
        RuleSet::for_year(year).expect("embedded rules")
    }

    #[test]
    fn a_partial_framework_scores_only_its_assessed_items() {
        let rules = rules(2568);
        let coverage = Coverage::of(&rules);
        assert_eq!((coverage.assessed, coverage.total), (22, 28));
        assert_eq!(
            coverage.not_assessed,
            ["O2", "O5", "O6", "O7", "O27", "O28"]
        );
        // Every assessed item passes, every unknown one "fails": the unknown
        // ones must not pull the score down.
        let items: BTreeMap<String, f64> = rules
            .items
            .iter()
            .map(|i| {
                (
                    i.id().to_string(),
                    if i.is_assessed() { 100.0 } else { 0.0 },
                )
            })
            .collect();
        let scores = score(&rules, &items);
        assert!((scores.oit - 100.0).abs() < 1e-9);
        assert!(scores.estimate);
        assert!(scores.sub_indicators.is_empty());
        // Indicator 9 = plain mean of its 16 assessed items.
        let mut items = items;
        items.insert("O1".into(), 0.0);
        let scores = score(&rules, &items);
        assert!((scores.indicators["9"] - 1500.0 / 16.0).abs() < 1e-9);
        assert!((scores.indicators["10"] - 100.0).abs() < 1e-9);
    }

    #[test]
    fn item_points_add_up_to_one_hundred_in_every_framework() {
        for rules in RuleSet::all_embedded().expect("embedded rules") {
            let total: f64 = rules
                .items
                .iter()
                .map(|i| item_points(&rules, i.id()))
                .sum();
            assert!(
                (total - 100.0).abs() < 1e-9,
                "{}: {total}",
                rules.framework.id
            );
            for item in rules.items.iter().filter(|i| !i.is_assessed()) {
                assert_eq!(item_points(&rules, item.id()), 0.0);
            }
        }
    }

    /// frameworks-later.md §6 and the seeds: 86.48 with OIT 71.25 is ผ่าน
    /// (seed 001, 2568); 95.31 is ผ่านดี when an instrument is below 95
    /// (seed 004, 2567); all three ≥ 95 is ผ่านดีเยี่ยม.
    #[test]
    fn pass_scale_bands_need_every_instrument() {
        let r2568 = rules(2568);
        let ita = predict_ita(&r2568, 97.554, 95.7233, 71.25);
        assert_eq!(round2(ita.total), 86.48);
        assert_eq!(ita.grade.as_deref(), Some("ผ่าน"));
        let r2567 = rules(2567);
        assert_eq!(
            grade(&r2567, 95.31, [97.0, 96.0, 93.5]).as_deref(),
            Some("ผ่านดี")
        );
        assert_eq!(
            grade(&r2567, 96.0, [97.0, 96.0, 95.0]).as_deref(),
            Some("ผ่านดีเยี่ยม")
        );
        assert_eq!(
            grade(&r2567, 84.99, [90.0, 90.0, 80.0]).as_deref(),
            Some("ต้องปรับปรุง")
        );
        assert_eq!(
            grade(&r2567, 69.99, [70.0, 70.0, 70.0]).as_deref(),
            Some("ต้องปรับปรุงโดยด่วน")
        );
        assert_eq!(oit_band(&r2567, 96.0).as_deref(), Some("ผ่านดีเยี่ยม"));
        assert_eq!(oit_band(&r2567, 71.25).as_deref(), Some("ต้องปรับปรุง"));
    }
}
