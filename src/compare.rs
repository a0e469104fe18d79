//! Key figures of a scenario, and their change from a base to a variant:
//! at point values, and with Monte Carlo, run by run with common random
//! numbers (docs/variants.md).
//!
//! A figure is an integer: a date as its day number (days since 1 January
//! of year 1, so differences are days whatever each scenario's start), dark
//! GPU-days, window days, whole dollars. The same figures are what
//! `verify` pins ([`crate::verify`]).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::economics::{self, Economics};
use crate::engine::{self, Draw, Options, SiteRun};
use crate::montecarlo::map_runs;
use crate::scenario::{Day, Scenario};
use crate::timeline::dollars;

/// What a figure measures, for reading and rendering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A day number (see the module comment); shown as a date.
    Date,
    Days,
    GpuDays,
    Usd,
}

/// One figure's identity: `scope` is a site id or `portfolio`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Key {
    pub scope: String,
    /// `first_power_on`, `full_power_on`, `dark_gpu_days`, `dark_gpu_days.<reason>`,
    /// `window_days.<order>`, `npv_usd`.
    pub figure: String,
    pub unit: Unit,
}

impl Key {
    fn new(scope: &str, figure: impl Into<String>, unit: Unit) -> Self {
        Key {
            scope: scope.to_owned(),
            figure: figure.into(),
            unit,
        }
    }

    /// How the figure reads in a table.
    pub fn label(&self) -> String {
        let f = &self.figure;
        if let Some(order) = f.strip_prefix("window_days.") {
            return format!("window {order}");
        }
        if let Some(reason) = f.strip_prefix("dark_gpu_days.") {
            return format!("  {}", reason.replace('_', "-"));
        }
        match f.as_str() {
            "first_power_on" => "first power-on".into(),
            "full_power_on" => "all racks on".into(),
            "dark_gpu_days" => "dark GPU-days".into(),
            "npv_usd" => "NPV".into(),
            other => other.into(),
        }
    }
}

pub const PORTFOLIO: &str = "portfolio";
const REASONS: [&str; 4] = ["shell", "crew", "power", "burn_in"];

/// The figures of a scenario, in a fixed order: each site's, then the portfolio's.
pub fn layout(scenario: &Scenario) -> Vec<Key> {
    let mut keys = Vec::new();
    let dark = |keys: &mut Vec<Key>, scope: &str| {
        keys.push(Key::new(scope, "dark_gpu_days", Unit::GpuDays));
        for r in REASONS {
            keys.push(Key::new(scope, format!("dark_gpu_days.{r}"), Unit::GpuDays));
        }
    };
    for site in &scenario.sites {
        keys.push(Key::new(&site.id, "first_power_on", Unit::Date));
        keys.push(Key::new(&site.id, "full_power_on", Unit::Date));
        dark(&mut keys, &site.id);
        for o in &site.orders {
            keys.push(Key::new(
                &site.id,
                format!("window_days.{}", o.id),
                Unit::Days,
            ));
        }
        keys.push(Key::new(&site.id, "npv_usd", Unit::Usd));
    }
    keys.push(Key::new(PORTFOLIO, "first_power_on", Unit::Date));
    keys.push(Key::new(PORTFOLIO, "full_power_on", Unit::Date));
    dark(&mut keys, PORTFOLIO);
    keys.push(Key::new(PORTFOLIO, "npv_usd", Unit::Usd));
    keys
}

/// A date as its day number.
pub fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The date of a day number (clamped to what a date can be).
pub fn date_of_number(n: i64) -> NaiveDate {
    i32::try_from(n)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(NaiveDate::MAX)
}

