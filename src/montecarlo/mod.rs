//! Monte Carlo: the same model, run N times with sampled durations and risks.
//!
//! Each run draws every task duration, risk, lead time and rival date from
//! its own stream ([`sample`]), simulates every site, prices the result, and
//! folds a handful of integers into aggregates ([`stats`]) that merge exactly
//! in any order. Nothing of a run is kept, except, for the first
//! [`SENSITIVITY_RUNS`] runs, each task's duration and the site's first
//! power-on (for rank correlations). So memory does not grow with N, and the
//! result is the same bytes for any thread count. Method: docs/montecarlo.md.

pub mod per_run;
pub mod sample;
pub mod shard;
pub mod stats;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use rayon::prelude::*;
use serde::Serialize;

use crate::economics::{Prepared, RivalDraw};
use crate::engine::{self, Draw, Options, SiteRun};
use crate::graph::TaskGraph;
use crate::scenario::duration::whole_days;
use crate::scenario::market::RivalBuild;
use crate::scenario::{Day, Scenario, Site, Trigger};
pub use per_run::{SampledRun, map_runs};
use sample::{Sampler, Stream, stream_key};
use stats::{Histogram, Summary, spearman};

/// Runs a worker does in one go before handing back an aggregate.
const RUNS_PER_CHUNK: u64 = 250;

/// Rank correlations use the first this many runs (all runs if fewer).
pub const SENSITIVITY_RUNS: u64 = 5_000;

#[derive(Debug, Clone, Copy)]
pub struct McOptions {
    pub runs: u64,
    pub seed: u64,
    /// Worker threads; the result does not depend on it.
    pub threads: usize,
}

/// Everything sampled for one task.
struct TaskPlan {
    duration: Sampler,
    key: u64,
    group: Option<usize>,
    risks: Vec<(f64, Sampler, u64)>,
}

struct SitePlan {
    tasks: Vec<TaskPlan>,
    leads: Vec<(Sampler, u64)>,
    graph: Option<TaskGraph>,
}

enum RivalPlan {
    Date(Sampler, u64),
    Site(SitePlan),
}

/// Samplers and stream keys, built once per scenario.
struct Plan<'a> {
    scenario: &'a Scenario,
    seed: u64,
    sites: Vec<SitePlan>,
    rivals: Vec<RivalPlan>,
    groups: Vec<(u64, f64)>,
    prepared: Prepared,
}

impl SitePlan {
    fn new(site: &Site, prefix: &str) -> Self {
        // In parallel: a PERT's quantile table costs ~3 M instructions, and
        // this set-up is the serial part of a Monte Carlo run.
        let tasks = site
            .tasks
            .par_iter()
            .map(|t| TaskPlan {
                duration: Sampler::new(&t.duration),
                key: stream_key(&[prefix, &site.id, "task", &t.id]),
                group: t.group,
                risks: t
                    .risks
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let key = stream_key(&[prefix, &site.id, "risk", &t.id, &i.to_string()]);
                        (r.probability, Sampler::new(&r.delay), key)
                    })
                    .collect(),
            })
            .collect();
        let leads = site
            .orders
            .iter()
            .map(|o| {
                (
                    Sampler::new(&o.lead_time),
                    stream_key(&[prefix, &site.id, "lead", &o.id]),
                )
            })
            .collect();
        SitePlan {
            tasks,
            leads,
            graph: TaskGraph::new(&site.tasks).ok(),
        }
    }

    /// This run's durations: the draw for the engine, and each task's total days.
    fn draw(&self, seed: u64, run: u64, group_z: &[f64], groups: &[(u64, f64)]) -> Draw {
        let task_days = self
            .tasks
            .iter()
            .map(|t| {
                let mut s = Stream::new(seed, t.key, run);
                let own = s.normal();
                let z = match t.group {
                    Some(g) => {
                        let rho = groups[g].1;
                        libm::sqrt(rho) * group_z[g] + libm::sqrt(1.0 - rho) * own
                    }
                    None => own,
                };
                let mut days = t.duration.sample(z);
                for (p, delay, key) in &t.risks {
                    let mut r = Stream::new(seed, *key, run);
                    if r.uniform() < *p {
                        days += delay.sample(r.normal());
                    }
                }
                whole_days(days)
            })
            .collect();
        let lead_days = self
            .leads
            .iter()
            .map(|(sampler, key)| whole_days(sampler.sample(Stream::new(seed, *key, run).normal())))
            .collect();
        Draw {
            task_days,
            lead_days,
        }
    }
}

