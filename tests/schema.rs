//! The JSON Schemas of `warmshell schema` against the loader: every YAML file
//! in `sites/` and `fixtures/` validates; small files with one mistake fail
//! both the schema and the loader, and unusual but valid files pass both;
//! the committed `schema/*.json` are what the binary prints.
//!
//! YAML is turned into JSON through the loader's own parser
//! (`scenario::yaml::parse`), so the schema sees the same scalar types the
//! decoder does (`2025-01-01` a string, `1.25` a number).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Number, Value};
use warmshell::scenario::yaml::{self, Node};
use warmshell::schema::{SchemaFile, render};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn to_json(node: &Node) -> Value {
    match &node.value {
        yaml::Value::Null => Value::Null,
        yaml::Value::Bool(b) => Value::Bool(*b),
        yaml::Value::Int(i) => i64::try_from(*i)
            .map(Number::from)
            .ok()
            .or_else(|| Number::from_f64(*i as f64))
            .map_or(Value::Null, Value::Number),
        yaml::Value::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        yaml::Value::Str(s) => Value::String(s.clone()),
        yaml::Value::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        yaml::Value::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let key = match &k.value {
                    yaml::Value::Str(s) => s.clone(),
                    yaml::Value::Int(i) => i.to_string(),
                    other => panic!("a key that is {}", other.kind()),
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
    }
}

fn validator(file: SchemaFile) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&render(file)).expect("the schema is JSON");
    jsonschema::draft7::new(&schema).expect("the schema is a valid draft-07 schema")
}

/// The schema's complaints about a YAML text (empty: valid).
fn problems(file: SchemaFile, text: &str) -> Vec<String> {
    let node = yaml::parse(text).expect("test YAML parses");
    let json = to_json(&node);
    let v = validator(file);
    v.iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

fn schema_for(path: &Path) -> SchemaFile {
    let in_variants = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "variants");
    match path.file_name().and_then(|n| n.to_str()) {
        Some("scenario.yaml") => SchemaFile::Scenario,
        Some("expect.yaml") => SchemaFile::Expect,
        _ if in_variants => SchemaFile::Variant,
        _ => SchemaFile::Site,
    }
}

