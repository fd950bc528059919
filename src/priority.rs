//! Best-first crawling: how likely a link is to lead to OIT evidence.
//!
//! A link scores by the items its anchor text, table row, section heading
//! or URL names (the same matcher the judge uses), plus a bonus for words
//! of ITA index pages ("ITA", "OIT", "การเปิดเผยข้อมูลสาธารณะ", …). Content
//! links on a page that itself names an item inherit some of its score, so
//! the documents of an item page are always checked.

use std::sync::Arc;

use url::Url;

use crate::crawl::LinkPriority;
use crate::evidence::ItemMatcher;
use crate::graph::{Link, Page};
use crate::textnorm::normalize;

/// Words of the menus and pages that lead to OIT evidence.
const HUB_WORDS: &[&str] = &[
    "ita",
    "oit",
    "เปิดเผยข้อมูล",
    "คุณธรรม",
    "ความโปร่งใส",
    "ศูนย์ข้อมูลข่าวสาร",
    "มาตรการ",
    "ทุจริต",
    "ข้อมูลพื้นฐาน",
    "การบริหารงาน",
    "งบประมาณ",
    "จัดซื้อจัดจ้าง",
    "บุคลากร",
    "ทรัพยากรบุคคล",
];
/// Score of a link whose text names an ITA index.
const HUB_SCORE: u32 = 8;
/// Score inherited by content links of a page that names an item.
const INHERITED_SCORE: u32 = 6;

/// The link priority for a rule set's items.
#[must_use]
pub fn link_priority(matcher: ItemMatcher) -> LinkPriority {
    let matcher = Arc::new(matcher);
    let hubs: Arc<Vec<String>> = Arc::new(HUB_WORDS.iter().map(|w| normalize(w)).collect());
    let for_links = Arc::clone(&matcher);
    let link = move |url: &Url, link: Option<&Link>| -> u32 {
        let best = |text: &str| for_links.naming_scores(text).into_iter().max().unwrap_or(0);
        let mut score = 0;
        if let Some(link) = link {
            let own = best(&link.text);
            let row = if own == 0 && !link.chrome {
                best(&link.context) * 3 / 4
            } else {
                0
            };
            let section = if own == 0 && row == 0 && !link.chrome {
                best(&link.section) / 2
            } else {
                0
            };
            score = own.max(row).max(section);
            let words = normalize(&link.text);
            if hubs.iter().any(|h| words.contains(h.as_str())) {
                score = score.max(HUB_SCORE);
            }
        }
        // Every menu entry is worth a look: sections of the site are where
        // evidence lives, whatever their label says.
        let menu = u32::from(link.is_some_and(|l| l.chrome));
        let path = crate::textnorm::percent_decode(url.path()).replace(['-', '_', '/'], " ");
        score.max(best(&path) / 2).max(menu)
    };
    let page = move |page: &Page| -> u32 {
        // A page whose title, headings or content name an item lends its
        // content links some promise: an ITA card's "ดูรายละเอียด", an item
        // page's documents.
        let names = |text: &str| matcher.scores(text).iter().any(|s| *s > 0);
        let about_items = names(&page.title) || page.blocks.iter().any(|b| names(&b.text));
        if about_items {
            INHERITED_SCORE
        } else {
            0
        }
    };
    LinkPriority {
        link: Arc::new(link),
        page: Arc::new(page),
    }
}
