//! Batch scans over fixture agencies on 127.0.0.1, including a dead site,
//! a malformed URL and a duplicate; resuming skips what is done; shards
//! split the list and merge puts it back together.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oitcheck::serve::{SiteServer, SiteSource};

const SITES: &[&str] = &[
    "demo",
    "sao-nongbua-2564",
    "holdout-province-2564",
    "holdout-nakhon-2564",
];

async fn servers() -> Vec<SiteServer> {
    let mut list = Vec::new();
    for site in SITES {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sites")
            .join(site);
        list.push(
            SiteServer::start(SiteSource::Dir(dir))
                .await
                .expect("server"),
        );
    }
    list
}

/// The agency list: the fixture sites, a dead one, a malformed URL and a
/// duplicate.
fn agencies(dir: &Path, servers: &[SiteServer]) -> PathBuf {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!("http://{}/", dead.local_addr().expect("addr"));
    drop(dead);
    let mut text = String::from("\u{FEFF}name,url,type,province\n");
    for (site, server) in SITES.iter().zip(servers) {
        text.push_str(&format!("{site},{},อปท.,ทดสอบ\n", server.url()));
    }
    text.push_str(&format!("dead agency,{dead_url},อบต.,ทดสอบ\n"));
    text.push_str("broken,not a url,อบต.,ทดสอบ\n");
    text.push_str(&format!("again,{},อบต.,ทดสอบ\n", servers[0].url()));
    let path = dir.join("agencies.csv");
    std::fs::write(&path, text).expect("write");
    path
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

fn batch_args(list: &Path, out: &Path, db: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "batch",
        &list.display().to_string(),
        "--out-dir",
        &out.display().to_string(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    args.extend([
        "--db".to_string(),
        db.display().to_string(),
        "--rate".into(),
        "0".into(),
        "--timeout".into(),
        "3".into(),
    ]);
    args.extend(extra.iter().map(ToString::to_string));
    args
}

fn summary(out: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    assert!(text.starts_with('\u{FEFF}'), "Excel needs the BOM");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reports_every_agency_and_resumes_without_recrawling() {
    let servers = servers().await;
    let work = tempfile::tempdir().expect("tempdir");
    let list = agencies(work.path(), &servers);
    let (out, db) = (work.path().join("out"), work.path().join("h.sqlite3"));

    let first = oitcheck(batch_args(&list, &out, &db, &["--jobs", "3"])).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let rows = summary(&out);
    assert_eq!(rows.len(), 7, "every line has a row");
    let status: Vec<&str> = rows.iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        status,
        [
            "done",
            "done",
            "done",
            "done",
            "unreachable",
            "invalid",
            "duplicate"
        ]
    );
    assert!(rows[0][5].parse::<f64>().is_ok(), "an OIT score");
    assert_eq!(rows[0][11], "43", "the items judged (every one under 2564)");
    let reports = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(reports, SITES.len(), "one JSON report per checked agency");
    assert!(std::fs::read_to_string(out.join("summary.html"))
        .expect("html")
        .contains("<table class=\"sortable\">"));
    assert!(std::fs::read_to_string(out.join("items.csv"))
        .expect("items")
        .contains("O37"));

    // Running the same command again: nothing is crawled again.
    let hits_before: usize = servers.iter().map(|s| s.hits().len()).sum();
    let again = oitcheck(batch_args(&list, &out, &db, &[])).await;
    assert!(again.status.success());
    let hits_after: usize = servers.iter().map(|s| s.hits().len()).sum();
    assert_eq!(
        hits_before, hits_after,
        "a resumed batch re-crawled a finished agency"
    );
    let resumed = summary(&out);
    assert!(resumed[..4].iter().all(|r| r[4] == "resumed"));
    let scores = |rows: &[Vec<String>]| rows.iter().map(|r| r[5].clone()).collect::<Vec<_>>();
    assert_eq!(
        scores(&rows),
        scores(&resumed),
        "the resumed summary has the same scores"
    );
    assert_eq!(resumed[0][11], "43", "a resumed row knows the items judged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_split_the_list_and_merge_rebuilds_it() {
    let servers = servers().await;
    let work = tempfile::tempdir().expect("tempdir");
    let list = agencies(work.path(), &servers);
    let db = work.path().join("h.sqlite3");
    let mut dirs = Vec::new();
    for k in 1..=2 {
        let out = work.path().join(format!("shard-{k}"));
        let run = oitcheck(batch_args(
            &list,
            &out,
            &db,
            &["--shard", &format!("{k}/2")],
        ))
        .await;
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        dirs.push(out);
    }
    let merged = work.path().join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out-dir".to_string(), merged.display().to_string()]);
    let merge = oitcheck(args).await;
    assert!(
        merge.status.success(),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    let rows = summary(&merged);
    // Every valid, distinct site is in exactly one shard; the malformed and
    // duplicate lines are reported by both.
    let checked: Vec<&str> = rows
        .iter()
        .filter(|r| r[4] == "done" || r[4] == "unreachable")
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(checked.len(), 5, "{checked:?}");
    let bad = oitcheck(vec![
        "batch".into(),
        list.display().to_string(),
        "--shard".into(),
        "3/2".into(),
    ])
    .await;
    assert_eq!(bad.status.code(), Some(2));
}

/// Two agencies on one server (127.0.0.1, two ports): together they never
/// get more than the per-host rate, measured at the servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agencies_sharing_an_address_share_its_rate() {
    let mut sites = Vec::new();
    let mut servers = Vec::new();
    for n in 0..2 {
        let dir = tempfile::tempdir().expect("tempdir");
        let links: String = (0..4)
            .map(|i| format!("<a href=\"/p{i}.html\">หน้า {i}</a>"))
            .collect();
        std::fs::write(
            dir.path().join("index.html"),
            format!("<html><body><nav>{links}</nav></body></html>"),
        )
        .expect("write");
        for i in 0..4 {
            std::fs::write(
                dir.path().join(format!("p{i}.html")),
                format!("<html><body>{n}-{i}</body></html>"),
            )
            .expect("write");
        }
        servers.push(
            SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
                .await
                .expect("server"),
        );
        sites.push(dir);
    }
    let work = tempfile::tempdir().expect("tempdir");
    let list = work.path().join("two.csv");
    let text = format!("name,url\na,{}\nb,{}\n", servers[0].url(), servers[1].url());
    std::fs::write(&list, text).expect("write");
    let (out, db) = (work.path().join("out"), work.path().join("h.sqlite3"));
    let mut args = batch_args(&list, &out, &db, &[]);
    let rate = args.iter().position(|a| a == "--rate").expect("rate") + 1;
    args[rate] = "4".into();
    let run = oitcheck(args).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut times: Vec<std::time::Instant> = servers
        .iter()
        .flat_map(|s| s.hits())
        .map(|h| h.at)
        .collect();
    times.sort();
    assert!(
        times.len() >= 10,
        "both sites were crawled: {} requests",
        times.len()
    );
    for (k, t) in times.iter().enumerate().skip(1) {
        let floor = std::time::Duration::from_secs_f64(k as f64 / 4.0)
            .saturating_sub(std::time::Duration::from_millis(60));
        assert!(
            t.duration_since(times[0]) >= floor,
            "request {k} came too early for one address"
        );
    }
}

/// A batch killed after some agencies and run again ends with the same
/// summary as one that was never interrupted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_batch_resumes_to_the_same_summary() {
    let servers = servers().await;
    let work = tempfile::tempdir().expect("tempdir");
    let list = agencies(work.path(), &servers);
    // Uninterrupted.
    let whole = work.path().join("whole");
    let run = oitcheck(batch_args(
        &list,
        &whole,
        &work.path().join("a.sqlite3"),
        &[],
    ))
    .await;
    assert!(run.status.success());
    // Interrupted: only the first two agencies got done (what a killed run
    // leaves in the history), then the full command again.
    let text = std::fs::read_to_string(&list).expect("list");
    let partial: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let partial_list = work.path().join("partial.csv");
    std::fs::write(&partial_list, partial).expect("write");
    let db = work.path().join("b.sqlite3");
    let resumed = work.path().join("resumed");
    assert!(oitcheck(batch_args(&partial_list, &resumed, &db, &[]))
        .await
        .status
        .success());
    assert!(oitcheck(batch_args(&list, &resumed, &db, &[]))
        .await
        .status
        .success());
    let key = |rows: Vec<Vec<String>>| {
        rows.into_iter()
            .map(|r| (r[0].clone(), r[5].clone(), r[8].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(summary(&whole)), key(summary(&resumed)));
}
