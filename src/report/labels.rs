//! Words around the data in reports, in Thai and English.

use super::Lang;

/// Report labels for one language.
#[allow(missing_docs)]
pub struct Labels {
    pub site: &'static str,
    pub year: &'static str,
    pub oit: &'static str,
    pub indicator: &'static str,
    pub sub_indicator: &'static str,
    pub passed: &'static str,
    pub crawl: &'static str,
    pub submit: &'static str,
    pub ita: &'static str,
    pub truncated: &'static str,
    pub checked: &'static str,
    pub pages: &'static str,
    pub requests: &'static str,
    pub errors: &'static str,
    pub band: &'static str,
    pub fix_first: &'static str,
    pub fix_first_note: &'static str,
    pub points: &'static str,
    pub item: &'static str,
    pub title: &'static str,
    pub verdict: &'static str,
    pub pass: &'static str,
    pub fail: &'static str,
    pub reasons: &'static str,
    pub advice: &'static str,
    pub anchor: &'static str,
    pub linked_from: &'static str,
    pub document: &'static str,
    pub all_pass: &'static str,
    pub report_title: &'static str,
    pub failing_only: &'static str,
    pub not_assessed: &'static str,
    /// "{assessed} of {total} items" wording.
    pub coverage: &'static str,
    /// "{ids} not assessed" wording.
    pub coverage_gap: &'static str,
}

const TH: Labels = Labels {
    site: "เว็บไซต์",
    year: "ปีที่ประเมิน",
    oit: "คะแนน OIT (คาดการณ์)",
    indicator: "ตัวชี้วัด",
    sub_indicator: "ตัวชี้วัดย่อย",
    passed: "ผ่าน",
    crawl: "การสำรวจเว็บไซต์",
    submit: "URL ที่ควรตอบ",
    ita: "คะแนน ITA (คาดการณ์)",
    truncated: "หมายเหตุ: การสำรวจหยุดก่อนครบทุกหน้า (ถึงขีดจำกัดจำนวนหน้า เวลา หรือถูกขัดจังหวะ) ผลยังไม่สมบูรณ์",
    checked: "หน้าที่ตรวจพบ",
    pages: "หน้า",
    requests: "คำขอ",
    errors: "ข้อผิดพลาด",
    band: "ระดับ",
    fix_first: "แก้ไขข้อใดก่อน",
    fix_first_note: "เรียงตามคะแนน OIT ที่จะเพิ่มขึ้นหากแก้ไขข้อนั้นได้",
    points: "คะแนนที่เพิ่ม",
    item: "ข้อ",
    title: "ข้อมูล",
    verdict: "ผล",
    pass: "ผ่าน",
    fail: "ไม่ผ่าน",
    reasons: "เหตุผล",
    advice: "วิธีแก้ไข",
    anchor: "ข้อความลิงก์",
    linked_from: "ลิงก์จากหน้า",
    document: "เอกสาร",
    all_pass: "ผ่านทุกข้อ",
    report_title: "ผลการตรวจเว็บไซต์ตามแบบ OIT",
    failing_only: "แสดงเฉพาะข้อที่ไม่ผ่าน",
    not_assessed: "ยังไม่ประเมิน",
    coverage: "คาดการณ์จาก {assessed} จาก {total} รายการ",
    coverage_gap: "ข้อ {ids} ยังไม่ประเมินเพราะไม่ทราบเกณฑ์ จึงไม่นำมาคิดคะแนนและไม่เดาผล",
};

const EN: Labels = Labels {
    site: "Site",
    year: "Assessment year",
    oit: "Predicted OIT score",
    indicator: "Indicator",
    sub_indicator: "Sub-indicator",
    passed: "passed",
    crawl: "Crawl",
    submit: "URL to submit",
    ita: "Predicted ITA score",
    truncated: "Note: the crawl stopped early (page limit, deadline or interruption); the results are incomplete",
    checked: "Page found",
    pages: "pages",
    requests: "requests",
    errors: "errors",
    band: "Band",
    fix_first: "Fix first",
    fix_first_note: "Ordered by the OIT points each fix would add",
    points: "Points gained",
    item: "Item",
    title: "Information",
    verdict: "Result",
    pass: "pass",
    fail: "fail",
    reasons: "Reasons",
    advice: "How to fix",
    anchor: "Link text",
    linked_from: "Linked from",
    document: "Document",
    all_pass: "Every item passes",
    report_title: "OIT website check",
    failing_only: "Show failing items only",
    not_assessed: "not assessed",
    coverage: "predicted on {assessed} of {total} items",
    coverage_gap: "{ids} not assessed: their rule is not known, so they are left out of the score, not guessed",
};

/// The labels for a language.
#[must_use]
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Th => &TH,
        Lang::En => &EN,
    }
}

/// "9.1" → 9.1, so indicators sort as numbers ("9" before "10").
#[must_use]
pub fn numeric(id: &str) -> f64 {
    id.parse().unwrap_or(f64::MAX)
}
