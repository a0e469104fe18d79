//! Mistakes in the market (`generations`, `pricing`, `finance`, `rivals` in
//! scenario.yaml, rival site files, and orders' generations), through the
//! binary: each exits with code 2 and a located message (`error:
//! PATH:LINE:COL: FIELD: message`, an optional `  help:` line, then the
//! source line with a caret), and `run` writes nothing.
//!
//! Each test starts from [`MARKET_SCENARIO`] (every market section filled in)
//! with [`VALID_SITE`] as our site and as a rival's site file, and changes one
//! thing. The builder and checks are those of tests/validate.rs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scenario.yaml using every market section. Line numbers, for counting
/// expected locations:
///
/// ```text
///  1 start                 13   utilization             23   power_usd_per_mwh
///  2 horizon               14   yearly_decline          24   facility_usd_per_mw
///  4 generations           15   successor_step          26 rivals
///  5   MI355X              16   scarcity_premium        27   neocloud-east
///  6     available         17   floor_usd_per_gpu_hour  28     generation
///  7     gpus_per_rack     18   parity_ratio            29     mw
///  8     rack_kw           20 finance                   30     power_on
///  9     usd_per_gpu       21   discount_rate           31   hyperscaler-west
/// 10     usd_per_gpu_hour  22   depreciation_years      32     generation
/// 12 pricing                                            33     site
/// ```
const MARKET_SCENARIO: &str = r#"start: 2025-01-01
horizon: 2032-12-31

generations:
  MI355X:
    available: 2025-09-01
    gpus_per_rack: 128
    rack_kw: 150
    usd_per_gpu: 25000
    usd_per_gpu_hour: 2.50

pricing:
  utilization: 0.8
  yearly_decline: 0.2
  successor_step: 0.3
  scarcity_premium: 0.3
  floor_usd_per_gpu_hour: 1.5
  parity_ratio: 1.0

finance:
  discount_rate: 0.10
  depreciation_years: 6
  power_usd_per_mwh: 70
  facility_usd_per_mw: 0

rivals:
  neocloud-east:
    generation: GB300
    mw: 200
    power_on: { triangular: [2025-10-01, 2026-03-01, 2026-12-01] }
  hyperscaler-west:
    generation: GB300
    site: rivals/hyperscaler-west.yaml
"#;

/// Where the rival of [`MARKET_SCENARIO`] keeps its site file.
const RIVAL_FILE: &str = "rivals/hyperscaler-west.yaml";

/// `MARKET_SCENARIO` with `from` replaced by `to`; the text must occur once.
fn market_with(from: &str, to: &str) -> String {
    assert_eq!(
        MARKET_SCENARIO.matches(from).count(),
        1,
        "`{from}` must occur once in MARKET_SCENARIO"
    );
    MARKET_SCENARIO.replacen(from, to, 1)
}

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
const VALID_SITE: &str = r#"name: Test campus
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
fn valid_site_with(from: &str, to: &str) -> String {
    assert_eq!(
        VALID_SITE.matches(from).count(),
        1,
        "`{from}` must occur once in VALID_SITE"
    );
    VALID_SITE.replacen(from, to, 1)
}

/// A scenario folder to be written into a temporary directory.
struct Scenario {
    /// Site (and other) files: name (a path within the folder) and contents.
    files: Vec<(String, Vec<u8>)>,
    scenario_yaml: String,
}

impl Scenario {
    /// `scenario.yaml` and no sites.
    fn new() -> Self {
        Scenario {
            files: Vec::new(),
            scenario_yaml: MARKET_SCENARIO.to_owned(),
        }
    }

    /// [`MARKET_SCENARIO`], our site `a` and the rival's site file, all valid.
    fn market() -> Self {
        Scenario::new()
            .site("a", VALID_SITE)
            .file(RIVAL_FILE, VALID_SITE)
    }

    /// Adds the site file `<id>.yaml`.
    fn site(self, id: &str, text: impl Into<String>) -> Self {
        self.file(&format!("{id}.yaml"), text.into().into_bytes())
    }

    /// Adds any file, byte for byte.
    fn file(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.files.push((name.to_owned(), bytes.into()));
        self
    }

    fn scenario_yaml(mut self, text: &str) -> Self {
        self.scenario_yaml = text.to_owned();
        self
    }

