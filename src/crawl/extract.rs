//! HTML to [`Page`]: title, headings, text blocks, links with their context,
//! forms, frames and images — everything the judge reads.
//!
//! Navigation chrome (nav, footer, aside, menus, sidebars, breadcrumbs) is
//! flagged rather than dropped: menus are how assessors find a page, but a
//! menu label on every page is not content of every page.

use std::sync::{Arc, LazyLock};

use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{Html, Node};
use url::Url;

use crate::graph::{canonical, Block, Form, Link, Page};
use crate::textnorm::collapse_whitespace;

/// Longest context text kept for a link.
const MAX_CONTEXT_CHARS: usize = 300;

const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "ul",
    "ol",
    "table",
    "br",
    "dd",
    "dt",
    "blockquote",
    "form",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "caption",
    "figcaption",
    "option",
    "hr",
    "center",
    "address",
    "pre",
];

const CHROME_HINTS: &[&str] = &["nav", "menu", "footer", "sidebar", "breadcrumb", "dropdown"];

struct Frame {
    chrome: bool,
    block: bool,
    heading: bool,
    skip: bool,
    link: bool,
    breadcrumb: bool,
}

/// Whether a class/id list marks navigation chrome. Layout modifiers that
/// merely mention a sidebar or menu ("has-sidebar", "no-menu",
/// "with-sidebar", "sidebar-layout") describe the content area, not chrome.
fn is_chrome_class(class_id: &str) -> bool {
    class_id
        .split_whitespace()
        .filter(|token| {
            !["has-", "no-", "with-", "without-", "is-"]
                .iter()
                .any(|p| token.starts_with(p))
                && !token.ends_with("-layout")
        })
        .any(|token| CHROME_HINTS.iter().any(|h| token.contains(h)))
}

