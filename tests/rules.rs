//! Rule files: every file under rules/ loads and validates, every item's
//! official title names that item, and real menu labels copied from Thai
//! agency sites name the items they stand for.

use std::path::Path;

use oitcheck::evidence::ItemMatcher;
use oitcheck::rules::RuleSet;

fn winners(matcher: &ItemMatcher, rules: &RuleSet, text: &str) -> Vec<String> {
    matcher
        .naming_scores(text)
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0)
        .map(|(i, _)| rules.items[i].id().to_string())
        .collect()
}

#[test]
fn every_rule_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("rules/ exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let rules = RuleSet::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!rules.items.is_empty(), "{}", path.display());
            count += 1;
        }
    }
    assert!(count >= 1);
}

#[test]
fn every_official_title_names_its_own_item() {
    let rules = RuleSet::embedded().expect("rules");
    assert_eq!(rules.items.len(), 43);
    let matcher = ItemMatcher::new(&rules).expect("matcher");
    for item in &rules.items {
        let got = winners(&matcher, &rules, &item.title_th);
        assert_eq!(got, [item.id()], "title {:?}", item.title_th);
    }
}

#[test]
fn real_menu_labels_name_the_right_items() {
    let rules = RuleSet::embedded().expect("rules");
    let matcher = ItemMatcher::new(&rules).expect("matcher");
    let data = include_str!("data/real-menu-labels.tsv");
    let mut wrong = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (label, want) = line.split_once('\t').expect("label<TAB>item");
        let got = winners(&matcher, &rules, label);
        let ok = if want == "-" {
            got.is_empty()
        } else {
            got == [want]
        };
        if !ok {
            wrong.push(format!("{label:?}: expected {want}, got {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "labels named wrongly:\n{}",
        wrong.join("\n")
    );
}

/// Every embedded framework: each assessed item's own title names it and
/// only it (titles of later frameworks are long and overlap, e.g. the 2568
/// report items).
#[test]
fn every_framework_title_names_its_own_item() {
    let mut wrong = Vec::new();
    for rules in RuleSet::all_embedded().expect("embedded rules") {
        let matcher = ItemMatcher::new(&rules).expect("matcher");
        for item in rules.assessed_items() {
            let got = winners(&matcher, &rules, &item.title_th);
            if got != [item.id()] {
                wrong.push(format!(
                    "{} {} {:?}: got {got:?}",
                    rules.framework.id,
                    item.id(),
                    item.title_th
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "titles named wrongly:\n{}",
        wrong.join("\n")
    );
}

/// Where a 2563–2565 item went in a later framework (`None`: its topic is an
/// item whose rule is not known there, so the label must name no item).
/// Items dropped without successor are left out.
fn successor(framework: &str, old: &str) -> Option<Option<&'static str>> {
    let n: u32 = old.trim_start_matches('O').parse().ok()?;
    let table: &[(u32, Option<&str>)] = match framework {
        "ita-2566" => &[
            (1, Some("O1")),
            (2, Some("O2")),
            (3, Some("O3")),
            (4, Some("O4")),
            (5, Some("O5")),
            (6, Some("O6")),
            (7, Some("O7")),
            (8, Some("O8")),
            (9, Some("O9")),
            (10, Some("O11")),
            (11, Some("O12")),
            (12, Some("O13")),
            (13, Some("O14")),
            (14, Some("O15")),
            (15, Some("O16")),
            (16, Some("O17")),
            (17, Some("O18")),
            (18, Some("O11")),
            (19, Some("O12")),
            (20, Some("O13")),
            (21, Some("O19")),
            (22, Some("O20")),
            (23, Some("O21")),
            (24, Some("O22")),
            (25, Some("O23")),
            (26, Some("O24")),
            (27, Some("O25")),
            (28, Some("O26")),
            (29, Some("O27")),
            (30, Some("O28")),
            (31, Some("O29")),
            (33, Some("O30")),
            (36, Some("O34")),
            (37, Some("O35")),
            (39, Some("O36")),
            (40, Some("O37")),
            (41, Some("O38")),
            (42, Some("O42")),
            (43, Some("O43")),
        ],
        "ita-2568" => &[
            (1, Some("O1")),
            (2, None),
            (3, Some("O1")),
            (5, Some("O3")),
            (7, Some("O4")),
            (13, Some("O8")),
            (14, Some("O9")),
            (15, Some("O11")),
            (17, Some("O10")),
            (21, Some("O12")),
            (23, Some("O12")),
            (24, Some("O13")),
            (28, Some("O15")),
            (29, Some("O17")),
            (30, Some("O18")),
            (31, Some("O19")),
            (33, Some("O20")),
            (39, Some("O25")),
            (41, Some("O26")),
        ],
        "ita-2569" => &[
            (1, Some("O1")),
            (2, None),
            (3, Some("O1")),
            (4, Some("O5")),
            (5, Some("O3")),
            (7, Some("O4")),
            (13, Some("O8")),
            (14, Some("O9")),
            (17, Some("O10")),
            (23, Some("O11")),
            (24, Some("O12")),
            (25, Some("O13")),
            (27, Some("O13")),
            (28, Some("O14")),
            (29, Some("O16")),
            (30, Some("O17")),
            (31, Some("O18")),
            (33, Some("O19")),
            (36, Some("O21")),
            (39, Some("O23")),
            (41, Some("O24")),
        ],
        _ => &[],
    };
    table.iter().find(|(o, _)| *o == n).map(|(_, new)| *new)
}

/// The real menu labels, carried to the later frameworks: a label names the
/// item its topic became (labels that carry a 2563–2565 item code, and
/// topics dropped since, are left out).
#[test]
fn real_menu_labels_name_their_items_in_later_frameworks() {
    let data = include_str!("data/real-menu-labels.tsv");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for rules in RuleSet::all_embedded().expect("embedded rules") {
        if rules.framework.id == "ita-2564" {
            continue;
        }
        let matcher = ItemMatcher::new(&rules).expect("matcher");
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (label, old) = line.split_once('\t').expect("label<TAB>item");
            if !oitcheck::textnorm::item_codes(label).is_empty() {
                continue;
            }
            let want: Vec<&str> = if old == "-" {
                Vec::new()
            } else {
                match successor(&rules.framework.id, old) {
                    Some(new) => new.into_iter().collect(),
                    None => continue,
                }
            };
            checked += 1;
            let got = winners(&matcher, &rules, label);
            if got != want {
                wrong.push(format!(
                    "{} {label:?} (2563–2565 {old}): expected {want:?}, got {got:?}",
                    rules.framework.id
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} labels checked");
    assert!(
        wrong.is_empty(),
        "labels named wrongly:\n{}",
        wrong.join("\n")
    );
}
