//! Evidence: which pages, documents and links name which item.
//!
//! # Architecture
//! - [`ItemMatcher`]: one Aho–Corasick automaton over every normalised rule
//!   term; a text is scanned once and each item's match groups are checked
//!   against the set of terms found. A group's weight is the length of its
//!   terms, so specific wording beats generic wording when several items
//!   match the same text.
//! - [`SiteText`]: per-site boilerplate — text blocks and links that repeat
//!   on many pages are the template (header, menus, footer), not content.
//! - [`gather`]: candidates per item, scored from the anchor texts and table
//!   rows that link to a URL, the page's own title, headings and breadcrumb,
//!   and its URL path.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use url::Url;

use crate::graph::{Content, LinkRef, ResourceId, SiteGraph};
use crate::rules::{ChannelKind, RuleSet};
use crate::textnorm::{item_codes, normalize, percent_decode};

/// Weight added to an item when a text carries its code ("O21").
const CODE_WEIGHT: u32 = 12;
/// Separators between a page's name and the agency's name in titles.
const TITLE_SEPARATORS: &[&str] = &[" :: ", " | ", " - ", " – ", " — ", " » ", " > ", " › "];
/// Base weight of a link to a social host for `social_link` items.
const SOCIAL_WEIGHT: u32 = 4;
/// A block or link is boilerplate when it repeats on this share of pages …
const TEMPLATE_SHARE: f64 = 0.3;
/// … and on at least this many pages.
const TEMPLATE_MIN_PAGES: usize = 3;

struct ItemTerms {
    groups: Vec<(Vec<usize>, u32)>,
    /// Exclude terms that veto the item wherever they appear.
    exclude: Vec<usize>,
    /// Exclude terms that contain one of the item's own terms
    /// ("แผนพัฒนาการศึกษา" for "แผนพัฒนา"): they hide the term inside them,
    /// and the item's other words still count.
    masks: Vec<usize>,
    url_terms: Vec<String>,
}

/// Matches texts against every item of a rule set at once.
pub struct ItemMatcher {
    automaton: AhoCorasick,
    term_count: usize,
    items: Vec<ItemTerms>,
    codes: HashMap<u32, usize>,
}

