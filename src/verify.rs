//! `verify`: check the URLs a webmaster plans to submit, the way assessors
//! open them, and suggest better ones from a crawl of the same site.

use url::Url;

use crate::answers::AnswerSheet;
use crate::check::CheckOptions;
use crate::crawl::Crawler;
use crate::error::Result;
use crate::judge::Judge;
use crate::report::verify::VerifyReport;
use crate::rules::RuleSet;

/// Crawls `site`, fetches every answer URL the crawl did not reach (on the
/// main site only), and judges each answer row.
///
/// # Errors
/// When the year is not covered, the client cannot be built, or the site
/// cannot be crawled at all.
pub async fn verify(
    site: &Url,
    rules: &RuleSet,
    sheet: AnswerSheet,
    options: &CheckOptions,
) -> Result<VerifyReport> {
    rules.check_year(options.year)?;
    let crawler = Crawler::new(crate::check::best_first(rules, &options.crawl)?)?;
    let mut graph = crawler.crawl(site).await?;
    let mut ids = Vec::with_capacity(sheet.answers.len());
    for answer in &sheet.answers {
        ids.push(crawler.fetch_into(&mut graph, &answer.url).await);
    }
    let judge = Judge::new(&graph, rules, options.year)?;
    let found = judge.verdicts();
    let rows = sheet
        .answers
        .into_iter()
        .zip(ids)
        .filter_map(|(answer, id)| {
            let mut verdict = judge.judge_answer(&answer.item, id)?;
            // Where the answer fails, the page the crawl found passing is the
            // best suggestion; failing that, the page linking the file.
            if !verdict.verdict.pass {
                let found = found
                    .iter()
                    .find(|v| v.item == answer.item && v.pass)
                    .and_then(|v| v.evidence_url.clone())
                    .filter(|u| *u != answer.url);
                verdict.suggested = found.or(verdict.suggested);
            }
            Some((answer, verdict))
        })
        .collect();
    Ok(VerifyReport::build(
        rules,
        options.year,
        graph.start.to_string(),
        &graph.stats,
        rows,
        sheet.errors,
        options.lang,
    ))
}
