//! `warmshell report`: report.html and every chart as SVG.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::engine::Options;
use warmshell::{report, timeline};

use super::{MAX_RUNS, load};

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// The folder receiving report.html and one .svg per chart (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Add Monte Carlo charts from N runs (S-curves, milestone ranges, tornado).
    #[arg(long, value_name = "N")]
    pub mc: Option<u64>,
    /// Seed of the Monte Carlo runs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads for the Monte Carlo (default: all cores); the report does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            dir,
            out,
            mc,
            seed,
            threads,
        } = self;
        write_report(&dir, &out, mc, seed, threads)
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
            let options = warmshell::montecarlo::McOptions {
                runs,
                seed,
                threads: super::threads(threads),
            };
            match super::monte_carlo(&scenario, options) {
                Ok(r) => Some(r),
                Err(code) => return code,
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
