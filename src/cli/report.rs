//! `warmshell report`: report.html and every chart as SVG.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::engine::Options;
use warmshell::{report, timeline};

use super::load;
use super::sampling::{MAX_RUNS, Sampling, runs_up_to};

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// The folder receiving report.html and one .svg per chart (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Add Monte Carlo charts from N runs (S-curves, milestone ranges, tornado).
    #[arg(long, value_name = "N", value_parser = runs_up_to(MAX_RUNS))]
    pub mc: Option<u64>,
    #[command(flatten)]
    pub sampling: Sampling,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            dir,
            out,
            mc,
            sampling,
        } = self;
        write_report(&dir, &out, mc, sampling)
    }
}

/// `warmshell report`: the deterministic run, optionally a Monte Carlo, then the HTML and SVG files.
fn write_report(dir: &Path, out: &Path, mc: Option<u64>, sampling: Sampling) -> ExitCode {
    let Some(scenario) = load(dir) else {
        return ExitCode::from(2);
    };
    let timeline = timeline::run(&scenario, Options::default());
    let result = match mc {
        Some(runs) => match super::monte_carlo(&scenario, sampling.options(runs)) {
            Ok(r) => Some(r),
            Err(code) => return code,
        },
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
