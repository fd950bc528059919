//! Nightly use: saved runs, history, diff and the scheduler gates, against
//! a fixture site on 127.0.0.1 whose content changes between runs.

use std::path::Path;
use std::process::{Command, Output};

use oitcheck::serve::{SiteServer, SiteSource};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

async fn oitcheck(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_oitcheck"))
            .args(&args)
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("join")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_site_shows_its_regressions_fixes_and_exit_codes() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/demo"),
        site.path(),
    );
    let server = SiteServer::start(SiteSource::Dir(site.path().to_path_buf()))
        .await
        .expect("server");
    let url = server.url().to_string();
    let db_dir = tempfile::tempdir().expect("tempdir");
    let db = db_dir.path().join("history.sqlite3").display().to_string();

    let first = oitcheck(args(&[
        "check", &url, "--rate", "0", "-q", "--save", "--db", &db, "--format", "json",
    ]))
    .await;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    // Overnight: the structure page is removed (O1 breaks), the budget plan
    // is updated to the assessed year (O18 is fixed).
    std::fs::remove_file(site.path().join("about/structure.html")).expect("remove");
    let plan = site.path().join("budget/spending-plan.html");
    let text = std::fs::read_to_string(&plan)
        .expect("read")
        .replace("๒๕๖๓", "๒๕๖๔");
    std::fs::write(&plan, text).expect("write");

    let second = oitcheck(args(&[
        "check",
        &url,
        "--rate",
        "0",
        "-q",
        "--save",
        "--db",
        &db,
        "--format",
        "json",
        "--fail-on-regression",
    ]))
    .await;
    assert_eq!(
        second.status.code(),
        Some(5),
        "a regression exits 5: {}",
        String::from_utf8_lossy(&second.stderr)
    );

    let history = oitcheck(args(&["history", &url, "--db", &db, "--format", "json"])).await;
    let runs: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history JSON");
    assert_eq!(runs.as_array().map(Vec::len), Some(2));

    let diff = oitcheck(args(&["diff", &url, "--db", &db, "--format", "json"])).await;
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).expect("diff JSON");
    let ids = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["item"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(ids("regressions"), ["O1"]);
    assert_eq!(ids("fixed"), ["O18"]);
    assert!(diff["oit_change"].as_f64().is_some());

    let markdown = oitcheck(args(&["diff", &url, "--db", &db, "--format", "markdown"])).await;
    assert!(String::from_utf8_lossy(&markdown.stdout).contains("## Regressions"));

    // The demo scores 85.42: below a bar of 90 exits 4.
    let gate = oitcheck(args(&[
        "check",
        &url,
        "--rate",
        "0",
        "-q",
        "--fail-under",
        "90",
    ]))
    .await;
    assert_eq!(gate.status.code(), Some(4));
}

/// Two cron jobs overlapping on one database: both runs are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_runs_share_one_database() {
    let server = SiteServer::start(SiteSource::Dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/demo"),
    ))
    .await
    .expect("server");
    let url = server.url().to_string();
    let db_dir = tempfile::tempdir().expect("tempdir");
    let db = db_dir.path().join("shared.sqlite3").display().to_string();
    let run = || {
        oitcheck(args(&[
            "check", &url, "--rate", "0", "-q", "--save", "--db", &db, "--format", "json",
        ]))
    };
    let (a, b) = tokio::join!(run(), run());
    assert!(
        a.status.success() && b.status.success(),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    let history = oitcheck(args(&["history", &url, "--db", &db, "--format", "json"])).await;
    let runs: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history JSON");
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "a run was lost");
}

/// A database from an older oitcheck is upgraded, not dropped: a file at
/// schema version 0 with a stray table keeps it after opening.
#[test]
fn an_old_database_is_upgraded_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');")
            .expect("seed");
    }
    let store = oitcheck::store::Store::open(&path).expect("upgraded");
    assert!(store.runs("web://x?").expect("runs").is_empty());
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let kept: String = conn
        .query_row("SELECT text FROM notes", [], |r| r.get(0))
        .expect("kept");
    assert_eq!(kept, "keep me");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 2, "every migration ran");
}

/// With a saved run, an unchanged site answers 304 and its pages are reused:
/// far fewer full GETs, counted by the server, and the same verdicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_asks_only_for_changes() {
    let server = SiteServer::start(SiteSource::Dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/demo"),
    ))
    .await
    .expect("server");
    let url = server.url().to_string();
    let db_dir = tempfile::tempdir().expect("tempdir");
    let db = db_dir.path().join("h.sqlite3").display().to_string();
    let run = || {
        oitcheck(args(&[
            "check", &url, "--rate", "0", "-q", "--save", "--db", &db, "--format", "json",
        ]))
    };
    let full_gets = |hits: &[oitcheck::serve::Hit]| {
        hits.iter()
            .filter(|h| h.method == "GET" && h.status == 200)
            .count()
    };

    let first = run().await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let after_first = server.hits();
    let second = run().await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let all = server.hits();
    let (first_hits, second_hits) = all.split_at(after_first.len());

    let first_json: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let second_json: serde_json::Value = serde_json::from_slice(&second.stdout).expect("JSON");
    assert_eq!(first_json["crawl"]["not_modified"], 0);
    let reused = second_json["crawl"]["not_modified"]
        .as_u64()
        .expect("not_modified");
    assert!(reused >= 40, "only {reused} pages answered 304");
    assert!(
        full_gets(second_hits) * 4 < full_gets(first_hits),
        "full GETs: first run {}, second run {}",
        full_gets(first_hits),
        full_gets(second_hits)
    );
    assert_eq!(
        first_json["scores"], second_json["scores"],
        "reused pages give the same verdicts"
    );
}
