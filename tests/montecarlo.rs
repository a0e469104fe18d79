//! Monte Carlo known answers: percentiles, risks, correlation groups,
//! criticality and sensitivity checked against closed forms (not against the
//! program's own output), plus reproducibility by seed and thread count.
//!
//! # Tolerances
//!
//! A run is reproducible per seed, so each check either always passes or
//! always fails; the tolerances are set at about 5 standard errors of the
//! estimate at the test's N, so a correct implementation passes with a wide
//! margin (a 5-sigma miss has probability ~6e-7 for a given seed) while a
//! wrong distribution, a wrong correlation or a wrong risk probability fails.
//!
//! - Percentile `x_p` of a density `f`, from N runs: the standard error is
//!   `sqrt(p (1 - p) / N) / f(x_p)` (asymptotic variance of a sample quantile).
//!   Results are whole days (each duration rounded half up), so one more day
//!   is allowed for the integer grid: `tol = 5 SE + 1 day`.
//! - A share `q` estimated from N runs: `SE = sqrt(q (1 - q) / N)`.
//! - Spearman's rank correlation `r_s` from N pairs: `SE ~ sqrt((1 + r_s^2 / 2) / N) (1 - r_s^2)`
//!   (Bonett & Wright 2000: `sqrt((1 + r^2/2)/(N - 3))` on Fisher's z scale, times the
//!   derivative `1 - r^2` of tanh back to the r scale).
//!
//! Durations are rounded half up to whole days once sampled: a continuous
//! duration X becomes R = floor(X + 1/2), so P(R <= k) = F(k + 1/2) and the
//! population's nearest-rank P_q of R is `ceil(x_q - 1/2)`, where x_q is X's
//! quantile; [`rounded`] gives it.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use warmshell::Scenario;
use warmshell::montecarlo::{self, DateStats, McOptions, McResult, SiteMc, TaskMc};
use warmshell::scenario::market::CorrelationGroup;

/// Runs per known-answer test: enough for tight tolerances, cheap in debug.
const N: u64 = 4_000;
const SEED: u64 = 20_250_101;
const START: &str = "2025-01-01";

/// scenario.yaml: a short horizon keeps each run cheap; `extra` adds keys.
fn scenario_yaml(extra: &str) -> String {
    format!("start: {START}\nhorizon: 2027-12-31\n{extra}")
}

/// A minimal valid site: one hall ready when `shell` (a fixed 10d task)
/// finishes, one 1 MW source from `power_from` (a task id or a date), one
/// 100 kW rack ordered on day 0 and delivered on day 10, installed in one
/// day. `tasks` is the YAML of further tasks, indented by 2.
fn site_yaml(tasks: &str, power_from: &str) -> String {
    format!(
        "pue: 1.2
tasks:
  shell: {{ kind: construction, duration: 10d }}
{tasks}halls:
  hall-1: {{ it_mw: 1, ready: shell }}
power:
  grid-1: {{ mw: 1, from: {power_from} }}
orders:
  gb200:
    generation: GB200
    racks: 1
    rack_kw: 100
    gpus_per_rack: 72
    ordered: {START}
    lead_time: 10d
    racks_per_week: 1
install: {{ crews: 1, days_per_rack: 1, burn_in: 1d }}
"
    )
}

fn load(scenario: &str, site: &str) -> Scenario {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scenario.yaml"), scenario).expect("write scenario.yaml");
    std::fs::write(dir.path().join("site.yaml"), site).expect("write site.yaml");
    warmshell::load_dir(dir.path()).unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

fn mc(scenario: &Scenario, runs: u64, seed: u64, threads: usize) -> McResult {
    let options = McOptions {
        runs,
        seed,
        threads,
    };
    montecarlo::run(scenario, options, &|| {}).expect("thread pool")
}

fn task<'a>(site: &'a SiteMc, id: &str) -> &'a TaskMc {
    site.tasks
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

/// Day index (since START) of a date string of the results.
fn day(date: &Option<String>) -> i64 {
    let date = date.as_deref().expect("a date before the horizon");
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a date");
    let start = NaiveDate::parse_from_str(START, "%Y-%m-%d").expect("start");
    (d - start).num_days()
}

/// (P10, P50, P90) as day indices.
fn percentiles(s: &DateStats) -> [i64; 3] {
    [day(&s.p10), day(&s.p50), day(&s.p90)]
}

