//! Levers: one decision or assumption of a loaded scenario, changed in memory.
//!
//! A lever names what moves (`power:abilene-tx/grid`, `order-date:loudoun-va/gb300-a`, ...);
//! a [`Value`] says how far. [`Lever::apply`] returns a changed copy of the scenario, or a
//! [`LeverError`] when the change cannot be made (a power source moved before the scenario
//! start, a task started before its predecessors finish). Levers act on the plan as
//! `warmshell run` simulates it (every duration at its point value): a moved power source or
//! order is pinned to the date it gets at point values, shifted. Semantics: docs/decisions.md.

use std::fmt;

use crate::diagnostic::did_you_mean;
use crate::engine::Draw;
use crate::graph::{Schedule, TaskGraph};
use crate::scenario::decode::MAX_RACKS;
use crate::scenario::duration::{MAX_DURATION_DAYS, parse_duration, whole_days};
use crate::scenario::{Day, Distribution, Scenario, Site, Trigger, day_of};

/// Most points one sweep may have: a typo guard (`--step 1d` over ten years).
pub const MAX_POINTS: usize = 2_000;

/// A lever could not be parsed or applied; the binary exits 2 with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeverError(pub String);

impl fmt::Display for LeverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LeverError {}

fn err<T>(message: impl Into<String>) -> Result<T, LeverError> {
    Err(LeverError(message.into()))
}

/// What a lever moves. Indices point into the scenario the lever was parsed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lever {
    /// Every power source of a site: its on and off days move together.
    Energization { site: usize },
    /// One power source's on-day (and the off-day of a bridge that hands over to it).
    Power { site: usize, source: usize },
    /// A task finishes earlier or later: its duration changes by the shift.
    TaskFinish { site: usize, task: usize },
    /// A task starts earlier or later (its not-before date); it keeps its duration.
    TaskStart { site: usize, task: usize },
    /// Every parameter of a task's duration, multiplied by a factor.
    Duration { site: usize, task: usize },
    /// The day an order is placed.
    OrderDate { site: usize, order: usize },
    /// An order's rack count.
    OrderRacks { site: usize, order: usize },
    /// An order's GPU generation (the same IT MW, in the generation's racks).
    OrderGeneration { site: usize, order: usize },
}

/// How far a lever moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Days later (negative: earlier) than planned.
    Shift(i64),
    /// An absolute clock day (order dates only).
    On(Day),
    Factor(f64),
    Racks(u32),
    /// Index into `market.generations`.
    Generation(usize),
}

/// The lever kinds as written on the command line, and what each needs after the colon.
pub const KINDS: [(&str, &str); 8] = [
    ("energization", "SITE"),
    ("power", "SITE/SOURCE"),
    ("task", "SITE/TASK"),
    ("task-start", "SITE/TASK"),
    ("duration", "SITE/TASK"),
    ("order-date", "SITE/ORDER"),
    ("order-racks", "SITE/ORDER"),
    ("order-generation", "SITE/ORDER"),
];

/// What a site looks like at point values: the dates levers shift from.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub schedule: Schedule,
    /// Each power source's (on, off) day.
    pub power: Vec<(Day, Option<Day>)>,
    /// Each order's placement day.
    pub placed: Vec<Day>,
}

impl Baseline {
    pub fn new(site: &Site) -> Self {
        let durations = Draw::point(site).task_days;
        let schedule = match TaskGraph::new(&site.tasks) {
            Ok(g) => g.schedule(&site.tasks, &durations),
            // Loading rejects cycles; a hand-built site gets day 0 for everything.
            Err(_) => Schedule {
                start: vec![0; site.tasks.len()],
                finish: vec![0; site.tasks.len()],
                total_float: vec![0; site.tasks.len()],
            },
        };
        // As the engine resolves them.
        let power = site
            .power
            .iter()
            .map(|p| p.window(&schedule.finish))
            .collect();
        let placed = site
            .orders
            .iter()
            .map(|o| o.ordered.day(&schedule.finish))
            .collect();
        Baseline {
            schedule,
            power,
            placed,
        }
    }
}

