//! A batch over many agencies, each served on its own loopback address
//! (127.0.0.2, 127.0.0.3, …), at a real per-host rate: agencies per minute,
//! total requests, peak RSS, and server-side proof that no host saw more
//! than its rate.
//!
//! Run: `cargo bench --bench batch -- [AGENCIES] [RATE]` (default 200, 20).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oitcheck::batch::{Agency, BatchOptions};
use oitcheck::crawl::CrawlConfig;
use oitcheck::report::Lang;
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};
use oitcheck::CheckOptions;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

/// Most requests any sliding `window` holds (times sorted).
fn most_in_window(times: &[Instant], window: Duration) -> usize {
    let mut most = 0;
    let mut j = 0;
    for i in 0..times.len() {
        while times[i].duration_since(times[j]) >= window {
            j += 1;
        }
        most = most.max(i - j + 1);
    }
    most
}

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let agencies = args.first().copied().unwrap_or(200.0) as usize;
    let rate = args.get(1).copied().unwrap_or(20.0);
    let sites = [
        "demo",
        "sao-nongbua-2564",
        "holdout-province-2564",
        "holdout-nakhon-2564",
        "muni-chiangkhan-2565",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut servers = Vec::new();
        let mut list = Vec::new();
        for i in 0..agencies {
            let ip = std::net::Ipv4Addr::new(127, 0, (2 + i / 250) as u8, (2 + i % 250) as u8);
            let site = sites[i % sites.len()];
            let server = SiteServer::start_on(SiteSource::Dir(root.join(site)), ip).await.expect("server");
            list.push(Agency {
                line: i + 2,
                name: format!("{site}-{i}"),
                url: server.url().to_string(),
                kind: "อปท.".into(),
                province: "ทดสอบ".into(),
            });
            servers.push(server);
        }
        let rules = Arc::new(RuleSet::embedded().expect("rules"));
        let out = tempfile::tempdir().expect("tempdir");
        let crawl = CrawlConfig {
            rate: Some(rate),
            address_limits: Some(Arc::new(oitcheck::crawl::fetch::AddressLimits::new(rate))),
            ..CrawlConfig::default()
        };
        let options = BatchOptions {
            check: CheckOptions { year: 2564, crawl, lang: Lang::Th, iit_eit: None },
            jobs: 64,
            out_dir: out.path().join("out"),
            db: out.path().join("h.sqlite3"),
            rescan: false,
            shard: None,
        };
        let began = Instant::now();
        let rows = oitcheck::batch::run(list, rules, &options).await.expect("batch");
        let seconds = began.elapsed().as_secs_f64();
        let done = rows.iter().filter(|r| r.status == "done").count();
        let mut total = 0;
        let (mut worst_1s, mut worst_5s) = (0usize, 0usize);
        for server in &servers {
            let mut times: Vec<Instant> = server.hits().iter().map(|h| h.at).collect();
            times.sort();
            total += times.len();
            worst_1s = worst_1s.max(most_in_window(&times, Duration::from_secs(1)));
            worst_5s = worst_5s.max(most_in_window(&times, Duration::from_secs(5)));
        }
        println!("agencies:                {agencies} ({done} done)");
        println!("per-host rate:           {rate}/s");
        println!("wall time:               {seconds:.1} s");
        println!("agencies per minute:     {:.0}", done as f64 / seconds * 60.0);
        println!("total requests:          {total}");
        println!("most at one host in 1 s: {worst_1s} (arrival times on a loaded 2-core box jitter)");
        println!("most at one host in 5 s: {worst_5s} (the rate allows {:.0})", rate * 5.0 + 1.0);
        if let Some(mb) = peak_rss_mb() {
            println!("peak RSS:                {mb:.1} MB (batch and {agencies} loopback servers in one process)");
        }
    });
}