/// Nearest-rank percentile of the rounded duration, given the continuous quantile.
fn rounded(x_q: f64) -> i64 {
    (x_q - 0.5).ceil() as i64
}

/// 5 standard errors of the p-quantile from `n` runs, where the density is
/// `density` (per day), plus one day for the whole-day grid.
fn quantile_tolerance(p: f64, density: f64, n: u64) -> f64 {
    5.0 * (p * (1.0 - p) / n as f64).sqrt() / density + 1.0
}

/// 5 standard errors of a Spearman correlation `r` from `n` pairs.
fn spearman_tolerance(r: f64, n: u64) -> f64 {
    5.0 * ((1.0 + r * r / 2.0) / n as f64).sqrt() * (1.0 - r * r)
}

/// Checks each of P10/P50/P90 against `want` within `tol` days.
fn assert_percentiles(what: &str, got: [i64; 3], want: [i64; 3], tol: [f64; 3]) {
    for ((label, (g, w)), t) in ["P10", "P50", "P90"]
        .iter()
        .zip(got.iter().zip(&want))
        .zip(&tol)
    {
        assert!(
            ((g - w) as f64).abs() <= *t,
            "{what} {label}: got day {g}, want day {w} +- {t:.2} (all: got {got:?}, want {want:?})"
        );
    }
}

const P: [f64; 3] = [0.1, 0.5, 0.9];

/// Test 1. One task `{ uniform: [100d, 200d] }` that feeds nothing: it starts on
/// day 0, so its finish is its duration. Population percentiles of the
/// rounded U(100, 200): P(R <= k) = (k + 1/2 - 100) / 100, so P10/P50/P90 are
/// exactly days 110/150/190, and the mean is 150 (symmetric).
///
/// Density 1/100 per day: SE = sqrt(p(1-p)/4000) * 100 = 0.47 (P10, P90) and
/// 0.79 (P50) days; tolerances 3.4 and 5.0 days. Mean: SE = (100/sqrt(12))/sqrt(4000)
/// = 0.46 days; tolerance 5 SE + 0.5 (the mean is reported as a whole date) = 2.8 days.
#[test]
fn uniform_task_finishes_at_its_uniform_percentiles() {
    let site = site_yaml("  x: { duration: { uniform: [100d, 200d] } }\n", START);
    let r = mc(&load(&scenario_yaml(""), &site), N, SEED, 2);
    let x = task(&r.sites[0], "x");
    let want = P.map(|p| rounded(100.0 + 100.0 * p));
    assert_eq!(want, [110, 150, 190]);
    let tol = P.map(|p| quantile_tolerance(p, 0.01, N));
    assert_percentiles("x finish", percentiles(&x.finish), want, tol);
    let mean_tol = 5.0 * (100.0 / 12f64.sqrt()) / (N as f64).sqrt() + 0.5;
    let mean = day(&x.finish.mean);
    assert!(
        ((mean - 150) as f64).abs() <= mean_tol,
        "x mean finish: got day {mean}, want 150 +- {mean_tol:.2}"
    );
    assert_eq!(x.finish.not_by_horizon, 0.0);
    // It drives nothing: never critical; the shell's fixed 10 days never vary.
    assert_eq!(x.criticality, 0.0);
}

