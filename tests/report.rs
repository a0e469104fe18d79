//! `warmshell report`: the HTML page and its SVG charts, through the binary.
//! Escaping of users' text, determinism, errors, and (tests/browser/check.mjs)
//! the page rendering in headless Chromium with no console error and no request.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SITE_NAME: &str = "<script>alert(1)</script>";
const TASK_NAME: &str = "&\"'<>";

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sites")
}

/// The default scenario, with abilene-tx named `<script>…` and its first task `&"'<>`.
fn hostile(to: &Path) {
    support::copy_dir(&sites(), to);
    let file = to.join("abilene-tx.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let site_line = "name: Abilene-style campus (fast build, gas-turbine bridge)";
    let task_line = "    name: Land and site control (lease signed)";
    assert!(
        text.contains(site_line) && text.contains(task_line),
        "sites/abilene-tx.yaml changed"
    );
    let text = text
        .replacen(site_line, &format!("name: \"{SITE_NAME}\""), 1)
        .replacen(task_line, "    name: '&\"''<>'", 1);
    fs::write(&file, text).unwrap();
}

fn report(dir: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .arg("report")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run warmshell")
}

fn ok(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file in `dir`, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

const MC_CHARTS: [&str; 3] = ["mc-milestones.svg", "mc-power-on.svg", "tornado.svg"];

fn expected_files(mc: bool) -> Vec<String> {
    let mut names = vec![
        "dark-gpu-days.svg".to_string(),
        "report.html".into(),
        "windows.svg".into(),
    ];
    for site in ["abilene-tx", "campus-oh", "loudoun-va"] {
        names.push(format!("gantt-{site}.svg"));
        names.push(format!("power-{site}.svg"));
    }
    if mc {
        names.extend(MC_CHARTS.iter().map(|s| s.to_string()));
    }
    names.sort();
    names
}

#[test]
fn writes_a_self_contained_page_and_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&report(&sites(), &out, &["--mc", "200", "--threads", "2"]));
    let written = files(&out);
    let names: Vec<String> = written.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, expected_files(true));
    let html = String::from_utf8(fs::read(out.join("report.html")).unwrap()).unwrap();
    for (name, bytes) in &written {
        if !name.ends_with(".svg") {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        // A well-formed standalone SVG document...
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
        assert!(
            doc.descendants().count() > 40,
            "{name} draws almost nothing"
        );
        // ...embedded in the page byte for byte.
        let body = text.split_once("?>\n").map_or(text, |(_, b)| b);
        assert!(html.contains(body), "{name} is not inline in report.html");
        assert!(
            html.contains(&format!("href=\"{name}\"")),
            "no link to {name}"
        );
    }
    // Offline: no script, no external reference of any kind.
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in [
        "<script", "http://", "https://", "src=", "@import", "url(http", "//fonts",
    ] {
        assert!(
            !without_ns.contains(needle),
            "report.html contains {needle}"
        );
    }
    // What a planner reads: the as-of line, axes, legends and the critical path.
    let gantt = String::from_utf8(fs::read(out.join("gantt-campus-oh.svg")).unwrap()).unwrap();
    for needle in [
        "as of 2025-01-01",
        "critical task",
        "milestone",
        "marker-end=",
        "P10–P90",
        "2026",
    ] {
        assert!(gantt.contains(needle), "gantt lacks {needle}");
    }
    // One arrow per dependency; every task has its row.
    let scenario = warmshell::load_dir(&sites()).unwrap();
    let site = scenario.sites.iter().find(|s| s.id == "campus-oh").unwrap();
    let deps: usize = site.tasks.iter().map(|t| t.after.len()).sum();
    assert!(deps > 10);
    assert_eq!(gantt.matches("marker-end=").count(), deps);
    for task in &site.tasks {
        assert!(
            gantt.contains(&format!("({}, ", task.id)),
            "no row for {}",
            task.id
        );
    }
    let power = String::from_utf8(fs::read(out.join("power-loudoun-va.svg")).unwrap()).unwrap();
    for needle in ["MW (facility)", "available", "drawn"] {
        assert!(power.contains(needle), "power chart lacks {needle}");
    }
}

#[test]
fn without_monte_carlo_there_are_no_monte_carlo_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&report(&sites(), &out, &[]));
    let names: Vec<String> = files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, expected_files(false));
}

