//! `warmshell sweep`: levers change what they say, the plan's point reproduces
//! `warmshell run`, and hand-derived curves come out.
//!
//! The hand case: a hall ready on day 10; 720 GPUs (10 racks) delivered on day
//! 60, installed on day 61; grid power on day P = 365. The racks wait for power
//! from day 61 to P, so shifting power by k days (k > -304) moves their first
//! power-on to P + k and their power-dark GPU-days to 720 x (P + k - 61).

use std::path::Path;
use std::process::Command;

use warmshell::Scenario;
use warmshell::engine::Options;
use warmshell::lever::{self, Lever, Value};
use warmshell::sweep::{self, MONTH_DAYS};

const P: i64 = 365;
const GPUS: u64 = 720;

fn scenario_yaml() -> &'static str {
    "start: 2025-01-01
horizon: 2027-12-31
pricing: { yearly_decline: 0, successor_step: 0, scarcity_premium: 0 }
"
}

fn site_yaml() -> &'static str {
    "pue: 1.2
tasks:
  shell: { kind: construction, duration: 10d }
  permit: { kind: permitting, duration: 20d }
  build: { kind: construction, duration: 30d, after: [permit] }
halls:
  hall-1: { it_mw: 2, ready: shell }
power:
  bridge: { mw: 2, from: 2025-06-01, until: build }
  grid: { mw: 2, from: 2026-01-01 }
orders:
  gb300:
    generation: GB300
    racks: 10
    rack_kw: 100
    gpus_per_rack: 72
    ordered: 2025-01-01
    lead_time: 60d
    racks_per_week: 10
install: { crews: 10, days_per_rack: 1, burn_in: 1d }
"
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scenario.yaml"), scenario_yaml()).expect("write");
    std::fs::write(dir.path().join("site.yaml"), site_yaml()).expect("write");
    dir
}

fn load(dir: &Path) -> Scenario {
    warmshell::load_dir(dir).unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

/// The bridge ends when `build` finishes (day 50), before anything is delivered:
/// only the grid matters.
#[test]
fn shifting_the_grid_moves_power_on_and_power_dark_days_by_hand() {
    let s = load(folder().path());
    let lever = Lever::parse(&s, "power:site/grid").expect("lever");
    let values: Vec<Value> = [-90, -30, 0, 30].map(Value::Shift).to_vec();
    let sw = sweep::run(&s, lever, &values).expect("sweep");
    for (v, o) in &sw.points {
        let Value::Shift(k) = *v else { panic!() };
        let site = &o.sites[0];
        assert_eq!(site.first_power_on, Some((P + k) as u32), "shift {k}");
        assert_eq!(site.dark.power, GPUS * (P + k - 61) as u64, "shift {k}");
    }
    // Earlier power is worth money, and the headline is NPV(-1 month) - NPV(plan).
    let at = |k: i64| {
        sw.points
            .iter()
            .find(|(v, _)| *v == Value::Shift(k))
            .map(|(_, o)| o.npv)
            .expect("point")
    };
    assert!(at(-30) > at(0) && at(0) > at(30));
    assert_eq!(
        sweep::month_earlier_value(&sw),
        Some(at(-MONTH_DAYS) - at(0))
    );
}

#[test]
fn the_plans_point_reproduces_run_on_the_default_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let s = load(&dir);
    let t = warmshell::timeline::run(&s, Options::default());
    // Every site's power timeline pinned to its dates, shifted by 0: the same run.
    for site in 0..s.sites.len() {
        let sw = sweep::run(&s, Lever::Energization { site }, &[Value::Shift(0)]).expect("sweep");
        let o = &sw.points[0].1;
        assert_eq!(
            warmshell::timeline::dollars(o.npv),
            t.portfolio.npv_usd,
            "site {site}"
        );
        for (got, want) in o.sites.iter().zip(&t.sites) {
            assert_eq!(got.dark, want.dark_gpu_days, "site {}", want.id);
        }
    }
    // And so does the baseline, and a zero order-date shift.
    let l = Lever::parse(&s, "order-date:abilene-tx/gb300-a").expect("lever");
    let sw = sweep::run(&s, l, &[Value::Shift(0)]).expect("sweep");
    assert_eq!(
        warmshell::timeline::dollars(sw.baseline.npv),
        t.portfolio.npv_usd
    );
    assert_eq!(sw.points[0].1, sw.baseline);
}

#[test]
fn energization_moves_a_bridge_and_the_grid_together() {
    let s = load(folder().path());
    let l = Lever::parse(&s, "energization:site").expect("lever");
    let moved = l.apply(&s, Value::Shift(-20)).expect("apply");
    let t = warmshell::timeline::run(&moved, Options::default());
    let p = &t.sites[0].power_sources;
    // bridge: 2025-06-01 (day 151) to day 50 -> from day 131, ends at once (its end is clamped to its start);
    // grid: day 365 -> 345.
    assert_eq!(p[0].on, "2025-05-12");
    assert_eq!(p[1].on, "2025-12-12");
    // Too far back: before the scenario start.
    let e = l
        .apply(&s, Value::Shift(-200))
        .expect_err("before the start");
    assert!(e.0.contains("before the scenario start"), "{e}");
}

