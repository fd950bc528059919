//! Scan history in SQLite: every saved run, for nightly checks, `history`,
//! `diff` and the regression gate.
//!
//! One file (WAL mode, a busy timeout) takes overlapping cron jobs: each
//! run is written in one transaction. The schema is versioned with
//! `PRAGMA user_version`; an old database is upgraded in place, never
//! dropped.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::report::Report;

/// Schema migrations, in order; `user_version` = how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: runs and their item verdicts.
    "CREATE TABLE runs (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         site_key TEXT NOT NULL,
         site TEXT NOT NULL,
         started_at INTEGER NOT NULL,
         framework TEXT NOT NULL,
         year INTEGER NOT NULL,
         tool_version TEXT NOT NULL,
         oit REAL NOT NULL,
         passed INTEGER NOT NULL,
         items INTEGER NOT NULL,
         scores_json TEXT NOT NULL,
         crawl_json TEXT NOT NULL
     );
     CREATE INDEX runs_site ON runs(site_key, id);
     CREATE TABLE items (
         run_id INTEGER NOT NULL REFERENCES runs(id),
         item_id TEXT NOT NULL,
         title TEXT NOT NULL,
         verdict TEXT NOT NULL,
         evidence_url TEXT,
         reasons_json TEXT NOT NULL,
         PRIMARY KEY (run_id, item_id)
     );",
    // 2: what the latest run learnt of each page, for conditional requests.
    "CREATE TABLE page_facts (
         site_key TEXT NOT NULL,
         page_key TEXT NOT NULL,
         facts_json TEXT NOT NULL,
         PRIMARY KEY (site_key, page_key)
     );",
];

/// A store failure: the database file, the SQL or the stored data.
#[derive(Debug, thiserror::Error)]
#[error("scan history {path}: {message}")]
pub struct StoreError {
    /// The database file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// Builds store errors for `path` (a transaction borrows the connection, so
/// the error side cannot borrow the store).
fn errors_at(path: &Path) -> impl Fn(String) -> StoreError + '_ {
    move |message| StoreError {
        path: path.to_path_buf(),
        message,
    }
}

/// A run summary from a `SELECT id, started_at, framework, year, oit,
/// passed, items` row.
fn run_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: r.get(0)?,
        started_at: r.get(1)?,
        framework: r.get(2)?,
        year: r.get(3)?,
        oit: r.get(4)?,
        passed: r.get(5)?,
        items: r.get(6)?,
    })
}

/// A saved run, as listed by `history`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Run id.
    pub id: i64,
    /// Unix time the run was saved.
    pub started_at: i64,
    /// Framework id.
    pub framework: String,
    /// Assessment year.
    pub year: u32,
    /// OIT score.
    pub oit: f64,
    /// Items passed.
    pub passed: u32,
    /// Items judged.
    pub items: u32,
}

/// One item of a saved run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredItem {
    /// Item id.
    pub id: String,
    /// Thai title.
    pub title: String,
    /// `pass` or `fail`.
    pub verdict: String,
    /// The evidence URL.
    pub evidence_url: Option<String>,
    /// Reason codes.
    pub reasons: Vec<String>,
}

/// The scan history.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The default database: `<data dir>/oitcheck/history.sqlite3`.
#[must_use]
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("oitcheck")
        .join("history.sqlite3")
}

/// The key a site's runs are stored under (http/https and www do not split a
/// site's history).
#[must_use]
pub fn site_key(url: &url::Url) -> String {
    crate::graph::page_key(url)
}

