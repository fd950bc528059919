//! Misbehaving servers on 127.0.0.1: traps, redirect loops, silent and slow
//! servers, decompression bombs, 429 storms, binary pages, hostile robots.txt.
//! The crawl must finish, stay bounded and say what happened.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use oitcheck::crawl::{CrawlConfig, Crawler};
use oitcheck::graph::{FetchStatus, SkipReason, StopReason};
use url::Url;

type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// Serves `handler` on 127.0.0.1 (it answers /robots.txt too unless it
/// handles it) and counts requests.
async fn server(handler: Handler) -> (Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move |request: Request| {
        let handler = Arc::clone(&handler);
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            handler(&request)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).expect("url"), hits)
}

fn fast() -> CrawlConfig {
    CrawlConfig {
        rate: None,
        retries: 0,
        timeout: Duration::from_secs(2),
        ..CrawlConfig::default()
    }
}

fn html(body: String) -> Response {
    Html(format!(
        "<html><head><title>t</title></head><body><main>{body}</main></body></html>"
    ))
    .into_response()
}

#[tokio::test]
async fn calendars_session_ids_and_growing_queries_do_not_eat_the_budget() {
    let handler: Handler = Arc::new(|r: &Request| {
        let path = r.uri().path().to_string();
        let query = r.uri().query().unwrap_or_default().to_string();
        match path.as_str() {
            "/" => html(
                "<a href=\"/calendar?month=1\">ปฏิทิน</a> <a href=\"/list?p=1\">รายการ</a>\
                 <a href=\"/about.html;jsessionid=A1\">เกี่ยวกับ</a> <a href=\"/about.html?PHPSESSID=zz\">เกี่ยวกับ</a>\
                 <a href=\"/about/index.html\">เกี่ยวกับ</a> <a href=\"/ita.html\">ITA</a>"
                    .into(),
            ),
            // An endless calendar: every month links to the next one.
            "/calendar" => {
                let month: u64 = query.trim_start_matches("month=").parse().unwrap_or(1);
                html(format!("<a href=\"/calendar?month={}\">ถัดไป</a>", month + 1))
            }
            // A query string that grows on every page.
            "/list" => html(format!("<a href=\"/list?{query}&x=1\">ถัดไป</a>")),
            _ => html("<p>เนื้อหา</p>".into()),
        }
    });
    let (start, hits) = server(handler).await;
    let config = CrawlConfig {
        max_pages: 2000,
        ..fast()
    };
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    assert!(graph.stats.traps_avoided >= 1, "no trap detected");
    assert!(
        hits.load(Ordering::SeqCst) < 700,
        "the trap ate {} requests",
        hits.load(Ordering::SeqCst)
    );
    let ita = graph
        .id_of(&start.join("/ita.html").expect("url"))
        .expect("ita.html recorded");
    assert!(graph.get(ita).page().is_some(), "the real page was crawled");
    // Session ids and index.html: one page, fetched once.
    let about = graph
        .id_of(&start.join("/about.html").expect("url"))
        .expect("about");
    assert_eq!(
        graph.id_of(&start.join("/about.html?PHPSESSID=other").expect("url")),
        Some(about)
    );
    assert_eq!(
        graph.id_of(&start.join("/about.html;jsessionid=B2").expect("url")),
        Some(about)
    );
}