impl Lever {
    /// Parses `KIND:SITE[/ID]`, resolving names against `scenario`.
    pub fn parse(scenario: &Scenario, spec: &str) -> Result<Lever, LeverError> {
        let usage = || {
            KINDS
                .iter()
                .map(|(k, what)| format!("{k}:{what}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((kind, target)) = spec.split_once(':') else {
            return err(format!(
                "`{spec}` is not a lever; write KIND:SITE/ID, one of: {}",
                usage()
            ));
        };
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            let hint = did_you_mean(kind, KINDS.iter().map(|(k, _)| *k))
                .unwrap_or_else(|| format!("levers: {}", usage()));
            return err(format!("no lever kind `{kind}`; {hint}"));
        }
        let (site_id, id) = match target.split_once('/') {
            Some((s, i)) => (s, Some(i)),
            None => (target, None),
        };
        let site = find_site(scenario, site_id)?;
        let s = &scenario.sites[site];
        let need_id = |what: &str| -> Result<&str, LeverError> {
            id.ok_or_else(|| {
                LeverError(format!(
                    "`{spec}` names no {what}; write {kind}:{site_id}/{what_upper}",
                    what_upper = what.to_uppercase()
                ))
            })
        };
        let task = |id: &str| find(id, "task", site_id, s.tasks.iter().map(|t| t.id.as_str()));
        let order = |id: &str| find(id, "order", site_id, s.orders.iter().map(|o| o.id.as_str()));
        Ok(match kind {
            "energization" => {
                if let Some(id) = id {
                    return err(format!(
                        "`energization:{site_id}` moves every power source of the site; to move one, write `power:{site_id}/{id}`"
                    ));
                }
                if s.power.is_empty() {
                    return err(format!("site `{site_id}` has no power sources to move"));
                }
                Lever::Energization { site }
            }
            "power" => Lever::Power {
                site,
                source: find(
                    need_id("source")?,
                    "power source",
                    site_id,
                    s.power.iter().map(|p| p.id.as_str()),
                )?,
            },
            "task" => Lever::TaskFinish {
                site,
                task: task(need_id("task")?)?,
            },
            "task-start" => Lever::TaskStart {
                site,
                task: task(need_id("task")?)?,
            },
            "duration" => Lever::Duration {
                site,
                task: task(need_id("task")?)?,
            },
            "order-date" => Lever::OrderDate {
                site,
                order: order(need_id("order")?)?,
            },
            "order-racks" => Lever::OrderRacks {
                site,
                order: order(need_id("order")?)?,
            },
            _ => Lever::OrderGeneration {
                site,
                order: order(need_id("order")?)?,
            },
        })
    }

    /// The site the lever changes.
    pub fn site(&self) -> usize {
        match *self {
            Lever::Energization { site }
            | Lever::Power { site, .. }
            | Lever::TaskFinish { site, .. }
            | Lever::TaskStart { site, .. }
            | Lever::Duration { site, .. }
            | Lever::OrderDate { site, .. }
            | Lever::OrderRacks { site, .. }
            | Lever::OrderGeneration { site, .. } => site,
        }
    }

    /// `kind:site/id`, as the command line takes it.
    pub fn name(&self, scenario: &Scenario) -> String {
        let s = &scenario.sites[self.site()];
        let (kind, id) = match *self {
            Lever::Energization { .. } => ("energization", None),
            Lever::Power { source, .. } => ("power", Some(&s.power[source].id)),
            Lever::TaskFinish { task, .. } => ("task", Some(&s.tasks[task].id)),
            Lever::TaskStart { task, .. } => ("task-start", Some(&s.tasks[task].id)),
            Lever::Duration { task, .. } => ("duration", Some(&s.tasks[task].id)),
            Lever::OrderDate { order, .. } => ("order-date", Some(&s.orders[order].id)),
            Lever::OrderRacks { order, .. } => ("order-racks", Some(&s.orders[order].id)),
            Lever::OrderGeneration { order, .. } => ("order-generation", Some(&s.orders[order].id)),
        };
        match id {
            Some(id) => format!("{kind}:{}/{id}", s.id),
            None => format!("{kind}:{}", s.id),
        }
    }

    /// Whether the lever's values are shifts in days (its zero is the plan).
    pub fn is_shift(&self) -> bool {
        matches!(
            self,
            Lever::Energization { .. }
                | Lever::Power { .. }
                | Lever::TaskFinish { .. }
                | Lever::TaskStart { .. }
                | Lever::OrderDate { .. }
        )
    }

    /// Whether the lever changes our planned MW (so windows must be recomputed).
    pub fn changes_plan(&self) -> bool {
        matches!(
            self,
            Lever::OrderRacks { .. } | Lever::OrderGeneration { .. }
        )
    }

    /// The plan's own value of the lever (what the sweep's deltas are against).
    pub fn planned(&self, scenario: &Scenario) -> Value {
        let s = &scenario.sites[self.site()];
        match *self {
            Lever::Duration { .. } => Value::Factor(1.0),
            Lever::OrderRacks { order, .. } => Value::Racks(s.orders[order].racks),
            Lever::OrderGeneration { order, .. } => Value::Generation(s.orders[order].generation),
            _ => Value::Shift(0),
        }
    }

    /// A copy of `scenario` with the lever at `value`.
    pub fn apply(&self, scenario: &Scenario, value: Value) -> Result<Scenario, LeverError> {
        let mut out = scenario.clone();
        let si = self.site();
        let base = Baseline::new(&scenario.sites[si]);
        let start = scenario.start;
        let date = |d: i64| {
            u32::try_from(d)
                .map(|d| scenario.date(d).to_string())
                .unwrap_or_else(|_| format!("{d} days before the start ({start})"))
        };
        let site = &mut out.sites[si];
        let site_id = site.id.clone();
        match (*self, value) {
            (Lever::Energization { .. }, Value::Shift(k)) => {
                for (i, p) in site.power.iter_mut().enumerate() {
                    let (on, off) = base.power[i];
                    let on = shifted(on, k).ok_or_else(|| {
                        LeverError(format!(
                            "cannot move power at `{site_id}` {} days earlier: `{}` comes on {} and would start before the scenario start ({start})",
                            -k,
                            p.id,
                            date(on.into())
                        ))
                    })?;
                    p.from = Trigger::Day(on);
                    p.lag = 0;
                    p.until = off.map(|off| Trigger::Day(shifted(off, k).unwrap_or(0).max(on)));
                }
            }
            (Lever::Power { source, .. }, Value::Shift(k)) => {
                let (on, off) = base.power[source];
                let new_on = shifted(on, k).ok_or_else(|| {
                    LeverError(format!(
                        "cannot move `{}` at `{site_id}` {} days earlier: it comes on {}, and the scenario starts {start}",
                        site.power[source].id,
                        -k,
                        date(on.into())
                    ))
                })?;
                // A bridge that hands over to this source (ends the day it comes on)
                // now hands over on its new day.
                for (i, p) in site.power.iter_mut().enumerate() {
                    let (on_i, off_i) = base.power[i];
                    p.from = Trigger::Day(on_i);
                    p.lag = 0;
                    p.until = off_i.map(Trigger::Day);
                    if i != source && off_i == Some(on) {
                        p.until = Some(Trigger::Day(shifted(on, k).unwrap_or(0).max(on_i)));
                    }
                }
                let p = &mut site.power[source];
                p.from = Trigger::Day(new_on);
                p.until = off.map(|off| Trigger::Day(off.max(new_on)));
            }
            (Lever::TaskFinish { task, .. }, Value::Shift(k)) => {
                let t = &mut site.tasks[task];
                let point = t.duration.point_days();
                if point + (k as f64) < 0.0 {
                    return err(format!(
                        "task `{}` at `{site_id}` takes {} days at its point value, so it cannot finish {} days earlier by itself; move a predecessor too (`task:{site_id}/ID`)",
                        t.id,
                        whole_days(point),
                        -k
                    ));
                }
                t.duration = shift_distribution(&t.duration, k as f64);
            }
            (Lever::TaskStart { task, .. }, Value::Shift(k)) => {
                let s = &scenario.sites[si];
                let planned = base.schedule.start[task];
                let new_start = shifted(planned, k);
                // The earliest its predecessors allow.
                let mut bound: Day = 0;
                let mut binding: Option<usize> = None;
                for dep in &s.tasks[task].after {
                    let f = base.schedule.finish[dep.task].saturating_add(dep.lag);
                    if f > bound || binding.is_none() && f == bound {
                        bound = f;
                        binding = Some(dep.task);
                    }
                }
                match new_start {
                    Some(d) if d >= bound => site.tasks[task].not_before = Some(d),
                    _ => {
                        let after = match binding {
                            Some(p) => format!(
                                "it follows `{}`, which finishes {}; move that task instead (`task:{site_id}/{}`)",
                                s.tasks[p].id,
                                date(base.schedule.finish[p].into()),
                                s.tasks[p].id
                            ),
                            None => format!("the scenario starts {start}"),
                        };
                        return err(format!(
                            "task `{}` at `{site_id}` cannot start before {} ({} days earlier than planned at most): {after}",
                            s.tasks[task].id,
                            date(bound.into()),
                            planned.saturating_sub(bound)
                        ));
                    }
                }
            }
            (Lever::Duration { task, .. }, Value::Factor(f)) => {
                if !(f.is_finite() && (0.0..=100.0).contains(&f)) {
                    return err(format!(
                        "a duration factor must be between 0 and 100, not {f}"
                    ));
                }
                let t = &mut site.tasks[task];
                t.duration = scale_distribution(&t.duration, f);
            }
            (Lever::OrderDate { order, .. }, Value::Shift(k)) => {
                let planned = base.placed[order];
                let day = shifted(planned, k).ok_or_else(|| {
                    LeverError(format!(
                        "order `{}` at `{site_id}` is placed {}; {} days earlier is before the scenario start ({start})",
                        site.orders[order].id,
                        date(planned.into()),
                        -k
                    ))
                })?;
                site.orders[order].ordered = Trigger::Day(day);
            }
            (Lever::OrderDate { order, .. }, Value::On(day)) => {
                site.orders[order].ordered = Trigger::Day(day);
            }
            (Lever::OrderRacks { order, .. }, Value::Racks(n)) => {
                if n == 0 || i128::from(n) > MAX_RACKS {
                    return err(format!("an order has 1 to {MAX_RACKS} racks, not {n}"));
                }
                site.orders[order].racks = n;
            }
            (Lever::OrderGeneration { order, .. }, Value::Generation(g)) => {
                set_generation(scenario, site, order, g)?;
            }
            (lever, value) => {
                return err(format!(
                    "lever `{}` does not take the value {value:?}",
                    lever.name(scenario)
                ));
            }
        }
        Ok(out)
    }
}

/// `day + k`, or `None` before day 0.
fn shifted(day: Day, k: i64) -> Option<Day> {
    let d = i64::from(day).checked_add(k)?;
    if d < 0 {
        None
    } else {
        Some(u32::try_from(d).unwrap_or(Day::MAX))
    }
}

fn find_site(scenario: &Scenario, id: &str) -> Result<usize, LeverError> {
    scenario
        .sites
        .iter()
        .position(|s| s.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = scenario.sites.iter().map(|s| s.id.as_str()).collect();
            let hint = did_you_mean(id, known.iter().copied())
                .unwrap_or_else(|| format!("sites here: {}", known.join(", ")));
            LeverError(format!("no site `{id}` in this scenario; {hint}"))
        })
}

