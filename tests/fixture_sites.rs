//! Every fixture site under fixtures/sites/ is served on 127.0.0.1, crawled by
//! the real crawler and judged; all verdicts, reasons, evidence URLs and
//! scores must match the site's expected.json.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use oitcheck::crawl::CrawlConfig;
use oitcheck::report::{Lang, Report};
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};
use oitcheck::CheckOptions;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Expected {
    year: u32,
    items: BTreeMap<String, ExpectedItem>,
    scores: ExpectedScores,
}

#[derive(Debug, Deserialize)]
struct ExpectedItem {
    verdict: String,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    reasons: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedScores {
    indicators: BTreeMap<String, f64>,
    oit: f64,
}

fn site_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sites")
        .join(name)
}

/// Crawls a fixture site at its expected year with politeness off (loopback),
/// best-first with the early stop (the default).
async fn check_site(name: &str) -> (Expected, Report) {
    check_site_with(name, false).await
}

/// As `check_site`, optionally crawling every page (`--exhaustive`).
async fn check_site_with(name: &str, exhaustive: bool) -> (Expected, Report) {
    let dir = site_dir(name);
    let expected: Expected = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json is readable"),
    )
    .expect("expected.json parses");
    let server = SiteServer::start(SiteSource::Dir(dir))
        .await
        .expect("server starts");
    // The rule file `--year` picks by default.
    let rules = RuleSet::for_year(expected.year).expect("a rule file covers the year");
    let options = CheckOptions {
        year: expected.year,
        crawl: CrawlConfig {
            rate: None,
            exhaustive,
            ..CrawlConfig::default()
        },
        lang: Lang::Th,
        iit_eit: None,
    };
    let report = oitcheck::check(&server.url(), &rules, &options)
        .await
        .expect("site is crawled");
    (expected, report)
}

/// The path (and query) of a URL, percent-decoded, as expected.json writes it.
fn path_of(url: &str) -> String {
    let parsed = url::Url::parse(url).expect("evidence URL parses");
    let mut path = oitcheck::textnorm::percent_decode(parsed.path());
    if let Some(q) = parsed.query() {
        path.push('?');
        path.push_str(&oitcheck::textnorm::percent_decode(q));
    }
    path
}

fn compare(name: &str, expected: &Expected, report: &Report) -> String {
    let mut problems = String::new();
    assert_eq!(
        report.items.len(),
        expected.items.len(),
        "{name}: item count"
    );
    for item in &report.items {
        let Some(want) = expected.items.get(&item.id) else {
            let _ = writeln!(problems, "{}: not in expected.json", item.id);
            continue;
        };
        let codes: Vec<&str> = item.reasons.iter().map(|r| r.code).collect();
        let evidence = item.evidence_url.as_deref().map(path_of);
        if item.verdict != want.verdict {
            let _ = writeln!(
                problems,
                "{} {}: expected {} {:?}, got {} {:?} evidence {:?}",
                item.id, item.title, want.verdict, want.reasons, item.verdict, codes, evidence
            );
            continue;
        }
        if item.verdict == "pass" {
            let evidence = evidence.unwrap_or_default();
            if !want.evidence.is_empty() && !want.evidence.contains(&evidence) {
                let _ = writeln!(
                    problems,
                    "{} {}: evidence {evidence} not among {:?}",
                    item.id, item.title, want.evidence
                );
            }
        } else {
            let mut got: Vec<&str> = codes.clone();
            got.sort_unstable();
            let mut wanted: Vec<&str> = want.reasons.iter().map(String::as_str).collect();
            wanted.sort_unstable();
            if got != wanted {
                let _ = writeln!(
                    problems,
                    "{} {}: expected reasons {wanted:?}, got {got:?}",
                    item.id, item.title
                );
            }
        }
    }
    for (id, value) in &expected.scores.indicators {
        let got = report
            .scores
            .indicators
            .get(id)
            .copied()
            .unwrap_or(f64::NAN);
        if (got - value).abs() > 0.01 {
            let _ = writeln!(
                problems,
                "indicator {id}: expected {value:.4}, got {got:.4}"
            );
        }
    }
    if (report.scores.oit - expected.scores.oit).abs() > 0.01 {
        let _ = writeln!(
            problems,
            "OIT: expected {:.4}, got {:.4}",
            expected.scores.oit, report.scores.oit
        );
    }
    problems
}

