//! The library's error type: what failed and which input caused it.
//!
//! Only failures that stop a whole operation are errors. A page that times
//! out or answers 404 during a crawl is recorded in the [`crate::graph::SiteGraph`]
//! as data and explained in the report.

use std::path::PathBuf;

/// Everything that can stop an oitcheck operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule file could not be read from disk.
    #[error("cannot read rule file {path}: {source}")]
    ReadRules {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A rule file is not valid TOML or does not fit the format.
    #[error("{file}:{line}: {message}")]
    InvalidRules {
        /// The file (or `<embedded>`).
        file: String,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The start URL is not an absolute http(s) URL with a host.
    #[error("'{input}' is not a usable site URL: {reason}")]
    InvalidUrl {
        /// What the user gave.
        input: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A command-line value that does not fit (e.g. `--shard 9/8`).
    #[error("{0}")]
    Usage(String),
    /// The assessment year is not covered by the rule file.
    #[error("year {year} is not covered by {framework} (years covered: {covered}){hint}")]
    YearNotCovered {
        /// The requested year.
        year: u32,
        /// What was searched: "rule file ita-2564" or "any embedded rule file".
        framework: String,
        /// What to do about it (empty, or text starting with "; ").
        hint: String,
        /// The years it covers.
        covered: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The site's start page could not be fetched at all.
    #[error("the site could not be crawled: {url} answered {status}")]
    SiteUnreachable {
        /// The start URL.
        url: String,
        /// The status or network error.
        status: String,
    },
    /// A local server (demo, fixtures) could not start.
    #[error("cannot serve {what}: {source}")]
    Serve {
        /// What was to be served.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
