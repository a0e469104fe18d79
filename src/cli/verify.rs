//! `warmshell verify`: re-run a scenario and check the figures pinned in its expect.yaml.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::report;

use super::{load, print_diagnostics};

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// Rewrite expect.yaml with the figures of this run, keeping its tolerances.
    #[arg(long)]
    pub bless: bool,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args { dir, bless } = self;
        verify(&dir, bless)
    }
}

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
