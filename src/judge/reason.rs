//! Reasons and verdicts: stable codes with parameters; messages are rendered
//! from the rule file at the report's edge.

use serde::Serialize;
use url::Url;

use crate::thaidate::YearSpan;

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
    /// The page shows something else than the item asks for (an answer URL
    /// given for the wrong item).
    WrongContent,
}

impl ReasonCode {
    /// Every code.
    pub const ALL: [ReasonCode; 9] = [
        ReasonCode::NotFound,
        ReasonCode::FileUrlWithoutPage,
        ReasonCode::NotMainSite,
        ReasonCode::WrongYear,
        ReasonCode::MissingElements,
        ReasonCode::NotReachable,
        ReasonCode::ChannelNotOnSite,
        ReasonCode::ContentNotEvident,
        ReasonCode::WrongContent,
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
            ReasonCode::WrongContent => "WRONG_CONTENT",
        }
    }

    /// How close a failure is to a pass; breaks ties between candidates.
    pub(super) fn closeness(self) -> u8 {
        match self {
            ReasonCode::MissingElements => 7,
            ReasonCode::WrongYear => 6,
            ReasonCode::ChannelNotOnSite => 5,
            ReasonCode::ContentNotEvident | ReasonCode::WrongContent => 4,
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
    pub(super) fn new(code: ReasonCode, url: Option<&Url>) -> Self {
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

/// The decision on one planned answer.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerVerdict {
    /// The verdict on the answer URL itself.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// A better URL to submit: the page linking a file, the page an index
    /// leads to, or (filled in by the caller) the page the crawl found.
    pub suggested: Option<Url>,
}