#[test]
fn every_yaml_file_in_sites_and_fixtures_validates() {
    let mut files = Vec::new();
    yaml_files(&root().join("sites"), &mut files);
    yaml_files(&root().join("fixtures"), &mut files);
    assert!(files.len() >= 15, "found only {files:?}");
    assert!(
        files.iter().any(|f| f.to_string_lossy().contains("rivals")),
        "rival site files are checked too"
    );
    for kind in SchemaFile::ALL {
        assert!(
            files.iter().any(|f| schema_for(f) == kind),
            "no {} file checked",
            kind.name()
        );
    }
    let mut failures = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        for p in problems(schema_for(f), &text) {
            failures.push(format!("{}: {p}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const SCENARIO: &str = "start: 2025-01-01\nhorizon: 2032-12-31\n";

/// A small site that the loader accepts, to be broken one way at a time.
const SITE: &str = "name: Test campus
pue: 1.25
tasks:
  land: { kind: permitting, duration: 60d }
  shell-1:
    kind: construction
    duration: { triangular: [3mo, 6mo, 12mo] }
    after: [land, { task: land, lag: 30d }]
    risks:
      - { name: lawsuit, probability: 0.2, delay: 30d }
  energize: { kind: interconnection, duration: { lognormal: { p50: 1y, p90: 2y } }, after: land, not_before: 2025-06-01 }
halls:
  hall-1: { it_mw: 10, ready: shell-1 }
power:
  grid: { mw: 12, from: energize, lag: 7d, until: 2031-01-01 }
orders:
  gb300-a: { generation: GB300, racks: 40, rack_kw: 135, ordered: 2025-03-01, lead_time: 6mo, racks_per_week: 10 }
install: { crews: 2, days_per_rack: 2, burn_in: 14d }
";

/// Does the loader accept this scenario folder?
fn loads(scenario: &str, site: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("scenario.yaml"), scenario).unwrap();
    fs::write(dir.path().join("site.yaml"), site).unwrap();
    warmshell::load_dir(dir.path()).is_ok()
}

/// Each (find, replace) on [`SITE`] is a mistake the loader rejects.
const SITE_MISTAKES: &[(&str, &str)] = &[
    ("pue: 1.25", "peu: 1.25"),              // unknown key (and pue missing)
    ("pue: 1.25", "pue: 5"),                 // out of range
    ("duration: 60d", "duration: 60"),       // no unit
    ("duration: 60d", "duration: 9m"),       // unknown unit
    ("duration: 60d", "duration: 1.5y"),     // not whole
    ("kind: permitting", "kind: permiting"), // unknown kind
    ("lag: 30d }", "lagg: 30d }"),           // unknown key in a link
    ("triangular: [3mo, 6mo, 12mo]", "triangular: [3mo, 6mo]"), // two values
    ("triangular", "triangle"),              // unknown distribution
    ("not_before: 2025-06-01", "not_before: June"), // not a date
    ("racks: 40", "racks: 0"),               // out of range
    ("racks: 40", "racks: forty"),           // not a number
    (
        "install: { crews: 2, days_per_rack: 2, burn_in: 14d }\n",
        "",
    ), // orders need install
    ("  hall-1:", "  hall 1:"),              // not an id
    ("it_mw: 10", "it_mw: 0"),               // not positive
    ("probability: 0.2", "probability: 2"),  // not a probability
    ("{ crews: 2,", "{ crew: 2,"),           // unknown key in install
];

#[test]
fn the_schema_and_the_loader_reject_the_same_mistakes() {
    assert!(loads(SCENARIO, SITE), "the base site loads");
    assert_eq!(problems(SchemaFile::Site, SITE), Vec::<String>::new());
    for (from, to) in SITE_MISTAKES {
        assert!(SITE.contains(from), "{from}");
        let bad = SITE.replacen(from, to, 1);
        assert!(!loads(SCENARIO, &bad), "the loader accepts `{to}`");
        assert!(
            !problems(SchemaFile::Site, &bad).is_empty(),
            "the schema accepts `{to}`"
        );
    }
}

/// Unusual but valid: both accept.
const SITE_VARIANTS: &[(&str, &str)] = &[
    ("name: Test campus\n", ""),              // name defaults to the stem
    ("name: Test campus", "name: 2024"),      // a number as a name
    ("duration: 60d", "duration: \" 60d \""), // spaces around
    ("duration: 60d", "duration: { uniform: [30d, 90d] }"),
    ("duration: 60d", "duration: { pert: [1w, 2w, 9w] }"),
    ("after: [land, { task: land, lag: 30d }]", "after: []"),
    (
        "\n    risks:\n      - { name: lawsuit, probability: 0.2, delay: 30d }",
        "\n    risks: [{ probability: 0.2, delay: { uniform: [1w, 2w] } }]",
    ),
    (
        "gb300-a: { generation: GB300, racks: 40, rack_kw: 135,",
        "gb300-a: { generation: GB300, racks: 40,",
    ),
    ("ordered: 2025-03-01", "ordered: shell-1"),
    ("lag: 7d, until: 2031-01-01", "until: shell-1"),
];

#[test]
fn the_schema_accepts_what_the_loader_accepts() {
    let mut cases: Vec<String> = SITE_VARIANTS
        .iter()
        .map(|(from, to)| {
            assert!(SITE.contains(from), "{from}");
            SITE.replacen(from, to, 1)
        })
        .collect();
    // Empty sections, a bare site, a date trigger, a Unicode id.
    cases.push("pue: 1.1\ntasks:\nhalls:\npower:\norders:\n".into());
    cases.push("pue: 1.1\n".into());
    cases.push(
        "pue: 1.1\ntasks:\n  bâtiment-1: { duration: 0d }\npower:\n  g: { mw: 1, from: 2026-01-01 }\n"
            .into(),
    );
    for site in &cases {
        assert!(loads(SCENARIO, site), "the loader rejects:\n{site}");
        assert_eq!(
            problems(SchemaFile::Site, site),
            Vec::<String>::new(),
            "\n{site}"
        );
    }
}

#[test]
fn scenario_mistakes_fail_the_schema_and_the_loader() {
    let full = "start: 2025-01-01
horizon: 2032-12-31
generations:
  X1: { available: 2026-01-01, gpus_per_rack: 8, rack_kw: 10, usd_per_gpu: 30000, usd_per_gpu_hour: 2 }
pricing: { utilization: 0.7 }
finance: { discount_rate: 0.08 }
correlation: { dominion: 0.6 }
rivals:
  a: { generation: GB300, mw: 100, power_on: { triangular: [2025-10-01, 2026-03-01, 2026-12-01] } }
  b: { generation: GB300, racks: 100, power_on: 2026-01-01 }
";
    let site = "pue: 1.2\n";
    assert!(loads(full, site));
    assert_eq!(problems(SchemaFile::Scenario, full), Vec::<String>::new());
    for (from, to) in [
        ("start: 2025-01-01\n", ""),
        ("horizon", "horizn"),
        ("utilization: 0.7", "utilisation: 0.7"),
        ("utilization: 0.7", "utilization: 7"),
        ("mw: 100, ", "mw: 100, racks: 3, "),
        ("racks: 100, power_on: 2026-01-01", "racks: 100"),
        ("rack_kw: 10,", ""),
        ("triangular", "normal"),
        ("dominion: 0.6", "dominion: 1.6"),
    ] {
        assert!(full.contains(from), "{from}");
        let bad = full.replacen(from, to, 1);
        assert!(!loads(&bad, site), "the loader accepts `{to}`");
        assert!(
            !problems(SchemaFile::Scenario, &bad).is_empty(),
            "the schema accepts `{to}`"
        );
    }
}

/// `schema/*.json` are committed for editors; they must match the binary.
/// Re-bless with `WARMSHELL_BLESS=1 cargo test --test schema`
/// (or `warmshell schema --out schema`).
#[test]
fn committed_schema_files_are_up_to_date() {
    let bless = std::env::var_os("WARMSHELL_BLESS").is_some();
    for file in SchemaFile::ALL {
        let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
            .args(["schema", file.name()])
            .output()
            .unwrap();
        assert!(out.status.success());
        let printed = String::from_utf8(out.stdout).unwrap();
        assert_eq!(printed, render(file));
        let path = root().join("schema").join(file.file_name());
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &printed).unwrap();
        }
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == printed,
            "{} is stale: run `WARMSHELL_BLESS=1 cargo test --test schema` and commit it",
            path.display()
        );
    }
}