/// Finds an id among a site's tasks, sources or orders, with a suggestion if absent.
fn find<'a>(
    id: &str,
    what: &str,
    site: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Result<usize, LeverError> {
    if let Some(i) = known.clone().position(|k| k == id) {
        return Ok(i);
    }
    let all: Vec<&str> = known.collect();
    let hint = did_you_mean(id, all.iter().copied()).unwrap_or_else(|| {
        if all.is_empty() {
            format!("`{site}` has none")
        } else {
            format!("{what}s at `{site}`: {}", all.join(", "))
        }
    });
    err(format!("no {what} `{id}` at site `{site}`; {hint}"))
}

/// Every parameter moved by `k` days (not below 0, not above the duration limit).
fn shift_distribution(d: &Distribution, k: f64) -> Distribution {
    map_distribution(d, |x| x + k)
}

/// Every parameter multiplied by `f`.
fn scale_distribution(d: &Distribution, f: f64) -> Distribution {
    map_distribution(d, |x| x * f)
}

fn map_distribution(d: &Distribution, f: impl Fn(f64) -> f64) -> Distribution {
    let g = |x: f64| f(x).clamp(0.0, MAX_DURATION_DAYS);
    match *d {
        Distribution::Fixed(x) => Distribution::Fixed(g(x)),
        Distribution::Uniform { min, max } => Distribution::Uniform {
            min: g(min),
            max: g(max),
        },
        Distribution::Triangular { min, mode, max } => Distribution::Triangular {
            min: g(min),
            mode: g(mode),
            max: g(max),
        },
        Distribution::Pert { min, mode, max } => Distribution::Pert {
            min: g(min),
            mode: g(mode),
            max: g(max),
        },
        Distribution::LogNormal { p50, p90 } => {
            let (p50, p90) = (g(p50), g(p90));
            // A lognormal needs 0 < p50 < p90; collapsed, it is a fixed value.
            if p50 > 0.0 && p90 > p50 {
                Distribution::LogNormal { p50, p90 }
            } else {
                Distribution::Fixed(p50)
            }
        }
    }
}

