//! A static site server on 127.0.0.1 for fixture sites and the demo.
//!
//! Serves a folder (or the demo site embedded in the binary) the way
//! `fixtures/README.md` describes: query strings map to `<path>__<query>`
//! files, percent-encoded Thai paths are decoded, `_site.toml` can force a
//! status, add redirects or a charset. Every request is logged with its time
//! so tests can measure the crawler's politeness from the server side.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tokio::sync::oneshot;
use url::Url;

use crate::error::{Error, Result};
use crate::textnorm::percent_decode;

/// The demo agency site, embedded so `oitcheck demo` works anywhere.
pub static DEMO_SITE: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/fixtures/sites/demo");

/// Where the served files come from.
#[derive(Clone)]
pub enum SiteSource {
    /// A folder on disk.
    Dir(PathBuf),
    /// A folder embedded in the binary.
    Embedded(&'static include_dir::Dir<'static>),
}

impl SiteSource {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            SiteSource::Dir(root) => {
                let full = root.join(path);
                // Never serve outside the root.
                if Path::new(path)
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
                {
                    return None;
                }
                std::fs::read(full).ok()
            }
            SiteSource::Embedded(dir) => dir.get_file(path).map(|f| f.contents().to_vec()),
        }
    }
}

/// `_site.toml`: per-site serving quirks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteConfig {
    charset: Option<String>,
    #[serde(default)]
    status: HashMap<String, u16>,
    #[serde(default)]
    redirects: HashMap<String, String>,
    /// Download scripts that name their file only in `Content-Disposition`:
    /// request target (decoded, query included) → the file name sent.
    #[serde(default)]
    attachments: HashMap<String, String>,
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Method.
    pub method: String,
    /// Path with query.
    pub target: String,
    /// When it arrived.
    pub at: Instant,
    /// The status answered.
    pub status: u16,
}

struct Shared {
    source: SiteSource,
    config: SiteConfig,
    hits: Mutex<Vec<Hit>>,
}

/// A running site server; stops when dropped.
pub struct SiteServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl SiteServer {
    /// Starts serving on 127.0.0.1 with a free port.
    ///
    /// # Errors
    /// When the port cannot be bound or `_site.toml` is invalid.
    pub async fn start(source: SiteSource) -> Result<Self> {
        Self::start_on(source, std::net::Ipv4Addr::LOCALHOST).await
    }