    /// Writes the folder `<tmp>/scenario`, leaving `<tmp>` free for outputs.
    fn write(&self) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("scenario");
        fs::create_dir(&dir).expect("create scenario folder");
        fs::write(dir.join("scenario.yaml"), &self.scenario_yaml).expect("write scenario.yaml");
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("create a subfolder");
            }
            fs::write(path, bytes).expect("write site file");
        }
        (tmp, dir)
    }

    fn sources(&self, dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<_> = self
            .files
            .iter()
            .map(|(n, b)| (dir.join(n), b.clone()))
            .collect();
        out.push((
            dir.join("scenario.yaml"),
            self.scenario_yaml.clone().into_bytes(),
        ));
        out
    }

    /// `warmshell validate DIR`.
    fn validate(&self) -> Outcome {
        let (tmp, dir) = self.write();
        let output = warmshell(&[Path::new("validate"), &dir]);
        Outcome::new(output, tmp, self.sources(&dir), dir)
    }

    /// `warmshell run DIR --out OUT --events EVENTS`; asserts that neither is written.
    fn run_writes_nothing(&self) -> Outcome {
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

fn warmshell(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run warmshell")
}

/// One `error:` block of stderr.
#[derive(Debug, Clone)]
struct Report {
    header: String,
    help: Option<String>,
    snippet: Vec<String>,
    /// The line the test's own text has at the reported location.
    source_line: Option<String>,
    column: usize,
}

impl Report {
    fn help_contains(&self, text: &str) -> &Self {
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
    fn points_at(&self, token: &str) -> &Self {
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

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    dir: PathBuf,
    sources: Vec<(PathBuf, Vec<u8>)>,
    _tmp: tempfile::TempDir,
}

impl Outcome {
    fn new(
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

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    /// Exit code 2, nothing on stdout, no panic.
    fn assert_invalid(&self) -> &Self {
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

    fn reports(&self) -> Vec<Report> {
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
    fn assert_problems(&self, n: usize) -> &Self {
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
    fn assert_error_at(
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
}

// ---------------------------------------------------------------------------
// The starting point

#[test]
fn the_market_scenario_validates_and_runs_with_both_rivals() {
    let s = Scenario::market();
    let v = s.validate();
    assert_eq!(v.code, Some(0), "stderr:\n{}", v.stderr);

    let (tmp, dir) = s.write();
    let out = tmp.path().join("out");
    let r = warmshell(&[Path::new("run"), &dir, Path::new("--out"), &out]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let timeline = fs::read_to_string(out.join("timeline.json")).expect("timeline.json");
    for rival in ["neocloud-east", "hyperscaler-west"] {
        assert!(
            timeline.contains(&format!("\"{rival}\"")),
            "timeline.json names rival {rival}"
        );
    }
}

#[test]
fn an_order_may_use_a_generation_defined_in_scenario_yaml() {
    let r = Scenario::market()
        .site(
            "b",
            valid_site_with("generation: GB300", "generation: MI355X"),
        )
        .validate();
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
}

// ---------------------------------------------------------------------------
// 1. Unknown generations

#[test]
fn unknown_generation_in_an_order_suggests_the_nearest_name() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("generation: GB300", "generation: GB30"),
        )
        .file(RIVAL_FILE, VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `GB30`",
    )
    .help_contains("did you mean `GB300`?")
    .points_at("GB30");
}

#[test]
fn unknown_generation_with_no_near_name_lists_every_known_one() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("generation: GB300", "generation: Blackwell"),
        )
        .file(RIVAL_FILE, VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `Blackwell`",
    )
    .help_contains("known generations: H100, H200, GB200, GB300, Rubin, Rubin-Ultra, MI355X")
    .help_contains("define others under `generations:` in scenario.yaml")
    .points_at("Blackwell");
}

#[test]
fn unknown_generation_of_a_rival_suggests_the_nearest_name() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "    generation: GB300\n    mw: 200",
            "    generation: Rubn\n    mw: 200",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        28,
        17,
        "rivals.neocloud-east.generation",
        "unknown generation `Rubn`",
    )
    .help_contains("did you mean `Rubin`?")
    .points_at("Rubn");
}

// ---------------------------------------------------------------------------
// 2. Unknown fields in the market

#[test]
fn unknown_field_in_pricing_suggests_the_nearest_name() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("  utilization: 0.8", "  utilisation: 0.8"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        13,
        3,
        "pricing.utilisation",
        "unknown field `utilisation`",
    )
    .help_contains("did you mean `utilization`?")
    .points_at("utilisation");
}

#[test]
fn unknown_field_in_finance_suggests_the_nearest_name() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("  discount_rate: 0.10", "  discount: 0.10"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        21,
        3,
        "finance.discount",
        "unknown field `discount`",
    )
    .help_contains("did you mean `discount_rate`?")
    .points_at("discount");
}

#[test]
fn unknown_field_in_a_rival_lists_the_allowed_ones() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    colour: red\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        5,
        "rivals.neocloud-east.colour",
        "unknown field `colour`",
    )
    .help_contains("allowed here: generation, mw, racks, power_on, site")
    .points_at("colour");
}

