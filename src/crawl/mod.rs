//! The polite crawler: walks one agency's main site and builds a [`SiteGraph`].
//!
//! # Architecture
//! - [`fetch`]: one HTTP exchange with redirects (within the site), retries
//!   with backoff on 429/5xx honouring `Retry-After`, timeouts and a body cap.
//! - [`robots`]: robots.txt via `texting_robots`.
//! - [`decode`]: UTF-8 / TIS-620 decoding.
//! - [`extract`]: HTML to [`crate::graph::Page`].
//! - this module: the frontier (breadth-first), the page budget, bounded
//!   concurrency and the per-host rate limit (governor), shared by every
//!   request including robots.txt, sitemaps and document checks.
//!
//! Off-site URLs are recorded in the graph and never fetched. Documents
//! (PDF, DOC, images) are checked with HEAD so large bodies are never
//! downloaded.

pub mod decode;
pub mod disposition;
pub mod extract;
pub mod fetch;
pub mod robots;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use url::Url;

use crate::error::{Error, Result};
use crate::graph::{
    looks_like_document, Content, FetchStatus, Link, LinkRef, Page, ResourceId, SiteGraph,
    SkipReason, StopReason,
};
use fetch::{Fetcher, Method, Outcome};
use robots::RobotsPolicy;

/// Default politeness: requests per second to one host.
pub const DEFAULT_RATE: f64 = 2.0;
/// Default cap on HTML pages fetched.
pub const DEFAULT_MAX_PAGES: usize = 2000;
/// Default number of requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default cap on a page body.
pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;
/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "oitcheck/",
    env!("CARGO_PKG_VERSION"),
    " (+ITA OIT self-check)"
);
/// The product token matched against robots.txt `User-agent` lines.
pub const ROBOTS_AGENT: &str = "oitcheck";
/// Longest Crawl-delay honoured; a site asking for more is still crawled,
/// at this pace.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);
/// URLs longer than this are traps (session ids, ever-growing queries).
const MAX_URL_LEN: usize = 600;
/// Clicks from the home page beyond which a page is a trap (calendars).
const MAX_DEPTH: u32 = 25;
/// Distinct query strings of one path crawled at most (calendars, filters;
/// an old CMS's `page.php?id=` needs a few hundred at most).
const MAX_QUERY_VARIANTS: usize = 300;
/// Longest sitemap chain followed (sitemap indexes).
const MAX_SITEMAPS: usize = 10;

/// Where the crawl is, for a progress display.
#[derive(Debug, Clone, Copy)]
pub struct CrawlProgress {
    /// HTML pages fetched so far.
    pub pages_fetched: usize,
    /// URLs waiting in the frontier.
    pub queued: usize,
    /// Requests sent so far.
    pub requests: usize,
    /// Time since the crawl began.
    pub elapsed: Duration,
}

/// A callback told about the crawl's progress after every fetch.
#[derive(Clone)]
pub struct ProgressHook(pub Arc<dyn Fn(CrawlProgress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

/// A link's promise from its URL and, when found on a page, the link; with
/// the item (index) its words name best, if any.
pub type LinkScore = dyn Fn(&Url, Option<&Link>) -> (u32, Option<usize>) + Send + Sync;
/// What a page lends the links in its content: to every content link (an
/// index of items), and to its documents (a page about an item).
pub type PageScore = dyn Fn(&Page) -> (u32, u32) + Send + Sync;

/// A page listing this many links named for one item (news in a news
/// list) lists instances: the list itself is the evidence, the entries
/// are not followed for that reason alone.
const INSTANCE_LIST: usize = 8;
/// A page with at most this many on-site pages to go to is a gateway
/// (a splash page): all of them are followed.
const GATEWAY_LINKS: usize = 5;
/// How many times the start address may send the crawl to another host.
const MAX_SITE_MOVES: usize = 2;

/// How promising links are (0 = nothing suggests they lead to evidence).
/// The crawler knows nothing of items; the caller's functions do.
#[derive(Clone)]
pub struct LinkPriority {
    /// A link's own promise, from its URL and (for links found on a page,
    /// not in the sitemap) its text and surroundings.
    pub link: Arc<LinkScore>,
    /// What a page lends every link in its content (a page about an item
    /// lends its documents and sub-pages).
    pub page: Arc<PageScore>,
}

impl std::fmt::Debug for LinkPriority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkPriority")
    }
}

