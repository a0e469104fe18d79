//! Located YAML tree -> typed model for `scenario.yaml` and site files,
//! collecting every problem on the way (see [`super::read`] for the readers).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::duration::MAX_DURATION_DAYS;
use super::market::{self, Market};
use super::read::{
    Ctx, Fields, date, distribution, entries, fixed_duration, integer, join, number, parse_date,
    positive, string,
};
use super::yaml::{Node, Pos, Value};
use super::{
    Day, Dependency, Hall, Install, Order, PowerSource, Risk, Site, Task, TaskKind, Trigger, day_of,
};
use crate::diagnostic::did_you_mean;

/// Sanity bounds that catch unit mistakes (kW written as W, MW as kW).
pub const MAX_MW: f64 = 100_000.0;
pub const MAX_RACK_KW: f64 = 5_000.0;
/// A rack below 100 W is a unit mistake (W written for kW), and keeps watts nonzero.
pub const MIN_RACK_KW: f64 = 0.1;
pub const MAX_RACKS: i128 = 10_000_000;
pub const MAX_GPUS_PER_RACK: i128 = 10_000;
pub const MAX_CREWS: i128 = 100_000;

/// Names of things in one site, for resolving references.
struct Names<'a> {
    groups: &'a [market::CorrelationGroup],
    tasks: &'a HashMap<String, usize>,
    task_ids: &'a [String],
    /// Task ids still to compare with unknown ids for a "did you mean"
    /// (each comparison costs about a microsecond): a bound, so that
    /// thousands of unknown ids among thousands of tasks cannot take minutes.
    suggestions_left: std::cell::Cell<usize>,
}

/// The most id comparisons one site spends on "did you mean" suggestions.
const SUGGESTION_BUDGET: usize = 1_000_000;

impl Names<'_> {
    fn task(&self, ctx: &mut Ctx, node: &Node, path: &str) -> Option<usize> {
        let id = string(ctx, node, path)?;
        self.lookup(ctx, node.pos, path, &id)
    }

    fn lookup(&self, ctx: &mut Ctx, pos: Pos, path: &str, id: &str) -> Option<usize> {
        if let Some(&i) = self.tasks.get(id) {
            return Some(i);
        }
        let left = self.suggestions_left.get();
        let suggestion = (left >= self.task_ids.len())
            .then(|| {
                self.suggestions_left.set(left - self.task_ids.len());
                did_you_mean(id, self.task_ids.iter().map(String::as_str))
            })
            .flatten();
        let help = suggestion.or_else(|| {
            Some(match self.task_ids.len() {
                0 => "this site has no tasks; declare it under `tasks`".to_owned(),
                n if n <= 12 => format!("tasks in this site: {}", self.task_ids.join(", ")),
                n => format!(
                    "tasks in this site: {}, ... ({n} in all)",
                    self.task_ids[..12].join(", ")
                ),
            })
        });
        ctx.error(pos, path, format!("unknown task `{id}`"), help);
        None
    }

    /// A date, or a task id (the day it finishes).
    fn trigger(
        &self,
        ctx: &mut Ctx,
        node: &Node,
        path: &str,
        start: NaiveDate,
        horizon: NaiveDate,
    ) -> Option<Trigger> {
        let s = string(ctx, node, path)?;
        // A leading sign is a date too (`-0001-01-01`): no id starts with one.
        if s.trim_start_matches(['-', '+'])
            .starts_with(|c: char| c.is_ascii_digit())
            && s.contains('-')
            && !self.tasks.contains_key(&s)
        {
            let d = parse_date(ctx, node.pos, path, &s)?;
            return in_window(ctx, node.pos, path, d, start, horizon).map(Trigger::Day);
        }
        self.lookup(ctx, node.pos, path, &s).map(Trigger::Task)
    }
}

/// The clock day of a date that must lie within the scenario.
fn in_window(
    ctx: &mut Ctx,
    pos: Pos,
    path: &str,
    d: NaiveDate,
    start: NaiveDate,
    horizon: NaiveDate,
) -> Option<Day> {
    if d < start || d > horizon {
        ctx.error(
            pos,
            path,
            format!("date {d} is outside the scenario ({start} to {horizon})"),
            Some(if d < start {
                "move `start` in scenario.yaml earlier, or this date later".into()
            } else {
                "move `horizon` in scenario.yaml later, or this date earlier".into()
            }),
        );
        return None;
    }
    Some(day_of(start, d))
}