#[test]
fn schema_without_a_file_asks_which() {
    let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema site"));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(["schema", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    for file in SchemaFile::ALL {
        assert_eq!(
            fs::read_to_string(dir.path().join(file.file_name())).unwrap(),
            render(file)
        );
    }
}

/// A scenario with rivals, for variants that change scenario.yaml.
const RIVALS_SCENARIO: &str = "start: 2025-01-01
horizon: 2032-12-31
rivals:
  neo: { generation: GB300, mw: 100, power_on: 2026-01-01 }
  old: { generation: GB300, racks: 100, power_on: 2026-06-01 }
";

/// A variant of [`SITE`] with every operation, on both targets.
const VARIANT: &str = "name: Test what-if
base: ..
changes:
  - site: site
    add:
      tasks:
        turbine: { kind: construction, duration: 60d, after: [land] }
      power:
        turbines: { mw: 20, from: turbine }
  - site: site
    set:
      orders: { gb300-a: { racks: 50, ordered: 2025-09-01 } }
      install: { crews: 4 }
      pue: 1.3
  - site: site
    replace:
      halls: { hall-1: { it_mw: 12, ready: shell-1 } }
  - site: site
    shift: { task: shell-1, by: 3mo }
  - site: site
    shift: { power: grid, by: -7d }
  - site: site
    shift: { order: gb300-a, by: +2w }
  - shift: { rival: neo, by: 1y }
  - remove: { rivals: [old] }
  - set:
      pricing: { utilization: 0.7 }
      rivals: { neo: { mw: 150 } }
  - add:
      generations:
        X1: { available: 2026-01-01, gpus_per_rack: 8, rack_kw: 10, usd_per_gpu: 30000, usd_per_gpu_hour: 2 }
  - site: site
    remove: { power: [turbines], halls: [] }
";

