//! One HTTP exchange, politely: rate limit, redirects within the site,
//! retries with backoff, timeouts and a body cap.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::{
    CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};
use reqwest::StatusCode;
use url::Url;

use super::{decode, extract, CrawlConfig, RequestCounter};
use crate::error::{Error, Result};
use crate::graph::{page_key, CachedPage, Content, FetchStatus, SiteScope, Validators};

/// Most redirects followed for one URL.
const MAX_REDIRECTS: usize = 10;

/// How to fetch a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Fetch and parse (pages).
    Get,
    /// Check reachability only (documents).
    Head,
}

/// Where following redirects ended.
enum Hop {
    /// A final answer on the site (not a redirect).
    Answer(Url, reqwest::Response),
    /// A redirect to another host, not followed: target and status.
    OffSite(Url, u16),
    /// No usable answer.
    Failed(String),
}

/// What one fetch produced.
#[derive(Debug)]
pub struct Outcome {
    /// Status after redirects and retries.
    pub status: FetchStatus,
    /// Where redirects ended, if anywhere else.
    pub final_url: Option<Url>,
    /// The parsed page or document kind.
    pub content: Content,
    /// The page's cache validators.
    pub validators: Option<Validators>,
}

/// The HTTP side of the crawler.
pub struct Fetcher {
    client: reqwest::Client,
    config: CrawlConfig,
    limiters: Mutex<HashMap<String, Arc<DefaultDirectRateLimiter>>>,
    /// Requests sent.
    pub requests: RequestCounter,
    /// Bodies cut at the size cap (huge pages, decompression bombs).
    pub bodies_cut: RequestCounter,
    /// Pages answered 304 and reused from the saved run.
    pub not_modified: RequestCounter,
}

