//! Batch scans for audit teams: many agencies in one run, each still crawled
//! politely, resumable through the scan history, shardable across machines.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use url::Url;

use crate::check::CheckOptions;
use crate::report::Report;
use crate::rules::RuleSet;
use crate::store::{site_key, Store};

/// A batch could not run at all (its output folder or history).
#[derive(Debug, thiserror::Error)]
#[error("batch: {0}")]
pub struct BatchError(pub String);

fn err(message: impl std::fmt::Display) -> BatchError {
    BatchError(message.to_string())
}

/// One agency of the input list.
#[derive(Debug, Clone)]
pub struct Agency {
    /// 1-based line in the input file.
    pub line: usize,
    /// Agency name.
    pub name: String,
    /// Its main website, as given.
    pub url: String,
    /// Agency type (อบต., เทศบาล, …), optional.
    pub kind: String,
    /// Province, optional.
    pub province: String,
}

/// One row of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// Agency name.
    pub name: String,
    /// Website.
    pub url: String,
    /// Agency type.
    pub kind: String,
    /// Province.
    pub province: String,
    /// `done`, `resumed` (taken from an earlier run), `unreachable`, `invalid`, `duplicate`, `error`.
    pub status: String,
    /// Predicted OIT score.
    pub oit: Option<f64>,
    /// Grade band of the OIT score.
    pub band: Option<String>,
    /// Items passed.
    pub passed: Option<usize>,
    /// Items judged (fewer than the framework's items when its rule file
    /// marks some unknown).
    pub assessed: Option<usize>,
    /// Ids of failing items.
    pub failed: Vec<String>,
    /// The most common reason codes, most frequent first.
    pub top_reasons: Vec<String>,
    /// What went wrong, for a row that could not be checked.
    pub detail: String,
}

/// Reads `name,url[,type,province]` (UTF-8, BOM tolerated).
#[must_use]
pub fn parse_agencies(text: &str) -> Vec<Agency> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    let col =
        |name: &str, fallback: usize| headers.iter().position(|h| h == name).unwrap_or(fallback);
    let (name, url, kind, province) = (
        col("name", 0),
        col("url", 1),
        col("type", 2),
        col("province", 3),
    );
    reader
        .records()
        .filter_map(Result::ok)
        .map(|r| Agency {
            line: r
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0)),
            name: r.get(name).unwrap_or_default().to_string(),
            url: r.get(url).unwrap_or_default().to_string(),
            kind: r.get(kind).unwrap_or_default().to_string(),
            province: r.get(province).unwrap_or_default().to_string(),
        })
        .filter(|a| !a.name.is_empty() || !a.url.is_empty())
        .collect()
}

/// A stable shard of a host: FNV-1a of the bare host, so every machine
/// splits the list the same way whatever its Rust version.
#[must_use]
pub fn shard_of(url: &Url, shards: u64) -> u64 {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches("www.");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in host.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash % shards.max(1)
}

/// Batch settings.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Check settings for every agency.
    pub check: CheckOptions,
    /// Agencies crawled at once.
    pub jobs: usize,
    /// Where reports and summaries go.
    pub out_dir: PathBuf,
    /// The scan history (resume).
    pub db: PathBuf,
    /// Check again agencies already done for this year.
    pub rescan: bool,
    /// `(k, n)`: only the agencies of shard k (1-based) of n.
    pub shard: Option<(u64, u64)>,
}

/// Runs a batch; returns the summary rows in input order.
///
/// # Errors
/// Only when the output folder or the history cannot be opened; every
/// agency's own failure is a summary row.
pub async fn run(
    agencies: Vec<Agency>,
    rules: Arc<RuleSet>,
    options: &BatchOptions,
) -> Result<Vec<SummaryRow>, BatchError> {
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| err(format!("{}: {e}", options.out_dir.display())))?;
    let mut store = Store::open(&options.db).map_err(|e| err(e.to_string()))?;
    let mut seen = HashSet::new();
    let mut rows: Vec<Option<SummaryRow>> = vec![None; agencies.len()];
    let mut todo = Vec::new();
    for (i, agency) in agencies.iter().enumerate() {
        let mut row = SummaryRow {
            name: agency.name.clone(),
            url: agency.url.clone(),
            kind: agency.kind.clone(),
            province: agency.province.clone(),
            status: String::new(),
            oit: None,
            band: None,
            passed: None,
            assessed: None,
            failed: Vec::new(),
            top_reasons: Vec::new(),
            detail: String::new(),
        };
        let url = match crate::crawl::parse_site_url(&agency.url) {
            Ok(url) => url,
            Err(e) => {
                row.status = "invalid".into();
                row.detail = format!("line {}: {e}", agency.line);
                rows[i] = Some(row);
                continue;
            }
        };
        if let Some((k, n)) = options.shard {
            if shard_of(&url, n) + 1 != k {
                continue;
            }
        }
        let key = site_key(&url);
        if !seen.insert(key.clone()) {
            row.status = "duplicate".into();
            row.detail = format!("line {}: the same site is listed earlier", agency.line);
            rows[i] = Some(row);
            continue;
        }
        if !options.rescan {
            let done = store
                .runs(&key)
                .map_err(|e| err(e.to_string()))?
                .into_iter()
                .rev()
                .find(|r| r.year == options.check.year && r.framework == rules.framework.id);
            if let Some(run) = done {
                if let Some((summary, items)) =
                    store.items(&key, run.id).map_err(|e| err(e.to_string()))?
                {
                    row.status = "resumed".into();
                    row.oit = Some(summary.oit);
                    row.band = crate::score::oit_band(&rules, summary.oit);
                    row.passed = Some(items.iter().filter(|i| i.verdict == "pass").count());
                    row.assessed =
                        Some(items.iter().filter(|i| i.verdict != "not_assessed").count());
                    row.failed = items
                        .iter()
                        .filter(|i| i.verdict == "fail")
                        .map(|i| i.id.clone())
                        .collect();
                    row.top_reasons =
                        top_reasons(items.iter().flat_map(|i| i.reasons.iter().cloned()));
                    rows[i] = Some(row);
                    continue;
                }
            }
        }
        todo.push((i, url, key, row));
    }
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, url, key, row) in todo {
        let permit = Arc::clone(&semaphore);
        let rules = Arc::clone(&rules);
        let check = options.check.clone();
        tasks.spawn(async move {
            let _permit = permit.acquire_owned().await;
            let result = crate::check::check(&url, &rules, &check).await;
            (i, key, row, result)
        });
    }
    // Results are saved as they come, one transaction each: a killed batch
    // loses only the agencies in flight.
    while let Some(joined) = tasks.join_next().await {
        let Ok((i, key, mut row, result)) = joined else {
            continue;
        };
        match result {
            Ok(report) => {
                let file = options
                    .out_dir
                    .join(format!("{}.json", slug(&row.name, &key)));
                let json = report
                    .render(crate::report::Format::Json)
                    .unwrap_or_default();
                write_atomically(&file, &json).map_err(err)?;
                if report.crawl.stopped.is_none() {
                    store.save(&key, &report).map_err(|e| err(e.to_string()))?;
                }
                fill(&mut row, &report, &rules);
            }
            Err(crate::Error::SiteUnreachable { status, .. }) => {
                row.status = "unreachable".into();
                row.detail = status;
            }
            Err(e) => {
                row.status = "error".into();
                row.detail = e.to_string();
            }
        }
        rows[i] = Some(row);
    }
    let rows: Vec<SummaryRow> = rows.into_iter().flatten().collect();
    write_summaries(&options.out_dir, &rows).map_err(err)?;
    Ok(rows)
}