/// What one run contributes, per site.
struct SiteOutcome {
    first_power_on: Day,
    full_power_on: Day,
    dark: [u64; 4],
    npv: i64,
    task_finish: Vec<Day>,
    task_days: Vec<Day>,
    critical: Vec<bool>,
    windows: Vec<(Day, i64)>,
}

/// The aggregate of many runs of one site.
#[derive(Debug, Clone)]
struct SiteAggregate {
    first_power_on: Histogram,
    full_power_on: Histogram,
    dark_total: Histogram,
    dark_by_reason: [u128; 4],
    npv: Histogram,
    task_finish: Vec<Histogram>,
    critical: Vec<u64>,
    window_days: Vec<Histogram>,
    premium: Vec<Histogram>,
}

impl SiteAggregate {
    fn new(site: &Site, horizon: Day) -> Self {
        // Dates run to horizon + 1 ("not by the horizon").
        let days = || Histogram::days(horizon + 1);
        SiteAggregate {
            first_power_on: days(),
            full_power_on: days(),
            dark_total: Histogram::relative(),
            dark_by_reason: [0; 4],
            npv: Histogram::relative(),
            task_finish: vec![days(); site.tasks.len()],
            critical: vec![0; site.tasks.len()],
            window_days: vec![days(); site.orders.len()],
            premium: vec![Histogram::relative(); site.orders.len()],
        }
    }

    fn add(&mut self, o: &SiteOutcome) {
        self.first_power_on.add(i64::from(o.first_power_on));
        self.full_power_on.add(i64::from(o.full_power_on));
        self.dark_total.add(o.dark.iter().sum::<u64>() as i64);
        for (a, d) in self.dark_by_reason.iter_mut().zip(o.dark) {
            *a += u128::from(d);
        }
        self.npv.add(o.npv);
        for (h, d) in self.task_finish.iter_mut().zip(&o.task_finish) {
            h.add(i64::from(*d));
        }
        for (c, on) in self.critical.iter_mut().zip(&o.critical) {
            *c += u64::from(*on);
        }
        for ((w, p), (days, premium)) in self
            .window_days
            .iter_mut()
            .zip(&mut self.premium)
            .zip(&o.windows)
        {
            w.add(i64::from(*days));
            p.add(*premium);
        }
    }

    fn merge(&mut self, o: &SiteAggregate) {
        self.first_power_on.merge(&o.first_power_on);
        self.full_power_on.merge(&o.full_power_on);
        self.dark_total.merge(&o.dark_total);
        for (a, b) in self.dark_by_reason.iter_mut().zip(o.dark_by_reason) {
            *a += b;
        }
        self.npv.merge(&o.npv);
        for (a, b) in self.task_finish.iter_mut().zip(&o.task_finish) {
            a.merge(b);
        }
        for (a, b) in self.critical.iter_mut().zip(&o.critical) {
            *a += b;
        }
        for (a, b) in self.window_days.iter_mut().zip(&o.window_days) {
            a.merge(b);
        }
        for (a, b) in self.premium.iter_mut().zip(&o.premium) {
            a.merge(b);
        }
    }
}

/// Everything aggregated so far; merging is exact and order-free.
#[derive(Debug, Clone)]
struct Aggregate {
    runs: u64,
    sites: Vec<SiteAggregate>,
    /// Per rival: runs in which we powered its generation first.
    before_rival: Vec<u64>,
    /// Run index -> per site its task durations then its first power-on, in
    /// days (all below 36,502: u16 keeps the first runs' samples small).
    /// Only the current chunk's runs while running (see [`Samples`]); a
    /// shard's whole block when restored from a shard file.
    sensitivity: BTreeMap<u64, Vec<u16>>,
}

impl Aggregate {
    fn new(scenario: &Scenario) -> Self {
        Aggregate {
            runs: 0,
            sites: scenario
                .sites
                .iter()
                .map(|s| SiteAggregate::new(s, scenario.horizon_day()))
                .collect(),
            before_rival: vec![0; scenario.market.rivals.len()],
            sensitivity: BTreeMap::new(),
        }
    }

    fn merge(mut self, o: Self) -> Self {
        self.runs += o.runs;
        for (a, b) in self.sites.iter_mut().zip(&o.sites) {
            a.merge(b);
        }
        for (a, b) in self.before_rival.iter_mut().zip(&o.before_rival) {
            *a += b;
        }
        self.sensitivity.extend(o.sensitivity);
        self
    }
}

