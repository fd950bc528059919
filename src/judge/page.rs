//! Reading a page the way an assessor does: its own content apart from the
//! site template, placeholders and soft 404s, index pages, channels.

use url::Url;

use super::{Judge, HUB_ITEMS, MIN_CONTENT_CHARS, MIN_DATA_CHARS};
use crate::evidence::is_on_hosts;
use crate::graph::Page;
use crate::rules::{ChannelKind, Item};
use crate::textnorm::normalize;

impl Judge<'_> {
    /// The page's own texts: title, headings, breadcrumb, content blocks and
    /// content links — without the site template.
    pub(super) fn own_texts(&self, page: &Page) -> Vec<String> {
        let mut texts = vec![page.title.clone(), page.breadcrumb.clone()];
        texts.extend(
            page.blocks
                .iter()
                .filter(|b| !self.site.is_template_block(&b.text))
                .map(|b| b.text.clone()),
        );
        texts.extend(
            page.links
                .iter()
                .filter(|l| !l.chrome && !self.site.is_template_link(l))
                .map(|l| l.text.to_string()),
        );
        texts.retain(|t| !t.is_empty());
        texts
    }

    /// The data a page shows itself besides its documents (a statistics
    /// table, a report written out), when there is enough of it to count:
    /// its content blocks outside headings and outside the rows and lines
    /// that carry links (a document list's posting dates are not data).
    pub(super) fn own_data(&self, page: &Page) -> Vec<String> {
        let linked: Vec<&str> = page
            .links
            .iter()
            .filter(|l| !l.chrome)
            .flat_map(|l| [&*l.text, l.context.as_str()])
            .filter(|t| !t.is_empty())
            .collect();
        // What the page shows under its heading: a banner above it
        // ("การประเมิน ITA 2567 …") labels the site, not the data.
        let first_heading = page.blocks.iter().position(|b| b.heading).unwrap_or(0);
        let data: Vec<&str> = page.blocks[first_heading..]
            .iter()
            .filter(|b| !b.heading && !self.site.is_template_block(&b.text))
            .filter(|b| !linked.iter().any(|t| t.contains(b.text.as_str())))
            .map(|b| b.text.as_str())
            .filter(|t| !is_post_metadata(t) && !names_the_assessment(t))
            .collect();
        let chars: usize = data.iter().map(|t| normalize(t).chars().count()).sum();
        // One text: a year the page states beats its dates
        // (see `find_years`).
        if chars >= MIN_DATA_CHARS {
            vec![data.join("\n")]
        } else {
            Vec::new()
        }
    }

    /// Title, headings, content blocks and content links outside chrome.
    pub(super) fn shown_texts(page: &Page) -> Vec<String> {
        let mut texts = vec![page.title.clone()];
        texts.extend(page.blocks.iter().map(|b| b.text.clone()));
        texts.extend(
            page.links
                .iter()
                .filter(|l| !l.chrome)
                .map(|l| l.text.to_string()),
        );
        texts
    }

    /// Whether a link's text, row or section heading names the item — as
    /// the item it names best: a heading "รายงานผลการจัดการความเสี่ยง 2567"
    /// names the risk-management report, not the risk assessment beside it.
    /// The nearest words decide: the link's text when it names anything,
    /// else its row, else its section's heading.
    pub(super) fn link_names_item(&self, index: usize, link: &crate::graph::Link) -> bool {
        for text in [&*link.text, link.context.as_str(), link.section.as_str()] {
            if text.is_empty() {
                continue;
            }
            let scores = self.matcher.naming_scores(text);
            if scores.iter().any(|&s| s > 0) {
                return scores[index] > 0;
            }
        }
        false
    }

    /// Whether the page's title, headings or breadcrumb name the item.
    pub(super) fn names_item(&self, index: usize, page: &Page) -> bool {
        let main_heading = page
            .headings
            .iter()
            .find(|h| !self.site.is_template_block(h));
        std::iter::once(&page.title)
            .chain(main_heading)
            .chain(std::iter::once(&page.breadcrumb))
            .any(|t| self.matcher.scores(t)[index] > 0)
    }

    /// An index page: its headings or its links to other pages name several
    /// items ("O1 โครงสร้าง", "O2 ข้อมูลผู้บริหาร", …).
    pub(super) fn is_hub(&self, page: &Page) -> bool {
        let mut named = vec![false; self.matcher.len()];
        let headings = page
            .headings
            .iter()
            .filter(|h| !self.site.is_template_block(h));
        // Content links to other pages count too: a category page listing
        // posts, an OIT list linking one page per item.
        let page_links = page
            .links
            .iter()
            .filter(|l| !l.chrome && !self.site.is_template_link(l))
            .filter(|l| {
                self.graph.id_of(&l.target).is_some_and(|id| {
                    self.graph.get(id).on_site && !self.graph.get(id).is_document()
                })
            })
            // A row whose link says only "คลิก" is named by the row.
            .map(|l| {
                if self.matcher.naming_scores(&l.text).iter().any(|&s| s > 0) {
                    &*l.text
                } else {
                    l.context.as_str()
                }
            });
        for text in headings.map(String::as_str).chain(page_links) {
            for (i, s) in self.matcher.naming_scores(text).into_iter().enumerate() {
                named[i] |= s > 0;
            }
        }
        named.iter().filter(|n| **n).count() >= HUB_ITEMS
    }

    /// Whether a content link on the page leads on for the item (named by
    /// its text, its row or its section) to a page or another host.
    pub(super) fn leads_on(&self, index: usize, page: &Page) -> bool {
        page.links.iter().any(|l| {
            !l.chrome
                && !self.site.is_template_link(l)
                && !page.frames.contains(&l.target)
                && self.link_names_item(index, l)
        })
    }

    /// The item's content sits on another host: every content link that
    /// names the item leaves the site, one of them for a file (Google
    /// Drive, a PDF elsewhere), and no text of the page's own shows the
    /// item beyond headings and those links. The file host, if so.
    pub(super) fn content_only_elsewhere(&self, index: usize, page: &Page) -> Option<Url> {
        let links: Vec<&crate::graph::Link> = page
            .links
            .iter()
            .filter(|l| !l.chrome && !self.site.is_template_link(l))
            .filter(|l| self.link_names_item(index, l))
            .collect();
        if links.is_empty() || links.iter().any(|l| self.graph.scope.contains(&l.target)) {
            return None;
        }
        let file = links.iter().find(|l| is_file_elsewhere(&l.target))?;
        let shown_in_text = page.blocks.iter().any(|b| {
            !b.heading
                && !links
                    .iter()
                    .any(|l| b.text == *l.text || b.text == l.context)
                && !repeats_the_title(&b.text, page)
                && self.matcher.scores(&b.text)[index] > 0
        });
        (!shown_in_text).then(|| (*file.target).clone())
    }

    /// Characters of non-heading content outside the template.
    pub(super) fn content_chars(&self, page: &Page) -> usize {
        page.blocks
            .iter()
            .filter(|b| !b.heading && !self.site.is_template_block(&b.text))
            .map(|b| {
                let mut norm = normalize(&b.text);
                for p in &self.placeholders {
                    norm = norm.replace(p.as_str(), "");
                }
                norm.chars().count()
            })
            .sum()
    }

    /// A "not found" page served with status 200.
    pub(super) fn is_soft_404(&self, page: &Page) -> bool {
        let says = |t: &str| {
            let norm = normalize(t);
            self.not_found.iter().any(|p| norm.contains(p.as_str()))
        };
        let heading = page
            .headings
            .iter()
            .find(|h| !self.site.is_template_block(h));
        (says(&page.title) || heading.is_some_and(|h| says(h)))
            && self.content_chars(page) < MIN_CONTENT_CHARS * 4
    }

    /// A page that opens but only says "under construction" or nothing.
    pub(super) fn is_placeholder(&self, page: &Page) -> bool {
        // An embedded viewer (a PDF or Drive file in an iframe) is content.
        let has_docs_or_forms = page.forms.iter().any(|f| f.is_usable() && !f.chrome)
            || page
                .links
                .iter()
                .any(|l| !l.chrome && page.frames.contains(&l.target))
            || page.links.iter().any(|l| {
                !l.chrome
                    && !self.site.is_template_link(l)
                    && self
                        .graph
                        .id_of(&l.target)
                        .is_some_and(|id| self.graph.get(id).is_document())
            });
        if has_docs_or_forms {
            return false;
        }
        let chars = self.content_chars(page);
        chars < MIN_CONTENT_CHARS || (self.says_placeholder(page) && chars < MIN_CONTENT_CHARS * 4)
    }

    /// The page's content says "under construction" (or similar).
    pub(super) fn says_placeholder(&self, page: &Page) -> bool {
        let content: String = page
            .blocks
            .iter()
            .filter(|b| !b.heading && !self.site.is_template_block(&b.text))
            .map(|b| normalize(&b.text))
            .collect();
        self.placeholders
            .iter()
            .any(|p| content.contains(p.as_str()))
    }

    pub(super) fn channel_works(&self, kind: ChannelKind, item: &Item, page: &Page) -> bool {
        match kind {
            ChannelKind::SocialLink => page
                .links
                .iter()
                .any(|l| is_on_hosts(&l.target, &item.social_hosts) && !is_share_link(&l.target)),
            ChannelKind::Form => {
                if self.has_site_form(page) {
                    return true;
                }
                // The item's page may list the forms (one per e-service, a
                // "post a question" page): any content link to an on-site
                // page with its own form counts.
                page.links
                    .iter()
                    .filter(|l| {
                        !l.chrome
                            && !self.site.is_template_link(l)
                            && self.graph.scope.contains(&l.target)
                    })
                    .filter_map(|l| self.graph.id_of(&l.target))
                    .filter_map(|id| self.graph.get(id).page())
                    .any(|linked| self.has_site_form(linked))
            }
        }
    }

    /// A usable form posting to the site, or an embedded form frame.
    pub(super) fn has_site_form(&self, page: &Page) -> bool {
        page.forms
            .iter()
            .any(|f| f.is_usable() && self.graph.scope.contains(&f.action))
            || page.frames.iter().any(|f| {
                f.host_str()
                    .is_some_and(|h| h.ends_with("docs.google.com") || h.ends_with("forms.gle"))
                    && f.path().contains("form")
            })
    }
}

