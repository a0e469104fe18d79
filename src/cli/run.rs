//! `warmshell run`: one deterministic run; the summary, and with `--out` its files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tracing::info;
use warmshell::engine::Options;
use warmshell::{report, timeline};

use super::load;

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// Write timeline.json and the CSV files into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write every processed event as JSON lines to this file.
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Simulate only this site (its file name without .yaml); repeatable.
    #[arg(long = "site", value_name = "ID")]
    pub sites: Vec<String>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            dir,
            out,
            events,
            sites,
        } = self;
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