/// Crawl settings, resolved (no `Option` left but the rate).
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// Cap on HTML pages fetched.
    pub max_pages: usize,
    /// Requests per second per host; `None` = unlimited (tests, benchmarks).
    pub rate: Option<f64>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Cap on a page body in bytes.
    pub max_body: usize,
    /// Retries after a 429/5xx or network error.
    pub retries: u32,
    /// Longest wait honoured from a `Retry-After` header.
    pub max_retry_wait: Duration,
    /// User agent.
    pub user_agent: String,
    /// Told about progress after every fetch (a terminal spinner).
    pub progress: Option<ProgressHook>,
    /// Accept invalid TLS certificates (expired, self-signed, incomplete
    /// chain). Off by default: such a certificate is a finding, since the
    /// assessor's browser warns too.
    pub insecure: bool,
    /// Also check that off-site links answer (HEAD, politely per host).
    /// Off by default: nothing outside the main site is ever requested.
    pub check_external: bool,
    /// Best-first: fetch the most promising links first. Without it the
    /// crawl is breadth-first.
    pub priority: Option<LinkPriority>,
    /// With `priority`, keep crawling past the point where only links that
    /// suggest nothing remain (otherwise the crawl stops there).
    pub exhaustive: bool,
    /// Limits per resolved IP address shared with other crawls (batch).
    pub address_limits: Option<Arc<fetch::AddressLimits>>,
    /// Pages a saved run fetched (by page key): asked for again with
    /// If-None-Match / If-Modified-Since, reused on 304.
    pub cached: Option<Arc<std::collections::HashMap<String, crate::graph::CachedPage>>>,
    /// Whole-run deadline: the crawl stops then and the report says so.
    pub deadline: Option<Duration>,
    /// Cancelled on Ctrl-C / SIGTERM: the crawl stops, what was found is
    /// judged and reported as incomplete.
    pub cancel: Option<tokio_util::sync::CancellationToken>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        Self {
            max_pages: DEFAULT_MAX_PAGES,
            rate: Some(DEFAULT_RATE),
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            retries: 2,
            max_retry_wait: Duration::from_secs(30),
            user_agent: USER_AGENT.to_string(),
            progress: None,
            insecure: false,
            check_external: false,
            priority: None,
            exhaustive: false,
            address_limits: None,
            cached: None,
            deadline: None,
            cancel: None,
        }
    }
}

/// Parses a user-given site URL: absolute http(s) with a host. A bare host
/// ("www.example.go.th") gets `https://`.
///
/// # Errors
/// [`Error::InvalidUrl`] naming the input.
pub fn parse_site_url(input: &str) -> Result<Url> {
    let trimmed = input.trim();
    let invalid = |reason: &str| Error::InvalidUrl {
        input: input.to_string(),
        reason: reason.to_string(),
    };
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https sites can be checked"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    Ok(url)
}

/// The crawler.
pub struct Crawler {
    config: CrawlConfig,
    fetcher: Arc<Fetcher>,
}

/// Work in flight: which resource, fetched how.
struct Job {
    id: ResourceId,
    url: Url,
    method: Method,
    depth: u32,
}

/// A job in the frontier: most promising first, then shallowest, then
/// first found (so without priorities the crawl is breadth-first).
struct Queued {
    priority: u32,
    depth: u32,
    seq: u64,
    job: Job,
}

impl Queued {
    fn rank(&self) -> (u32, std::cmp::Reverse<u32>, std::cmp::Reverse<u64>) {
        (
            self.priority,
            std::cmp::Reverse(self.depth),
            std::cmp::Reverse(self.seq),
        )
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl Crawler {
    /// A crawler with these settings.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: CrawlConfig) -> Result<Self> {
        let fetcher = Fetcher::new(&config)?;
        Ok(Self {
            config,
            fetcher: Arc::new(fetcher),
        })
    }

    /// Requests sent so far by this crawler.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.fetcher.requests.load(Ordering::Relaxed)
    }

