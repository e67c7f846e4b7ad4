//! The command line: clap definitions (their doc comments are `--help`) and
//! the one conversion from flags to a run. No extraction logic lives here.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use gazette::eval;
use gazette::export;
use gazette::extractor::{Extractor, Options};
use gazette::input::{Reader, StdinFormat};
use gazette::pipeline;
use gazette::resolve::dates::Day;
use gazette::rules::{example, RuleSet};

/// Extract parties, courts, dates, products, quotes and cases from news
/// articles as JSON Lines.
#[derive(Parser, Debug)]
#[command(name = "gazette", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Extract one record per article and write them as JSON Lines.
    Extract(ExtractArgs),
    /// Extract, then score against a gold file (the figures of shared/score.py).
    Eval(EvalArgs),
    /// Extract, then write one self-contained HTML page to stdout: every
    /// article with its mentions highlighted, its quotes and its tables
    /// (`gazette render feed.jsonl > view.html`).
    Render(RenderArgs),
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `gazette man > gazette.1`.
    Man,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Load the rules (built-in, plus DIR), report every error with file and
    /// line, and run every rule's examples.
    Check {
        /// A folder of .jsonl rule files to add to or override the built-in ones.
        dir: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct CommonArgs {
    /// Reference date (YYYY-MM-DD) for articles without a date or dateline.
    #[arg(long, value_name = "DATE")]
    reference_date: Option<String>,
    /// A folder of .jsonl rule files added to the built-in ones; a file named
    /// like a built-in one replaces it.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is the same for any number.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// How to read numeric dates such as 07/08/2024: mdy (July 8) or dmy (7 August).
    #[arg(long, value_enum, default_value = "mdy")]
    date_order: DateOrder,
    /// Largest article accepted, in bytes; a longer one becomes an error record.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    max_bytes: usize,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DateOrder {
    /// Month, day, year (U.S.).
    Mdy,
    /// Day, month, year.
    Dmy,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OutputFormat {
    /// JSON Lines, one record per article (SPEC); stdin is JSON Lines.
    Jsonl,
    /// JSON Lines out, and stdin is one article of plain text.
    Text,
    /// Tab-separated values, one row per mention after a header line.
    Tsv,
    /// brat standoff: a .txt and .ann per article, and annotation.conf, in --out DIR.
    Brat,
    /// CoNLL-style IOB2 tags, one token per line.
    Conll,
}

#[derive(clap::Args, Debug)]
struct ExtractArgs {
    /// Text files, .jsonl files, directories (their .txt and .jsonl files,
    /// sorted), or - for stdin (the default).
    paths: Vec<PathBuf>,
    /// What to write (and, for `text`, how to read stdin: as one article).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: OutputFormat,
    /// With --format brat: the directory the .txt and .ann files go to.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Indent each record.
    #[arg(long)]
    pretty: bool,
    /// Add the id of the rule that found it to each mention.
    #[arg(long)]
    explain: bool,
    /// No progress bar or summary on stderr (they only show on a terminal).
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(clap::Args, Debug)]
struct RenderArgs {
    /// Text files, .jsonl files, directories (their .txt and .jsonl files,
    /// sorted), or - for stdin (the default, JSON Lines).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(clap::Args, Debug)]
struct EvalArgs {
    /// The gold file (SPEC section 4).
    #[arg(long, value_name = "GOLD.jsonl")]
    gold: PathBuf,
    /// The articles to extract (JSON Lines, as for extract).
    input: Vec<PathBuf>,
    /// List every miss and false alarm (on stderr, as score.py does).
    #[arg(long)]
    diff: bool,
    /// Print the table as JSON.
    #[arg(long)]
    json: bool,
    /// Comma-separated types to score.
    #[arg(long, default_value = "parties,courts,dates,products,quotes,cases")]
    types: String,
    #[command(flatten)]
    common: CommonArgs,
}

/// Exit status: 0 all good, 1 some articles failed (or examples), 2 usage
/// or rule errors.
pub type Status = u8;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Status {
    match cli.command {
        Command::Extract(args) => extract(args),
        Command::Eval(args) => evaluate(args),
        Command::Render(args) => render(args),
        Command::Rules { command: RulesCommand::Check { dir } } => check(dir),
        Command::Completions { shell } => {
            // Generated into memory first: the generator panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "gazette", &mut script);
            print_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print_bytes(&page),
                Err(e) => fail(e),
            }
        }
    }
}

/// Writes generated text to stdout; a closed pipe is not an error.
fn print_bytes(bytes: &[u8]) -> Status {
    match io::stdout().lock().write_all(bytes) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => fail(e),
    }
}

fn fail(message: impl std::fmt::Display) -> Status {
    eprintln!("gazette: {message}");
    2
}

fn load_rules(dir: Option<&PathBuf>) -> Result<RuleSet, Status> {
    let loaded = match dir {
        Some(d) => RuleSet::with_dir(d),
        None => RuleSet::builtin(),
    };
    loaded.map_err(|errors| {
        for e in &errors.0 {
            eprintln!("gazette: {e}");
        }
        fail(format!("{} rule error{}; nothing extracted", errors.0.len(), if errors.0.len() == 1 { "" } else { "s" }))
    })
}

/// The extractor for a command. It lives until the process exits: freeing
/// its 40,000 small allocations one by one took a third of start-up.
fn extractor(common: &CommonArgs, explain: bool) -> Result<&'static Extractor, Status> {
    let reference_date = match &common.reference_date {
        Some(s) => Some(Day::parse(s).filter(|_| s.len() == 10).ok_or_else(|| fail(format!("--reference-date {s:?} is not YYYY-MM-DD")))?),
        None => None,
    };
    let rules = load_rules(common.rules.as_ref())?;
    Ok(Box::leak(Box::new(Extractor::new(rules, Options { reference_date, explain, day_first: common.date_order == DateOrder::Dmy }))))
}

