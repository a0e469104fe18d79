//! The binary's commands: one file per subcommand, each an `Args` (its
//! flags) with a `run` that loads, calls the library, prints and picks the
//! exit code. What they share lives here.
//!
//! Exit codes: 0 success; 2 the scenario or a flag has a mistake (or cannot
//! be found); 1 anything else (e.g. an output file cannot be written).

pub mod advise;
pub mod compare;
pub mod export;
pub mod generate;
pub mod mc;
pub mod merge;
pub mod report;
pub mod run;
pub mod sampling;
pub mod schema;
pub mod sweep;
pub mod validate;
pub mod verify;

use std::path::Path;
use std::process::ExitCode;

use tracing::info;
use warmshell::{LoadError, Scenario};

/// Loads the scenario, or prints every problem and returns `None`. A variant
/// file stands for its base scenario with the variant applied.
pub fn load(dir: &Path) -> Option<Scenario> {
    info!(dir = %dir.display(), "loading scenario");
    if warmshell::variant::is_variant_file(dir) {
        return loaded(warmshell::variant::load_file(dir)).map(|(_, s)| s);
    }
    loaded(warmshell::load_dir(dir))
}

/// The loaded value, or `None` after printing every problem.
pub fn loaded<T>(result: Result<T, LoadError>) -> Option<T> {
    match result {
        Ok(s) => Some(s),
        Err(LoadError::Invalid(diags)) => {
            print_diagnostics(&diags);
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Prints located problems with source lines to stderr.
pub fn print_diagnostics(diags: &warmshell::Diagnostics) {
    // Buffered, and source lines only for the first 100 problems with a
    // line, each file read once: a hostile file can hold 100,000
    // problems, and one with no line may be a pipe that never answers.
    use std::io::Write;
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let mut source: Option<(&Path, Option<String>)> = None;
    for (i, d) in diags.iter().enumerate() {
        let _ = writeln!(err, "error: {d}");
        if i >= 100 || d.pos.line == 0 {
            continue;
        }
        if source.as_ref().is_none_or(|(file, _)| *file != d.file) {
            source = Some((&d.file, std::fs::read_to_string(&d.file).ok()));
        }
        let text = source.as_ref().and_then(|(_, text)| text.as_deref());
        if let Some(snippet) = text.and_then(|src| d.snippet(src)) {
            let _ = writeln!(err, "{snippet}");
        }
    }
    let _ = writeln!(
        err,
        "{} problem{} found; nothing was written",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" }
    );
}

/// Writes `bytes` to `out` atomically, or to stdout; a closed pipe
/// (`| head`) is not an error.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    match out {
        Some(path) => warmshell::report::write_file(path, bytes),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}

/// How `sweep` and `advise` end: with `--out`, `STEM.csv` and `STEM.svg` (a
/// curve and its chart, made by `chart`) written into it as one set; then
/// `text` printed.
pub fn write_chart_and_print(
    out: Option<&Path>,
    stem: &str,
    chart: impl FnOnce() -> (std::io::Result<Vec<u8>>, String),
    text: String,
) -> ExitCode {
    use warmshell::report::{self, Artifact};
    if let Some(dir) = out {
        let (csv, svg) = chart();
        let written = csv.and_then(|csv| {
            let artifacts = [
                Artifact {
                    name: format!("{stem}.csv"),
                    bytes: csv,
                },
                Artifact {
                    name: format!("{stem}.svg"),
                    bytes: svg.into_bytes(),
                },
            ];
            report::write(dir, &artifacts)
        });
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    print!("{text}");
    ExitCode::SUCCESS
}

/// Runs a Monte Carlo with a progress bar (drawn on stderr only when it is a
/// terminal); a thread pool that cannot start is exit code 1.
pub fn monte_carlo(
    scenario: &Scenario,
    options: warmshell::montecarlo::McOptions,
) -> Result<warmshell::montecarlo::McResult, ExitCode> {
    let bar = indicatif::ProgressBar::new(options.runs);
    match warmshell::montecarlo::run(scenario, options, &|| bar.inc(1)) {
        Ok(r) => {
            bar.finish_and_clear();
            Ok(r)
        }
        Err(e) => {
            eprintln!("error: cannot start {} threads: {e}", options.threads);
            Err(ExitCode::from(1))
        }
    }
}
