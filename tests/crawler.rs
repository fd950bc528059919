//! The crawler against misbehaving and ordinary servers on 127.0.0.1:
//! robots.txt, politeness measured from server-side timestamps, 429 with
//! Retry-After, redirects, off-site links never fetched, HEAD for documents.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use oitcheck::crawl::{parse_site_url, CrawlConfig, Crawler};
use oitcheck::graph::{FetchStatus, SkipReason};
use oitcheck::serve::{SiteServer, SiteSource};
use url::Url;

fn write_site(dir: &Path, files: &[(&str, &str)]) {
    for (path, body) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(full, body).expect("write fixture file");
    }
}

fn page(title: &str, links: &[&str]) -> String {
    let links: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    format!("<html><head><title>{title}</title></head><body><h1>{title}</h1><ul>{links}</ul></body></html>")
}

/// A home page linking `n` leaf pages.
fn numbered_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages: Vec<String> = (0..n).map(|i| format!("/p{i}.html")).collect();
    let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    write_site(dir.path(), &[("index.html", &page("home", &refs))]);
    for p in &pages {
        write_site(dir.path(), &[(p.trim_start_matches('/'), &page(p, &[]))]);
    }
    dir
}

fn unlimited() -> CrawlConfig {
    CrawlConfig {
        rate: None,
        ..CrawlConfig::default()
    }
}

/// A one-route axum server on 127.0.0.1 counting its hits.
async fn counting_server() -> (Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move || {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            "<html><body>other host</body></html>"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).expect("url"), hits)
}

#[tokio::test]
async fn robots_txt_disallowed_paths_are_never_fetched() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_site(
        dir.path(),
        &[
            ("robots.txt", "User-agent: *\nDisallow: /admin/\n"),
            (
                "index.html",
                &page("home", &["/a.html", "/admin/login.html"]),
            ),
            ("a.html", &page("a", &["/admin/secret.html"])),
            ("admin/login.html", &page("login", &[])),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let graph = Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let admin_hits: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.target.starts_with("/admin"))
        .collect();
    assert!(admin_hits.is_empty(), "robots.txt ignored: {admin_hits:?}");
    assert_eq!(graph.stats.robots_excluded, 2);
    let login = graph
        .id_of(&server.url().join("/admin/login.html").expect("url"))
        .expect("recorded");
    assert_eq!(
        graph.get(login).status,
        FetchStatus::NotFetched {
            why: SkipReason::Robots
        }
    );
}

