//! Crawl + judge throughput on a generated Thai agency site served on
//! 127.0.0.1, with the rate limit off. Prints pages/s and peak RSS.
//!
//! Run: `cargo bench --bench crawl -- [PAGES]` (default 2000).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use oitcheck::crawl::CrawlConfig;
use oitcheck::report::Lang;
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};
use oitcheck::CheckOptions;

const MENU: &[(&str, &str)] = &[
    ("/about/structure.html", "โครงสร้างหน่วยงาน"),
    ("/about/executives.html", "คณะผู้บริหาร"),
    ("/about/authority.html", "อำนาจหน้าที่"),
    ("/plan/development.html", "แผนพัฒนาท้องถิ่น"),
    ("/contact.html", "ติดต่อเรา"),
    ("/procurement/plan.html", "แผนการจัดซื้อจัดจ้าง"),
    ("/news/index.html", "ข่าวประชาสัมพันธ์"),
    ("/ita/index.html", "การเปิดเผยข้อมูลสาธารณะ (OIT)"),
];

/// News items per list page.
const PER_LIST: usize = 50;

fn shell(title: &str, body: &str) -> String {
    let menu: String = MENU
        .iter()
        .map(|(href, label)| format!("<li><a href=\"{href}\">{label}</a></li>"))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>{title} - อบต.ทดสอบ</title></head>\
         <body><header><h1>องค์การบริหารส่วนตำบลทดสอบ</h1><nav><ul>{menu}</ul></nav></header>\
         <main><h2>{title}</h2>{body}</main>\
         <footer>ที่อยู่ 99 หมู่ 1 ตำบลทดสอบ โทรศัพท์ 0 4300 1234 โทรสาร 0 4300 1235 \
         <a href=\"https://www.facebook.com/test\">Facebook</a></footer></body></html>"
    )
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

fn generate(dir: &Path, pages: usize) {
    for (href, label) in MENU {
        let body = format!("<p>{label} ประจำปีงบประมาณ พ.ศ. 2564</p><p><a href=\"/files{href}.pdf\">ดาวน์โหลด {label} 2564</a></p>");
        write(dir, href, &shell(label, &body));
        write(dir, &format!("/files{href}.pdf"), "%PDF-1.4\n");
    }
    // News in list pages of 50, each list linking the next, as real sites
    // paginate; every news page links the next one too.
    let lists = pages.saturating_sub(MENU.len() + 1) / (PER_LIST + 1);
    let news = lists * PER_LIST;
    for list in 0..lists {
        let mut items = String::new();
        for i in list * PER_LIST..(list + 1) * PER_LIST {
            let _ = write!(
                items,
                "<li><a href=\"/news/{i}.html\">ข่าวกิจกรรม ครั้งที่ {i}</a> 15 ม.ค. 2564</li>"
            );
            let next = (i + 1) % news.max(1);
            let body = format!(
                "<p>รายละเอียดข่าวกิจกรรมที่ {i} ของหน่วยงาน ประชาชนเข้าร่วมโครงการจำนวนมาก วันที่ 15 มกราคม 2564</p>\
                 <p><a href=\"/news/{next}.html\">ข่าวถัดไป</a></p>"
            );
            write(
                dir,
                &format!("/news/{i}.html"),
                &shell(&format!("ข่าวกิจกรรม {i}"), &body),
            );
        }
        // A pager: the next 20 list pages, as real news archives show.
        let next: String = (list + 1..lists.min(list + 21))
            .map(|n| format!("<a href=\"/news/list-{n}.html\">{}</a> ", n + 1))
            .collect();
        write(
            dir,
            &format!("/news/list-{list}.html"),
            &shell("ข่าวประชาสัมพันธ์", &format!("<ul>{items}</ul>{next}")),
        );
    }
    // The home page links every 20th list page (an archive by year).
    let archive: String = (0..lists)
        .step_by(20)
        .map(|n| format!("<a href=\"/news/list-{n}.html\">คลังข่าว {n}</a> "))
        .collect();
    write(
        dir,
        "/index.html",
        &shell("หน้าแรก", &format!("<p>{archive}</p>")),
    );
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let pages: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), pages);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf()))
            .await
            .expect("server");
        let rules = RuleSet::embedded().expect("rules");
        let options = CheckOptions {
            year: 2564,
            crawl: CrawlConfig {
                rate: None,
                concurrency: 8,
                max_pages: pages + 10,
                ..CrawlConfig::default()
            },
            lang: Lang::Th,
            iit_eit: None,
        };
        let started = Instant::now();
        let report = oitcheck::check(&server.url(), &rules, &options)
            .await
            .expect("check");
        let seconds = started.elapsed().as_secs_f64();
        let fetched = report.crawl.pages_fetched;
        println!("site pages:        {pages}");
        println!("pages fetched:     {fetched}");
        println!("requests:          {}", report.crawl.requests);
        println!("crawl+judge time:  {seconds:.2} s");
        println!("pages per second:  {:.0}", fetched as f64 / seconds);
        println!(
            "at 2 requests/s:   {:.0} s (default politeness, from the request count)",
            report.crawl.requests as f64 / 2.0
        );
        match peak_rss_mb() {
            Some(mb) => println!(
                "peak RSS:          {mb:.1} MB (crawler and loopback server in one process)"
            ),
            None => println!("peak RSS:          unavailable (no /proc)"),
        }
    });
}