impl ItemMatcher {
    /// Builds the automaton from the rule set's normalised terms.
    ///
    /// # Errors
    /// When the terms exceed the automaton's size limits (a rule file with
    /// absurdly many or long terms).
    pub fn new(rules: &RuleSet) -> Result<Self, aho_corasick::BuildError> {
        let mut terms: Vec<String> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut intern = |term: &str| -> usize {
            let norm = normalize(term);
            if let Some(&id) = ids.get(&norm) {
                return id;
            }
            terms.push(norm.clone());
            ids.insert(norm, terms.len() - 1);
            terms.len() - 1
        };
        let mut items = Vec::new();
        for item in &rules.items {
            let weigh = |g: &Vec<String>| {
                g.iter()
                    .map(|t| normalize(t).chars().count())
                    .sum::<usize>()
            };
            let mut groups: Vec<(Vec<usize>, u32)> = Vec::new();
            for (group, halve) in item
                .match_groups
                .iter()
                .map(|g| (g, false))
                .chain(item.weak_match.iter().map(|g| (g, true)))
            {
                let ids: Vec<usize> = group.iter().map(|t| intern(t)).collect();
                let weight = if halve {
                    weigh(group) / 2
                } else {
                    weigh(group)
                };
                groups.push((ids, u32::try_from(weight.max(1)).unwrap_or(u32::MAX)));
            }
            // The official title, written out whole, names the item more
            // surely than any shorter label (this year's hub row beats last
            // year's wording of a neighbouring item).
            let title = normalize(&item.title_th);
            if item.is_assessed() && !title.is_empty() {
                let weight = u32::try_from(title.chars().count()).unwrap_or(u32::MAX);
                groups.push((vec![intern(&item.title_th)], weight));
            }
            let own: Vec<String> = item
                .match_groups
                .iter()
                .chain(&item.weak_match)
                .flatten()
                .map(|t| normalize(t))
                .collect();
            let (masks, vetoes): (Vec<&String>, Vec<&String>) = item
                .exclude
                .iter()
                .partition(|t| own.iter().any(|o| normalize(t).contains(o.as_str())));
            let exclude = vetoes.into_iter().map(|t| intern(t)).collect();
            let masks = masks.into_iter().map(|t| intern(t)).collect();
            let url_terms = item
                .url_terms
                .iter()
                .map(|t| t.to_ascii_lowercase())
                .collect();
            items.push(ItemTerms {
                groups,
                exclude,
                masks,
                url_terms,
            });
        }
        let codes = rules
            .items
            .iter()
            .enumerate()
            // An item not assessed never competes, not even by its code.
            .filter(|(_, item)| item.is_assessed())
            .filter_map(|(i, item)| {
                let digits = item.id().trim_start_matches(|c: char| !c.is_ascii_digit());
                digits.parse().ok().map(|n| (n, i))
            })
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&terms)?;
        Ok(Self {
            automaton,
            term_count: terms.len(),
            items,
            codes,
        })
    }

    /// Number of items.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Per-item scores of a text (0 = no match). No competition.
    #[must_use]
    pub fn scores(&self, text: &str) -> Vec<u32> {
        let norm = normalize(text);
        let mut found = vec![false; self.term_count];
        for m in self.automaton.find_overlapping_iter(&norm) {
            found[m.pattern().as_usize()] = true;
        }
        // Where each term occurs, read only when a mask is in the text.
        let masked = self
            .items
            .iter()
            .any(|item| item.masks.iter().any(|&t| found[t]));
        let places: Vec<(usize, usize, usize)> = if masked {
            self.automaton
                .find_overlapping_iter(&norm)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        } else {
            Vec::new()
        };
        self.items
            .iter()
            .map(|item| {
                if item.exclude.iter().any(|&t| found[t]) {
                    return 0;
                }
                let hidden: Vec<(usize, usize)> = places
                    .iter()
                    .filter(|(t, _, _)| item.masks.contains(t))
                    .map(|&(_, start, end)| (start, end))
                    .collect();
                // A term counts when it occurs outside every mask.
                let counts = |term: usize| {
                    found[term]
                        && (hidden.is_empty()
                            || places.iter().any(|&(t, start, end)| {
                                t == term && !hidden.iter().any(|&(s, e)| s <= start && end <= e)
                            }))
                };
                item.groups
                    .iter()
                    .filter(|(ids, _)| ids.iter().all(|&t| counts(t)))
                    .map(|(_, w)| *w)
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Scores of a naming text (anchor, row, title): item codes count, a
    /// text that is mostly the item's name scores higher than one that
    /// mentions it in passing, and only the best-matching items keep their
    /// score. Page titles are split at their separators ("ชื่อหน้า :: ชื่อหน่วยงาน")
    /// and scored by their best part.
    ///
    /// An item code counts when the words agree (they name the code's item)
    /// or say nothing ("O19", "O19 ดาวน์โหลด"). Words about something else
    /// win: "O19 แผนการจัดซื้อจัดจ้าง" on last year's ITA page (another
    /// numbering) is a procurement plan, whatever this year's O19 is — even
    /// when this year's rules do not know a procurement-plan item.
    #[must_use]
    pub fn naming_scores(&self, text: &str) -> Vec<u32> {
        self.naming_scores_with(text, false)
    }

    /// As [`Self::naming_scores`]; `codes_always` counts codes even against
    /// the words (in file names, where the code is deliberate and the words
    /// are abbreviated English).
    fn naming_scores_with(&self, text: &str, codes_always: bool) -> Vec<u32> {
        let mut best = vec![0u32; self.items.len()];
        for part in TITLE_SEPARATORS.iter().fold(vec![text], |parts, sep| {
            parts.iter().flat_map(|p| p.split(sep)).collect()
        }) {
            if looks_like_url(part) {
                continue;
            }
            let length = u32::try_from(normalize(part).chars().count())
                .unwrap_or(u32::MAX)
                .max(1);
            let mut scores = self.scores(part);
            for s in &mut scores {
                // A text that is basically the item's name ("ร้องเรียนร้องทุกข์"
                // as a whole menu label) counts half as much again as one that
                // mentions it among other words.
                if *s > 0 && *s * 10 >= length * 6 {
                    *s += *s / 2;
                }
            }
            let codes = item_codes(part);
            // Only texts with a code pay for the second normalisation.
            let just_a_code = !codes.is_empty() && (codes_always || is_just_a_code(part));
            for code in codes {
                if let Some(&i) = self.codes.get(&code) {
                    if codes_always || scores[i] > 0 || just_a_code {
                        scores[i] += CODE_WEIGHT;
                    }
                }
            }
            for (b, s) in best.iter_mut().zip(scores) {
                *b = (*b).max(s);
            }
        }
        compete(&mut best);
        best
    }

    /// Scores of a URL path: match groups on the decoded path plus the
    /// items' ASCII `url_terms`.
    #[must_use]
    pub fn url_scores(&self, url: &Url) -> Vec<u32> {
        let path = percent_decode(url.path());
        let query = url.query().map(percent_decode).unwrap_or_default();
        let text = format!("{path} {query}");
        let mut scores = self.naming_scores_with(&text.replace(['-', '_', '/'], " "), true);
        let lower = text.to_ascii_lowercase();
        for (i, item) in self.items.iter().enumerate() {
            // "corrupt+6-month": every part must appear.
            let best = item
                .url_terms
                .iter()
                .filter(|t| t.split('+').all(|part| lower.contains(part)))
                .map(|t| {
                    // Each extra part makes the term more specific.
                    let parts = t.split('+').count();
                    u32::try_from(t.len() - (parts - 1) + 5 * (parts - 1)).unwrap_or(0)
                })
                .max()
                .unwrap_or(0);
            scores[i] = scores[i].max(best);
        }
        compete(&mut scores);
        scores
    }
}

/// Longest text (normalised, code and digits removed) that still counts as
/// "just a code" with a generic word: "ดูรายละเอียด", "ดาวน์โหลดเอกสาร".
const GENERIC_WORDS_CHARS: usize = 16;

/// A text that is at most an item code and a generic word or two
/// ("O19", "ดาวน์โหลด", "ดูรายละเอียด").
fn is_just_a_code(text: &str) -> bool {
    let norm = normalize(text).replace("ข้อ", "");
    norm.chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, 'o' | '๐'..='๙'))
        .count()
        <= GENERIC_WORDS_CHARS
}

