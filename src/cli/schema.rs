//! `warmshell schema`: the JSON Schemas of site files, scenario.yaml, variant
//! files and expect.yaml, for editors.

use std::path::PathBuf;
use std::process::ExitCode;

use warmshell::report;

use super::emit;

#[derive(clap::Args)]
pub struct Args {
    /// Which file: site, scenario, variant or expect (with --out DIR and no FILE: all four).
    #[arg(value_enum)]
    pub file: Option<warmshell::schema::SchemaFile>,
    /// Write to this file (with FILE) or folder (without) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args { file, out } = self;
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
                    "error: say which schema: `warmshell schema site`, `scenario`, `variant` or `expect` (or `--out DIR` for all four)"
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