/// Writes [`RIVALS_SCENARIO`], [`SITE`] and `variant` (as `variants/v.yaml`);
/// returns the folder and the variant's path.
fn variant_folder(variant: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("scenario.yaml"), RIVALS_SCENARIO).unwrap();
    fs::write(dir.path().join("site.yaml"), SITE).unwrap();
    fs::create_dir(dir.path().join("variants")).unwrap();
    let path = dir.path().join("variants").join("v.yaml");
    fs::write(&path, variant).unwrap();
    (dir, path)
}

#[test]
fn variant_mistakes_fail_the_schema_and_the_variant_reader() {
    let (_dir, path) = variant_folder(VARIANT);
    if let Err(e) = warmshell::variant::load_file(&path) {
        panic!("the base variant loads: {e:?}");
    }
    assert_eq!(problems(SchemaFile::Variant, VARIANT), Vec::<String>::new());
    // The shape of a change: rejected by `variant::read` itself.
    let shape: &[(&str, &str)] = &[
        ("    add:\n", "    ad:\n"),          // unknown operation
        ("name: Test", "title: Test"),        // unknown top-level key
        ("by: 3mo }", "by: 3mo, lag: 1d }"),  // unknown key in a shift
        ("      halls:", "      hall:"),      // unknown section
        ("      pue: 1.3", "      peu: 1.3"), // unknown field to set
        ("by: 3mo", "by: 0d"),                // a shift of zero
        ("by: 3mo", "by: 3"),                 // no unit
        ("by: 3mo", "by: 3 months"),          // unknown unit
        ("{ task: shell-1,", "{ task: shell-1, power: grid,"), // two things to shift
        ("{ rival: neo,", "{ task: neo,"),    // a task in scenario.yaml
        ("{ rivals: [old] }", "{ generations: [X1] }"), // not removable
        (
            "  - remove: { rivals",
            "  - site: site\n    remove: { rivals",
        ), // wrong target
        (
            "{ rival: neo, by: 1y }",
            "{ rival: neo, by: 1y }\n    remove: { rivals: [old] }",
        ), // two operations
        ("  - shift: { rival: neo, by: 1y }", "  - site: site"), // no operation
        (
            "{ gb300-a: { racks: 50, ordered: 2025-09-01 } }",
            "{ gb300-a: 50 }",
        ), // not a mapping
    ];
    for (from, to) in shape {
        assert!(VARIANT.contains(from), "{from}");
        let bad = VARIANT.replacen(from, to, 1);
        let (_dir, path) = variant_folder(&bad);
        assert!(
            warmshell::variant::read(&path).is_err(),
            "the reader accepts `{to}`"
        );
        assert!(
            !problems(SchemaFile::Variant, &bad).is_empty(),
            "the schema accepts `{to}`"
        );
    }
    // Unusual but valid: both accept.
    for (from, to) in [
        ("base: ..\n", ""),                         // base defaults to ..
        ("by: -7d", "by: \" - 7d \""),              // spaces around the sign
        ("{ rivals: [old] }", "{ rivals: old }"),   // one id, not a list
        ("      pue: 1.3\n", "      name: 2024\n"), // a number as a name
    ] {
        assert!(VARIANT.contains(from), "{from}");
        let ok = VARIANT.replacen(from, to, 1);
        let (_dir, path) = variant_folder(&ok);
        assert!(
            warmshell::variant::load_file(&path).is_ok(),
            "the loader rejects `{to}`"
        );
        assert_eq!(
            problems(SchemaFile::Variant, &ok),
            Vec::<String>::new(),
            "`{to}`"
        );
    }
    // What a change brings in: read, then rejected by the scenario decoder.
    let content: &[(&str, &str)] = &[
        ("{ kind: construction,", "{ kinds: construction,"), // unknown task field
        ("{ racks: 50,", "{ rack: 50,"),                     // unknown order field
        ("{ it_mw: 12, ready: shell-1 }", "{ it_mw: 12 }"),  // replaced whole: `ready` missing
        ("mw: 150", "mw: -1"),                               // not positive
        ("usd_per_gpu: 30000, ", ""),                        // a generation needs every field
    ];
    for (from, to) in content {
        assert!(VARIANT.contains(from), "{from}");
        let bad = VARIANT.replacen(from, to, 1);
        let (_dir, path) = variant_folder(&bad);
        assert!(warmshell::variant::read(&path).is_ok(), "`{to}` reads");
        assert!(
            warmshell::variant::load_file(&path).is_err(),
            "the loader accepts `{to}`"
        );
        assert!(
            !problems(SchemaFile::Variant, &bad).is_empty(),
            "the schema accepts `{to}`"
        );
    }
}