impl Fetcher {
    /// Builds the client: no automatic redirects (we follow them ourselves
    /// so each hop is rate-limited and checked against the site scope).
    ///
    /// # Errors
    /// When reqwest cannot build a client.
    pub fn new(config: &CrawlConfig) -> Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .danger_accept_invalid_certs(config.insecure)
            .build()
            .map_err(Error::Client)?;
        Ok(Self {
            client,
            config: config.clone(),
            limiters: Mutex::new(HashMap::new()),
            requests: RequestCounter::new(0),
            bodies_cut: RequestCounter::new(0),
            not_modified: RequestCounter::new(0),
        })
    }

    /// What the saved run knew of this page, if anything.
    fn cached(&self, url: &Url) -> Option<&CachedPage> {
        self.config.cached.as_ref()?.get(&page_key(url))
    }

    /// Waits for the host's rate limiter.
    async fn polite(&self, url: &Url) {
        let key = host_key(url);
        let limiter = {
            let mut map = match self.limiters.lock() {
                Ok(map) => map,
                Err(poisoned) => poisoned.into_inner(),
            };
            match (map.get(&key), self.config.rate.filter(|r| *r > 0.0)) {
                (Some(limiter), _) => Arc::clone(limiter),
                (None, Some(rate)) => {
                    let limiter = Arc::new(limiter_every(Duration::from_secs_f64(1.0 / rate)));
                    map.insert(key, Arc::clone(&limiter));
                    limiter
                }
                (None, None) => return,
            }
        };
        limiter.until_ready().await;
        if let Some(shared) = &self.config.address_limits {
            shared.wait(url).await;
        }
    }

    /// Honours a robots.txt `Crawl-delay` slower than our own rate (even
    /// with the rate limit off: the site asked).
    pub fn respect_crawl_delay(&self, url: &Url, delay: Duration) {
        let ours = self
            .config
            .rate
            .filter(|r| *r > 0.0)
            .map(|r| Duration::from_secs_f64(1.0 / r));
        if ours.is_some_and(|interval| interval >= delay) || delay.is_zero() {
            return;
        }
        tracing::info!("robots.txt asks for {delay:?} between requests; slowing down");
        let mut map = match self.limiters.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.insert(host_key(url), Arc::new(limiter_every(delay)));
    }

    /// Sends one request, retrying 429/5xx and network errors.
    async fn send(
        &self,
        url: &Url,
        method: Method,
    ) -> std::result::Result<reqwest::Response, String> {
        let mut attempt = 0;
        loop {
            self.polite(url).await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = match method {
                Method::Get => self.client.get(url.clone()),
                Method::Head => self.client.head(url.clone()),
            };
            // A page the saved run knows: ask only for changes.
            if let (Method::Get, Some(cached)) = (method, self.cached(url)) {
                if let Some(etag) = &cached.validators.etag {
                    request = request.header(IF_NONE_MATCH, etag);
                }
                if let Some(date) = &cached.validators.last_modified {
                    request = request.header(IF_MODIFIED_SINCE, date);
                }
            }
            let result = request.send().await;
            let retry_after = match &result {
                Ok(r) if is_retryable(r.status()) => {
                    Some(retry_after(r).unwrap_or(backoff(attempt)))
                }
                Ok(_) => None,
                Err(e) if e.is_timeout() || e.is_connect() => Some(backoff(attempt)),
                Err(_) => None,
            };
            match retry_after {
                Some(wait) if attempt < self.config.retries => {
                    let wait = wait.min(self.config.max_retry_wait);
                    tracing::debug!("{url}: retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return result.map_err(|e| describe_error(&e)),
            }
        }
    }

    /// Sends `method` to `url` and follows redirects while they stay on the
    /// site; each hop is rate-limited like any request.
    async fn follow(&self, url: &Url, method: Method, scope: &SiteScope) -> Hop {
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = match self.send(&current, method).await {
                Ok(r) => r,
                Err(error) => return Hop::Failed(error),
            };
            let status = response.status();
            let next = response
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| current.join(l).ok());
            let Some(next) = next.filter(|_| status.is_redirection()) else {
                return Hop::Answer(current, response);
            };
            if !scope.contains(&next) {
                tracing::debug!("{url} redirects off-site to {next}; not followed");
                return Hop::OffSite(next, status.as_u16());
            }
            current = next;
        }
        Hop::Failed(format!("more than {MAX_REDIRECTS} redirects"))
    }

    /// Fetches `url`, following redirects within the site of `site`.
    pub async fn fetch(&self, url: &Url, method: Method, site: &Url) -> Outcome {
        let scope = SiteScope::of(site);
        let mut hop = self.follow(url, method, &scope).await;
        let mut method = method;
        if let Hop::Answer(_, response) = &hop {
            // Some servers refuse HEAD; ask again with GET (the body of a
            // document is still never read).
            if method == Method::Head
                && matches!(
                    response.status(),
                    StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
                )
            {
                method = Method::Get;
                hop = self.follow(url, method, &scope).await;
            }
        }
        let (current, response) = match hop {
            Hop::Answer(current, response) if response.status() == StatusCode::NOT_MODIFIED => {
                let Some(cached) = self.cached(&current).or_else(|| self.cached(url)) else {
                    return outcome(
                        FetchStatus::Http { status: 304 },
                        url,
                        current,
                        Content::Unknown,
                    );
                };
                self.not_modified.fetch_add(1, Ordering::Relaxed);
                let mut reused = outcome(
                    FetchStatus::Ok { status: 304 },
                    url,
                    current,
                    Content::Page(Box::new(cached.page.clone())),
                );
                reused.validators = Some(cached.validators.clone());
                return reused;
            }
            Hop::Answer(current, response) => (current, response),
            Hop::OffSite(target, status) => {
                return outcome(FetchStatus::Ok { status }, url, target, Content::Unknown)
            }
            Hop::Failed(error) => {
                return outcome(
                    FetchStatus::Failed { error },
                    url,
                    url.clone(),
                    Content::Unknown,
                )
            }
        };
        let status = response.status();
        if !status.is_success() {
            return outcome(
                FetchStatus::Http {
                    status: status.as_u16(),
                },
                url,
                current,
                Content::Unknown,
            );
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let ok = FetchStatus::Ok {
            status: status.as_u16(),
        };
        if !is_html(&content_type) || method == Method::Head {
            // A document: its headers answer the question; the body is
            // never read (dropping the response closes the stream).
            let file_name = response
                .headers()
                .get(CONTENT_DISPOSITION)
                .and_then(|v| super::disposition::file_name(v.as_bytes()));
            return outcome(
                ok,
                url,
                current,
                Content::Document {
                    content_type,
                    file_name,
                },
            );
        }
        let validators = validators_of(&response);
        match self.read_capped(response).await {
            Ok(body) => {
                let (text, _) = decode::decode(&body, Some(&content_type));
                let page = extract::extract(&text, &current);
                let mut fetched = outcome(ok, url, current, Content::Page(Box::new(page)));
                fetched.validators = validators;
                fetched
            }
            Err(error) => outcome(
                FetchStatus::Failed { error },
                url,
                current,
                Content::Unknown,
            ),
        }
    }

    /// Fetches a small text resource (robots.txt, sitemap): status and body.
    pub async fn fetch_text(&self, url: &Url, site: &Url) -> Option<(u16, Vec<u8>)> {
        let Hop::Answer(_, response) = self.follow(url, Method::Get, &SiteScope::of(site)).await
        else {
            return None;
        };
        let status = response.status().as_u16();
        let body = self.read_capped(response).await.ok()?;
        Some((status, body))
    }

    /// Reads a body up to the configured cap; a longer body is cut there.
    async fn read_capped(
        &self,
        mut response: reqwest::Response,
    ) -> std::result::Result<Vec<u8>, String> {
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.config.max_body.saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= self.config.max_body {
                        self.bodies_cut.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(
                            "{}: body cut at {} bytes",
                            response.url(),
                            self.config.max_body
                        );
                        return Ok(body);
                    }
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(describe_error(&e)),
            }
        }
    }
}

