//! Answer sheets: the URLs a webmaster plans to submit, item by item.
//!
//! CSV with the columns `item,url` (more columns are ignored, several rows
//! per item allowed; UTF-8 with or without the BOM Excel writes), or TOML:
//!
//! ```toml
//! [[answers]]
//! item = "O1"
//! url = "https://www.example.go.th/about/structure.html"
//! ```
//!
//! A bad row (unknown item, empty or relative URL, malformed CSV) is an
//! [`AnswerError`] with its line number; the other rows are still read.

use serde::Deserialize;
use url::Url;

use crate::rules::RuleSet;

/// One planned answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 1-based line in the answer file.
    pub line: usize,
    /// Item id as in the rule file (`O5`).
    pub item: String,
    /// The URL to submit.
    pub url: Url,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnswerError {
    /// 1-based line in the answer file (0 when unknown).
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// Everything read from an answer file.
#[derive(Debug, Default)]
pub struct AnswerSheet {
    /// The rows that can be checked.
    pub answers: Vec<Answer>,
    /// The rows that cannot.
    pub errors: Vec<AnswerError>,
}

/// Reads an answer file; `toml` picks the TOML format, otherwise CSV.
#[must_use]
pub fn parse(text: &str, toml: bool, rules: &RuleSet) -> AnswerSheet {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let rows = if toml {
        toml_rows(text)
    } else {
        csv_rows(text)
    };
    let mut sheet = AnswerSheet::default();
    for row in rows {
        match row.and_then(|(line, item, url)| check_row(line, &item, &url, rules)) {
            Ok(answer) => sheet.answers.push(answer),
            Err(e) => sheet.errors.push(e),
        }
    }
    sheet
}

type Row = Result<(usize, String, String), AnswerError>;

fn csv_rows(text: &str) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(str::to_ascii_lowercase).collect::<Vec<_>>(),
        Err(e) => return vec![Err(error(1, format!("the header row cannot be read: {e}")))],
    };
    let (Some(item_col), Some(url_col)) = (
        headers.iter().position(|h| h == "item"),
        headers.iter().position(|h| h == "url"),
    ) else {
        return vec![Err(error(
            1,
            format!(
                "the header row must name the columns `item` and `url` (found: {})",
                headers.join(", ")
            ),
        ))];
    };
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                error(line, format!("malformed CSV: {e}"))
            })?;
            let line = record
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
            let field = |i: usize| record.get(i).unwrap_or_default().to_string();
            Ok((line, field(item_col), field(url_col)))
        })
        .filter(|row| !matches!(row, Ok((_, item, url)) if item.is_empty() && url.is_empty()))
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSheet {
    answers: Vec<TomlAnswer>,
}

#[derive(Deserialize)]
struct TomlAnswer {
    item: toml::Spanned<String>,
    url: String,
}

fn toml_rows(text: &str) -> Vec<Row> {
    match toml::from_str::<TomlSheet>(text) {
        Ok(sheet) => sheet
            .answers
            .into_iter()
            .map(|a| {
                let line = line_of(text, a.item.span().start);
                Ok((line, a.item.into_inner(), a.url))
            })
            .collect(),
        Err(e) => {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            vec![Err(error(
                line,
                format!("invalid TOML answer sheet: {}", e.message().trim()),
            ))]
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |t| t.matches('\n').count() + 1)
}

fn error(line: usize, message: String) -> AnswerError {
    AnswerError { line, message }
}

/// Validates one row: a known item and an absolute http(s) URL.
fn check_row(line: usize, item: &str, url: &str, rules: &RuleSet) -> Result<Answer, AnswerError> {
    let id = normalize_item_id(item);
    if id.is_empty() {
        return Err(error(line, "the item id is missing".to_string()));
    }
    let Some(item) = rules
        .items
        .iter()
        .find(|i| i.id().eq_ignore_ascii_case(&id))
    else {
        return Err(error(
            line,
            format!(
                "unknown item '{item}' (framework {} has {} items)",
                rules.framework.id,
                rules.items.len()
            ),
        ));
    };
    if !item.is_assessed() {
        return Err(error(
            line,
            format!(
                "item {} is not assessed: framework {} does not know its rule, so its answer cannot be judged",
                item.id(),
                rules.framework.id
            ),
        ));
    }
    if url.is_empty() {
        return Err(error(line, format!("the URL for {} is empty", item.id())));
    }
    let parsed = match Url::parse(url) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return Err(error(
                line,
                format!("'{url}' is a relative URL; give the full address (https://…)"),
            ))
        }
        Err(e) => return Err(error(line, format!("'{url}' is not a URL: {e}"))),
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(error(
            line,
            format!("'{url}' is not an http(s) web address"),
        ));
    }
    Ok(Answer {
        line,
        item: item.id().to_string(),
        url: parsed,
    })
}