/// A line that only repeats the page's title or a heading, its item code
/// aside ("ข้อ O22 : รายงานผลการจัดซื้อจัดจ้างประจำปี" under that heading).
fn repeats_the_title(text: &str, page: &Page) -> bool {
    let bare = |t: &str| {
        let codes: Vec<String> = crate::textnorm::item_codes(t)
            .iter()
            .map(|n| format!("o{n}"))
            .collect();
        let mut norm = normalize(t).replace("ข้อ", "");
        for code in &codes {
            norm = norm.replace(code.as_str(), "");
        }
        norm
    };
    let line = bare(text);
    !line.is_empty()
        && std::iter::once(&page.title)
            .chain(&page.headings)
            .any(|h| bare(h).contains(line.as_str()))
}

/// A text about the assessment itself ("ITA 2567", "การประเมินคุณธรรมและ
/// ความโปร่งใส …"): its year is the assessment's, not the data's.
fn names_the_assessment(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("ita") || w.eq_ignore_ascii_case("oit"))
        || normalize(text).contains("คุณธรรมและความโปร่งใส")
}

/// A line about the post rather than its data: "โพสต์เมื่อ 8 ต.ค. 2562 |
/// เปิดอ่าน 273 ครั้ง", "ปรับปรุงล่าสุด …".
fn is_post_metadata(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "โพสต์",
        "เผยแพร่",
        "เปิดอ่าน",
        "ผู้เข้าชม",
        "อัปเดต",
        "อัพเดท",
        "อัพเดต",
        "ปรับปรุงล่าสุด",
        "แก้ไขล่าสุด",
        "วันที่ลง",
        "ลงประกาศ",
        "posted",
        "updated",
        "views",
    ];
    let text = text.to_lowercase();
    WORDS.iter().any(|w| text.contains(w))
}

/// A file kept on another host: a file-sharing service or a document URL.
fn is_file_elsewhere(url: &Url) -> bool {
    const FILE_HOSTS: &[&str] = &[
        "drive.google.com",
        "docs.google.com",
        "dropbox.com",
        "onedrive.live.com",
        "1drv.ms",
        "sharepoint.com",
        "box.com",
        "mega.nz",
    ];
    url.host_str().is_some_and(|h| {
        FILE_HOSTS
            .iter()
            .any(|f| h == *f || h.ends_with(&format!(".{f}")))
    }) || crate::graph::looks_like_document(url)
}

/// "Share this page" buttons link to a social host but are not the
/// agency's own account.
pub(super) fn is_share_link(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    ["/sharer", "/share", "/intent/", "/plugins/", "/msg/text"]
        .iter()
        .any(|p| path.starts_with(p) || path.contains(p))
        || url
            .host_str()
            .is_some_and(|h| h.starts_with("social-plugins."))
}
