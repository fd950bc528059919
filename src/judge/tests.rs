//! Judging from HTML strings: site graphs built in memory, no network.

use super::*;
use crate::crawl::extract::extract;
use crate::graph::{Content, FetchStatus, LinkRef};
use crate::thaidate::YearSpan;

const SITE: &str = "http://sao.example.go.th/";

/// A fetched site from `(path, html)` pages; `.pdf` paths are documents
/// (a `None` body means the document answered 404).
fn site(pages: &[(&str, Option<&str>)]) -> SiteGraph {
    let base = Url::parse(SITE).expect("url");
    let mut graph = SiteGraph::new(base.clone());
    for (path, body) in pages {
        let url = base.join(path).expect("url");
        let id = graph.intern(&url, if *path == "/" { 0 } else { 1 });
        let resource = &mut graph.resources[id];
        match body {
            None => resource.status = FetchStatus::Http { status: 404 },
            Some(_) if path.ends_with(".pdf") => {
                resource.status = FetchStatus::Ok { status: 200 };
                resource.content = Content::Document {
                    content_type: "application/pdf".into(),
                    file_name: None,
                };
            }
            Some(html) => {
                resource.status = FetchStatus::Ok { status: 200 };
                resource.content = Content::Page(Box::new(extract(html, &url)));
            }
        }
    }
    let links: Vec<(usize, usize, Url)> = graph
        .pages()
        .flat_map(|(id, p)| {
            p.links
                .iter()
                .enumerate()
                .map(move |(i, l)| (id, i, (*l.target).clone()))
        })
        .collect();
    for (from, index, target) in links {
        let to = graph.intern(&target, 2);
        graph.resources[to].inbound.push(LinkRef { from, index });
    }
    graph
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<html><head><title>{title} - อบต.ตัวอย่าง</title></head><body>\
         <nav><ul><li><a href=\"/contact.html\">ติดต่อเรา</a></li><li><a href=\"/qa.html\">กระดานถาม-ตอบ</a></li>\
         <li><a href=\"/plan.html\">แผนการจัดซื้อจัดจ้าง</a></li><li><a href=\"/culture.html\">การเสริมสร้างวัฒนธรรมองค์กร</a></li></ul></nav>\
         <main><h2>{title}</h2>{body}</main></body></html>"
    )
}

fn verdict(graph: &SiteGraph, year: u32, id: &str) -> Verdict {
    let rules = RuleSet::embedded().expect("rules");
    Judge::new(graph, &rules, year)
        .expect("judge")
        .verdicts()
        .into_iter()
        .find(|v| v.item == id)
        .expect("item judged")
}

fn codes(v: &Verdict) -> Vec<ReasonCode> {
    v.reasons.iter().map(|r| r.code).collect()
}

fn home() -> String {
    page("หน้าแรก", "<p>ยินดีต้อนรับสู่เว็บไซต์องค์การบริหารส่วนตำบลตัวอย่าง</p>")
}

#[test]
fn a_menu_entry_to_an_empty_page_proves_nothing() {
    let culture = page("การเสริมสร้างวัฒนธรรมองค์กร", "<p>อยู่ระหว่างปรับปรุงข้อมูล</p>");
    let graph = site(&[("/", Some(&home())), ("/culture.html", Some(&culture))]);
    let v = verdict(&graph, 2564, "O38");
    assert_eq!(codes(&v), [ReasonCode::ContentNotEvident]);
}

#[test]
fn a_linked_pdf_passes_with_its_page_as_evidence_and_the_year_checked() {
    let plan = |year: &str| {
        page(
            "แผนการจัดซื้อจัดจ้าง",
            &format!("<ul><li><a href=\"/files/p.pdf\">แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. {year}</a></li></ul>"),
        )
    };
    let good = plan("๒๕๖๔");
    let graph = site(&[
        ("/", Some(&home())),
        ("/plan.html", Some(&good)),
        ("/files/p.pdf", Some("")),
    ]);
    let v = verdict(&graph, 2564, "O21");
    assert!(v.pass, "{v:?}");
    assert_eq!(v.evidence_url.as_ref().map(Url::path), Some("/plan.html"));

    let old = plan("2562");
    let graph = site(&[
        ("/", Some(&home())),
        ("/plan.html", Some(&old)),
        ("/files/p.pdf", Some("")),
    ]);
    let v = verdict(&graph, 2564, "O21");
    assert_eq!(codes(&v), [ReasonCode::WrongYear]);
    assert_eq!(v.reasons[0].years, [YearSpan::single(2562)]);
}

