//! Any text through the Thai year reader and the normaliser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for span in oitcheck::thaidate::find_years(text) {
        assert!(span.from <= span.to);
    }
    let _ = oitcheck::textnorm::item_codes(text);
    let once = oitcheck::textnorm::normalize(text);
    assert_eq!(oitcheck::textnorm::normalize(&once), once);
});
