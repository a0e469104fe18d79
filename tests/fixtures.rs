//! Regression fixtures: every `fixtures/<case>/cmd` is run through the binary
//! and its summary and output files compared with `fixtures/<case>/expected/`.
//!
//! Re-bless deliberately with `WARMSHELL_BLESS=1 cargo test --test fixtures`,
//! then review the diff in git before committing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BLESS_VAR: &str = "WARMSHELL_BLESS";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs one case; returns a description of every difference.
fn check_case(case: &Path, bless: bool) -> Vec<String> {
    let cmd = fs::read_to_string(case.join("cmd")).expect("read cmd");
    let args: Vec<&str> = cmd.split_whitespace().collect();
    let out_dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .current_dir(root())
        .args(&args)
        .arg("--out")
        .arg(out_dir.path())
        .output()
        .expect("run warmshell");
    assert!(
        output.status.success(),
        "{}: `warmshell {}` failed:\n{}",
        case.display(),
        cmd.trim(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut actual = vec![("summary.txt".to_owned(), output.stdout)];
    let mut names: Vec<_> = fs::read_dir(out_dir.path())
        .expect("list outputs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let bytes = fs::read(out_dir.path().join(&name)).expect("read output");
        actual.push((name, bytes));
    }

    let expected_dir = case.join("expected");
    if bless {
        let _ = fs::remove_dir_all(&expected_dir);
        fs::create_dir_all(&expected_dir).expect("create expected/");
        for (name, bytes) in &actual {
            fs::write(expected_dir.join(name), bytes).expect("write expected");
        }
        return vec![];
    }
    let mut problems = vec![];
    for (name, bytes) in &actual {
        match fs::read(expected_dir.join(name)) {
            Ok(want) if &want == bytes => {}
            Ok(want) => problems.push(first_difference(case, name, &want, bytes)),
            Err(_) => problems.push(format!("{}: expected/{name} is missing", case.display())),
        }
    }
    if let Ok(listing) = fs::read_dir(&expected_dir) {
        for e in listing {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            if !actual.iter().any(|(n, _)| *n == name) {
                problems.push(format!(
                    "{}: expected/{name} is no longer produced",
                    case.display()
                ));
            }
        }
    }
    problems
}

fn first_difference(case: &Path, name: &str, want: &[u8], got: &[u8]) -> String {
    let want = String::from_utf8_lossy(want);
    let got = String::from_utf8_lossy(got);
    let (line, w, g) = want
        .lines()
        .zip(got.lines())
        .enumerate()
        .find(|(_, (w, g))| w != g)
        .map(|(i, (w, g))| (i + 1, w.to_owned(), g.to_owned()))
        .unwrap_or((
            want.lines().count().min(got.lines().count()) + 1,
            "(end)".into(),
            "(end)".into(),
        ));
    format!(
        "{}: {name} differs at line {line}\n  expected: {w}\n  actual:   {g}",
        case.display()
    )
}

#[test]
fn every_fixture_matches_its_expected_output() {
    let bless = std::env::var_os(BLESS_VAR).is_some_and(|v| v == "1");
    let mut cases: Vec<PathBuf> = fs::read_dir(root().join("fixtures"))
        .expect("fixtures/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "fixture cases missing: {cases:?}");
    let problems: Vec<String> = cases.iter().flat_map(|c| check_case(c, bless)).collect();
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, re-bless with `{BLESS_VAR}=1 cargo test --test fixtures` and review the diff.",
        problems.join("\n")
    );
}