impl Store {
    /// Opens (creating and upgrading as needed) the database at `path`.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let fail = errors_at(path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(|e| fail(e.to_string()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| fail(e.to_string()))?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn error(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Runs the migrations this database has not seen, each in a
    /// transaction (two processes opening a new file at once are
    /// serialised by SQLite's lock).
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = errors_at(&path);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| fail(e.to_string()))?;
        let version: usize = tx
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map(|v| usize::try_from(v).unwrap_or(0))
            .map_err(|e| fail(e.to_string()))?;
        if version > MIGRATIONS.len() {
            return Err(fail(format!(
                "the database has schema version {version}, newer than this oitcheck knows ({}): upgrade oitcheck",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)
                .map_err(|e| fail(format!("migration {}: {e}", i + 1)))?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )
            .map_err(|e| fail(e.to_string()))?;
        }
        tx.commit().map_err(|e| fail(e.to_string()))
    }

    /// Saves a run in one transaction; returns its id.
    ///
    /// # Errors
    /// On database errors.
    pub fn save(&mut self, site_key: &str, report: &Report) -> Result<i64, StoreError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        let passed = report.passed();
        let scores = serde_json::to_string(&report.scores).map_err(|e| self.error(e))?;
        let crawl = serde_json::to_string(&report.crawl).map_err(|e| self.error(e))?;
        let path = self.path.clone();
        let at = errors_at(&path);
        let fail = |e: rusqlite::Error| at(e.to_string());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&fail)?;
        tx.execute(
            "INSERT INTO runs (site_key, site, started_at, framework, year, tool_version, oit, passed, items,
                               scores_json, crawl_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                site_key,
                report.site,
                now,
                report.framework,
                report.assessment_year,
                report.tool.version,
                report.scores.oit,
                passed,
                report.scores.coverage.assessed,
                scores,
                crawl
            ],
        )
        .map_err(&fail)?;
        let run = tx.last_insert_rowid();
        for item in &report.items {
            let reasons: Vec<&str> = item.reasons.iter().map(|r| r.code).collect();
            tx.execute(
                "INSERT INTO items (run_id, item_id, title, verdict, evidence_url, reasons_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run,
                    item.id,
                    item.title,
                    item.verdict,
                    item.evidence_url,
                    serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into())
                ],
            )
            .map_err(&fail)?;
        }
        tx.commit().map_err(&fail)?;
        Ok(run)
    }

    /// Replaces the stored page facts of a site with a run's.
    ///
    /// # Errors
    /// On database errors.
    pub fn save_page_facts(
        &mut self,
        site_key: &str,
        facts: &[(String, crate::graph::CachedPage)],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let at = errors_at(&path);
        let fail = |e: rusqlite::Error| at(e.to_string());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&fail)?;
        tx.execute(
            "DELETE FROM page_facts WHERE site_key = ?1",
            params![site_key],
        )
        .map_err(&fail)?;
        for (key, page) in facts {
            let json = serde_json::to_string(page).unwrap_or_default();
            tx.execute(
                "INSERT OR REPLACE INTO page_facts (site_key, page_key, facts_json) VALUES (?1, ?2, ?3)",
                params![site_key, key, json],
            )
            .map_err(&fail)?;
        }
        tx.commit().map_err(&fail)
    }

    /// The page facts saved for a site (unreadable rows are skipped: they
    /// only cost a full request).
    ///
    /// # Errors
    /// On database errors.
    pub fn page_facts(
        &self,
        site_key: &str,
    ) -> Result<std::collections::HashMap<String, crate::graph::CachedPage>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT page_key, facts_json FROM page_facts WHERE site_key = ?1")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![site_key], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.error(e))?;
        let mut facts = std::collections::HashMap::new();
        for row in rows {
            let (key, json) = row.map_err(|e| self.error(e))?;
            if let Ok(page) = serde_json::from_str(&json) {
                facts.insert(key, page);
            }
        }
        Ok(facts)
    }

    /// The saved runs of a site, oldest first.
    ///
    /// # Errors
    /// On database errors.
    pub fn runs(&self, site_key: &str) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, started_at, framework, year, oit, passed, items FROM runs WHERE site_key = ?1 ORDER BY id",
            )
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![site_key], run_summary)
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    /// The items of a saved run of this site, or `None` when there is no
    /// such run.
    ///
    /// # Errors
    /// On database errors.
    pub fn items(
        &self,
        site_key: &str,
        run: i64,
    ) -> Result<Option<(RunSummary, Vec<StoredItem>)>, StoreError> {
        let summary = self
            .conn
            .query_row(
                "SELECT id, started_at, framework, year, oit, passed, items FROM runs WHERE site_key = ?1 AND id = ?2",
                params![site_key, run],
                run_summary,
            )
            .optional()
            .map_err(|e| self.error(e))?;
        let Some(summary) = summary else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT item_id, title, verdict, evidence_url, reasons_json FROM items WHERE run_id = ?1")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![run], |r| {
                let reasons: String = r.get(4)?;
                Ok(StoredItem {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    verdict: r.get(2)?,
                    evidence_url: r.get(3)?,
                    reasons: serde_json::from_str(&reasons).unwrap_or_default(),
                })
            })
            .map_err(|e| self.error(e))?;
        let mut items: Vec<StoredItem> =
            rows.collect::<Result<_, _>>().map_err(|e| self.error(e))?;
        items.sort_by_key(|i| {
            i.id.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .unwrap_or(0)
        });
        Ok(Some((summary, items)))
    }

    /// The id of the latest saved run of a site before `before` (or the
    /// latest at all).
    ///
    /// # Errors
    /// On database errors.
    pub fn latest(&self, site_key: &str, before: Option<i64>) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT id FROM runs WHERE site_key = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1",
                params![site_key, before.unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.error(e))
    }
}
