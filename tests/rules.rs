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