/// Checks a site against its expected.json and returns the report.
async fn assert_site(name: &str) -> Report {
    let (expected, report) = check_site(name).await;
    let problems = compare(name, &expected, &report);
    assert!(
        problems.is_empty(),
        "{name} differs from expected.json:\n{problems}"
    );
    report
}

/// Every fixture site: the best-first crawl with its early stop gives the
/// same verdicts, reasons and evidence as crawling every page, with fewer
/// requests; and each site is a realistic 60+ pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn best_first_verdicts_equal_the_exhaustive_crawl_on_every_site() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites");
    let mut sites: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/sites")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("expected.json").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    sites.sort();
    assert!(sites.len() >= 10);
    let mut problems = String::new();
    for site in &sites {
        let (_, fast) = check_site_with(site, false).await;
        let (_, full) = check_site_with(site, true).await;
        assert!(
            full.crawl.pages_fetched >= 60,
            "{site}: only {} pages",
            full.crawl.pages_fetched
        );
        assert!(
            fast.crawl.requests <= full.crawl.requests,
            "{site}: best-first used more requests"
        );
        let codes = |i: &oitcheck::report::ReportedItem| {
            i.reasons.iter().map(|r| r.code).collect::<Vec<_>>()
        };
        for (a, b) in fast.items.iter().zip(&full.items) {
            let same_url =
                a.evidence_url.as_deref().map(path_of) == b.evidence_url.as_deref().map(path_of);
            if a.verdict != b.verdict || codes(a) != codes(b) || !same_url {
                let _ = writeln!(
                    problems,
                    "{site} {}: best-first {} {:?} {:?} / exhaustive {} {:?} {:?}",
                    a.id,
                    a.verdict,
                    codes(a),
                    a.evidence_url,
                    b.verdict,
                    codes(b),
                    b.evidence_url
                );
            }
        }
    }
    assert!(
        problems.is_empty(),
        "best-first differs from the exhaustive crawl:\n{problems}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_site_matches_expected() {
    assert_site("demo").await;
}

/// Mirrors อบจ.บึงกาฬ's 2563 result (seed 000): indicator 9 = 53.40 and
/// indicator 10 = 56.25, end to end through the crawler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_000_mirror_site_reproduces_the_2563_scores() {
    let (expected, report) = check_site("pao-buengkan-2563").await;
    let problems = compare("pao-buengkan-2563", &expected, &report);
    assert!(
        problems.is_empty(),
        "pao-buengkan-2563 differs from expected.json:\n{problems}"
    );
    assert_eq!(
        oitcheck::score::round2(report.scores.indicators["9"]),
        53.40
    );
    assert_eq!(
        oitcheck::score::round2(report.scores.indicators["10"]),
        56.25
    );
}

/// windows-874 pages declared only in a meta tag, PHP query-string URLs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tis620_php_site_matches_expected() {
    assert_site("sao-nongbua-2564").await;
}

/// WordPress-style site with percent-encoded Thai slugs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wordpress_site_matches_expected() {
    assert_site("muni-chiangkhan-2565").await;
}

/// Holdout sites: built by people who never saw the matcher or the rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_province_site_matches_expected() {
    assert_site("holdout-province-2564").await;
}

/// Holdout: an old table-layout site, TIS-620 pages beside a UTF-8 section.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_city_site_matches_expected() {
    assert_site("holdout-city-2565").await;
}

/// Holdout: a central department with an OIT list of per-item pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_department_site_matches_expected() {
    assert_site("holdout-department-2565").await;
}

