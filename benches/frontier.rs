//! Best-first vs breadth-first: requests until every verdict is final, on
//! generated agency sites (ITA evidence at depths 2–5 among many noise
//! pages) served on 127.0.0.1; and raw crawl+parse+match throughput against
//! `wget --recursive` on the same site in the same run.
//!
//! Run: `cargo bench --bench frontier -- [PAGES...]` (default 2000 20000).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use oitcheck::crawl::{CrawlConfig, Crawler};
use oitcheck::judge::Judge;
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource};

/// Item pages: (item, path, title, document name with the year).
const ITEMS: &[(&str, &str, &str)] = &[
    ("O1", "โครงสร้างองค์กร", ""),
    ("O2", "คณะผู้บริหาร", ""),
    ("O3", "อำนาจหน้าที่", ""),
    ("O4", "แผนพัฒนาท้องถิ่น", "แผนพัฒนาท้องถิ่น พ.ศ. 2561-2565"),
    ("O6", "กฎหมายที่เกี่ยวข้อง", ""),
    (
        "O10",
        "แผนการดำเนินงานประจำปี",
        "แผนการดำเนินงาน ประจำปีงบประมาณ 2564",
    ),
    (
        "O12",
        "รายงานผลการดำเนินงานประจำปี",
        "รายงานผลการดำเนินงาน ประจำปี 2563",
    ),
    ("O13", "คู่มือการปฏิบัติงาน", ""),
    ("O14", "คู่มือสำหรับประชาชน", ""),
    (
        "O18",
        "แผนการใช้จ่ายงบประมาณประจำปี",
        "แผนการใช้จ่ายงบประมาณ ปี 2564",
    ),
    ("O21", "แผนการจัดซื้อจัดจ้าง", "แผนการจัดซื้อจัดจ้าง ประจำปี 2564"),
    (
        "O25",
        "นโยบายการบริหารทรัพยากรบุคคล",
        "นโยบายการบริหารทรัพยากรบุคคล ปี 2564",
    ),
    ("O29", "คู่มือการจัดการเรื่องร้องเรียนการทุจริต", ""),
    ("O34", "เจตจำนงสุจริตของผู้บริหาร", ""),
    (
        "O36",
        "การประเมินความเสี่ยงการทุจริต",
        "การประเมินความเสี่ยงการทุจริต ประจำปี 2564",
    ),
    (
        "O39",
        "แผนปฏิบัติการป้องกันการทุจริต",
        "แผนปฏิบัติการป้องกันการทุจริต 2561-2564",
    ),
    (
        "O42",
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปี 2564",
    ),
];

const MENU: &[(&str, &str)] = &[
    ("/", "หน้าแรก"),
    ("/about/", "เกี่ยวกับเรา"),
    ("/news/list-0.html", "ข่าวประชาสัมพันธ์"),
    ("/gallery/list-0.html", "ภาพกิจกรรม"),
    ("/ita/", "ITA การเปิดเผยข้อมูลสาธารณะ"),
    ("/contact.html", "ติดต่อเรา"),
];

fn shell(title: &str, body: &str) -> String {
    let menu: String = MENU
        .iter()
        .map(|(h, l)| format!("<li><a href=\"{h}\">{l}</a></li>"))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>{title} - อบต.ทดสอบ</title></head>\
         <body><header><h1>องค์การบริหารส่วนตำบลทดสอบ</h1><nav><ul>{menu}</ul></nav></header>\
         <main><h2>{title}</h2>{body}</main><footer>โทรศัพท์ 0 4300 1234 \
         <a href=\"https://www.facebook.com/test\">Facebook</a></footer></body></html>"
    )
}