#[test]
fn task_levers_move_finish_start_and_duration() {
    let s = load(folder().path());
    // `build` finishes on day 50; 10 days later with a longer duration.
    // `build`'s start and finish once `l` moved it by `days`.
    let build_dates = |l: &Lever, days| {
        let moved = l.apply(&s, Value::Shift(days)).expect("apply");
        let t = warmshell::timeline::run(&moved, Options::default());
        let build = t.sites[0].tasks.iter().find(|t| t.id == "build");
        let build = build.expect("build");
        (build.start.clone(), build.finish.clone())
    };
    let l = Lever::parse(&s, "task:site/build").expect("lever");
    assert_eq!(
        build_dates(&l, 10),
        ("2025-01-21".into(), "2025-03-02".into())
    );
    // It cannot finish 31 days earlier by itself (it takes 30).
    assert!(l.apply(&s, Value::Shift(-31)).is_err());
    // Its start is bound by `permit` (day 20): later works, earlier does not.
    let l = Lever::parse(&s, "task-start:site/build").expect("lever");
    assert_eq!(
        build_dates(&l, 5),
        ("2025-01-26".into(), "2025-02-25".into())
    );
    let e = l.apply(&s, Value::Shift(-1)).expect_err("bound by permit");
    assert!(e.0.contains("follows `permit`"), "{e}");
    // Twice as long a shell: the hall is ready on day 20.
    let l = Lever::parse(&s, "duration:site/shell").expect("lever");
    let moved = l.apply(&s, Value::Factor(2.0)).expect("apply");
    let t = warmshell::timeline::run(&moved, Options::default());
    assert_eq!(t.sites[0].halls[0].ready, "2025-01-21");
}

#[test]
fn order_levers_change_date_size_and_generation() {
    let s = load(folder().path());
    let l = Lever::parse(&s, "order-racks:site/gb300").expect("lever");
    let moved = l.apply(&s, Value::Racks(4)).expect("apply");
    assert_eq!(moved.sites[0].orders[0].racks, 4);
    let l = Lever::parse(&s, "order-generation:site/gb300").expect("lever");
    let rubin = s.market.generation("Rubin").expect("Rubin");
    let moved = l.apply(&s, Value::Generation(rubin)).expect("apply");
    let o = &moved.sites[0].orders[0];
    // 1 MW of IT in 200 kW racks.
    assert_eq!(
        (o.racks, o.rack_it_watts, o.generation),
        (5, 200_000, rubin)
    );
    let l = Lever::parse(&s, "order-date:site/gb300").expect("lever");
    let v = lever::values(
        &s,
        &l,
        Some("2025-02-01"),
        Some("2025-05-01"),
        Some("1mo"),
        &[],
    )
    .expect("values");
    assert_eq!(v.first(), Some(&Value::On(31)));
    assert_eq!(v.len(), 3);
    assert!(l.apply(&s, Value::Shift(-1)).is_err());
}

#[test]
fn value_ranges_parse_months_and_reject_nonsense() {
    let s = load(folder().path());
    let l = Lever::parse(&s, "power:site/grid").expect("lever");
    let v = lever::values(&s, &l, None, None, None, &[]).expect("default range");
    // -6mo..+6mo by months: 13 values, -1mo is -30 days.
    assert_eq!(v.len(), 13);
    assert!(v.contains(&Value::Shift(-30)) && v.contains(&Value::Shift(0)));
    assert!(lever::values(&s, &l, Some("6mo"), Some("-6mo"), None, &[]).is_err());
    assert!(lever::values(&s, &l, None, None, Some("0d"), &[]).is_err());
    assert!(lever::values(&s, &l, Some("-10y"), Some("10y"), Some("1d"), &[]).is_err());
    assert!(lever::values(&s, &l, Some("-6m"), None, None, &[]).is_err());
}

fn warmshell(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(args)
        .output()
        .expect("run warmshell")
}

#[test]
fn cli_sweeps_writes_csv_and_svg_and_states_the_month() {
    let dir = folder();
    let out = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8 path");
    let o = out.path().to_str().expect("utf-8 path");
    let r = warmshell(&[
        "sweep",
        d,
        "--lever",
        "power:site/grid",
        "--from",
        "-2mo",
        "--to",
        "1mo",
        "--out",
        o,
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(
        text.contains("one month earlier `grid` at site is worth $"),
        "{text}"
    );
    let csv = std::fs::read_to_string(out.path().join("sweep.csv")).expect("sweep.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "lever,value,scope,npv_usd,npv_delta_usd,window_days,dark_gpu_days,dark_shell,dark_crew,dark_power,dark_burn_in,first_power_on"
        )
    );
    // 4 values (-61, -30, 0, 30 days) x (portfolio, the site, its order).
    assert_eq!(lines.count(), 12);
    assert!(csv.contains("power:site/grid,0,portfolio,") && csv.contains(",0,,"));
    let svg = std::fs::read_to_string(out.path().join("sweep.svg")).expect("sweep.svg");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn cli_rejects_bad_levers_with_exit_2() {
    let dir = folder();
    let d = dir.path().to_str().expect("utf-8 path");
    for (args, says) in [
        (vec!["--lever", "power:site/grd"], "did you mean `grid`"),
        (vec!["--lever", "powr:site/grid"], "did you mean `power`"),
        (vec!["--lever", "power:sit/grid"], "did you mean `site`"),
        (vec!["--lever", "power:site"], "names no source"),
        (
            vec![
                "--lever",
                "task-start:site/build",
                "--from",
                "-1mo",
                "--to",
                "0",
            ],
            "follows `permit`",
        ),
        (vec!["--lever", "order-racks:site/gb300"], "needs --from"),
        (
            vec![
                "--lever",
                "order-generation:site/gb300",
                "--values",
                "GB3000",
            ],
            "did you mean `GB300`",
        ),
        (
            vec!["--lever", "duration:site/shell", "--from", "-1"],
            "not a duration factor",
        ),
    ] {
        let mut all = vec!["sweep", d];
        all.extend(args.iter().copied());
        let r = warmshell(&all);
        assert_eq!(r.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