/// Parses an HTML document fetched from `base`.
#[must_use]
pub fn extract(html: &str, base: &Url) -> Page {
    let doc = Html::parse_document(html);
    let base = base_href(&doc, base);
    let mut page = Page::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut block = String::new();
    let mut breadcrumb = String::new();
    let mut link: Option<(Url, String, String, bool)> = None;
    let mut form: Option<Form> = None;

    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    let parent = stack.last();
                    let inherited_chrome = parent.is_some_and(|f| f.chrome);
                    let class_id = format!(
                        "{} {}",
                        el.attr("class").unwrap_or_default(),
                        el.attr("id").unwrap_or_default()
                    )
                    .to_ascii_lowercase();
                    let in_main = node.ancestors().any(|a| {
                        a.value()
                            .as_element()
                            .is_some_and(|e| matches!(e.name(), "article" | "main" | "section"))
                    });
                    // The page's <main> is content even inside a container
                    // the hints took for chrome.
                    let is_main = name == "main" || el.attr("role") == Some("main");
                    let chrome = !is_main
                        && (inherited_chrome
                            || matches!(name, "nav" | "footer" | "aside")
                            || (name == "header" && !in_main)
                            || is_chrome_class(&class_id));
                    let frame = Frame {
                        chrome,
                        block: BLOCK_ELEMENTS.contains(&name),
                        heading: matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                            || parent.is_some_and(|f| f.heading),
                        skip: matches!(
                            name,
                            "script" | "style" | "noscript" | "template" | "select"
                        ) || parent.is_some_and(|f| f.skip),
                        link: name == "a"
                            || (name == "button" && el.attr("onclick").is_some())
                            || parent.is_some_and(|f| f.link),
                        breadcrumb: class_id.contains("breadcrumb")
                            || parent.is_some_and(|f| f.breadcrumb),
                    };
                    if frame.block {
                        flush(&mut page, &mut block, parent);
                    }
                    match name {
                        "a" | "button" => {
                            let href = if name == "a" { el.attr("href") } else { None };
                            let target = href.and_then(|h| resolve(&base, h)).or_else(|| {
                                // `href="javascript:…"` or `onclick="window.open('…')"`
                                [href, el.attr("onclick")]
                                    .into_iter()
                                    .flatten()
                                    .find_map(script_target)
                                    .and_then(|t| resolve(&base, t))
                            });
                            if let Some(target) = target.filter(|_| link.is_none()) {
                                let title = el.attr("title").unwrap_or_default().to_string();
                                // Menus never need a row or section: their
                                // anchor alone names the target.
                                let context = if chrome {
                                    String::new()
                                } else {
                                    link_context(node)
                                };
                                link = Some((target, title, context, chrome));
                            }
                        }
                        "img" => {
                            if let (Some(alt), Some(l)) = (el.attr("alt"), link.as_mut()) {
                                l.1.push(' ');
                                l.1.push_str(alt);
                            }
                            if !chrome {
                                page.content_images += 1;
                                page.image_positions.push(page.blocks.len());
                            }
                        }
                        "area" => {
                            // An image map's region: its alt text is its label.
                            if let Some(target) = el.attr("href").and_then(|h| resolve(&base, h)) {
                                page.links.push(Link {
                                    target: Arc::new(target),
                                    text: Arc::from(collapse_whitespace(
                                        el.attr("alt").or(el.attr("title")).unwrap_or_default(),
                                    )),
                                    context: String::new(),
                                    section: String::new(),
                                    chrome,
                                });
                            }
                        }
                        "iframe" | "embed" | "frame" => {
                            if let Some(src) = el.attr("src").and_then(|s| resolve(&base, s)) {
                                page.links.push(Link {
                                    target: Arc::new(src.clone()),
                                    text: Arc::from(el.attr("title").unwrap_or_default()),
                                    context: String::new(),
                                    section: last_heading(&page),
                                    chrome,
                                });
                                page.frames.push(src);
                            }
                        }
                        "object" => {
                            if let Some(src) = el.attr("data").and_then(|s| resolve(&base, s)) {
                                page.frames.push(src);
                            }
                        }
                        "form" => {
                            let action = el
                                .attr("action")
                                .filter(|a| !a.trim().is_empty())
                                .and_then(|a| resolve(&base, a))
                                .unwrap_or_else(|| base.clone());
                            form = Some(Form {
                                action,
                                has_textarea: false,
                                inputs: 0,
                                chrome,
                            });
                        }
                        "textarea" => {
                            if let Some(f) = form.as_mut() {
                                f.has_textarea = true;
                            }
                        }
                        "input" | "select" => {
                            let kind = el.attr("type").unwrap_or("text").to_ascii_lowercase();
                            if let Some(f) = form.as_mut() {
                                if name == "select"
                                    || matches!(
                                        kind.as_str(),
                                        "text"
                                            | "email"
                                            | "tel"
                                            | "file"
                                            | "number"
                                            | "date"
                                            | "url"
                                    )
                                {
                                    f.inputs += 1;
                                }
                            }
                        }
                        "meta"
                            if el
                                .attr("http-equiv")
                                .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh")) =>
                        {
                            let target = el
                                .attr("content")
                                .and_then(refresh_target)
                                .and_then(|t| resolve(&base, t));
                            if let Some(target) = target {
                                // A refresh is the only way on from a splash
                                // page: it is followed like a link.
                                page.links.push(Link {
                                    target: Arc::new(target.clone()),
                                    text: Arc::from(""),
                                    context: String::new(),
                                    section: String::new(),
                                    chrome: false,
                                });
                                page.refresh = Some(target);
                            }
                        }
                        "link"
                            if el
                                .attr("rel")
                                .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
                        {
                            page.canonical = el.attr("href").and_then(|h| resolve(&base, h));
                        }
                        _ => {}
                    }
                    stack.push(frame);
                }
                Node::Text(text) => {
                    let Some(frame) = stack.last() else { continue };
                    if frame.skip {
                        continue;
                    }
                    let in_title = node
                        .parent()
                        .and_then(|p| p.value().as_element().map(|e| e.name() == "title"))
                        .unwrap_or(false);
                    if in_title {
                        page.title.push_str(text);
                        continue;
                    }
                    block.push(' ');
                    block.push_str(text);
                    if frame.breadcrumb {
                        breadcrumb.push(' ');
                        breadcrumb.push_str(text);
                    }
                    if frame.link {
                        if let Some(l) = link.as_mut() {
                            l.1.push(' ');
                            l.1.push_str(text);
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                let frame = stack.pop();
                if frame.as_ref().is_some_and(|f| f.block) {
                    flush_frame(&mut page, &mut block, frame.as_ref());
                }
                match el.name() {
                    "a" | "button" => {
                        if let Some((target, text, context, chrome)) = link.take() {
                            let section = if chrome {
                                String::new()
                            } else {
                                last_heading(&page)
                            };
                            page.links.push(Link {
                                target: Arc::new(target),
                                text: Arc::from(collapse_whitespace(&text)),
                                context,
                                section,
                                chrome,
                            });
                        }
                    }
                    "form" => {
                        if let Some(f) = form.take() {
                            page.forms.push(f);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    flush(&mut page, &mut block, None);
    page.title = collapse_whitespace(&page.title);
    page.breadcrumb = collapse_whitespace(&breadcrumb);
    page.headings = page
        .blocks
        .iter()
        .filter(|b| b.heading)
        .map(|b| b.text.clone())
        .collect();
    page
}

fn flush(page: &mut Page, block: &mut String, frame: Option<&Frame>) {
    flush_frame(page, block, frame);
}

fn flush_frame(page: &mut Page, block: &mut String, frame: Option<&Frame>) {
    let text = collapse_whitespace(block);
    block.clear();
    // Navigation chrome is never content: its text is not kept (the links
    // in it are), which also keeps big crawls small.
    if text.is_empty() || frame.is_some_and(|f| f.chrome) {
        return;
    }
    page.blocks.push(Block {
        text,
        heading: frame.is_some_and(|f| f.heading),
    });
}

/// The last heading outside navigation chrome, if any.
fn last_heading(page: &Page) -> String {
    page.blocks
        .iter()
        .rev()
        .find(|b| b.heading)
        .map(|b| b.text.clone())
        .unwrap_or_default()
}

/// Text of the row, list item or paragraph around a link.
fn link_context(node: ego_tree::NodeRef<'_, Node>) -> String {
    let container = node
        .ancestors()
        .take(8)
        .find(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "tr" | "li" | "p" | "dd" | "dt"))
        })
        .or_else(|| node.parent());
    let Some(container) = container.and_then(scraper::ElementRef::wrap) else {
        return String::new();
    };
    let text: String = container.text().collect::<Vec<_>>().join(" ");
    collapse_whitespace(&text)
        .chars()
        .take(MAX_CONTEXT_CHARS)
        .collect()
}

fn base_href(doc: &Html, url: &Url) -> Url {
    let Ok(selector) = scraper::Selector::parse("base[href]") else {
        return url.clone();
    };
    doc.select(&selector)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| url.join(h.trim()).ok())
        .unwrap_or_else(|| url.clone())
}

/// Resolves an href against the page, dropping non-links and fragments.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
        return None;
    }
    base.join(href).ok().map(|u| canonical(&unwrap_viewer(u)))
}