#[tokio::test]
async fn requests_respect_the_rate_limit_measured_at_the_server() {
    let dir = numbered_site(8);
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let rate = 10.0;
    let config = CrawlConfig {
        rate: Some(rate),
        concurrency: 4,
        ..CrawlConfig::default()
    };
    Crawler::new(config)
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let times: Vec<Instant> = server.hits().iter().map(|h| h.at).collect();
    assert!(
        times.len() >= 10,
        "expected the whole site, got {} requests",
        times.len()
    );
    // A token bucket with burst 1: request k comes no earlier than
    // (k-1)/rate after the first. Allow 20 ms of scheduling jitter.
    let first = times[0];
    for (k, t) in times.iter().enumerate().skip(1) {
        let min_gap = Duration::from_secs_f64((k as f64) / rate)
            - Duration::from_millis(20 * k as u64).min(Duration::from_millis(80));
        assert!(
            t.duration_since(first) >= min_gap,
            "request {k} came {:?} after the first; the limit allows no earlier than {min_gap:?}",
            t.duration_since(first)
        );
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait() {
    let hits = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let log = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let log = Arc::clone(&log);
        async move {
            if uri.path() != "/" {
                return StatusCode::NOT_FOUND.into_response();
            }
            let mut log = log.lock().expect("lock");
            log.push(Instant::now());
            if log.len() == 1 {
                Response::builder()
                    .status(StatusCode::TOO_MANY_REQUESTS)
                    .header(header::RETRY_AFTER, "1")
                    .body(axum::body::Body::empty())
                    .expect("response")
            } else {
                axum::response::Html("<html><title>ok</title><body>ok</body></html>")
                    .into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let start = Url::parse(&format!("http://{addr}/")).expect("url");
    let graph = Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl succeeds after the retry");
    let times = hits.lock().expect("lock").clone();
    assert_eq!(times.len(), 2, "one 429, one retry");
    assert!(
        times[1].duration_since(times[0]) >= Duration::from_millis(950),
        "Retry-After: 1 not honoured"
    );
    assert_eq!(graph.stats.pages_fetched, 1);
}

#[tokio::test]
async fn redirects_are_followed_in_site_and_off_site_links_never_fetched() {
    let (other, other_hits) = counting_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let off_link = other.join("/elsewhere.html").expect("url").to_string();
    let site_toml =
        format!("[redirects]\n\"/old.html\" = \"/new.html\"\n\"/away.html\" = \"{off_link}\"\n");
    write_site(
        dir.path(),
        &[
            ("_site.toml", &site_toml),
            (
                "index.html",
                &page("home", &["/old.html", "/away.html", &off_link]),
            ),
            ("new.html", &page("new", &[])),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let graph = Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let old = graph.get(
        graph
            .id_of(&server.url().join("/old.html").expect("url"))
            .expect("old recorded"),
    );
    assert!(old.status.is_ok());
    assert_eq!(old.final_url.as_ref().map(Url::path), Some("/new.html"));
    assert!(old.page().is_some(), "the redirect target was parsed");
    let away = graph.get(
        graph
            .id_of(&server.url().join("/away.html").expect("url"))
            .expect("away recorded"),
    );
    assert_eq!(
        away.status,
        FetchStatus::NotFetched {
            why: SkipReason::OffSite
        }
    );
    let off = graph.get(
        graph
            .id_of(&Url::parse(&off_link).expect("url"))
            .expect("off-site link recorded"),
    );
    assert!(!off.on_site);
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        0,
        "the other host was contacted"
    );
}

#[tokio::test]
async fn documents_are_checked_with_head_and_dead_ones_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_site(
        dir.path(),
        &[
            (
                "index.html",
                &page("home", &["/files/plan.pdf", "/files/missing.pdf"]),
            ),
            (
                "files/plan.pdf",
                "%PDF-1.4 a large body that must not be downloaded",
            ),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let graph = Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let pdf_hits: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.target.ends_with(".pdf"))
        .collect();
    assert_eq!(pdf_hits.len(), 2);
    assert!(
        pdf_hits.iter().all(|h| h.method == "HEAD"),
        "documents fetched with GET: {pdf_hits:?}"
    );
    let missing = graph.get(
        graph
            .id_of(&server.url().join("/files/missing.pdf").expect("url"))
            .expect("recorded"),
    );
    assert_eq!(missing.status, FetchStatus::Http { status: 404 });
    let plan = graph.get(
        graph
            .id_of(&server.url().join("/files/plan.pdf").expect("url"))
            .expect("recorded"),
    );
    assert!(plan.status.is_ok() && plan.is_document());
}

#[tokio::test]
async fn the_page_cap_stops_the_crawl_and_says_so() {
    let dir = numbered_site(20);
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let config = CrawlConfig {
        max_pages: 5,
        ..unlimited()
    };
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    assert_eq!(graph.stats.pages_fetched, 5);
    assert!(graph.stats.truncated);
}

#[tokio::test]
async fn an_unreachable_site_and_bad_urls_are_clear_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener); // nothing listens there now
    let start = Url::parse(&format!("http://{addr}/")).expect("url");
    let config = CrawlConfig {
        retries: 0,
        timeout: Duration::from_secs(2),
        ..unlimited()
    };
    let err = Crawler::new(config)
        .expect("crawler")
        .crawl(&start)
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, oitcheck::Error::SiteUnreachable { .. }),
        "{err}"
    );
    for bad in ["", "ftp://example.go.th/", "http://", "not a url at all"] {
        let err = parse_site_url(bad).expect_err(bad);
        assert!(
            err.to_string().contains("not a usable site URL"),
            "{bad}: {err}"
        );
    }
    assert_eq!(
        parse_site_url("www.example.go.th")
            .expect("bare host")
            .as_str(),
        "https://www.example.go.th/"
    );
}

#[tokio::test]
async fn robots_txt_rules_for_oitcheck_and_its_crawl_delay_are_honoured() {
    let dir = numbered_site(3);
    write_site(
        dir.path(),
        &[(
            "robots.txt",
            "User-agent: *\nDisallow:\n\nUser-agent: oitcheck\nDisallow: /p2.html\nCrawl-delay: 0.4\n",
        )],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    // The rate limit is off; the site's Crawl-delay still applies.
    Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let hits = server.hits();
    assert!(
        hits.iter().all(|h| h.target != "/p2.html"),
        "our own robots group ignored"
    );
    let after_robots: Vec<Instant> = hits
        .iter()
        .skip_while(|h| h.target != "/robots.txt")
        .skip(1)
        .map(|h| h.at)
        .collect();
    assert!(after_robots.len() >= 3);
    for pair in after_robots.windows(2) {
        assert!(
            pair[1].duration_since(pair[0]) >= Duration::from_millis(380),
            "Crawl-delay not honoured"
        );
    }
}

#[tokio::test]
async fn off_site_links_are_checked_only_with_check_external() {
    let (other, other_hits) = counting_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let off = other.join("/report.pdf").expect("url").to_string();
    write_site(
        dir.path(),
        &[
            ("index.html", &page("home", &[&off, "/a.html"])),
            ("a.html", &page("a", &[&off])),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    Crawler::new(unlimited())
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        0,
        "another host was contacted without --check-external"
    );
    let config = CrawlConfig {
        check_external: true,
        ..unlimited()
    };
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        1,
        "one check per off-site link target"
    );
    let id = graph
        .id_of(&Url::parse(&off).expect("url"))
        .expect("recorded");
    assert!(graph.get(id).status.is_ok() && !graph.get(id).on_site);
}

#[tokio::test]
async fn splash_pages_refreshes_and_script_links_lead_the_best_first_crawl_in() {
    // `/` only refreshes to an intro page, whose one way on is a script
    // button; the home page's ITA page opens its document from `onclick`.
    let dir = tempfile::tempdir().expect("tempdir");
    let menu: String = (1..=20)
        .map(|i| format!("<li><a href=\"/th/news.php?id={i}\">สถานที่ท่องเที่ยว {i}</a></li>"))
        .collect();
    let home = format!(
        "<html><head><title>เทศบาลตำบลตัวอย่าง</title></head><body>\
         <nav><ul><li><a href=\"/th/ita.php\">ITA 2569</a></li></ul></nav>\
         <div class=\"content\"><ul>{menu}</ul></div></body></html>"
    );
    write_site(
        dir.path(),
        &[
            (
                "index.html",
                "<html><head><meta http-equiv=\"Refresh\" content=\"0; URL='/intro.html'\"></head><body></body></html>",
            ),
            (
                "intro.html",
                "<html><body><div class=\"intro\"><img src=\"/img/king.jpg\" alt=\"\">\
                 <button type=\"button\" onclick=\"window.location.href = '/th/main.php'\">เข้าสู่เว็บไซต์</button>\
                 </div></body></html>",
            ),
            ("th/main.php", &home),
            (
                "th/ita.php",
                "<html><body><h1>การเปิดเผยข้อมูลสาธารณะ (OIT) 2569</h1><table><tr><td>O1</td>\
                 <td><a href=\"javascript:void(0)\" onclick=\"window.open('/files/structure-2569.pdf', '_blank')\">\
                 โครงสร้างและอำนาจหน้าที่</a></td></tr></table></body></html>",
            ),
            ("files/structure-2569.pdf", "%PDF-1.4 structure"),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let rules = oitcheck::rules::RuleSet::for_year(2569).expect("rules for 2569");
    let config = oitcheck::check::best_first(&rules, &unlimited()).expect("best-first config");
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&server.url())
        .await
        .expect("crawl");
    let hits = server.hits();
    for path in ["/intro.html", "/th/main.php", "/th/ita.php"] {
        assert!(
            hits.iter().any(|h| h.target == path && h.method == "GET"),
            "{path} was not fetched: {hits:?}"
        );
    }
    assert!(
        hits.iter()
            .any(|h| h.target == "/files/structure-2569.pdf" && h.method == "HEAD"),
        "the document opened by onclick was not checked: {hits:?}"
    );
    assert!(
        hits.iter().all(|h| !h.target.starts_with("/th/news.php")),
        "best-first still leaves plain news alone: {hits:?}"
    );
    let ita = graph
        .get(
            graph
                .id_of(&server.url().join("/th/ita.php").expect("url"))
                .expect("ITA page recorded"),
        )
        .page()
        .expect("ITA page parsed");
    let doc = ita
        .links
        .iter()
        .find(|l| l.target.path() == "/files/structure-2569.pdf")
        .expect("script link kept");
    assert_eq!(doc.text.as_ref(), "โครงสร้างและอำนาจหน้าที่");
}

#[tokio::test]
async fn a_start_url_that_redirects_to_another_host_crawls_that_host() {
    // The agency moved: its old address answers 301 to the new main site.
    let new_dir = tempfile::tempdir().expect("tempdir");
    write_site(
        new_dir.path(),
        &[
            ("robots.txt", "User-agent: *\nDisallow: /private/\n"),
            (
                "index.html",
                &page("home", &["/about.html", "/private/x.html"]),
            ),
            ("about.html", &page("about", &[])),
        ],
    );
    let new_site = SiteServer::start(SiteSource::Dir(new_dir.path().to_path_buf()))
        .await
        .expect("server");
    // One old address answers 301, another only has a refreshing page.
    let old_dir = tempfile::tempdir().expect("tempdir");
    let site_toml = format!("[redirects]\n\"/\" = \"{}\"\n", new_site.url());
    write_site(old_dir.path(), &[("_site.toml", &site_toml)]);
    let refresh_dir = tempfile::tempdir().expect("tempdir");
    let refresh = format!(
        "<html><head><meta http-equiv=\"refresh\" content=\"0;url={}\"></head>\
         <body>เว็บไซต์ย้ายไปที่อยู่ใหม่</body></html>",
        new_site.url()
    );
    write_site(refresh_dir.path(), &[("index.html", &refresh)]);
    for dir in [old_dir.path(), refresh_dir.path()] {
        let old_site = SiteServer::start(SiteSource::Dir(dir.to_path_buf()))
            .await
            .expect("server");
        let graph = Crawler::new(unlimited())
            .expect("crawler")
            .crawl(&old_site.url())
            .await
            .expect("crawl");
        assert_eq!(graph.start, new_site.url());
        let about = graph
            .id_of(&new_site.url().join("/about.html").expect("url"))
            .expect("the new site's pages are crawled");
        assert!(graph.get(about).page().is_some());
    }
    let hits = new_site.hits();
    assert!(hits.iter().any(|h| h.target == "/robots.txt"), "{hits:?}");
    assert!(
        hits.iter().all(|h| !h.target.starts_with("/private/")),
        "the new host's robots.txt is honoured: {hits:?}"
    );
}

#[tokio::test]
async fn a_download_scripts_given_name_dates_its_document() {
    // Both report pages list opaque `download.php?id=` links that say only
    // "ดาวน์โหลด"; the year is in the name the server sends.
    let dir = tempfile::tempdir().expect("tempdir");
    let report_page = |title: &str, id: u32| {
        format!(
            "<html><head><title>{title}</title></head><body><h1>{title}</h1>\
             <p>เอกสารประกอบ <a href=\"/download.php?id={id}\">ดาวน์โหลด</a></p></body></html>"
        )
    };
    let procurement = report_page("รายงานสรุปผลการจัดซื้อจัดจ้างประจำปี", 77);
    let hr = report_page("รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", 78);
    write_site(
        dir.path(),
        &[
            (
                "_site.toml",
                "[attachments]\n\
                 \"/download.php?id=77\" = \"รายงานสรุปผลการจัดซื้อจัดจ้าง ประจำปีงบประมาณ 2568.pdf\"\n\
                 \"/download.php?id=78\" = \"รายงานผลการพัฒนาบุคลากร ปี 2566.pdf\"\n",
            ),
            (
                "index.html",
                "<html><body><nav><a href=\"/procurement-report.php\">รายงานสรุปผลการจัดซื้อจัดจ้างประจำปี</a>\
                 <a href=\"/hr-report.php\">รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล</a></nav></body></html>",
            ),
            ("procurement-report.php", &procurement),
            ("hr-report.php", &hr),
            ("download.php__id=77", "%PDF-1.4 report"),
            ("download.php__id=78", "%PDF-1.4 report"),
        ],
    );
    let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
        .await
        .expect("server");
    let rules = oitcheck::rules::RuleSet::for_year(2569).expect("rules for 2569");
    let options = oitcheck::CheckOptions {
        year: 2569,
        crawl: unlimited(),
        lang: oitcheck::report::Lang::En,
        iit_eit: None,
    };
    let report = oitcheck::check(&server.url(), &rules, &options)
        .await
        .expect("checked");
    let item = |id: &str| {
        report
            .items
            .iter()
            .find(|i| i.id == id)
            .expect("item reported")
    };
    let o12 = item("O12");
    assert_eq!(o12.verdict, "pass", "{o12:?}");
    assert!(o12
        .evidence_url
        .as_deref()
        .is_some_and(|u| u.ends_with("/procurement-report.php")));
    let o14 = item("O14");
    let codes: Vec<&str> = o14.reasons.iter().map(|r| r.code).collect();
    assert_eq!(codes, ["WRONG_YEAR"], "{o14:?}");
}
