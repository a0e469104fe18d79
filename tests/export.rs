//! `warmshell export` through the binary: every format on the default
//! scenario (same bytes twice, `--out` equals stdout), the schedule's links
//! and dates against the timeline, exit codes, hostile names as text in
//! every format, and the MSPDI file read back by MPXJ (tests/mpxj_readback.py).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FORMATS: [&str; 5] = ["mspdi", "mermaid", "ics", "csv", "json"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn warmshell(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(args)
        .arg(dir)
        .output()
        .expect("the binary runs")
}

fn export(format: &str, dir: &Path) -> Vec<u8> {
    let out = warmshell(&["export", "--format", format], dir);
    assert!(
        out.status.success(),
        "export {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_format_is_deterministic_and_out_writes_the_same_bytes() {
    let sites = root().join("sites");
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let first = export(format, &sites);
        assert!(first.len() > 500, "{format}: {} bytes", first.len());
        assert_eq!(first, export(format, &sites), "{format} differs run to run");
        let file = tmp.path().join(format!("out.{format}"));
        let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
            .args(["export", "--format", format, "--out"])
            .arg(&file)
            .arg(&sites)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(out.stdout.is_empty(), "--out prints nothing");
        assert_eq!(fs::read(&file).unwrap(), first, "{format}: --out differs");
    }
}

fn schedule(dir: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&export("json", dir)).unwrap();
    assert_eq!(v["format"], "warmshell-schedule");
    assert_eq!(v["version"], 1);
    v["items"].as_array().unwrap().clone()
}

fn date(v: &Value) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

#[test]
fn the_schedule_matches_the_timeline_and_its_links_hold() {
    let sites = root().join("sites");
    let items = schedule(&sites);
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(["run", "--out"])
        .arg(tmp.path())
        .arg(&sites)
        .output()
        .unwrap();
    assert!(out.status.success());
    let timeline: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("timeline.json")).unwrap()).unwrap();

    // Uids are 1, 2, ... in order; every task of the timeline is there with its dates.
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["uid"], i + 1);
    }
    let mut tasks = 0;
    for site in timeline["sites"].as_array().unwrap() {
        let summary = items
            .iter()
            .find(|i| i["site"] == site["id"] && i["type"] == "summary")
            .unwrap();
        assert_eq!(summary["name"], site["name"]);
        assert_eq!(summary["outline_level"], 1);
        for task in site["tasks"].as_array().unwrap() {
            let item = items
                .iter()
                .find(|i| i["site"] == site["id"] && i["id"] == task["id"])
                .unwrap();
            for field in ["name", "start", "finish", "duration_days", "critical"] {
                assert_eq!(item[field], task[field], "{field} of {}", task["id"]);
            }
            let milestone = task["duration_days"] == 0;
            assert_eq!(item["type"], if milestone { "milestone" } else { "task" });
            // The summary spans it.
            assert!(date(&summary["start"]) <= date(&item["start"]));
            assert!(date(&summary["finish"]) >= date(&item["finish"]));
            tasks += 1;
        }
        // Power-on milestones of every order that powers on.
        for order in site["orders"].as_array().unwrap() {
            if order["first_power_on"].is_string() {
                let id = format!("{}:first_power_on", order["id"].as_str().unwrap());
                let m = items
                    .iter()
                    .find(|i| i["site"] == site["id"] && i["id"] == id.as_str())
                    .unwrap();
                assert_eq!(m["start"], order["first_power_on"]);
                assert_eq!(m["type"], "milestone");
            }
        }
    }
    assert!(tasks > 30);

    // Links: a task starts no earlier than each predecessor's finish plus the
    // lag (CPM); a hall, power or delivery milestone exactly then.
    let mut links = 0;
    for item in &items {
        for p in item["predecessors"].as_array().unwrap() {
            let pred = &items[p["uid"].as_u64().unwrap() as usize - 1];
            assert_eq!(pred["site"], item["site"], "links stay within a site");
            assert_eq!(p["type"], "FS");
            let earliest =
                date(&pred["finish"]) + chrono::Days::new(p["lag_days"].as_u64().unwrap());
            if ["hall", "power", "order"].contains(&item["kind"].as_str().unwrap()) {
                assert_eq!(date(&item["start"]), earliest, "{item}");
            } else {
                assert!(date(&item["start"]) >= earliest, "{item}");
            }
            links += 1;
        }
    }
    assert!(links > 30);
    // A lag from sites/abilene-tx.yaml: bldg-2-shell after site-prep + 3mo (91 days).
    let b2 = items
        .iter()
        .find(|i| i["site"] == "abilene-tx" && i["id"] == "bldg-2-shell")
        .unwrap();
    assert_eq!(b2["predecessors"][0]["lag_days"], 91);
}