/// The clock of a scenario, as `scenario.yaml` gives it.
pub struct Clock {
    pub start: NaiveDate,
    pub horizon: NaiveDate,
}

/// What `scenario.yaml` holds. The market falls back to the built-in catalog
/// and defaults where the file has problems, so site files can still be checked.
pub struct Header {
    pub clock: Option<Clock>,
    pub market: Market,
    /// Rivals given as site files, for the loader to read.
    pub rival_sites: Vec<market::PendingRivalSite>,
}

pub fn scenario_file(ctx: &mut Ctx, root: &Node, dir: &std::path::Path) -> Header {
    let mut header = Header {
        clock: None,
        market: Market::default(),
        rival_sites: vec![],
    };
    if matches!(root.value, Value::Null) {
        ctx.error(
            Pos::default(),
            "",
            "the file is empty",
            Some("write the clock: `start: 2025-01-01` and `horizon: 2032-12-31`".into()),
        );
        return header;
    }
    let Some(f) = Fields::read(
        ctx,
        root,
        "",
        &[
            "start",
            "horizon",
            "generations",
            "pricing",
            "finance",
            "rivals",
            "correlation",
        ],
    ) else {
        return header;
    };
    header.clock = clock(ctx, &f);
    if let Some(n) = f.get("generations") {
        let own = market::generations(ctx, n, "generations");
        header.market.generations = market::merge_generations(market::catalog(), own);
    }
    if let Some(n) = f.get("correlation") {
        header.market.groups = market::groups(ctx, n);
    }
    if let Some(p) = f.get("pricing").and_then(|n| market::pricing(ctx, n)) {
        header.market.pricing = p;
    }
    if let Some(fin) = f.get("finance").and_then(|n| market::finance(ctx, n)) {
        header.market.finance = fin;
    }
    if let Some(n) = f.get("rivals") {
        // Without a valid clock, still check the rivals (dates against the earliest date).
        let start = header.clock.as_ref().map_or(NaiveDate::MIN, |c| c.start);
        let (rivals, pending) = market::rivals(ctx, n, &header.market.generations, start, dir);
        header.market.rivals = rivals;
        header.rival_sites = pending;
    }
    header
}

fn clock(ctx: &mut Ctx, f: &Fields) -> Option<Clock> {
    let start = f
        .required(ctx, "start", "the first day, YYYY-MM-DD")
        .and_then(|n| date(ctx, n, "start"));
    let horizon = f
        .required(ctx, "horizon", "the last simulated day, YYYY-MM-DD")
        .and_then(|n| date(ctx, n, "horizon"));
    let (start, horizon) = (start?, horizon?);
    if horizon <= start {
        ctx.error(
            f.get("horizon").map_or(f.pos, |n| n.pos),
            "horizon",
            format!("horizon {horizon} is not after start {start}"),
            None,
        );
        return None;
    }
    if (horizon - start).num_days() > MAX_DURATION_DAYS as i64 {
        ctx.error(
            f.get("horizon").map_or(f.pos, |n| n.pos),
            "horizon",
            "the horizon is more than 100 years after start",
            None,
        );
        return None;
    }
    Some(Clock { start, horizon })
}

