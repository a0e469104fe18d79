//! `warmshell advise`: for each GPU order, the order date (and, if asked, the
//! generation) that maximizes NPV, or minimizes dark GPU-days, given when its
//! site's shell and power arrive.
//!
//! Each order is advised on its own, every other order as planned. Candidate
//! dates are searched coarse to fine: a scan every [`COARSE_DAYS`] days over every
//! date from which the order can still be delivered by the horizon, then every
//! day around the best few coarse dates. Under Monte Carlo each candidate is
//! judged over the same N runs with the same seed (common random numbers), by
//! the mean or a percentile. Method and caveats: docs/decisions.md.

use std::collections::BTreeMap;
use std::io;

use crate::lever::{Lever, LeverError, Value};
use crate::montecarlo::map_runs;
use crate::scenario::{Day, Scenario};
use crate::sweep::chart::{Axis, Chart, Mark, Panel, Series};
use crate::sweep::{Evaluator, gpu_days_m, money_m};
use crate::timeline::dollars;

/// Days between coarse candidates (deterministic).
pub const COARSE_DAYS: u32 = 7;
/// Days between coarse candidates under Monte Carlo (then weekly, then daily).
pub const MC_COARSE_DAYS: u32 = 28;
/// How many of the best coarse candidates are refined.
const REFINE: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Maximize portfolio NPV.
    Npv,
    /// Minimize the site's dark GPU-days (among dates that leave the order earning in full).
    Dark,
}

/// How Monte Carlo runs are summed up into one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    Mean,
    /// The p-th percentile (1..=99), nearest rank.
    Percentile(u8),
}

impl Stat {
    pub fn parse(text: &str) -> Result<Stat, LeverError> {
        if text == "mean" {
            return Ok(Stat::Mean);
        }
        match text.strip_prefix('p').and_then(|p| p.parse::<u8>().ok()) {
            Some(p) if (1..=99).contains(&p) => Ok(Stat::Percentile(p)),
            _ => Err(LeverError(format!(
                "`{text}` is not a statistic; write mean, or a percentile p1..p99 (e.g. p10, p50, p90)"
            ))),
        }
    }

    fn name(self) -> String {
        match self {
            Stat::Mean => "mean".into(),
            Stat::Percentile(p) => format!("P{p}"),
        }
    }

