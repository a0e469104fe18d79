//! Random sites for the property suites (tests/properties.rs,
//! tests/economics.rs): raw values drawn by proptest, then resolved into a
//! site that loading would accept.

use std::ops::{Range, RangeInclusive};
use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use warmshell::scenario::duration::Distribution;
use warmshell::scenario::yaml::Pos;
use warmshell::scenario::{
    Dependency, Hall, Install, Order, PowerSource, Site, Task, TaskKind, Trigger,
};

/// A trigger before it is resolved against the site (task indices wrap).
#[derive(Debug, Clone, Copy)]
pub enum RawTrigger {
    Day(u32),
    Task(usize),
}

#[derive(Debug, Clone)]
pub struct RawTask {
    /// (predecessor, wrapped to a lower index; lag)
    pub after: Vec<(usize, u32)>,
    pub not_before: Option<u32>,
    pub days: u32,
}

#[derive(Debug, Clone)]
pub struct RawSource {
    pub watts: u64,
    pub from: RawTrigger,
    pub lag: u32,
    pub until: Option<RawTrigger>,
}

#[derive(Debug, Clone)]
pub struct RawOrder {
    /// Index into the market's generations.
    pub generation: usize,
    pub racks: u32,
    pub per_week: u32,
    pub it_watts: u64,
    pub gpus: u32,
    pub ordered: RawTrigger,
    pub lead: u32,
}

#[derive(Debug, Clone)]
pub struct RawSite {
    pub horizon: u32,
    pub pue_percent: u32,
    pub tasks: Vec<RawTask>,
    /// (IT watts, ready task)
    pub halls: Vec<(u64, usize)>,
    pub power: Vec<RawSource>,
    pub orders: Vec<RawOrder>,
    /// (crews, days per rack, burn-in days)
    pub install: (u32, u32, u32),
}

/// What a suite draws from; the rest of a site's shape is common.
pub struct Ranges {
    pub halls: Range<usize>,
    pub hall_watts: Range<u64>,
    pub sources: Range<usize>,
    pub source_watts: Range<u64>,
    /// `until` dates are drawn up to this many days (after `from` when both are dates).
    pub until_days: u32,
    pub orders: Range<usize>,
    pub generations: Range<usize>,
    pub racks: RangeInclusive<u32>,
    pub gpus: RangeInclusive<u32>,
}

pub fn raw_trigger(days: u32) -> impl Strategy<Value = RawTrigger> {
    prop_oneof![
        (0..days).prop_map(RawTrigger::Day),
        (0usize..30).prop_map(RawTrigger::Task)
    ]
}

pub fn raw_site(r: Ranges) -> impl Strategy<Value = RawSite> {
    let task = (
        prop::collection::vec((0usize..1000, 0u32..60), 0..3),
        prop::option::weighted(0.2, 0u32..1500),
        0u32..400,
    )
        .prop_map(|(after, not_before, days)| RawTask {
            after,
            not_before,
            days,
        });
    let source = (
        r.source_watts,
        raw_trigger(2000),
        0u32..60,
        prop::option::weighted(0.4, raw_trigger(r.until_days)),
    )
        .prop_map(|(watts, from, lag, until)| RawSource {
            watts,
            from,
            lag,
            until,
        });
    let order = (
        r.generations,
        r.racks,
        1u32..=60,
        10_000u64..=300_000,
        r.gpus,
        raw_trigger(1500),
        0u32..400,
    )
        .prop_map(
            |(generation, racks, per_week, it_watts, gpus, ordered, lead)| RawOrder {
                generation,
                racks,
                per_week,
                it_watts,
                gpus,
                ordered,
                lead,
            },
        );
    (
        2800u32..=3200,
        100u32..=300,
        prop::collection::vec(task, 1..30),
        prop::collection::vec((r.hall_watts, 0usize..30), r.halls),
        prop::collection::vec(source, r.sources),
        prop::collection::vec(order, r.orders),
        (1u32..=20, 1u32..=5, 0u32..=30),
    )
        .prop_map(
            |(horizon, pue_percent, tasks, halls, power, orders, install)| RawSite {
                horizon,
                pue_percent,
                tasks,
                halls,
                power,
                orders,
                install,
            },
        )
}

