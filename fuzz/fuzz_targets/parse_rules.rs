//! Any text as a rule file: an error naming file and line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = oitcheck::rules::RuleSet::parse(text, "fuzz.toml");
});