    /// Of a non-empty set of values.
    fn of(self, values: &mut [f64]) -> f64 {
        if values.is_empty() {
            return 0.0;
        }
        match self {
            Stat::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Stat::Percentile(p) => {
                values.sort_by(f64::total_cmp);
                let rank = (f64::from(p) / 100.0 * values.len() as f64).ceil() as usize;
                values[rank.clamp(1, values.len()) - 1]
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Mc {
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
    pub stat: Stat,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// (site, order) pairs; empty: every order of every site.
    pub orders: Vec<(usize, usize)>,
    pub objective: Objective,
    /// Generations to try besides the order's own; `None`: its own only.
    pub generations: Option<Vec<usize>>,
    pub mc: Option<Mc>,
}

/// One candidate's figures: deterministic values, or the statistic over runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Portfolio NPV.
    pub npv: f64,
    /// The site's dark GPU-days.
    pub dark: f64,
    /// GPUs of the order earning at the horizon (the mean, under Monte Carlo).
    pub earning: f64,
    /// The order's first power-on (deterministic runs only).
    pub first_power_on: Option<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub generation: usize,
    pub racks: u32,
    pub day: Day,
    pub score: Score,
}

#[derive(Debug, Clone)]
pub struct OrderAdvice {
    pub site: usize,
    pub order: usize,
    /// The plan as it stands (its own trigger, generation and racks).
    pub plan: Candidate,
    pub best: Candidate,
    /// The earliest candidate day of the best generation (delivery when it ships, or day 0).
    pub earliest: Day,
    /// The latest candidate day of the best generation (first delivery on the horizon).
    pub latest: Day,
    /// Every candidate evaluated, by generation then date.
    pub curve: Vec<Candidate>,
}

#[derive(Debug, Clone)]
pub struct Advice {
    pub objective: Objective,
    pub mc: Option<Mc>,
    pub orders: Vec<OrderAdvice>,
}

/// Parses `SITE/ORDER` against the scenario.
pub fn parse_order(scenario: &Scenario, text: &str) -> Result<(usize, usize), LeverError> {
    match Lever::parse(scenario, &format!("order-date:{text}"))? {
        Lever::OrderDate { site, order } => Ok((site, order)),
        _ => Err(LeverError(format!("`{text}` is not SITE/ORDER"))),
    }
}

/// Judges candidate scenarios (changed in one site) by the options' objective.
struct Judge<'a> {
    scenario: &'a Scenario,
    eval: Evaluator<'a>,
    mc: Option<Mc>,
}

impl Judge<'_> {
    fn score(
        &mut self,
        variant: &Scenario,
        site: usize,
        order: usize,
    ) -> Result<Score, LeverError> {
        match self.mc {
            None => {
                let o = self.eval.eval(variant, site);
                let so = &o.sites[site];
                Ok(Score {
                    npv: o.npv,
                    dark: so.dark.total as f64,
                    earning: so.orders[order].earning_at_horizon as f64,
                    first_power_on: so.orders[order].first_power_on,
                })
            }
            Some(mc) => {
                let per_run = map_runs(variant, mc.seed, 0..mc.runs, mc.threads, |r| {
                    let s = &r.sites[site];
                    (
                        r.economics.portfolio.npv,
                        s.dark
                            .totals()
                            .iter()
                            .fold(0u64, |a, b| a.saturating_add(*b)) as f64,
                        s.orders[order].at_horizon.earning as f64,
                    )
                })
                .map_err(|e| LeverError(format!("cannot start {} threads: {e}", mc.threads)))?;
                let mut npv: Vec<f64> = per_run.iter().map(|r| r.0).collect();
                let mut dark: Vec<f64> = per_run.iter().map(|r| r.1).collect();
                let mut earning: Vec<f64> = per_run.iter().map(|r| r.2).collect();
                Ok(Score {
                    npv: mc.stat.of(&mut npv),
                    dark: mc.stat.of(&mut dark),
                    earning: Stat::Mean.of(&mut earning),
                    first_power_on: None,
                })
            }
        }
    }

    fn plan(&mut self, site: usize, order: usize) -> Result<Candidate, LeverError> {
        let scenario = self.scenario;
        let score = self.score(scenario, site, order)?;
        let o = &scenario.sites[site].orders[order];
        let placed = crate::lever::Baseline::new(&scenario.sites[site]).placed[order];
        Ok(Candidate {
            generation: o.generation,
            racks: o.racks,
            day: placed,
            score,
        })
    }
}

/// Whether `a` is better than `b` under the objective, among `feasible` candidates.
/// Ties go to the earlier date (the earliest date that is as good).
fn better(objective: Objective, a: &Candidate, b: &Candidate) -> bool {
    let key = |c: &Candidate| match objective {
        Objective::Npv => -c.score.npv,
        Objective::Dark => c.score.dark,
    };
    match key(a).total_cmp(&key(b)) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a.day < b.day,
    }
}