/// Pins [`SITE`]'s figures (values need not be right: `verify::read` only
/// reads them).
const EXPECT: &str = "tolerance: { dates: 7d, window_days: 0d, dark_gpu_days: \"2%\", npv_usd: 5000000 }
sites:
  site:
    first_power_on: { value: 2026-08-04, within: 7d }
    full_power_on: null
    dark_gpu_days: { total: 100, shell: 0, crew: { value: 5, within: \"1.5 %\" }, power: 0, burn_in: 95 }
    window_days: { gb300-a: 134 }
    npv_usd: -1187033630
portfolio:
  first_power_on: 2026-08-04
  npv_usd: { value: 0, within: 0.5 }
";

/// Does `verify` read this `expect.yaml` beside [`SCENARIO`] and [`SITE`]?
fn expect_reads(expect: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("scenario.yaml"), SCENARIO).unwrap();
    fs::write(dir.path().join("site.yaml"), SITE).unwrap();
    let scenario = warmshell::load_dir(dir.path()).expect("the scenario loads");
    let keys = warmshell::compare::layout(&scenario);
    let path = warmshell::verify::path_in(dir.path());
    fs::write(&path, expect).unwrap();
    matches!(warmshell::verify::read(&path, &keys), Ok(Some(_)))
}

#[test]
fn expect_mistakes_fail_the_schema_and_verify() {
    assert!(expect_reads(EXPECT), "the base expect.yaml reads");
    assert_eq!(problems(SchemaFile::Expect, EXPECT), Vec::<String>::new());
    for (from, to) in [
        ("tolerance:", "tolerances:"),              // unknown top-level key
        ("dates: 7d,", "date: 7d,"),                // unknown tolerance group
        ("dates: 7d,", "dates: 7,"),                // no unit
        ("npv_usd: 5000000 }", "npv_usd: -1 }"),    // negative amount
        ("\"2%\"", "\"-2%\""),                      // negative share
        ("\"2%\"", "lots"),                         // not a tolerance
        ("    full_power_on", "    last_power_on"), // unknown figure
        ("power: 0,", "dark: 0,"),                  // unknown reason
        ("{ value: 2026-08-04, within: 7d }", "{ within: 7d }"), // no value
        (
            "{ value: 2026-08-04, within: 7d }",
            "{ value: 2026-08-04, plus: 7d }",
        ), // unknown key
        ("value: 2026-08-04", "value: August"),     // not a date
        ("npv_usd: -1187033630", "npv_usd: lots"),  // not a number
        ("{ gb300-a: 134 }", "{ gb300-a: 2026-01-01 }"), // a date for days
        (
            "  npv_usd: { value: 0",
            "  window_days: { gb300-a: 1 }\n  npv_usd: { value: 0",
        ), // no windows in the portfolio
        ("sites:\n", "site:\n"),                    // unknown key
    ] {
        assert!(EXPECT.contains(from), "{from}");
        let bad = EXPECT.replacen(from, to, 1);
        assert!(!expect_reads(&bad), "verify accepts `{to}`");
        assert!(
            !problems(SchemaFile::Expect, &bad).is_empty(),
            "the schema accepts `{to}`"
        );
    }
    // Unusual but valid: both accept.
    for (from, to) in [
        (
            "tolerance: { dates: 7d, window_days: 0d, dark_gpu_days: \"2%\", npv_usd: 5000000 }\n",
            "",
        ),
        ("\"2%\"", "0.5"),
        ("\"2%\"", "\".5%\""),
        ("{ gb300-a: 134 }", "{ gb300-a: null }"),
        ("{ gb300-a: 134 }", "null"),
        (
            "first_power_on: 2026-08-04",
            "first_power_on: { value: null }",
        ),
    ] {
        assert!(EXPECT.contains(from), "{from}");
        let ok = EXPECT.replacen(from, to, 1);
        assert!(expect_reads(&ok), "verify rejects `{to}`");
        assert_eq!(
            problems(SchemaFile::Expect, &ok),
            Vec::<String>::new(),
            "`{to}`"
        );
    }
    assert!(expect_reads(""), "an empty expect.yaml reads");
}