impl<'a> Plan<'a> {
    fn new(scenario: &'a Scenario, seed: u64) -> Self {
        Plan {
            scenario,
            seed,
            sites: scenario
                .sites
                .iter()
                .map(|s| SitePlan::new(s, "site"))
                .collect(),
            rivals: scenario
                .market
                .rivals
                .iter()
                .map(|r| match &r.build {
                    RivalBuild::Fixed { power_on, .. } => RivalPlan::Date(
                        Sampler::new(power_on),
                        stream_key(&["rival", &r.name, "power_on"]),
                    ),
                    RivalBuild::Site(site) => {
                        RivalPlan::Site(SitePlan::new(site, &format!("rival:{}", r.name)))
                    }
                })
                .collect(),
            groups: scenario
                .market
                .groups
                .iter()
                .map(|g| (stream_key(&["group", &g.name]), g.rho))
                .collect(),
            prepared: Prepared::new(scenario),
        }
    }

    /// Samples run `run` and simulates it: every site's draw and engine run, and the money.
    fn sample(&self, run: u64) -> SampledRun {
        let sc = self.scenario;
        let group_z: Vec<f64> = self
            .groups
            .iter()
            .map(|(key, _)| Stream::new(self.seed, *key, run).normal())
            .collect();
        let draws: Vec<Draw> = self
            .sites
            .iter()
            .map(|p| p.draw(self.seed, run, &group_z, &self.groups))
            .collect();
        let runs: Vec<SiteRun> = sc
            .sites
            .iter()
            .zip(&draws)
            .map(|(site, draw)| {
                let options = Options {
                    log: false,
                    totals_only: true,
                };
                engine::simulate(sc, site, draw, options)
            })
            .collect();
        let rival_draws: Vec<RivalDraw> = self
            .rivals
            .iter()
            .map(|r| match r {
                RivalPlan::Date(sampler, key) => RivalDraw::PowerOn(whole_days(
                    sampler.sample(Stream::new(self.seed, *key, run).normal()),
                )),
                RivalPlan::Site(plan) => {
                    RivalDraw::Site(plan.draw(self.seed, run, &group_z, &self.groups))
                }
            })
            .collect();
        let economics = self.prepared.evaluate(sc, &runs, &rival_draws, false);
        SampledRun {
            run,
            draws,
            sites: runs,
            economics,
        }
    }

    fn run(&self, run: u64, agg: &mut Aggregate) {
        let sc = self.scenario;
        let horizon = sc.horizon_day();
        let SampledRun {
            draws,
            sites: runs,
            economics: money,
            ..
        } = self.sample(run);

        let never = horizon + 1;
        let mut sens = Vec::new();
        for (i, ((site, r), draw)) in sc.sites.iter().zip(&runs).zip(&draws).enumerate() {
            let first = r.orders.iter().filter_map(|p| p.first_power_on).min();
            let full = if r.orders.is_empty() || r.orders.iter().any(|p| p.full_power_on.is_none())
            {
                None
            } else {
                r.orders.iter().filter_map(|p| p.full_power_on).max()
            };
            let critical = critical_to_first_power_on(site, r, self.sites[i].graph.as_ref(), first);
            let m = &money.sites[i];
            let outcome = SiteOutcome {
                first_power_on: first.unwrap_or(never),
                full_power_on: full.unwrap_or(never),
                dark: r.dark.totals(),
                npv: m.npv.round() as i64,
                task_finish: r.schedule.finish.iter().map(|&f| f.min(never)).collect(),
                task_days: draw.task_days.clone(),
                critical,
                windows: m
                    .orders
                    .iter()
                    .map(|o| {
                        (
                            o.window.map_or(0, |w| w.days()),
                            o.totals.premium.round() as i64,
                        )
                    })
                    .collect(),
            };
            agg.sites[i].add(&outcome);
            if run < SENSITIVITY_RUNS {
                let as_u16 = |d: Day| u16::try_from(d).unwrap_or(u16::MAX);
                sens.extend(outcome.task_days.iter().map(|&d| as_u16(d)));
                sens.push(as_u16(outcome.first_power_on));
            }
        }
        if run < SENSITIVITY_RUNS {
            agg.sensitivity.insert(run, sens);
        }
        // Did we power each rival's generation before it?
        for (k, (rival, outcome)) in sc.market.rivals.iter().zip(&money.rivals).enumerate() {
            let ours = sc
                .sites
                .iter()
                .zip(&runs)
                .flat_map(|(s, r)| s.orders.iter().zip(&r.orders))
                .filter(|(o, _)| o.generation == rival.generation)
                .filter_map(|(_, p)| p.first_power_on)
                .min();
            let before = match (ours, outcome.first_power_on) {
                (Some(a), Some(b)) => a < b,
                (Some(_), None) => true,
                (None, _) => false,
            };
            agg.before_rival[k] += u64::from(before);
        }
        agg.runs += 1;
    }
}