pub fn site_file(
    ctx: &mut Ctx,
    root: &Node,
    id: &str,
    clock: &Clock,
    market: &Market,
) -> Option<Site> {
    let generations = &market.generations[..];
    if matches!(root.value, Value::Null) {
        let help = "a site file needs at least `pue`, usually with `tasks`, `halls`, `power`, `orders` and `install` (see docs/format.md)";
        ctx.error(
            Pos::default(),
            "",
            "the site file is empty",
            Some(help.into()),
        );
        return None;
    }
    let f = Fields::read(
        ctx,
        root,
        "",
        &[
            "name", "pue", "tasks", "halls", "power", "orders", "install",
        ],
    )?;
    let errors_before = ctx.diags.len();
    let name = f
        .get("name")
        .and_then(|n| string(ctx, n, "name"))
        .unwrap_or_else(|| id.to_owned());
    let pue = f
        .required(ctx, "pue", "power usage effectiveness, e.g. 1.25")
        .and_then(|n| number(ctx, n, "pue", 1.0, 3.0, "a PUE"));

    // Task ids first, so references can point forward.
    let task_entries = f
        .get("tasks")
        .map(|n| entries(ctx, n, "tasks"))
        .unwrap_or_default();
    let task_ids: Vec<String> = task_entries.iter().map(|(id, _, _)| id.clone()).collect();
    let task_index: HashMap<String, usize> = task_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    let names = Names {
        groups: &market.groups,
        tasks: &task_index,
        task_ids: &task_ids,
        suggestions_left: std::cell::Cell::new(SUGGESTION_BUDGET),
    };

    let mut tasks = Vec::with_capacity(task_entries.len());
    for (tid, pos, node) in &task_entries {
        if let Some(t) = task(ctx, &names, tid, *pos, node, clock) {
            tasks.push(t);
        }
    }

    let mut halls = Vec::new();
    for (hid, _, node) in f
        .get("halls")
        .map(|n| entries(ctx, n, "halls"))
        .unwrap_or_default()
    {
        let path = join("halls", &hid);
        let Some(h) = Fields::read(ctx, node, &path, &["it_mw", "ready"]) else {
            continue;
        };
        let it = h
            .required(ctx, "it_mw", "IT capacity in MW")
            .and_then(|n| positive(ctx, n, &h.field("it_mw"), MAX_MW, "MW"));
        let ready = h
            .required(ctx, "ready", "the task whose finish makes the hall ready")
            .and_then(|n| names.task(ctx, n, &h.field("ready")));
        if let (Some(it), Some(ready)) = (it, ready) {
            halls.push(Hall {
                id: hid,
                it_watts: mw_to_watts(it),
                ready,
            });
        }
    }

    let mut power = Vec::new();
    for (pid, _, node) in f
        .get("power")
        .map(|n| entries(ctx, n, "power"))
        .unwrap_or_default()
    {
        let path = join("power", &pid);
        let Some(p) = Fields::read(ctx, node, &path, &["mw", "from", "lag", "until"]) else {
            continue;
        };
        let mw = p
            .required(ctx, "mw", "facility MW")
            .and_then(|n| positive(ctx, n, &p.field("mw"), MAX_MW, "MW"));
        let from = p
            .required(ctx, "from", "a task id or a date")
            .and_then(|n| names.trigger(ctx, n, &p.field("from"), clock.start, clock.horizon));
        let lag = p
            .get("lag")
            .map(|n| fixed_duration(ctx, n, &p.field("lag")));
        let until = p
            .get("until")
            .map(|n| names.trigger(ctx, n, &p.field("until"), clock.start, clock.horizon));
        if let (Some(mw), Some(from), Some(lag), Some(until)) = (
            mw,
            from,
            lag.unwrap_or(Some(0)),
            until.map_or(Some(None), |u| u.map(Some)),
        ) {
            if let (Trigger::Day(a), Some(Trigger::Day(b))) = (from, until)
                && b <= a
            {
                let at = p.get("until").map_or(p.pos, |n| n.pos);
                ctx.error(
                    at,
                    &p.field("until"),
                    "`until` is not after `from`: this source would never be on",
                    None,
                );
            }
            power.push(PowerSource {
                id: pid,
                watts: mw_to_watts(mw),
                from,
                lag,
                until,
            });
        }
    }

    let pue_or_1 = pue.unwrap_or(1.0);
    let mut orders = Vec::new();
    for (oid, pos, node) in f
        .get("orders")
        .map(|n| entries(ctx, n, "orders"))
        .unwrap_or_default()
    {
        let path = join("orders", &oid);
        let Some(o) = Fields::read(
            ctx,
            node,
            &path,
            &[
                "generation",
                "racks",
                "rack_kw",
                "gpus_per_rack",
                "ordered",
                "lead_time",
                "racks_per_week",
            ],
        ) else {
            continue;
        };
        let generation = o
            .required(ctx, "generation", "the GPU generation, e.g. GB300")
            .and_then(|n| market::generation_ref(ctx, n, &o.field("generation"), generations));
        let racks = o
            .required(ctx, "racks", "how many racks")
            .and_then(|n| integer(ctx, n, &o.field("racks"), 1, MAX_RACKS, "racks"));
        // Rack figures default to the generation's.
        let rack_kw = match o.get("rack_kw") {
            Some(n) => number(ctx, n, &o.field("rack_kw"), MIN_RACK_KW, MAX_RACK_KW, "kW"),
            None => generation.map(|g| generations[g].rack_kw),
        };
        let gpus = match o.get("gpus_per_rack") {
            Some(n) => integer(
                ctx,
                n,
                &o.field("gpus_per_rack"),
                1,
                MAX_GPUS_PER_RACK,
                "GPUs",
            ),
            None => generation.map(|g| generations[g].gpus_per_rack),
        };
        let ordered = o
            .required(ctx, "ordered", "a date or a task id")
            .and_then(|n| names.trigger(ctx, n, &o.field("ordered"), clock.start, clock.horizon));
        let lead = o
            .required(ctx, "lead_time", "order to first delivery")
            .and_then(|n| distribution(ctx, n, &o.field("lead_time")));
        let rate = o
            .required(ctx, "racks_per_week", "delivery rate")
            .and_then(|n| {
                integer(
                    ctx,
                    n,
                    &o.field("racks_per_week"),
                    1,
                    MAX_RACKS,
                    "racks per week",
                )
            });
        if let (
            Some(generation),
            Some(racks),
            Some(rack_kw),
            Some(gpus_per_rack),
            Some(ordered),
            Some(lead_time),
            Some(racks_per_week),
        ) = (generation, racks, rack_kw, gpus, ordered, lead, rate)
        {
            let it = rack_kw * 1000.0;
            orders.push(Order {
                id: oid,
                generation,
                racks,
                gpus_per_rack,
                rack_it_watts: it.round() as u64,
                rack_facility_watts: (it * pue_or_1).round() as u64,
                ordered,
                lead_time,
                racks_per_week,
                // Whole-site checks on this order are about `rack_kw`.
                pos: o.get("rack_kw").map_or(pos, |n| n.pos),
            });
        }
    }

    let install = match f.get("install") {
        Some(n) => install(ctx, n),
        None if f
            .get("orders")
            .is_some_and(|o| matches!(&o.value, Value::Map(m) if !m.is_empty())) =>
        {
            ctx.error(
                f.pos,
                "install",
                "missing field `install` (crews, days_per_rack, burn_in): the site has GPU orders",
                None,
            );
            None
        }
        None => Some(Install {
            crews: 1,
            days_per_rack: 1,
            burn_in: 0,
        }),
    };

    if ctx.diags.len() > errors_before {
        return None;
    }
    Some(Site {
        id: id.to_owned(),
        file: ctx.file.to_path_buf(),
        name,
        pue: pue?,
        tasks,
        halls,
        power,
        orders,
        install: install?,
    })
}

