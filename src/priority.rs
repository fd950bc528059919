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
    let link = move |url: &Url, link: Option<&Link>| -> (u32, Option<usize>) {
        let best = |text: &str| -> (u32, Option<usize>) {
            let scores = for_links.naming_scores(text);
            let (item, score) = scores
                .iter()
                .enumerate()
                .max_by_key(|(_, s)| **s)
                .map_or((0, 0), |(i, s)| (i, *s));
            (score, (score > 0).then_some(item))
        };
        let mut score = (0, None);
        if let Some(link) = link {
            let own = best(&link.text);
            let row = if own.0 == 0 && !link.chrome {
                best(&link.context)
            } else {
                (0, None)
            };
            let section = if own.0 == 0 && row.0 == 0 && !link.chrome {
                best(&link.section)
            } else {
                (0, None)
            };
            score = [own, (row.0 * 3 / 4, row.1), (section.0 / 2, section.1)]
                .into_iter()
                .max_by_key(|(s, _)| *s)
                .unwrap_or((0, None));
            let words = normalize(&link.text);
            if hubs.iter().any(|h| words.contains(h.as_str())) {
                score.0 = score.0.max(HUB_SCORE);
            }
            // Every menu entry is worth a look: sections of the site are
            // where evidence lives, whatever their label says.
            if link.chrome {
                score.0 = score.0.max(1);
            }
        }
        let path = crate::textnorm::percent_decode(url.path()).replace(['-', '_', '/'], " ");
        let by_url = best(&path);
        if by_url.0 / 2 > score.0 {
            score = (by_url.0 / 2, by_url.1);
        }
        score
    };
    let page = move |page: &Page| -> (u32, u32) {
        // An index naming several items lends every content link some
        // promise (an ITA card's "ดูรายละเอียด"); a page about one item
        // lends its documents.
        let mut named = vec![false; matcher.len()];
        for text in std::iter::once(&page.title).chain(page.blocks.iter().map(|b| &b.text)) {
            for (i, s) in matcher.scores(text).into_iter().enumerate() {
                named[i] |= s > 0;
            }
        }
        let items = named.iter().filter(|n| **n).count();
        let to_links = if items >= 2 { INHERITED_SCORE } else { 0 };
        let to_documents = if items >= 1 { INHERITED_SCORE } else { 0 };
        (to_links, to_documents)
    };
    LinkPriority {
        link: Arc::new(link),
        page: Arc::new(page),
    }
}