    /// Crawls the site at `start`.
    ///
    /// # Errors
    /// [`Error::SiteUnreachable`] when the start page cannot be fetched at
    /// all; every later failure is recorded in the graph instead.
    pub async fn crawl(&self, start: &Url) -> Result<SiteGraph> {
        let began = Instant::now();
        let (robots, first, start_url) = self.open_site(start).await?;
        let mut state = Frontier {
            graph: SiteGraph::new(start_url.clone()),
            robots,
            queue: std::collections::BinaryHeap::new(),
            priority: self.config.priority.clone(),
            seq: 0,
            in_queue: std::collections::HashMap::new(),
            queued_pages: 1,
            queued_docs: 0,
            max_pages: self.config.max_pages,
            pages_fetched: 0,
            query_variants: std::collections::HashMap::new(),
        };
        let start_id = state.graph.intern(&start_url, 0);
        state.record(start_id, first, 0);
        for url in self.sitemap_urls(&start_url, &state.robots).await {
            let id = state.graph.intern(&url, u32::MAX);
            state.graph.resources[id].in_sitemap = true;
            let priority = state
                .priority
                .as_ref()
                .map_or(0, |rank| (rank.link)(&url, None).0);
            state.enqueue(id, u32::MAX, priority);
        }

        let mut tasks: JoinSet<(Job, Outcome)> = JoinSet::new();
        loop {
            while tasks.len() < self.config.concurrency.max(1) {
                // Best-first without --exhaustive: links that suggest nothing
                // are left alone once nothing better is waiting.
                let early_stop = state.priority.is_some() && !self.config.exhaustive;
                if early_stop && state.queue.peek().is_some_and(|q| q.priority == 0) {
                    if tasks.is_empty() {
                        state.graph.stats.early_stop = true;
                    }
                    break;
                }
                let Some(Queued { job, .. }) = state.queue.pop() else {
                    break;
                };
                // A URL re-queued at a higher priority leaves a stale entry.
                if state.in_queue.remove(&job.id).is_none() {
                    continue;
                }
                let fetcher = Arc::clone(&self.fetcher);
                let site = start_url.clone();
                tasks.spawn(async move {
                    let outcome = fetcher.fetch(&job.url, job.method, &site).await;
                    (job, outcome)
                });
            }
            let stop_at = self
                .config
                .deadline
                .map(|d| tokio::time::Instant::from_std(began + d));
            let cancel = self.config.cancel.clone().unwrap_or_default();
            let joined = tokio::select! {
                joined = tasks.join_next() => joined,
                () = sleep_until(stop_at) => {
                    tracing::warn!("deadline reached: stopping the crawl, the report is incomplete");
                    state.graph.stats.stopped = Some(StopReason::Deadline);
                    break;
                }
                () = cancel.cancelled() => {
                    tracing::warn!("interrupted: stopping the crawl, the report is incomplete");
                    state.graph.stats.stopped = Some(StopReason::Interrupted);
                    break;
                }
            };
            let Some(joined) = joined else {
                if state.graph.stats.early_stop || state.queue.is_empty() {
                    break;
                }
                continue;
            };
            match joined {
                Ok((job, outcome)) => {
                    if matches!(outcome.content, Content::Page(_)) {
                        state.pages_fetched += 1;
                    }
                    state.record(job.id, outcome, job.depth);
                }
                Err(e) => tracing::error!("a fetch task failed: {e}"),
            }
            if let Some(ProgressHook(hook)) = &self.config.progress {
                hook(CrawlProgress {
                    pages_fetched: state.pages_fetched,
                    queued: state.queue.len() + tasks.len(),
                    requests: self.requests(),
                    elapsed: began.elapsed(),
                });
            }
        }

        tasks.abort_all();
        if self.config.check_external && state.graph.stats.stopped.is_none() {
            self.check_external(&mut state.graph).await;
        }
        let mut graph = state.graph;
        for resource in &mut graph.resources {
            let waiting = matches!(
                resource.status,
                FetchStatus::NotFetched {
                    why: SkipReason::Pending | SkipReason::Queued
                }
            );
            if waiting && resource.on_site {
                resource.status = FetchStatus::NotFetched {
                    why: SkipReason::Limit,
                };
                graph.stats.truncated = true;
            }
        }
        graph.recompute_depths();
        graph.stats.pages_fetched = graph.pages().count();
        graph.stats.errors = graph
            .resources
            .iter()
            .filter(|r| r.on_site && r.status.is_failure())
            .count();
        graph.stats.robots_excluded = graph
            .resources
            .iter()
            .filter(|r| {
                r.status
                    == (FetchStatus::NotFetched {
                        why: SkipReason::Robots,
                    })
            })
            .count();
        graph.stats.requests = self.requests();
        graph.stats.bodies_cut = self.fetcher.bodies_cut.load(Ordering::Relaxed);
        graph.stats.not_modified = self.fetcher.not_modified.load(Ordering::Relaxed);
        graph.stats.duration_ms = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(graph)
    }

