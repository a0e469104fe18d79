//! `warmshell advise`: the order date an advisor should find, derived by hand.
//!
//! The case: one site whose hall is ready on day 10, one power source that
//! comes on on day P, one order with a fixed lead time L, delivered all at once
//! (racks_per_week >= racks), every rack installed in one day by plentiful
//! crews, burn-in one day. Prices are flat (no decline, no successor step, no
//! scarcity premium), so nothing but the order date moves money.
//!
//! An order placed on day o delivers on o + L, is installed on o + L + 1 and
//! can be energized then if power is on. So:
//! - ordered before P - L - 1, the GPUs wait dark for power while their capex
//!   was paid earlier than needed: a day earlier costs the carry of the capex
//!   (discounting and book value lost), and earns nothing;
//! - ordered after P - L - 1, the GPUs earn a day later for each day of delay,
//!   losing a day's revenue net of power, which exceeds the carry (checked below
//!   from the scenario's own prices).
//!
//! The NPV-best order day is therefore P - L - 1, within a day of P - L (the
//! issue's acceptance). Under the dark objective every date from P - L - 1 on
//! has the same, least, dark GPU-days (install and burn-in only) and the tie
//! goes to the earliest: the same day.

use std::path::Path;
use std::process::Command;

use warmshell::Scenario;
use warmshell::advise::{self, Mc, Objective, Options, Stat};

const START: &str = "2025-01-01";
/// Power on: 2026-01-01.
const P: u32 = 365;
/// Lead time, days.
const L: u32 = 60;
/// Install, days per rack (crews >= racks, so all at once).
const INSTALL: u32 = 1;
const RACKS: u32 = 10;
const GPUS_PER_RACK: u32 = 72;

fn scenario_yaml() -> String {
    format!(
        "start: {START}
horizon: 2027-12-31
pricing: {{ yearly_decline: 0, successor_step: 0, scarcity_premium: 0 }}
"
    )
}

fn site_yaml(ordered: &str) -> String {
    format!(
        "pue: 1.2
tasks:
  shell: {{ kind: construction, duration: 10d }}
halls:
  hall-1: {{ it_mw: 2, ready: shell }}
power:
  grid: {{ mw: 2, from: 2026-01-01 }}
orders:
  gb300:
    generation: GB300
    racks: {RACKS}
    rack_kw: 100
    gpus_per_rack: {GPUS_PER_RACK}
    ordered: {ordered}
    lead_time: {L}d
    racks_per_week: {RACKS}
install: {{ crews: {RACKS}, days_per_rack: {INSTALL}, burn_in: 1d }}
"
    )
}

/// Writes the scenario folder; the site's id is `site`.
fn folder(ordered: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scenario.yaml"), scenario_yaml()).expect("write");
    std::fs::write(dir.path().join("site.yaml"), site_yaml(ordered)).expect("write");
    dir
}