/// Tasks on the chain that set the site's first power-on: the constraint
/// that cleared last before the first rack was energized (power, a hall, or
/// the order's delivery) and every task that drove its date.
fn critical_to_first_power_on(
    site: &Site,
    run: &SiteRun,
    graph: Option<&TaskGraph>,
    first: Option<Day>,
) -> Vec<bool> {
    let mut critical = vec![false; site.tasks.len()];
    let (Some(graph), Some(first)) = (graph, first) else {
        return critical;
    };
    let Some(o) = run
        .orders
        .iter()
        .position(|p| p.first_power_on == Some(first))
    else {
        return critical;
    };
    let order = &site.orders[o];
    // Candidate constraints: (day it cleared, task behind it).
    let mut candidates: Vec<(Day, Option<usize>)> = Vec::new();
    if let Some(d) = run.orders[o].first_delivery {
        let t = match order.ordered {
            Trigger::Task(t) => Some(t),
            Trigger::Day(_) => None,
        };
        candidates.push((d, t));
    }
    if let Some((h, &ready)) = site
        .halls
        .iter()
        .zip(&run.hall_ready)
        .filter(|(h, _)| h.it_watts >= order.rack_it_watts)
        .min_by_key(|(_, d)| **d)
    {
        candidates.push((ready, Some(h.ready)));
    }
    if let Some(p) = run
        .power_curve
        .iter()
        .find(|p| p.available_watts >= order.rack_facility_watts)
    {
        let source = site
            .power
            .iter()
            .zip(&run.power_windows)
            .filter(|(_, w)| w.0 == p.day)
            .map(|(s, _)| s)
            .next();
        if let Some(s) = source {
            let t = match s.from {
                Trigger::Task(t) => Some(t),
                Trigger::Day(_) => None,
            };
            candidates.push((p.day, t));
        }
    }
    // The latest to clear binds; on a tie, power before halls before delivery.
    // `max_by_key` keeps the last maximum: candidates were pushed delivery, hall, power.
    if let Some((_, Some(task))) = candidates.iter().max_by_key(|(d, _)| *d) {
        for t in graph.driving_chain(&run.schedule, *task) {
            critical[t] = true;
        }
    }
    critical
}

/// Runs the Monte Carlo; `progress` is called once per finished run.
pub fn run(
    scenario: &Scenario,
    options: McOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<McResult, rayon::ThreadPoolBuildError> {
    let (agg, samples) = aggregate(scenario, options, 0..options.runs, progress)?;
    Ok(McResult::from(scenario, options, agg, &samples))
}

/// Runs `runs` (a block of `0..options.runs`: a shard, or all of them) into
/// one aggregate and the block's sensitivity samples.
fn aggregate(
    scenario: &Scenario,
    options: McOptions,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Aggregate, Samples), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()?;
    let plan = pool.install(|| Plan::new(scenario, options.seed));
    // One aggregate per worker thread, each taking the next chunk of runs
    // until none is left: memory holds `threads` aggregates however many
    // runs there are (a rayon `fold` made one per split, and more splits and
    // a deeper reduction with more runs). The split does not matter to the
    // result: merging adds integers, and sensitivity rows are keyed by run.
    let chunks = (runs.end.saturating_sub(runs.start)).div_ceil(RUNS_PER_CHUNK);
    let next = AtomicU64::new(0);
    let samples = Mutex::new(Samples::new(scenario, &runs));
    let aggregates = pool.broadcast(|_| {
        let mut agg = Aggregate::new(scenario);
        loop {
            let c = next.fetch_add(1, AtomicOrdering::Relaxed);
            if c >= chunks {
                return agg;
            }
            let first = runs.start + c * RUNS_PER_CHUNK;
            for run in first..(first + RUNS_PER_CHUNK).min(runs.end) {
                plan.run(run, &mut agg);
                progress();
            }
            if !agg.sensitivity.is_empty() {
                // A poisoned lock only means another worker panicked.
                let mut table = samples.lock().unwrap_or_else(|e| e.into_inner());
                table.take(&mut agg.sensitivity);
            }
        }
    });
    let agg = aggregates
        .into_iter()
        .reduce(Aggregate::merge)
        .unwrap_or_else(|| Aggregate::new(scenario));
    let samples = samples.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok((agg, samples))
}

