//! The command line: parse arguments, call the library, print, set the exit code.
//!
//! Exit codes: 0 success; 2 the scenario has a mistake (or cannot be found);
//! 1 anything else (e.g. an output file cannot be written).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing::info;
use warmshell::engine::Options;
use warmshell::{LoadError, Scenario, report, timeline};

#[derive(Parser)]
#[command(
    name = "warmshell",
    version,
    about = "Simulate AI data-center build-out: warm shells, power and GPUs"
)]
struct Cli {
    /// More diagnostics on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a scenario folder and report every mistake with its location.
    Validate {
        /// The scenario folder (scenario.yaml plus one YAML file per site).
        #[arg(default_value = "sites")]
        dir: PathBuf,
    },
    /// Simulate the build-out at point values and print a summary.
    Run {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// Write timeline.json and the CSV files into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write every processed event as JSON lines to this file.
        #[arg(long)]
        events: Option<PathBuf>,
        /// Simulate only this site (its file name without .yaml); repeatable.
        #[arg(long = "site", value_name = "ID")]
        sites: Vec<String>,
    },
    /// Monte Carlo: N runs with sampled durations and risks; P10/P50/P90 of every date and figure.
    Mc {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// Number of runs.
        #[arg(short = 'n', long = "runs", default_value_t = 1000)]
        runs: u64,
        /// Seed of every random stream; the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: all cores); the result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Write mc.json into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a generated portfolio of N varied, valid sites (for benchmarks and scale tests).
    Generate {
        /// Number of sites (1 to 10,000).
        #[arg(long)]
        sites: u32,
        /// The scenario folder to write (scenario.yaml plus one file per site).
        #[arg(long)]
        out: PathBuf,
        /// The same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    match cli.command {
        Command::Validate { dir } => {
            let Some(scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            let racks: u64 = scenario
                .sites
                .iter()
                .flat_map(|s| &s.orders)
                .map(|o| u64::from(o.racks))
                .sum();
            println!(
                "{}: ok ({} site{}, {} tasks, {} racks on order)",
                dir.display(),
                scenario.sites.len(),
                if scenario.sites.len() == 1 { "" } else { "s" },
                scenario.sites.iter().map(|s| s.tasks.len()).sum::<usize>(),
                racks
            );
            ExitCode::SUCCESS
        }
        Command::Run {
            dir,
            out,
            events,
            sites,
        } => {
            let Some(mut scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            if let Err(e) = scenario.keep_sites(&sites) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            let timeline = timeline::run(
                &scenario,
                Options {
                    log: events.is_some(),
                    ..Options::default()
                },
            );
            if let Err(e) = write_outputs(&timeline, out.as_deref(), events.as_deref()) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            print!("{}", report::summary::render(&timeline));
            ExitCode::SUCCESS
        }
        Command::Mc {
            dir,
            runs,
            seed,
            threads,
            out,
        } => {
            let Some(scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            if runs == 0 || runs > MAX_RUNS {
                eprintln!("error: --runs must be between 1 and {MAX_RUNS}");
                return ExitCode::from(2);
            }
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
            // Drawn on stderr only when it is a terminal.
            let bar = indicatif::ProgressBar::new(runs);
            let options = warmshell::montecarlo::McOptions {
                runs,
                seed,
                threads,
            };
            let result = match warmshell::montecarlo::run(&scenario, options, &|| bar.inc(1)) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: cannot start {threads} threads: {e}");
                    return ExitCode::from(1);
                }
            };
            bar.finish_and_clear();
            if let Some(dir) = out {
                let written = serde_json::to_vec_pretty(&result)
                    .map_err(std::io::Error::other)
                    .and_then(|mut bytes| {
                        bytes.push(b'\n');
                        report::write(
                            &dir,
                            &[report::Artifact {
                                name: "mc.json".into(),
                                bytes,
                            }],
                        )
                    });
                if let Err(e) = written {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            }
            print!("{}", report::mc::render(&result));
            ExitCode::SUCCESS
        }
        Command::Generate { sites, out, seed } => {
            let files = match warmshell::generate::portfolio(sites, seed) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            // Any other YAML file there would join the portfolio as a site.
            if let Some(other) = foreign_yaml(&out, &files) {
                eprintln!(
                    "error: {} already holds {other}, which would become a site of the portfolio; choose a new or empty folder",
                    out.display()
                );
                return ExitCode::from(2);
            }
            if let Err(e) = report::write(&out, &files) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            println!("{}: {sites} sites written (seed {seed})", out.display());
            ExitCode::SUCCESS
        }
    }
}

/// More runs than anyone needs on one machine; a typo guard.
const MAX_RUNS: u64 = 100_000_000;

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

/// Loads the scenario, or prints every problem and returns `None`.
fn load(dir: &Path) -> Option<Scenario> {
    info!(dir = %dir.display(), "loading scenario");
    match warmshell::load_dir(dir) {
        Ok(s) => Some(s),
        Err(LoadError::Invalid(diags)) => {
            // Buffered, and source lines only for the first 100 problems with a
            // line, each file read once: a hostile file can hold 100,000
            // problems, and one with no line may be a pipe that never answers.
            use std::io::Write;
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            let mut source: Option<(&Path, Option<String>)> = None;
            for (i, d) in diags.iter().enumerate() {
                let _ = writeln!(err, "error: {d}");
                if i >= 100 || d.pos.line == 0 {
                    continue;
                }
                if source.as_ref().is_none_or(|(file, _)| *file != d.file) {
                    source = Some((&d.file, std::fs::read_to_string(&d.file).ok()));
                }
                let text = source.as_ref().and_then(|(_, text)| text.as_deref());
                if let Some(snippet) = text.and_then(|src| d.snippet(src)) {
                    let _ = writeln!(err, "{snippet}");
                }
            }
            let _ = writeln!(
                err,
                "{} problem{} found; nothing was written",
                diags.len(),
                if diags.len() == 1 { "" } else { "s" }
            );
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// A YAML file in `dir` that `files` would not replace, if any.
fn foreign_yaml(dir: &Path, files: &[report::Artifact]) -> Option<String> {
    let listing = std::fs::read_dir(dir).ok()?;
    let ours: std::collections::BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let mut names: Vec<String> = listing
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .filter(|n| !ours.contains(n.as_str()))
        .collect();
    names.sort();
    names.into_iter().next()
}

fn write_outputs(
    t: &timeline::Timeline,
    out: Option<&Path>,
    events: Option<&Path>,
) -> std::io::Result<()> {
    // Render everything first, so a failure leaves every previous output as it was.
    let artifacts = if out.is_some() {
        report::artifacts(t)?
    } else {
        Vec::new()
    };
    let log = events.map(|_| report::events_jsonl(t)).transpose()?;
    if let Some(dir) = out {
        report::write(dir, &artifacts)?;
        info!(dir = %dir.display(), files = artifacts.len(), "outputs written");
    }
    if let (Some(path), Some(bytes)) = (events, log) {
        report::write_file(path, &bytes)?;
    }
    Ok(())
}