/// The other distributions' quantile functions, each on its own task feeding nothing.
///
/// - triangular [0, 0, 100]: F(x) = 1 - (1 - x/100)^2, x_q = 100 (1 - sqrt(1 - q)),
///   f(x_q) = 2 sqrt(1 - q) / 100: P10/P50/P90 = 5.13/29.29/68.38 days.
/// - lognormal { p50: 200d, p90: 400d }: ln X ~ N(ln 200, s^2), s = ln 2 / z90;
///   P10 = 200^2 / 400 = 100 days; f(x_q) = phi(z_q) / (x_q s).
/// - pert [0, 50, 100]: Beta(3, 3) x 100, F(u) = 10u^3 - 15u^4 + 6u^5, f = 30u^2(1-u)^2 / 100;
///   quantiles by bisection.
///
/// Tolerances: 5 SE + 1 day from each density (largest: the lognormal's P90,
/// SE = 0.0047 / (0.1755 / (400 * 0.5406)) = 5.9 days, tolerance 30 days).
#[test]
fn triangular_lognormal_and_pert_hit_their_quantiles() {
    let tasks = "  tri: { duration: { triangular: [0d, 0d, 100d] } }
  logn: { duration: { lognormal: { p50: 200d, p90: 400d } } }
  pert: { duration: { pert: [0d, 50d, 100d] } }
";
    let r = mc(
        &load(&scenario_yaml(""), &site_yaml(tasks, START)),
        N,
        SEED,
        2,
    );
    let site = &r.sites[0];

    let tri_q = |q: f64| 100.0 * (1.0 - (1.0 - q).sqrt());
    let tri_f = |q: f64| 2.0 * (1.0 - q).sqrt() / 100.0;
    assert_percentiles(
        "triangular finish",
        percentiles(&task(site, "tri").finish),
        P.map(|q| rounded(tri_q(q))),
        P.map(|q| quantile_tolerance(q, tri_f(q), N)),
    );

    let z90 = 1.281_551_565_544_600_5;
    let s = 2f64.ln() / z90;
    let z = [-z90, 0.0, z90];
    let logn_q = z.map(|z| 200.0 * (s * z).exp());
    let normal_pdf = |z: f64| (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut logn_tol = [0.0; 3];
    for i in 0..3 {
        logn_tol[i] = quantile_tolerance(P[i], normal_pdf(z[i]) / (logn_q[i] * s), N);
    }
    assert_percentiles(
        "lognormal finish",
        percentiles(&task(site, "logn").finish),
        logn_q.map(rounded),
        logn_tol,
    );

    let beta33 = |u: f64| u * u * u * (10.0 - 15.0 * u + 6.0 * u * u);
    let pert_q = |q: f64| {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if beta33(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        50.0 * (lo + hi)
    };
    let pert_f = |q: f64| {
        let u = pert_q(q) / 100.0;
        30.0 * u * u * (1.0 - u) * (1.0 - u) / 100.0
    };
    assert_percentiles(
        "pert finish",
        percentiles(&task(site, "pert").finish),
        P.map(|q| rounded(pert_q(q))),
        P.map(|q| quantile_tolerance(q, pert_f(q), N)),
    );
}

/// Test 2. A and B independent U(0, 100) days, both before C (0d): C finishes at
/// M = max(A, B). With rounding, P(M <= k) = ((k + 1/2)/100)^2, so M's P_q is
/// ceil(100 sqrt(q) - 1/2): P10/P50/P90 = 32/71/95 (continuous 31.6/70.7/94.9).
///
/// Density of M at x_q: 2 x_q / 100^2 = 0.0063/0.0141/0.0190 per day; SE = 0.75/0.56/0.25
/// days; tolerances 4.7/3.8/2.3 days. A single U(0, 100) (no max) would give
/// 10/50/90, and a sum 45/100/155: both far outside.
#[test]
fn join_of_two_independent_tasks_is_their_max() {
    let tasks = "  a: { duration: { uniform: [0d, 100d] } }
  b: { duration: { uniform: [0d, 100d] } }
  c: { duration: 0d, after: [a, b] }
";
    let r = mc(
        &load(&scenario_yaml(""), &site_yaml(tasks, START)),
        N,
        SEED,
        2,
    );
    let c = task(&r.sites[0], "c");
    let want = P.map(|q| rounded(100.0 * q.sqrt()));
    assert_eq!(want, [32, 71, 95]);
    let tol = P.map(|q| quantile_tolerance(q, 2.0 * 100.0 * q.sqrt() / 100.0 / 100.0, N));
    assert_percentiles("c = max(a, b)", percentiles(&c.finish), want, tol);
}

/// Test 3. A 10d task with one risk: probability 0.3, a fixed 100d delay. It
/// finishes on day 110 in a share q of runs and on day 10 otherwise, so
/// P10 = P50 = day 10 and P90 = day 110 (exact while 0.1 < q-hat < 0.5), and
/// the mean finish is day 10 + 100 q-hat, which recovers q-hat to +-0.005
/// (the mean is reported as a whole date).
///
/// SE of q-hat = sqrt(0.3 * 0.7 / 4000) = 0.0072; tolerance 5 SE + 0.005 = 0.041:
/// a probability of 0.2 or 0.4 (or the risk applied to every run, or never) fails.
///
/// McResult has no direct "share of runs finished by day d" (only P10/P50/P90,
/// the mean and the P50's CI), so the share is read through the mean.
#[test]
fn risk_delays_its_share_of_runs() {
    let tasks = "  x:
    duration: 10d
    risks:
      - { name: slip, probability: 0.3, delay: 100d }
";
    let r = mc(
        &load(&scenario_yaml(""), &site_yaml(tasks, START)),
        N,
        SEED,
        2,
    );
    let x = task(&r.sites[0], "x");
    assert_eq!(percentiles(&x.finish), [10, 10, 110]);
    let share = (day(&x.finish.mean) - 10) as f64 / 100.0;
    let tol = 5.0 * (0.3 * 0.7 / N as f64).sqrt() + 0.005;
    assert!(
        (share - 0.3).abs() <= tol,
        "share of runs delayed: got {share:.3}, want 0.3 +- {tol:.3}"
    );
}

const CORRELATED_TASKS: &str = "  a: { duration: { uniform: [100d, 200d] } }
  b: { duration: { uniform: [100d, 200d] } }
  c: { duration: 0d, after: [a, b] }
";

/// A site where A and B are U(100d, 200d) in correlation group `g` with
/// correlation `rho`, C (0d) follows both, and power comes from A alone, so
/// the first power-on is A's finish (the rack is installed by day 11; A takes
/// at least 100 days).
///
/// The group is put into the loaded model, not written in the files:
/// scenario.yaml cannot declare `correlation:` yet (see
/// [`correlation_group_is_read_from_the_files`]).
fn correlated(rho: f64) -> McResult {
    let mut scenario = load(&scenario_yaml(""), &site_yaml(CORRELATED_TASKS, "a"));
    scenario.market.groups.push(CorrelationGroup {
        name: "g".into(),
        rho,
    });
    for t in &mut scenario.sites[0].tasks {
        if t.id == "a" || t.id == "b" {
            t.group = Some(0);
        }
    }
    mc(&scenario, N, SEED, 2)
}

/// Test 4. Correlation groups (a Gaussian copula on the normal scores).
///
/// - rho = 1: A and B draw the same duration every run, so max(A, B) = A ~ U(100, 200):
///   C's P10/P50/P90 = 110/150/190 (tolerances as in test 1: 3.4/5.0/3.4 days); A and B
///   have identical statistics, and B's sensitivity (Spearman of B with the first
///   power-on, i.e. with A) is exactly 1.
/// - rho = 0: independent, max of two: P_q = 100 + ceil(100 sqrt(q) - 1/2) =
///   132/171/195 (tolerances as in test 2: 4.7/3.8/2.3 days); B's sensitivity is 0
///   within 5/sqrt(4000) = 0.079.
/// - rho = 0.6: Spearman of a Gaussian copula with correlation r is (6/pi) asin(r/2)
///   = 0.582 (uniform margins are monotone in the scores); SE ~ 0.011, tolerance
///   0.057. Mixing the scores with weights rho and 1 - rho instead of sqrt(rho) and
///   sqrt(1 - rho) would give 0.674, and plain independence 0: both fail.
#[test]
fn correlation_group_couples_task_durations() {
    let one = correlated(1.0);
    let site = &one.sites[0];
    let (a, b, c) = (task(site, "a"), task(site, "b"), task(site, "c"));
    let single = P.map(|q| rounded(100.0 + 100.0 * q));
    assert_percentiles(
        "rho 1: c = max(a, b)",
        percentiles(&c.finish),
        single,
        P.map(|q| quantile_tolerance(q, 0.01, N)),
    );
    assert_eq!(percentiles(&a.finish), percentiles(&b.finish));
    assert_eq!(a.finish.mean, b.finish.mean);
    assert_eq!(percentiles(&c.finish), percentiles(&a.finish));
    assert!(
        (b.sensitivity - 1.0).abs() < 1e-9,
        "rho 1: sensitivity of b {}",
        b.sensitivity
    );

    let zero = correlated(0.0);
    let c = task(&zero.sites[0], "c");
    let max_of_two = P.map(|q| 100 + rounded(100.0 * q.sqrt()));
    assert_eq!(max_of_two, [132, 171, 195]);
    assert_percentiles(
        "rho 0: c = max(a, b)",
        percentiles(&c.finish),
        max_of_two,
        P.map(|q| quantile_tolerance(q, 2.0 * q.sqrt() / 100.0, N)),
    );
    let b = task(&zero.sites[0], "b");
    let tol = spearman_tolerance(0.0, N);
    assert!(
        b.sensitivity.abs() <= tol,
        "rho 0: sensitivity of b {:.3}, want 0 +- {tol:.3}",
        b.sensitivity
    );

    let mid = correlated(0.6);
    let b = task(&mid.sites[0], "b");
    let want = 6.0 / std::f64::consts::PI * (0.6f64 / 2.0).asin();
    let tol = spearman_tolerance(want, N);
    assert!(
        (b.sensitivity - want).abs() <= tol,
        "rho 0.6: Spearman of b with a {:.3}, want {want:.3} +- {tol:.3}",
        b.sensitivity
    );
}

/// Test 4, from the files: `correlation: { g: 1.0 }` in scenario.yaml and
/// `group: g` on two tasks load as one group that the run applies (the rho = 1
/// known answer of the test above: C's P50 = day 150 +- 5.0).
#[test]
fn correlation_group_is_read_from_the_files() {
    let tasks = CORRELATED_TASKS.replace("200d] } }\n  b", "200d] }, group: g }\n  b");
    let tasks = tasks.replace("200d] } }\n  c", "200d] }, group: g }\n  c");
    assert_eq!(tasks.matches("group: g").count(), 2);
    let scenario = load(
        &scenario_yaml("correlation: { g: 1.0 }\n"),
        &site_yaml(&tasks, "a"),
    );
    assert_eq!(
        scenario.market.groups,
        [CorrelationGroup {
            name: "g".into(),
            rho: 1.0
        }]
    );
    let r = mc(&scenario, N, SEED, 2);
    let (a, b) = (task(&r.sites[0], "a"), task(&r.sites[0], "b"));
    assert_eq!(percentiles(&a.finish), percentiles(&b.finish));
    let p50 = day(&task(&r.sites[0], "c").finish.p50);
    let tol = quantile_tolerance(0.5, 0.01, N);
    assert!(
        ((p50 - 150) as f64).abs() <= tol,
        "rho 1 from the files: c P50 got day {p50}, want 150 +- {tol:.1}"
    );
}

/// Test 5. mc.json has the same bytes whatever the thread count (the default
/// scenario in sites/, 200 runs, through the binary; the three runs go in
/// parallel).
#[test]
fn mc_json_does_not_depend_on_thread_count() {
    let sites = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let out = tempfile::tempdir().expect("tempdir");
    let children: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let dir = out.path().join(threads);
            let child = Command::new(env!("CARGO_BIN_EXE_warmshell"))
                .arg("mc")
                .arg(&sites)
                .args(["-n", "200", "--seed", "7", "--threads", threads, "--out"])
                .arg(&dir)
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start warmshell");
            (child, dir)
        })
        .collect();
    let outputs: Vec<Vec<u8>> = children
        .into_iter()
        .map(|(mut child, dir)| {
            assert!(child.wait().expect("warmshell ran").success());
            std::fs::read(dir.join("mc.json")).expect("mc.json written")
        })
        .collect();
    let first: serde_json::Value = serde_json::from_slice(&outputs[0]).expect("json");
    assert_eq!(first["runs"], 200);
    assert_eq!(first["sites"].as_array().map(Vec::len), Some(3));
    assert!(outputs[1] == outputs[0], "--threads 2 differs from 1");
    assert!(outputs[2] == outputs[0], "--threads 3 differs from 1");
}

