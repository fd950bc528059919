//! The judge: decides each item the way an assessor would, with evidence.
//!
//! For every candidate of an item (see [`crate::evidence`]) the judge opens
//! what the assessor would open and checks, in order: it is on the main site,
//! it is reachable, the page itself shows the item's content (a menu label
//! proves nothing), a channel works through the site, the fiscal year is
//! right, and the required elements are there. The first passing candidate
//! wins; otherwise the strongest candidate's failure is the verdict. The judge
//! reads only the [`SiteGraph`]: no HTTP here.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use url::Url;

use crate::evidence::{gather, is_on_hosts, Candidate, ItemMatcher, SiteText};
use crate::graph::{Content, FetchStatus, Page, ResourceId, SiteGraph};
use crate::rules::{ChannelKind, Detector, Item, ItemKind, RuleSet, YearRule};
use crate::textnorm::normalize;
use crate::thaidate::{find_years, YearSpan};

/// Candidates examined per item, strongest first.
const MAX_CANDIDATES: usize = 40;
/// Headings naming this many items make a page an ITA index.
const HUB_ITEMS: usize = 4;
/// Content shorter than this (characters, placeholders removed) is empty.
const MIN_CONTENT_CHARS: usize = 30;

/// Why an item fails: stable codes for machines, rendered as Thai or English
/// messages from the rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// No main-site page publishes it.
    NotFound,
    /// Only a file no main-site page links to.
    FileUrlWithoutPage,
    /// Only on another host.
    NotMainSite,
    /// Not for the fiscal year the rule asks.
    WrongYear,
    /// Required elements missing.
    MissingElements,
    /// The link is dead.
    NotReachable,
    /// The channel does not work through the agency's own site.
    ChannelNotOnSite,
    /// The page behind the name does not show the content.
    ContentNotEvident,
}

impl ReasonCode {
    /// Every code.
    pub const ALL: [ReasonCode; 8] = [
        ReasonCode::NotFound,
        ReasonCode::FileUrlWithoutPage,
        ReasonCode::NotMainSite,
        ReasonCode::WrongYear,
        ReasonCode::MissingElements,
        ReasonCode::NotReachable,
        ReasonCode::ChannelNotOnSite,
        ReasonCode::ContentNotEvident,
    ];

    /// The stable code string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::NotFound => "NOT_FOUND",
            ReasonCode::FileUrlWithoutPage => "FILE_URL_WITHOUT_PAGE",
            ReasonCode::NotMainSite => "NOT_MAIN_SITE",
            ReasonCode::WrongYear => "WRONG_YEAR",
            ReasonCode::MissingElements => "MISSING_ELEMENTS",
            ReasonCode::NotReachable => "NOT_REACHABLE",
            ReasonCode::ChannelNotOnSite => "CHANNEL_NOT_ON_SITE",
            ReasonCode::ContentNotEvident => "CONTENT_NOT_EVIDENT",
        }
    }

    /// How close a failure is to a pass; breaks ties between candidates.
    fn closeness(self) -> u8 {
        match self {
            ReasonCode::MissingElements => 7,
            ReasonCode::WrongYear => 6,
            ReasonCode::ChannelNotOnSite => 5,
            ReasonCode::ContentNotEvident => 4,
            ReasonCode::NotReachable => 3,
            ReasonCode::NotMainSite => 2,
            ReasonCode::FileUrlWithoutPage => 1,
            ReasonCode::NotFound => 0,
        }
    }
}

/// A reason with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The code.
    pub code: ReasonCode,
    /// The URL concerned.
    pub url: Option<Url>,
    /// HTTP status or network error, for `NOT_REACHABLE`.
    pub status: Option<String>,
    /// Years found, for `WRONG_YEAR`.
    pub years: Vec<YearSpan>,
    /// Year wanted, for `WRONG_YEAR`.
    pub expected: Option<String>,
    /// Missing element ids, for `MISSING_ELEMENTS`.
    pub elements: Vec<String>,
}

