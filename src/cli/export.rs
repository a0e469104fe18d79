//! `warmshell export`: the schedule for MS Project, Mermaid, calendars, spreadsheets.

use std::path::PathBuf;
use std::process::ExitCode;

use warmshell::engine::Options;
use warmshell::timeline;

use super::{emit, load};

#[derive(clap::Args)]
pub struct Args {
    /// mspdi (MS Project XML), mermaid (gantt), ics (milestones), csv or json.
    #[arg(long, value_enum)]
    pub format: warmshell::export::Format,
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// Write to this file (replaced atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args { format, dir, out } = self;
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
}
