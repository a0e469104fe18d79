//! `warmshell compare`: variants against a base scenario.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::report;

use super::sampling::{Sampling, runs_up_to};
use super::{load, loaded};

#[derive(clap::Args)]
pub struct Args {
    /// The base scenario folder.
    pub base: PathBuf,
    /// Variant files: small YAML files of changes to the base (docs/variants.md).
    #[arg(required = true)]
    pub variants: Vec<PathBuf>,
    /// Also N Monte Carlo runs of each, compared run by run with common random numbers.
    #[arg(long, value_name = "N", value_parser = runs_up_to(MAX_COMPARE_RUNS))]
    pub mc: Option<u64>,
    #[command(flatten)]
    pub sampling: Sampling,
    /// Sample each variant with its own seed instead (shows what common random numbers save).
    #[arg(long, requires = "mc")]
    pub independent: bool,
    /// Write compare.json and compare.csv into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            base,
            variants,
            mc,
            sampling,
            independent,
            out,
        } = self;
        compare(&base, &variants, mc, sampling, independent, out.as_deref())
    }
}

/// `warmshell compare`: every variant against the base.
fn compare(
    base: &Path,
    files: &[PathBuf],
    mc: Option<u64>,
    sampling: Sampling,
    independent: bool,
    out: Option<&Path>,
) -> ExitCode {
    use warmshell::compare::{Candidate, McCompare};
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
    let threads = sampling.threads();
    let options = mc.map(|runs| McCompare {
        runs,
        seed: sampling.seed,
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