/// Switches an order to generation `g`: the generation's rack (kW, GPUs), as many racks
/// as fit in the order's IT MW (at least one), checked like a loaded order.
fn set_generation(
    scenario: &Scenario,
    site: &mut Site,
    order: usize,
    g: usize,
) -> Result<(), LeverError> {
    let Some(gen_) = scenario.market.generations.get(g) else {
        return err(format!("no generation number {g}"));
    };
    let o = &site.orders[order];
    if o.generation == g {
        return Ok(());
    }
    let it = (gen_.rack_kw * 1000.0).round() as u64;
    let facility = (gen_.rack_kw * 1000.0 * site.pue).round() as u64;
    let largest_hall = site.halls.iter().map(|h| h.it_watts).max().unwrap_or(0);
    let all_power: u64 = site.power.iter().map(|p| p.watts).sum();
    if it == 0 || it > largest_hall || facility > all_power {
        return err(format!(
            "a {} rack ({} kW) can never be installed and powered at `{}`: its largest hall or all its power is too small",
            gen_.name, gen_.rack_kw, site.id
        ));
    }
    let order_it = u128::from(o.racks) * u128::from(o.rack_it_watts);
    let racks = u32::try_from(order_it / u128::from(it))
        .unwrap_or(u32::MAX)
        .clamp(1, MAX_RACKS as u32);
    let o = &mut site.orders[order];
    o.generation = g;
    o.gpus_per_rack = gen_.gpus_per_rack;
    o.rack_it_watts = it;
    o.rack_facility_watts = facility;
    o.racks = racks;
    Ok(())
}

