//! Command-line interface: argument parsing and the commands.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use oitcheck::crawl::{self, CrawlConfig};
use oitcheck::report::{Format, Lang};
use oitcheck::rules::RuleSet;
use oitcheck::serve::{SiteServer, SiteSource, DEMO_SITE};
use oitcheck::{CheckOptions, Error};

/// Exit codes (documented in README.md).
#[derive(Debug, Clone, Copy)]
pub enum Exit {
    /// The check ran (whatever the score).
    Ok = 0,
    /// Unexpected failure (e.g. the report could not be written).
    Failure = 1,
    /// Usage or input error (bad URL, bad rule file, bad year).
    Usage = 2,
    /// The site could not be crawled at all.
    Unreachable = 3,
    /// The check ran; the OIT score is below `--fail-under`.
    BelowBar = 4,
    /// The check ran; an item went from pass to fail since the last saved
    /// run (`--fail-on-regression`).
    Regression = 5,
    /// Interrupted (Ctrl-C, SIGTERM); a partial report was written.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Predicts a Thai agency website's OIT (ITA) score, item by item.
#[derive(Debug, Parser)]
#[command(name = "oitcheck", version, about)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Crawl an agency's main website and predict its OIT score.
    Check {
        /// The agency's main website, e.g. https://www.example.go.th/
        url: String,
        #[command(flatten)]
        options: CheckArgs,
    },
    /// Check the URLs you plan to submit (an answer sheet), as assessors would.
    Verify {
        /// The agency's main website.
        #[arg(required_unless_present = "template")]
        url: Option<String>,
        /// Answer sheet: CSV with columns item,url (or .toml).
        #[arg(long, required_unless_present = "template")]
        answers: Option<PathBuf>,
        /// Print a CSV answer-sheet template with every item and exit.
        #[arg(long)]
        template: bool,
        #[command(flatten)]
        options: CheckArgs,
    },
    /// Serve the embedded demo agency site on 127.0.0.1 and check it.
    Demo {
        #[command(flatten)]
        options: CheckArgs,
    },
    /// Rule-file commands.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Check many agencies from a CSV list (name,url[,type,province]).
    Batch {
        /// The agency list.
        agencies: PathBuf,
        /// Where per-agency reports and the summaries go.
        #[arg(long, default_value = "oitcheck-batch")]
        out_dir: PathBuf,
        /// Agencies crawled at once (each host keeps its own rate limit).
        #[arg(long, default_value_t = 64)]
        jobs: usize,
        /// Check again agencies already saved for this year.
        #[arg(long)]
        rescan: bool,
        /// Only shard K of N (by a stable hash of the host), e.g. 2/8.
        #[arg(long)]
        shard: Option<String>,
        #[command(flatten)]
        options: CheckArgs,
    },
    /// Combine the summaries of several batch folders (shards) into one.
    Merge {
        /// Batch output folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where the merged summary goes.
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// List the saved runs of a site with their scores.
    History {
        /// The site.
        url: String,
        #[command(flatten)]
        db: DbArgs,
        /// Output format: text or json.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
    },
    /// What changed between two saved runs (default: the last two).
    Diff {
        /// The site.
        url: String,
        /// The older run id.
        #[arg(long)]
        from: Option<i64>,
        /// The newer run id.
        #[arg(long)]
        to: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
        /// Output format: text, json or markdown.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
    },
    /// Serve a fixture site folder on 127.0.0.1 until Ctrl-C (development aid).
    Serve {
        /// The folder (e.g. fixtures/sites/demo).
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Validate a rule file and summarise it.
    Check {
        /// The rule file.
        file: PathBuf,
    },
    /// List the frameworks: their years, item counts and coverage.
    List {
        /// List the *.toml rule files in this folder instead of the embedded ones.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Output format: text or json.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// Language of the text listing.
        #[arg(long, value_enum, default_value_t = LangArg::Th)]
        lang: LangArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Html,
    Markdown,
    Junit,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Junit => Format::Junit,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Th,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Th => Lang::Th,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Args, Clone)]
struct DbArgs {
    /// Scan-history database (default: <data dir>/oitcheck/history.sqlite3).
    #[arg(long)]
    db: Option<PathBuf>,
}

impl DbArgs {
    fn open(&self) -> Result<oitcheck::store::Store> {
        let path = self
            .db
            .clone()
            .unwrap_or_else(oitcheck::store::default_path);
        Ok(oitcheck::store::Store::open(&path)?)
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Save the run in the scan history (for history, diff and the gates).
    #[arg(long)]
    save: bool,
    #[command(flatten)]
    db: DbArgs,
    /// Exit 4 when the predicted OIT score is below this.
    #[arg(long)]
    fail_under: Option<f64>,
    /// Exit 5 when an item passed in the last saved run and fails now.
    #[arg(long)]
    fail_on_regression: bool,
    /// Assessment year, Buddhist era.
    #[arg(long, default_value_t = 2564)]
    year: u32,
    /// Rule file (default: the embedded rule file whose years include --year:
    /// 2563–2565 ita-2564, 2566–2567 ita-2566, 2568 ita-2568, 2569 ita-2569).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output format (for stdout, and for --out files whose extension says nothing).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Write the report to this file instead of stdout; repeat for several
    /// formats, each picked from the extension (.html .json .csv .md .xml=JUnit .txt).
    #[arg(long)]
    out: Vec<PathBuf>,
    /// No progress display on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Stop crawling after this many seconds; the report is written with what
    /// was found and marked incomplete.
    #[arg(long)]
    deadline: Option<u64>,
    /// Crawl even when the site's TLS certificate is invalid (it is still a
    /// finding: the assessor's browser warns too).
    #[arg(long)]
    insecure: bool,
    /// Also HEAD-check links to other hosts (otherwise nothing off the main
    /// site is ever requested).
    #[arg(long)]
    check_external: bool,
    /// Crawl every page (up to --max-pages), not only those the best-first
    /// frontier finds promising.
    #[arg(long)]
    exhaustive: bool,
    /// Cap on HTML pages fetched.
    #[arg(long, default_value_t = crawl::DEFAULT_MAX_PAGES)]
    max_pages: usize,
    /// Requests per second to the site (0 = no limit; be polite) [default: 2;
    /// the demo, served on 127.0.0.1, defaults to no limit].
    #[arg(long)]
    rate: Option<f64>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = crawl::DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 20)]
    timeout: u64,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Th)]
    lang: LangArg,
    /// IIT score, to predict the overall ITA (with --eit).
    #[arg(long, requires = "eit")]
    iit: Option<f64>,
    /// EIT score, to predict the overall ITA (with --iit).
    #[arg(long, requires = "iit")]
    eit: Option<f64>,
}