/// The sensitivity samples of the runs below [`SENSITIVITY_RUNS`] in a
/// block of runs: one row of `stride` days per run (each site's task
/// durations, then its first power-on), in run order, allocated once at two
/// bytes a sample. Workers collect a chunk's rows in their aggregate and move
/// them here after each chunk, so memory stops growing at that many runs.
pub(crate) struct Samples {
    stride: usize,
    first: u64,
    rows: Vec<u16>,
}

impl Samples {
    fn new(scenario: &Scenario, runs: &std::ops::Range<u64>) -> Self {
        let stride = scenario.sites.iter().map(|s| s.tasks.len() + 1).sum();
        let first = runs.start.min(SENSITIVITY_RUNS);
        let kept = runs.end.min(SENSITIVITY_RUNS).saturating_sub(first) as usize;
        Samples {
            stride,
            first,
            rows: vec![0; kept * stride],
        }
    }

    /// Moves a chunk's rows into their places.
    fn take(&mut self, chunk: &mut BTreeMap<u64, Vec<u16>>) {
        for (run, row) in std::mem::take(chunk) {
            let at = run.saturating_sub(self.first) as usize * self.stride;
            if let Some(slot) = self.rows.get_mut(at..at + self.stride) {
                for (to, from) in slot.iter_mut().zip(&row) {
                    *to = *from;
                }
            }
        }
    }

    /// Rows keyed by run, as shard files keep them.
    pub(crate) fn to_map(&self) -> BTreeMap<u64, Vec<u16>> {
        (self.first..)
            .zip(self.rows())
            .map(|(run, row)| (run, row.to_vec()))
            .collect()
    }

    /// Rows keyed by run (those of a whole Monte Carlo: runs `0..n`).
    pub(crate) fn from_map(scenario: &Scenario, map: &BTreeMap<u64, Vec<u16>>) -> Self {
        let end = map.keys().next_back().map_or(0, |&r| r + 1);
        let mut samples = Samples::new(scenario, &(0..end));
        samples.take(&mut map.clone());
        samples
    }

    /// Every kept run's row, in run order.
    fn rows(&self) -> impl Iterator<Item = &[u16]> {
        self.rows.chunks_exact(self.stride.max(1))
    }
}

pub const FORMAT: &str = "warmshell-mc";
pub const VERSION: u32 = 1;

/// The results, as `mc.json` holds them (docs/montecarlo.md).
#[derive(Debug, Clone, Serialize)]
pub struct McResult {
    pub format: &'static str,
    pub version: u32,
    pub runs: u64,
    pub seed: u64,
    pub start: String,
    pub horizon: String,
    pub sites: Vec<SiteMc>,
    pub rivals: Vec<RivalMc>,
}