#[test]
fn a_dead_document_is_not_reachable() {
    let plan = page(
        "แผนการจัดซื้อจัดจ้าง",
        "<p><a href=\"/files/p.pdf\">แผนการจัดซื้อจัดจ้าง ปี 2564</a></p>",
    );
    let graph = site(&[
        ("/", Some(&home())),
        ("/plan.html", Some(&plan)),
        ("/files/p.pdf", None),
    ]);
    let v = verdict(&graph, 2564, "O21");
    assert_eq!(codes(&v), [ReasonCode::NotReachable]);
    assert_eq!(v.reasons[0].status.as_deref(), Some("404"));
}

#[test]
fn contact_page_without_fax_lacks_an_element() {
    let contact = |fax: &str| {
        page(
            "ติดต่อเรา",
            &format!(
                "<p>ที่อยู่ 99 หมู่ 1 ตำบลตัวอย่าง อำเภอเมือง จังหวัดตัวอย่าง 40000</p>\
                 <p>โทรศัพท์ 0 4300 1234 {fax}</p><p>อีเมล saraban@example.go.th</p>\
                 <iframe src=\"https://www.google.com/maps/embed?pb=1\"></iframe>"
            ),
        )
    };
    let without = contact("");
    let v = verdict(
        &site(&[("/", Some(&home())), ("/contact.html", Some(&without))]),
        2564,
        "O5",
    );
    assert_eq!(codes(&v), [ReasonCode::MissingElements]);
    assert_eq!(v.reasons[0].elements, ["fax"]);
    let with = contact("โทรสาร 0 4300 1235");
    let v = verdict(
        &site(&[("/", Some(&home())), ("/contact.html", Some(&with))]),
        2564,
        "O5",
    );
    assert!(v.pass, "{v:?}");
}

#[test]
fn a_qa_channel_needs_a_form_on_the_site() {
    let facebook_only = page(
        "กระดานถาม-ตอบ",
        "<p>สอบถามข้อมูลได้ที่เพจ <a href=\"https://www.facebook.com/sao\">Facebook อบต.</a> หรือโทร 0 4300 1234</p>",
    );
    let v = verdict(
        &site(&[("/", Some(&home())), ("/qa.html", Some(&facebook_only))]),
        2564,
        "O8",
    );
    assert_eq!(codes(&v), [ReasonCode::ChannelNotOnSite]);
    let with_form = page(
        "กระดานถาม-ตอบ",
        "<p>ตั้งคำถาม</p><form method=\"post\" action=\"/qa.html\"><input name=\"name\"><textarea name=\"q\"></textarea></form>",
    );
    let v = verdict(
        &site(&[("/", Some(&home())), ("/qa.html", Some(&with_form))]),
        2564,
        "O8",
    );
    assert!(v.pass, "{v:?}");
}

#[test]
fn an_ita_table_row_names_a_generic_download_link() {
    let hub = page(
        "การเปิดเผยข้อมูลสาธารณะ (OIT)",
        "<table><tr><td>O21</td><td>แผนการจัดซื้อจัดจ้างหรือแผนการจัดหาพัสดุ ปี ๖๔</td>\
         <td><a href=\"/files/o21.pdf\">ดาวน์โหลด</a></td></tr></table>",
    );
    let graph = site(&[
        ("/", Some(&home())),
        ("/ita.html", Some(&hub)),
        ("/files/o21.pdf", Some("")),
    ]);
    let v = verdict(&graph, 2564, "O21");
    assert!(v.pass, "{v:?}");
    assert_eq!(v.evidence_url.as_ref().map(Url::path), Some("/ita.html"));
}

#[test]
fn a_section_heading_names_the_links_under_it() {
    let hub = page(
        "ITA 2564",
        "<h3>O10 แผนดำเนินงานประจำปี</h3><p><a href=\"/files/a.pdf\">คลิกที่นี่</a> (ปีงบประมาณ 2564)</p>             <h3>O1 โครงสร้าง</h3><p><a href=\"/files/b.pdf\">คลิกที่นี่</a></p>",
    );
    let graph = site(&[
        ("/", Some(&home())),
        ("/ita.html", Some(&hub)),
        ("/files/a.pdf", Some("")),
        ("/files/b.pdf", Some("")),
    ]);
    let v = verdict(&graph, 2564, "O10");
    assert!(v.pass, "{v:?}");
    assert_eq!(
        v.evidence
            .and_then(|e| e.document)
            .map(|d| d.path().to_string())
            .as_deref(),
        Some("/files/a.pdf")
    );
}

#[test]
fn a_soft_404_is_not_reachable() {
    let missing = page("ไม่พบหน้าที่ต้องการ (404)", "<p>ขออภัย</p>");
    let graph = site(&[("/", Some(&home())), ("/plan.html", Some(&missing))]);
    let v = verdict(&graph, 2564, "O21");
    assert_eq!(codes(&v), [ReasonCode::NotReachable]);
}

