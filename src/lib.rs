//! oitcheck: predicts how a Thai agency's main website will score on the OIT
//! part of the national Integrity and Transparency Assessment (ITA).
//!
//! Data flows one way:
//! rule file → [`rules::RuleSet`]; start URL → [`crawl::Crawler`] →
//! [`graph::SiteGraph`] → [`evidence`] (candidates per item) →
//! [`judge::Judge`] (verdicts with reasons) → [`score`] → [`report::Report`]
//! → text or JSON.
//!
//! The crawler knows nothing about items; the judge knows nothing about HTTP.

#![warn(missing_docs)]

pub mod answers;
pub mod batch;
pub mod check;
pub mod crawl;
pub mod diff;
pub mod error;
pub mod evidence;
pub mod graph;
pub mod judge;
pub mod priority;
pub mod report;
pub mod rules;
pub mod score;
pub mod serve;
pub mod store;
pub mod textnorm;
pub mod thaidate;
pub mod verify;

pub use check::{check, CheckOptions};
pub use error::{Error, Result};