#[test]
fn mspdi_holds_the_links_lags_and_calendar() {
    let xml = String::from_utf8(export("mspdi", &root().join("sites"))).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""));
    assert!(xml.contains("<Project xmlns=\"http://schemas.microsoft.com/project\">"));
    assert!(xml.contains("<MinutesPerDay>1440</MinutesPerDay>"));
    let items = schedule(&root().join("sites"));
    assert_eq!(xml.matches("<Task>").count(), items.len());
    let milestones = items.iter().filter(|i| i["type"] == "milestone").count();
    assert_eq!(xml.matches("<Milestone>1</Milestone>").count(), milestones);
    // bldg-2-shell: 3mo = 91 days after site-prep = 91 x 1440 x 10 tenths of a minute.
    let block = xml
        .split("<Task>")
        .find(|b| b.contains("<Name>Building 2 shell, mechanical and electrical</Name>"))
        .unwrap();
    assert!(block.contains("<LinkLag>1310400</LinkLag><LagFormat>8</LagFormat>"));
    assert!(block.contains("<OutlineLevel>2</OutlineLevel>"));
    assert!(block.contains("<Type>1</Type>"));
}

#[test]
fn a_bad_scenario_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    support::copy_dir(&root().join("sites"), &dir);
    let site = dir.join("abilene-tx.yaml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(
        &site,
        text.replacen("kind: permitting", "kind: permiting", 1),
    )
    .unwrap();
    let target = tmp.path().join("out.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(["export", "--format", "mspdi", "--out"])
        .arg(&target)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("abilene-tx.yaml:") && err.contains("did you mean `permitting`?"));
    assert!(out.stdout.is_empty());
    assert!(!target.exists());

    let bad_format = warmshell(&["export", "--format", "pdf"], &root().join("sites"));
    assert_eq!(bad_format.status.code(), Some(2));
    let missing = warmshell(&["export", "--format", "csv"], &tmp.path().join("nowhere"));
    assert_eq!(missing.status.code(), Some(2));
}

const SCRIPT: &str = "<script>alert(1)</script>";
/// A task name with every character some format gives a meaning to.
const TRICKY: &str =
    "Tricky & \"quoted\" 'single' <b>bold</b>, semi; colon: hash # 100% \\ back\nline";

/// The default scenario with abilene-tx's site named [`SCRIPT`], its first
/// task named [`TRICKY`] and another that starts with Mermaid keywords.
fn hostile_scenario(tmp: &Path) -> PathBuf {
    let dir = tmp.join("hostile");
    support::copy_dir(&root().join("sites"), &dir);
    let site = dir.join("abilene-tx.yaml");
    let text = fs::read_to_string(&site).unwrap();
    let first = text.lines().find(|l| l.starts_with("name: ")).unwrap();
    let yaml_tricky = serde_json::to_string(TRICKY).unwrap(); // a JSON string is a YAML double-quoted one
    let text = text
        .replacen(first, &format!("name: \"{SCRIPT}\""), 1)
        .replacen(
            "name: Land and site control (lease signed)",
            &format!("name: {yaml_tricky}"),
            1,
        )
        // Mermaid would read a task named like this as a section.
        .replacen(
            "name: Land clearing and grading",
            "name: \"Section 9 title: dateFormat x\"",
            1,
        );
    fs::write(&site, text).unwrap();
    dir
}