#[test]
fn a_page_showing_its_own_data_is_dated_by_it_as_well_as_by_its_documents() {
    // The statistics table of FY 2564 is on the page; the linked file is
    // last year's whole-year summary.
    let rows: String = [
        "ต.ค. 63",
        "พ.ย. 63",
        "ธ.ค. 63",
        "ม.ค. 64",
        "ก.พ. 64",
        "มี.ค. 64",
    ]
    .iter()
    .map(|m| format!("<tr><td>{m}</td><td>38</td><td>12</td><td>215</td></tr>"))
    .collect();
    let stats = page(
        "สถิติการให้บริการประชาชน ประจำปีงบประมาณ พ.ศ. 2564",
        &format!(
            "<p>ข้อมูลตั้งแต่เดือนตุลาคม 2563 ถึงเดือนมีนาคม 2564 (ราย)</p>\
             <table><tr><th>เดือน</th><th>ทะเบียนพาณิชย์</th><th>ภาษี</th><th>เบี้ยยังชีพ</th></tr>{rows}</table>\
             <p><a href=\"/files/stat-2563.pdf\">สถิติการให้บริการ ปีงบประมาณ 2563 (ทั้งปี)</a></p>"
        ),
    );
    let home_links = page("หน้าแรก", "<p><a href=\"/stats.html\">สถิติการให้บริการ</a></p>");
    let graph = site(&[
        ("/", Some(&home_links)),
        ("/stats.html", Some(&stats)),
        ("/files/stat-2563.pdf", Some("")),
    ]);
    let v = verdict(&graph, 2564, "O15");
    assert!(v.pass, "{v:?}");

    // A list of last year's files is not dated by the post's own date,
    // even when the post went up in the current fiscal year.
    let list: String = (1..=6)
        .map(|m| {
            format!(
                "<tr><td>เดือนที่ {m} ปี 2563</td><td>แบบ สขร.1 ประจำเดือน ปีงบประมาณ 2563</td>\
                 <td><a href=\"/files/skr1-2563-{m}.pdf\">ดาวน์โหลด</a></td></tr>"
            )
        })
        .collect();
    let monthly = page(
        "สรุปผลการจัดซื้อจัดจ้าง (สขร.1) ปีงบประมาณ 2563",
        &format!(
            "<p class=\"date\">โพสต์เมื่อ 8 ต.ค. 2563 | หมวด : ศูนย์ข้อมูลข่าวสาร | เปิดอ่าน 273 ครั้ง</p>\
             <p>สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน (แบบ สขร.1) ประจำปีงบประมาณ พ.ศ. 2563 \
             ตามประกาศคณะกรรมการข้อมูลข่าวสารของราชการ เรื่อง กำหนดให้ข้อมูลเกี่ยวกับผลการพิจารณาการจัดซื้อจัดจ้าง\
             ของหน่วยงานของรัฐเป็นข้อมูลข่าวสารที่ต้องจัดไว้ให้ประชาชนตรวจดู</p>\
             <table>{list}</table>"
        ),
    );
    let mut pages = vec![
        (
            "/".to_string(),
            page(
                "หน้าแรก",
                "<p><a href=\"/skr1.html\">สรุปผลการจัดซื้อจัดจ้างรายเดือน</a></p>",
            ),
        ),
        ("/skr1.html".to_string(), monthly),
    ];
    pages.extend((1..=6).map(|m| (format!("/files/skr1-2563-{m}.pdf"), String::new())));
    let refs: Vec<(&str, Option<&str>)> = pages
        .iter()
        .map(|(p, b)| (p.as_str(), Some(b.as_str())))
        .collect();
    let v = verdict(&site(&refs), 2564, "O23");
    assert_eq!(codes(&v), [ReasonCode::WrongYear], "{v:?}");
}

#[test]
fn a_documents_names_come_from_its_url_query_and_server() {
    let mut graph = SiteGraph::new(Url::parse(SITE).expect("url"));
    let name_of = |graph: &mut SiteGraph, url: &str, given: Option<&str>| {
        let id = graph.intern(&Url::parse(url).expect("url"), 1);
        graph.resources[id].content = Content::Document {
            content_type: "application/pdf".into(),
            file_name: given.map(str::to_string),
        };
        file_name(graph.get(id))
    };
    let portal = name_of(
        &mut graph,
        "http://sao.example.go.th/documents/20182/245113/plan-2569.pdf/3f2a-11ee",
        None,
    );
    assert!(portal.contains("plan-2569.pdf"), "{portal}");
    let script = name_of(
        &mut graph,
        "http://sao.example.go.th/Download.ashx?file=uploads/report-2568.pdf&id=2566",
        Some("รายงานผล ปี 2568.pdf"),
    );
    assert!(script.contains("report-2568.pdf") && script.contains("รายงานผล ปี 2568.pdf"));
    assert!(
        !script.contains("2566"),
        "a record id is not a year: {script}"
    );
}