/// Runs the CLI and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oitcheck: cannot start the async runtime: {e}");
            return Exit::Failure.into();
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(exit) => exit.into(),
        Err(e) => {
            let exit = classify(&e);
            eprintln!("oitcheck: {e:#}");
            exit.into()
        }
    }
}

fn classify(e: &anyhow::Error) -> Exit {
    match e.downcast_ref::<Error>() {
        Some(Error::SiteUnreachable { .. }) => Exit::Unreachable,
        None if e.downcast_ref::<oitcheck::store::StoreError>().is_some() => Exit::Failure,
        Some(
            Error::InvalidUrl { .. }
            | Error::Usage(_)
            | Error::InvalidRules { .. }
            | Error::ReadRules { .. }
            | Error::YearNotCovered { .. },
        ) => Exit::Usage,
        _ => Exit::Failure,
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("oitcheck={level},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn dispatch(command: Command) -> Result<Exit> {
    match command {
        Command::Check { url, options } => {
            let site = crawl::parse_site_url(&url)?;
            run_check(&site, &options).await
        }
        Command::Verify {
            url,
            answers,
            template,
            options,
        } => {
            let rules = load_rules(&options)?;
            if template {
                write_text(
                    &oitcheck::answers::template(&rules),
                    options.out.first().map(PathBuf::as_path),
                )?;
                return Ok(Exit::Ok);
            }
            let (Some(url), Some(answers)) = (url, answers) else {
                anyhow::bail!(Error::InvalidUrl {
                    input: String::new(),
                    reason: "verify needs the site URL and --answers FILE".into(),
                });
            };
            let site = crawl::parse_site_url(&url)?;
            run_verify(&site, &answers, &rules, &options).await
        }
        Command::Demo { options } => {
            let server = SiteServer::start(SiteSource::Embedded(&DEMO_SITE)).await?;
            eprintln!("oitcheck: serving the demo agency site at {}", server.url());
            // Our own loopback server: no need to wait between requests.
            let options = CheckArgs {
                rate: Some(options.rate.unwrap_or(0.0)),
                ..options
            };
            run_check(&server.url(), &options).await
        }
        Command::Rules {
            command: RulesCommand::Check { file },
        } => {
            let rules = RuleSet::load(&file)?;
            let coverage = oitcheck::score::Coverage::of(&rules);
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{}: OK — framework {} ({}), years {:?}, {} items ({} assessed), {} sub-indicators",
                file.display(),
                rules.framework.id,
                rules.framework.variant,
                rules.framework.years,
                coverage.total,
                coverage.assessed,
                rules.sub_indicators.len()
            )?;
            Ok(Exit::Ok)
        }
        Command::Rules {
            command: RulesCommand::List { dir, format, lang },
        } => list_rules(dir.as_deref(), format, lang.into()),
        Command::Batch {
            agencies,
            out_dir,
            jobs,
            rescan,
            shard,
            options,
        } => {
            let shard = shard.as_deref().map(parse_shard).transpose()?;
            let bytes = std::fs::read(&agencies)
                .with_context(|| format!("reading {}", agencies.display()))?;
            let (text, _) = oitcheck::crawl::decode::decode(&bytes, None);
            let list = oitcheck::batch::parse_agencies(&text);
            let rules = std::sync::Arc::new(load_rules(&options)?);
            rules.check_year(options.year)?;
            let progress = Progress::start(true);
            let mut check = check_options(&options, &progress);
            // Sites sharing a server share its politeness budget: the same
            // rate per IP address as per host, across all agencies.
            if let Some(rate) = check.crawl.rate {
                check.crawl.address_limits = Some(std::sync::Arc::new(
                    oitcheck::crawl::fetch::AddressLimits::new(rate),
                ));
            }
            let batch = oitcheck::batch::BatchOptions {
                check,
                jobs,
                out_dir: out_dir.clone(),
                db: options
                    .db
                    .db
                    .clone()
                    .unwrap_or_else(oitcheck::store::default_path),
                rescan,
                shard,
            };
            let rows = oitcheck::batch::run(list, rules, &batch).await?;
            let done = rows
                .iter()
                .filter(|r| r.status == "done" || r.status == "resumed")
                .count();
            eprintln!(
                "oitcheck: {done} of {} agencies checked; summary in {}",
                rows.len(),
                out_dir.join("summary.html").display()
            );
            Ok(Exit::Ok)
        }
        Command::Merge { dirs, out_dir } => {
            let rows = oitcheck::batch::merge(&dirs, &out_dir).map_err(anyhow::Error::msg)?;
            eprintln!(
                "oitcheck: merged {} agencies into {}",
                rows.len(),
                out_dir.display()
            );
            Ok(Exit::Ok)
        }
        Command::History { url, db, format } => {
            let site = crawl::parse_site_url(&url)?;
            let runs = db.open()?.runs(&oitcheck::store::site_key(&site))?;
            let text = match format {
                FormatArg::Json => oitcheck::report::json::render_value(&runs)?,
                _ => {
                    let mut out = format!(
                        "{:>6}  {:>12}  {:<10} {:>5}  {:>7}  passed\n",
                        "run", "time", "framework", "year", "OIT"
                    );
                    for r in &runs {
                        out.push_str(&format!(
                            "{:>6}  {:>12}  {:<10} {:>5}  {:>7.2}  {}/{}\n",
                            r.id, r.started_at, r.framework, r.year, r.oit, r.passed, r.items
                        ));
                    }
                    out
                }
            };
            write_text(&text, None)?;
            Ok(Exit::Ok)
        }
        Command::Diff {
            url,
            from,
            to,
            db,
            format,
        } => {
            let site = crawl::parse_site_url(&url)?;
            let key = oitcheck::store::site_key(&site);
            let store = db.open()?;
            let to = match to {
                Some(id) => Some(id),
                None => store.latest(&key, None)?,
            };
            let from = match (from, to) {
                (Some(id), _) => Some(id),
                (None, Some(to)) => store.latest(&key, Some(to))?,
                (None, None) => None,
            };
            let (Some(from), Some(to)) = (from, to) else {
                anyhow::bail!(
                    "fewer than two saved runs for {site}: save runs with `check --save`"
                );
            };
            let load = |id| -> Result<_> {
                store
                    .items(&key, id)?
                    .ok_or_else(|| anyhow::anyhow!("no saved run {id} for {site}"))
            };
            let diff = oitcheck::diff::Diff::between(load(from)?, load(to)?);
            let text = match format {
                FormatArg::Json => oitcheck::report::json::render_value(&diff)?,
                FormatArg::Markdown => diff.render(true),
                _ => diff.render(false),
            };
            write_text(&text, None)?;
            Ok(Exit::Ok)
        }
        Command::Serve { dir } => {
            let server = SiteServer::start(SiteSource::Dir(dir.clone())).await?;
            eprintln!(
                "oitcheck: serving {} at {} (Ctrl-C to stop)",
                dir.display(),
                server.url()
            );
            tokio::signal::ctrl_c().await?;
            Ok(Exit::Ok)
        }
    }
}

/// "2/8" → (2, 8), with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(u64, u64)> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)))
        .filter(|(k, n)| *n >= 1 && (1..=*n).contains(k));
    parsed.ok_or_else(|| {
        anyhow::Error::new(Error::Usage(format!(
            "--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/8 (got '{text}')"
        )))
    })
}