/// Holdout: a small อบต. on a generic CMS: evidence in posts, no item codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_cms_site_matches_expected() {
    assert_site("holdout-sao-2563").await;
}

/// Holdout: a public organisation with English paths and CE years.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_public_organisation_site_matches_expected() {
    assert_site("holdout-puborg-2565").await;
}

/// Holdout: a city with item cards and documents in embedded viewers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_city_with_viewers_site_matches_expected() {
    assert_site("holdout-nakhon-2564").await;
}

/// A site checked under the 2569 rule file (26 items, three of them not
/// known): `--year 2569` picks ita-2569, the item ids are that framework's,
/// the three unknown items are reported as not assessed, and the score says
/// it rests on 23 of 26 items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_checked_under_2569_reports_coverage_and_not_assessed_items() {
    let report = assert_site("puborg-rail-2569").await;
    assert_eq!(report.framework, "ita-2569");
    let ids: Vec<&str> = report.items.iter().map(|i| i.id.as_str()).collect();
    let want: Vec<String> = (1..=26).map(|n| format!("O{n}")).collect();
    assert_eq!(ids, want);
    assert_eq!(report.scores.coverage.assessed, 23);
    assert_eq!(report.scores.coverage.total, 26);
    assert_eq!(report.scores.coverage.not_assessed, ["O2", "O6", "O7"]);
    for item in report.items.iter().filter(|i| !i.is_assessed()) {
        assert_eq!(item.verdict, "not_assessed");
        assert!(item.score.is_none() && item.reasons.is_empty() && item.evidence_url.is_none());
    }
    assert!(report.scores.estimate);
    let coverage = report.coverage_text().expect("a partial framework says so");
    assert!(
        coverage.contains("23") && coverage.contains("26"),
        "{coverage}"
    );
}

/// A site checked under the 2566 numbering (43 items, O10 privacy policy,
/// O31–O33 No Gift, O39–O41 ethics), with last year's ITA page in the old
/// numbering still linked: `--year 2566` picks ita-2566 and every verdict is
/// given under the new ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_checked_under_2566_numbering_gives_the_new_item_ids() {
    let report = assert_site("sao-huaisai-2566").await;
    assert_eq!(report.framework, "ita-2566");
    let title = |id: &str| {
        report
            .items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    assert_eq!(title("O10"), "นโยบายคุ้มครองข้อมูลส่วนบุคคล");
    assert!(title("O31").contains("No Gift"));
    assert_eq!(title("O39"), "ประมวลจริยธรรมสำหรับเจ้าหน้าที่ของรัฐ");
    assert!(report.scores.coverage.is_complete());
    assert!(report.scores.estimate, "the 2566 formula is inferred");
    assert!(report.scoring_note.is_some());
}

/// A site checked under the 2568 rule file: 28 items, six of them not
/// known; the score rests on the other 22 and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_checked_under_2568_is_predicted_on_22_of_28_items() {
    let report = assert_site("muni-nongkhai-2568").await;
    assert_eq!(report.framework, "ita-2568");
    assert_eq!(report.items.len(), 28);
    assert_eq!(
        report.scores.coverage.not_assessed,
        ["O2", "O5", "O6", "O7", "O27", "O28"]
    );
    assert!(report.scores.sub_indicators.is_empty());
    let text = report.render(oitcheck::report::Format::Text).expect("text");
    assert!(text.contains("คาดการณ์จาก 22 จาก 28 รายการ"), "{text}");
    assert!(text.contains("ยังไม่ประเมิน"), "{text}");
}

/// Holdout (2568): an old table-layout อบต. in PHP, windows-874 and TIS-620
/// pages among UTF-8, item codes written "ข้อ 1", "o2", "O03".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_small_sao_2568_site_matches_expected() {
    let report = assert_site("holdout-sao-2568").await;
    assert_eq!(report.scores.coverage.assessed, 22);
}

