//! The judge: decides each item the way an assessor would, with evidence.
//!
//! For every candidate of an item (see [`crate::evidence`]) the judge opens
//! what the assessor would open and checks, in order: it is on the main site,
//! it is reachable, the page itself shows the item's content (a menu label
//! proves nothing), a channel works through the site, the fiscal year is
//! right, and the required elements are there. The first passing candidate
//! wins; otherwise the strongest candidate's failure is the verdict. The judge
//! reads only the [`SiteGraph`]: no HTTP here.

use url::Url;

use crate::evidence::{gather, is_on_hosts, Candidate, ItemMatcher, SiteText};
use crate::graph::{Content, FetchStatus, Page, ResourceId, SiteGraph};
use crate::rules::{ChannelKind, Item, ItemKind, RuleSet, YearRule};
use crate::textnorm::normalize;

/// Candidates examined per item, strongest first.
const MAX_CANDIDATES: usize = 40;
/// Headings naming this many items make a page an ITA index.
const HUB_ITEMS: usize = 4;
/// Content shorter than this (characters, placeholders removed) is empty.
const MIN_CONTENT_CHARS: usize = 30;
/// A page showing this much data of its own (outside headings and link
/// lines) is dated by that data as well as by its documents.
const MIN_DATA_CHARS: usize = 120;

mod page;
mod reason;
mod requirements;
#[cfg(test)]
mod tests;

use page::is_share_link;
pub use reason::{AnswerVerdict, EvidenceNote, Reason, ReasonCode, Verdict};

#[derive(Clone)]
struct Outcome {
    pass: bool,
    evidence_url: Option<Url>,
    reasons: Vec<Reason>,
    note: Option<EvidenceNote>,
}

impl Outcome {
    fn fail(reason: Reason, evidence_url: Option<Url>) -> Self {
        Self {
            pass: false,
            evidence_url,
            reasons: vec![reason],
            note: None,
        }
    }
}

/// Judges every item of a rule set against a crawled site.
pub struct Judge<'a> {
    graph: &'a SiteGraph,
    rules: &'a RuleSet,
    matcher: ItemMatcher,
    site: SiteText,
    year: u32,
    placeholders: Vec<String>,
    not_found: Vec<String>,
}

impl<'a> Judge<'a> {
    /// Prepares the judge (builds the matcher and finds the site template).
    ///
    /// # Errors
    /// When the rule set's terms cannot be indexed (caught when a rule file
    /// is loaded, so only for hand-built rule sets).
    pub fn new(graph: &'a SiteGraph, rules: &'a RuleSet, year: u32) -> crate::Result<Self> {
        let matcher = ItemMatcher::new(rules).map_err(|e| crate::Error::InvalidRules {
            file: rules.framework.id.clone(),
            line: 0,
            message: format!("items.match: the terms cannot be indexed: {e}"),
        })?;
        Ok(Self {
            graph,
            rules,
            matcher,
            site: SiteText::new(graph),
            year,
            placeholders: rules
                .judge
                .placeholder_phrases
                .iter()
                .map(|p| normalize(p))
                .collect(),
            not_found: rules
                .judge
                .not_found_phrases
                .iter()
                .map(|p| normalize(p))
                .collect(),
        })
    }

