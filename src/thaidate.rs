//! Thai dates: Buddhist-era years, Thai numerals, month names and fiscal years.
//!
//! The Thai government fiscal year Y runs from 1 ตุลาคม (Y-1) to 30 กันยายน Y,
//! in the Buddhist era (BE = CE + 543). Agency pages write years in Arabic or
//! Thai digits ("2564", "๒๕๖๔"), as ranges for multi-year plans
//! ("2561-2565", "พ.ศ. ๒๕๖๑ – ๒๕๖๕"), as dates ("1 ต.ค. 63") or in CE on
//! English-language pages. This module finds all of them in free text.

use crate::textnorm::thai_digits_to_ascii;

/// Earliest Buddhist-era year accepted as a year mention.
const MIN_BE: u32 = 2540;
/// Latest Buddhist-era year accepted as a year mention.
const MAX_BE: u32 = 2600;
/// Offset between the Buddhist and Common eras.
pub const BE_OFFSET: u32 = 543;

/// A span of fiscal years mentioned in a text; a single year has `from == to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct YearSpan {
    /// First fiscal year (BE).
    pub from: u32,
    /// Last fiscal year (BE), inclusive.
    pub to: u32,
}

impl YearSpan {
    /// A single year.
    #[must_use]
    pub fn single(year: u32) -> Self {
        Self {
            from: year,
            to: year,
        }
    }

    /// Whether the span includes `year`.
    #[must_use]
    pub fn covers(&self, year: u32) -> bool {
        self.from <= year && year <= self.to
    }

    /// Whether this is a multi-year span.
    #[must_use]
    pub fn is_range(&self) -> bool {
        self.to > self.from
    }
}

impl std::fmt::Display for YearSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_range() {
            write!(f, "{}-{}", self.from, self.to)
        } else {
            write!(f, "{}", self.from)
        }
    }
}

/// Thai month names and abbreviations with their month numbers (1 = January).
const MONTHS: &[(&str, u32)] = &[
    ("มกราคม", 1),
    ("กุมภาพันธ์", 2),
    ("มีนาคม", 3),
    ("เมษายน", 4),
    ("พฤษภาคม", 5),
    ("มิถุนายน", 6),
    ("กรกฎาคม", 7),
    ("สิงหาคม", 8),
    ("กันยายน", 9),
    ("ตุลาคม", 10),
    ("พฤศจิกายน", 11),
    ("ธันวาคม", 12),
    ("ม.ค.", 1),
    ("ก.พ.", 2),
    ("มี.ค.", 3),
    ("เม.ย.", 4),
    ("พ.ค.", 5),
    ("มิ.ย.", 6),
    ("ก.ค.", 7),
    ("ส.ค.", 8),
    ("ก.ย.", 9),
    ("ต.ค.", 10),
    ("พ.ย.", 11),
    ("ธ.ค.", 12),
];

/// The fiscal year (BE) that a calendar date (BE year, month 1–12) belongs to.
#[must_use]
pub fn fiscal_year_of(year_be: u32, month: u32) -> u32 {
    if month >= 10 {
        year_be + 1
    } else {
        year_be
    }
}

/// Finds the year mentions in `text`: plain years, ranges and dates.
///
/// Dates with a month (Thai name or abbreviation) are mapped to their fiscal
/// year, so "15 ต.ค. 2563" yields FY 2564 as well as the calendar year 2563
/// (an agency may write either). Two-digit years are read only after a month
/// name or "ปี"/"พ.ศ." ("ต.ค. 63", "ปี 64"). Common-era years (2000–2057)
/// are converted to BE.
///
/// A stated year beats a date: in "รายงานประจำปีงบประมาณ 2563 (30 ต.ค. 2563)"
/// the report is of FY 2563; the date is when it was posted. So when a text
/// states a year outside any date, its dates are not counted.
#[must_use]
pub fn find_years(text: &str) -> Vec<YearSpan> {
    let text = thai_digits_to_ascii(text);
    let chars: Vec<char> = text.chars().collect();
    let mut stated = Vec::new();
    let mut dated = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let number: Option<u32> = if j - start <= 4 {
            chars[start..j].iter().collect::<String>().parse().ok()
        } else {
            None
        };
        let before: String = chars[start.saturating_sub(16)..start].iter().collect();
        if let Some(year) = number.and_then(|n| as_year(n, j - start, &before)) {
            // "01/10/2563", "15.03.2564": a numeric date maps to its fiscal year.
            if let Some(month) = numeric_month_before(&chars[..start]) {
                dated.push(YearSpan::single(year));
                dated.push(YearSpan::single(fiscal_year_of(year, month)));
                i = j;
                continue;
            }
            // A range: "2561-2565", "2561 – 2565", "2561 ถึง 2565", "2566-70".
            if let Some((to, end)) = range_end(&chars, j, year) {
                stated.push(YearSpan { from: year, to });
                i = end;
                continue;
            }
            match month_before(&before) {
                Some(month) => {
                    dated.push(YearSpan::single(year));
                    dated.push(YearSpan::single(fiscal_year_of(year, month)));
                }
                None => stated.push(YearSpan::single(year)),
            }
        }
        i = j;
    }
    let mut spans = if stated.is_empty() { dated } else { stated };
    spans.sort_unstable();
    spans.dedup();
    spans
}

/// Reads `n` (written with `digits` digits) as a BE year if it looks like one.
fn as_year(n: u32, digits: usize, before: &str) -> Option<u32> {
    match digits {
        4 if (MIN_BE..=MAX_BE).contains(&n) => Some(n),
        4 if (2000..=MAX_BE - BE_OFFSET).contains(&n) => Some(n + BE_OFFSET),
        2 if month_before(before).is_some() || short_year_prefix(before) => {
            let year = 2500 + n;
            (MIN_BE..=MAX_BE).contains(&year).then_some(year)
        }
        _ => None,
    }
}

