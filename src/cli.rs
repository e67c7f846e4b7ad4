//! The command line: clap definitions (their doc comments are `--help`) and
//! the one conversion from flags to a run. No extraction logic lives here.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use gazette::eval;
use gazette::extractor::{Extractor, Options};
use gazette::input::{Reader, StdinFormat};
use gazette::pipeline::{self, Format};
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
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
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
enum InputFormat {
    /// One JSON object per line ({"id", "text", "date"}).
    Jsonl,
    /// The whole of stdin is one article.
    Text,
}

#[derive(clap::Args, Debug)]
struct ExtractArgs {
    /// Text files, .jsonl files, directories (their .txt and .jsonl files,
    /// sorted), or - for stdin (the default).
    paths: Vec<PathBuf>,
    /// How to read stdin.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: InputFormat,
    /// Indent each record.
    #[arg(long)]
    pretty: bool,
    /// Add the id of the rule that found it to each mention.
    #[arg(long)]
    explain: bool,
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
        Command::Rules { command: RulesCommand::Check { dir } } => check(dir),
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

fn extractor(common: &CommonArgs, explain: bool) -> Result<Extractor, Status> {
    let reference_date = match &common.reference_date {
        Some(s) => Some(Day::parse(s).filter(|_| s.len() == 10).ok_or_else(|| fail(format!("--reference-date {s:?} is not YYYY-MM-DD")))?),
        None => None,
    };
    let rules = load_rules(common.rules.as_ref())?;
    Ok(Extractor::new(rules, Options { reference_date, explain, day_first: common.date_order == DateOrder::Dmy }))
}

fn threads(common: &CommonArgs) -> usize {
    common.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

fn extract(args: ExtractArgs) -> Status {
    let extractor = match extractor(&args.common, args.explain) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let stdin_format = if args.format == InputFormat::Text { StdinFormat::Text } else { StdinFormat::JsonLines };
    let reader = Reader::new(&args.paths, stdin_format, args.common.max_bytes);
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    let format = Format { pretty: args.pretty };
    let result = pipeline::run(&extractor, reader, threads(&args.common), format, |line| {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        if terminal { out.flush() } else { Ok(()) }
    });
    match result.and_then(|s| out.flush().map(|()| s)) {
        Ok(summary) => u8::from(summary.errors > 0),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => fail(format!("writing output: {e}")),
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
    let run = pipeline::run(&extractor, reader, threads(&args.common), Format::default(), |line| {
        predicted.push(serde_json::from_str(line).map_err(io::Error::other)?);
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