/// Every sampling command checks its run count and thread count the same
/// way: out of range is a flag mistake (exit code 2, the flag and its range
/// named) and nothing is written.
#[test]
fn run_and_thread_counts_out_of_range_are_flag_mistakes() {
    let sites = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let variant = sites.join("variants/turbines.yaml");
    let out = tempfile::tempdir().expect("tempdir");
    let target = out.path().join("out");
    let sites = sites.to_str().expect("utf-8 path");
    let variant = variant.to_str().expect("utf-8 path");
    let target = target.to_str().expect("utf-8 path");
    let cases: [(&[&str], &str); 7] = [
        (
            &["mc", sites, "-n", "0"],
            "'--runs <RUNS>': 0 is not in 1..=100000000",
        ),
        (
            &["mc", sites, "--threads", "0"],
            "'--threads <THREADS>': 0 is not in 1..=",
        ),
        (
            &["report", sites, "--mc", "100000001"],
            "'--mc <N>': 100000001 is not in 1..=",
        ),
        (
            &["compare", sites, variant, "--mc", "100001"],
            "100001 is not in 1..=100000",
        ),
        (
            &["compare", sites, variant, "--mc", "9", "--threads=2000"],
            "2000 is not in 1..=1024",
        ),
        (
            &["advise", sites, "--mc", "0"],
            "'--mc <N>': 0 is not in 1..=",
        ),
        (
            &["advise", sites, "--mc", "5", "--seed", "x"],
            "'--seed <SEED>'",
        ),
    ];
    for (args, message) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_warmshell"))
            .args(args)
            .args(["--out", target])
            .output()
            .expect("run warmshell");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !Path::new(target).exists(),
            "{args:?} wrote its --out folder"
        );
    }
}