/// `raw` reshaped around a gap in power: bridge power that ends before the
/// grid arrives, halls ready early and orders delivered while the bridge is
/// on, so racks are shed during and after burn-in and energized again.
pub fn bridge_gap(
    raw: impl Strategy<Value = RawSite>,
    grid_watts: Range<u64>,
) -> impl Strategy<Value = RawSite> {
    (
        raw,
        0u32..200,
        1u32..200,
        0u32..300,
        1_000_000u64..15_000_000,
        grid_watts,
    )
        .prop_map(|(mut raw, on, len, gap, bridge, grid)| {
            raw.tasks[0].days %= 60;
            raw.tasks[0].not_before = None;
            if raw.halls.is_empty() {
                raw.halls.push((5_000_000, 0));
            }
            for hall in &mut raw.halls {
                hall.1 = 0;
            }
            raw.power = vec![
                RawSource {
                    watts: bridge,
                    from: RawTrigger::Day(on),
                    lag: 0,
                    until: Some(RawTrigger::Day(len)),
                },
                RawSource {
                    watts: grid,
                    from: RawTrigger::Day(on + len + gap),
                    lag: 0,
                    until: None,
                },
            ];
            for order in &mut raw.orders {
                order.ordered = RawTrigger::Day(match order.ordered {
                    RawTrigger::Day(d) => d % (on + len),
                    RawTrigger::Task(t) => t as u32,
                });
                order.lead %= 120;
            }
            raw
        })
}

pub fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date")
}

pub fn task(i: usize, days: u32, after: Vec<Dependency>, not_before: Option<u32>) -> Task {
    Task {
        id: format!("t{i}"),
        name: format!("task {i}"),
        kind: TaskKind::Other,
        duration: Distribution::Fixed(f64::from(days)),
        after,
        not_before,
        risks: vec![],
        group: None,
        pos: Pos::default(),
    }
}

/// Resolves a raw site into one that loading would accept: every reference
/// resolved, dates within the clock, `until` after `from` when both are
/// dates, and only orders some hall and all power together could take.
pub fn build_site(raw: &RawSite) -> Site {
    let horizon = raw.horizon;
    let n = raw.tasks.len();
    let trigger = |t: RawTrigger| match t {
        RawTrigger::Day(d) => Trigger::Day(d.min(horizon)),
        RawTrigger::Task(i) => Trigger::Task(i % n),
    };
    let tasks = raw
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut after: Vec<Dependency> = Vec::new();
            if i > 0 {
                for &(p, lag) in &t.after {
                    if !after.iter().any(|d| d.task == p % i) {
                        after.push(Dependency {
                            task: p % i,
                            lag,
                            pos: Pos::default(),
                        });
                    }
                }
            }
            task(i, t.days, after, t.not_before.map(|d| d.min(horizon)))
        })
        .collect();
    let halls: Vec<Hall> = raw
        .halls
        .iter()
        .enumerate()
        .map(|(i, &(it_watts, ready))| Hall {
            id: format!("h{i}"),
            it_watts,
            ready: ready % n,
        })
        .collect();
    let power: Vec<PowerSource> = raw
        .power
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let from = trigger(p.from);
            let until = match (from, p.until) {
                (_, None) => None,
                (_, Some(RawTrigger::Task(t))) => Some(Trigger::Task(t % n)),
                // A later date: an offset after `from`, dropped past the horizon.
                (Trigger::Day(a), Some(RawTrigger::Day(b))) => {
                    Some(a + 1 + b).filter(|&u| u <= horizon).map(Trigger::Day)
                }
                (Trigger::Task(_), Some(RawTrigger::Day(b))) => Some(Trigger::Day(b.min(horizon))),
            };
            PowerSource {
                id: format!("p{i}"),
                watts: p.watts,
                from,
                lag: p.lag,
                until,
            }
        })
        .collect();
    let pue = f64::from(raw.pue_percent) / 100.0;
    let largest_hall = halls.iter().map(|h| h.it_watts).max().unwrap_or(0);
    let all_power: u64 = power.iter().map(|p| p.watts).sum();
    let orders = raw
        .orders
        .iter()
        .enumerate()
        .map(|(i, o)| Order {
            id: format!("o{i}"),
            generation: o.generation,
            racks: o.racks,
            gpus_per_rack: o.gpus,
            rack_it_watts: o.it_watts,
            rack_facility_watts: (o.it_watts as f64 * pue).round() as u64,
            ordered: trigger(o.ordered),
            lead_time: Distribution::Fixed(f64::from(o.lead)),
            racks_per_week: o.per_week,
            pos: Pos::default(),
        })
        .filter(|o| o.rack_it_watts <= largest_hall && o.rack_facility_watts <= all_power)
        .collect();
    Site {
        id: "gen".into(),
        file: PathBuf::from("gen.yaml"),
        name: "generated".into(),
        pue,
        tasks,
        halls,
        power,
        orders,
        install: Install {
            crews: raw.install.0,
            days_per_rack: raw.install.1,
            burn_in: raw.install.2,
        },
    }
}