fn task(
    ctx: &mut Ctx,
    names: &Names,
    id: &str,
    pos: Pos,
    node: &Node,
    clock: &Clock,
) -> Option<Task> {
    let path = join("tasks", id);
    let f = Fields::read(
        ctx,
        node,
        &path,
        &[
            "name",
            "kind",
            "duration",
            "after",
            "not_before",
            "risks",
            "group",
        ],
    )?;
    let name = f
        .get("name")
        .and_then(|n| string(ctx, n, &f.field("name")))
        .unwrap_or_else(|| id.to_owned());
    let kind = match f.get("kind") {
        None => Some(TaskKind::Other),
        Some(n) => string(ctx, n, &f.field("kind")).and_then(|k| {
            TaskKind::parse(&k).or_else(|| {
                let help = did_you_mean(&k, TaskKind::NAMES)
                    .or_else(|| Some(format!("use one of: {}", TaskKind::NAMES.join(", "))));
                ctx.error(
                    n.pos,
                    &f.field("kind"),
                    format!("unknown task kind `{k}`"),
                    help,
                );
                None
            })
        }),
    };
    let duration = f
        .required(
            ctx,
            "duration",
            "e.g. `90d` or `{ triangular: [3mo, 6mo, 12mo] }`",
        )
        .and_then(|n| distribution(ctx, n, &f.field("duration")));

    let mut after = Vec::new();
    let mut ok = true;
    if let Some(list) = f.get("after") {
        let items: Vec<&Node> = match &list.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Str(_) => vec![list],
            Value::Null => vec![],
            _ => {
                ctx.expected(list, &f.field("after"), "a list of task ids");
                ok = false;
                vec![]
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let ipath = format!("{}[{i}]", f.field("after"));
            let dep = match &item.value {
                Value::Map(_) => {
                    let d = Fields::read(ctx, item, &ipath, &["task", "lag"]);
                    d.and_then(|d| {
                        let t = d
                            .required(ctx, "task", "the predecessor's id")
                            .and_then(|n| names.task(ctx, n, &d.field("task")));
                        let lag = d
                            .get("lag")
                            .map_or(Some(0), |n| fixed_duration(ctx, n, &d.field("lag")));
                        Some(Dependency {
                            task: t?,
                            lag: lag?,
                            pos: item.pos,
                        })
                    })
                }
                _ => names.task(ctx, item, &ipath).map(|t| Dependency {
                    task: t,
                    lag: 0,
                    pos: item.pos,
                }),
            };
            match dep {
                Some(d) => after.push(d),
                None => ok = false,
            }
        }
    }

    let not_before = match f.get("not_before") {
        None => Some(None),
        Some(n) => date(ctx, n, &f.field("not_before"))
            .and_then(|d| {
                in_window(
                    ctx,
                    n.pos,
                    &f.field("not_before"),
                    d,
                    clock.start,
                    clock.horizon,
                )
            })
            .map(Some),
    };

    let mut risks = Vec::new();
    if let Some(list) = f.get("risks") {
        match &list.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let rpath = format!("{}[{i}]", f.field("risks"));
                    let Some(r) =
                        Fields::read(ctx, item, &rpath, &["name", "probability", "delay"])
                    else {
                        ok = false;
                        continue;
                    };
                    let rname = r
                        .get("name")
                        .and_then(|n| string(ctx, n, &r.field("name")))
                        .unwrap_or_else(|| format!("{id} risk {}", i + 1));
                    let p = r
                        .required(ctx, "probability", "between 0 and 1")
                        .and_then(|n| {
                            number(ctx, n, &r.field("probability"), 0.0, 1.0, "a probability")
                        });
                    let delay = r
                        .required(ctx, "delay", "a duration or distribution")
                        .and_then(|n| distribution(ctx, n, &r.field("delay")));
                    match (p, delay) {
                        (Some(probability), Some(delay)) => risks.push(Risk {
                            name: rname,
                            probability,
                            delay,
                        }),
                        _ => ok = false,
                    }
                }
            }
            Value::Null => {}
            _ => {
                ctx.expected(list, &f.field("risks"), "a list of risks");
                ok = false;
            }
        }
    }

    if !ok {
        return None;
    }
    let group = match f.get("group") {
        None => Some(None),
        Some(n) => string(ctx, n, &f.field("group")).and_then(|g| {
            let found = names.groups.iter().position(|x| x.name == g);
            if found.is_none() {
                let help =
                    did_you_mean(&g, names.groups.iter().map(|x| x.name.as_str())).or_else(|| {
                        Some(format!(
                            "declare it in scenario.yaml: `correlation: {{ {g}: 0.5 }}`"
                        ))
                    });
                ctx.error(
                    n.pos,
                    &f.field("group"),
                    format!("unknown correlation group `{g}`"),
                    help,
                );
            }
            found.map(Some)
        }),
    };
    Some(Task {
        id: id.to_owned(),
        name,
        kind: kind?,
        duration: duration?,
        after,
        not_before: not_before?,
        risks,
        group: group?,
        pos,
    })
}