#[test]
fn hostile_names_are_text_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_scenario(tmp.path());

    // JSON: parsed back, the names are the originals.
    let items = schedule(&dir);
    assert!(items.iter().any(|i| i["name"] == SCRIPT));
    assert!(items.iter().any(|i| i["name"] == TRICKY));

    // MSPDI: entities only, never markup.
    let xml = String::from_utf8(export("mspdi", &dir)).unwrap();
    assert!(!xml.contains("<script>") && !xml.contains("<b>"));
    assert!(xml.contains("<Name>&lt;script&gt;alert(1)&lt;/script&gt;</Name>"));
    assert!(xml.contains(
        "<Name>Tricky &amp; &quot;quoted&quot; &apos;single&apos; &lt;b&gt;bold&lt;/b&gt;, semi; colon: hash # 100% \\ back&#10;line</Name>"
    ));

    // CSV: parsed back, the names are the originals.
    let csv_bytes = export("csv", &dir);
    let mut reader = csv::Reader::from_reader(&csv_bytes[..]);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), items.len());
    assert!(rows.iter().any(|r| &r[col("name")] == SCRIPT));
    assert!(rows.iter().any(|r| &r[col("name")] == TRICKY));
    assert!(
        rows.iter()
            .filter(|r| &r[col("site")] == "abilene-tx")
            .all(|r| &r[col("site_name")] == SCRIPT)
    );

    // ICS: CRLF lines of at most 75 octets; unfolded, the text is RFC 5545-escaped.
    let ics = String::from_utf8(export("ics", &dir)).unwrap();
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(
        "SUMMARY:<script>alert(1)</script>: Tricky & \"quoted\" 'single' <b>bold</b>\\, semi\\; colon: hash # 100% \\\\ back\\nline\r\n"
    ));
    assert!(!unfolded.contains("bold</b>, semi"), "unescaped comma");

    // Mermaid: no markup, and no character that ends a name or a statement.
    let mmd = String::from_utf8(export("mermaid", &dir)).unwrap();
    assert!(!mmd.contains("<script") && !mmd.contains('<') && !mmd.contains('>'));
    // One line per item, plus the five header lines; each task line has one `:`.
    assert_eq!(mmd.lines().count(), items.len() + 5);
    for line in mmd.lines().skip(5) {
        assert!(!line.contains(['#', ';', '%']), "{line}");
        if !line.trim_start().starts_with("section ") {
            assert_eq!(line.matches(':').count(), 1, "{line}");
        }
    }
    assert!(mmd.contains("section ‹script›alert(1)‹/script›"));
}

/// Python, mpxj and Java: required when `CI` is set, optional locally.
fn mpxj_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import mpxj, jpype"])
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("java")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but python3 with mpxj and jpype, or java, is missing: .ci/run installs them"
        );
        eprintln!(
            "SKIPPED: the MPXJ read-back needs python3 -m pip install mpxj==16.10.0 jpype1 and Java"
        );
    }
    ok
}

fn readback(dir: &Path, tmp: &Path) {
    let xml = tmp.join("export.xml");
    let json = tmp.join("export.json");
    fs::write(&xml, export("mspdi", dir)).unwrap();
    fs::write(&json, export("json", dir)).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/mpxj_readback.py"))
        .arg(&xml)
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "MPXJ read-back of {}:\n{stdout}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", stdout.trim());
}