impl Reason {
    fn new(code: ReasonCode, url: Option<&Url>) -> Self {
        Self {
            code,
            url: url.cloned(),
            status: None,
            years: Vec::new(),
            expected: None,
            elements: Vec::new(),
        }
    }
}

/// What the evidence is: the naming link and where it was found.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceNote {
    /// Anchor text of the link that names the evidence.
    pub anchor_text: Option<String>,
    /// The page that link is on.
    pub linked_from: Option<Url>,
    /// The document, when the evidence page links the item's document.
    pub document: Option<Url>,
}

/// The decision for one item.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Item id.
    pub item: String,
    /// Pass or fail.
    pub pass: bool,
    /// The main-site HTML page to submit (for a failure, the page concerned
    /// when there is one).
    pub evidence_url: Option<Url>,
    /// Why it fails (empty on pass).
    pub reasons: Vec<Reason>,
    /// How the evidence was found.
    pub evidence: Option<EvidenceNote>,
}

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

    /// Verdicts for all items, in rule-file order.
    #[must_use]
    pub fn verdicts(&self) -> Vec<Verdict> {
        let candidates = gather(self.graph, self.rules, &self.matcher, &self.site);
        self.rules
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| self.decide(i, item, &candidates[i]))
            .collect()
    }

    fn decide(&self, index: usize, item: &Item, candidates: &[Candidate]) -> Verdict {
        let mut best_fail: Option<(u32, Outcome)> = None;
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
            let better = best_fail.as_ref().is_none_or(|(score, best)| {
                candidate.score > *score
                    || (candidate.score == *score && closeness(&outcome) > closeness(best))
            });
            if better {
                best_fail = Some((candidate.score, outcome));
            }
        }
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

    /// Judges one candidate; `None` when it tells nothing (not fetched).
    fn judge_candidate(&self, index: usize, item: &Item, candidate: &Candidate) -> Option<Outcome> {
        let resource = self.graph.get(candidate.resource);
        let linking_page = candidate.via.map(|l| self.graph.get(l.from).url.clone());
        let anchor_text = candidate
            .via
            .and_then(|l| self.graph.link(l))
            .map(|l| l.text.clone())
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
            let code = if item.kind == ItemKind::Channel {
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
        if item.kind == ItemKind::Channel {
            return Outcome::fail(
                Reason::new(ReasonCode::ChannelNotOnSite, Some(&resource.url)),
                Some(page_url),
            );
        }
        let mut texts: Vec<String> = Vec::new();
        if let Some(link) = self.graph.link(via) {
            texts.push(link.text.clone());
            texts.push(link.context.clone());
            texts.push(link.section.clone());
        }
        texts.push(file_name(&resource.url));
        if let Some(page) = self.graph.get(page_id).page() {
            if self.names_item(index, page) {
                texts.push(page.title.clone());
                texts.extend(page.headings.iter().cloned());
            }
        }
        let note = EvidenceNote {
            anchor_text: anchor_text.or_else(|| self.graph.link(via).map(|l| l.text.clone())),
            linked_from: Some(page_url.clone()),
            document: Some(resource.url.clone()),
        };
        if let Some(reason) = self.year_reason(item, &texts, &[]) {
            return Outcome {
                pass: false,
                evidence_url: Some(page_url),
                reasons: vec![reason],
                note: Some(note),
            };
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
            return Some(fail(Reason::new(ReasonCode::ContentNotEvident, Some(&url))));
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
        let has_text_content = self.content_chars(page) >= MIN_CONTENT_CHARS * 3;
        if !docs.is_empty() && !has_text_content && docs.iter().all(|(_, r)| r.status.is_failure())
        {
            let (_, dead) = docs[0];
            let mut reason = Reason::new(ReasonCode::NotReachable, Some(&dead.url));
            reason.status = Some(dead.status.describe());
            return Some(fail(reason));
        }
        if let Some(kind) = item.channel {
            if !self.channel_works(kind, item, page) {
                return Some(fail(Reason::new(ReasonCode::ChannelNotOnSite, Some(&url))));
            }
        }
        // Years near the item's wording: matching texts, the rows around
        // links that name it, its documents. A page dedicated to the item
        // may show the year anywhere in its content.
        let mut year_texts: Vec<String> = matching.iter().map(|t| (*t).to_string()).collect();
        if let Some(a) = &anchor_text {
            year_texts.push(a.clone());
        }
        for link in page
            .links
            .iter()
            .filter(|l| !l.chrome && !self.site.is_template_link(l))
        {
            if self.matcher.scores(&link.text)[index] > 0
                || self.matcher.scores(&link.context)[index] > 0
            {
                year_texts.push(link.context.clone());
            }
        }
        for (link, resource) in &docs {
            year_texts.push(link.text.clone());
            year_texts.push(link.context.clone());
            year_texts.push(file_name(&resource.url));
        }
        let fallback: &[String] = if dedicated { &own } else { &[] };
        if let Some(reason) = self.year_reason(item, &year_texts, fallback) {
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

    /// The page's own texts: title, headings, breadcrumb, content blocks and
    /// content links — without the site template.
    fn own_texts(&self, page: &Page) -> Vec<String> {
        let mut texts = vec![page.title.clone(), page.breadcrumb.clone()];
        texts.extend(
            page.blocks
                .iter()
                .filter(|b| !b.chrome && !self.site.is_template_block(&b.text))
                .map(|b| b.text.clone()),
        );
        texts.extend(
            page.links
                .iter()
                .filter(|l| !l.chrome && !self.site.is_template_link(l))
                .map(|l| l.text.clone()),
        );
        texts.retain(|t| !t.is_empty());
        texts
    }

    /// Title, headings, content blocks and content links outside chrome.
    fn shown_texts(page: &Page) -> Vec<String> {
        let mut texts = vec![page.title.clone()];
        texts.extend(
            page.blocks
                .iter()
                .filter(|b| !b.chrome)
                .map(|b| b.text.clone()),
        );
        texts.extend(
            page.links
                .iter()
                .filter(|l| !l.chrome)
                .map(|l| l.text.clone()),
        );
        texts
    }

    /// Whether a link's text, row or section heading names the item.
    fn link_names_item(&self, index: usize, link: &crate::graph::Link) -> bool {
        [&link.text, &link.context, &link.section]
            .iter()
            .any(|t| !t.is_empty() && self.matcher.scores(t)[index] > 0)
    }

    /// Whether the page's title, headings or breadcrumb name the item.
    fn names_item(&self, index: usize, page: &Page) -> bool {
        let main_heading = page
            .headings
            .iter()
            .find(|h| !self.site.is_template_block(h));
        std::iter::once(&page.title)
            .chain(main_heading)
            .chain(std::iter::once(&page.breadcrumb))
            .any(|t| self.matcher.scores(t)[index] > 0)
    }

    /// An index page: its headings name several items ("O1 โครงสร้าง",
    /// "O2 ข้อมูลผู้บริหาร", …).
    fn is_hub(&self, page: &Page) -> bool {
        let mut named = vec![false; self.matcher.len()];
        for heading in page
            .headings
            .iter()
            .filter(|h| !self.site.is_template_block(h))
        {
            for (i, s) in self.matcher.naming_scores(heading).into_iter().enumerate() {
                named[i] |= s > 0;
            }
        }
        named.iter().filter(|n| **n).count() >= HUB_ITEMS
    }

    /// Whether a content link on the page leads on for the item (named by
    /// its text, its row or its section) to a page or another host.
    fn leads_on(&self, index: usize, page: &Page) -> bool {
        page.links.iter().any(|l| {
            !l.chrome
                && !self.site.is_template_link(l)
                && !page.frames.contains(&l.target)
                && self.link_names_item(index, l)
        })
    }

    /// Characters of non-heading content outside the template.
    fn content_chars(&self, page: &Page) -> usize {
        page.blocks
            .iter()
            .filter(|b| !b.chrome && !b.heading && !self.site.is_template_block(&b.text))
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
    fn is_soft_404(&self, page: &Page) -> bool {
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
    fn is_placeholder(&self, page: &Page) -> bool {
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
    fn says_placeholder(&self, page: &Page) -> bool {
        let content: String = page
            .blocks
            .iter()
            .filter(|b| !b.chrome && !b.heading && !self.site.is_template_block(&b.text))
            .map(|b| normalize(&b.text))
            .collect();
        self.placeholders
            .iter()
            .any(|p| content.contains(p.as_str()))
    }

    fn channel_works(&self, kind: ChannelKind, item: &Item, page: &Page) -> bool {
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
    fn has_site_form(&self, page: &Page) -> bool {
        page.forms
            .iter()
            .any(|f| f.is_usable() && self.graph.scope.contains(&f.action))
            || page.frames.iter().any(|f| {
                f.host_str()
                    .is_some_and(|h| h.ends_with("docs.google.com") || h.ends_with("forms.gle"))
                    && f.path().contains("form")
            })
    }

    /// `WRONG_YEAR` if neither the texts near the item nor the `fallback`
    /// (the whole content of a page dedicated to the item) show the year the
    /// rule asks.
    fn year_reason(&self, item: &Item, texts: &[String], fallback: &[String]) -> Option<Reason> {
        if item.year == YearRule::None {
            return None;
        }
        let collect = |texts: &[String]| -> Vec<YearSpan> {
            let mut spans: Vec<YearSpan> = texts.iter().flat_map(|t| find_years(t)).collect();
            spans.sort_unstable();
            spans.dedup();
            spans
        };
        let mut spans = collect(texts);
        if item.year.accepts(&spans, self.year) {
            return None;
        }
        let more = collect(fallback);
        if item.year.accepts(&more, self.year) {
            return None;
        }
        if spans.is_empty() {
            spans = more;
        }
        let mut reason = Reason::new(ReasonCode::WrongYear, None);
        reason.years = spans;
        reason.expected = Some(item.year.expected(self.year));
        Some(reason)
    }

    fn missing_elements(&self, item: &Item, page: &Page, own: &[String]) -> Vec<String> {
        let content = normalize(&own.join(" "));
        item.elements
            .iter()
            .filter(|e| {
                let by_term = e.any.iter().any(|t| content.contains(&normalize(t)));
                let by_detector = e.detect.is_some_and(|d| self.detect(d, page, own));
                !(by_term || by_detector)
            })
            .map(|e| e.id.clone())
            .collect()
    }

    fn detect(&self, detector: Detector, page: &Page, own: &[String]) -> bool {
        let joined = own.join("\n");
        match detector {
            Detector::Email => {
                EMAIL.is_match(&joined)
                    || page
                        .links
                        .iter()
                        .any(|l| l.target.scheme() == "mailto" && !l.chrome)
            }
            Detector::Phone => PHONE.is_match(&crate::textnorm::thai_digits_to_ascii(&joined)),
            Detector::Map => page
                .frames
                .iter()
                .chain(page.links.iter().filter(|l| !l.chrome).map(|l| &l.target))
                .any(is_map_url),
            Detector::Image => page.content_images > 0,
            Detector::Form => page.forms.iter().any(crate::graph::Form::is_usable),
            Detector::ContactPerPerson => self.every_person_has_contact(page),
        }
    }

    /// Splits the content into people (a block starting a Thai personal
    /// title) and checks each has a phone number or e-mail.
    fn every_person_has_contact(&self, page: &Page) -> bool {
        let mut people: Vec<bool> = Vec::new();
        for block in page.blocks.iter().filter(|b| !b.chrome) {
            let text = crate::textnorm::thai_digits_to_ascii(&block.text);
            if PERSON.is_match(&text) && !POSITION_PREFIXES.iter().any(|p| text.starts_with(p)) {
                people.push(false);
            }
            if PHONE.is_match(&text) || EMAIL.is_match(&text) {
                if let Some(last) = people.last_mut() {
                    *last = true;
                }
            }
        }
        !people.is_empty() && people.iter().all(|&has| has)
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
                (
                    self.graph.get(from).depth,
                    self.graph.get(from).url.as_str().len(),
                )
            })
    }
}

fn closeness(outcome: &Outcome) -> u8 {
    outcome.reasons.first().map_or(0, |r| r.code.closeness())
}

/// The decoded last path segment: a document's own name. Folder names are
/// upload dates ("/uploads/2022/03/"), not the year of the data.
fn file_name(url: &Url) -> String {
    crate::textnorm::percent_decode(url.path().rsplit('/').next().unwrap_or_default())
}

/// "Share this page" buttons link to a social host but are not the
/// agency's own account.
fn is_share_link(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    ["/sharer", "/share", "/intent/", "/plugins/", "/msg/text"]
        .iter()
        .any(|p| path.starts_with(p) || path.contains(p))
        || url
            .host_str()
            .is_some_and(|h| h.starts_with("social-plugins."))
}

fn is_map_url(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let path = url.path();
    (host.contains("google.") && (path.starts_with("/maps") || host.starts_with("maps.")))
        || host == "goo.gl" && path.starts_with("/maps")
        || host.ends_with("maps.app.goo.gl")
        || host.contains("openstreetmap.org")
        || host.contains("longdo.com")
}

/// Position titles that start like a personal title ("นายก…" is a mayor,
/// not "นาย ก…").
const POSITION_PREFIXES: &[&str] = &[
    "นายกองค์การ",
    "นายกเทศมนตรี",
    "นายก อบ",
    "นายกอบ",
    "นายกเมือง",
    "นายกสมาคม",
];

#[allow(clippy::expect_used)]
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("static regex")
});
#[allow(clippy::expect_used)]
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])0(?:[\s-]?\d){8,9}(?:[^\d]|$)").expect("static regex")
});
#[allow(clippy::expect_used)]
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:นาย|นางสาว|นาง|น\.ส\.|ว่าที่|ดร\.|จ\.ส\.|ส\.อ\.|พ\.ต\.|ร\.ต\.)\s*[ก-๙]")
        .expect("static regex")
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::extract::extract;
    use crate::graph::{Content, FetchStatus, LinkRef};

    const SITE: &str = "http://sao.example.go.th/";

    /// A fetched site from `(path, html)` pages; `.pdf` paths are documents
    /// (a `None` body means the document answered 404).
    fn site(pages: &[(&str, Option<&str>)]) -> SiteGraph {
        let base = Url::parse(SITE).expect("url");
        let mut graph = SiteGraph::new(base.clone());
        for (path, body) in pages {
            let url = base.join(path).expect("url");
            let id = graph.intern(&url, if *path == "/" { 0 } else { 1 });
            let resource = &mut graph.resources[id];
            match body {
                None => resource.status = FetchStatus::Http { status: 404 },
                Some(html) if path.ends_with(".pdf") => {
                    resource.status = FetchStatus::Ok { status: 200 };
                    resource.content = Content::Document {
                        content_type: "application/pdf".into(),
                    };
                    let _ = html;
                }
                Some(html) => {
                    resource.status = FetchStatus::Ok { status: 200 };
                    resource.content = Content::Page(Box::new(extract(html, &url)));
                }
            }
        }
        let links: Vec<(usize, usize, Url)> = graph
            .pages()
            .flat_map(|(id, p)| {
                p.links
                    .iter()
                    .enumerate()
                    .map(move |(i, l)| (id, i, l.target.clone()))
            })
            .collect();
        for (from, index, target) in links {
            let to = graph.intern(&target, 2);
            graph.resources[to].inbound.push(LinkRef { from, index });
        }
        graph
    }

    fn page(title: &str, body: &str) -> String {
        format!(
            "<html><head><title>{title} - อบต.ตัวอย่าง</title></head><body>\
             <nav><ul><li><a href=\"/contact.html\">ติดต่อเรา</a></li><li><a href=\"/qa.html\">กระดานถาม-ตอบ</a></li>\
             <li><a href=\"/plan.html\">แผนการจัดซื้อจัดจ้าง</a></li><li><a href=\"/culture.html\">การเสริมสร้างวัฒนธรรมองค์กร</a></li></ul></nav>\
             <main><h2>{title}</h2>{body}</main></body></html>"
        )
    }

    fn verdict(graph: &SiteGraph, year: u32, id: &str) -> Verdict {
        let rules = RuleSet::embedded().expect("rules");
        Judge::new(graph, &rules, year)
            .expect("judge")
            .verdicts()
            .into_iter()
            .find(|v| v.item == id)
            .expect("item judged")
    }

    fn codes(v: &Verdict) -> Vec<ReasonCode> {
        v.reasons.iter().map(|r| r.code).collect()
    }

    fn home() -> String {
        page("หน้าแรก", "<p>ยินดีต้อนรับสู่เว็บไซต์องค์การบริหารส่วนตำบลตัวอย่าง</p>")
    }

    #[test]
    fn a_menu_entry_to_an_empty_page_proves_nothing() {
        let culture = page("การเสริมสร้างวัฒนธรรมองค์กร", "<p>อยู่ระหว่างปรับปรุงข้อมูล</p>");
        let graph = site(&[("/", Some(&home())), ("/culture.html", Some(&culture))]);
        let v = verdict(&graph, 2564, "O38");
        assert_eq!(codes(&v), [ReasonCode::ContentNotEvident]);
    }

    #[test]
    fn a_linked_pdf_passes_with_its_page_as_evidence_and_the_year_checked() {
        let plan = |year: &str| {
            page(
                "แผนการจัดซื้อจัดจ้าง",
                &format!("<ul><li><a href=\"/files/p.pdf\">แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. {year}</a></li></ul>"),
            )
        };
        let good = plan("๒๕๖๔");
        let graph = site(&[
            ("/", Some(&home())),
            ("/plan.html", Some(&good)),
            ("/files/p.pdf", Some("")),
        ]);
        let v = verdict(&graph, 2564, "O21");
        assert!(v.pass, "{v:?}");
        assert_eq!(v.evidence_url.as_ref().map(Url::path), Some("/plan.html"));

        let old = plan("2562");
        let graph = site(&[
            ("/", Some(&home())),
            ("/plan.html", Some(&old)),
            ("/files/p.pdf", Some("")),
        ]);
        let v = verdict(&graph, 2564, "O21");
        assert_eq!(codes(&v), [ReasonCode::WrongYear]);
        assert_eq!(v.reasons[0].years, [YearSpan::single(2562)]);
    }

    #[test]
    fn a_dead_document_is_not_reachable() {
        let plan = page(
            "แผนการจัดซื้อจัดจ้าง",
            "<p><a href=\"/files/p.pdf\">แผนการจัดซื้อจัดจ้าง ปี 2564</a></p>",
        );
        let graph = site(&[
            ("/", Some(&home())),
            ("/plan.html", Some(&plan)),
            ("/files/p.pdf", None),
        ]);
        let v = verdict(&graph, 2564, "O21");
        assert_eq!(codes(&v), [ReasonCode::NotReachable]);
        assert_eq!(v.reasons[0].status.as_deref(), Some("404"));
    }

    #[test]
    fn contact_page_without_fax_lacks_an_element() {
        let contact = |fax: &str| {
            page(
                "ติดต่อเรา",
                &format!(
                    "<p>ที่อยู่ 99 หมู่ 1 ตำบลตัวอย่าง อำเภอเมือง จังหวัดตัวอย่าง 40000</p>\
                     <p>โทรศัพท์ 0 4300 1234 {fax}</p><p>อีเมล saraban@example.go.th</p>\
                     <iframe src=\"https://www.google.com/maps/embed?pb=1\"></iframe>"
                ),
            )
        };
        let without = contact("");
        let v = verdict(
            &site(&[("/", Some(&home())), ("/contact.html", Some(&without))]),
            2564,
            "O5",
        );
        assert_eq!(codes(&v), [ReasonCode::MissingElements]);
        assert_eq!(v.reasons[0].elements, ["fax"]);
        let with = contact("โทรสาร 0 4300 1235");
        let v = verdict(
            &site(&[("/", Some(&home())), ("/contact.html", Some(&with))]),
            2564,
            "O5",
        );
        assert!(v.pass, "{v:?}");
    }

    #[test]
    fn a_qa_channel_needs_a_form_on_the_site() {
        let facebook_only = page(
            "กระดานถาม-ตอบ",
            "<p>สอบถามข้อมูลได้ที่เพจ <a href=\"https://www.facebook.com/sao\">Facebook อบต.</a> หรือโทร 0 4300 1234</p>",
        );
        let v = verdict(
            &site(&[("/", Some(&home())), ("/qa.html", Some(&facebook_only))]),
            2564,
            "O8",
        );
        assert_eq!(codes(&v), [ReasonCode::ChannelNotOnSite]);
        let with_form = page(
            "กระดานถาม-ตอบ",
            "<p>ตั้งคำถาม</p><form method=\"post\" action=\"/qa.html\"><input name=\"name\"><textarea name=\"q\"></textarea></form>",
        );
        let v = verdict(
            &site(&[("/", Some(&home())), ("/qa.html", Some(&with_form))]),
            2564,
            "O8",
        );
        assert!(v.pass, "{v:?}");
    }

    #[test]
    fn an_ita_table_row_names_a_generic_download_link() {
        let hub = page(
            "การเปิดเผยข้อมูลสาธารณะ (OIT)",
            "<table><tr><td>O21</td><td>แผนการจัดซื้อจัดจ้างหรือแผนการจัดหาพัสดุ ปี ๖๔</td>\
             <td><a href=\"/files/o21.pdf\">ดาวน์โหลด</a></td></tr></table>",
        );
        let graph = site(&[
            ("/", Some(&home())),
            ("/ita.html", Some(&hub)),
            ("/files/o21.pdf", Some("")),
        ]);
        let v = verdict(&graph, 2564, "O21");
        assert!(v.pass, "{v:?}");
        assert_eq!(v.evidence_url.as_ref().map(Url::path), Some("/ita.html"));
    }

    #[test]
    fn a_section_heading_names_the_links_under_it() {
        let hub = page(
            "ITA 2564",
            "<h3>O10 แผนดำเนินงานประจำปี</h3><p><a href=\"/files/a.pdf\">คลิกที่นี่</a> (ปีงบประมาณ 2564)</p>             <h3>O1 โครงสร้าง</h3><p><a href=\"/files/b.pdf\">คลิกที่นี่</a></p>",
        );
        let graph = site(&[
            ("/", Some(&home())),
            ("/ita.html", Some(&hub)),
            ("/files/a.pdf", Some("")),
            ("/files/b.pdf", Some("")),
        ]);
        let v = verdict(&graph, 2564, "O10");
        assert!(v.pass, "{v:?}");
        assert_eq!(
            v.evidence
                .and_then(|e| e.document)
                .map(|d| d.path().to_string())
                .as_deref(),
            Some("/files/a.pdf")
        );
    }

    #[test]
    fn a_soft_404_is_not_reachable() {
        let missing = page("ไม่พบหน้าที่ต้องการ (404)", "<p>ขออภัย</p>");
        let graph = site(&[("/", Some(&home())), ("/plan.html", Some(&missing))]);
        let v = verdict(&graph, 2564, "O21");
        assert_eq!(codes(&v), [ReasonCode::NotReachable]);
    }
}