    /// Reads robots.txt and fetches the start page, following the start
    /// address to another host when it redirects or refreshes there (an
    /// agency that moved): robots.txt, the start page's outcome and the
    /// main site's start URL.
    async fn open_site(&self, start: &Url) -> Result<(RobotsPolicy, Outcome, Url)> {
        let mut start = start.clone();
        let mut moves = 0;
        loop {
            // robots.txt first: even the start page may be off limits.
            let robots = self.robots(&start).await;
            if let Some(delay) = robots.crawl_delay().filter(|d| d.is_finite() && *d > 0.0) {
                let delay = Duration::from_secs_f32(delay).min(MAX_CRAWL_DELAY);
                self.fetcher.respect_crawl_delay(&start, delay);
            }
            if !robots.allows(start.as_str()) {
                return Err(Error::SiteUnreachable {
                    url: start.to_string(),
                    status: "robots.txt disallows crawling it (oitcheck honours robots.txt)"
                        .to_string(),
                });
            }
            let first = self.fetcher.fetch(&start, Method::Get, &start).await;
            let start_url = match &first.status {
                FetchStatus::Ok { .. } => first.final_url.clone().unwrap_or_else(|| start.clone()),
                other => {
                    return Err(Error::SiteUnreachable {
                        url: start.to_string(),
                        status: other.describe(),
                    })
                }
            };
            // The address redirects to another host (the agency moved, or
            // its domain points at a new one): that host is the main site.
            let scope = crate::graph::SiteScope::of(&start);
            // A splash page that only refreshes to another host moves too.
            let start_url = match &first.content {
                Content::Page(page) if page.links.len() <= GATEWAY_LINKS => page
                    .refresh
                    .clone()
                    .filter(|r| !scope.contains(r) && matches!(r.scheme(), "http" | "https"))
                    .unwrap_or(start_url),
                _ => start_url,
            };
            let moved = !scope.contains(&start_url);
            if moved && moves < MAX_SITE_MOVES {
                tracing::info!("{start} redirects to {start_url}: crawling that site");
                moves += 1;
                start = start_url;
                continue;
            }
            if moved {
                return Err(Error::SiteUnreachable {
                    url: start.to_string(),
                    status: format!("redirects to another host again ({start_url})"),
                });
            }
            return Ok((robots, first, start_url));
        }
    }