/// Whether a two-digit number right after this text is a year: "พ.ศ. 64",
/// "ปีงบประมาณ 64", "ประจำปี 64".
fn short_year_prefix(before: &str) -> bool {
    let trimmed = before.trim_end();
    ["พ.ศ.", "ปี", "ปีงบประมาณ", "ปีงบ", "งบประมาณ"]
        .iter()
        .any(|p| trimmed.ends_with(p))
}

/// The month named right before a number ("15 ต.ค. " or "ตุลาคม "), if any.
fn month_before(before: &str) -> Option<u32> {
    let trimmed = before.trim_end();
    MONTHS
        .iter()
        .find(|(name, _)| trimmed.ends_with(name))
        .map(|(_, month)| *month)
}

/// The month of a numeric date ending right before a year ("01/10/").
fn numeric_month_before(before: &[char]) -> Option<u32> {
    let n = before.len();
    let sep = *before.last()?;
    if !matches!(sep, '/' | '.') {
        return None;
    }
    let mut k = n - 1;
    while k > 0 && before[k - 1].is_ascii_digit() && n - 1 - k < 2 {
        k -= 1;
    }
    let month: u32 = before[k..n - 1].iter().collect::<String>().parse().ok()?;
    let day_sep = k.checked_sub(1).map(|d| before[d])?;
    (day_sep == sep && (1..=12).contains(&month)).then_some(month)
}

/// If a range continues at `pos` after the year `from`, returns its end year
/// and the position after it.
fn range_end(chars: &[char], pos: usize, from: u32) -> Option<(u32, usize)> {
    let mut k = pos;
    while k < chars.len() && chars[k] == ' ' {
        k += 1;
    }
    let rest: String = chars[k..chars.len().min(k + 8)].iter().collect();
    let sep_len = ["-", "–", "—", "ถึง", "ถึงปี"]
        .iter()
        .filter(|s| rest.starts_with(*s))
        .map(|s| s.chars().count())
        .max()?;
    k += sep_len;
    while k < chars.len() && (chars[k] == ' ' || chars[k] == '.') {
        k += 1;
    }
    let mut m = k;
    if chars[k..chars.len().min(k + 4)]
        .iter()
        .copied()
        .eq("พ.ศ.".chars())
    {
        m += 4;
        while m < chars.len() && chars[m] == ' ' {
            m += 1;
        }
    }
    let digit_start = m;
    while m < chars.len() && chars[m].is_ascii_digit() {
        m += 1;
    }
    let n: u32 = chars[digit_start..m]
        .iter()
        .collect::<String>()
        .parse()
        .ok()?;
    let to = match m - digit_start {
        4 if (MIN_BE..=MAX_BE).contains(&n) => n,
        4 if (2000..=MAX_BE - BE_OFFSET).contains(&n) => n + BE_OFFSET,
        2 => from / 100 * 100 + n,
        _ => return None,
    };
    (to > from && to - from <= 20).then_some((to, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(text: &str) -> Vec<String> {
        find_years(text).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn plain_years_in_both_digit_sets() {
        assert_eq!(years("ประจำปีงบประมาณ พ.ศ. 2564"), ["2564"]);
        assert_eq!(years("ประจำปีงบประมาณ พ.ศ. ๒๕๖๔"), ["2564"]);
    }

    #[test]
    fn ranges_of_multi_year_plans() {
        assert_eq!(years("แผนพัฒนาท้องถิ่น (พ.ศ. 2561 – 2565)"), ["2561-2565"]);
        assert_eq!(years("แผน ๒๕๖๑-๒๕๖๕"), ["2561-2565"]);
        assert_eq!(years("แผน 2566 ถึง 2570"), ["2566-2570"]);
        assert_eq!(years("แผน 2566-70"), ["2566-2570"]);
    }

    #[test]
    fn dates_map_to_their_fiscal_year() {
        assert_eq!(years("ประกาศ ณ วันที่ 15 ตุลาคม 2563"), ["2563", "2564"]);
        assert_eq!(years("1 ต.ค. 63"), ["2563", "2564"]);
        assert_eq!(years("31 มี.ค. 2564"), ["2564"]);
        assert_eq!(fiscal_year_of(2563, 10), 2564);
        assert_eq!(fiscal_year_of(2564, 9), 2564);
    }

    #[test]
    fn a_stated_year_beats_the_posting_date() {
        assert_eq!(
            years("รายงานผล ประจำปีงบประมาณ พ.ศ. 2563 30 ต.ค. 2563"),
            ["2563"]
        );
        assert_eq!(years("ข่าวกิจกรรม 30 ต.ค. 2563"), ["2563", "2564"]);
    }

    #[test]
    fn short_and_numeric_forms() {
        assert_eq!(years("แผนการดำเนินงาน ประจำปี 64"), ["2564"]);
        assert_eq!(years("ปีงบประมาณ ๖๔"), ["2564"]);
        assert_eq!(years("ประกาศ ณ วันที่ 01/10/2563"), ["2563", "2564"]);
        assert_eq!(years("15.03.2564"), ["2564"]);
        assert!(years("อายุ 64 ปี").is_empty());
    }

    #[test]
    fn phone_numbers_and_ce_years() {
        assert!(years("โทร 042-491234 ต่อ 25").is_empty());
        assert_eq!(years("Annual report 2021"), ["2564"]);
    }
}