#[test]
fn misspelt_rival_field_is_one_error_suggesting_the_right_name() {
    // Not also "missing field `power_on`": the suggestion already says so.
    let r = Scenario::market()
        .scenario_yaml(&market_with("    power_on: {", "    power_no: {"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        5,
        "rivals.neocloud-east.power_no",
        "unknown field `power_no`",
    )
    .help_contains("did you mean `power_on`?")
    .points_at("power_no");
}

#[test]
fn unknown_field_in_a_generation_suggests_the_nearest_name() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("    rack_kw: 150", "    rack_kwh: 150"))
        .validate();
    r.assert_error_at(
        "scenario.yaml",
        8,
        5,
        "generations.MI355X.rack_kwh",
        "unknown field `rack_kwh`",
    )
    .help_contains("did you mean `rack_kw`?")
    .points_at("rack_kwh");
}

// ---------------------------------------------------------------------------
// 3. Out of range

#[test]
fn utilization_above_one_is_out_of_range() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("  utilization: 0.8", "  utilization: 1.5"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        13,
        16,
        "pricing.utilization",
        "1.5 is out of range: expected a share between 0 and 1",
    )
    .points_at("1.5");
}

#[test]
fn pricing_and_finance_out_of_range_are_all_reported_at_once() {
    let text = market_with("  yearly_decline: 0.2", "  yearly_decline: 1")
        .replace("  parity_ratio: 1.0", "  parity_ratio: 0")
        .replace("  discount_rate: 0.10", "  discount_rate: 2")
        .replace("  successor_step: 0.3", "  successor_step: -0.1");
    let r = Scenario::market().scenario_yaml(&text).validate();
    r.assert_problems(4);
    r.assert_error_at(
        "scenario.yaml",
        14,
        19,
        "pricing.yearly_decline",
        "1 is out of range: expected a share between 0 and 0.99",
    );
    r.assert_error_at(
        "scenario.yaml",
        15,
        19,
        "pricing.successor_step",
        "-0.1 is out of range",
    );
    r.assert_error_at(
        "scenario.yaml",
        18,
        17,
        "pricing.parity_ratio",
        "0 is out of range: expected a ratio between 0.001 and 1000",
    );
    r.assert_error_at(
        "scenario.yaml",
        21,
        18,
        "finance.discount_rate",
        "2 is out of range",
    );
}

// ---------------------------------------------------------------------------
// 4. Rivals

#[test]
fn rival_with_both_mw_and_racks_is_reported_at_racks() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    racks: 1500\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        12,
        "rivals.neocloud-east.racks",
        "give `mw` or `racks`, not both",
    )
    .points_at("1500");
}

#[test]
fn rival_with_a_site_and_a_capacity_is_reported_at_the_capacity() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "    site: rivals/hyperscaler-west.yaml\n",
            "    site: rivals/hyperscaler-west.yaml\n    mw: 50\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        34,
        9,
        "rivals.hyperscaler-west.mw",
        "`mw` cannot go with `site`",
    )
    .points_at("50");
}

#[test]
fn rival_without_a_capacity_or_a_site_is_reported() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("    mw: 200\n", ""))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        28,
        5,
        "rivals.neocloud-east",
        "missing `mw` or `racks`",
    )
    .points_at("generation");
}

#[test]
fn rival_site_file_that_does_not_exist_is_reported_at_the_site_value() {
    let r = Scenario::new().site("a", VALID_SITE).validate();
    r.assert_problems(1);
    let missing = r.path(RIVAL_FILE);
    r.assert_error_at(
        "scenario.yaml",
        33,
        11,
        "rivals.hyperscaler-west.site",
        &format!("rival site file {missing} not found"),
    )
    .help_contains("relative to the scenario folder")
    .points_at("rivals/hyperscaler-west.yaml");
}

#[test]
fn mistake_in_a_rival_site_file_is_located_in_that_file() {
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(RIVAL_FILE, 2, 6, "pue", "0.9 is out of range")
        .points_at("0.9");
}

#[test]
fn unknown_generation_in_a_rival_site_file_suggests_the_nearest_name() {
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .file(
            RIVAL_FILE,
            valid_site_with("generation: GB300", "generation: GB30"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        RIVAL_FILE,
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `GB30`",
    )
    .help_contains("did you mean `GB300`?");
}

#[test]
fn whole_site_check_of_a_rival_site_file_is_located_in_that_file() {
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("it_mw: 10", "it_mw: 0.1"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        RIVAL_FILE,
        37,
        14,
        "orders.gb300-a.rack_kw",
        "can never be installed",
    );
}

// ---------------------------------------------------------------------------
// 5. Date distributions

#[test]
fn date_distribution_out_of_order_is_reported_at_its_list() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2026-03-01, 2025-10-01, 2026-12-01]",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        29,
        "rivals.neocloud-east.power_on.triangular",
        "expected the dates in increasing order",
    )
    .points_at("[2026-03-01");
}

