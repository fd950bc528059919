//! The binary end to end: exit codes, JSON shape, languages, rule-file errors.

use std::path::Path;
use std::process::{Command, Output};

use oitcheck::serve::{SiteServer, SiteSource};

fn oitcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oitcheck"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn rules_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules/ita-2564.toml")
        .display()
        .to_string()
}

async fn demo_server() -> SiteServer {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/demo");
    SiteServer::start(SiteSource::Dir(dir))
        .await
        .expect("server")
}

#[test]
fn rules_check_accepts_the_shipped_rule_file() {
    let out = oitcheck(&["rules", "check", &rules_path()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ita-2564") && stdout.contains("43 items"),
        "{stdout}"
    );
}

/// A malformed rule file names the file, the line and the field, exit 2.
#[test]
fn malformed_rule_files_name_file_line_and_field() {
    let original = std::fs::read_to_string(rules_path()).expect("rules readable");
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        // a bad enum value
        (
            original.replacen("year = \"none\"", "year = \"sometimes\"", 1),
            "year",
        ),
        // a duplicate item id
        (
            original.replacen("id = \"O3\"", "id = \"O2\"", 1),
            "items.id",
        ),
        // a typo in a key
        (
            original.replacen("url_terms =", "url_term =", 1),
            "url_term",
        ),
    ];
    for (i, (text, field)) in cases.iter().enumerate() {
        assert_ne!(text, &original, "case {i} did not change the file");
        let path = dir.path().join(format!("bad-{i}.toml"));
        std::fs::write(&path, text).expect("write");
        let out = oitcheck(&["rules", "check", &path.display().to_string()]);
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let file_line = format!("bad-{i}.toml:");
        let after = stderr.split(&file_line).nth(1).unwrap_or_default();
        let line: usize = after
            .split(':')
            .next()
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        assert!(line > 1, "case {i}: no line number in {stderr}");
        assert!(
            stderr.contains(field),
            "case {i}: field {field} not named in {stderr}"
        );
    }
}

