//! What several suites share: the scenario-folder builder and the checks of
//! located errors of the planner-mistake suites (tests/validate.rs,
//! tests/market_validate.rs), random sites for the property suites
//! ([`random_site`]), and copying a scenario folder to change it.
//!
//! Each suite compiles this module on its own and uses part of it.
#![allow(dead_code)]

pub mod random_site;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const VALID_SCENARIO: &str = "start: 2025-01-01\nhorizon: 2032-12-31\n";

/// A small valid site. Line numbers, for counting expected locations:
///
/// ```text
///  1 name          11 shell-1.after   21 halls           31 grid.until     41 racks_per_week
///  2 pue           12 shell-1.risks   22   hall-1        33 orders         43 install
///  4 tasks         13   - lawsuit     23     it_mw       34   gb300-a      44   crews
///  5   land        14   energize      24     ready       35     generation 45   days_per_rack
///  6     kind      15     kind        26 power           36     racks      46   burn_in
///  7     duration  16     duration    27   grid          37     rack_kw
///  8   shell-1     17     after       28     mw          38     gpus_per_rack
///  9     kind      18       - {land}  29     from        39     ordered
/// 10     duration  19     not_before  30     lag         40     lead_time
/// ```
pub const VALID_SITE: &str = r#"name: Test campus
pue: 1.25

tasks:
  land:
    kind: permitting
    duration: 60d
  shell-1:
    kind: construction
    duration: { triangular: [3mo, 6mo, 12mo] }
    after: [land]
    risks:
      - { name: lawsuit, probability: 0.2, delay: 30d }
  energize:
    kind: interconnection
    duration: 9mo
    after:
      - { task: land, lag: 30d }
    not_before: 2025-06-01

halls:
  hall-1:
    it_mw: 10
    ready: shell-1

power:
  grid:
    mw: 12
    from: energize
    lag: 7d
    until: 2031-01-01

orders:
  gb300-a:
    generation: GB300
    racks: 20
    rack_kw: 135
    gpus_per_rack: 72
    ordered: 2025-03-01
    lead_time: 6mo
    racks_per_week: 5

install:
  crews: 2
  days_per_rack: 2
  burn_in: 14d
"#;

/// `VALID_SITE` with `from` replaced by `to`; the text must occur exactly once,
/// so that a test never silently changes nothing (or too much).
pub fn valid_site_with(from: &str, to: &str) -> String {
    assert_eq!(
        VALID_SITE.matches(from).count(),
        1,
        "`{from}` must occur once in VALID_SITE"
    );
    VALID_SITE.replacen(from, to, 1)
}

/// A scenario folder to be written into a temporary directory.
pub struct Scenario {
    /// Site (and other) files: name (a path within the folder) and contents.
    files: Vec<(String, Vec<u8>)>,
    with_scenario_file: bool,
    scenario_yaml: String,
}

impl Scenario {
    /// `scenario.yaml` and no sites.
    pub fn new() -> Self {
        Scenario {
            files: Vec::new(),
            with_scenario_file: true,
            scenario_yaml: VALID_SCENARIO.to_owned(),
        }
    }

    /// Adds the site file `<id>.yaml`.
    pub fn site(self, id: &str, text: impl Into<String>) -> Self {
        self.file(&format!("{id}.yaml"), text.into().into_bytes())
    }

    /// Adds any file, byte for byte.
    pub fn file(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.files.push((name.to_owned(), bytes.into()));
        self
    }

    pub fn scenario_yaml(mut self, text: &str) -> Self {
        self.scenario_yaml = text.to_owned();
        self
    }

    pub fn without_scenario_file(mut self) -> Self {
        self.with_scenario_file = false;
        self
    }

    /// Writes the folder `<tmp>/scenario`, leaving `<tmp>` free for outputs.
    pub fn write(&self) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("scenario");
        fs::create_dir(&dir).expect("create scenario folder");
        if self.with_scenario_file {
            fs::write(dir.join("scenario.yaml"), &self.scenario_yaml).expect("write scenario.yaml");
        }
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("create a subfolder");
            }
            fs::write(path, bytes).expect("write site file");
        }
        (tmp, dir)
    }

    pub fn sources(&self, dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<_> = self
            .files
            .iter()
            .map(|(n, b)| (dir.join(n), b.clone()))
            .collect();
        if self.with_scenario_file {
            out.push((
                dir.join("scenario.yaml"),
                self.scenario_yaml.clone().into_bytes(),
            ));
        }
        out
    }

    /// `warmshell validate DIR`.
    pub fn validate(&self) -> Outcome {
        let (tmp, dir) = self.write();
        let output = warmshell(&[Path::new("validate"), &dir]);
        Outcome::new(output, tmp, self.sources(&dir), dir)
    }

    /// `warmshell run DIR --out OUT --events EVENTS`; asserts that neither is written.
    pub fn run_writes_nothing(&self) -> Outcome {
        let (tmp, dir) = self.write();
        let out = tmp.path().join("out");
        let events = tmp.path().join("events.jsonl");
        let output = warmshell(&[
            Path::new("run"),
            &dir,
            Path::new("--out"),
            &out,
            Path::new("--events"),
            &events,
        ]);
        let outcome = Outcome::new(output, tmp, self.sources(&dir), dir);
        outcome.assert_invalid();
        assert!(
            !out.exists(),
            "`run` created {} for an invalid scenario",
            out.display()
        );
        assert!(
            !events.exists(),
            "`run` created {} for an invalid scenario",
            events.display()
        );
        outcome
    }
}

pub fn warmshell(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run warmshell")
}