/// Anchor texts that are just a URL or path name nothing.
fn looks_like_url(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('/')
        || t.starts_with("http://")
        || t.starts_with("https://")
        || t.starts_with("www.")
}

/// Keeps only the maximal scores (ties kept).
fn compete(scores: &mut [u32]) {
    let max = scores.iter().copied().max().unwrap_or(0);
    for s in scores.iter_mut() {
        if *s < max {
            *s = 0;
        }
    }
}

/// Site-wide boilerplate: texts and links repeated across many pages.
pub struct SiteText {
    template_blocks: HashSet<String>,
    template_links: HashSet<(Url, String)>,
    template_forms: HashSet<Url>,
}

impl SiteText {
    /// Finds the template of a crawled site.
    #[must_use]
    pub fn new(graph: &SiteGraph) -> Self {
        let pages: Vec<_> = graph.pages().collect();
        let threshold = TEMPLATE_MIN_PAGES.max(share(pages.len()));
        let mut blocks: HashMap<&str, usize> = HashMap::new();
        let mut links: HashMap<(&Url, &str), usize> = HashMap::new();
        let mut forms: HashMap<&Url, usize> = HashMap::new();
        for (_, page) in &pages {
            let unique: HashSet<&Url> = page.forms.iter().map(|f| &f.action).collect();
            for action in unique {
                *forms.entry(action).or_default() += 1;
            }
            let unique: HashSet<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
            for text in unique {
                *blocks.entry(text).or_default() += 1;
            }
            let unique: HashSet<(&Url, &str)> =
                page.links.iter().map(|l| (&*l.target, &*l.text)).collect();
            for link in unique {
                *links.entry(link).or_default() += 1;
            }
        }
        Self {
            template_blocks: blocks
                .into_iter()
                .filter(|(_, n)| *n >= threshold)
                .map(|(t, _)| t.to_string())
                .collect(),
            template_links: links
                .into_iter()
                .filter(|(_, n)| *n >= threshold)
                .map(|((u, t), _)| (u.clone(), t.to_string()))
                .collect(),
            template_forms: forms
                .into_iter()
                .filter(|(_, n)| *n >= threshold)
                .map(|(u, _)| u.clone())
                .collect(),
        }
    }