#[test]
fn mpxj_reads_back_the_same_tasks_dates_and_links() {
    if !mpxj_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    readback(&root().join("sites"), tmp.path());
    // Escaped names come back as written.
    let hostile = hostile_scenario(tmp.path());
    readback(&hostile, tmp.path());
    // Every kind of link, and a site with nothing to schedule.
    let small = tmp.path().join("small");
    fs::create_dir_all(&small).unwrap();
    fs::write(small.join("scenario.yaml"), SMALL_SCENARIO).unwrap();
    fs::write(small.join("b.yaml"), SMALL_SITE).unwrap();
    fs::write(small.join("empty.yaml"), "pue: 1.1\n").unwrap();
    readback(&small, tmp.path());
}

const SMALL_SCENARIO: &str = "start: 2025-01-01\nhorizon: 2032-12-31\n";
const SMALL_SITE: &str = "pue: 1.2
tasks:
  land: { duration: 60d }
  shell: { duration: 9mo, after: [{ task: land, lag: 2w }] }
  energize: { duration: 30d, after: land }
halls:
  h1: { it_mw: 10, ready: shell }
power:
  turbines: { mw: 5, from: land, lag: 7d, until: energize }
  grid: { mw: 20, from: energize, lag: 1mo }
orders:
  o1: { generation: GB300, racks: 40, ordered: land, lead_time: 6mo, racks_per_week: 10 }
install: { crews: 2, days_per_rack: 2, burn_in: 14d }
";

#[test]
fn every_kind_of_link_is_exported() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("scenario.yaml"), SMALL_SCENARIO).unwrap();
    fs::write(tmp.path().join("b.yaml"), SMALL_SITE).unwrap();
    let csv = String::from_utf8(export("csv", tmp.path())).unwrap();
    // uid, id, predecessors: task lag, hall ready, power from/until with lag,
    // order lead time (6mo = 183 days after land finishes).
    for row in [
        "3,b,shell,task,other,shell,2,2025-03-16,2025-12-15,274,0,true,2FS+14d,",
        "5,b,h1:ready,milestone,hall,h1 ready (10 MW IT),2,2025-12-15,2025-12-15,0,,false,3FS,",
        "7,b,turbines:off,milestone,power,turbines off,2,2025-04-08,2025-04-08,0,,false,4FS+7d,",
        "8,b,grid:on,milestone,power,grid on (20 MW),2,2025-05-01,2025-05-01,0,,false,4FS+30d,",
        "9,b,o1:first_delivery,milestone,order,o1 first delivery (40 racks GB300),2,2025-09-01,2025-09-01,0,,false,2FS+183d,",
    ] {
        assert!(csv.contains(row), "{row}\nnot in\n{csv}");
    }
}

/// Mermaid itself parses the gantt (tests/mermaid_check.mjs, in Node with
/// jsdom): sections, tasks, dates, flags, no markup. Runs when
/// `WARMSHELL_MERMAID_DIR` names a folder where `npm install mermaid@11 jsdom`
/// was run; CI does not install them, so elsewhere this prints a notice.
#[test]
fn mermaid_parses_the_gantt_with_the_same_tasks_and_dates() {
    let Some(modules) = std::env::var_os("WARMSHELL_MERMAID_DIR") else {
        eprintln!(
            "SKIPPED: set WARMSHELL_MERMAID_DIR to a folder with `npm install mermaid@11 jsdom`"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let hostile = hostile_scenario(tmp.path());
    for dir in [root().join("sites"), hostile] {
        let mmd = tmp.path().join("gantt.mmd");
        let json = tmp.path().join("schedule.json");
        fs::write(&mmd, export("mermaid", &dir)).unwrap();
        fs::write(&json, export("json", &dir)).unwrap();
        let out = Command::new("node")
            .args(["--input-type=module", "-"])
            .arg(&mmd)
            .arg(&json)
            .current_dir(&modules)
            .stdin(fs::File::open(root().join("tests/mermaid_check.mjs")).unwrap())
            .output()
            .expect("node runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "Mermaid check of {}:\n{stdout}\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("{}", stdout.trim());
    }
}