/// The URL of `<meta http-equiv="refresh" content="3; url=/th/">`.
fn refresh_target(content: &str) -> Option<&str> {
    let (_, rest) = content
        .split_once(';')
        .or_else(|| content.split_once(','))?;
    let rest = rest.trim_start();
    let rest = rest
        .get(..4)
        .filter(|key| key.eq_ignore_ascii_case("url="))
        .map_or(rest, |_| &rest[4..]);
    let target = rest.trim().trim_matches(|c| c == '\'' || c == '"').trim();
    (!target.is_empty()).then_some(target)
}

/// The URL a script link opens: `javascript:window.open('/files/a.pdf')`,
/// `onclick="location.href='page.php?id=3'"`. Only the first quoted string
/// given to `open(`, `location=`, `location.href=`, `location.replace(` or
/// `location.assign(` counts, and it must look like a path or URL.
fn script_target(script: &str) -> Option<&str> {
    #[allow(clippy::expect_used)]
    static OPENER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?:\bopen\s*\(|\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)\s*\()\s*(?:'([^']*)'|"([^"]*)")"#,
        )
        .expect("static regex")
    });
    let caps = OPENER.captures(script)?;
    let target = caps.get(1).or_else(|| caps.get(2))?.as_str().trim();
    let path_like = target.starts_with('/')
        || target.starts_with("http://")
        || target.starts_with("https://")
        || target.contains('.')
        || target.contains('?');
    (path_like && !target.starts_with("javascript:")).then_some(target)
}