/// Holdout (2567, the 2566 numbering): a department on a Joomla-like CMS,
/// one long OIT accordion by sub-indicator, last year's OIT page beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_department_2567_site_matches_expected() {
    let report = assert_site("holdout-dept-2567").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2566): a province office on a Drupal-like CMS, an OIT landing
/// page of cards ("O12" badges), document tables whose links say only
/// "ดาวน์โหลด", and the OIT 2565 archive in the old numbering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_province_2566_site_matches_expected() {
    let report = assert_site("holdout-province-2566").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2569): a เทศบาลตำบล on a hosted LAO template, opaque document
/// names, PDFs in pdf.js viewers, the ITA 2568 hub still linked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_municipality_2569_site_matches_expected() {
    let report = assert_site("holdout-muni-2569").await;
    assert_eq!(report.scores.coverage.assessed, 23);
}

/// Holdout (2568): a department on a static-export (Next.js-like) site, an
/// ITA page of <details> blocks, CE dates beside BE ones, the 2567 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_department_2568_site_matches_expected() {
    let report = assert_site("holdout-dept-2568").await;
    assert_eq!(report.scores.coverage.total, 28);
}

/// Holdout (2566): a city on WordPress with a page builder, an ITA grid of
/// O-buttons, Drive folders beside main-site PDFs, the 2565 page (old
/// numbering, codes that fit other 2566 items) behind a footer link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_city_2566_site_matches_expected() {
    let report = assert_site("holdout-city-2566").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2567): a small อบต. on a cheap PHP template, sidebar links named
/// only "ข้อ 1" … "ข้อ 43", scanned-image pages, news titles in image alts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_small_sao_2567_site_matches_expected() {
    let report = assert_site("holdout-sao-2567").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2569): an อบจ. on an ASP.NET-looking site, an ITA table whose
/// URL column shows full addresses, documents behind Download.ashx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_pao_2569_site_matches_expected() {
    let report = assert_site("holdout-pao-2569").await;
    assert_eq!(report.scores.coverage.not_assessed, ["O2", "O6", "O7"]);
}

/// Holdout (2569): a Rajabhat university on WordPress (`?page_id=`, CE upload
/// folders), an ITA grid of cards showing only the code and a short label,
/// documents behind "ดาวน์โหลด" buttons under their headings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_university_2569_site_matches_expected() {
    let report = assert_site("holdout-uni-2569").await;
    assert_eq!(report.framework, "ita-2569");
}

/// Holdout (2566): a เทศบาลตำบล on old Joomla, every page in windows-874,
/// an OIT table whose links say "คลิก", some rows pointing straight at PDFs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_tessaban_2566_site_matches_expected() {
    let report = assert_site("holdout-tessaban-2566").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2568): a ministry's permanent-secretary office on Drupal, behind
/// a splash page with a meta refresh and a script button; documents opened
/// from `onclick` and shown in pdf.js viewers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_ops_2568_site_matches_expected() {
    let report = assert_site("holdout-ops-2568").await;
    assert_eq!(report.framework, "ita-2568");
}

/// Holdout (2567): a primary educational service area office on WordPress
/// (`/?p=`, `/web/?page_id=` beside pretty paths), an ITA area on its own
/// template under /ita67/, Drive copies beside main-site files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_esa_2567_site_matches_expected() {
    let report = assert_site("holdout-esa-2567").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2566): a small อบต. whose OIT is one long page of anchored
/// sections, several of which link only to Facebook; Thai file names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_sao_2566_site_matches_expected() {
    let report = assert_site("holdout-sao-2566").await;
    assert_eq!(report.framework, "ita-2566");
}

/// Holdout (2569): a state enterprise on a Liferay-like portal with Thai
/// and English mirrors, document URLs ending in an id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holdout_state_enterprise_2569_site_matches_expected() {
    let report = assert_site("holdout-se-2569").await;
    assert_eq!(report.framework, "ita-2569");
}
