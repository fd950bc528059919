//! Scoring with the official formula.
//!
//! Item = 0 or 100; sub-indicator = mean of its items; indicator = mean of
//! its sub-indicators (not the flat mean of items); OIT = mean of the
//! indicators. ITA = weighted IIT, EIT and OIT (30/30/40 in 2563–2568). Full
//! precision is kept; rounding is for display only. Checked against seed 000:
//! indicator 9 = 53.40, indicator 10 = 56.25, ITA 72.31.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::RuleSet;

/// Scores of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Sub-indicator id → score.
    pub sub_indicators: BTreeMap<String, f64>,
    /// Indicator id → score.
    pub indicators: BTreeMap<String, f64>,
    /// The OIT score.
    pub oit: f64,
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

/// Computes scores from item scores (`item id → 0..=100`).
#[must_use]
pub fn score(rules: &RuleSet, item_scores: &BTreeMap<String, f64>) -> Scores {
    let mut sub_indicators = BTreeMap::new();
    for sub in &rules.sub_indicators {
        let values: Vec<f64> = rules
            .items
            .iter()
            .filter(|i| i.sub_indicator == sub.id)
            .map(|i| item_scores.get(i.id()).copied().unwrap_or(0.0))
            .collect();
        sub_indicators.insert(sub.id.clone(), mean(&values));
    }
    let mut indicators = BTreeMap::new();
    for indicator in &rules.indicators {
        let values: Vec<f64> = rules
            .sub_indicators
            .iter()
            .filter(|s| s.indicator == indicator.id)
            .filter_map(|s| sub_indicators.get(&s.id).copied())
            .collect();
        indicators.insert(indicator.id.clone(), mean(&values));
    }
    let oit = mean(&indicators.values().copied().collect::<Vec<_>>());
    Scores {
        sub_indicators,
        indicators,
        oit,
    }
}

/// OIT points an item is worth: passing it raises the OIT score by this
/// much. Items are not equal: a sub-indicator's items share its weight, so
/// in the 2563–2565 framework one O42 is worth 12.5 OIT points and one O35
/// only 3.125.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn item_points(rules: &RuleSet, item_id: &str) -> f64 {
    let Some(item) = rules.item(item_id) else {
        return 0.0;
    };
    let Some(sub) = rules.sub_indicator(&item.sub_indicator) else {
        return 0.0;
    };
    let items_in_sub = rules
        .items
        .iter()
        .filter(|i| i.sub_indicator == sub.id)
        .count();
    let subs_in_indicator = rules
        .sub_indicators
        .iter()
        .filter(|s| s.indicator == sub.indicator)
        .count();
    let indicators = rules.indicators.len();
    if items_in_sub == 0 || subs_in_indicator == 0 || indicators == 0 {
        return 0.0;
    }
    100.0 / items_in_sub as f64 / subs_in_indicator as f64 / indicators as f64
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
        grade: grade(rules, total),
    }
}

/// The grade band of a total (compared at display precision).
#[must_use]
pub fn grade(rules: &RuleSet, total: f64) -> Option<String> {
    let shown = round2(total);
    rules
        .scoring
        .grades
        .iter()
        .find(|g| shown >= g.min)
        .map(|g| g.label.clone())
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
