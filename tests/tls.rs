//! A site on 127.0.0.1 with a self-signed certificate, as many government
//! sites have: reported plainly as a TLS finding; crawled with --insecure.

use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use oitcheck::crawl::{CrawlConfig, Crawler};
use tokio_rustls::TlsAcceptor;
use url::Url;

/// Serves a tiny site over TLS with a fresh self-signed certificate.
async fn self_signed_site() -> Url {
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().fallback(|| async {
        axum::response::Html(
            "<html><head><title>อบต.ทดสอบ</title></head><body><p>หน้าแรก</p></body></html>",
        )
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    Url::parse(&format!("https://{addr}/")).expect("url")
}

#[tokio::test]
async fn a_self_signed_certificate_is_a_finding_and_insecure_crawls_anyway() {
    let site = self_signed_site().await;
    let strict = CrawlConfig {
        rate: None,
        retries: 0,
        ..CrawlConfig::default()
    };
    let err = Crawler::new(strict.clone())
        .expect("crawler")
        .crawl(&site)
        .await
        .expect_err("untrusted certificate");
    let text = err.to_string();
    assert!(text.contains("TLS certificate problem"), "{text}");
    let insecure = CrawlConfig {
        insecure: true,
        ..strict
    };
    let graph = Crawler::new(insecure)
        .expect("crawler")
        .crawl(&site)
        .await
        .expect("crawled with --insecure");
    assert_eq!(graph.stats.pages_fetched, 1);
}
