//! `warmshell validate`: load a scenario and say what it holds, or every mistake.

use std::path::PathBuf;
use std::process::ExitCode;

use super::load;

#[derive(clap::Args)]
pub struct Args {
    /// The scenario folder (scenario.yaml plus one YAML file per site).
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args { dir } = self;
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
}