    /// Whether a text block is boilerplate.
    #[must_use]
    pub fn is_template_block(&self, text: &str) -> bool {
        self.template_blocks.contains(text)
    }

    /// Whether a form is boilerplate (a search or newsletter box on every
    /// page posting to the same place).
    #[must_use]
    pub fn is_template_form(&self, form: &crate::graph::Form) -> bool {
        self.template_forms.contains(&form.action)
    }

    /// Whether a link is boilerplate (a menu entry on every page).
    #[must_use]
    pub fn is_template_link(&self, link: &crate::graph::Link) -> bool {
        self.template_links
            .contains(&((*link.target).clone(), link.text.to_string()))
    }
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn share(pages: usize) -> usize {
    (pages as f64 * TEMPLATE_SHARE).ceil() as usize
}

/// A resource that may be an item's evidence.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The resource (page, document or off-site URL).
    pub resource: ResourceId,
    /// How strongly it is named for the item.
    pub score: u32,
    /// The link that names it best, if a link does.
    pub via: Option<LinkRef>,
    /// A link's text or row, or the page's own title or headings, name the
    /// item (not just its URL).
    pub named: bool,
    /// Every link to it says nothing ("ดาวน์โหลด", "คลิก"), so its file
    /// name is all that identifies it.
    pub links_generic: bool,
}