#[test]
fn bad_urls_exit_2_and_unreachable_sites_exit_3() {
    let out = oitcheck(&["check", "ftp://example.go.th/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a usable site URL"));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let out = oitcheck(&["check", &format!("http://{addr}/"), "--timeout", "2"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "nothing but a report goes to stdout");
}

/// `rules list` shows the four frameworks with their years, item counts
/// and coverage; `--format json` gives the same as data.
#[test]
fn rules_list_shows_frameworks_years_items_and_coverage() {
    let out = oitcheck(&["rules", "list", "--lang", "en"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "ita-2564",
        "ita-2566",
        "ita-2568",
        "ita-2569",
        "years: 2566–2567",
        "assessed: 22/28 (not assessed: O2, O5, O6, O7, O27, O28)",
        "assessed: 23/26",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    let out = oitcheck(&["rules", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = list.as_array().expect("array");
    assert_eq!(rows.len(), 4);
    let counts: Vec<(u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["items"].as_u64().unwrap_or(0),
                r["assessed"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts, [(43, 43), (43, 43), (28, 22), (26, 23)]);
    assert_eq!(rows[2]["basis"], "assumed");
    assert_eq!(rows[2]["item_values"], serde_json::json!([0, 50, 100]));
}

/// A folder of rule files: each is listed, a broken one is reported with
/// its file and line after the others, and the exit code says so.
#[test]
fn rules_list_of_a_folder_reports_broken_files() {
    let dir = std::env::temp_dir().join(format!("oitcheck-rules-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(rules_path(), dir.join("good.toml")).expect("copy");
    std::fs::write(dir.join("broken.toml"), "schema = 1\n[framework]\nid = 3\n").expect("write");
    let out = oitcheck(&["rules", "list", "--dir", &dir.display().to_string()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ita-2564"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:3"), "{stderr}");
}

#[test]
fn a_year_outside_the_rule_file_is_a_usage_error() {
    let out = oitcheck(&["check", "http://127.0.0.1:9/", "--year", "2570"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2570"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_has_the_documented_shape() {
    let server = demo_server().await;
    let url = server.url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        oitcheck(&["check", &url, "--rate", "0", "--format", "json"])
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(json["tool"]["name"], "oitcheck");
    assert_eq!(json["framework"], "ita-2564");
    assert_eq!(json["assessment_year"], 2564);
    assert!(json["crawl"]["pages_fetched"].as_u64().expect("pages") >= 60);
    for key in ["requests", "duration_ms", "errors"] {
        assert!(json["crawl"][key].is_u64(), "crawl.{key}");
    }
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 43);
    for item in items {
        let verdict = item["verdict"].as_str().expect("verdict");
        assert!(
            verdict == "pass" || verdict == "fail",
            "2564 judges every item"
        );
        assert_eq!(item["score"], if verdict == "pass" { 100 } else { 0 });
        assert!(
            item["indicator"].is_string()
                && item["sub_indicator"].is_string()
                && item["title"].is_string()
        );
        if verdict == "pass" {
            let url = item["evidence_url"]
                .as_str()
                .expect("a passing item has an evidence URL");
            assert!(
                !url.ends_with(".pdf"),
                "evidence must be a page, not a file: {url}"
            );
        } else {
            let reasons = item["reasons"].as_array().expect("reasons");
            assert!(!reasons.is_empty());
            assert!(reasons
                .iter()
                .all(|r| r["code"].is_string() && r["message"].is_string()));
        }
    }
    let oit = json["scores"]["oit"].as_f64().expect("oit");
    let nine = json["scores"]["indicators"]["9"].as_f64().expect("9");
    let ten = json["scores"]["indicators"]["10"].as_f64().expect("10");
    assert!((oit - (nine + ten) / 2.0).abs() < 1e-9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_report_is_thai_by_default_and_english_on_request() {
    let server = demo_server().await;
    let url = server.url().to_string();
    let (th, en) = tokio::task::spawn_blocking(move || {
        (
            oitcheck(&["check", &url, "--rate", "0"]),
            oitcheck(&[
                "check", &url, "--rate", "0", "--lang", "en", "--iit", "84.43", "--eit", "83.50",
            ]),
        )
    })
    .await
    .expect("join");
    let th = String::from_utf8_lossy(&th.stdout);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        th.contains("คะแนน OIT") && th.contains("[NOT_FOUND]"),
        "{th}"
    );
    assert!(
        en.contains("Predicted OIT score") && en.contains("[NOT_FOUND]"),
        "{en}"
    );
    assert!(en.contains("Predicted ITA score"), "{en}");
    // The messages come from the rule file's English and Thai texts.
    let rules = oitcheck::rules::RuleSet::embedded().expect("rules");
    let template = &rules.messages["NOT_FOUND"];
    let fixed = |t: &str| t.split('{').next().unwrap_or_default().trim().to_string();
    let en_reason = en
        .lines()
        .find(|l| l.contains("[NOT_FOUND]"))
        .expect("a NOT_FOUND line");
    assert!(en_reason.contains(&fixed(&template.en)), "{en_reason}");
    let th_reason = th
        .lines()
        .find(|l| l.contains("[NOT_FOUND]"))
        .expect("a NOT_FOUND line");
    assert!(th_reason.contains(&fixed(&template.th)), "{th_reason}");
}

/// SIGTERM mid-crawl: the report is still written, marked incomplete, and
/// the exit code says the run was interrupted.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_writes_a_partial_report_marked_incomplete() {
    let server = demo_server().await;
    let url = server.url().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let out_arg = out.display().to_string();
    // At one request per second the demo takes minutes; stop it after 2 s.
    let mut child = Command::new(env!("CARGO_BIN_EXE_oitcheck"))
        .args(["check", &url, "--rate", "1", "--out", &out_arg])
        .spawn()
        .expect("starts");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("waits");
    assert_eq!(status.code(), Some(130));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&out).expect("the partial report was written"),
    )
    .expect("JSON");
    assert_eq!(json["crawl"]["stopped"], "interrupted");
    assert_eq!(
        json["items"].as_array().map(Vec::len),
        Some(43),
        "every item still has a verdict"
    );
}

/// `--year 2568` picks the 2568 rules: 28 items, the six unknown ones
/// reported as `not_assessed` with a null score, and the coverage and the
/// scoring caveat in the JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_of_a_partial_framework_says_what_is_not_assessed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/muni-nongkhai-2568");
    let server = SiteServer::start(SiteSource::Dir(dir))
        .await
        .expect("server");
    let url = server.url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        oitcheck(&[
            "check", &url, "--year", "2568", "--rate", "0", "--format", "json",
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
    assert_eq!(json["framework"], "ita-2568");
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 28);
    let not_assessed: Vec<&str> = items
        .iter()
        .filter(|i| i["verdict"] == "not_assessed")
        .map(|i| i["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(not_assessed, ["O2", "O5", "O6", "O7", "O27", "O28"]);
    for item in items.iter().filter(|i| i["verdict"] == "not_assessed") {
        assert!(
            item["score"].is_null() && item["note"].is_string(),
            "{item}"
        );
        assert!(item.get("sub_indicator").is_none());
    }
    assert_eq!(json["scores"]["coverage"]["assessed"], 22);
    assert_eq!(json["scores"]["coverage"]["total"], 28);
    assert_eq!(json["scores"]["estimate"], true);
    assert_eq!(json["scores"]["aggregation"], "mean_of_items");
    assert!(json["scoring_note"].is_string());
}