/// One `error:` block of stderr.
#[derive(Debug, Clone)]
pub struct Report {
    pub header: String,
    pub help: Option<String>,
    pub snippet: Vec<String>,
    /// The line the test's own text has at the reported location.
    source_line: Option<String>,
    column: usize,
}

impl Report {
    pub fn help_contains(&self, text: &str) -> &Self {
        let help = self
            .help
            .as_deref()
            .unwrap_or_else(|| panic!("no help for `{}`", self.header));
        assert!(
            help.contains(text),
            "help of `{}` is `{help}`, expected it to contain `{text}`",
            self.header
        );
        self
    }

    /// The reported column of the test's text starts with `token`.
    pub fn points_at(&self, token: &str) -> &Self {
        let line = self
            .source_line
            .as_deref()
            .unwrap_or_else(|| panic!("`{}` has no source line", self.header));
        let at: String = line.chars().skip(self.column - 1).collect();
        assert!(
            at.starts_with(token),
            "`{}` points at `{at}` in `{line}`, expected `{token}`",
            self.header
        );
        self
    }
}

pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
    pub sources: Vec<(PathBuf, Vec<u8>)>,
    _tmp: tempfile::TempDir,
}

impl Outcome {
    pub fn new(
        output: std::process::Output,
        tmp: tempfile::TempDir,
        sources: Vec<(PathBuf, Vec<u8>)>,
        dir: PathBuf,
    ) -> Self {
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            dir,
            sources,
            _tmp: tmp,
        }
    }

    pub fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    /// Exit code 2, nothing on stdout, no panic.
    pub fn assert_invalid(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(2),
            "expected exit code 2; stderr:\n{}",
            self.stderr
        );
        assert_eq!(self.stdout, "", "nothing on stdout for an invalid scenario");
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        self
    }

    pub fn reports(&self) -> Vec<Report> {
        let mut reports: Vec<Report> = Vec::new();
        for line in self.stderr.lines() {
            if let Some(header) = line.strip_prefix("error: ") {
                reports.push(Report {
                    header: header.to_owned(),
                    help: None,
                    snippet: vec![],
                    source_line: None,
                    column: 1,
                });
            } else if let (Some(help), Some(r)) =
                (line.strip_prefix("  help: "), reports.last_mut())
            {
                r.help = Some(help.to_owned());
            } else if line.ends_with("found; nothing was written") {
                break;
            } else if let Some(r) = reports.last_mut() {
                r.snippet.push(line.to_owned());
            } else {
                panic!(
                    "unexpected line before the first error: `{line}`\n{}",
                    self.stderr
                );
            }
        }
        reports
    }

    /// Exactly `n` errors, and the closing line counts them.
    pub fn assert_problems(&self, n: usize) -> &Self {
        self.assert_invalid();
        assert_eq!(
            self.reports().len(),
            n,
            "expected {n} errors; stderr:\n{}",
            self.stderr
        );
        let closing = format!(
            "{n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        );
        assert_eq!(
            self.stderr.lines().last(),
            Some(closing.as_str()),
            "stderr:\n{}",
            self.stderr
        );
        self
    }

    /// The error located at `file:line:col` on `field` whose message contains
    /// `message`; also checks the printed snippet against the test's own text.
    pub fn assert_error_at(
        &self,
        file: &str,
        line: usize,
        col: usize,
        field: &str,
        message: &str,
    ) -> Report {
        self.assert_invalid();
        let prefix = format!("{}:{line}:{col}: ", self.path(file));
        let body = if field.is_empty() {
            String::new()
        } else {
            format!("{field}: ")
        };
        let found = self.reports().into_iter().find(|r| {
            r.header
                .strip_prefix(&prefix)
                .is_some_and(|rest| rest.starts_with(&body) && rest[body.len()..].contains(message))
        });
        let Some(mut report) = found else {
            panic!(
                "no error `{prefix}{body}...{message}...`; stderr:\n{}",
                self.stderr
            );
        };
        let source = self
            .sources
            .iter()
            .find(|(p, _)| *p == self.dir.join(file))
            .map(|(_, b)| b);
        let text = source.and_then(|b| std::str::from_utf8(b).ok());
        report.source_line = text
            .and_then(|t| t.lines().nth(line - 1))
            .map(str::to_owned);
        report.column = col;
        if let Some(src) = &report.source_line {
            let gutter = line.to_string();
            let caret = format!("{} | {}^", " ".repeat(gutter.len()), " ".repeat(col - 1));
            assert_eq!(
                report.snippet,
                vec![format!("{gutter} | {src}"), caret],
                "snippet of `{}`",
                report.header
            );
        } else if text.is_some() {
            assert!(
                report.snippet.is_empty(),
                "snippet beyond the end of the file: {:?}",
                report.snippet
            );
        }
        report
    }

    /// An error about a whole file or folder (no line): `error: PATH: message`.
    pub fn assert_error_about(&self, path: &str, message: &str) -> Report {
        self.assert_invalid();
        let prefix = format!("{path}: ");
        let found = self.reports().into_iter().find(|r| {
            r.header
                .strip_prefix(&prefix)
                .is_some_and(|rest| rest.contains(message))
        });
        found.unwrap_or_else(|| {
            panic!(
                "no error `{prefix}...{message}...`; stderr:\n{}",
                self.stderr
            )
        })
    }
}

/// Copies a folder recursively (the default scenario has `rivals/` and `variants/`).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the folder");
    for entry in fs::read_dir(from).expect("read the folder") {
        let entry = entry.expect("read the folder");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}