/// Candidates for every item (index = item index), best first.
#[must_use]
pub fn gather(
    graph: &SiteGraph,
    rules: &RuleSet,
    matcher: &ItemMatcher,
    site: &SiteText,
    year: u32,
) -> Vec<Vec<Candidate>> {
    let n = matcher.len();
    // Pages that are an earlier year's ITA index ("ITA 2565" while 2566 is
    // assessed): their codes are another year's numbering and answer.
    let earlier_index: Vec<bool> = graph
        .resources
        .iter()
        .map(|r| r.page().is_some_and(|p| is_earlier_index(p, year)))
        .collect();
    let mut per_item: Vec<Vec<Candidate>> = vec![Vec::new(); n];
    let social: Vec<(usize, &[String])> = rules
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.channel == Some(ChannelKind::SocialLink))
        .map(|(idx, i)| (idx, i.social_hosts.as_slice()))
        .collect();
    for (id, resource) in graph.resources.iter().enumerate() {
        let mut anchor = vec![0u32; n];
        let mut via: Vec<Option<(u32, LinkRef)>> = vec![None; n];
        let mut links_generic = true;
        for &link_ref in &resource.inbound {
            let Some(link) = graph.link(link_ref) else {
                continue;
            };
            // The anchor names the target; failing that the row around it,
            // failing that the heading of its section on an ITA page.
            let mut scores = matcher.naming_scores(&link.text);
            for (fallback, share) in [(&link.context, 3), (&link.section, 2)] {
                if scores.iter().any(|&s| s > 0) || fallback.is_empty() || link.chrome {
                    continue;
                }
                scores = matcher.naming_scores(fallback);
                // A row or heading with an item code on this year's ITA
                // index ("O20 | การขับเคลื่อนนโยบาย No Gift Policy | คลิกที่นี่") is
                // the agency's own answer: it names its link as surely as an
                // anchor text would.
                if item_codes(fallback).is_empty() || earlier_index[link_ref.from] {
                    for s in &mut scores {
                        *s = *s * share / 4;
                    }
                }
            }
            // "ดาวน์โหลด" says nothing; "แผนการดำเนินงาน 2567" says something
            // (about an item these rules may not know), so the file name
            // cannot overrule it.
            links_generic &= scores.iter().all(|&s| s == 0) && is_just_a_code(&link.text);
            // A link inside page content beats the same words in a menu.
            let bonus = u32::from(!link.chrome && !site.is_template_link(link));
            for (i, &s) in scores.iter().enumerate() {
                if s == 0 {
                    continue;
                }
                let s = s + bonus;
                anchor[i] = anchor[i].max(s);
                let depth = graph.get(link_ref.from).depth;
                let better = via[i].is_none_or(|(best, current)| {
                    let here = (depth, &graph.get(link_ref.from).url);
                    let there = (graph.get(current.from).depth, &graph.get(current.from).url);
                    s > best || (s == best && here < there)
                });
                if better {
                    via[i] = Some((s, link_ref));
                }
            }
        }
        let mut own = vec![0u32; n];
        // A download's server-given name is its title.
        if let Content::Document {
            file_name: Some(given),
            ..
        } = &resource.content
        {
            own = matcher.naming_scores(given);
        }
        if let Some(page) = resource.page() {
            let texts = std::iter::once(page.title.as_str())
                .chain(
                    page.headings
                        .iter()
                        .map(String::as_str)
                        .filter(|h| !site.is_template_block(h)),
                )
                .chain(std::iter::once(page.breadcrumb.as_str()));
            for text in texts.filter(|t| !t.is_empty()) {
                for (i, s) in matcher.naming_scores(text).into_iter().enumerate() {
                    own[i] = own[i].max(s);
                }
            }
        }
        let url_scores = if resource.on_site {
            matcher.url_scores(&resource.url)
        } else {
            vec![0; n]
        };
        for i in 0..n {
            let social = social
                .iter()
                .find(|(idx, _)| *idx == i)
                .map(|(_, hosts)| *hosts);
            if let Some(hosts) = social {
                // Any link to the agency's social account places the channel on
                // the site; its wording does not matter, its page's depth does.
                if !resource.on_site
                    && !resource.inbound.is_empty()
                    && is_on_hosts(&resource.url, hosts)
                {
                    per_item[i].push(Candidate {
                        resource: id,
                        score: SOCIAL_WEIGHT,
                        via: None,
                        named: true,
                        links_generic,
                    });
                    continue;
                }
            }
            // Agreement counts: a page both linked under the item's name and
            // titled with it beats a page that only mentions it.
            let (high, low) = (anchor[i].max(own[i]), anchor[i].min(own[i]));
            let mut score = high + low / 2 + url_scores[i] / 2;
            if score == 0 && url_scores[i] > 0 {
                score = 1;
            }
            if score > 0 {
                per_item[i].push(Candidate {
                    resource: id,
                    score,
                    via: via[i].map(|(_, l)| l),
                    named: high > 0,
                    links_generic,
                });
            }
        }
    }
    for candidates in &mut per_item {
        candidates.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| {
                    graph
                        .get(a.resource)
                        .depth
                        .cmp(&graph.get(b.resource).depth)
                })
                .then_with(|| {
                    graph
                        .get(a.resource)
                        .url
                        .as_str()
                        .len()
                        .cmp(&graph.get(b.resource).url.as_str().len())
                })
                // The crawl's order varies with concurrency; the verdict must not.
                .then_with(|| graph.get(a.resource).url.cmp(&graph.get(b.resource).url))
        });
    }
    per_item
}

/// A page whose title, headings or breadcrumb name the ITA/OIT of an
/// earlier year than `year`, and never `year` itself.
fn is_earlier_index(page: &crate::graph::Page, year: u32) -> bool {
    let mut years = std::iter::once(&page.title)
        .chain(&page.headings)
        .chain(std::iter::once(&page.breadcrumb))
        .filter(|t| {
            t.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case("ita") || w.eq_ignore_ascii_case("oit"))
        })
        .flat_map(|t| crate::thaidate::find_years(t))
        .peekable();
    years.peek().is_some() && years.all(|y| y.to < year)
}