#[tokio::test]
async fn redirect_loops_and_long_chains_end_with_a_reason() {
    let handler: Handler = Arc::new(|r: &Request| {
        let path = r.uri().path();
        let redirect = |to: &str| {
            Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .expect("response")
        };
        match path {
            "/" => html("<a href=\"/loop-a\">a</a> <a href=\"/chain/0\">chain</a>".into()),
            "/loop-a" => redirect("/loop-b"),
            "/loop-b" => redirect("/loop-a"),
            p if p.starts_with("/chain/") => {
                let n: u32 = p.trim_start_matches("/chain/").parse().unwrap_or(0);
                redirect(&format!("/chain/{}", n + 1))
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    });
    let (start, hits) = server(handler).await;
    let graph = Crawler::new(fast())
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    for path in ["/loop-a", "/chain/0"] {
        let id = graph
            .id_of(&start.join(path).expect("url"))
            .expect("recorded");
        match &graph.get(id).status {
            FetchStatus::Failed { error } => assert!(error.contains("redirects"), "{error}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    assert!(
        hits.load(Ordering::SeqCst) < 40,
        "{} requests",
        hits.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_silent_server_times_out_and_a_slow_site_hits_the_deadline() {
    // Each page takes 3 s, more than the 1 s request timeout; the whole run
    // has a 2.5 s deadline.
    let (start, _) = server(Arc::new(|r: &Request| {
        if r.uri().path() == "/robots.txt" {
            return StatusCode::NOT_FOUND.into_response();
        }
        if r.uri().path() == "/" {
            let links: String = (0..20)
                .map(|i| format!("<a href=\"/slow/{i}\">{i}</a>"))
                .collect();
            return html(links);
        }
        let body = futures::stream::once(async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok::<_, std::io::Error>(bytes_of("<html><body>late</body></html>"))
        });
        Response::new(Body::from_stream(body))
    }))
    .await;
    let config = CrawlConfig {
        timeout: Duration::from_secs(1),
        deadline: Some(Duration::from_millis(2500)),
        concurrency: 2,
        ..fast()
    };
    let began = Instant::now();
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "the deadline was not kept: {:?}",
        began.elapsed()
    );
    assert_eq!(graph.stats.stopped, Some(StopReason::Deadline));
    let timed_out = graph
        .resources
        .iter()
        .filter(|r| matches!(&r.status, FetchStatus::Failed { error } if error.contains("timeout")))
        .count();
    assert!(timed_out >= 1, "no request timed out");
    assert!(graph.resources.iter().any(|r| r.status
        == (FetchStatus::NotFetched {
            why: SkipReason::Limit
        })));
}

fn bytes_of(text: &str) -> axum::body::Bytes {
    axum::body::Bytes::copy_from_slice(text.as_bytes())
}

#[tokio::test]
async fn a_decompression_bomb_is_cut_at_the_body_cap() {
    use std::io::Write as _;
    // 64 MiB of zeros compress to about 64 KiB.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    encoder.write_all(b"<html><body><p>bomb</p>").expect("gzip");
    for _ in 0..64 {
        encoder.write_all(&chunk).expect("gzip");
    }
    let bomb = Arc::new(encoder.finish().expect("gzip"));
    assert!(bomb.len() < 1 << 20);
    let (start, _) = server(Arc::new(move |r: &Request| {
        if r.uri().path() == "/" {
            return html("<a href=\"/bomb.html\">bomb</a>".into());
        }
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html")
            .header(header::CONTENT_ENCODING, "gzip")
            .body(Body::from(bomb.as_ref().clone()))
            .expect("response")
    }))
    .await;
    let config = CrawlConfig {
        max_body: 1 << 20,
        ..fast()
    };
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    let bomb = graph
        .id_of(&start.join("/bomb.html").expect("url"))
        .expect("recorded");
    let page = graph
        .get(bomb)
        .page()
        .expect("parsed what fits under the cap");
    assert!(page.blocks.iter().any(|b| b.text.contains("bomb")));
}

#[tokio::test]
async fn a_429_storm_is_retried_politely_then_given_up() {
    let times = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let log = Arc::clone(&times);
    let (start, _) = server(Arc::new(move |r: &Request| {
        if r.uri().path() == "/" {
            return html("<a href=\"/busy.html\">busy</a>".into());
        }
        if r.uri().path() == "/busy.html" {
            log.lock().expect("lock").push(Instant::now());
        }
        Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, "1")
            .body(Body::empty())
            .expect("response")
    }))
    .await;
    let config = CrawlConfig {
        retries: 2,
        ..fast()
    };
    let graph = Crawler::new(config)
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    let busy = graph
        .id_of(&start.join("/busy.html").expect("url"))
        .expect("recorded");
    assert_eq!(
        graph.get(busy).status,
        FetchStatus::Http { status: 429 },
        "gave up with the status"
    );
    let times = times.lock().expect("lock").clone();
    assert_eq!(times.len(), 3, "one try and two retries, no more");
    for pair in times.windows(2) {
        assert!(
            pair[1].duration_since(pair[0]) >= Duration::from_millis(950),
            "Retry-After ignored"
        );
    }
}

#[tokio::test]
async fn binary_served_as_html_and_garbage_robots_do_not_stop_the_crawl() {
    let (start, _) = server(Arc::new(|r: &Request| match r.uri().path() {
        "/robots.txt" => Response::new(Body::from(vec![
            0xFFu8, 0x00, 0xFE, b'\n', b'x', 0x80, 0x81,
        ])),
        "/" => html("<a href=\"/bin.html\">bin</a> <a href=\"/ok.html\">ok</a>".into()),
        "/bin.html" => Response::builder()
            .header(header::CONTENT_TYPE, "text/html")
            .body(Body::from(
                (0..=255u8).cycle().take(100_000).collect::<Vec<u8>>(),
            ))
            .expect("response"),
        _ => html("<p>ok</p>".into()),
    }))
    .await;
    let graph = Crawler::new(fast())
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    let ok = graph
        .id_of(&start.join("/ok.html").expect("url"))
        .expect("recorded");
    assert!(graph.get(ok).page().is_some());
    let bin = graph
        .id_of(&start.join("/bin.html").expect("url"))
        .expect("recorded");
    assert!(graph.get(bin).status.is_ok());
}

#[tokio::test]
async fn robots_txt_that_disallows_everything_stops_the_check_with_a_reason() {
    let (start, hits) = server(Arc::new(|r: &Request| match r.uri().path() {
        "/robots.txt" => "User-agent: *\nDisallow: /\n".into_response(),
        _ => html("<p>secret</p>".into()),
    }))
    .await;
    let err = Crawler::new(fast())
        .expect("crawler")
        .crawl(&start)
        .await
        .expect_err("nothing may be crawled");
    assert!(err.to_string().contains("robots.txt"), "{err}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "only robots.txt was requested"
    );
}

#[tokio::test]
async fn a_huge_robots_txt_is_capped_and_the_crawl_goes_on() {
    let (start, _) = server(Arc::new(|r: &Request| match r.uri().path() {
        "/robots.txt" => {
            let mut body = String::from("User-agent: *\nDisallow: /private/\n");
            while body.len() < 12 << 20 {
                body.push_str("# filler line that makes this robots.txt absurdly large\n");
            }
            body.into_response()
        }
        "/" => html("<a href=\"/ok.html\">ok</a> <a href=\"/private/x.html\">x</a>".into()),
        _ => html("<p>ok</p>".into()),
    }))
    .await;
    let graph = Crawler::new(fast())
        .expect("crawler")
        .crawl(&start)
        .await
        .expect("crawl");
    let ok = graph
        .id_of(&start.join("/ok.html").expect("url"))
        .expect("recorded");
    assert!(graph.get(ok).page().is_some());
    let private = graph
        .id_of(&start.join("/private/x.html").expect("url"))
        .expect("recorded");
    assert_eq!(
        graph.get(private).status,
        FetchStatus::NotFetched {
            why: SkipReason::Robots
        }
    );
}