    /// Fetches one more main-site URL into a crawled graph (a URL the crawl
    /// did not reach, such as an answer a webmaster plans to submit). Off-site
    /// URLs are recorded, never fetched. Returns the resource's id.
    pub async fn fetch_into(&self, graph: &mut SiteGraph, url: &Url) -> ResourceId {
        let id = graph.intern(url, u32::MAX);
        let resource = graph.get(id);
        let pending = matches!(
            resource.status,
            FetchStatus::NotFetched {
                why: SkipReason::Pending | SkipReason::Limit | SkipReason::Queued
            }
        );
        if !resource.on_site || !pending {
            return id;
        }
        let method = if looks_like_document(url) {
            Method::Head
        } else {
            Method::Get
        };
        let outcome = self.fetcher.fetch(url, method, &graph.start).await;
        store(graph, id, outcome, u32::MAX);
        graph.stats.requests = self.requests();
        id
    }

    /// HEAD-checks the off-site links the crawl recorded (at most
    /// `max_pages` of them), each host at the configured rate.
    async fn check_external(&self, graph: &mut SiteGraph) {
        let targets: Vec<(ResourceId, Url)> = graph
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                !r.on_site && matches!(r.url.scheme(), "http" | "https") && !r.inbound.is_empty()
            })
            .map(|(id, r)| (id, r.url.clone()))
            .take(self.config.max_pages)
            .collect();
        let mut tasks = JoinSet::new();
        for (id, url) in targets {
            while tasks.len() >= self.config.concurrency.max(1) {
                if let Some(Ok((id, outcome))) = tasks.join_next().await {
                    record_external(graph, id, outcome);
                }
            }
            let fetcher = Arc::clone(&self.fetcher);
            tasks.spawn(async move {
                // The link's own host is its scope: redirects within it are followed.
                let outcome = fetcher.fetch(&url, Method::Head, &url).await;
                (id, outcome)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Ok((id, outcome)) = joined {
                record_external(graph, id, outcome);
            }
        }
    }

    async fn robots(&self, start: &Url) -> RobotsPolicy {
        let Ok(url) = start.join("/robots.txt") else {
            return RobotsPolicy::allow_all();
        };
        match self.fetcher.fetch_text(&url, start).await {
            Some((status, body)) if (200..300).contains(&status) => {
                RobotsPolicy::parse(ROBOTS_AGENT, &body)
            }
            Some((status, _)) => {
                tracing::info!("robots.txt answered {status}; all pages allowed");
                RobotsPolicy::allow_all()
            }
            None => RobotsPolicy::allow_all(),
        }
    }

    /// URLs listed in the site's sitemaps (robots.txt `Sitemap:` lines and
    /// `/sitemap.xml`), on-site only.
    async fn sitemap_urls(&self, start: &Url, robots: &RobotsPolicy) -> Vec<Url> {
        let scope = crate::graph::SiteScope::of(start);
        let mut pending: VecDeque<Url> = robots
            .sitemaps()
            .iter()
            .filter_map(|s| start.join(s).ok())
            .filter(|u| scope.contains(u))
            .collect();
        if let Ok(default) = start.join("/sitemap.xml") {
            if !pending.contains(&default) {
                pending.push_back(default);
            }
        }
        let mut urls = Vec::new();
        let mut seen = 0;
        while let Some(sitemap) = pending.pop_front() {
            seen += 1;
            if seen > MAX_SITEMAPS {
                break;
            }
            let Some((200..=299, body)) = self.fetcher.fetch_text(&sitemap, start).await else {
                continue;
            };
            for loc in sitemap_locs(&body) {
                // Absolute as the protocol says, but root-relative ones are
                // common on hand-made sitemaps: resolve against the sitemap.
                let Ok(url) = sitemap.join(loc.trim()) else {
                    continue;
                };
                if !scope.contains(&url) {
                    continue;
                }
                if std::path::Path::new(url.path())
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
                {
                    pending.push_back(url);
                } else {
                    urls.push(url);
                }
            }
        }
        urls
    }
}

/// The crawl in progress: the graph so far and the work queue with its
/// budgets (pages and documents are capped separately).
struct Frontier {
    graph: SiteGraph,
    robots: RobotsPolicy,
    queue: std::collections::BinaryHeap<Queued>,
    priority: Option<LinkPriority>,
    seq: u64,
    /// Queued resources and the priority they are queued at.
    in_queue: std::collections::HashMap<ResourceId, u32>,
    queued_pages: usize,
    queued_docs: usize,
    max_pages: usize,
    pages_fetched: usize,
    /// Distinct query strings seen per path.
    query_variants: std::collections::HashMap<String, usize>,
}