#[test]
fn date_distribution_with_the_wrong_count_or_form_is_reported() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "{ triangular: [2025-10-01, 2026-03-01, 2026-12-01] }",
            "{ uniform: [2025-10-01] }",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        26,
        "rivals.neocloud-east.power_on.uniform",
        "expected 2 dates, found 1",
    );

    let r = Scenario::market()
        .scenario_yaml(&market_with("{ triangular:", "{ triangle:"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        17,
        "rivals.neocloud-east.power_on.triangle",
        "unknown date distribution `triangle`",
    )
    .help_contains("did you mean `triangular`?");
}

// ---------------------------------------------------------------------------
// 6. `run` writes nothing

#[test]
fn run_writes_nothing_for_a_market_mistake() {
    let cases = [
        Scenario::new()
            .site(
                "a",
                valid_site_with("generation: GB300", "generation: GB30"),
            )
            .file(RIVAL_FILE, VALID_SITE),
        Scenario::market().scenario_yaml(&market_with("  utilization: 0.8", "  utilisation: 0.8")),
        Scenario::market().scenario_yaml(&market_with("  discount_rate: 0.10", "  discount: 0.10")),
        Scenario::market().scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    colour: red\n",
        )),
        Scenario::market().scenario_yaml(&market_with("  utilization: 0.8", "  utilization: 1.5")),
        Scenario::market().scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    racks: 1500\n",
        )),
        Scenario::new().site("a", VALID_SITE),
        Scenario::new()
            .site("a", VALID_SITE)
            .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9")),
        Scenario::market().scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2026-03-01, 2025-10-01, 2026-12-01]",
        )),
    ];
    for case in &cases {
        let r = case.run_writes_nothing();
        assert!(
            r.stderr.ends_with("found; nothing was written\n"),
            "stderr:\n{}",
            r.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// Bugs found (src/ is being edited elsewhere; each test is ignored until fixed)

/// `power_on: { triangular: [2024-06-01, 2024-03-01, 2026-12-01] }` with
/// start 2025-01-01: the order check runs on days clamped to the start, where
/// both out-of-order dates are day 0, so the mistake passes `validate`.
#[test]
fn date_distribution_out_of_order_before_the_start_is_still_reported() {
    let r = Scenario::market()
        .scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2024-06-01, 2024-03-01, 2026-12-01]",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        29,
        "rivals.neocloud-east.power_on.triangular",
        "expected the dates in increasing order",
    );
}

/// A rival with an unknown generation is dropped before its site file is
/// queued for loading, so the file's own mistakes go unreported until the
/// generation is fixed (`validate` promises every problem at once).
#[test]
fn rival_site_file_is_checked_even_when_the_rival_generation_is_unknown() {
    let r = Scenario::new()
        .scenario_yaml(&market_with(
            "    generation: GB300\n    site:",
            "    generation: GB30\n    site:",
        ))
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9"))
        .validate();
    r.assert_problems(2);
    r.assert_error_at(
        "scenario.yaml",
        32,
        17,
        "rivals.hyperscaler-west.generation",
        "unknown generation `GB30`",
    );
    r.assert_error_at(RIVAL_FILE, 2, 6, "pue", "0.9 is out of range");
}

/// With a mistake in the clock (`horizn:`), `rivals:` is not read at all, so
/// a rival with both `mw` and `racks` (which needs no clock) goes unreported;
/// site files, by contrast, are still checked against a fallback clock.
#[test]
fn rivals_are_checked_even_when_the_clock_has_a_mistake() {
    let text = market_with("horizon: 2032-12-31", "horizn: 2032-12-31")
        .replace("    mw: 200\n", "    mw: 200\n    racks: 1500\n");
    let r = Scenario::market().scenario_yaml(&text).validate();
    r.assert_problems(2);
    r.assert_error_at("scenario.yaml", 2, 1, "horizn", "unknown field `horizn`");
    r.assert_error_at(
        "scenario.yaml",
        30,
        12,
        "rivals.neocloud-east.racks",
        "give `mw` or `racks`, not both",
    );
}

/// A generation defined under `generations:` with a missing field is left
/// out of the market, so every order of it also gets "unknown generation
/// `MI355X`" with the help "define others under `generations:`", which it
/// is: one mistake, two errors, the second misleading.
#[test]
fn generation_defined_with_a_mistake_is_not_also_unknown_where_used() {
    let r = Scenario::market()
        .scenario_yaml(&market_with("    usd_per_gpu_hour: 2.50\n", ""))
        .site(
            "b",
            valid_site_with("generation: GB300", "generation: MI355X"),
        )
        .validate();
    r.assert_error_at(
        "scenario.yaml",
        6,
        5,
        "generations.MI355X.usd_per_gpu_hour",
        "missing field `usd_per_gpu_hour`",
    );
    r.assert_problems(1);
}