    /// Verdicts for every assessed item (an item whose rule is unknown gets
    /// none), in rule-file order.
    #[must_use]
    pub fn verdicts(&self) -> Vec<Verdict> {
        let candidates = gather(self.graph, self.rules, &self.matcher, &self.site, self.year);
        self.rules
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.is_assessed())
            .map(|(i, item)| self.decide(i, item, &candidates[i]))
            .collect()
    }

    /// Judges the URL a webmaster plans to submit for an item, as an
    /// assessor opening exactly that URL would. `None` for an unknown item.
    /// The verdict's evidence URL is the answer itself when it passes; a
    /// better page to submit, when the judge sees one, is in
    /// [`AnswerVerdict::suggested`].
    #[must_use]
    pub fn judge_answer(&self, item_id: &str, id: ResourceId) -> Option<AnswerVerdict> {
        let index = self
            .rules
            .items
            .iter()
            .position(|i| i.id() == item_id && i.is_assessed())?;
        let item = &self.rules.items[index];
        let resource = self.graph.get(id);
        let url = resource.url.clone();
        let fail = |reasons: Vec<Reason>, suggested: Option<Url>| AnswerVerdict {
            verdict: Verdict {
                item: item_id.to_string(),
                pass: false,
                evidence_url: None,
                reasons,
                evidence: None,
            },
            suggested,
        };
        let target = resource.final_url.as_ref().unwrap_or(&resource.url);
        if !resource.on_site || !self.graph.scope.contains(target) {
            let mut reasons = vec![Reason::new(ReasonCode::NotMainSite, Some(target))];
            if item.kind() == ItemKind::Channel {
                reasons.push(Reason::new(ReasonCode::ChannelNotOnSite, Some(target)));
            }
            return Some(fail(reasons, None));
        }
        if resource.status.is_failure() || matches!(resource.status, FetchStatus::NotFetched { .. })
        {
            let mut reason = Reason::new(ReasonCode::NotReachable, Some(&url));
            reason.status = Some(resource.status.describe());
            return Some(fail(vec![reason], None));
        }
        if resource.is_document() {
            // The seeds' most common zero: a file URL. The page linking it
            // is what to submit, if there is one.
            let page = self
                .best_linking_page(id)
                .map(|p| self.graph.get(p).url.clone());
            return Some(fail(
                vec![Reason::new(ReasonCode::FileUrlWithoutPage, Some(&url))],
                page,
            ));
        }
        let Content::Page(page) = &resource.content else {
            return Some(fail(
                vec![Reason::new(ReasonCode::NotReachable, Some(&url))],
                None,
            ));
        };
        if let Some(outcome) = self.judge_page(index, item, id, page, None) {
            return Some(AnswerVerdict {
                verdict: Verdict {
                    item: item_id.to_string(),
                    pass: outcome.pass,
                    evidence_url: outcome.pass.then(|| url.clone()),
                    reasons: outcome.reasons,
                    evidence: outcome.note,
                },
                suggested: None,
            });
        }
        // An index or a page that only links on: the assessor follows the
        // item's link from it, so that link's target decides.
        let mut first_fail: Option<Outcome> = None;
        for (link_index, link) in page.links.iter().enumerate() {
            if link.chrome || !self.link_names_item(index, link) {
                continue;
            }
            let Some(target) = self.graph.id_of(&link.target) else {
                continue;
            };
            let candidate = Candidate {
                resource: target,
                score: 1,
                via: Some(crate::graph::LinkRef {
                    from: id,
                    index: link_index,
                }),
                named: true,
                links_generic: false,
            };
            let Some(outcome) = self.judge_candidate(index, item, &candidate) else {
                continue;
            };
            if outcome.pass {
                let onward = outcome.evidence_url.filter(|e| *e != url);
                return Some(AnswerVerdict {
                    verdict: Verdict {
                        item: item_id.to_string(),
                        pass: true,
                        evidence_url: Some(url.clone()),
                        reasons: Vec::new(),
                        evidence: outcome.note,
                    },
                    suggested: onward,
                });
            }
            first_fail.get_or_insert(outcome);
        }
        let reasons = first_fail.map_or_else(
            || {
                let mut reason = Reason::new(ReasonCode::WrongContent, Some(&url));
                reason.expected = Some(expected_wording(item));
                vec![reason]
            },
            |o| o.reasons,
        );
        Some(fail(reasons, None))
    }

    fn decide(&self, index: usize, item: &Item, candidates: &[Candidate]) -> Verdict {
        let mut best_fail: Option<(u32, Outcome)> = None;
        // The item's document of the right year that no page links: one
        // link away from a pass, so a better finding than an old year or a
        // page named for the item that does not show it.
        let mut unlinked_right_year: Option<Outcome> = None;
        for candidate in candidates.iter().take(MAX_CANDIDATES) {
            let Some(outcome) = self.judge_candidate(index, item, candidate) else {
                continue;
            };
            tracing::debug!(
                item = item.id(),
                url = %self.graph.get(candidate.resource).url,
                score = candidate.score,
                pass = outcome.pass,
                reason = ?outcome.reasons.first().map(|r| r.code),
                "candidate"
            );
            if outcome.pass {
                return Verdict {
                    item: item.id().to_string(),
                    pass: true,
                    evidence_url: outcome.evidence_url,
                    reasons: Vec::new(),
                    evidence: outcome.note,
                };
            }
            if unlinked_right_year.is_none() && self.is_unlinked_right_year(item, &outcome) {
                unlinked_right_year = Some(outcome.clone());
            }
            let better = best_fail.as_ref().is_none_or(|(score, best)| {
                candidate.score > *score
                    || (candidate.score == *score && closeness(&outcome) > closeness(best))
            });
            if better {
                best_fail = Some((candidate.score, outcome));
            }
        }
        let best_fail = match (best_fail, unlinked_right_year) {
            (Some((_, best)), Some(file))
                if best.reasons.first().is_some_and(|r| {
                    matches!(r.code, ReasonCode::WrongYear | ReasonCode::WrongContent)
                }) =>
            {
                Some((0, file))
            }
            (best, _) => best,
        };
        let outcome = best_fail.map_or_else(
            || Outcome::fail(Reason::new(ReasonCode::NotFound, None), None),
            |(_, o)| o,
        );
        Verdict {
            item: item.id().to_string(),
            pass: false,
            evidence_url: outcome.evidence_url,
            reasons: outcome.reasons,
            evidence: outcome.note,
        }
    }

    /// A `FILE_URL_WITHOUT_PAGE` failure whose file name shows a year the
    /// item's rule accepts.
    fn is_unlinked_right_year(&self, item: &Item, outcome: &Outcome) -> bool {
        if item.year_rule() == YearRule::None {
            return false;
        }
        outcome.reasons.first().is_some_and(|r| {
            r.code == ReasonCode::FileUrlWithoutPage
                && r.url.as_ref().is_some_and(|url| {
                    let name = self
                        .graph
                        .id_of(url)
                        .map_or_else(String::new, |id| file_name(self.graph.get(id)));
                    !crate::thaidate::find_years(&name).is_empty()
                        && self.year_reason(item, &[name], &[]).is_none()
                })
        })
    }

    /// Judges one candidate; `None` when it tells nothing (not fetched).
    fn judge_candidate(&self, index: usize, item: &Item, candidate: &Candidate) -> Option<Outcome> {
        let resource = self.graph.get(candidate.resource);
        let linking_page = candidate.via.map(|l| self.graph.get(l.from).url.clone());
        let anchor_text = candidate
            .via
            .and_then(|l| self.graph.link(l))
            .map(|l| l.text.to_string())
            .filter(|t| !t.is_empty());
        let off_site = !resource.on_site
            || resource
                .final_url
                .as_ref()
                .is_some_and(|f| !self.graph.scope.contains(f));
        if off_site {
            let target = resource.final_url.as_ref().unwrap_or(&resource.url);
            if item.channel == Some(ChannelKind::SocialLink)
                && is_on_hosts(target, &item.social_hosts)
                && !is_share_link(target)
            {
                let page = self.best_linking_page(candidate.resource)?;
                return Some(Outcome {
                    pass: true,
                    evidence_url: Some(self.graph.get(page).url.clone()),
                    reasons: Vec::new(),
                    note: Some(EvidenceNote {
                        anchor_text,
                        linked_from: None,
                        document: Some(target.clone()),
                    }),
                });
            }
            let code = if item.kind() == ItemKind::Channel {
                ReasonCode::ChannelNotOnSite
            } else {
                ReasonCode::NotMainSite
            };
            return Some(Outcome::fail(Reason::new(code, Some(target)), linking_page));
        }
        // A URL alone names a page or a linked file only when the links to
        // it say nothing; otherwise the words on and around it decide.
        let linked = resource
            .inbound
            .iter()
            .any(|l| self.graph.get(l.from).page().is_some());
        let identified = if linked {
            candidate.named || candidate.links_generic
        } else {
            candidate.named || resource.is_document()
        };
        if !identified {
            return None;
        }
        match &resource.status {
            FetchStatus::NotFetched { .. } if !resource.is_document() => return None,
            FetchStatus::Http { .. } | FetchStatus::Failed { .. } => {
                let mut reason = Reason::new(ReasonCode::NotReachable, Some(&resource.url));
                reason.status = Some(resource.status.describe());
                return Some(Outcome::fail(reason, linking_page));
            }
            _ => {}
        }
        match &resource.content {
            Content::Page(page) => {
                self.judge_page(index, item, candidate.resource, page, anchor_text)
            }
            _ if resource.is_document() => {
                Some(self.judge_document(index, item, candidate, anchor_text))
            }
            _ => None,
        }
    }

    fn judge_document(
        &self,
        index: usize,
        item: &Item,
        candidate: &Candidate,
        anchor_text: Option<String>,
    ) -> Outcome {
        let resource = self.graph.get(candidate.resource);
        let linked: Vec<_> = resource
            .inbound
            .iter()
            .filter(|l| self.graph.get(l.from).page().is_some())
            .collect();
        let via = candidate
            .via
            .filter(|v| linked.contains(&v))
            .or_else(|| linked.first().map(|l| **l));
        let Some(via) = via else {
            return Outcome::fail(
                Reason::new(ReasonCode::FileUrlWithoutPage, Some(&resource.url)),
                None,
            );
        };
        let page_id = via.from;
        let page_url = self.graph.get(page_id).url.clone();
        if item.kind() == ItemKind::Channel {
            return Outcome::fail(
                Reason::new(ReasonCode::ChannelNotOnSite, Some(&resource.url)),
                Some(page_url),
            );
        }
        // The document's own words (its link, row and file name) date it;
        // the section and the page it sits on only when those say no year
        // (an archive page "ITA 2565" listing a report "ปี 2564").
        let mut texts: Vec<String> = Vec::new();
        let mut surroundings: Vec<String> = Vec::new();
        if let Some(link) = self.graph.link(via) {
            texts.push(link.text.to_string());
            texts.push(link.context.clone());
            surroundings.push(link.section.clone());
        }
        texts.push(file_name(resource));
        if let Some(page) = self.graph.get(page_id).page() {
            if self.names_item(index, page) {
                surroundings.push(page.title.clone());
                surroundings.extend(page.headings.iter().cloned());
            }
        }
        let note = EvidenceNote {
            anchor_text: anchor_text.or_else(|| self.graph.link(via).map(|l| l.text.to_string())),
            linked_from: Some(page_url.clone()),
            document: Some(resource.url.clone()),
        };
        if let Some(reason) = self.year_reason(item, &texts, &surroundings) {
            return Outcome {
                pass: false,
                evidence_url: Some(page_url),
                reasons: vec![reason],
                note: Some(note),
            };
        }
        // Required elements (executives' photos and contacts, the address
        // and map) cannot be read inside a file: the page presenting it
        // must show them, as for any page.
        if !item.elements.is_empty() {
            if let Some(page) = self.graph.get(page_id).page() {
                let missing = self.missing_elements(item, page, &Self::shown_texts(page));
                if !missing.is_empty() {
                    let mut reason = Reason::new(ReasonCode::MissingElements, Some(&page_url));
                    reason.elements = missing;
                    return Outcome {
                        pass: false,
                        evidence_url: Some(page_url),
                        reasons: vec![reason],
                        note: Some(note),
                    };
                }
            }
        }
        Outcome {
            pass: true,
            evidence_url: Some(page_url),
            reasons: Vec::new(),
            note: Some(note),
        }
    }

    fn judge_page(
        &self,
        index: usize,
        item: &Item,
        id: ResourceId,
        page: &Page,
        anchor_text: Option<String>,
    ) -> Option<Outcome> {
        let url = self.graph.get(id).url.clone();
        let fail = |reason: Reason| Outcome::fail(reason, Some(url.clone()));
        if self.is_soft_404(page) {
            let mut reason = Reason::new(ReasonCode::NotReachable, Some(&url));
            reason.status = Some("200 (หน้า \"ไม่พบหน้า\" / soft 404)".to_string());
            return Some(fail(reason));
        }
        if self.is_hub(page) {
            // An ITA index names many items in its headings; each item's
            // evidence is what its section links to, judged on its own.
            return None;
        }
        if self.is_placeholder(page) {
            // A page with nothing of its own but a link on for the item
            // ("คลิกที่นี่") is judged by where that link leads.
            if !self.says_placeholder(page) && self.leads_on(index, page) {
                return None;
            }
            return Some(fail(Reason::new(ReasonCode::ContentNotEvident, Some(&url))));
        }
        let own = self.own_texts(page);
        let matching: Vec<&str> = own
            .iter()
            .map(String::as_str)
            .filter(|t| self.matcher.scores(t)[index] > 0)
            .collect();
        if matching.is_empty() && item.channel != Some(ChannelKind::SocialLink) {
            let mut reason = Reason::new(ReasonCode::WrongContent, Some(&url));
            reason.expected = Some(expected_wording(item));
            return Some(fail(reason));
        }
        // Documents the page links for this item: all content documents on a
        // page dedicated to the item, otherwise those named for it.
        let dedicated = self.names_item(index, page);
        let docs: Vec<(&crate::graph::Link, &crate::graph::Resource)> = page
            .links
            .iter()
            .filter(|l| !l.chrome && !self.site.is_template_link(l))
            .filter_map(|l| Some((l, self.graph.get(self.graph.id_of(&l.target)?))))
            .filter(|(_, r)| r.on_site && r.is_document())
            .filter(|(l, _)| dedicated || self.link_names_item(index, l))
            .collect();
        // The item's documents are what the assessor opens: if every one is
        // dead, the page's words about them prove nothing.
        if !docs.is_empty() && docs.iter().all(|(_, r)| r.status.is_failure()) {
            let (_, dead) = docs[0];
            let mut reason = Reason::new(ReasonCode::NotReachable, Some(&dead.url));
            reason.status = Some(dead.status.describe());
            return Some(fail(reason));
        }
        if let Some(kind) = item.channel {
            if !self.channel_works(kind, item, page) {
                return Some(fail(Reason::new(ReasonCode::ChannelNotOnSite, Some(&url))));
            }
        } else if docs.is_empty() {
            if let Some(elsewhere) = self.content_only_elsewhere(index, page) {
                return Some(fail(Reason::new(ReasonCode::NotMainSite, Some(&elsewhere))));
            }
        }
        // Years near the item's wording: matching texts, the rows around
        // links that name it, its documents. A page dedicated to the item
        // may show the year anywhere in its content. The breadcrumb is where
        // the page is filed ("หน้าหลัก › ITA 2568 › O19"), not the year of
        // its data.
        // A dead document's words prove nothing either: they count only to
        // tell that the right year's document is the dead one.
        let (dead, live): (Vec<_>, Vec<_>) = docs.iter().partition(|(_, r)| r.status.is_failure());
        let dead_texts: Vec<&str> = dead
            .iter()
            .flat_map(|(l, _)| [&*l.text, l.context.as_str()])
            .collect();
        // Where the item's content is documents, their own words date it;
        // the page's title and headings are labels ("… ปี 2568" above a dead
        // link proves no 2568 data).
        let is_label = |t: &str| t == page.title || page.headings.iter().any(|h| h == t);
        let mut year_texts: Vec<String> = matching
            .iter()
            .filter(|t| **t != page.breadcrumb && !dead_texts.contains(t))
            .filter(|t| docs.is_empty() || !is_label(t))
            .map(|t| (*t).to_string())
            .collect();
        if let Some(a) = &anchor_text {
            year_texts.push(a.clone());
        }
        for link in page
            .links
            .iter()
            .filter(|l| !l.chrome && !self.site.is_template_link(l))
            .filter(|l| !dead_texts.contains(&l.context.as_str()))
        {
            if self.matcher.scores(&link.text)[index] > 0
                || self.matcher.scores(&link.context)[index] > 0
            {
                year_texts.push(link.context.clone());
            }
        }
        for (link, resource) in &live {
            year_texts.push(link.text.to_string());
            year_texts.push(link.context.clone());
            year_texts.push(file_name(resource));
        }
        if dedicated && !docs.is_empty() {
            year_texts.extend(self.own_data(page));
        }
        let own_content: Vec<String> = own
            .iter()
            .filter(|t| **t != page.breadcrumb)
            .cloned()
            .collect();
        let fallback: &[String] = if dedicated { &own_content } else { &[] };
        if let Some(reason) = self.year_reason(item, &year_texts, fallback) {
            let with_dead: Vec<String> = year_texts
                .iter()
                .cloned()
                .chain(
                    dead.iter()
                        .flat_map(|(l, r)| [l.text.to_string(), l.context.clone(), file_name(r)]),
                )
                .collect();
            // Only a dead document named for this item: a dead report on the
            // No Gift page does not make the announcement unreachable.
            let named_dead = dead.iter().find(|(l, _)| self.link_names_item(index, l));
            if let Some((_, gone)) = named_dead {
                if self.year_reason(item, &with_dead, fallback).is_none() {
                    let mut reason = Reason::new(ReasonCode::NotReachable, Some(&gone.url));
                    reason.status = Some(gone.status.describe());
                    return Some(fail(reason));
                }
            }
            return Some(fail(reason));
        }
        // Elements are read from everything the page shows outside navigation
        // chrome, even text the site repeats elsewhere: the contact page may
        // carry the same address block as other pages' content.
        let shown = Self::shown_texts(page);
        let missing = self.missing_elements(item, page, &shown);
        if !missing.is_empty() {
            let mut reason = Reason::new(ReasonCode::MissingElements, Some(&url));
            reason.elements = missing;
            return Some(fail(reason));
        }
        Some(Outcome {
            pass: true,
            evidence_url: Some(url),
            reasons: Vec::new(),
            note: Some(EvidenceNote {
                anchor_text,
                linked_from: None,
                document: docs.first().map(|(_, r)| r.url.clone()),
            }),
        })
    }

    /// The fetched main-site page linking a resource, nearest the home page.
    fn best_linking_page(&self, id: ResourceId) -> Option<ResourceId> {
        self.graph
            .get(id)
            .inbound
            .iter()
            .map(|l| l.from)
            .filter(|&from| self.graph.get(from).on_site)
            .min_by_key(|&from| {
                let page = self.graph.get(from);
                (page.depth, page.url.as_str().len(), page.url.as_str())
            })
    }
}