/// Parses a signed duration: `-6mo`, `+2w`, `30d`, `0` (zero needs no unit); whole days.
pub fn parse_shift(text: &str) -> Result<i64, LeverError> {
    let t = text.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    if rest == "0" {
        return Ok(0);
    }
    let days = parse_duration(rest).map_err(|e| {
        LeverError(match e.help {
            Some(h) => format!("{} ({h}; a minus sign moves earlier)", e.message),
            None => e.message,
        })
    })?;
    Ok(sign * i64::from(whole_days(days)))
}

/// The values a lever takes: a list (`values`), or a range `from..=to` by `step`.
/// Shifts are durations (`-6mo`); order dates may also be dates (`2026-05-01`);
/// duration factors are numbers; racks are whole numbers; generations are names.
pub fn values(
    scenario: &Scenario,
    lever: &Lever,
    from: Option<&str>,
    to: Option<&str>,
    step: Option<&str>,
    list: &[String],
) -> Result<Vec<Value>, LeverError> {
    let values = if !list.is_empty() {
        if from.is_some() || to.is_some() || step.is_some() {
            return err("give either --values or --from/--to/--step, not both");
        }
        list.iter()
            .map(|v| one_value(scenario, lever, v))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        range(scenario, lever, from, to, step)?
    };
    if values.is_empty() {
        return err("the sweep has no values: check --from, --to and --step");
    }
    if values.len() > MAX_POINTS {
        return err(format!(
            "the sweep has {} values, more than {MAX_POINTS}; use a larger --step",
            values.len()
        ));
    }
    Ok(values)
}