fn threads(common: &CommonArgs) -> usize {
    common.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

fn extract(args: ExtractArgs) -> Status {
    // A TSV row names the rule of its mention.
    let explain = args.explain || args.format == OutputFormat::Tsv;
    let extractor = match extractor(&args.common, explain) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let stdin_format = if args.format == OutputFormat::Text { StdinFormat::Text } else { StdinFormat::JsonLines };
    let reader = Reader::new(&args.paths, stdin_format, args.common.max_bytes);
    let progress = Progress::new(&args.paths, args.quiet);
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    let (pretty, format) = (args.pretty, args.format);
    if (format == OutputFormat::Brat) != args.out.is_some() {
        return fail("--format brat and --out DIR go together");
    }
    if let Some(dir) = &args.out
        && let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join("annotation.conf"), export::brat_conf()))
    {
        return fail(format!("{}: {e}", dir.display()));
    }
    if format == OutputFormat::Tsv
        && let Err(e) = writeln!(out, "{}", export::tsv_header())
    {
        return if e.kind() == io::ErrorKind::BrokenPipe { 0 } else { fail(e) };
    }
    // Worker threads render; the writer writes in input order. An error
    // record goes to stdout in JSON formats and to stderr in the others.
    let render = |x: pipeline::Extracted| match (format, x) {
        (OutputFormat::Jsonl | OutputFormat::Text, x) => {
            let mut line = pipeline::json(&x, pretty);
            line.push(b'\n');
            Rendered::Out(line)
        }
        (_, Err(e)) => Rendered::Err(pipeline::error_json(&e, false)),
        (OutputFormat::Tsv, Ok((_, r))) => Rendered::Out(export::tsv(&r).into_bytes()),
        (OutputFormat::Conll, Ok((a, r))) => Rendered::Out(export::conll(extractor, &a, &r).into_bytes()),
        (OutputFormat::Brat, Ok((a, r))) => {
            let (txt, ann) = export::brat(&r, &a);
            Rendered::Brat(a.id, txt, ann)
        }
    };
    let mut taken = std::collections::HashSet::new();
    let result = pipeline::run(extractor, reader, threads(&args.common), render, |rendered, done| {
        progress.advance(done);
        match rendered {
            Rendered::Out(bytes) => out.write_all(&bytes)?,
            Rendered::Err(line) => eprintln!("{line}"),
            Rendered::Brat(id, txt, ann) => {
                let dir = args.out.as_deref().unwrap_or(std::path::Path::new("."));
                let stem = file_stem(&id, &mut taken);
                std::fs::write(dir.join(format!("{stem}.txt")), txt)?;
                std::fs::write(dir.join(format!("{stem}.ann")), ann)?;
            }
        }
        if terminal { out.flush() } else { Ok(()) }
    });
    let status = match result.and_then(|s| out.flush().map(|()| s)) {
        Ok(summary) => {
            progress.finish(&summary);
            u8::from(summary.errors > 0)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => fail(format!("writing output: {e}")),
    };
    progress.clear();
    status
}

/// One article rendered for the writer.
enum Rendered {
    /// Bytes for stdout, newline included.
    Out(Vec<u8>),
    /// An error record's JSON line, for stderr.
    Err(String),
    /// brat: the id, the .txt and the .ann content.
    Brat(String, String, String),
}

