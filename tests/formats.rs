//! Report formats from a real crawl of the demo site on 127.0.0.1:
//! snapshots of markdown, JUnit and the CSV submission sheet; HTML escaping
//! of text taken from crawled pages; the HTML report in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use oitcheck::crawl::CrawlConfig;
use oitcheck::report::{Format, Lang, Report};
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};
use oitcheck::CheckOptions;

/// The stand-in host for the loopback server in snapshots.
const HOST: &str = "http://demo.example.go.th/";

async fn check(dir: PathBuf, year: u32) -> (Report, String) {
    let server = SiteServer::start(SiteSource::Dir(dir))
        .await
        .expect("server");
    let rules = RuleSet::for_year(year).expect("rules");
    let options = CheckOptions {
        year,
        crawl: CrawlConfig {
            rate: None,
            ..CrawlConfig::default()
        },
        lang: Lang::Th,
        iit_eit: Some((84.43, 83.5)),
    };
    let mut report = oitcheck::check(&server.url(), &rules, &options)
        .await
        .expect("check");
    report.crawl.duration_ms = 0;
    (report, server.url().to_string())
}

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/demo")
}

/// Renders with the loopback address replaced, so snapshots are stable.
fn rendered(report: &Report, base: &str, format: Format) -> String {
    report.render(format).expect("renders").replace(base, HOST)
}

/// A framework with items not known (2568): the markdown says on how many
/// items the score rests and why the rest are not assessed, JUnit marks
/// them skipped, the bands are the 2566+ pass scale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_framework_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/muni-nongkhai-2568");
    let (report, base) = check(dir, 2568).await;
    let markdown = rendered(&report, &base, Format::Markdown);
    assert!(markdown.contains("คาดการณ์จาก 22 จาก 28 รายการ"));
    insta::assert_snapshot!("muni_2568_markdown", markdown);
    let junit = rendered(&report, &base, Format::Junit);
    assert_eq!(junit.matches("<skipped").count(), 6);
    insta::assert_snapshot!("muni_2568_junit", junit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_junit_and_csv_snapshots() {
    let (report, base) = check(demo_dir(), 2564).await;
    insta::assert_snapshot!("demo_markdown", rendered(&report, &base, Format::Markdown));
    insta::assert_snapshot!("demo_junit", rendered(&report, &base, Format::Junit));
    let csv = rendered(&report, &base, Format::Csv);
    assert!(
        csv.starts_with('\u{FEFF}'),
        "Excel needs the BOM to show Thai"
    );
    insta::assert_snapshot!("demo_csv", csv);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_first_orders_by_points_gained() {
    let (report, _) = check(demo_dir(), 2564).await;
    let points: Vec<f64> = report.fix_first.iter().map(|f| f.points).collect();
    assert_eq!(
        points.len(),
        report.items.iter().filter(|i| i.failed()).count()
    );
    assert!(points.windows(2).all(|w| w[0] >= w[1]), "{points:?}");
    // Fixing every failing item brings the OIT to 100.
    let total: f64 = points.iter().sum::<f64>() + report.scores.oit;
    assert!((total - 100.0).abs() < 1e-6, "{total}");
    assert!(
        report
            .items
            .iter()
            .flat_map(|i| &i.reasons)
            .all(|r| r.advice.is_some()),
        "advice for every reason"
    );
}

/// Text from a crawled page (an anchor with markup in it) is escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_escapes_what_the_site_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evil = "&lt;img src=x onerror=alert(1)&gt;&lt;/td&gt;";
    std::fs::write(
        dir.path().join("index.html"),
        format!(
            "<html><head><title>{evil} อบต.ทดสอบ</title></head><body><main>\
             <p><a href=\"/plan.html\">แผนการจัดซื้อจัดจ้าง {evil}</a></p></main></body></html>"
        ),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("plan.html"),
        "<html><head><title>แผนการจัดซื้อจัดจ้าง</title></head><body><main><h1>แผนการจัดซื้อจัดจ้าง</h1>\
         <p><a href=\"/p.pdf\">แผนการจัดซื้อจัดจ้าง ประจำปี 2564</a></p></main></body></html>",
    )
    .expect("write");
    std::fs::write(dir.path().join("p.pdf"), "%PDF-1.4").expect("write");
    let (report, _) = check(dir.path().to_path_buf(), 2564).await;
    let o21 = report.items.iter().find(|i| i.id == "O21").expect("O21");
    let anchor = o21
        .evidence
        .as_ref()
        .and_then(|e| e.anchor_text.clone())
        .expect("anchor text kept");
    assert!(
        anchor.contains("<img src=x"),
        "the test needs markup in the report data: {anchor}"
    );
    let html = report.render(Format::Html).expect("html");
    assert!(
        !html.contains("<img src=x"),
        "markup from the site reached the report"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
}

/// The HTML report in a real browser: it loads without console errors,
/// shows the score and 43 rows, and a screenshot is written under target/.
/// Needs Chromium (installed by .ci/run): `cargo test --test formats -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium; .ci/run installs it and runs this test"]
async fn html_report_renders_in_headless_chromium() {
    let browser = chromium().expect("Chromium is not installed (apt-get install chromium)");
    let (report, _) = check(demo_dir(), 2564).await;
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-demo");
    std::fs::create_dir_all(&out).expect("mkdir");
    let html_path = out.join("report.html");
    std::fs::write(&html_path, report.render(Format::Html).expect("html")).expect("write");
    let profile = tempfile::tempdir().expect("profile dir");
    let common = |extra: &[&str]| {
        let mut cmd = Command::new(&browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", html_path.display()));
        cmd.output().expect("chromium runs")
    };
    let dump = common(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dump.stdout);
    let log = String::from_utf8_lossy(&dump.stderr);
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors: {console_errors:?}"
    );
    let rows =
        dom.matches("<tr class=\"pass\"").count() + dom.matches("<tr class=\"fail\"").count();
    assert_eq!(rows, 43, "the browser shows every item");
    assert!(
        dom.contains(&format!(
            "{:.2}",
            oitcheck::score::round2(report.scores.oit)
        )),
        "score shown"
    );
    let png = out.join("report.png");
    let shot = common(&[
        &format!("--screenshot={}", png.display()),
        "--window-size=1280,2200",
        "--hide-scrollbars",
    ]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "a real screenshot"
    );
}