fn one_value(scenario: &Scenario, lever: &Lever, text: &str) -> Result<Value, LeverError> {
    let text = text.trim();
    match lever {
        Lever::Duration { .. } => parse_factor(text).map(Value::Factor),
        Lever::OrderRacks { .. } => parse_racks(text).map(Value::Racks),
        Lever::OrderGeneration { .. } => scenario
            .market
            .generation(text)
            .map(Value::Generation)
            .ok_or_else(|| {
                let names = scenario.market.generations.iter().map(|g| g.name.as_str());
                let hint = did_you_mean(text, names.clone()).unwrap_or_else(|| {
                    format!("generations: {}", names.collect::<Vec<_>>().join(", "))
                });
                LeverError(format!("no generation `{text}`; {hint}"))
            }),
        Lever::OrderDate { .. } if looks_like_date(text) => {
            parse_day(scenario, text).map(Value::On)
        }
        _ => parse_shift(text).map(Value::Shift),
    }
}

fn looks_like_date(text: &str) -> bool {
    text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-'
}

/// A date within the simulated span, as a clock day.
pub fn parse_day(scenario: &Scenario, text: &str) -> Result<Day, LeverError> {
    let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| LeverError(format!("`{text}` is not a date (write YYYY-MM-DD)")))?;
    if d < scenario.start || d > scenario.horizon {
        return err(format!(
            "{d} is outside the scenario ({} to {})",
            scenario.start, scenario.horizon
        ));
    }
    Ok(day_of(scenario.start, d))
}

fn parse_factor(text: &str) -> Result<f64, LeverError> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && (0.0..=100.0).contains(&f) => Ok(f),
        _ => err(format!(
            "`{text}` is not a duration factor (a number from 0 to 100, e.g. 0.8)"
        )),
    }
}

fn parse_racks(text: &str) -> Result<u32, LeverError> {
    match text.parse::<u32>() {
        Ok(n) if n >= 1 && i128::from(n) <= MAX_RACKS => Ok(n),
        _ => err(format!(
            "`{text}` is not a rack count (a whole number from 1 to {MAX_RACKS})"
        )),
    }
}