fn install(ctx: &mut Ctx, node: &Node) -> Option<Install> {
    let f = Fields::read(ctx, node, "install", &["crews", "days_per_rack", "burn_in"])?;
    let crews = f
        .required(ctx, "crews", "install crews working in parallel")
        .and_then(|n| integer(ctx, n, "install.crews", 1, MAX_CREWS, "crews"));
    let dpr = f
        .required(
            ctx,
            "days_per_rack",
            "whole days one crew spends on one rack",
        )
        .and_then(|n| integer(ctx, n, "install.days_per_rack", 1, 365, "days"));
    let burn_in = f
        .get("burn_in")
        .map_or(Some(0), |n| fixed_duration(ctx, n, "install.burn_in"));
    if burn_in.is_some_and(|b| b > 365) {
        ctx.error(
            f.get("burn_in").map_or(f.pos, |n| n.pos),
            "install.burn_in",
            "burn-in longer than a year",
            Some("burn-in is usually 1 to 4 weeks".into()),
        );
        return None;
    }
    Some(Install {
        crews: crews?,
        days_per_rack: dpr?,
        burn_in: burn_in?,
    })
}

/// MW (validated finite, positive, bounded) to whole watts.
fn mw_to_watts(mw: f64) -> u64 {
    (mw * 1_000_000.0).round() as u64
}
