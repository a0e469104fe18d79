//! `warmshell generate`: a portfolio of N varied, valid sites, for benchmarks and scale tests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::report;

#[derive(clap::Args)]
pub struct Args {
    /// Number of sites (1 to 10,000).
    #[arg(long)]
    pub sites: u32,
    /// The scenario folder to write (scenario.yaml plus one file per site).
    #[arg(long)]
    pub out: PathBuf,
    /// The same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args { sites, out, seed } = self;
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