impl Frontier {
    /// Stores a fetch outcome and queues the links it found.
    fn record(&mut self, id: ResourceId, outcome: Outcome, depth: u32) {
        let child_depth = depth.saturating_add(1);
        let targets = store(&mut self.graph, id, outcome, depth);
        let priorities: Vec<u32> = match (&self.priority, self.graph.get(id).page()) {
            (Some(rank), Some(page)) => {
                let (to_links, to_documents) = (rank.page)(page);
                let scored: Vec<(u32, Option<usize>)> = page
                    .links
                    .iter()
                    .map(|link| (rank.link)(&link.target, Some(link)))
                    .collect();
                let mut per_item: std::collections::HashMap<usize, usize> =
                    std::collections::HashMap::new();
                for ((_, item), link) in scored.iter().zip(&page.links) {
                    if let (Some(item), false) = (item, link.chrome) {
                        *per_item.entry(*item).or_default() += 1;
                    }
                }
                // A splash or gateway page (an intro banner with "เข้าสู่เว็บไซต์",
                // a meta refresh) is the only way into the site: its few
                // links are followed whatever their words.
                let gateway = {
                    let mut onward: Vec<&Url> = page
                        .links
                        .iter()
                        .map(|l| l.target.as_ref())
                        .filter(|t| self.graph.scope.contains(t) && !looks_like_document(t))
                        .collect();
                    onward.sort_unstable();
                    onward.dedup();
                    onward.len() <= GATEWAY_LINKS
                };
                page.links
                    .iter()
                    .zip(scored)
                    .map(|(link, (own, item))| {
                        let refresh = page.refresh.as_ref() == Some(link.target.as_ref());
                        let own = own.max(u32::from(gateway || refresh));
                        let document = looks_like_document(&link.target);
                        let instance = !link.chrome
                            && !document
                            && item.is_some_and(|i| {
                                per_item.get(&i).is_some_and(|n| *n > INSTANCE_LIST)
                            });
                        let own = if instance { 0 } else { own };
                        match (link.chrome, document) {
                            (true, _) => own,
                            (false, true) => own.max(to_links).max(to_documents),
                            (false, false) => own.max(to_links),
                        }
                    })
                    .collect()
            }
            _ => vec![0; targets.len()],
        };
        for (target, priority) in targets.into_iter().zip(priorities) {
            self.enqueue(target, child_depth, priority);
        }
    }

    /// Why a URL looks like a crawler trap (an endless calendar, a query
    /// string that grows on every page), if it does.
    fn trap(&mut self, id: ResourceId, depth: u32) -> Option<&'static str> {
        let url = &self.graph.get(id).url;
        if url.as_str().len() > MAX_URL_LEN {
            return Some("URL too long");
        }
        if depth != u32::MAX && depth > MAX_DEPTH {
            return Some("too deep");
        }
        if url.query().is_some() {
            let mut path = url.clone();
            path.set_query(None);
            let variants = self
                .query_variants
                .entry(crate::graph::page_key(&path))
                .or_default();
            *variants += 1;
            if *variants > MAX_QUERY_VARIANTS {
                return Some("too many query variants of one path");
            }
        }
        None
    }

    /// Queues a pending on-site resource once, within the budgets.
    fn enqueue(&mut self, id: ResourceId, depth: u32, priority: u32) {
        // Found again through a more promising link (a sitemap entry that an
        // ITA page names): queue it again, ahead.
        if let Some(queued) = self.in_queue.get_mut(&id) {
            if priority > *queued {
                self.push(id, depth, priority);
            }
            return;
        }
        let resource = &mut self.graph.resources[id];
        if resource.status
            != (FetchStatus::NotFetched {
                why: SkipReason::Pending,
            })
        {
            return;
        }
        if !self.robots.allows(resource.url.as_str()) {
            resource.status = FetchStatus::NotFetched {
                why: SkipReason::Robots,
            };
            return;
        }
        if let Some(trap) = self.trap(id, depth) {
            tracing::debug!("{}: not crawled ({trap})", self.graph.get(id).url);
            self.graph.resources[id].status = FetchStatus::NotFetched {
                why: SkipReason::Trap,
            };
            self.graph.stats.traps_avoided += 1;
            return;
        }
        let count = if looks_like_document(&self.graph.get(id).url) {
            &mut self.queued_docs
        } else {
            &mut self.queued_pages
        };
        if *count >= self.max_pages {
            return; // stays Pending; marked Limit when the crawl ends
        }
        *count += 1;
        self.graph.resources[id].status = FetchStatus::NotFetched {
            why: SkipReason::Queued,
        };
        self.push(id, depth, priority);
    }

    /// Puts a job in the frontier at `priority` (documents are checked with
    /// HEAD, pages fetched with GET).
    fn push(&mut self, id: ResourceId, depth: u32, priority: u32) {
        let url = self.graph.get(id).url.clone();
        let method = if looks_like_document(&url) {
            Method::Head
        } else {
            Method::Get
        };
        self.seq += 1;
        self.in_queue.insert(id, priority);
        self.queue.push(Queued {
            priority,
            depth,
            seq: self.seq,
            job: Job {
                id,
                url,
                method,
                depth,
            },
        });
    }
}

