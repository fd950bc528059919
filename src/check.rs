//! One check, end to end: crawl, judge, score, report.

use url::Url;

use crate::crawl::{CrawlConfig, Crawler};
use crate::error::Result;
use crate::judge::Judge;
use crate::report::{Lang, Report, ReportInput};
use crate::rules::RuleSet;

/// What a check needs besides the site and the rules.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Assessment year (BE).
    pub year: u32,
    /// Crawl settings.
    pub crawl: CrawlConfig,
    /// Message language.
    pub lang: Lang,
    /// IIT and EIT, for a predicted ITA total.
    pub iit_eit: Option<(f64, f64)>,
}

/// The crawl settings with the best-first link priority for `rules`.
///
/// # Errors
/// When the rule set's terms cannot be indexed.
pub fn best_first(rules: &RuleSet, crawl: &CrawlConfig) -> Result<CrawlConfig> {
    let matcher =
        crate::evidence::ItemMatcher::new(rules).map_err(|e| crate::Error::InvalidRules {
            file: rules.framework.id.clone(),
            line: 0,
            message: format!("items.match: the terms cannot be indexed: {e}"),
        })?;
    Ok(CrawlConfig {
        priority: Some(crate::priority::link_priority(matcher)),
        ..crawl.clone()
    })
}

/// Crawls `site` and judges it against `rules`.
///
/// # Errors
/// When the year is not covered by the rules, the HTTP client cannot be
/// built, or the site cannot be crawled at all.
pub async fn check(site: &Url, rules: &RuleSet, options: &CheckOptions) -> Result<Report> {
    rules.check_year(options.year)?;
    let crawler = Crawler::new(best_first(rules, &options.crawl)?)?;
    let graph = crawler.crawl(site).await?;
    tracing::info!(
        "crawled {} pages with {} requests",
        graph.stats.pages_fetched,
        graph.stats.requests
    );
    let verdicts = Judge::new(&graph, rules, options.year)?.verdicts();
    let page_facts = graph
        .resources
        .iter()
        .filter_map(|r| {
            let validators = r.validators.clone()?;
            let page = r.page()?.clone();
            Some((
                crate::graph::page_key(&r.url),
                crate::graph::CachedPage { validators, page },
            ))
        })
        .collect();
    let mut report = Report::build(ReportInput {
        rules,
        year: options.year,
        site: graph.start.to_string(),
        stats: &graph.stats,
        verdicts,
        lang: options.lang,
        iit_eit: options.iit_eit,
    });
    report.page_facts = page_facts;
    Ok(report)
}
