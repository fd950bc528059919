//! What changed between two saved runs of a site: items that got worse or
//! better, evidence that moved or died, and the score.

use std::fmt::Write as _;

use serde::Serialize;

use crate::store::{RunSummary, StoredItem};

/// One item's change between two runs.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Item id.
    pub item: String,
    /// Thai title.
    pub title: String,
    /// Verdict before and after.
    pub verdict: (String, String),
    /// Evidence URL before and after.
    pub evidence_url: (Option<String>, Option<String>),
    /// Reason codes after.
    pub reasons: Vec<String>,
}

/// The difference between two runs (`from` older than `to`).
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The older run.
    pub from: RunSummary,
    /// The newer run.
    pub to: RunSummary,
    /// OIT score change (to − from).
    pub oit_change: f64,
    /// Items that passed and now fail.
    pub regressions: Vec<Change>,
    /// Items that failed and now pass.
    pub fixed: Vec<Change>,
    /// Passing items whose evidence URL changed.
    pub moved: Vec<Change>,
    /// Items whose evidence is now unreachable.
    pub died: Vec<Change>,
    /// Whether the runs' items can be compared: both use the same framework
    /// (item numbers mean different things in 2566 and 2568).
    pub comparable: bool,
}

impl Diff {
    /// Compares the items of two runs.
    #[must_use]
    pub fn between(from: (RunSummary, Vec<StoredItem>), to: (RunSummary, Vec<StoredItem>)) -> Self {
        let comparable = from.0.framework == to.0.framework;
        let mut diff = Self {
            oit_change: to.0.oit - from.0.oit,
            from: from.0,
            to: to.0,
            regressions: Vec::new(),
            fixed: Vec::new(),
            moved: Vec::new(),
            died: Vec::new(),
            comparable,
        };
        if !diff.comparable {
            return diff;
        }
        for after in &to.1 {
            let Some(before) = from.1.iter().find(|b| b.id == after.id) else {
                continue;
            };
            let change = Change {
                item: after.id.clone(),
                title: after.title.clone(),
                verdict: (before.verdict.clone(), after.verdict.clone()),
                evidence_url: (before.evidence_url.clone(), after.evidence_url.clone()),
                reasons: after.reasons.clone(),
            };
            let unreachable = |i: &StoredItem| i.reasons.iter().any(|r| r == "NOT_REACHABLE");
            if unreachable(after) && !unreachable(before) {
                diff.died.push(change.clone());
            }
            match (before.verdict.as_str(), after.verdict.as_str()) {
                ("pass", "fail") => diff.regressions.push(change),
                ("fail", "pass") => diff.fixed.push(change),
                ("pass", "pass") if before.evidence_url != after.evidence_url => {
                    diff.moved.push(change)
                }
                _ => {}
            }
        }
        diff
    }

    /// Whether anything got worse.
    #[must_use]
    pub fn has_regressions(&self) -> bool {
        !self.regressions.is_empty()
    }

    /// Plain text (or Markdown when `markdown`).
    #[must_use]
    pub fn render(&self, markdown: bool) -> String {
        let mut out = String::new();
        let head = if markdown { "## " } else { "" };
        let bullet = if markdown { "- " } else { "  " };
        let _ = writeln!(
            out,
            "{head}oitcheck diff: run {} → run {}  OIT {:.2} → {:.2} ({:+.2})",
            self.from.id, self.to.id, self.from.oit, self.to.oit, self.oit_change
        );
        if !self.comparable {
            let _ = writeln!(
                out,
                "\nThe runs use different frameworks ({} {} → {} {}): item numbers mean different things, so items are not compared.",
                self.from.framework, self.from.year, self.to.framework, self.to.year
            );
            return out;
        }
        for (label, changes) in [
            ("Regressions (pass → fail)", &self.regressions),
            ("Fixed (fail → pass)", &self.fixed),
            ("Evidence moved", &self.moved),
            ("Evidence no longer reachable", &self.died),
        ] {
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{head}{label}");
            for c in changes {
                let _ = writeln!(
                    out,
                    "{bullet}{} {} — {:?} → {:?} [{}]",
                    c.item,
                    c.title,
                    c.evidence_url.0.as_deref().unwrap_or("-"),
                    c.evidence_url.1.as_deref().unwrap_or("-"),
                    c.reasons.join(", ")
                );
            }
        }
        if self.regressions.is_empty()
            && self.fixed.is_empty()
            && self.moved.is_empty()
            && self.died.is_empty()
        {
            let _ = writeln!(out, "\nNo item changed.");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, framework: &str, year: u32, verdict: &str) -> (RunSummary, Vec<StoredItem>) {
        (
            RunSummary {
                id,
                started_at: 0,
                framework: framework.into(),
                year,
                oit: 50.0,
                passed: 0,
                items: 1,
            },
            vec![StoredItem {
                id: "O5".into(),
                title: "t".into(),
                verdict: verdict.into(),
                evidence_url: None,
                reasons: Vec::new(),
            }],
        )
    }

    #[test]
    fn items_of_the_same_framework_are_compared() {
        let diff = Diff::between(
            run(1, "ita-2568", 2568, "pass"),
            run(2, "ita-2568", 2568, "fail"),
        );
        assert!(diff.comparable && diff.has_regressions());
    }

    /// 2568's O5 is not 2569's O5: a nightly job that moved to the next
    /// year's checklist has no regressions to report, and says why.
    #[test]
    fn runs_of_different_frameworks_are_not_compared_item_by_item() {
        let diff = Diff::between(
            run(1, "ita-2568", 2568, "pass"),
            run(2, "ita-2569", 2569, "fail"),
        );
        assert!(!diff.comparable && !diff.has_regressions());
        assert!(diff.render(false).contains("different frameworks"));
    }
}