/// Percentiles of a date; `null` where that share of runs had not got there by the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct DateStats {
    pub p10: Option<String>,
    pub p50: Option<String>,
    pub p90: Option<String>,
    /// Mean over the runs that got there by the horizon.
    pub mean: Option<String>,
    /// Share of runs that did not get there by the horizon.
    pub not_by_horizon: f64,
    /// 95% confidence interval of the P50 (run-to-run noise of this estimate).
    pub p50_ci95: (Option<String>, Option<String>),
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteMc {
    pub id: String,
    pub first_power_on: DateStats,
    pub full_power_on: DateStats,
    pub dark_gpu_days: Summary,
    /// Share of all dark GPU-days by reason.
    pub dark_share: DarkShare,
    pub npv_usd: Summary,
    pub orders: Vec<OrderMc>,
    pub tasks: Vec<TaskMc>,
    /// (first power-on day, runs) for every day some run got there; day
    /// `horizon + 1` counts runs that did not by the horizon. For the
    /// report's S-curves; not in `mc.json`.
    #[serde(skip)]
    pub first_power_on_days: Vec<(i64, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DarkShare {
    pub shell: f64,
    pub crew: f64,
    pub power: f64,
    pub burn_in: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderMc {
    pub id: String,
    pub window_days: Summary,
    pub premium_usd: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskMc {
    pub id: String,
    pub finish: DateStats,
    /// Share of runs in which the task drove the site's first power-on.
    pub criticality: f64,
    /// Spearman rank correlation of the task's duration with the first power-on.
    pub sensitivity: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RivalMc {
    pub name: String,
    pub generation: String,
    /// Share of runs in which our first rack of that generation powered on before the rival's.
    pub p_we_power_first: f64,
}

impl McResult {
    fn from(scenario: &Scenario, options: McOptions, agg: Aggregate, samples: &Samples) -> Self {
        let horizon = scenario.horizon_day();
        let n = agg.runs.max(1) as f64;
        // Where each site's samples start in a run's sensitivity record.
        let offsets: Vec<usize> = scenario
            .sites
            .iter()
            .scan(0, |at, s| {
                let here = *at;
                *at += s.tasks.len() + 1;
                Some(here)
            })
            .collect();
        let sites = scenario
            .sites
            .iter()
            .zip(&agg.sites)
            .enumerate()
            .map(|(i, (site, a))| {
                let at = offsets[i];
                let samples = |k: usize| -> Vec<f64> {
                    samples.rows().map(|v| f64::from(v[at + k])).collect()
                };
                let first = samples(site.tasks.len());
                let reasons: u128 = a.dark_by_reason.iter().sum();
                let share = |r: usize| {
                    if reasons == 0 {
                        0.0
                    } else {
                        a.dark_by_reason[r] as f64 / reasons as f64
                    }
                };
                SiteMc {
                    id: site.id.clone(),
                    first_power_on: date_stats(scenario, &a.first_power_on, horizon),
                    full_power_on: date_stats(scenario, &a.full_power_on, horizon),
                    dark_gpu_days: a.dark_total.summary(),
                    dark_share: DarkShare {
                        shell: share(0),
                        crew: share(1),
                        power: share(2),
                        burn_in: share(3),
                    },
                    npv_usd: a.npv.summary(),
                    orders: site
                        .orders
                        .iter()
                        .zip(a.window_days.iter().zip(&a.premium))
                        .map(|(o, (w, p))| OrderMc {
                            id: o.id.clone(),
                            window_days: w.summary(),
                            premium_usd: p.summary(),
                        })
                        .collect(),
                    tasks: site
                        .tasks
                        .iter()
                        .enumerate()
                        .map(|(t, task)| {
                            let days = samples(t);
                            TaskMc {
                                id: task.id.clone(),
                                finish: date_stats(scenario, &a.task_finish[t], horizon),
                                criticality: a.critical[t] as f64 / n,
                                sensitivity: spearman(&days, &first),
                            }
                        })
                        .collect(),
                    first_power_on_days: a.first_power_on.iter().filter(|(_, c)| *c > 0).collect(),
                }
            })
            .collect();
        let rivals = scenario
            .market
            .rivals
            .iter()
            .zip(&agg.before_rival)
            .map(|(r, &c)| RivalMc {
                name: r.name.clone(),
                generation: scenario.market.generations[r.generation].name.clone(),
                p_we_power_first: c as f64 / n,
            })
            .collect();
        McResult {
            format: FORMAT,
            version: VERSION,
            runs: agg.runs,
            seed: options.seed,
            start: scenario.start.to_string(),
            horizon: scenario.horizon.to_string(),
            sites,
            rivals,
        }
    }
}

fn date_stats(scenario: &Scenario, h: &Histogram, horizon: Day) -> DateStats {
    let s = h.summary();
    let date =
        |d: i64| (d <= i64::from(horizon)).then(|| scenario.date(d.max(0) as Day).to_string());
    let (mut sum, mut count, mut late) = (0i128, 0u64, 0u64);
    for (v, c) in h.iter() {
        if v <= i64::from(horizon) {
            sum += i128::from(v) * i128::from(c);
            count += c;
        } else {
            late += c;
        }
    }
    DateStats {
        p10: date(s.p10),
        p50: date(s.p50),
        p90: date(s.p90),
        mean: (count > 0).then(|| {
            scenario
                .date((sum as f64 / count as f64).round() as Day)
                .to_string()
        }),
        not_by_horizon: if h.is_empty() {
            0.0
        } else {
            late as f64 / h.len() as f64
        },
        p50_ci95: (date(s.p50_ci95.0), date(s.p50_ci95.1)),
    }
}
