//! Any bytes as a fetched page: decoding, HTML parsing and link extraction
//! must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(base) = url::Url::parse("http://fuzz.example.go.th/a/b.html") else { return };
    let (text, _) = oitcheck::crawl::decode::decode(data, Some("text/html"));
    let page = oitcheck::crawl::extract::extract(&text, &base);
    for link in &page.links {
        let _ = oitcheck::graph::page_key(&link.target);
    }
});
