//! The command line: parse arguments, call the library, print, set the exit code.
//!
//! Exit codes: 0 success; 2 the scenario has a mistake (or cannot be found);
//! 1 anything else (e.g. an output file cannot be written).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Validate(cli::validate::Args),
    /// Simulate the build-out at point values and print a summary.
    Run(cli::run::Args),
    /// Monte Carlo: N runs with sampled durations and risks; P10/P50/P90 of every date and figure.
    Mc(cli::mc::Args),
    /// Merge the shard files of `mc --shard` into exactly what `mc` writes on one machine.
    Merge(cli::merge::Args),
    /// Write an HTML report (report.html, self-contained) and each chart as SVG into a folder.
    Report(cli::report::Args),
    /// Compare variants with a base scenario: the change in every key figure.
    Compare(cli::compare::Args),
    /// Re-run a scenario and check the key figures pinned in its expect.yaml.
    Verify(cli::verify::Args),
    /// Vary one lever over a range and report the outcome curve (NPV, windows, dark GPU-days).
    ///
    /// Without --lever: the value of earlier (or later) power at every site, each site's
    /// whole power timeline shifted from -6mo to +6mo by months.
    Sweep(cli::sweep::Args),
    /// For each GPU order, the order date (and generation) that maximizes NPV or
    /// minimizes dark GPU-days, given when its site's shell and power arrive.
    Advise(cli::advise::Args),
    /// Export the schedule (tasks, milestones, links) for other tools; stdout unless --out.
    Export(cli::export::Args),
    /// Print the JSON Schema of a site file or scenario.yaml, for editors.
    Schema(cli::schema::Args),
    /// Write a generated portfolio of N varied, valid sites (for benchmarks and scale tests).
    Generate(cli::generate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    match cli.command {
        Command::Validate(args) => args.run(),
        Command::Run(args) => args.run(),
        Command::Mc(args) => args.run(),
        Command::Merge(args) => args.run(),
        Command::Report(args) => args.run(),
        Command::Compare(args) => args.run(),
        Command::Verify(args) => args.run(),
        Command::Sweep(args) => args.run(),
        Command::Advise(args) => args.run(),
        Command::Export(args) => args.run(),
        Command::Schema(args) => args.run(),
        Command::Generate(args) => args.run(),
    }
}

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