/// A few of the item's phrases, for a WRONG_CONTENT message.
fn expected_wording(item: &Item) -> String {
    item.match_groups
        .iter()
        .take(3)
        .map(|g| g.join(" + "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn closeness(outcome: &Outcome) -> u8 {
    outcome.reasons.first().map_or(0, |r| r.code.closeness())
}

/// The decoded last path segment: a document's own name. Folder names are
/// upload dates ("/uploads/2022/03/"), not the year of the data.
/// The names a document goes by: its URL's last path segment, the values
/// of its query (`Download.ashx?file=plan-2568.pdf`) and the name its server
/// gives it (`Content-Disposition`).
fn file_name(resource: &crate::graph::Resource) -> String {
    let url = &resource.url;
    let mut segments = url.path().rsplit('/');
    let mut names = crate::textnorm::percent_decode(segments.next().unwrap_or_default());
    // A portal's document URL ends in an id: `/documents/1/2/plan-2569.pdf/3f2a…`.
    for segment in segments.filter(|s| crate::graph::looks_like_document_name(s)) {
        names.push(' ');
        names.push_str(&crate::textnorm::percent_decode(segment));
    }
    // Only values that are file names: `?id=2566` is a record, not a year.
    for (_, value) in url.query_pairs() {
        let is_file = value.rsplit_once('.').is_some_and(|(_, ext)| {
            (2..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if is_file {
            names.push(' ');
            names.push_str(value.rsplit('/').next().unwrap_or_default());
        }
    }
    if let crate::graph::Content::Document {
        file_name: Some(given),
        ..
    } = &resource.content
    {
        names.push(' ');
        names.push_str(given);
    }
    names
}