/// The values of [`layout`] for one simulated run. A date is `None` when it is
/// not reached by the horizon; a window when the order never powers on.
pub fn values(scenario: &Scenario, runs: &[SiteRun], econ: &Economics) -> Vec<Option<i64>> {
    let date = |d: Day| day_number(scenario.date(d));
    let mut out = Vec::new();
    let mut first_all: Option<Day> = None;
    let mut full_all: Option<Day> = Some(0);
    let mut dark_all = [0u64; 4];
    for ((site, run), money) in scenario.sites.iter().zip(runs).zip(&econ.sites) {
        let first = run.orders.iter().filter_map(|p| p.first_power_on).min();
        let full = if run.orders.is_empty() || run.orders.iter().any(|p| p.full_power_on.is_none())
        {
            None
        } else {
            run.orders.iter().filter_map(|p| p.full_power_on).max()
        };
        first_all = match (first_all, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        full_all = match (full_all, full) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        out.push(first.map(date));
        out.push(full.map(date));
        let dark = run.dark.totals();
        out.push(Some(gpu_days(
            dark.iter().fold(0u64, |a, b| a.saturating_add(*b)),
        )));
        for (i, d) in dark.iter().enumerate() {
            out.push(Some(gpu_days(*d)));
            dark_all[i] = dark_all[i].saturating_add(*d);
        }
        for (_, o) in site.orders.iter().zip(&money.orders) {
            out.push(o.window.map(|w| i64::from(w.days())));
        }
        out.push(Some(dollars(money.npv)));
    }
    if scenario.sites.is_empty() {
        full_all = None;
    }
    out.push(first_all.map(date));
    out.push(full_all.map(date));
    out.push(Some(gpu_days(
        dark_all.iter().fold(0u64, |a, b| a.saturating_add(*b)),
    )));
    for d in dark_all {
        out.push(Some(gpu_days(d)));
    }
    out.push(Some(dollars(econ.portfolio.npv)));
    out
}

fn gpu_days(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The figures at point values (what `run` reports).
pub fn point_values(scenario: &Scenario) -> Vec<Option<i64>> {
    let runs: Vec<SiteRun> = scenario
        .sites
        .iter()
        .map(|site| engine::simulate(scenario, site, &Draw::point(site), Options::default()))
        .collect();
    let econ = economics::evaluate(scenario, &runs);
    values(scenario, &runs, &econ)
}

/// A value that stands for `None` in a run-by-run difference: the day after
/// the horizon for a date not reached (a censored date), 0 for no window.
fn censored(scenario: &Scenario, key: &Key) -> i64 {
    match key.unit {
        Unit::Date => day_number(scenario.horizon) + 1,
        _ => 0,
    }
}

/// One figure, base against variant.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub key: Key,
    pub base: Option<i64>,
    pub variant: Option<i64>,
    /// variant − base, when both exist.
    pub change: Option<i64>,
    /// With Monte Carlo: the distribution of the run-by-run difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mc: Option<DiffStats>,
}

/// The distribution of variant − base over the runs (nearest-rank percentiles).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct DiffStats {
    pub p10: i64,
    pub p50: i64,
    pub p90: i64,
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// The share of runs in which the difference is above zero.
    pub p_positive: f64,
    /// The share of runs in which it is below zero.
    pub p_negative: f64,
}

impl DiffStats {
    /// Of run-by-run differences (none: all zero).
    pub fn of(diffs: &[i64]) -> Self {
        let n = diffs.len();
        if n == 0 {
            return DiffStats {
                p10: 0,
                p50: 0,
                p90: 0,
                mean: 0.0,
                sd: 0.0,
                p_positive: 0.0,
                p_negative: 0.0,
            };
        }
        let mut sorted = diffs.to_vec();
        sorted.sort_unstable();
        let rank = |q: f64| sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
        let mean = sorted.iter().map(|&d| d as f64).sum::<f64>() / n as f64;
        let var = if n > 1 {
            sorted
                .iter()
                .map(|&d| (d as f64 - mean).powi(2))
                .sum::<f64>()
                / (n - 1) as f64
        } else {
            0.0
        };
        DiffStats {
            p10: rank(0.10),
            p50: rank(0.50),
            p90: rank(0.90),
            mean,
            sd: var.sqrt(),
            p_positive: sorted.iter().filter(|&&d| d > 0).count() as f64 / n as f64,
            p_negative: sorted.iter().filter(|&&d| d < 0).count() as f64 / n as f64,
        }
    }
}

/// One variant against the base.
#[derive(Debug, Clone, Serialize)]
pub struct VariantComparison {
    pub name: String,
    pub file: String,
    pub rows: Vec<Row>,
}

/// What `warmshell compare` prints and writes.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub format: &'static str,
    pub version: u32,
    pub base: String,
    /// Monte Carlo runs, 0 for point values only.
    pub runs: u64,
    pub seed: Option<u64>,
    /// Whether the variants drew the base's random numbers (common random numbers).
    pub common_random_numbers: Option<bool>,
    pub variants: Vec<VariantComparison>,
}

pub const FORMAT: &str = "warmshell-compare";
pub const VERSION: u32 = 1;

/// Monte Carlo settings of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct McCompare {
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
    /// Sample each variant with its own seed instead of the base's (to see
    /// what common random numbers save); off by default.
    pub independent: bool,
}

/// A variant to compare: its name, file and loaded scenario.
pub struct Candidate<'a> {
    pub name: String,
    pub file: String,
    pub scenario: &'a Scenario,
}

