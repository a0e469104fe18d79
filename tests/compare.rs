//! `compare`: figures at point values agree with `run`, and Monte Carlo
//! differences use common random numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use warmshell::Scenario;
use warmshell::compare::{self, Candidate, DiffStats, McCompare};
use warmshell::engine::Options;
use warmshell::montecarlo::map_runs;
use warmshell::{timeline, variant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn base() -> Scenario {
    warmshell::load_dir(&root().join("sites")).unwrap()
}

fn load_variant(name: &str) -> Scenario {
    variant::load_file(&root().join("sites/variants").join(name))
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

fn warmshell(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run warmshell")
}

fn sd(x: &[i64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    (x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// One figure of every run of `scenario` with `seed`.
fn per_run(scenario: &Scenario, seed: u64, runs: u64, scope: &str, figure: &str) -> Vec<i64> {
    let keys = compare::layout(scenario);
    let i = keys
        .iter()
        .position(|k| k.scope == scope && k.figure == figure)
        .unwrap();
    let horizon = compare::day_number(scenario.horizon) + 1;
    map_runs(scenario, seed, 0..runs, 2, |r| {
        compare::values(scenario, &r.sites, &r.economics)[i].unwrap_or(horizon)
    })
    .unwrap()
}

/// The acceptance test of common random numbers: with the same N, the
/// difference base -> "grid a year late" is far less noisy when the variant
/// draws the base's random numbers than when it draws its own.
#[test]
fn common_random_numbers_shrink_the_noise_of_a_difference() {
    const N: u64 = 400;
    let (b, v) = (base(), load_variant("grid-late.yaml"));
    let independent_seed = compare::independent_seed(1, 0);
    for (scope, figure) in [
        ("campus-oh", "first_power_on"),
        ("loudoun-va", "full_power_on"),
        ("portfolio", "npv_usd"),
    ] {
        let base_runs = per_run(&b, 1, N, scope, figure);
        let crn: Vec<i64> = per_run(&v, 1, N, scope, figure)
            .iter()
            .zip(&base_runs)
            .map(|(v, b)| v - b)
            .collect();
        let ind: Vec<i64> = per_run(&v, independent_seed, N, scope, figure)
            .iter()
            .zip(&base_runs)
            .map(|(v, b)| v - b)
            .collect();
        let (sd_crn, sd_ind) = (sd(&crn), sd(&ind));
        println!(
            "{scope} {figure}: sd of the difference {sd_crn:.1} with CRN, {sd_ind:.1} independent (N = {N})"
        );
        assert!(
            sd_crn < sd_ind,
            "{scope} {figure}: sd {sd_crn} with common random numbers, {sd_ind} without"
        );
    }
}

#[test]
fn the_api_reports_the_run_by_run_differences() {
    const N: u64 = 60;
    let (b, v) = (base(), load_variant("grid-late.yaml"));
    let candidates = [Candidate {
        name: "late".into(),
        file: "grid-late.yaml".into(),
        scenario: &v,
    }];
    let m = McCompare {
        runs: N,
        seed: 7,
        threads: 2,
        independent: false,
    };
    let c = compare::compare("sites", &b, &candidates, Some(m)).unwrap();
    let row = c.variants[0]
        .rows
        .iter()
        .find(|r| r.key.scope == "campus-oh" && r.key.figure == "first_power_on")
        .unwrap();
    let base_runs = per_run(&b, 7, N, "campus-oh", "first_power_on");
    let diffs: Vec<i64> = per_run(&v, 7, N, "campus-oh", "first_power_on")
        .iter()
        .zip(&base_runs)
        .map(|(v, b)| v - b)
        .collect();
    assert_eq!(row.mc, Some(DiffStats::of(&diffs)));
    let s = DiffStats::of(&diffs);
    assert!((s.sd - sd(&diffs)).abs() < 1e-9);
    // At point values the grid is exactly a year late.
    assert_eq!(row.change, Some(365));
}

#[test]
fn a_variant_that_changes_nothing_differs_by_zero_in_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("same.yaml");
    std::fs::write(
        &file,
        format!(
            "base: {}\nchanges:\n  - site: abilene-tx\n    set: {{ pue: 1.2 }}\n",
            serde_json::to_string(&root().join("sites").display().to_string()).unwrap()
        ),
    )
    .unwrap();
    let (_, v) = variant::load_file(&file).unwrap();
    let b = base();
    let candidates = [Candidate {
        name: "same".into(),
        file: "same.yaml".into(),
        scenario: &v,
    }];
    let m = McCompare {
        runs: 50,
        seed: 3,
        threads: 2,
        independent: false,
    };
    let c = compare::compare("sites", &b, &candidates, Some(m)).unwrap();
    for r in &c.variants[0].rows {
        assert_eq!(r.change, Some(0).filter(|_| r.base.is_some()), "{r:?}");
        let s = r.mc.unwrap();
        assert_eq!(
            (s.p10, s.p90, s.sd, s.p_positive),
            (0, 0, 0.0, 0.0),
            "{r:?}"
        );
    }
}

#[test]
fn point_figures_agree_with_the_timeline() {
    let b = base();
    let t = timeline::run(&b, Options::default());
    let keys = compare::layout(&b);
    let values = compare::point_values(&b);
    let get = |scope: &str, figure: &str| {
        let i = keys
            .iter()
            .position(|k| k.scope == scope && k.figure == figure)
            .unwrap();
        values[i]
    };
    let day = |s: &Option<String>| s.as_ref().map(|d| compare::day_number(d.parse().unwrap()));
    for s in &t.sites {
        assert_eq!(get(&s.id, "first_power_on"), day(&s.first_power_on));
        assert_eq!(get(&s.id, "full_power_on"), day(&s.full_power_on));
        assert_eq!(
            get(&s.id, "dark_gpu_days"),
            Some(s.dark_gpu_days.total as i64)
        );
        assert_eq!(
            get(&s.id, "dark_gpu_days.power"),
            Some(s.dark_gpu_days.power as i64)
        );
        assert_eq!(get(&s.id, "npv_usd"), Some(s.money.npv_usd));
        for o in &s.orders {
            assert_eq!(
                get(&s.id, &format!("window_days.{}", o.id)),
                o.window.as_ref().map(|w| i64::from(w.days))
            );
        }
    }
    assert_eq!(get("portfolio", "npv_usd"), Some(t.portfolio.npv_usd));
}

#[test]
fn the_command_prints_writes_and_is_thread_independent() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().to_str().unwrap();
    let args = |threads: &'static str| {
        vec![
            "compare",
            "sites",
            "sites/variants/turbines.yaml",
            "sites/variants/grid-late.yaml",
            "sites/variants/next-generation.yaml",
            "--mc",
            "40",
            "--threads",
            threads,
        ]
    };
    let mut a = args("1");
    a.extend(["--out", out]);
    let one = warmshell(&a);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let two = warmshell(&args("2"));
    assert_eq!(one.stdout, two.stdout);
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        text.contains("Turbines added at Loudoun (sites/variants/turbines.yaml)"),
        "{text}"
    );
    assert!(text.contains("common random numbers"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(out).join("compare.json")).unwrap())
            .unwrap();
    assert_eq!(json["format"], "warmshell-compare");
    assert_eq!(json["variants"].as_array().unwrap().len(), 3);
    let csv = std::fs::read_to_string(Path::new(out).join("compare.csv")).unwrap();
    assert!(csv.starts_with("variant,scope,figure,unit,base,variant_value,change,p10"));
}

#[test]
fn mistakes_exit_2_and_write_nothing() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("o");
    let o = out.to_str().unwrap();
    let r = warmshell(&[
        "compare",
        "sites",
        "sites/variants/turbines.yaml",
        "--mc",
        "0",
        "--out",
        o,
    ]);
    assert_eq!(r.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "changes:\n  - site: abilene\n    shift: { task: x, by: 1d }\n",
    )
    .unwrap();
    let r = warmshell(&["compare", "sites", bad.to_str().unwrap(), "--out", o]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("bad.yaml:2:11: changes[0].site: unknown site `abilene`"),
        "{err}"
    );
    assert!(!out.exists());
}