/// Test 6. The same seed gives the same result (here also across thread counts),
/// another seed other samples. `seed` itself is recorded in mc.json, so the
/// comparison is of the sampled results (`sites`), not the whole file.
#[test]
fn seed_sets_the_samples() {
    let tasks = "  a: { duration: { uniform: [0d, 100d] } }
  b: { duration: { triangular: [0d, 0d, 100d] }, risks: [{ name: r, probability: 0.5, delay: { uniform: [1d, 50d] } }] }
  c: { duration: 0d, after: [a, b] }
";
    let scenario = load(&scenario_yaml(""), &site_yaml(tasks, "c"));
    let sites = |seed: u64, threads: usize| {
        let r = mc(&scenario, 500, seed, threads);
        serde_json::to_string(&r.sites).expect("json")
    };
    let one = sites(1, 1);
    assert_eq!(one, sites(1, 3), "same seed, other thread count");
    assert_eq!(one, sites(1, 1), "same seed again");
    assert_ne!(one, sites(2, 1), "another seed");
}

/// Spearman's rho of S with S + T and of T with S + T, for independent
/// S ~ U(0, a) and T ~ U(0, b), a >= b: 12 E[F_S(S) F_Y(Y)] - 3 (and likewise
/// for T), by the midpoint rule on a 400 x 400 grid of (F_S, F_T).
fn spearman_of_sum(a: f64, b: f64) -> (f64, f64) {
    // CDF of Y = S + T: the trapezoid's integral.
    let cdf = |w: f64| {
        if w <= b {
            w * w / (2.0 * a * b)
        } else if w <= a {
            (2.0 * w - b) / (2.0 * a)
        } else {
            1.0 - (a + b - w).powi(2) / (2.0 * a * b)
        }
    };
    let n = 400;
    let (mut s, mut t) = (0.0, 0.0);
    for i in 0..n {
        let u = (f64::from(i) + 0.5) / f64::from(n);
        for j in 0..n {
            let v = (f64::from(j) + 0.5) / f64::from(n);
            let g = cdf(a * u + b * v);
            s += u * g;
            t += v * g;
        }
    }
    let cells = f64::from(n * n);
    (12.0 * s / cells - 3.0, 12.0 * t / cells - 3.0)
}