fn range(
    scenario: &Scenario,
    lever: &Lever,
    from: Option<&str>,
    to: Option<&str>,
    step: Option<&str>,
) -> Result<Vec<Value>, LeverError> {
    match lever {
        Lever::OrderGeneration { site, .. } => {
            if from.is_some() || to.is_some() || step.is_some() {
                return err("generations are names: give them with --values GB300,Rubin");
            }
            // Every generation the site can take, in catalog order.
            let all: Vec<Value> = (0..scenario.market.generations.len())
                .map(Value::Generation)
                .filter(|&v| lever.apply(scenario, v).is_ok())
                .collect();
            if all.is_empty() {
                return err(format!(
                    "no generation fits at `{}`",
                    scenario.sites[*site].id
                ));
            }
            Ok(all)
        }
        Lever::OrderRacks { .. } => {
            let (Some(from), Some(to)) = (from, to) else {
                return err(
                    "order-racks needs --from and --to (and --step), or --values, in racks",
                );
            };
            let (a, b) = (parse_racks(from)?, parse_racks(to)?);
            let s = match step {
                Some(s) => parse_racks(s)?,
                None => ((b.abs_diff(a)) / 10).max(1),
            };
            Ok(stepped(f64::from(a), f64::from(b), f64::from(s))?
                .into_iter()
                .map(|x| Value::Racks(x.round() as u32))
                .collect())
        }
        Lever::Duration { .. } => {
            let a = from.map_or(Ok(0.5), parse_factor)?;
            let b = to.map_or(Ok(1.5), parse_factor)?;
            let s = step.map_or(Ok(0.1), parse_factor)?;
            Ok(stepped(a, b, s)?
                .into_iter()
                // Round away the float steps' dust (0.30000000000000004).
                .map(|x| Value::Factor((x * 1e9).round() / 1e9))
                .collect())
        }
        _ => {
            let six_months = 365.0 / 2.0;
            let step_days = match step {
                Some(s) => f64::from(whole_days(
                    parse_duration(s).map_err(|e| LeverError(format!("--step: {}", e.message)))?,
                )),
                None => 365.0 / 12.0,
            };
            let dates = matches!(lever, Lever::OrderDate { .. })
                && (from.is_some_and(looks_like_date) || to.is_some_and(looks_like_date));
            if dates {
                let (Some(from), Some(to)) = (from, to) else {
                    return err("give both --from and --to as dates (YYYY-MM-DD)");
                };
                let (a, b) = (parse_day(scenario, from)?, parse_day(scenario, to)?);
                return Ok(stepped(f64::from(a), f64::from(b), step_days)?
                    .into_iter()
                    .map(|x| Value::On(x.round() as Day))
                    .collect());
            }
            // Shifts in (fractional) days, each rounded to whole days once.
            let parse = |t: &str| -> Result<f64, LeverError> {
                let t = t.trim();
                let (sign, rest) = match t.strip_prefix('-') {
                    Some(r) => (-1.0, r),
                    None => (1.0, t.strip_prefix('+').unwrap_or(t)),
                };
                if rest == "0" {
                    return Ok(0.0);
                }
                parse_duration(rest)
                    .map(|d| sign * d)
                    .map_err(|e| LeverError(format!("{} (e.g. -6mo, 3w, +90d)", e.message)))
            };
            let a = from.map_or(Ok(-six_months), parse)?;
            let b = to.map_or(Ok(six_months), parse)?;
            let mut out: Vec<Value> = Vec::new();
            for x in stepped(a, b, step_days)? {
                let v = Value::Shift(x.round() as i64);
                if out.last() != Some(&v) {
                    out.push(v);
                }
            }
            Ok(out)
        }
    }
}

/// `from, from + step, ...` up to `to` (inclusive, allowing float dust), ascending.
fn stepped(from: f64, to: f64, step: f64) -> Result<Vec<f64>, LeverError> {
    if step <= 0.0 || !step.is_finite() {
        return err("--step must be more than zero");
    }
    if to < from {
        return err("--to must not be before --from");
    }
    let n = ((to - from) / step + 1e-9).floor();
    if n >= MAX_POINTS as f64 {
        return err(format!(
            "the sweep has more than {MAX_POINTS} values; use a larger --step"
        ));
    }
    Ok((0..=n as usize).map(|i| from + i as f64 * step).collect())
}

/// A value as the sweep's CSV and table show it.
pub fn label(scenario: &Scenario, value: Value) -> String {
    match value {
        Value::Shift(k) => format!("{k}"),
        Value::On(d) => scenario.date(d).to_string(),
        Value::Factor(f) => format!("{f}"),
        Value::Racks(n) => n.to_string(),
        Value::Generation(g) => scenario
            .market
            .generations
            .get(g)
            .map_or_else(|| g.to_string(), |g| g.name.clone()),
    }
}
