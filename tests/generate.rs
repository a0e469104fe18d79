//! The portfolio generator: its folders load with no diagnostic, simulate,
//! vary, and are the same bytes for the same seed.

use std::path::Path;
use std::process::Command;

use warmshell::engine::Options;
use warmshell::scenario::Trigger;
use warmshell::{generate, report, timeline};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
}

fn write(dir: &Path, sites: u32, seed: u64) {
    let files = generate::portfolio(sites, seed).expect("a valid size");
    report::write(dir, &files).expect("written");
}

#[test]
fn portfolios_load_validate_and_simulate() {
    let root = tempfile::tempdir().expect("temp dir");
    for (sites, seed) in [(1, 1), (7, 2), (40, 3), (150, 99)] {
        let dir = root.path().join(format!("p{sites}-{seed}"));
        write(&dir, sites, seed);
        let scenario = match warmshell::load_dir(&dir) {
            Ok(s) => s,
            Err(e) => panic!("{sites} sites, seed {seed}: {e}"),
        };
        assert_eq!(scenario.sites.len(), sites as usize);
        let t = timeline::run(&scenario, Options::default());
        assert_eq!(t.sites.len(), sites as usize);
        // Something is powered in most sites by the horizon (the model works
        // on them, rather than every site being stuck).
        let powered = scenario
            .sites
            .iter()
            .map(|s| {
                let draw = warmshell::engine::Draw::point(s);
                warmshell::engine::simulate(&scenario, s, &draw, Options::default())
            })
            .filter(|r| r.orders.iter().any(|o| o.first_power_on.is_some()))
            .count();
        assert!(powered * 2 > sites as usize, "{powered} of {sites} powered");
    }
}

#[test]
fn the_cli_validates_what_it_generates() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("p25");
    let out = bin()
        .args(["generate", "--sites", "25", "--seed", "5", "--out"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin().arg("validate").arg(&dir).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (25 sites"));
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = generate::portfolio(30, 11).expect("ok");
    let b = generate::portfolio(30, 11).expect("ok");
    let c = generate::portfolio(30, 12).expect("ok");
    assert_eq!(a.len(), 31);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.name, y.name);
        assert_eq!(x.bytes, y.bytes);
    }
    assert!(a.iter().zip(&c).skip(1).any(|(x, y)| x.bytes != y.bytes));
}

#[test]
fn sites_vary() {
    let root = tempfile::tempdir().expect("temp dir");
    write(root.path(), 60, 4);
    let s = warmshell::load_dir(root.path()).expect("loads");
    let distinct = |f: &dyn Fn(&warmshell::scenario::Site) -> String| {
        let mut v: Vec<String> = s.sites.iter().map(f).collect();
        v.sort();
        v.dedup();
        v.len()
    };
    assert!(distinct(&|x| x.halls.len().to_string()) >= 3, "hall counts");
    assert!(
        distinct(&|x| x.orders.len().to_string()) >= 3,
        "order counts"
    );
    assert!(distinct(&|x| x.install.crews.to_string()) >= 10, "crews");
    assert!(distinct(&|x| x.tasks.len().to_string()) >= 3, "task counts");
    let gens = distinct(&|x| {
        x.orders
            .iter()
            .map(|o| o.generation.to_string())
            .collect::<Vec<_>>()
            .join(",")
    });
    assert!(gens >= 4, "generations");
    // Bridges (a source that ends), tasks with dependencies, orders placed by a task.
    assert!(
        s.sites
            .iter()
            .any(|x| x.power.iter().any(|p| p.until.is_some()))
    );
    assert!(
        s.sites
            .iter()
            .all(|x| x.tasks.iter().any(|t| !t.after.is_empty()))
    );
    assert!(s.sites.iter().any(|x| {
        x.orders
            .iter()
            .any(|o| matches!(o.ordered, Trigger::Task(_)))
    }));
    assert!(
        s.sites
            .iter()
            .any(|x| x.tasks.iter().any(|t| !t.risks.is_empty()))
    );
    assert!(
        s.sites
            .iter()
            .any(|x| x.tasks.iter().any(|t| t.group.is_some()))
    );
}

#[test]
fn refuses_bad_sizes_and_foreign_files() {
    let root = tempfile::tempdir().expect("temp dir");
    for n in ["0", "10001"] {
        let dir = root.path().join(format!("bad{n}"));
        let out = bin()
            .args(["generate", "--sites", n, "--out"])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "--sites {n}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--sites must be between"));
        assert!(!dir.exists(), "nothing written for --sites {n}");
    }
    // A folder holding another site: generating there would mix portfolios.
    let dir = root.path().join("mixed");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("mine.yaml"), "name: x\n").expect("write");
    let out = bin()
        .args(["generate", "--sites", "3", "--out"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("scenario.yaml").exists());
    // Regenerating over its own portfolio is fine.
    let again = root.path().join("again");
    for _ in 0..2 {
        let out = bin()
            .args(["generate", "--sites", "3", "--out"])
            .arg(&again)
            .output()
            .expect("runs");
        assert!(out.status.success());
    }
}
