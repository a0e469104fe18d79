//! `verify`: the project's own scenarios pin their key figures in
//! `expect.yaml`, the same way planners pin theirs.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn warmshell(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run warmshell")
}

/// A copy of the default scenario to change.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sites");
    support::copy_dir(&root().join("sites"), &dir);
    (tmp, dir)
}

#[test]
fn every_pinned_scenario_of_the_project_verifies() {
    let mut dirs = vec![root().join("sites")];
    for e in fs::read_dir(root().join("fixtures")).unwrap() {
        let p = e.unwrap().path();
        if p.join("expect.yaml").is_file() {
            dirs.push(p);
        }
    }
    assert!(
        dirs.len() >= 7,
        "expected the default scenario and the hand-computed fixtures: {dirs:?}"
    );
    for dir in dirs {
        let out = warmshell(&[Path::new("verify"), &dir]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}:\n{stdout}{}\nIf the change is intended: `warmshell verify {} --bless`, then review the diff.",
            dir.display(),
            String::from_utf8_lossy(&out.stderr),
            dir.display()
        );
        assert!(stdout.contains("0 moved, 0 out of tolerance"), "{stdout}");
        assert!(!stdout.contains("not pinned"), "{stdout}");
    }
}

#[test]
fn a_figure_that_moves_is_reported_and_fails_beyond_its_tolerance() {
    let (_tmp, dir) = scratch();
    let expect = dir.join("expect.yaml");
    let text = fs::read_to_string(&expect).unwrap();
    // Abilene's Building 1 commissioning takes a month longer: power-on moves.
    let site = dir.join("abilene-tx.yaml");
    let s = fs::read_to_string(&site).unwrap().replace(
        "duration: { pert: [2mo, 3mo, 5mo] }   # facts.md §3: ~3 mo commissioning after M&E (Epoch rules of thumb)",
        "duration: { pert: [2mo, 4mo, 5mo] }",
    );
    fs::write(&site, s).unwrap();
    let out = warmshell(&[Path::new("verify"), &dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("abilene-tx first power-on")
            && stdout.contains("2026-08-04")
            && stdout.contains("OUT OF TOLERANCE"),
        "{stdout}"
    );
    // A tolerance wide enough for the move passes, and the row still shows.
    let wide = text
        .replace("  dates: 0d", "  dates: 60d")
        .replace("  window_days: 0d", "  window_days: 60d")
        .replace("  dark_gpu_days: \"0%\"", "  dark_gpu_days: 1000000")
        .replace("  npv_usd: \"0%\"", "  npv_usd: \"20%\"");
    fs::write(&expect, &wide).unwrap();
    let out = warmshell(&[Path::new("verify"), &dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("abilene-tx first power-on") && stdout.contains("+31d"),
        "{stdout}"
    );
    assert!(!stdout.contains("OUT OF TOLERANCE"), "{stdout}");
}

#[test]
fn bless_rewrites_the_values_and_keeps_the_tolerances() {
    let (_tmp, dir) = scratch();
    let expect = dir.join("expect.yaml");
    let text = fs::read_to_string(&expect).unwrap();
    let edited = text
        .replacen(
            "    first_power_on: 2026-08-04",
            "    first_power_on: { value: 2026-01-01, within: 3d }",
            1,
        )
        .replace("  npv_usd: \"0%\"", "  npv_usd: \"0.5%\"");
    assert_ne!(edited, text);
    fs::write(&expect, &edited).unwrap();
    assert_eq!(
        warmshell(&[Path::new("verify"), &dir]).status.code(),
        Some(1)
    );
    let out = warmshell(&[Path::new("verify"), &dir, Path::new("--bless")]);
    assert!(out.status.success());
    let blessed = fs::read_to_string(&expect).unwrap();
    assert!(
        blessed.contains("    first_power_on: { value: 2026-08-04, within: 3d }"),
        "{blessed}"
    );
    assert!(blessed.contains("  npv_usd: \"0.5%\""), "{blessed}");
    assert_eq!(
        warmshell(&[Path::new("verify"), &dir]).status.code(),
        Some(0)
    );
    // With no file, bless pins every figure.
    fs::remove_file(&expect).unwrap();
    let out = warmshell(&[Path::new("verify"), &dir]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bless"));
    assert!(
        warmshell(&[Path::new("verify"), &dir, Path::new("--bless")])
            .status
            .success()
    );
    assert_eq!(fs::read_to_string(&expect).unwrap(), text);
}

#[test]
fn mistakes_in_the_expectations_are_located_and_exit_2() {
    let (_tmp, dir) = scratch();
    let expect = dir.join("expect.yaml");
    let bad = "tolerance: { dates: 3 }\nsites:\n  abilene-t:\n    npv_usd: 5\n  campus-oh:\n    window_days: { gb200: 3 }\n    first_power_on: 2026-13-01\n    npv_usd: { value: 5, within: lots }\n";
    fs::write(&expect, bad).unwrap();
    for args in [
        vec![Path::new("verify"), &dir],
        vec![Path::new("verify"), &dir, Path::new("--bless")],
    ] {
        let out = warmshell(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let f = expect.display().to_string();
        for want in [
            format!("{f}:1:21: tolerance.dates: `3` has no unit"),
            format!(
                "{f}:3:3: sites.abilene-t: unknown site `abilene-t`\n  help: did you mean `abilene-tx`?"
            ),
            format!(
                "{f}:6:20: sites.campus-oh.window_days.gb200: unknown order `gb200`\n  help: did you mean `gb200-a`?"
            ),
            format!("{f}:7:21: sites.campus-oh.first_power_on: `2026-13-01` is not a date"),
            format!("{f}:8:34: sites.campus-oh.npv_usd.within: `lots` is not a tolerance"),
        ] {
            assert!(err.contains(&want), "missing {want:?} in\n{err}");
        }
        assert_eq!(fs::read_to_string(&expect).unwrap(), bad, "nothing written");
    }
}

#[test]
fn expect_yaml_is_not_a_site() {
    let out = warmshell(&[Path::new("validate"), Path::new("sites")]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 sites"));
}