/// Whether a URL is on one of the hosts (or their subdomains).
#[must_use]
pub fn is_on_hosts(url: &Url, hosts: &[String]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    hosts
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code names its item, except where the words name another item:
    /// last year's ITA page in another numbering ("O19 แผนการจัดซื้อจัดจ้าง"
    /// under 2568, whose O19 is complaint statistics). In file names the
    /// code is deliberate and counts.
    #[test]
    fn codes_do_not_override_the_words() {
        let rules = RuleSet::for_year(2568).expect("rules");
        let matcher = ItemMatcher::new(&rules).expect("matcher");
        let named = |text: &str| -> Vec<&str> {
            matcher
                .naming_scores(text)
                .iter()
                .enumerate()
                .filter(|(_, s)| **s > 0)
                .map(|(i, _)| rules.items[i].id())
                .collect()
        };
        assert_eq!(named("O19 คลิก"), ["O19"]);
        assert_eq!(named("O19 ข้อมูลสถิติเรื่องร้องเรียนการทุจริต"), ["O19"]);
        assert!(!named("O19 แผนการจัดซื้อจัดจ้าง ปี 2567").contains(&"O19"));
        // Words this framework has no item for still overrule the code.
        assert!(named("o11 แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2567").is_empty());
        assert_eq!(named("O๑๑ ดาวน์โหลด"), ["O11"]);
        let url = Url::parse("http://x.go.th/uploads/O19-complaint-stat-2567.pdf").expect("url");
        let by_url = matcher.url_scores(&url);
        let o19 = rules
            .items
            .iter()
            .position(|i| i.id() == "O19")
            .expect("O19");
        assert!(by_url[o19] > 0);
    }

    #[test]
    fn an_exclude_containing_an_items_term_masks_only_that_term() {
        let rules = RuleSet::for_year(2566).expect("rules");
        let matcher = ItemMatcher::new(&rules).expect("matcher");
        let o4 = rules.items.iter().position(|i| i.id() == "O4").expect("O4");
        assert_eq!(matcher.scores("แผนพัฒนาการศึกษา 2566-2570")[o4], 0);
        assert!(matcher.scores("แผนพัฒนาการศึกษา (แผนยุทธศาสตร์) 2566-2570")[o4] > 0);
        assert!(matcher.scores("แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570)")[o4] > 0);
        // A veto (a term about something else) still excludes.
        assert_eq!(matcher.scores("แผนยุทธศาสตร์การป้องกันการทุจริต")[o4], 0);
    }

    #[test]
    fn an_earlier_years_ita_page_is_told_from_this_years() {
        let page = |title: &str, heading: &str| crate::graph::Page {
            title: title.to_string(),
            headings: vec![heading.to_string()],
            ..crate::graph::Page::default()
        };
        assert!(is_earlier_index(
            &page("ITA 2565 - อบต.ตัวอย่าง", "ข้อมูล OIT ปี 2565"),
            2566
        ));
        assert!(!is_earlier_index(
            &page("ITA 2566 - อบต.ตัวอย่าง", "OIT 2566"),
            2566
        ));
        // Both years named (this year's page linking last year's): not earlier.
        assert!(!is_earlier_index(
            &page("ITA 2566", "ITA 2565 (ปีที่ผ่านมา)"),
            2566
        ));
        // No ITA year at all: nothing to tell.
        assert!(!is_earlier_index(
            &page("การเปิดเผยข้อมูลสาธารณะ", "OIT"),
            2566
        ));
        assert!(!is_earlier_index(&page("แผนพัฒนาท้องถิ่น 2561-2565", ""), 2566));
    }

    #[test]
    fn social_hosts_match_subdomains() {
        let hosts = vec!["facebook.com".to_string()];
        assert!(is_on_hosts(
            &Url::parse("https://www.facebook.com/x").expect("url"),
            &hosts
        ));
        assert!(!is_on_hosts(
            &Url::parse("https://notfacebook.com/").expect("url"),
            &hosts
        ));
    }
}
