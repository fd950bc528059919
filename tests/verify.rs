//! `verify` against fixture sites served on 127.0.0.1: each answer sheet row
//! under fixtures/answers/ states the verdict and the suggestion it expects.

use std::path::Path;
use std::process::Command;

use oitcheck::crawl::CrawlConfig;
use oitcheck::report::Lang;
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};
use oitcheck::CheckOptions;

struct Row {
    line: usize,
    expect: String,
    suggest: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sheet with `{SITE}` replaced, and the test-only expectations by line.
fn sheet(site: &str, base: &str) -> (String, Vec<Row>) {
    let text = std::fs::read_to_string(root().join(format!("fixtures/answers/{site}.csv")))
        .expect("answer sheet");
    let text = text.replace("{SITE}", base.trim_end_matches('/'));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("fixture CSV is well formed");
            Row {
                line: usize::try_from(r.position().expect("position").line()).expect("line"),
                expect: r.get(2).unwrap_or_default().to_string(),
                suggest: r.get(3).unwrap_or_default().to_string(),
            }
        })
        .collect();
    (text, rows)
}

async fn assert_sheet(site: &str, year: u32) {
    let server = SiteServer::start(SiteSource::Dir(root().join("fixtures/sites").join(site)))
        .await
        .expect("server");
    let base = server.url().to_string();
    let (text, rows) = sheet(site, &base);
    let rules = RuleSet::embedded().expect("rules");
    let parsed = oitcheck::answers::parse(&text, false, &rules);
    let options = CheckOptions {
        year,
        crawl: CrawlConfig {
            rate: None,
            ..CrawlConfig::default()
        },
        lang: Lang::Th,
        iit_eit: None,
    };
    let report = oitcheck::verify::verify(&server.url(), &rules, parsed, &options)
        .await
        .expect("verify runs");
    let mut problems = Vec::new();
    for row in &rows {
        if row.expect == "error" {
            if !report.errors.iter().any(|e| e.line == row.line) {
                problems.push(format!(
                    "line {}: expected a rejected row, errors are {:?}",
                    row.line, report.errors
                ));
            }
            continue;
        }
        let Some(got) = report.items.iter().find(|i| i.line == row.line) else {
            problems.push(format!("line {}: not checked", row.line));
            continue;
        };
        let codes: Vec<&str> = got.item.reasons.iter().map(|r| r.code).collect();
        let verdict = if got.item.verdict == "pass" {
            "pass".to_string()
        } else {
            codes.join("+")
        };
        if verdict != row.expect {
            problems.push(format!(
                "line {} {}: expected {}, got {verdict}",
                row.line, got.item.id, row.expect
            ));
        }
        let suggested = got
            .suggested_url
            .as_deref()
            .map(|u| {
                u.strip_prefix(base.trim_end_matches('/'))
                    .unwrap_or(u)
                    .to_string()
            })
            .unwrap_or_default();
        if suggested != row.suggest {
            problems.push(format!(
                "line {} {}: expected suggestion {:?}, got {suggested:?}",
                row.line, got.item.id, row.suggest
            ));
        }
    }
    assert!(problems.is_empty(), "{site}:\n{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_answer_sheet() {
    assert_sheet("demo", 2564).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_000_mirror_answer_sheet() {
    assert_sheet("pao-buengkan-2563", 2563).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tis620_site_answer_sheet() {
    assert_sheet("sao-nongbua-2564", 2564).await;
}

fn oitcheck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oitcheck"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_template_lists_every_item() {
    let out = oitcheck(&["verify", "--template"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.lines().next(), Some("item,url,title"));
    assert_eq!(text.lines().count(), 44);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_rows_carry_the_answer_and_the_suggestion() {
    let server = SiteServer::start(SiteSource::Dir(root().join("fixtures/sites/demo")))
        .await
        .expect("server");
    let base = server.url().to_string();
    let (text, _) = sheet("demo", &base);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("answers.csv");
    // Excel writes a BOM; the sheet must still be read.
    std::fs::write(&path, format!("\u{FEFF}{text}")).expect("write");
    let path = path.display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        oitcheck(&[
            "verify",
            &base,
            "--answers",
            &path,
            "--rate",
            "0",
            "--format",
            "json",
        ])
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 12, "one entry per valid answer row");
    for item in items {
        assert!(
            item["answer_url"].is_string() && item["id"].is_string() && item["verdict"].is_string()
        );
        assert!(item.get("suggested_url").is_some());
    }
    let errors = json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let relative = stderr
        .lines()
        .find(|l| l.contains("relative URL"))
        .expect("the relative URL is reported");
    assert!(relative.contains("answers.csv:15:"), "{relative}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("answers.csv:14:") && l.contains("unknown item")),
        "{stderr}"
    );
}