/// Rows of every figure of either side: the base's order, then figures only
/// the variant has.
fn rows(
    base_keys: &[Key],
    base: &[Option<i64>],
    var_keys: &[Key],
    var: &[Option<i64>],
) -> Vec<(Row, Option<usize>, Option<usize>)> {
    let mut out = Vec::new();
    let find = |keys: &[Key], k: &Key| {
        keys.iter()
            .position(|x| x.scope == k.scope && x.figure == k.figure)
    };
    for (i, k) in base_keys.iter().enumerate() {
        let j = find(var_keys, k);
        let b = base.get(i).copied().flatten();
        let v = j.and_then(|j| var.get(j).copied().flatten());
        out.push((
            Row {
                key: k.clone(),
                base: b,
                variant: v,
                change: b.zip(v).map(|(b, v)| v.saturating_sub(b)),
                mc: None,
            },
            Some(i),
            j,
        ));
    }
    for (j, k) in var_keys.iter().enumerate() {
        if find(base_keys, k).is_none() {
            out.push((
                Row {
                    key: k.clone(),
                    base: None,
                    variant: var.get(j).copied().flatten(),
                    change: None,
                    mc: None,
                },
                None,
                Some(j),
            ));
        }
    }
    out
}

/// Point values of the base and each variant; with `mc`, the run-by-run
/// differences too.
pub fn compare(
    base_name: &str,
    base: &Scenario,
    variants: &[Candidate],
    mc: Option<McCompare>,
) -> Result<Comparison, rayon::ThreadPoolBuildError> {
    let base_keys = layout(base);
    let base_point = point_values(base);
    let base_runs = match mc {
        Some(m) => Some(sampled(base, m.seed, m)?),
        None => None,
    };
    let mut out = Vec::new();
    for (vi, c) in variants.iter().enumerate() {
        let keys = layout(c.scenario);
        let point = point_values(c.scenario);
        let mut table = rows(&base_keys, &base_point, &keys, &point);
        if let (Some(m), Some(base_runs)) = (mc, &base_runs) {
            let seed = if m.independent {
                independent_seed(m.seed, vi)
            } else {
                m.seed
            };
            let var_runs = sampled(c.scenario, seed, m)?;
            for (row, i, j) in &mut table {
                let (Some(i), Some(j)) = (*i, *j) else {
                    continue;
                };
                let cb = censored(base, &row.key);
                let cv = censored(c.scenario, &row.key);
                let diffs: Vec<i64> = base_runs
                    .iter()
                    .zip(&var_runs)
                    .map(|(b, v)| {
                        let b = b.get(i).copied().flatten().unwrap_or(cb);
                        let v = v.get(j).copied().flatten().unwrap_or(cv);
                        v.saturating_sub(b)
                    })
                    .collect();
                row.mc = Some(DiffStats::of(&diffs));
            }
        }
        out.push(VariantComparison {
            name: c.name.clone(),
            file: c.file.clone(),
            rows: table.into_iter().map(|(r, _, _)| r).collect(),
        });
    }
    Ok(Comparison {
        format: FORMAT,
        version: VERSION,
        base: base_name.to_owned(),
        runs: mc.map_or(0, |m| m.runs),
        seed: mc.map(|m| m.seed),
        common_random_numbers: mc.map(|m| !m.independent),
        variants: out,
    })
}

/// A seed unrelated to `seed` for variant `i` (splitmix64 of both).
pub fn independent_seed(seed: u64, i: usize) -> u64 {
    let mut z = seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Every run's figures, in run order.
pub fn sampled(
    scenario: &Scenario,
    seed: u64,
    m: McCompare,
) -> Result<Vec<Vec<Option<i64>>>, rayon::ThreadPoolBuildError> {
    map_runs(scenario, seed, 0..m.runs, m.threads, |r| {
        values(scenario, &r.sites, &r.economics)
    })
}

/// Rows of a comparison, per scope in order of first appearance.
pub fn by_scope(rows: &[Row]) -> BTreeMap<usize, (&str, Vec<&Row>)> {
    let mut order: Vec<&str> = Vec::new();
    let mut out: BTreeMap<usize, (&str, Vec<&Row>)> = BTreeMap::new();
    for r in rows {
        let i = match order.iter().position(|s| *s == r.key.scope) {
            Some(i) => i,
            None => {
                order.push(&r.key.scope);
                order.len() - 1
            }
        };
        out.entry(i).or_insert((&r.key.scope, Vec::new())).1.push(r);
    }
    out
}