/// Stores a fetch outcome in the graph and indexes the links of a page;
/// returns the resources those links point to.
fn store(graph: &mut SiteGraph, id: ResourceId, outcome: Outcome, depth: u32) -> Vec<ResourceId> {
    let resource = &mut graph.resources[id];
    resource.status = outcome.status;
    resource.validators = outcome.validators;
    if let Some(final_url) = outcome.final_url.filter(|f| *f != resource.url) {
        if !graph.scope.contains(&final_url) {
            resource.status = FetchStatus::NotFetched {
                why: SkipReason::OffSite,
            };
        }
        resource.final_url = Some(final_url);
    }
    let mut content = outcome.content;
    if let Content::Page(page) = &mut content {
        graph.share_links(page);
    }
    let resource = &mut graph.resources[id];
    resource.content = content;
    let (links, canonical): (Vec<Url>, Option<Url>) = match &resource.content {
        Content::Page(page) => (
            page.links.iter().map(|l| (*l.target).clone()).collect(),
            page.canonical.clone(),
        ),
        _ => return Vec::new(),
    };
    // rel=canonical: links to the canonical URL are this page, not another
    // one to fetch.
    if let Some(canonical) = canonical.filter(|c| graph.scope.contains(c)) {
        graph.alias(&canonical, id);
    }
    let child_depth = depth.saturating_add(1);
    links
        .into_iter()
        .enumerate()
        .map(|(index, target)| {
            let target_id = graph.intern(&target, child_depth);
            graph.resources[target_id]
                .inbound
                .push(LinkRef { from: id, index });
            target_id
        })
        .collect()
}

/// Stores the status of an off-site link check; the resource stays off-site.
fn record_external(graph: &mut SiteGraph, id: ResourceId, outcome: Outcome) {
    let resource = &mut graph.resources[id];
    resource.status = outcome.status;
    resource.final_url = outcome.final_url;
}

/// Sleeps until `at`, or forever when there is no deadline.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The `<loc>` values of a sitemap or sitemap index.
fn sitemap_locs(body: &[u8]) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut in_loc = false;
    let mut locs = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e)) => in_loc = e.local_name().as_ref() == b"loc",
            Ok(quick_xml::events::Event::End(_)) => in_loc = false,
            Ok(quick_xml::events::Event::Text(t)) if in_loc => {
                if let Ok(text) = t.unescape() {
                    locs.push(text.into_owned());
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => {
                tracing::warn!(
                    "sitemap is not valid XML ({e}); read {} URLs before the error",
                    locs.len()
                );
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    locs
}

/// Counter shared by all fetches of a crawl.
pub(crate) type RequestCounter = AtomicUsize;