fn fill(row: &mut SummaryRow, report: &Report, rules: &RuleSet) {
    row.status = "done".into();
    row.oit = Some(report.scores.oit);
    row.band = crate::score::oit_band(rules, report.scores.oit);
    row.passed = Some(report.passed());
    row.assessed = Some(report.scores.coverage.assessed);
    row.failed = report
        .items
        .iter()
        .filter(|i| i.failed())
        .map(|i| i.id.clone())
        .collect();
    row.top_reasons = top_reasons(
        report
            .items
            .iter()
            .flat_map(|i| i.reasons.iter().map(|r| r.code.to_string())),
    );
}

fn top_reasons(codes: impl Iterator<Item = String>) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for code in codes {
        *counts.entry(code).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.into_iter()
        .take(3)
        .map(|(c, n)| format!("{c}×{n}"))
        .collect()
}

fn slug(name: &str, key: &str) -> String {
    let host = key
        .trim_start_matches("web://")
        .split(['/', '?'])
        .next()
        .unwrap_or("site");
    let clean: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        name.chars().filter(char::is_ascii_alphanumeric).collect()
    } else {
        clean
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes summary.csv (UTF-8 with BOM), items.csv (which items fail most)
/// and summary.html.
///
/// # Errors
/// When a file cannot be written.
pub fn write_summaries(dir: &Path, rows: &[SummaryRow]) -> Result<(), String> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let _ = csv.write_record([
        "name",
        "url",
        "type",
        "province",
        "status",
        "oit",
        "band",
        "passed",
        "failed",
        "top_reasons",
        "detail",
        "assessed",
    ]);
    for r in rows {
        let _ = csv.write_record([
            r.name.as_str(),
            r.url.as_str(),
            r.kind.as_str(),
            r.province.as_str(),
            r.status.as_str(),
            &r.oit.map(|o| format!("{o:.2}")).unwrap_or_default(),
            r.band.as_deref().unwrap_or_default(),
            &r.passed.map(|p| p.to_string()).unwrap_or_default(),
            &r.failed.join(" "),
            &r.top_reasons.join(" "),
            r.detail.as_str(),
            &r.assessed.map(|a| a.to_string()).unwrap_or_default(),
        ]);
    }
    let bytes = csv.into_inner().map_err(|e| e.to_string())?;
    write_atomically(
        &dir.join("summary.csv"),
        &format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)),
    )?;
    let mut failing: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        for id in &r.failed {
            *failing.entry(id.clone()).or_default() += 1;
        }
    }
    let mut items: Vec<(String, usize)> = failing.into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut text = String::from("\u{FEFF}item,agencies_failing\n");
    for (id, n) in &items {
        let _ = writeln!(text, "{id},{n}");
    }
    write_atomically(&dir.join("items.csv"), &text)?;
    write_atomically(
        &dir.join("summary.html"),
        &crate::report::html::render_summary(rows, &items),
    )
}

/// Combines the summary.csv files of several batch folders (shards) into
/// one summary in `out`.
///
/// # Errors
/// When a summary cannot be read or the output cannot be written.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Vec<SummaryRow>, String> {
    let mut rows = Vec::new();
    for dir in dirs {
        let path = dir.join("summary.csv");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
            let field = |i: usize| r.get(i).unwrap_or_default().to_string();
            let list = |i: usize| {
                field(i)
                    .split_whitespace()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            rows.push(SummaryRow {
                name: field(0),
                url: field(1),
                kind: field(2),
                province: field(3),
                status: field(4),
                oit: field(5).parse().ok(),
                band: Some(field(6)).filter(|b| !b.is_empty()),
                passed: field(7).parse().ok(),
                failed: list(8),
                top_reasons: list(9),
                detail: field(10),
                // Summaries written before the column existed leave it out.
                assessed: field(11).parse().ok(),
            });
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    write_summaries(out, &rows)?;
    Ok(rows)
}