fn load(dir: &Path) -> Scenario {
    warmshell::load_dir(dir).unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

fn options(objective: Objective, mc: Option<Mc>) -> Options {
    Options {
        orders: vec![],
        objective,
        generations: None,
        mc,
    }
}

/// The premise of the derivation, from the scenario's own figures: a day of a
/// GPU's revenue net of power exceeds a day's carry of its purchase price.
#[test]
fn a_days_revenue_exceeds_a_days_carry() {
    let s = load(folder("2025-03-01").path());
    let g = &s.market.generations[s.market.generation("GB300").expect("GB300")];
    let f = &s.market.finance;
    let revenue = g.usd_per_gpu_hour * 24.0 * s.market.pricing.utilization;
    let power = 100.0 * 1.2 / f64::from(GPUS_PER_RACK) / 1000.0 * 24.0 * f.power_usd_per_mwh;
    // Paying a day earlier: a day's discount on the price, and a day's book value lost.
    let carry =
        g.usd_per_gpu * f.discount_rate / 365.0 + g.usd_per_gpu / (f.depreciation_years * 365.0);
    assert!(
        revenue - power > 1.5 * carry,
        "revenue {revenue:.2} - power {power:.2} vs carry {carry:.2} a GPU-day"
    );
    // And not overwhelmingly (the newsvendor test below relies on c/r > 1/4).
    assert!(4.0 * carry > revenue - power);
}

#[test]
fn npv_best_order_date_is_power_day_minus_lead_time() {
    let s = load(folder("2025-03-01").path());
    let a = advise::advise(&s, &options(Objective::Npv, None)).expect("advice");
    assert_eq!(a.orders.len(), 1);
    let best = a.orders[0].best;
    let want = P - L - INSTALL;
    assert!(
        best.day.abs_diff(want) <= 1,
        "best order day {} ({}), want {want} ({})",
        best.day,
        s.date(best.day),
        s.date(want)
    );
    // The form: power day minus lead time, within a day.
    assert!(best.day.abs_diff(P - L) <= 1);
    // The plan (day 59) waits 245 days for power: the advice must be worth money.
    let plan = a.orders[0].plan;
    assert_eq!(plan.day, 59);
    assert!(best.score.npv > plan.score.npv);
    // Racks delivered then, installed the next day, power on the day it arrives.
    assert_eq!(
        best.score.first_power_on,
        Some(best.day + L + INSTALL).max(Some(P))
    );
    // And the dark GPU-days saved: the plan's GPUs waited for power from day 59 + L + 1.
    let gpus = f64::from(RACKS * GPUS_PER_RACK);
    let waited = f64::from(P - (59 + L + INSTALL));
    assert!(
        (plan.score.dark - best.score.dark - gpus * waited).abs() <= gpus,
        "dark GPU-days saved: {} vs {}",
        plan.score.dark - best.score.dark,
        gpus * waited
    );
    let line = advise::sentence(&s, &a.orders[0]);
    assert!(line.contains("instead of 2025-03"), "{line}");
    assert!(line.contains("NPV +$"), "{line}");
}

#[test]
fn dark_objective_picks_the_earliest_date_without_a_power_wait() {
    let s = load(folder("2025-03-01").path());
    let a = advise::advise(&s, &options(Objective::Dark, None)).expect("advice");
    let best = a.orders[0].best;
    assert!(
        best.day.abs_diff(P - L - INSTALL) <= 1,
        "got day {}",
        best.day
    );
    // Least dark: installing one day and burning in one day, nothing else.
    let gpus = f64::from(RACKS * GPUS_PER_RACK);
    assert_eq!(best.score.dark, gpus * 2.0);
    // The order still earns in full at the horizon.
    assert_eq!(best.score.earning, gpus);
}

#[test]
fn monte_carlo_with_fixed_durations_agrees_with_the_deterministic_answer() {
    let s = load(folder("2025-03-01").path());
    let det = advise::advise(&s, &options(Objective::Npv, None)).expect("advice");
    for stat in [Stat::Mean, Stat::Percentile(10)] {
        let mc = Mc {
            runs: 3,
            seed: 7,
            threads: 2,
            stat,
        };
        let got = advise::advise(&s, &options(Objective::Npv, Some(mc))).expect("advice");
        let (d, m) = (det.orders[0].best, got.orders[0].best);
        assert_eq!(m.day, d.day, "{stat:?}");
        assert!(
            (m.score.npv - d.score.npv).abs() <= 1e-6 * d.score.npv.abs(),
            "{stat:?}: NPV {} vs {}",
            m.score.npv,
            d.score.npv
        );
        assert_eq!(m.score.dark, d.score.dark);
    }
}

#[test]
fn a_plan_already_at_the_best_date_is_kept() {
    // 2025-11-01 is day 304 = P - L - 1.
    let s = load(folder("2025-11-01").path());
    let a = advise::advise(&s, &options(Objective::Npv, None)).expect("advice");
    assert_eq!(a.orders[0].plan.day, P - L - INSTALL);
    let line = advise::sentence(&s, &a.orders[0]);
    assert!(line.starts_with("keep site/gb300"), "{line}");
}

#[test]
fn generations_are_tried_when_asked() {
    let s = load(folder("2025-03-01").path());
    let gens = Options {
        generations: Some(vec![]),
        ..options(Objective::Npv, None)
    };
    let a = advise::advise(&s, &gens).expect("advice");
    let tried: std::collections::BTreeSet<&str> = a.orders[0]
        .curve
        .iter()
        .map(|c| s.market.generations[c.generation].name.as_str())
        .collect();
    // GB300 and every later generation whose rack fits the 2 MW hall and power.
    assert!(
        tried.contains("GB300") && tried.contains("Rubin"),
        "{tried:?}"
    );
    // Rubin racks are 200 kW: the order's 1 MW of IT becomes 5 of them.
    let rubin = s.market.generation("Rubin").expect("Rubin");
    let r = a.orders[0]
        .curve
        .iter()
        .find(|c| c.generation == rubin)
        .expect("a Rubin candidate");
    assert_eq!(r.racks, 5);
    // No Rubin order may deliver before Rubin ships (2026-09-01).
    let ships = u32::try_from(s.market.available_day(rubin, s.start)).expect("after start");
    assert!(
        a.orders[0]
            .curve
            .iter()
            .filter(|c| c.generation == rubin)
            .all(|c| c.day + L >= ships)
    );
}

fn warmshell(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .args(args)
        .output()
        .expect("run warmshell")
}

#[test]
fn cli_prints_the_recommendation_and_writes_the_curve() {
    let dir = folder("2025-03-01");
    let out = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8 path");
    let o = out.path().to_str().expect("utf-8 path");
    let r = warmshell(&["advise", d, "--order", "site/gb300", "--out", o]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(
        text.contains("order site/gb300 in 2025-10 instead of 2025-03")
            || text.contains("order site/gb300 in 2025-11 instead of 2025-03"),
        "{text}"
    );
    let csv = std::fs::read_to_string(out.path().join("advise.csv")).expect("advise.csv");
    assert!(csv.starts_with("site,order,choice,generation,racks,order_date,npv_usd"));
    assert_eq!(csv.lines().filter(|l| l.contains(",best,")).count(), 1);
    assert_eq!(csv.lines().filter(|l| l.contains(",plan,")).count(), 1);
    let svg = std::fs::read_to_string(out.path().join("advise.svg")).expect("advise.svg");
    assert!(svg.starts_with("<svg") && svg.contains("best"));
    // The same inputs give the same bytes.
    let again = tempfile::tempdir().expect("tempdir");
    let a = again.path().to_str().expect("utf-8 path");
    assert!(
        warmshell(&["advise", d, "--order", "site/gb300", "--out", a])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(out.path().join("advise.csv")).expect("csv"),
        std::fs::read(again.path().join("advise.csv")).expect("csv")
    );
    assert_eq!(
        std::fs::read(out.path().join("advise.svg")).expect("svg"),
        std::fs::read(again.path().join("advise.svg")).expect("svg")
    );
}

#[test]
fn cli_rejects_an_unknown_order_with_a_suggestion() {
    let dir = folder("2025-03-01");
    let d = dir.path().to_str().expect("utf-8 path");
    let r = warmshell(&["advise", d, "--order", "site/gb30"]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("no order `gb30`") && err.contains("did you mean `gb300`"),
        "{err}"
    );
    let r = warmshell(&["advise", d, "--order", "sight/gb300"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("no site `sight`"));
    let r = warmshell(&["advise", d, "--stat", "p10"]);
    assert_eq!(r.status.code(), Some(2));
    let r = warmshell(&["advise", d, "--mc", "5", "--stat", "p100"]);
    assert_eq!(r.status.code(), Some(2));
    let r = warmshell(&["advise", d, "--generations=GB3000"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("did you mean `GB300`"));
}

#[test]
fn monte_carlo_advice_does_not_depend_on_the_thread_count() {
    // Uncertain lead time and shell: runs differ, but not with the threads that run them.
    let dir = folder("2025-03-01");
    let site = site_yaml("2025-03-01")
        .replace(
            "lead_time: 60d",
            "lead_time: { triangular: [40d, 60d, 120d] }",
        )
        .replace("duration: 10d", "duration: { uniform: [5d, 300d] }");
    std::fs::write(dir.path().join("site.yaml"), site).expect("write");
    let s = load(dir.path());
    let run = |threads| {
        let mc = Mc {
            runs: 16,
            seed: 3,
            threads,
            stat: Stat::Percentile(50),
        };
        advise::advise(&s, &options(Objective::Npv, Some(mc))).expect("advice")
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.orders[0].best, b.orders[0].best);
    assert_eq!(a.orders[0].curve, b.orders[0].curve);
}

/// An uncertain lead time turns the order date into a newsvendor problem. Ordering a
/// day later saves a day's carry c of the capex in every run, and loses a day's net
/// revenue r in the runs where the racks are late for power (lead >= P - 1 - o). So the
/// expected NPV is best where P(lead <= P - 1 - o) = 1 - c/r. At this scenario's prices
/// c/r lies between 1/4 and 3/4 (a_days_revenue_exceeds_a_days_carry checks 1.5 c < r < 4 c
/// from the prices: c ~ $35, r ~ $70 a GPU-day), so the best day lies between
/// P - 1 - q(3/4) and P - 1 - q(1/4) of the lead's distribution: triangular(40, 60, 120),
/// q(1/4) = 60 (its mode, CDF(60) = 20^2 / (80 * 20) = 1/4) and q(3/4) = 120 - sqrt(1200)
/// = 85.4 days. The deterministic answer (P - 1 - 60, its mode) is the late end.
#[test]
fn an_uncertain_lead_time_orders_earlier_by_the_newsvendor_ratio() {
    let dir = folder("2025-03-01");
    let site = site_yaml("2025-03-01").replace(
        "lead_time: 60d",
        "lead_time: { triangular: [40d, 60d, 120d] }",
    );
    std::fs::write(dir.path().join("site.yaml"), site).expect("write");
    let s = load(dir.path());
    let mc = Mc {
        runs: 400,
        seed: 11,
        threads: 2,
        stat: Stat::Mean,
    };
    let a = advise::advise(&s, &options(Objective::Npv, Some(mc))).expect("advice");
    let q75 = 120.0 - 1200f64.sqrt();
    let (early, late) = (f64::from(P - 1) - q75, f64::from(P - 1 - 60));
    let day = f64::from(a.orders[0].best.day);
    assert!(
        (early - 1.0..=late + 1.0).contains(&day),
        "best day {day}, want {early:.1}..={late}"
    );
}

#[test]
fn statistics_parse_and_pick_by_nearest_rank() {
    assert_eq!(Stat::parse("mean"), Ok(Stat::Mean));
    assert_eq!(Stat::parse("p10"), Ok(Stat::Percentile(10)));
    for bad in ["p0", "p100", "P10", "median", "p", ""] {
        assert!(Stat::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn advice_on_the_default_scenario_never_loses_to_the_plan() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let s = load(&dir);
    let a = advise::advise(
        &s,
        &Options {
            orders: vec![
                advise::parse_order(&s, "abilene-tx/gb300-a").expect("order"),
                advise::parse_order(&s, "abilene-tx/rubin-b").expect("order"),
            ],
            ..options(Objective::Npv, None)
        },
    )
    .expect("advice");
    for o in &a.orders {
        // The plan's date is a candidate, and pinning it to a date reproduces the plan.
        assert!(
            o.curve
                .iter()
                .any(|c| c.day == o.plan.day && c.score == o.plan.score)
        );
        assert!(o.best.score.npv >= o.plan.score.npv);
        assert!(o.curve.iter().all(|c| c.score.npv <= o.best.score.npv));
    }
}