/// A run stopped by Ctrl-C exits 130 after writing its partial report; one
/// stopped by --deadline has done what was asked and exits 0.
fn exit_for(stopped: Option<oitcheck::graph::StopReason>) -> Exit {
    match stopped {
        Some(oitcheck::graph::StopReason::Interrupted) => Exit::Interrupted,
        _ => Exit::Ok,
    }
}

/// The rule file given, else the embedded one whose years include `--year`.
fn load_rules(args: &CheckArgs) -> Result<RuleSet> {
    match &args.rules {
        Some(path) => Ok(RuleSet::load(path)?),
        None => Ok(RuleSet::for_year(args.year)?),
    }
}

/// `rules list`: every embedded rule file, or every *.toml in `dir`. A file
/// that does not load is reported with its error (exit 2) after the others.
fn list_rules(dir: Option<&std::path::Path>, format: FormatArg, lang: Lang) -> Result<Exit> {
    use oitcheck::rules::summary::{render_text, Summary};
    let mut summaries = Vec::new();
    let mut broken = Vec::new();
    match dir {
        None => {
            for (name, text) in oitcheck::rules::EMBEDDED {
                let rules = RuleSet::parse(text, &format!("<embedded rules/{name}>"))?;
                summaries.push(Summary::of(&rules, &format!("embedded rules/{name}")));
            }
        }
        Some(dir) => {
            let entries = std::fs::read_dir(dir).map_err(|source| oitcheck::Error::ReadRules {
                path: dir.to_path_buf(),
                source,
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for file in files {
                match RuleSet::load(&file) {
                    Ok(rules) => summaries.push(Summary::of(&rules, &file.display().to_string())),
                    Err(e) => broken.push(format!("{e:#}")),
                }
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match format {
        FormatArg::Json => {
            let json = serde_json::to_string_pretty(&summaries)?;
            writeln!(out, "{json}")?;
        }
        _ => write!(out, "{}", render_text(&summaries, lang))?,
    }
    for problem in &broken {
        eprintln!("error: {problem}");
    }
    Ok(if broken.is_empty() {
        Exit::Ok
    } else {
        Exit::Usage
    })
}

async fn run_verify(
    site: &url::Url,
    answers: &Path,
    rules: &RuleSet,
    args: &CheckArgs,
) -> Result<Exit> {
    let bytes = std::fs::read(answers)
        .with_context(|| format!("reading the answer sheet {}", answers.display()))?;
    // Excel saves CSV as UTF-8 (with BOM) or, on Thai Windows, windows-874.
    let (text, _) = oitcheck::crawl::decode::decode(&bytes, None);
    let toml = answers
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let sheet = oitcheck::answers::parse(&text, toml, rules);
    for e in &sheet.errors {
        eprintln!("oitcheck: {}:{}: {}", answers.display(), e.line, e.message);
    }
    if sheet.answers.is_empty() {
        eprintln!(
            "oitcheck: {}: no answer row can be checked",
            answers.display()
        );
        return Ok(Exit::Usage);
    }
    let progress = Progress::start(args.quiet);
    let report =
        oitcheck::verify::verify(site, rules, sheet, &check_options(args, &progress)).await?;
    progress.finish(report.items.len());
    write_outputs(args, |format| Ok(report.render(format)?))?;
    Ok(Exit::Ok)
}

/// Writes the report to stdout or to every --out file, each in its format.
fn write_outputs(args: &CheckArgs, render: impl Fn(Format) -> Result<String>) -> Result<()> {
    if args.out.is_empty() {
        return write_text(&render(args.format.into())?, None);
    }
    for path in &args.out {
        let format = Format::from_path(path).unwrap_or_else(|| args.format.into());
        write_text(&render(format)?, Some(path))?;
    }
    Ok(())
}

/// Cancelled on Ctrl-C or SIGTERM, so the crawl stops and a partial report
/// is still written.
fn interrupt_token() -> tokio_util::sync::CancellationToken {
    let token = tokio_util::sync::CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
        eprintln!("oitcheck: interrupted; writing what was found (incomplete)");
        cancel.cancel();
    });
    token
}

/// A spinner on stderr while crawling, when stderr is a terminal.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(quiet: bool) -> Self {
        use std::io::IsTerminal as _;
        if quiet || !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    fn hook(&self) -> Option<crawl::ProgressHook> {
        let bar = self.0.clone()?;
        Some(crawl::ProgressHook(std::sync::Arc::new(
            move |p: crawl::CrawlProgress| {
                let rate = p.requests as f64 / p.elapsed.as_secs_f64().max(0.001);
                bar.set_message(format!(
                    "{} pages · {} queued · {} requests · {rate:.1} req/s · items decided 0",
                    p.pages_fetched, p.queued, p.requests
                ));
            },
        )))
    }

    fn finish(&self, items: usize) {
        if let Some(bar) = &self.0 {
            bar.finish_with_message(format!("items decided {items}"));
        }
    }
}

fn check_options(args: &CheckArgs, progress: &Progress) -> CheckOptions {
    CheckOptions {
        year: args.year,
        crawl: CrawlConfig {
            max_pages: args.max_pages,
            rate: Some(args.rate.unwrap_or(crawl::DEFAULT_RATE)).filter(|r| *r > 0.0),
            concurrency: args.concurrency.max(1),
            timeout: Duration::from_secs(args.timeout.max(1)),
            progress: progress.hook(),
            insecure: args.insecure,
            check_external: args.check_external,
            exhaustive: args.exhaustive,
            deadline: args.deadline.map(Duration::from_secs),
            cancel: Some(interrupt_token()),
            ..CrawlConfig::default()
        },
        lang: match args.lang {
            LangArg::Th => Lang::Th,
            LangArg::En => Lang::En,
        },
        iit_eit: args.iit.zip(args.eit),
    }
}

async fn run_check(site: &url::Url, args: &CheckArgs) -> Result<Exit> {
    let rules = load_rules(args)?;
    let progress = Progress::start(args.quiet);
    let mut options = check_options(args, &progress);
    if args.save {
        // Pages the saved run knows are asked for only if changed.
        let facts = args
            .db
            .open()?
            .page_facts(&oitcheck::store::site_key(site))?;
        if !facts.is_empty() {
            options.crawl.cached = Some(std::sync::Arc::new(facts));
        }
    }
    let report = oitcheck::check(site, &rules, &options).await?;
    progress.finish(report.items.len());
    write_outputs(args, |format| Ok(report.render(format)?))?;
    let gate = gate(site, &report, args)?;
    Ok(match exit_for(report.crawl.stopped) {
        Exit::Ok => gate,
        other => other,
    })
}

/// Saves the run when asked and applies the scheduler gates: exit 5 when an
/// item went from pass to fail since the last saved run
/// (`--fail-on-regression`), else 4 when the score is below `--fail-under`.
fn gate(site: &url::Url, report: &oitcheck::report::Report, args: &CheckArgs) -> Result<Exit> {
    let mut regressed = false;
    if args.save || args.fail_on_regression {
        let key = oitcheck::store::site_key(site);
        let mut store = args.db.open()?;
        let previous = store.latest(&key, None)?;
        let id = if report.crawl.stopped.is_none() && args.save {
            let id = store.save(&key, report)?;
            store.save_page_facts(&key, &report.page_facts)?;
            Some(id)
        } else {
            None
        };
        if let (true, Some(previous)) = (args.fail_on_regression, previous) {
            if let Some(before) = store.items(&key, previous)? {
                let now: Vec<oitcheck::store::StoredItem> = report
                    .items
                    .iter()
                    .map(|i| oitcheck::store::StoredItem {
                        id: i.id.clone(),
                        title: i.title.clone(),
                        verdict: i.verdict.to_string(),
                        evidence_url: i.evidence_url.clone(),
                        reasons: i.reasons.iter().map(|r| r.code.to_string()).collect(),
                    })
                    .collect();
                let current = oitcheck::store::RunSummary {
                    id: id.unwrap_or(0),
                    started_at: 0,
                    framework: report.framework.clone(),
                    year: report.assessment_year,
                    oit: report.scores.oit,
                    passed: 0,
                    items: 0,
                };
                let diff = oitcheck::diff::Diff::between(before, (current, now));
                if diff.has_regressions() {
                    eprintln!(
                        "oitcheck: regression since run {previous}:\n{}",
                        diff.render(false)
                    );
                    regressed = true;
                }
            }
        }
    }
    if regressed {
        return Ok(Exit::Regression);
    }
    if args.fail_under.is_some_and(|bar| report.scores.oit < bar) {
        eprintln!(
            "oitcheck: OIT {:.2} is below --fail-under",
            report.scores.oit
        );
        return Ok(Exit::BelowBar);
    }
    Ok(Exit::Ok)
}

/// Writes to a file atomically (temp file + rename) or to stdout.
fn write_text(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("writing the report to stdout"),
            }
        }
        Some(path) => {
            let tmp = path.with_extension("oitcheck-tmp");
            std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
        }
    }
}