/// `better` as an ordering: the better candidate first.
fn rank(objective: Objective, a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    if better(objective, a, b) {
        std::cmp::Ordering::Less
    } else if better(objective, b, a) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// The dark objective ignores dates that leave the order earning less at the horizon
/// than the best date does: otherwise never buying would be the least dark.
fn feasible(objective: Objective, candidates: &[Candidate], gpus: f64) -> Vec<Candidate> {
    match objective {
        Objective::Npv => candidates.to_vec(),
        Objective::Dark => {
            let most = candidates
                .iter()
                .map(|c| c.score.earning)
                .fold(f64::MIN, f64::max);
            // Under Monte Carlo the mean may fall short by a rare late run: allow 0.1 %.
            let tol = gpus * 1e-3;
            candidates
                .iter()
                .filter(|c| c.score.earning >= most - tol)
                .copied()
                .collect()
        }
    }
}

fn best_of(objective: Objective, candidates: &[Candidate], gpus: f64) -> Option<Candidate> {
    let ok = feasible(objective, candidates, gpus);
    let mut best: Option<Candidate> = None;
    for c in ok {
        if best.as_ref().is_none_or(|b| better(objective, &c, b)) {
            best = Some(c);
        }
    }
    best
}

/// Advises every chosen order.
pub fn advise(scenario: &Scenario, options: &Options) -> Result<Advice, LeverError> {
    let targets: Vec<(usize, usize)> = if options.orders.is_empty() {
        scenario
            .sites
            .iter()
            .enumerate()
            .flat_map(|(s, site)| (0..site.orders.len()).map(move |o| (s, o)))
            .collect()
    } else {
        options.orders.clone()
    };
    if targets.is_empty() {
        return Err(LeverError(
            "this scenario has no GPU orders to advise on".into(),
        ));
    }
    let mut judge = Judge {
        scenario,
        eval: Evaluator::new(scenario),
        mc: options.mc,
    };
    let mut out = Vec::with_capacity(targets.len());
    for (site, order) in targets {
        out.push(advise_order(&mut judge, options, site, order)?);
    }
    Ok(Advice {
        objective: options.objective,
        mc: options.mc,
        orders: out,
    })
}

fn advise_order(
    judge: &mut Judge,
    options: &Options,
    site: usize,
    order: usize,
) -> Result<OrderAdvice, LeverError> {
    let scenario = judge.scenario;
    let o = &scenario.sites[site].orders[order];
    let horizon = scenario.horizon_day();
    let lead = o.lead_time.point();
    let plan = judge.plan(site, order)?;
    let mut generations = vec![o.generation];
    if let Some(list) = &options.generations {
        let own_available = scenario.market.generations[o.generation].available;
        let more: Vec<usize> = if list.is_empty() {
            // The order's generation and every later one.
            (0..scenario.market.generations.len())
                .filter(|&g| scenario.market.generations[g].available >= own_available)
                .collect()
        } else {
            list.clone()
        };
        for g in more {
            if !generations.contains(&g) {
                generations.push(g);
            }
        }
    }
    let date_lever = Lever::OrderDate { site, order };
    let gen_lever = Lever::OrderGeneration { site, order };
    let mut curve: Vec<Candidate> = Vec::new();
    // (generation, GPUs of the order, the earliest and latest candidate days)
    let mut gpus_by_generation: Vec<(usize, f64, Day, Day)> = Vec::new();
    for &g in &generations {
        // The order switched to generation g (its own: unchanged).
        let with_gen = match gen_lever.apply(scenario, Value::Generation(g)) {
            Ok(s) => s,
            // A generation whose racks never fit this site is no candidate.
            Err(_) if g != o.generation => continue,
            Err(e) => return Err(e),
        };
        // Delivered no earlier than the generation ships, and by the horizon.
        let available = scenario.market.available_day(g, scenario.start).max(0);
        let lo = u32::try_from((available - i64::from(lead)).max(0)).unwrap_or(0);
        let Some(hi) = horizon.checked_sub(lead) else {
            continue;
        };
        if hi < lo {
            continue;
        }
        let racks = with_gen.sites[site].orders[order].racks;
        let gpus = f64::from(racks) * f64::from(with_gen.sites[site].orders[order].gpus_per_rack);
        let mut seen: BTreeMap<Day, Candidate> = BTreeMap::new();
        let try_day = |seen: &mut BTreeMap<Day, Candidate>,
                       day: Day,
                       judge: &mut Judge|
         -> Result<(), LeverError> {
            if seen.contains_key(&day) || !(lo..=hi).contains(&day) {
                return Ok(());
            }
            let variant = date_lever.apply(&with_gen, Value::On(day))?;
            let score = judge.score(&variant, site, order)?;
            seen.insert(
                day,
                Candidate {
                    generation: g,
                    racks,
                    day,
                    score,
                },
            );
            Ok(())
        };
        let steps: &[u32] = if judge.mc.is_some() {
            &[MC_COARSE_DAYS, 7, 1]
        } else {
            &[COARSE_DAYS, 1]
        };
        // Coarse scan, including both ends.
        let mut d = lo;
        while d < hi {
            try_day(&mut seen, d, judge)?;
            d = d.saturating_add(steps[0]);
        }
        try_day(&mut seen, hi, judge)?;
        // The plan's own date is always a candidate: the advice is then never worse than
        // the plan's date (in a deterministic run, the plan itself).
        if g == o.generation {
            try_day(&mut seen, plan.day, judge)?;
        }
        // Refine around the best few at each finer step.
        for w in steps.windows(2) {
            let (wide, fine) = (w[0], w[1]);
            let mut ranked = feasible(
                options.objective,
                &seen.values().copied().collect::<Vec<_>>(),
                gpus,
            );
            ranked.sort_by(|a, b| rank(options.objective, a, b));
            let centres: Vec<Day> = ranked.iter().take(REFINE).map(|c| c.day).collect();
            for c in centres {
                let reach = wide - 1;
                let mut d = c.saturating_sub(reach);
                while d <= c.saturating_add(reach) {
                    try_day(&mut seen, d, judge)?;
                    d += fine;
                }
            }
        }
        gpus_by_generation.push((g, gpus, lo, hi));
        curve.extend(seen.into_values());
    }
    if gpus_by_generation.is_empty() {
        return Err(LeverError(format!(
            "order `{}` at `{}` cannot be delivered by the horizon from any date: its lead time is {lead} days",
            o.id, scenario.sites[site].id
        )));
    }
    // The best per generation (each with its own feasibility), then across generations.
    let mut best: Option<Candidate> = None;
    let mut best_gpus = 1.0;
    let (mut earliest, mut latest) = (0, 0);
    for &(g, gpus, lo, hi) in &gpus_by_generation {
        let of_g: Vec<Candidate> = curve
            .iter()
            .filter(|c| c.generation == g)
            .copied()
            .collect();
        let Some(b) = best_of(options.objective, &of_g, gpus) else {
            continue;
        };
        // Generations buy different GPU counts: across them, dark GPU-days count per GPU.
        let wins = best.is_none_or(|cur: Candidate| match options.objective {
            Objective::Npv => rank(options.objective, &b, &cur).is_lt(),
            Objective::Dark => b.score.dark / gpus.max(1.0) < cur.score.dark / best_gpus,
        });
        if wins {
            best = Some(b);
            best_gpus = gpus.max(1.0);
            (earliest, latest) = (lo, hi);
        }
    }
    let best = best.ok_or_else(|| LeverError("no candidate date was found".into()))?;
    Ok(OrderAdvice {
        site,
        order,
        plan,
        best,
        earliest,
        latest,
        curve,
    })
}

/// Whether the best candidate was chosen for NPV (its NPV beats the plan's or equals it).
fn improves_npv(a: &OrderAdvice) -> bool {
    a.best.score.npv >= a.plan.score.npv
}

/// Whether following the advice changes nothing worth a planner's time.
fn keep_plan(a: &OrderAdvice) -> bool {
    a.best.generation == a.plan.generation && a.best.day.abs_diff(a.plan.day) <= 1
}

/// The recommendation, in planner's words.
pub fn sentence(scenario: &Scenario, a: &OrderAdvice) -> String {
    let site = &scenario.sites[a.site];
    let o = &site.orders[a.order];
    let gen_name = |g: usize| scenario.market.generations[g].name.clone();
    let date = |d: Day| scenario.date(d).to_string();
    let month = |d: Day| scenario.date(d).format("%Y-%m").to_string();
    let d_npv = a.best.score.npv - a.plan.score.npv;
    let d_dark = a.best.score.dark - a.plan.score.dark;
    if keep_plan(a) {
        return format!(
            "keep {}/{}: order {} on {} as planned (the best date found, {}, changes NPV by {})",
            site.id,
            o.id,
            gen_name(a.plan.generation),
            date(a.plan.day),
            date(a.best.day),
            money_m(d_npv)
        );
    }
    let what = if a.best.generation == a.plan.generation {
        format!("{}/{}", site.id, o.id)
    } else {
        format!(
            "{}/{} as {} ({} rack{}, the same IT MW) rather than {},",
            site.id,
            o.id,
            gen_name(a.best.generation),
            a.best.racks,
            if a.best.racks == 1 { "" } else { "s" },
            gen_name(a.plan.generation)
        )
    };
    let shift = i64::from(a.best.day) - i64::from(a.plan.day);
    let power = match (a.best.score.first_power_on, a.plan.score.first_power_on) {
        (Some(b), Some(p)) => format!("; first power-on {} (plan {})", date(b), date(p)),
        (Some(b), None) => format!("; first power-on {}", date(b)),
        _ => String::new(),
    };
    // At the edge, the curve still rises: the order is worth most when it barely runs.
    let edge = if a.best.day + 7 >= a.latest && improves_npv(a) {
        "; this is the latest date that still delivers by the horizon: in this scenario the order \
         does not pay for itself, so later (or smaller) is better"
    } else if a.best.day == a.earliest && a.earliest > 0 {
        "; the earliest date that delivers no sooner than the generation ships"
    } else {
        ""
    };
    // Months read best; within one month, the dates say more.
    let (when, instead, on) = if month(a.best.day) == month(a.plan.day) {
        (
            format!("on {}", date(a.best.day)),
            date(a.plan.day),
            String::new(),
        )
    } else {
        (
            format!("in {}", month(a.best.day)),
            month(a.plan.day),
            format!("on {}, ", date(a.best.day)),
        )
    };
    format!(
        "order {what} {when} instead of {instead} ({on}{} days {}): dark GPU-days {}, NPV {}{power}{edge}",
        shift.abs(),
        if shift < 0 { "earlier" } else { "later" },
        gpu_days_m(d_dark),
        money_m(d_npv),
    )
}

/// The terminal report.
pub fn render(scenario: &Scenario, advice: &Advice) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let basis = match advice.mc {
        None => "deterministic runs (point values)".to_owned(),
        Some(mc) => format!(
            "{} over {} Monte Carlo runs (seed {}, the same runs for every candidate)",
            mc.stat.name(),
            mc.runs,
            mc.seed
        ),
    };
    let goal = match advice.objective {
        Objective::Npv => "maximize portfolio NPV",
        Objective::Dark => "minimize the site's dark GPU-days",
    };
    let _ = writeln!(out, "advise: {goal}; {basis}");
    for a in &advice.orders {
        let _ = writeln!(out, "  {}", sentence(scenario, a));
    }
    out
}