/// Test 7. Power arrives through `study -> substation -> energize` (the earliest
/// possible day 300 + 100 + 30 = 430), long after the hall (day 10) and the
/// rack (installed day 11); `survey` (1-10 days) feeds nothing.
///
/// - Criticality: power binds in every run, so the chain is critical in every
///   run (exactly 1.0) and `survey` and the hall's `shell` in none (exactly 0);
///   there is no sampling error.
/// - Sensitivity: the first power-on is study + substation + 30 days, with study
///   ~ U(300, 600) and substation ~ U(100, 200): Spearman 0.952 for the study and
///   0.300 for the substation (computed by [`spearman_of_sum`]); energize is fixed,
///   so 0. SE ~ 0.0019 and 0.0145; tolerances 5 SE = 0.010 and 0.073 (+0.002 for
///   the whole-day rounding and the integration grid). `survey` is independent:
///   0 +- 5/sqrt(4000) = 0.079.
#[test]
fn power_chain_is_critical_and_its_long_study_sensitive() {
    let tasks = "  study: { kind: interconnection, duration: { uniform: [300d, 600d] } }
  substation: { kind: construction, duration: { uniform: [100d, 200d] }, after: [study] }
  energize: { kind: interconnection, duration: 30d, after: [substation] }
  survey: { duration: { uniform: [1d, 10d] } }
";
    let r = mc(
        &load(&scenario_yaml(""), &site_yaml(tasks, "energize")),
        N,
        SEED,
        2,
    );
    let site = &r.sites[0];
    for id in ["study", "substation", "energize"] {
        assert_eq!(task(site, id).criticality, 1.0, "criticality of {id}");
    }
    for id in ["survey", "shell"] {
        assert_eq!(task(site, id).criticality, 0.0, "criticality of {id}");
    }

    let (want_study, want_substation) = spearman_of_sum(300.0, 100.0);
    assert!((want_study - 0.9518).abs() < 1e-3 && (want_substation - 0.3).abs() < 1e-3);
    for (id, want) in [("study", want_study), ("substation", want_substation)] {
        let got = task(site, id).sensitivity;
        let tol = spearman_tolerance(want, N) + 0.002;
        assert!(
            (got - want).abs() <= tol,
            "sensitivity of {id}: got {got:.4}, want {want:.4} +- {tol:.4}"
        );
    }
    assert_eq!(task(site, "energize").sensitivity, 0.0);
    let survey = task(site, "survey").sensitivity;
    let tol = spearman_tolerance(0.0, N);
    assert!(
        survey.abs() <= tol,
        "sensitivity of survey: got {survey:.3}, want 0 +- {tol:.3}"
    );

    // The first power-on is the chain's finish: P50 of study + substation + 30.
    // S + T is symmetric on [400, 800] with density 1/300 on [500, 700] (the flat
    // part of the trapezoid, quantiles 1/6 to 5/6): median 600 + 30 = 630 days;
    // SE = sqrt(0.25/4000) * 300 = 2.4 days, tolerance 12.9 days.
    let p50 = day(&site.first_power_on.p50);
    let tol = quantile_tolerance(0.5, 1.0 / 300.0, N);
    assert!(
        ((p50 - 630) as f64).abs() <= tol,
        "first power-on P50: got day {p50}, want 630 +- {tol:.1}"
    );
}