/// A safe, unique file name stem for an article id: letters, digits, `-`,
/// `_` and `.` kept, anything else `_`, never empty or starting with a dot,
/// at most 200 characters, `~2`, `~3`... added on a collision (compared
/// without case, for case-insensitive file systems).
fn file_stem(id: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut base: String =
        id.chars().take(200).map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if base.is_empty() || base.starts_with('.') {
        base.insert(0, '_');
    }
    let mut stem = base.clone();
    let mut n = 1;
    while !taken.insert(stem.to_lowercase()) {
        n += 1;
        stem = format!("{base}~{n}");
    }
    stem
}

/// A progress bar with throughput and time left, and a one-line summary, on
/// stderr when it is a terminal; nothing at all otherwise or with --quiet.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    articles: std::cell::Cell<usize>,
}

impl Progress {
    fn new(paths: &[PathBuf], quiet: bool) -> Progress {
        let started = std::time::Instant::now();
        if quiet || !io::stderr().is_terminal() {
            return Progress { bar: None, started, articles: Default::default() };
        }
        // The size of the input files, when all of them can be measured.
        let total: Option<u64> = (!paths.is_empty() && paths.iter().all(|p| p.as_os_str() != "-"))
            .then(|| paths.iter().map(|p| size_of(p)).sum());
        let bar = match total {
            Some(total) => indicatif::ProgressBar::new(total).with_style(
                indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec}, eta {eta}, {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            ),
            None => indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}, {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            ),
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        Progress { bar: Some(bar), started, articles: Default::default() }
    }

    fn advance(&self, done: pipeline::Done) {
        if let Some(bar) = &self.bar {
            self.articles.set(self.articles.get() + 1);
            bar.inc(done.bytes as u64);
            bar.set_message(format!("{} articles", self.articles.get()));
        }
    }

    fn finish(&self, summary: &pipeline::Summary) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
            eprintln!(
                "gazette: {} articles, {} errors, {:.1} MB in {:.1} s ({:.1} MB/s)",
                summary.articles,
                summary.errors,
                summary.bytes as f64 / 1e6,
                seconds,
                summary.bytes as f64 / 1e6 / seconds
            );
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Bytes of a file, or of the files under a folder.
fn size_of(path: &std::path::Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|entries| entries.filter_map(|e| e.ok()).map(|e| size_of(&e.path())).sum())
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

fn render(args: RenderArgs) -> Status {
    let extractor = match extractor(&args.common, false) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let reader = Reader::new(&args.paths, StdinFormat::JsonLines, args.common.max_bytes);
    // Articles that cannot be read are reported on stderr and left off the page.
    let mut items = Vec::new();
    let run = pipeline::run(extractor, reader, threads(&args.common), |x| x, |x, _| {
        match x {
            Ok(item) => items.push(item),
            Err(e) => eprintln!("{}", pipeline::error_json(&e, false)),
        }
        Ok(())
    });
    match run {
        Ok(summary) => print_bytes(gazette::render::page(&items).as_bytes()).max(u8::from(summary.errors > 0)),
        Err(e) => fail(e),
    }
}

fn evaluate(args: EvalArgs) -> Status {
    let extractor = match extractor(&args.common, false) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let gold = match eval::load(&args.gold) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    let reader = Reader::new(&args.input, StdinFormat::JsonLines, args.common.max_bytes);
    let mut predicted = Vec::new();
    let run = pipeline::run(extractor, reader, threads(&args.common), |x| pipeline::json(&x, false), |line, _| {
        predicted.push(serde_json::from_slice(&line).map_err(io::Error::other)?);
        Ok(())
    });
    if let Err(e) = run {
        return fail(e);
    }
    let only: Vec<&str> = args.types.split(',').filter(|t| !t.is_empty()).collect();
    if let Some(bad) = only.iter().find(|t| !eval::TYPES.contains(t)) {
        return fail(format!("--types: unknown type {bad:?}"));
    }
    let report = eval::score(&gold, &predicted, &only);
    let printed = if args.json { report.json() } else { report.table() };
    let mut stdout = io::stdout().lock();
    if stdout.write_all(printed.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return 0;
    }
    if args.diff && !report.diff.is_empty() {
        eprintln!("{}", report.diff.join("\n"));
    }
    0
}

fn check(dir: Option<PathBuf>) -> Status {
    let rules = match load_rules(dir.as_ref()) {
        Ok(r) => r,
        Err(status) => return status,
    };
    let (failures, count) = example::check(&rules);
    for f in &failures {
        eprintln!("gazette: {f}");
    }
    println!("{} rules, {count} examples, {} failed", rules.rules.len(), failures.len());
    u8::from(!failures.is_empty())
}