/// Every small fixture scenario (one site, few tasks, edge cases such as no
/// power or no window) gives a well-formed chart of each kind.
#[test]
fn every_fixture_scenario_renders() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seen = 0;
    let mut dirs: Vec<PathBuf> = fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenario.yaml").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        ok(&report(&dir, &out, &["--mc", "20"]));
        for (name, bytes) in files(&out) {
            let text = String::from_utf8(bytes).unwrap();
            if name.ends_with(".svg") {
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()));
            }
            let bad_number = ["NaN", "\"inf", "\"-inf", " inf", "-inf "];
            assert!(
                !bad_number.iter().any(|b| text.contains(b)),
                "{}/{name} prints a non-finite number",
                dir.display()
            );
        }
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} fixture scenarios");
}

#[test]
fn same_inputs_and_seed_give_the_same_bytes_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&report(
        &sites(),
        &a,
        &["--mc", "300", "--seed", "7", "--threads", "1"],
    ));
    ok(&report(
        &sites(),
        &b,
        &["--mc", "300", "--seed", "7", "--threads", "3"],
    ));
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for ((na, ba), (nb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between runs");
    }
}

#[test]
fn users_text_is_escaped_in_the_page_and_every_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scenario");
    hostile(&dir);
    let out = tmp.path().join("out");
    ok(&report(&dir, &out, &["--mc", "50"]));
    let escaped_site = "&lt;script&gt;alert(1)&lt;/script&gt;";
    let escaped_task = "&amp;&quot;&#39;&lt;&gt;";
    let mut site_seen = 0;
    for (name, bytes) in files(&out) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("<script"), "{name} holds a raw <script");
        assert!(!text.contains(TASK_NAME), "{name} holds the raw task name");
        if text.contains(escaped_site) {
            site_seen += 1;
        }
        if name.ends_with(".svg") {
            // Parsed, the names are text, never elements.
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                doc.descendants().all(|n| n.tag_name().name() != "script"),
                "{name}"
            );
        }
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(escaped_site) && html.contains(escaped_task));
    let gantt = fs::read_to_string(out.join("gantt-abilene-tx.svg")).unwrap();
    let doc = roxmltree::Document::parse(&gantt).unwrap();
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.iter().any(|t| t.contains(SITE_NAME)),
        "site name not in the Gantt's text"
    );
    assert!(
        texts.contains(&TASK_NAME),
        "task name not a label in the Gantt"
    );
    // The page, the Gantt, the power chart and the Monte Carlo charts name the site.
    assert!(
        site_seen >= 4,
        "site name escaped in only {site_seen} files"
    );
}

#[test]
fn a_bad_scenario_or_flag_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scenario");
    support::copy_dir(&sites(), &dir);
    fs::write(dir.join("campus-oh.yaml"), "name: [unclosed\n").unwrap();
    let out = tmp.path().join("out");
    let o = report(&dir, &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists());
    let o = report(&sites(), &out, &["--mc", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    let o = report(&tmp.path().join("missing"), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

/// Opens the report of the hostile scenario in headless Chromium (tests/browser/check.mjs).
/// Locally, without Chromium or Node packages, it skips; in CI it fails.
#[test]
fn the_page_renders_in_chromium_offline_with_no_console_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("chromium (.ci/install-browser)"),
        Command::new("node")
            .arg("--version")
            .output()
            .is_err()
            .then_some("node"),
        (!browser_dir.join("node_modules/playwright-core").exists())
            .then_some("playwright-core (npm ci in tests/browser)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        let msg = format!("browser check needs: {}", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("skipped: {msg}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scenario");
    hostile(&dir);
    let out = tmp.path().join("out");
    ok(&report(&dir, &out, &["--mc", "200"]));
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("report.png");
    let o = Command::new("node")
        .arg(browser_dir.join("check.mjs"))
        .arg(out.join("report.html"))
        .arg(&shot)
        .arg(SITE_NAME)
        .arg(TASK_NAME)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "check.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: serde_json::Value = serde_json::from_str(stdout.trim()).expect("check.mjs prints JSON");
    let empty = |k: &str| r[k].as_array().is_some_and(|a| a.is_empty());
    for key in [
        "consoleErrors",
        "pageErrors",
        "requests",
        "blocked",
        "missingText",
    ] {
        assert!(empty(key), "{key}: {}", r[key]);
    }
    assert_eq!(r["scripts"], 0, "a <script> element exists");
    let svgs = r["svgs"].as_array().expect("svgs");
    let charts = files(&out)
        .iter()
        .filter(|(n, _)| n.ends_with(".svg"))
        .count();
    assert_eq!(svgs.len(), charts, "{svgs:?}");
    for s in svgs {
        let (w, h) = (
            s["width"].as_f64().unwrap_or(0.0),
            s["height"].as_f64().unwrap_or(0.0),
        );
        assert!(
            w > 100.0 && h > 100.0,
            "chart {} renders at {w}x{h}",
            s["id"]
        );
    }
    println!("screenshot: {}", shot.display());
}