    /// Starts serving on a given loopback address (127.0.0.x), so many sites
    /// can each have an address of their own.
    ///
    /// # Errors
    /// When the address cannot be bound or `_site.toml` is invalid.
    pub async fn start_on(source: SiteSource, ip: std::net::Ipv4Addr) -> Result<Self> {
        let what = match &source {
            SiteSource::Dir(p) => p.display().to_string(),
            SiteSource::Embedded(_) => "the embedded demo site".to_string(),
        };
        let config = match source.read("_site.toml") {
            Some(bytes) => {
                toml::from_str(&String::from_utf8_lossy(&bytes)).map_err(|e| Error::Serve {
                    what: format!("{what}/_site.toml"),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
                })?
            }
            None => SiteConfig::default(),
        };
        let listener = tokio::net::TcpListener::bind((ip, 0))
            .await
            .map_err(|source| Error::Serve {
                what: what.clone(),
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Serve { what, source })?;
        let shared = Arc::new(Shared {
            source,
            config,
            hits: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = server.await {
                tracing::error!("site server stopped: {e}");
            }
        });
        Ok(Self {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }

    /// The site's root URL.
    ///
    /// # Panics
    /// Never: a socket address always forms a valid URL.
    #[must_use]
    pub fn url(&self) -> Url {
        #[allow(clippy::expect_used)]
        Url::parse(&format!("http://{}/", self.addr)).expect("socket address is a valid URL")
    }

    /// Requests received so far.
    #[must_use]
    pub fn hits(&self) -> Vec<Hit> {
        match self.shared.hits.lock() {
            Ok(h) => h.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let at = Instant::now();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let response = answer(&shared, &request, &target);
    if let Ok(mut hits) = shared.hits.lock() {
        hits.push(Hit {
            method,
            target,
            at,
            status: response.status().as_u16(),
        });
    }
    response
}

/// The response for one request: files, redirects, forced statuses, and
/// 304 Not Modified when the client's `If-None-Match` still holds.
fn answer(shared: &Shared, request: &Request, target: &str) -> Response {
    let target = target.to_string();
    let path = percent_decode(request.uri().path());
    if let Some(location) = shared.config.redirects.get(&path) {
        return respond(
            StatusCode::MOVED_PERMANENTLY,
            Some((header::LOCATION, location.as_str())),
            Vec::new(),
        );
    }
    if let Some(&status) = shared
        .config
        .status
        .get(&path)
        .or_else(|| shared.config.status.get(&target))
    {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return respond(status, None, b"error".to_vec());
    }
    let mut file = path.trim_start_matches('/').to_string();
    if file.is_empty() || file.ends_with('/') {
        file.push_str("index.html");
    }
    if let Some(query) = request.uri().query() {
        file = format!("{file}__{}", percent_decode(query));
    }
    let name = file.rsplit('/').next().unwrap_or_default();
    if name.starts_with('_') || name == "expected.json" {
        return respond(StatusCode::NOT_FOUND, None, b"not found".to_vec());
    }
    let Some(body) = shared.source.read(&file) else {
        return respond(
            StatusCode::NOT_FOUND,
            None,
            "<html><body><h1>404 ไม่พบหน้า</h1></body></html>"
                .as_bytes()
                .to_vec(),
        );
    };
    let etag = etag_of(&body);
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if unchanged {
        return respond(
            StatusCode::NOT_MODIFIED,
            Some((header::ETAG, etag.as_str())),
            Vec::new(),
        );
    }
    let attachment = shared.config.attachments.get(&percent_decode(&target));
    let content_type = match attachment {
        Some(name) => content_type(name, None),
        None => content_type(&file, shared.config.charset.as_deref()),
    };
    let mut response = respond(
        StatusCode::OK,
        Some((header::CONTENT_TYPE, content_type.as_str())),
        body,
    );
    if let Some(name) = attachment {
        // An ASCII fallback and the real name, as PHP and ASP.NET send them.
        let fallback: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .filter(|c| *c != '"')
            .collect();
        let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// A strong ETag from the file's bytes.
fn etag_of(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

fn respond(
    status: StatusCode,
    header: Option<(header::HeaderName, &str)>,
    body: Vec<u8>,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Some((name, value)) = header {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The type a file is served with: from the path's extension, or, for a
/// download script (`Download.ashx?file=report.pdf`, stored as
/// `Download.ashx__file=report.pdf`), from the file the query names.
fn content_type(file: &str, charset: Option<&str>) -> String {
    let extension = |name: &str| {
        name.rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (path, query) = file.split_once("__").unwrap_or((file, ""));
    let mut ext = extension(path);
    let script = matches!(
        ext.as_str(),
        "" | "php" | "asp" | "aspx" | "ashx" | "jsp" | "cgi"
    ) || !path.contains('.');
    if script && mime_of(&extension(query)) != "text/html" {
        ext = extension(query);
    }
    let mime = mime_of(&ext);
    match charset {
        Some(c) if mime == "text/html" => format!("{mime}; charset={c}"),
        _ => mime.to_string(),
    }
}

fn mime_of(ext: &str) -> &'static str {
    match ext {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "xml" => "application/xml",
        "txt" => "text/plain",
        "css" => "text/css",
        "js" => "application/javascript",
        _ => "text/html",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    /// A download script serves the file its query names; a page script
    /// with a query is still a page; a viewer page stays a page.
    #[test]
    fn download_scripts_serve_the_named_file_type() {
        assert_eq!(
            content_type("Download.ashx__file=report-2568.pdf", None),
            "application/pdf"
        );
        assert_eq!(
            content_type("index.php__option=com_content&id=5", None),
            "text/html"
        );
        assert_eq!(
            content_type("pdfjs/web/viewer.html__file=/doc/a.pdf", Some("UTF-8")),
            "text/html; charset=UTF-8"
        );
        assert_eq!(content_type("files/plan.pdf", None), "application/pdf");
    }
}
