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
    /// Export the schedule (tasks, milestones, links) for other tools; stdout unless --out.
    Export {
        /// mspdi (MS Project XML), mermaid (gantt), ics (milestones), csv or json.
        #[arg(long, value_enum)]
        format: warmshell::export::Format,
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// Write to this file (replaced atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the JSON Schema of a site file or scenario.yaml, for editors.
    Schema {
        /// Which file: site or scenario (with --out DIR and no FILE: both).
        #[arg(value_enum)]
        file: Option<warmshell::schema::SchemaFile>,
        /// Write to this file (with FILE) or folder (without) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
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
        Command::Export { format, dir, out } => {
            let Some(scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            let timeline = timeline::run(&scenario, Options::default());
            let written = warmshell::export::render(format, &scenario, &timeline)
                .and_then(|bytes| emit(out.as_deref(), &bytes));
            if let Err(e) = written {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Command::Schema { file, out } => {
            use warmshell::schema::{SchemaFile, render};
            let written = match (file, out) {
                (Some(f), out) => emit(out.as_deref(), render(f).as_bytes()),
                (None, Some(dir)) => report::write(
                    &dir,
                    &SchemaFile::ALL.map(|f| report::Artifact {
                        name: f.file_name().into(),
                        bytes: render(f).into_bytes(),
                    }),
                ),
                (None, None) => {
                    eprintln!(
                        "error: say which schema: `warmshell schema site` or `warmshell schema scenario` (or `--out DIR` for both)"
                    );
                    return ExitCode::from(2);
                }
            };
            if let Err(e) = written {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
    }
}

/// Writes `bytes` to `out` atomically, or to stdout; a closed pipe
/// (`| head`) is not an error.
fn emit(out: Option<&Path>, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    match out {
        Some(path) => report::write_file(path, bytes),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
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
