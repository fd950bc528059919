//! One self-contained HTML file: no scripts, no network, Thai fonts from the
//! system. Built with maud, which escapes everything interpolated, so text
//! from crawled sites (titles, anchor texts) can never inject markup.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::labels::{labels, Labels};
use super::verify::VerifyReport;
use super::{Lang, Report, ReportedItem};
use crate::score::round2;

const STYLE: &str = r#"
:root { --ok: #1b7f3b; --bad: #b3261e; --muted: #5f6368; --line: #e0e0e0; }
* { box-sizing: border-box; }
body { font-family: "Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", "Loma", "Garuda", "Noto Sans", system-ui, sans-serif;
       margin: 0; color: #202124; background: #fafafa; line-height: 1.5; }
header, main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; }
header .inner { max-width: 1100px; margin: 0 auto; display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .9rem; }
.score { text-align: center; min-width: 11rem; }
.score .value { font-size: 3rem; font-weight: 700; }
.score .band { font-weight: 600; }
.bars { display: grid; grid-template-columns: 5rem 1fr 4rem; gap: .3rem .75rem; align-items: center; margin: 1rem 0; }
.bar { background: var(--line); height: .9rem; border-radius: .45rem; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--ok); }
.bar.low span { background: var(--bad); }
section { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
h2 { font-size: 1.1rem; margin: .2rem 0 .75rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
tr.fail { background: #fdf1f0; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .75rem; font-size: .8rem; font-weight: 700; color: #fff; }
.badge.pass { background: var(--ok); }
.badge.na { background: #8a8a8a; }
.badge.fail { background: var(--bad); }
.code { font-family: ui-monospace, "Cascadia Mono", monospace; font-size: .8rem; color: var(--bad); }
.advice { color: #0b57d0; }
.evidence { color: var(--muted); font-size: .85rem; }
a { color: #0b57d0; word-break: break-all; }
ol.fix li { margin: .2rem 0; }
#failing:checked ~ .items tr.pass, #failing:checked ~ .items tr.na { display: none; }
"#;

/// The page shell shared by the check and verify reports.
fn page(lang: Lang, title: &str, body: Markup) -> String {
    let lang_attr = if lang == Lang::Th { "th" } else { "en" };
    html! {
        (DOCTYPE)
        html lang=(lang_attr) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// A URL as a Thai reader wants to see it: percent-encoded Thai decoded
/// (the link itself keeps the encoded form).
fn shown(url: &str) -> String {
    crate::textnorm::percent_decode(url)
}

/// The row class: `pass`, `fail` or `na` (not assessed).
fn row_class(item: &ReportedItem) -> &'static str {
    match (item.is_assessed(), item.passed()) {
        (false, _) => "na",
        (true, true) => "pass",
        (true, false) => "fail",
    }
}

/// The verdict, URL, reasons with advice, and evidence of one item.
fn item_cells(lang: Lang, l: &Labels, item: &ReportedItem) -> Markup {
    let pass = item.passed();
    let (class, word) = match (item.is_assessed(), pass) {
        (false, _) => ("na", l.not_assessed),
        (true, true) => ("pass", l.pass),
        (true, false) => ("fail", l.fail),
    };
    html! {
        td { strong { (item.id) } }
        td { (item.title_in(lang)) }
        td { span class={ "badge " (class) } { (word) } }
        td {
            @if let Some(note) = &item.note { div class="evidence" { (note) } }
            @if let Some(url) = &item.evidence_url {
                @if pass { a href=(url) { (shown(url)) } } @else { span class="evidence" { (l.checked) ": " a href=(url) { (shown(url)) } } }
            }
            @for reason in &item.reasons {
                div {
                    span class="code" { (reason.code) } " " (reason.message)
                    @if let Some(advice) = &reason.advice {
                        div class="advice" { (l.advice) ": " (advice) }
                    }
                }
            }
            @if let Some(evidence) = &item.evidence {
                div class="evidence" {
                    @if let Some(anchor) = &evidence.anchor_text { (l.anchor) ": “" (anchor) "” " }
                    @if let Some(from) = &evidence.linked_from { (l.linked_from) " " a href=(from) { (shown(from.as_str())) } " " }
                    @if let Some(doc) = &evidence.document { (l.document) ": " a href=(doc) { (shown(doc.as_str())) } }
                }
            }
        }
    }
}

/// Renders a check report as HTML.
#[must_use]
pub fn render(report: &Report) -> String {
    let l = labels(report.lang);
    let lang = report.lang;
    let passed = report.passed();
    let groups = report.groups();
    let group_label = if report.scores.sub_indicators.is_empty() {
        l.indicator
    } else {
        l.sub_indicator
    };
    let body = html! {
        header { div class="inner" {
            div class="score" {
                div class="meta" { (l.oit) }
                div class="value" { (format!("{:.2}", round2(report.scores.oit))) }
                @if let Some(band) = &report.oit_band { div class="band" { (l.band) " " (report.band(band)) } }
                div class="meta" { (l.passed) " " (passed) "/" (report.scores.coverage.assessed) }
            }
            div {
                h1 { (l.report_title) }
                @if let Some(coverage) = report.coverage_text() { div class="meta" { strong { (coverage) } } }
                @if let Some(note) = &report.scoring_note { div class="meta" { (note) } }
                div class="meta" { (l.site) ": " a href=(report.site) { (report.site) } }
                div class="meta" { (l.year) " " (report.assessment_year) " · " (report.framework) " · oitcheck " (report.tool.version) }
                div class="meta" {
                    (l.crawl) ": " (report.crawl.pages_fetched) " " (l.pages) ", " (report.crawl.requests) " " (l.requests)
                    ", " (report.crawl.errors) " " (l.errors)
                }
                @if report.crawl.truncated || report.crawl.stopped.is_some() { div class="meta" { strong { (l.truncated) } } }
                @if let Some(ita) = &report.ita {
                    div { strong { (l.ita) ": " (format!("{:.2}", round2(ita.total))) }
                          @if let Some(g) = &ita.grade { " (" (report.band(g)) ")" } }
                }
            }
        } }
        main {
            section {
                h2 { (group_label) }
                div class="bars" {
                    @for (id, value) in groups.iter().filter_map(|g| report.group_score(g).map(|v| (g, v))) {
                        div { (id) }
                        div class={ "bar" (if value < 50.0 { " low" } else { "" }) } {
                            span style={ "width:" (format!("{:.1}", value.clamp(0.0, 100.0))) "%" } {}
                        }
                        div { (format!("{:.2}", round2(value))) }
                    }
                }
            }
            section {
                h2 { (l.fix_first) }
                @if report.fix_first.is_empty() { p { (l.all_pass) } } @else {
                    p class="meta" { (l.fix_first_note) }
                    ol class="fix" {
                        @for fix in &report.fix_first {
                            li { strong { (fix.id) } " " (if lang == Lang::Th { &fix.title } else { &fix.title_en })
                                 " — +" (format!("{:.2}", fix.points)) " " span class="code" { (fix.code) } }
                        }
                    }
                }
            }
            section {
                input type="checkbox" id="failing";
                label for="failing" { " " (l.failing_only) }
                div class="items" {
                    @for group in &groups {
                        h3 { (group_label) " " (group) " — "
                             (report.group_score(group).map_or_else(|| l.not_assessed.to_string(), |v| format!("{:.2}", round2(v)))) }
                        table {
                            thead { tr { th { (l.item) } th { (l.title) } th { (l.verdict) } th { (l.submit) " / " (l.reasons) } } }
                            tbody {
                                @for item in report.items.iter().filter(|i| i.group() == *group) {
                                    tr class=(row_class(item)) { (item_cells(lang, l, item)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(lang, &format!("{} — {}", l.report_title, report.site), body)
}

/// Renders a verify report as HTML: one row per answer.
#[must_use]
pub fn render_verify(report: &VerifyReport) -> String {
    let l = labels(report.lang);
    let lang = report.lang;
    let passed = report.items.iter().filter(|i| i.item.passed()).count();
    let body = html! {
        header { div class="inner" {
            div class="score" {
                div class="meta" { (l.oit) }
                div class="value" { (format!("{:.2}", round2(report.scores.oit))) }
                div class="meta" { (l.passed) " " (passed) "/" (report.items.len()) }
            }
            div {
                h1 { (l.report_title) " (verify)" }
                div class="meta" { (l.site) ": " a href=(report.site) { (report.site) } }
                div class="meta" { (l.year) " " (report.assessment_year) " · " (report.framework) }
            }
        } }
        main { section { table {
            thead { tr { th { (l.item) } th { (l.title) } th { (l.verdict) } th { (l.reasons) } } }
            tbody {
                @for row in &report.items {
                    tr class=(row_class(&row.item)) {
                        (item_cells(lang, l, &row.item))
                    }
                    tr class="evidence" { td {} td colspan="3" {
                        "answer: " a href=(row.answer_url) { (row.answer_url) }
                        @if let Some(s) = &row.suggested_url { " → " a href=(s) { (s) } }
                    } }
                }
            }
        } }
        @if !report.errors.is_empty() {
            section { ul { @for e in &report.errors { li { "line " (e.line) ": " (e.message) } } } }
        } }
    };
    page(lang, &format!("{} — {}", l.report_title, report.site), body)
}

/// Sorts the summary table by a clicked column (the only script: a report
/// for auditors must sort without a server).
const SORT_SCRIPT: &str = r#"
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.dataset.asc !== 'true';
    th.dataset.asc = asc;
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v || a.cells[col].textContent;
      var y = b.cells[col].dataset.v || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'th');
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"#;

/// The batch summary: one sortable row per agency, then the items that fail
/// most across agencies.
#[must_use]
pub fn render_summary(rows: &[crate::batch::SummaryRow], items: &[(String, usize)]) -> String {
    let body = html! {
        main {
            section {
                h2 { "สรุปผลรายหน่วยงาน / Agencies (" (rows.len()) ")" }
                p class="meta" { "คลิกหัวตารางเพื่อเรียงลำดับ · click a column to sort" }
                table class="sortable" {
                    thead { tr { th { "หน่วยงาน" } th { "จังหวัด" } th { "ประเภท" } th { "สถานะ" } th { "OIT" } th { "ระดับ" } th { "ผ่าน" } th { "ข้อที่ไม่ผ่าน" } th { "เหตุผลที่พบบ่อย" } } }
                    tbody {
                        @for r in rows {
                            tr class=(if r.status == "done" || r.status == "resumed" { "pass" } else { "fail" }) {
                                td { a href=(r.url) { (r.name) } }
                                td { (r.province) }
                                td { (r.kind) }
                                td { (r.status) @if !r.detail.is_empty() { div class="evidence" { (r.detail) } } }
                                td data-v=(r.oit.map_or(-1.0, |o| o)) { (r.oit.map(|o| format!("{:.2}", round2(o))).unwrap_or_default()) }
                                td { (r.band.clone().unwrap_or_default()) }
                                td data-v=(r.passed.unwrap_or(0)) {
                                    (r.passed.map(|p| p.to_string()).unwrap_or_default())
                                    @if let Some(a) = r.assessed { "/" (a) }
                                }
                                td data-v=(r.failed.len()) { (r.failed.join(" ")) }
                                td { (r.top_reasons.join(" ")) }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "ข้อที่ไม่ผ่านมากที่สุด / Items failing most" }
                table class="sortable" {
                    thead { tr { th { "ข้อ" } th { "จำนวนหน่วยงานที่ไม่ผ่าน" } } }
                    tbody { @for (id, n) in items { tr { td { (id) } td data-v=(n) { (n) } } } }
                }
            }
            script { (PreEscaped(SORT_SCRIPT)) }
        }
    };
    page(Lang::Th, "oitcheck batch summary", body)
}
