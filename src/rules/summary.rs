//! What a rule file covers, for `oitcheck rules list` and `rules check`:
//! framework, years, item count, how many items are assessed, and how sure
//! the scoring is.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Aggregation, Basis, RuleSet};
use crate::report::Lang;

/// One rule file, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Framework id, e.g. `ita-2568`.
    pub framework: String,
    /// Where the rules come from (`embedded rules/ita-2568.toml` or a path).
    pub source: String,
    /// Assessment years covered.
    pub years: Vec<u32>,
    /// Items in the framework.
    pub items: usize,
    /// Items the rules can judge.
    pub assessed: usize,
    /// Ids of the items not assessed.
    pub not_assessed: Vec<String>,
    /// Sub-indicators (0 when not known).
    pub sub_indicators: usize,
    /// The scoring formula.
    pub aggregation: Aggregation,
    /// How sure the formula is.
    pub basis: Basis,
    /// Scores an item can take.
    pub item_values: Vec<u32>,
    /// Grade band labels, highest first.
    pub grades: Vec<String>,
}

impl Summary {
    /// Summarises a rule set loaded from `source`.
    #[must_use]
    pub fn of(rules: &RuleSet, source: &str) -> Self {
        let coverage = crate::score::Coverage::of(rules);
        Self {
            framework: rules.framework.id.clone(),
            source: source.to_string(),
            years: rules.framework.years.clone(),
            items: coverage.total,
            assessed: coverage.assessed,
            not_assessed: coverage.not_assessed,
            sub_indicators: rules.sub_indicators.len(),
            aggregation: rules.scoring.aggregation,
            basis: rules.scoring.basis,
            item_values: rules.framework.item_values.clone(),
            grades: rules
                .scoring
                .grades
                .iter()
                .map(|g| g.label.clone())
                .collect(),
        }
    }
}

/// "2563–2565" for consecutive years, else "2563, 2565".
fn years_text(years: &[u32]) -> String {
    let consecutive = years.windows(2).all(|w| w[1] == w[0] + 1);
    match (years.first(), years.last()) {
        (Some(first), Some(last)) if consecutive && first != last => format!("{first}–{last}"),
        _ => years
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn basis_text(basis: Basis, lang: Lang) -> &'static str {
    match (basis, lang) {
        (Basis::Seed, Lang::Th) => "ยืนยันจากผลจริง",
        (Basis::Manual, Lang::Th) => "ตามคู่มือ",
        (Basis::Published, Lang::Th) => "ตามที่หน่วยงานเผยแพร่",
        (Basis::Inferred, Lang::Th) => "อนุมาน",
        (Basis::Assumed, Lang::Th) => "สมมติ",
        (Basis::Seed, Lang::En) => "reproduced from results",
        (Basis::Manual, Lang::En) => "per the manual",
        (Basis::Published, Lang::En) => "as agencies publish",
        (Basis::Inferred, Lang::En) => "inferred",
        (Basis::Assumed, Lang::En) => "assumed",
    }
}

fn aggregation_text(aggregation: Aggregation, lang: Lang) -> &'static str {
    match (aggregation, lang) {
        (Aggregation::MeanOfSubIndicatorMeans, Lang::Th) => "ค่าเฉลี่ยของตัวชี้วัดย่อย",
        (Aggregation::MeanOfItems, Lang::Th) => "ค่าเฉลี่ยรายข้อ",
        (Aggregation::MeanOfSubIndicatorMeans, Lang::En) => "mean of sub-indicator means",
        (Aggregation::MeanOfItems, Lang::En) => "mean of items",
    }
}

/// The summaries as a text listing, one block per rule file.
#[must_use]
pub fn render_text(summaries: &[Summary], lang: Lang) -> String {
    let mut out = String::new();
    for s in summaries {
        let (years, items, coverage, scoring, values, grades) = match lang {
            Lang::Th => (
                "ปีที่ประเมิน",
                "จำนวนข้อ",
                "ประเมินได้",
                "สูตรคะแนน",
                "คะแนนรายข้อ",
                "ระดับผล",
            ),
            Lang::En => (
                "years",
                "items",
                "assessed",
                "scoring",
                "item values",
                "bands",
            ),
        };
        let _ = writeln!(out, "{}  ({})", s.framework, s.source);
        let _ = writeln!(out, "  {years}: {}", years_text(&s.years));
        let _ = writeln!(out, "  {items}: {}", s.items);
        let missing = if s.not_assessed.is_empty() {
            String::new()
        } else {
            match lang {
                Lang::Th => format!(" (ยังไม่ประเมิน: {})", s.not_assessed.join(", ")),
                Lang::En => format!(" (not assessed: {})", s.not_assessed.join(", ")),
            }
        };
        let _ = writeln!(out, "  {coverage}: {}/{}{missing}", s.assessed, s.items);
        let _ = writeln!(
            out,
            "  {scoring}: {} ({})",
            aggregation_text(s.aggregation, lang),
            basis_text(s.basis, lang)
        );
        let values_text: Vec<String> = s.item_values.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "  {values}: {}", values_text.join("/"));
        let _ = writeln!(out, "  {grades}: {}", s.grades.join(" · "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges_are_written_compactly() {
        assert_eq!(years_text(&[2563, 2564, 2565]), "2563–2565");
        assert_eq!(years_text(&[2568]), "2568");
        assert_eq!(years_text(&[2563, 2565]), "2563, 2565");
    }
}