fn write(dir: &Path, path: &str, text: &str) {
    let mut file = path.trim_start_matches('/').to_string();
    if file.is_empty() || file.ends_with('/') {
        file.push_str("index.html");
    }
    let full = dir.join(file);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// An agency site: ITA hub (depth 1) → group pages (2) → item pages (3) →
/// detail pages for every third item (4) → documents (4–5); the rest is a
/// news archive and a gallery paginated 20 to a page.
fn generate(dir: &Path, pages: usize) {
    write(
        dir,
        "/",
        &shell(
            "หน้าแรก",
            "<p>ยินดีต้อนรับ</p><p><a href=\"/news/list-0.html\">ข่าวล่าสุด</a></p>",
        ),
    );
    write(dir, "/about/", &shell("เกี่ยวกับเรา", "<p>ประวัติความเป็นมา</p>"));
    write(
        dir,
        "/contact.html",
        &shell("ติดต่อเรา", "<p>ที่อยู่ 99 หมู่ 1</p>"),
    );
    let mut groups: Vec<String> = Vec::new();
    for (n, chunk) in ITEMS.chunks(6).enumerate() {
        let mut links = String::new();
        for (item, title, doc) in chunk {
            let slug = item.to_lowercase();
            let _ = write!(
                links,
                "<li><a href=\"/ita/{slug}.html\">{item} {title}</a></li>"
            );
            let (body, deep) = if n % 2 == 0 || doc.is_empty() {
                (format!("<p>{title} ของหน่วยงาน</p><p><a href=\"/files/{slug}.pdf\">{} ดาวน์โหลด</a></p>", if doc.is_empty() { title } else { doc }), None)
            } else {
                (
                    format!("<p>{title}</p><p><a href=\"/ita/{slug}-detail.html\">รายละเอียด{title}</a></p>"),
                    Some(format!("<p>{doc}</p><p><a href=\"/files/{slug}.pdf\">{doc} ดาวน์โหลด</a></p>")),
                )
            };
            write(dir, &format!("/ita/{slug}.html"), &shell(title, &body));
            if let Some(detail) = deep {
                write(
                    dir,
                    &format!("/ita/{slug}-detail.html"),
                    &shell(&format!("รายละเอียด{title}"), &detail),
                );
            }
            write(dir, &format!("/files/{slug}.pdf"), "%PDF-1.4\n");
        }
        write(
            dir,
            &format!("/ita/group-{n}.html"),
            &shell(&format!("ITA หมวด {n}"), &format!("<ul>{links}</ul>")),
        );
        groups.push(format!(
            "<li><a href=\"/ita/group-{n}.html\">ITA หมวดที่ {}</a></li>",
            n + 1
        ));
    }
    write(
        dir,
        "/ita/",
        &shell(
            "การเปิดเผยข้อมูลสาธารณะ",
            &format!("<ul>{}</ul>", groups.concat()),
        ),
    );
    // Noise: news and gallery archives, 20 to a list page with a pager.
    let noise = pages.saturating_sub(ITEMS.len() * 2 + 12);
    for (section, label, share) in [("news", "ข่าวกิจกรรม", 3), ("gallery", "ภาพกิจกรรม", 1)]
    {
        let count = noise * share / 4;
        let lists = count.div_ceil(21).max(1);
        for list in 0..lists {
            let mut items = String::new();
            for i in list * 20..((list + 1) * 20).min(count) {
                let _ = write!(
                    items,
                    "<li><a href=\"/{section}/{i}.html\">{label} ครั้งที่ {i}</a> 15 ม.ค. 2564</li>"
                );
                let body = format!("<p>{label} ครั้งที่ {i} ประชาชนร่วมกิจกรรม วันที่ 15 มกราคม 2564</p>");
                write(
                    dir,
                    &format!("/{section}/{i}.html"),
                    &shell(&format!("{label} {i}"), &body),
                );
            }
            // Pager: the next ten pages and jumps of a hundred, as archives show.
            let pager: String = (list + 1..lists.min(list + 11))
                .chain((1..=9).map(|k| list + 100 * k).filter(|n| *n < lists))
                .map(|n| format!("<a href=\"/{section}/list-{n}.html\">{}</a> ", n + 1))
                .collect();
            write(
                dir,
                &format!("/{section}/list-{list}.html"),
                &shell(label, &format!("<ul>{items}</ul><p>{pager}</p>")),
            );
        }
    }
}

fn wget_pages_per_second(url: &str) -> Option<(usize, f64)> {
    let out = tempfile::tempdir().ok()?;
    let began = Instant::now();
    let status = std::process::Command::new("wget")
        .args([
            "--recursive",
            "--level=inf",
            "--quiet",
            "--no-parent",
            "--reject",
            "pdf",
            "-e",
            "robots=off",
        ])
        .arg("-P")
        .arg(out.path())
        .arg(url)
        .status()
        .ok()?;
    let seconds = began.elapsed().as_secs_f64();
    if !status.success() && status.code() != Some(8) {
        return None;
    }
    let files = walk(out.path());
    Some((files, files as f64 / seconds))
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![2000, 20000]
    } else {
        sizes
    };
    let rules = RuleSet::embedded().expect("rules");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for pages in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        generate(dir.path(), pages);
        runtime.block_on(async {
            let server = SiteServer::start(SiteSource::Dir(dir.path().to_path_buf())).await.expect("server");
            let base = CrawlConfig { rate: None, concurrency: 8, max_pages: pages * 2, ..CrawlConfig::default() };
            // Breadth-first: no priorities, every page.
            let began = Instant::now();
            let bfs = Crawler::new(base.clone()).expect("crawler").crawl(&server.url()).await.expect("crawl");
            let bfs_verdicts = Judge::new(&bfs, &rules, 2564).expect("judge").verdicts();
            let bfs_seconds = began.elapsed().as_secs_f64();
            // Best-first with the early stop (what `check` does).
            let began = Instant::now();
            let config = oitcheck::check::best_first(&rules, &base).expect("priority");
            let best = Crawler::new(config).expect("crawler").crawl(&server.url()).await.expect("crawl");
            let best_verdicts = Judge::new(&best, &rules, 2564).expect("judge").verdicts();
            let best_seconds = began.elapsed().as_secs_f64();
            let same = bfs_verdicts.iter().zip(&best_verdicts).all(|(a, b)| {
                a.pass == b.pass
                    && a.reasons.iter().map(|r| r.code).eq(b.reasons.iter().map(|r| r.code))
                    && a.evidence_url == b.evidence_url
            });
            let passed = best_verdicts.iter().filter(|v| v.pass).count();
            println!("== site of {pages} pages ({} fetched breadth-first) ==", bfs.stats.pages_fetched);
            println!("requests until all verdicts final:");
            println!("  breadth-first        {:>7}  ({:>6.0} s at 2 req/s, {bfs_seconds:.2} s unlimited)", bfs.stats.requests, bfs.stats.requests as f64 / 2.0);
            println!("  best-first           {:>7}  ({:>6.0} s at 2 req/s, {best_seconds:.2} s unlimited)", best.stats.requests, best.stats.requests as f64 / 2.0);
            println!("  ratio                {:>6.1}%   same verdicts: {same} ({passed} pass)", 100.0 * best.stats.requests as f64 / bfs.stats.requests as f64);
            println!("throughput, rate limit off (same run):");
            println!("  oitcheck crawl+parse+match  {:>7.0} pages/s", bfs.stats.pages_fetched as f64 / bfs_seconds);
            if let Some(mb) = peak_rss_mb() {
                println!("  peak RSS so far             {mb:>7.1} MB (crawler and loopback server in one process)");
            }
            match wget_pages_per_second(server.url().as_str()) {
                Some((files, rate)) => println!("  wget --recursive            {rate:>7.0} pages/s ({files} files)"),
                None => println!("  wget --recursive            not available"),
            }
        });
    }
}