/// ETag and Last-Modified of a response, if it sent either.
fn validators_of(response: &reqwest::Response) -> Option<Validators> {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    (validators.etag.is_some() || validators.last_modified.is_some()).then_some(validators)
}

/// Rate limits per resolved IP address, shared by every crawl of a batch:
/// agencies hosted on one server (a provincial hosting box) are not
/// hammered together, whatever their host names.
pub struct AddressLimits {
    per_second: f64,
    limiters: tokio::sync::Mutex<HashMap<std::net::IpAddr, Arc<DefaultDirectRateLimiter>>>,
    resolved: tokio::sync::Mutex<HashMap<String, Option<std::net::IpAddr>>>,
}

impl std::fmt::Debug for AddressLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AddressLimits({}/s)", self.per_second)
    }
}

impl AddressLimits {
    /// At most `per_second` requests per second to any one address.
    #[must_use]
    pub fn new(per_second: f64) -> Self {
        Self {
            per_second,
            limiters: tokio::sync::Mutex::new(HashMap::new()),
            resolved: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the address of `url`'s host (resolved once; an unresolved
    /// host is not limited here — its request will fail on its own).
    pub async fn wait(&self, url: &Url) {
        let Some(host) = url.host_str() else { return };
        let port = url.port_or_known_default().unwrap_or(80);
        let address = {
            let mut resolved = self.resolved.lock().await;
            match resolved.get(host) {
                Some(address) => *address,
                None => {
                    let address = tokio::net::lookup_host((host, port))
                        .await
                        .ok()
                        .and_then(|mut addrs| addrs.next())
                        .map(|a| a.ip());
                    resolved.insert(host.to_string(), address);
                    address
                }
            }
        };
        let Some(address) = address else { return };
        let limiter = {
            let mut limiters = self.limiters.lock().await;
            Arc::clone(limiters.entry(address).or_insert_with(|| {
                Arc::new(limiter_every(Duration::from_secs_f64(
                    1.0 / self.per_second.max(0.001),
                )))
            }))
        };
        limiter.until_ready().await;
    }
}

/// One limiter per host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// A limiter allowing one request per `period`, no bursts.
fn limiter_every(period: Duration) -> DefaultDirectRateLimiter {
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::MIN);
    RateLimiter::direct(quota)
}

fn outcome(status: FetchStatus, requested: &Url, current: Url, content: Content) -> Outcome {
    Outcome {
        status,
        final_url: (current != *requested).then_some(current),
        content,
        validators: None,
    }
}

fn is_html(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml"
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || matches!(status.as_u16(), 502..=504)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(attempt.min(6)))
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// A plain description of a network failure for the report.
fn describe_error(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if e.is_timeout() {
        "timeout".to_string()
    } else if e.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        // Government sites often have expired or self-signed certificates:
        // say so plainly, as a browser would.
        return format!("TLS certificate problem (the browser would warn too; --insecure to crawl anyway): {text}");
    }
    text
}