/// Test 7, on a tie: `critical_to_first_power_on` says "the latest to clear binds;
/// on a tie, power before halls before delivery". Here the hall (`shell`, 10d)
/// and the power (`grid`, 10d) both clear on day 10 (the rack came on day 5),
/// so by that rule `grid` drives the first power-on (day 11) in every run and
/// `shell` in none. Fixed durations: no sampling error.
#[test]
fn criticality_tie_goes_to_power() {
    let site =
        site_yaml("  grid: { duration: 10d }\n", "grid").replace("lead_time: 10d", "lead_time: 5d");
    let r = mc(&load(&scenario_yaml(""), &site), 100, SEED, 1);
    let site = &r.sites[0];
    assert_eq!(day(&site.first_power_on.p50), 11);
    assert_eq!(task(site, "grid").criticality, 1.0, "power task");
    assert_eq!(task(site, "shell").criticality, 0.0, "hall task");
}

/// `map_runs` hands out the very runs `mc` aggregates: the nearest-rank P10,
/// P50 and P90 of the first power-on it yields are mc.json's, and the runs
/// come back in run order whatever the thread count.
#[test]
fn map_runs_yields_the_runs_mc_aggregates() {
    let scenario = warmshell::load_dir(Path::new("sites")).expect("the default scenario loads");
    let n = 120;
    let first_power_on = |threads| {
        montecarlo::map_runs(&scenario, SEED, 0..n, threads, |r| {
            let first = r.sites[0]
                .orders
                .iter()
                .filter_map(|o| o.first_power_on)
                .min();
            (r.run, first)
        })
        .expect("thread pool")
    };
    let one = first_power_on(1);
    assert_eq!(one, first_power_on(2));
    assert!(one.iter().map(|(run, _)| *run).eq(0..n));

    let mut days: Vec<i64> = one
        .iter()
        .map(|(_, d)| i64::from(d.expect("powers on by the horizon")))
        .collect();
    days.sort_unstable();
    let rank = |q: f64| days[(q * n as f64).ceil() as usize - 1];
    let site = &mc(&scenario, n, SEED, 2).sites[0];
    let date = |d: i64| Some((scenario.start + chrono::Duration::days(d)).to_string());
    let stats = &site.first_power_on;
    assert_eq!(
        (&stats.p10, &stats.p50, &stats.p90),
        (&date(rank(0.1)), &date(rank(0.5)), &date(rank(0.9)))
    );
}
