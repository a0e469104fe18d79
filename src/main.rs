//! The command line: parse arguments, call the library, print, set the exit code.
//!
//! Exit codes: 0 success; 2 the scenario has a mistake (or cannot be found);
//! 1 anything else (e.g. an output file cannot be written).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing::info;
use warmshell::engine::Options;
use warmshell::montecarlo::shard::{self, ShardSpec};
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
        /// Write mc.json into this folder (with --shard: the shard file).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run only shard I of N (a contiguous block of the runs) and write
        /// OUT/shard-I-of-N.json for `merge`; `auto/N` takes I from
        /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.
        #[arg(long, value_name = "I/N", value_parser = ShardSpec::parse)]
        shard: Option<ShardSpec>,
    },
    /// Merge the shard files of `mc --shard` into exactly what `mc` writes on one machine.
    Merge {
        /// Shard files, or folders holding them (every shard-*-of-*.json inside).
        #[arg(required = true, value_name = "SHARD")]
        shards: Vec<PathBuf>,
        /// The scenario folder the shards ran on (default: the one they record).
        #[arg(long, value_name = "DIR")]
        scenario: Option<PathBuf>,
        /// Write mc.json into this folder.
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
            shard,
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
            if let Some(spec) = shard {
                return mc_shard(&dir, &scenario, options, spec, out.as_deref(), &bar);
            }
            let result = match warmshell::montecarlo::run(&scenario, options, &|| bar.inc(1)) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: cannot start {threads} threads: {e}");
                    return ExitCode::from(1);
                }
            };
            bar.finish_and_clear();
            if let Some(dir) = out
                && let Err(e) = write_mc_json(&dir, &result)
            {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            print!("{}", report::mc::render(&result));
            ExitCode::SUCCESS
        }
        Command::Merge {
            shards,
            scenario,
            out,
        } => merge(&shards, scenario.as_deref(), out.as_deref()),
    }
}

/// `mc.json`, written atomically; `mc` and `merge` share it so their bytes agree.
fn write_mc_json(dir: &Path, result: &warmshell::montecarlo::McResult) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(result).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    report::write(
        dir,
        &[report::Artifact {
            name: "mc.json".into(),
            bytes,
        }],
    )
}

/// `mc --shard`: runs one block of the runs and writes its shard file into `out`.
fn mc_shard(
    dir: &Path,
    scenario: &Scenario,
    options: warmshell::montecarlo::McOptions,
    spec: ShardSpec,
    out: Option<&Path>,
    bar: &indicatif::ProgressBar,
) -> ExitCode {
    let Some(out) = out else {
        eprintln!("error: --shard needs --out FOLDER, where the shard file is written");
        return ExitCode::from(2);
    };
    let shard = match spec.resolve(|var| std::env::var(var).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let hash = match shard::scenario_hash(dir, scenario) {
        Ok(h) => h,
        Err(e) => {
            eprintln!(
                "error: {}: cannot read the scenario again: {e}",
                dir.display()
            );
            return ExitCode::from(2);
        }
    };
    let block = shard.block(options.runs);
    bar.set_length(block.end - block.start);
    let recorded = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let file = match shard::run(scenario, hash, recorded, options, shard, &|| bar.inc(1)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot start {} threads: {e}", options.threads);
            return ExitCode::from(1);
        }
    };
    bar.finish_and_clear();
    let name = shard.file_name();
    let written = file
        .to_bytes()
        .map_err(std::io::Error::other)
        .and_then(|bytes| {
            report::write(
                out,
                &[report::Artifact {
                    name: name.clone(),
                    bytes,
                }],
            )
        });
    if let Err(e) = written {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    println!(
        "shard {} of {}: runs {}..{} of {} -> {}",
        shard.index,
        shard.count,
        block.start,
        block.end,
        options.runs,
        out.join(name).display()
    );
    ExitCode::SUCCESS
}

/// `merge`: checks the shards are one whole Monte Carlo, then writes and prints what `mc` would.
fn merge(args: &[PathBuf], scenario: Option<&Path>, out: Option<&Path>) -> ExitCode {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    let mut paths = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            paths.push(arg.clone());
            continue;
        }
        let listing = match std::fs::read_dir(arg) {
            Ok(l) => l,
            Err(e) => return fail(&format!("{}: cannot list: {e}", arg.display())),
        };
        let mut found: Vec<PathBuf> = listing
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
            })
            .collect();
        if found.is_empty() {
            return fail(&format!(
                "{}: no shard-*.json files in this folder",
                arg.display()
            ));
        }
        found.sort();
        paths.extend(found);
    }
    let mut shards = Vec::with_capacity(paths.len());
    for path in paths {
        match shard::ShardFile::read(&path) {
            Ok(file) => shards.push(shard::ReadShard { path, file }),
            Err(e) => return fail(&e),
        }
    }
    let shards = match shard::check_set(shards) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let dir = scenario.map_or_else(|| shards[0].file.scenario_dir.clone(), Path::to_path_buf);
    let Some(loaded) = load(&dir) else {
        if scenario.is_none() {
            eprintln!(
                "error: the shards ran on the scenario in {}; give its folder with --scenario DIR",
                dir.display()
            );
        }
        return ExitCode::from(2);
    };
    let hash = match shard::scenario_hash(&dir, &loaded) {
        Ok(h) => h,
        Err(e) => {
            return fail(&format!(
                "{}: cannot read the scenario again: {e}",
                dir.display()
            ));
        }
    };
    let result = match shard::merge(&loaded, &dir, &hash, shards) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if let Some(out) = out
        && let Err(e) = write_mc_json(out, &result)
    {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    print!("{}", report::mc::render(&result));
    ExitCode::SUCCESS
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