/// The document a viewer link shows: PDF.js (`/pdfjs/web/viewer.html?file=/files/a.pdf`)
/// and Google's viewer (`docs.google.com/viewer?url=https://agency/a.pdf`) are
/// wrappers, and the assessor reads the file inside. Any other URL is itself.
/// Download scripts (`Download.ashx?file=a.pdf`) are not viewers: they serve
/// the file at their own URL.
fn unwrap_viewer(url: Url) -> Url {
    let path = url.path().to_ascii_lowercase();
    let last = path.rsplit('/').next().unwrap_or_default();
    let google = url
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case("docs.google.com"))
        && (path.ends_with("/viewer") || path.ends_with("/gview"));
    if !(google || last.starts_with("viewer") || path.contains("pdfjs")) {
        return url;
    }
    let inner = url
        .query_pairs()
        .filter(|(key, _)| matches!(key.as_ref(), "file" | "url" | "src" | "doc"))
        .find_map(|(_, value)| url.join(value.trim()).ok())
        .filter(|inner| {
            matches!(inner.scheme(), "http" | "https") && crate::graph::looks_like_document(inner)
        });
    inner.unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://example.go.th/ita/index.html").expect("static URL")
    }

    #[test]
    fn refreshes_and_script_links_are_read() {
        assert_eq!(refresh_target("0; URL='/th/'"), Some("/th/"));
        assert_eq!(
            refresh_target("5;url=index.php?lang=th"),
            Some("index.php?lang=th")
        );
        assert_eq!(refresh_target("300"), None);
        assert_eq!(
            script_target("window.open('/files/a b.pdf', '_blank', 'width=800')"),
            Some("/files/a b.pdf")
        );
        assert_eq!(
            script_target("document.location.href = \"page.php?id=3\";"),
            Some("page.php?id=3")
        );
        assert_eq!(
            script_target("location.replace('/th/index.html')"),
            Some("/th/index.html")
        );
        assert_eq!(script_target("void(0)"), None);
        assert_eq!(script_target("openPopup('_blank')"), None);
        assert_eq!(script_target("window.open('javascript:alert(1)')"), None);
    }

    #[test]
    fn viewers_name_the_document_inside_and_image_maps_are_links() {
        let html = r#"<html><body><div class="content">
            <a href="/pdfjs/web/viewer.html?file=%2Ffiles%2Fplan-2566.pdf">แผน 2566</a>
            <iframe src="https://docs.google.com/viewer?url=http://example.go.th/files/o2.pdf&embedded=true"></iframe>
            <a href="/Download.ashx?file=o3.pdf">O3</a>
            <a href="/viewer.php?file=notes.txt">O4</a></div>
            <map name="banner"><area shape="rect" coords="0,0,80,40" href="/ita/2569/" alt="ITA 2569"></map>
            </body></html>"#;
        let page = extract(html, &base());
        let targets: Vec<&str> = page.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "http://example.go.th/files/plan-2566.pdf",
                "http://example.go.th/files/o2.pdf",
                "http://example.go.th/Download.ashx?file=o3.pdf",
                "http://example.go.th/viewer.php?file=notes.txt",
                "http://example.go.th/ita/2569/",
            ]
        );
        assert_eq!(page.links[4].text.as_ref(), "ITA 2569");
        assert_eq!(page.frames[0].as_str(), "http://example.go.th/files/o2.pdf");
    }

    #[test]
    fn menus_are_chrome_and_content_is_not() {
        let html = r#"<html><head><title> อบต.ตัวอย่าง - โครงสร้าง </title></head><body>
            <nav><ul><li><a href="/structure.html">เมนูโครงสร้าง</a></li></ul></nav>
            <div class="content"><h1>โครงสร้างองค์กร</h1><p>แผนผังแสดง <b>โครงสร้าง</b></p>
            <table><tr><td>O1</td><td>โครงสร้าง</td><td><a href="../files/o1.pdf#page=2">ดาวน์โหลด</a></td></tr></table>
            <form action="/send"><input name="a"><textarea></textarea></form></div></body></html>"#;
        let page = extract(html, &base());
        assert_eq!(page.title, "อบต.ตัวอย่าง - โครงสร้าง");
        assert_eq!(page.headings, ["โครงสร้างองค์กร"]);
        assert!(page.links[0].chrome);
        let doc = &page.links[1];
        assert!(!doc.chrome);
        assert_eq!(doc.target.as_str(), "http://example.go.th/files/o1.pdf");
        assert_eq!(doc.context, "O1 โครงสร้าง ดาวน์โหลด");
        assert!(page.blocks.iter().any(|b| b.text == "แผนผังแสดง โครงสร้าง"));
        assert!(
            !page.blocks.iter().any(|b| b.text == "เมนูโครงสร้าง"),
            "menu text is not content"
        );
        assert!(page.forms[0].is_usable());
    }

    /// WordPress themes mark the layout ("has-sidebar", "no-sidebar") on
    /// the container of the content: that is not chrome, and a page's
    /// <main> is content whatever encloses it.
    #[test]
    fn layout_classes_and_main_are_content() {
        let html = r#"<html><body><div id="content" class="site-content container has-sidebar">
            <main id="primary"><h1>ข่าวประชาสัมพันธ์</h1><p>ประกาศรับสมัครงาน ประจำปี 2569</p></main>
            <aside class="widget-area"><p>ลิงก์หน่วยงาน</p></aside></div>
            <div class="menu-wrap"><main><p>ข้อความหลัก</p></main></div></body></html>"#;
        let page = extract(html, &base());
        let texts: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(texts.contains(&"ประกาศรับสมัครงาน ประจำปี 2569"), "{texts:?}");
        assert!(texts.contains(&"ข้อความหลัก"), "{texts:?}");
        assert!(!texts.contains(&"ลิงก์หน่วยงาน"), "{texts:?}");
        assert!(is_chrome_class("main-menu top"));
        assert!(!is_chrome_class("site-content has-sidebar"));
        assert!(!is_chrome_class("no-sidebar sidebar-layout"));
    }

    #[test]
    fn garbage_does_not_panic() {
        let page = extract("<<<a href=::>><p><td></tr></a></x>\u{0}", &base());
        assert!(page.title.is_empty());
    }
}