/// `advise.csv`: every candidate evaluated, and the plan, per order.
pub fn csv(scenario: &Scenario, advice: &Advice) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "site",
        "order",
        "choice",
        "generation",
        "racks",
        "order_date",
        "npv_usd",
        "npv_delta_usd",
        "dark_gpu_days",
        "dark_delta_gpu_days",
        "earning_gpus_at_horizon",
        "first_power_on",
    ])?;
    for a in &advice.orders {
        let site = &scenario.sites[a.site];
        let rows = std::iter::once(("plan", &a.plan)).chain(a.curve.iter().map(|c| {
            (
                if c.generation == a.best.generation && c.day == a.best.day {
                    "best"
                } else {
                    ""
                },
                c,
            )
        }));
        for (choice, c) in rows {
            w.write_record([
                site.id.clone(),
                site.orders[a.order].id.clone(),
                choice.to_owned(),
                scenario.market.generations[c.generation].name.clone(),
                c.racks.to_string(),
                scenario.date(c.day).to_string(),
                dollars(c.score.npv).to_string(),
                dollars(c.score.npv - a.plan.score.npv).to_string(),
                format!("{:.0}", c.score.dark),
                format!("{:.0}", c.score.dark - a.plan.score.dark),
                format!("{:.0}", c.score.earning),
                c.score
                    .first_power_on
                    .map(|d| scenario.date(d).to_string())
                    .unwrap_or_default(),
            ])?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `advise.svg`: one panel per order, the objective against the order date, per generation.
pub fn svg(scenario: &Scenario, advice: &Advice) -> String {
    let panels = advice
        .orders
        .iter()
        .map(|a| {
            let site = &scenario.sites[a.site];
            let mut gens: Vec<usize> = a.curve.iter().map(|c| c.generation).collect();
            gens.dedup();
            let y = |c: &Candidate| match advice.objective {
                Objective::Npv => (c.score.npv - a.plan.score.npv) / 1e6,
                Objective::Dark => c.score.dark / 1e6,
            };
            Panel {
                y_label: match advice.objective {
                    Objective::Npv => "NPV vs plan ($M)".into(),
                    Objective::Dark => "site dark GPU-days (M)".into(),
                },
                series: gens
                    .iter()
                    .map(|&g| Series {
                        name: format!(
                            "{}/{} {}",
                            site.id, site.orders[a.order].id, scenario.market.generations[g].name
                        ),
                        points: a
                            .curve
                            .iter()
                            .filter(|c| c.generation == g)
                            .map(|c| (f64::from(c.day), y(c)))
                            .collect(),
                    })
                    .collect(),
                marks: vec![
                    Mark {
                        x: f64::from(a.plan.day),
                        label: "plan".into(),
                    },
                    Mark {
                        x: f64::from(a.best.day),
                        label: "best".into(),
                    },
                ],
            }
        })
        .collect();
    Chart {
        title: "warmshell advise: outcome by order date".into(),
        x: Axis::Dates(scenario.start),
        x_label: "order date".into(),
        panels,
    }
    .render()
}