/// "o 5", "O05", "O๕" → "O5".
fn normalize_item_id(item: &str) -> String {
    let ascii = crate::textnorm::thai_digits_to_ascii(item.trim());
    let compact: String = ascii.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(rest) = compact.strip_prefix(['O', 'o']) else {
        return compact;
    };
    match rest.parse::<u32>() {
        Ok(n) => format!("O{n}"),
        Err(_) => compact,
    }
}

/// A CSV template listing every item, with the Thai title as a comment column.
#[must_use]
pub fn template(rules: &RuleSet) -> String {
    let mut out = String::from("item,url,title\n");
    for item in &rules.items {
        out.push_str(&format!(
            "{},,\"{}\"\n",
            item.id(),
            item.title(crate::report::Lang::Th).replace('"', "\"\"")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::embedded().expect("rules")
    }

    #[test]
    fn csv_with_bom_several_rows_per_item_and_bad_lines() {
        let text = "\u{FEFF}item,url,title\n\
                    O1,https://www.example.go.th/structure.html,โครงสร้าง\n\
                    o 1,https://www.example.go.th/structure2.html,\n\
                    O99,https://www.example.go.th/x.html,\n\
                    O5,,\n\
                    O6,/laws.html,\n\
                    O8\n";
        let sheet = parse(text, false, &rules());
        let items: Vec<&str> = sheet.answers.iter().map(|a| a.item.as_str()).collect();
        assert_eq!(items, ["O1", "O1"]);
        let lines: Vec<usize> = sheet.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 6, 7], "{:?}", sheet.errors);
        assert!(sheet.errors[0].message.contains("unknown item"));
        assert!(sheet.errors[1].message.contains("empty"));
        assert!(sheet.errors[2].message.contains("relative"));
        assert!(
            sheet.errors[3].message.contains("O8"),
            "a row without a URL column names its item"
        );
    }

    /// An answer for an item the rules cannot judge is reported on its
    /// line, not dropped.
    #[test]
    fn answers_for_items_not_assessed_are_reported() {
        let rules = RuleSet::for_year(2568).expect("rules");
        let text = "item,url\nO1,https://www.example.go.th/structure.html\nO2,https://www.example.go.th/exec.html\n";
        let sheet = parse(text, false, &rules);
        assert_eq!(sheet.answers.len(), 1);
        assert_eq!(sheet.errors.len(), 1);
        assert_eq!(sheet.errors[0].line, 3);
        assert!(
            sheet.errors[0].message.contains("not assessed"),
            "{:?}",
            sheet.errors
        );
        assert!(template(&rules).contains("O2,,\"(ไม่ทราบชื่อรายการ)\""));
    }

    #[test]
    fn toml_answers_and_the_template() {
        let text = "[[answers]]\nitem = \"O2\"\nurl = \"https://www.example.go.th/exec.html\"\n\n[[answers]]\nitem = \"O77\"\nurl = \"https://www.example.go.th/\"\n";
        let sheet = parse(text, true, &rules());
        assert_eq!(sheet.answers.len(), 1);
        assert_eq!(sheet.answers[0].line, 2);
        assert_eq!(sheet.errors[0].line, 6);
        let template = template(&rules());
        assert_eq!(template.lines().count(), 44);
        assert!(template.contains("O5,,\"ข้อมูลการติดต่อ\""));
        let reread = parse(&template, false, &rules());
        assert_eq!(reread.errors.len(), 43, "every template row lacks its URL");
    }
}
