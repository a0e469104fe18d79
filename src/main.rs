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
    /// Write an HTML report (report.html, self-contained) and each chart as SVG into a folder.
    Report {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// The folder receiving report.html and one .svg per chart (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Add Monte Carlo charts from N runs (S-curves, milestone ranges, tornado).
        #[arg(long, value_name = "N")]
        mc: Option<u64>,
        /// Seed of the Monte Carlo runs.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads for the Monte Carlo (default: all cores); the report does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Compare variants with a base scenario: the change in every key figure.
    Compare {
        /// The base scenario folder.
        base: PathBuf,
        /// Variant files: small YAML files of changes to the base (docs/variants.md).
        #[arg(required = true)]
        variants: Vec<PathBuf>,
        /// Also N Monte Carlo runs of each, compared run by run with common random numbers.
        #[arg(long, value_name = "N")]
        mc: Option<u64>,
        /// Seed of every random stream (with --mc).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: all cores); the result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Sample each variant with its own seed instead (shows what common random numbers save).
        #[arg(long, requires = "mc")]
        independent: bool,
        /// Write compare.json and compare.csv into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Re-run a scenario and check the key figures pinned in its expect.yaml.
    Verify {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// Rewrite expect.yaml with the figures of this run, keeping its tolerances.
        #[arg(long)]
        bless: bool,
    },
    /// Vary one lever over a range and report the outcome curve (NPV, windows, dark GPU-days).
    ///
    /// Without --lever: the value of earlier (or later) power at every site, each site's
    /// whole power timeline shifted from -6mo to +6mo by months.
    Sweep {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// What to vary, KIND:SITE[/ID]: energization:SITE, power:SITE/SOURCE,
        /// task:SITE/TASK (finish), task-start:SITE/TASK, duration:SITE/TASK (factor),
        /// order-date:SITE/ORDER, order-racks:SITE/ORDER, order-generation:SITE/ORDER.
        #[arg(long)]
        lever: Option<String>,
        /// First value: a signed duration (-6mo), a date (order-date), a factor or racks.
        #[arg(long, allow_hyphen_values = true)]
        from: Option<String>,
        /// Last value (inclusive).
        #[arg(long, allow_hyphen_values = true)]
        to: Option<String>,
        /// Step between values (a duration such as 1mo, a factor, or racks).
        #[arg(long)]
        step: Option<String>,
        /// Explicit values instead of a range, comma-separated (e.g. GB300,Rubin).
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
        values: Vec<String>,
        /// Write sweep.csv and sweep.svg into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// For each GPU order, the order date (and generation) that maximizes NPV or
    /// minimizes dark GPU-days, given when its site's shell and power arrive.
    Advise {
        #[arg(default_value = "sites")]
        dir: PathBuf,
        /// Advise on this order only (SITE/ORDER); repeatable. Default: every order.
        #[arg(long = "order", value_name = "SITE/ORDER")]
        orders: Vec<String>,
        /// What to optimize.
        #[arg(long, default_value = "npv", value_parser = ["npv", "dark"])]
        objective: String,
        /// Also try other generations: bare, the order's own and every later one;
        /// or a list, --generations=GB300,Rubin.
        #[arg(long, num_args = 0.., value_delimiter = ',', require_equals = true)]
        generations: Option<Vec<String>>,
        /// Judge each candidate over N Monte Carlo runs (the same runs for all).
        #[arg(long, value_name = "N")]
        mc: Option<u64>,
        /// With --mc: mean, or a percentile such as p10 (cautious), p50, p90.
        #[arg(long)]
        stat: Option<String>,
        /// With --mc: the seed of every random stream.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// With --mc: worker threads (default: all cores); the result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Write advise.csv and advise.svg into this folder.
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
        Command::Report {
            dir,
            out,
            mc,
            seed,
            threads,
        } => write_report(&dir, &out, mc, seed, threads),
        Command::Compare {
            base,
            variants,
            mc,
            seed,
            threads,
            independent,
            out,
        } => compare(
            &base,
            &variants,
            mc,
            seed,
            threads,
            independent,
            out.as_deref(),
        ),
        Command::Verify { dir, bless } => verify(&dir, bless),
        Command::Sweep {
            dir,
            lever,
            from,
            to,
            step,
            values,
            out,
        } => {
            let Some(scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            let range = SweepRange {
                from,
                to,
                step,
                values,
            };
            let sweeps = match build_sweeps(&scenario, lever.as_deref(), &range) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Some(dir) = out {
                let written = warmshell::sweep::csv(&scenario, &sweeps).and_then(|csv| {
                    report::write(
                        &dir,
                        &[
                            report::Artifact {
                                name: "sweep.csv".into(),
                                bytes: csv,
                            },
                            report::Artifact {
                                name: "sweep.svg".into(),
                                bytes: warmshell::sweep::svg(&scenario, &sweeps).into_bytes(),
                            },
                        ],
                    )
                });
                if let Err(e) = written {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            }
            print!("{}", warmshell::sweep::render(&scenario, &sweeps));
            ExitCode::SUCCESS
        }
        Command::Advise {
            dir,
            orders,
            objective,
            generations,
            mc,
            stat,
            seed,
            threads,
            out,
        } => {
            let Some(scenario) = load(&dir) else {
                return ExitCode::from(2);
            };
            let request = AdviseRequest {
                orders,
                objective,
                generations,
                mc,
                stat,
                seed,
                threads,
            };
            let advice = match advise_options(&scenario, &request)
                .and_then(|o| warmshell::advise::advise(&scenario, &o))
            {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Some(dir) = out {
                let written = warmshell::advise::csv(&scenario, &advice).and_then(|csv| {
                    report::write(
                        &dir,
                        &[
                            report::Artifact {
                                name: "advise.csv".into(),
                                bytes: csv,
                            },
                            report::Artifact {
                                name: "advise.svg".into(),
                                bytes: warmshell::advise::svg(&scenario, &advice).into_bytes(),
                            },
                        ],
                    )
                });
                if let Err(e) = written {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            }
            print!("{}", warmshell::advise::render(&scenario, &advice));
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

/// `warmshell compare`: every variant against the base.
fn compare(
    base: &Path,
    files: &[PathBuf],
    mc: Option<u64>,
    seed: u64,
    threads: Option<usize>,
    independent: bool,
    out: Option<&Path>,
) -> ExitCode {
    use warmshell::compare::{Candidate, McCompare};
    if mc.is_some_and(|n| n == 0 || n > MAX_COMPARE_RUNS) {
        eprintln!("error: --mc must be between 1 and {MAX_COMPARE_RUNS}");
        return ExitCode::from(2);
    }
    let Some(base_scenario) = load(base) else {
        return ExitCode::from(2);
    };
    let mut loaded_variants = Vec::new();
    let mut failed = false;
    for file in files {
        let variant = warmshell::variant::read(file)
            .and_then(|v| warmshell::variant::load(base, &v).map(|s| (v, s)));
        match loaded(variant) {
            Some(v) => loaded_variants.push(v),
            None => failed = true,
        }
    }
    if failed {
        return ExitCode::from(2);
    }
    let candidates: Vec<Candidate> = loaded_variants
        .iter()
        .zip(files)
        .map(|((v, s), file)| Candidate {
            name: v.name.clone(),
            file: file.display().to_string(),
            scenario: s,
        })
        .collect();
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let options = mc.map(|runs| McCompare {
        runs,
        seed,
        threads,
        independent,
    });
    let name = base.display().to_string();
    let result = match warmshell::compare::compare(&name, &base_scenario, &candidates, options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start {threads} threads: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(dir) = out {
        let written = report::compare::artifacts(&result).and_then(|a| report::write(dir, &a));
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    print!("{}", report::compare::render(&result));
    ExitCode::SUCCESS
}

/// More runs than a comparison needs: each run's figures are kept (about
/// 0.6 KB a run for the default scenario, per variant).
const MAX_COMPARE_RUNS: u64 = 100_000;

/// `warmshell verify`: 0 all within tolerance, 1 something moved too far, 2 a mistake.
fn verify(dir: &Path, bless: bool) -> ExitCode {
    use warmshell::{compare, verify};
    if warmshell::variant::is_variant_file(dir) {
        eprintln!(
            "error: {}: verify checks a scenario folder's expect.yaml; this is a variant",
            dir.display()
        );
        return ExitCode::from(2);
    }
    let Some(scenario) = load(dir) else {
        return ExitCode::from(2);
    };
    let keys = compare::layout(&scenario);
    let actual = compare::point_values(&scenario);
    let path = verify::path_in(dir);
    let expectations = match verify::read(&path, &keys) {
        Ok(e) => e,
        Err(diags) => {
            print_diagnostics(&diags);
            return ExitCode::from(2);
        }
    };
    if bless {
        let text = verify::bless(expectations.as_ref(), &keys, &actual);
        if let Err(e) = report::write_file(&path, text.as_bytes()) {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        println!(
            "warmshell verify {}: pinned {} figures in {}",
            dir.display(),
            keys.len(),
            path.display()
        );
        return ExitCode::SUCCESS;
    }
    let Some(expectations) = expectations else {
        eprintln!(
            "error: {}: not found; `warmshell verify {} --bless` pins the current figures",
            path.display(),
            dir.display()
        );
        return ExitCode::from(2);
    };
    let result = verify::check(&expectations, &keys, &actual);
    print!("{}", verify::render(dir, &result));
    if result.failures() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `warmshell report`: the deterministic run, optionally a Monte Carlo, then the HTML and SVG files.
fn write_report(
    dir: &Path,
    out: &Path,
    mc: Option<u64>,
    seed: u64,
    threads: Option<usize>,
) -> ExitCode {
    let Some(scenario) = load(dir) else {
        return ExitCode::from(2);
    };
    if mc.is_some_and(|runs| runs == 0 || runs > MAX_RUNS) {
        eprintln!("error: --mc must be between 1 and {MAX_RUNS}");
        return ExitCode::from(2);
    }
    let timeline = timeline::run(&scenario, Options::default());
    let result = match mc {
        Some(runs) => {
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
            let bar = indicatif::ProgressBar::new(runs);
            let options = warmshell::montecarlo::McOptions {
                runs,
                seed,
                threads,
            };
            match warmshell::montecarlo::run(&scenario, options, &|| bar.inc(1)) {
                Ok(r) => {
                    bar.finish_and_clear();
                    Some(r)
                }
                Err(e) => {
                    eprintln!("error: cannot start {threads} threads: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        None => None,
    };
    let artifacts = report::html::artifacts(&scenario, &timeline, result.as_ref());
    if let Err(e) = report::write(out, &artifacts) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    println!(
        "{}: report.html and {} chart{} (SVG)",
        out.display(),
        artifacts.len() - 1,
        if artifacts.len() == 2 { "" } else { "s" }
    );
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

/// Loads the scenario, or prints every problem and returns `None`. A variant
/// file stands for its base scenario with the variant applied.
fn load(dir: &Path) -> Option<Scenario> {
    info!(dir = %dir.display(), "loading scenario");
    if warmshell::variant::is_variant_file(dir) {
        return loaded(warmshell::variant::load_file(dir)).map(|(_, s)| s);
    }
    loaded(warmshell::load_dir(dir))
}

/// The loaded value, or `None` after printing every problem.
fn loaded<T>(result: Result<T, LoadError>) -> Option<T> {
    match result {
        Ok(s) => Some(s),
        Err(LoadError::Invalid(diags)) => {
            print_diagnostics(&diags);
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Prints located problems with source lines to stderr.
fn print_diagnostics(diags: &warmshell::Diagnostics) {
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

/// The range flags of `sweep`.
struct SweepRange {
    from: Option<String>,
    to: Option<String>,
    step: Option<String>,
    values: Vec<String>,
}

/// One sweep for the named lever, or (without one) one energization sweep per site with power.
fn build_sweeps(
    scenario: &Scenario,
    lever: Option<&str>,
    r: &SweepRange,
) -> Result<Vec<warmshell::sweep::Sweep>, warmshell::lever::LeverError> {
    use warmshell::lever::{self, Lever};
    let levers: Vec<Lever> = match lever {
        Some(spec) => vec![Lever::parse(scenario, spec)?],
        None => (0..scenario.sites.len())
            .filter(|&s| !scenario.sites[s].power.is_empty())
            .map(|site| Lever::Energization { site })
            .collect(),
    };
    if levers.is_empty() {
        return Err(lever::LeverError(
            "no site has power sources to shift; name a lever with --lever".into(),
        ));
    }
    levers
        .into_iter()
        .map(|l| {
            let values = lever::values(
                scenario,
                &l,
                r.from.as_deref(),
                r.to.as_deref(),
                r.step.as_deref(),
                &r.values,
            )?;
            warmshell::sweep::run(scenario, l, &values)
        })
        .collect()
}

/// The flags of `advise`, before they are checked against the scenario.
struct AdviseRequest {
    orders: Vec<String>,
    objective: String,
    generations: Option<Vec<String>>,
    mc: Option<u64>,
    stat: Option<String>,
    seed: u64,
    threads: Option<usize>,
}

fn advise_options(
    scenario: &Scenario,
    r: &AdviseRequest,
) -> Result<warmshell::advise::Options, warmshell::lever::LeverError> {
    use warmshell::advise::{self, Objective, Stat};
    use warmshell::lever::LeverError;
    let orders = r
        .orders
        .iter()
        .map(|o| advise::parse_order(scenario, o))
        .collect::<Result<Vec<_>, _>>()?;
    let generations = r
        .generations
        .as_ref()
        .map(|names| {
            names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| {
                    scenario.market.generation(n).ok_or_else(|| {
                        let all = scenario.market.generations.iter().map(|g| g.name.as_str());
                        let hint = warmshell::diagnostic::did_you_mean(n, all.clone())
                            .unwrap_or_else(|| {
                                format!("generations: {}", all.collect::<Vec<_>>().join(", "))
                            });
                        LeverError(format!("no generation `{n}`; {hint}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let mc = match (r.mc, &r.stat) {
        (None, Some(_)) => return Err(LeverError("--stat needs --mc N".into())),
        (None, None) => None,
        (Some(n), stat) => {
            if n == 0 || n > MAX_RUNS {
                return Err(LeverError(format!("--mc must be between 1 and {MAX_RUNS}")));
            }
            Some(advise::Mc {
                runs: n,
                seed: r.seed,
                threads: r.threads.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
                }),
                stat: Stat::parse(stat.as_deref().unwrap_or("mean"))?,
            })
        }
    };
    Ok(advise::Options {
        orders,
        objective: if r.objective == "dark" {
            Objective::Dark
        } else {
            Objective::Npv
        },
        generations,
        mc,
    })
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
