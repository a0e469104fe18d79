//! Property tests over randomly generated sites.
//!
//! Each case builds a `Scenario` with one random site through the public API
//! (a random task DAG, halls, power sources some of which end, GPU orders,
//! install crews), simulates it with the event log on, and hands the log to an
//! independent checker. The checker keeps its own model of every rack, hall
//! and source, replays the log day by day, and holds it to the day rules of
//! docs/format.md; it never reads the engine's internal counters, only the
//! log, the schedule and what the run reports, which it compares with its own
//! figures.
//!
//! Failures are not persisted to a regressions file; a shrunk failing case is
//! printed by proptest and belongs in a plain `#[test]` below.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::Config;
use warmshell::engine::event::{DarkReason, Happening, LogEntry, Racks};
use warmshell::engine::ledger::PowerPoint;
use warmshell::engine::{self, Draw, Options, SiteRun};
use warmshell::report;
use warmshell::scenario::{Day, Market, Scenario, Site, Trigger};
use warmshell::timeline;

use support::random_site::{Ranges, RawSite, bridge_gap, build_site, raw_site, start_date};

// ---------------------------------------------------------------------------
// Generating sites
// ---------------------------------------------------------------------------

/// The ranges the engine's properties draw from: sites may lack halls, power
/// or orders, and orders that could never fit are dropped.
fn ranges() -> Ranges {
    let gb300 = Market::default().generation("GB300").expect("catalog");
    Ranges {
        halls: 0..4,
        hall_watts: 50_000..12_000_000,
        sources: 0..5,
        source_watts: 100_000..15_000_000,
        until_days: 300,
        orders: 0..4,
        generations: gb300..gb300 + 1,
        racks: 1..=300,
        gpus: 1..=72,
    }
}

fn build(raw: &RawSite) -> Scenario {
    let start = start_date();
    Scenario {
        start,
        horizon: start + chrono::Days::new(raw.horizon.into()),
        market: Market::default(),
        sites: vec![build_site(raw)],
    }
}

/// Three random sites in four, one in four shaped around a bridge-power gap.
fn scenarios() -> impl Strategy<Value = Scenario> {
    prop_oneof![
        3 => raw_site(ranges()),
        1 => bridge_gap(raw_site(ranges()), 100_000..15_000_000),
    ]
    .prop_map(|raw| build(&raw))
}

fn simulate(scenario: &Scenario) -> SiteRun {
    let site = &scenario.sites[0];
    engine::simulate(
        scenario,
        site,
        &Draw::point(site),
        Options {
            log: true,
            ..Options::default()
        },
    )
}

// ---------------------------------------------------------------------------
// The independent checker
// ---------------------------------------------------------------------------

/// Problems found, by the invariant they break (at most a few of each).
#[derive(Debug, Default)]
struct Findings {
    schedule: Vec<String>,
    power: Vec<String>,
    hall: Vec<String>,
    conservation: Vec<String>,
    dark: Vec<String>,
    rules: Vec<String>,
    /// Racks shed during burn-in, and burned-in racks that earned again at once.
    burn_in_restarts: u32,
    instant_re_earnings: u32,
}

fn note(list: &mut Vec<String>, msg: String) {
    if list.len() < 8 {
        list.push(msg);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    AwaitInstall,
    Installing { hall: usize, since: Day },
    AwaitPower,
    Energized { since: Day },
}

#[derive(Debug, Clone)]
struct Rack {
    delivered: Day,
    st: St,
    /// Has finished burn-in at some point.
    burned: bool,
    earning_since: Option<Day>,
    earned_days: u64,
}

impl Rack {
    /// 0 awaiting install, 1 installing, 2 awaiting power, 3 burning in, 4 earning.
    fn slot(&self) -> usize {
        match self.st {
            St::AwaitInstall => 0,
            St::Installing { .. } => 1,
            St::AwaitPower => 2,
            St::Energized { .. } if self.earning_since.is_some() => 4,
            St::Energized { .. } => 3,
        }
    }
}

/// The dates of `OrderProgress`, as the replay sees them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Dates {
    placed: Option<Day>,
    first_delivery: Option<Day>,
    last_delivery: Option<Day>,
    first_install: Option<Day>,
    all_installed: Option<Day>,
    first_power_on: Option<Day>,
    full_power_on: Option<Day>,
    first_earning: Option<Day>,
    full_earning: Option<Day>,
}

type Key = (Day, usize, u32);

struct Replay<'a> {
    site: &'a Site,
    run: &'a SiteRun,
    start: NaiveDate,
    horizon: Day,
    f: Findings,

    // What the rules say, computed here from the site alone.
    task_start: Vec<Day>,
    task_finish: Vec<Day>,
    hall_ready: Vec<Day>,
    windows: Vec<(Day, Option<Day>)>,
    placed_day: Vec<Day>,

    // Replayed state.
    racks: Vec<Vec<Option<Rack>>>,
    await_install: BTreeSet<Key>,
    /// Racks awaiting install per (delivery day, order), in queue order.
    groups: BTreeMap<(Day, usize), u64>,
    await_power: BTreeSet<Key>,
    /// Energized racks, the most recently energized last.
    stack: Vec<(usize, u32)>,
    hall_open: Vec<bool>,
    hall_used: Vec<u64>,
    source_on: Vec<bool>,
    available: u64,
    drawn: u64,
    crews_busy: u32,
    install_due: BTreeMap<Day, u32>,
    burn_due: BTreeMap<Day, u32>,
    instant_pending: u32,
    delivered: Vec<u32>,
    installed: Vec<u32>,
    earning_count: Vec<u32>,
    next_delivery: Vec<Option<Day>>,
    slots: Vec<[u32; 5]>,
    dates: Vec<Dates>,
    seen_start: Vec<u32>,
    seen_finish: Vec<u32>,
    seen_hall: Vec<u32>,
    seen_on: Vec<u32>,
    seen_off: Vec<u32>,
    seen_placed: Vec<u32>,

    day: Option<Day>,
    phase: u8,
    months: BTreeMap<NaiveDate, [u64; 4]>,
    curve: Vec<PowerPoint>,
    /// GPUs per order by reason (shell, crew, power, burn-in) and earning, at the last day's end.
    last_counts: Vec<([u64; 4], u64)>,
}

const SHELL: usize = DarkReason::Shell as usize;
const CREW: usize = DarkReason::Crew as usize;
const POWER: usize = DarkReason::Power as usize;
const BURN_IN: usize = DarkReason::BurnIn as usize;

fn replay(scenario: &Scenario, run: &SiteRun) -> Findings {
    let mut r = Replay::new(scenario, run);
    r.check_schedule();
    for e in &run.log {
        r.entry(e);
    }
    r.finish();
    r.f
}

impl<'a> Replay<'a> {
    fn new(scenario: &'a Scenario, run: &'a SiteRun) -> Self {
        let site = &scenario.sites[0];
        // Predecessors have lower indices, so one pass in index order is a forward pass.
        let mut task_start = vec![0; site.tasks.len()];
        let mut task_finish = vec![0; site.tasks.len()];
        for (t, task) in site.tasks.iter().enumerate() {
            let mut s = task.not_before.unwrap_or(0);
            for d in &task.after {
                s = s.max(task_finish[d.task] + d.lag);
            }
            task_start[t] = s;
            task_finish[t] = s + task.duration.point();
        }
        let at = |t: Trigger| match t {
            Trigger::Day(d) => d,
            Trigger::Task(i) => task_finish[i],
        };
        let hall_ready = site.halls.iter().map(|h| task_finish[h.ready]).collect();
        let windows = site
            .power
            .iter()
            .map(|p| {
                let on = at(p.from) + p.lag;
                let off = p.until.map(|u| match u {
                    Trigger::Day(d) => d,
                    Trigger::Task(i) => task_finish[i] + p.lag,
                });
                (on, off)
            })
            .collect();
        let placed_day = site.orders.iter().map(|o| at(o.ordered)).collect();
        let no = site.orders.len();
        Replay {
            site,
            run,
            start: scenario.start,
            horizon: scenario.horizon_day(),
            f: Findings::default(),
            task_start,
            task_finish,
            hall_ready,
            windows,
            placed_day,
            racks: site
                .orders
                .iter()
                .map(|o| vec![None; o.racks as usize])
                .collect(),
            await_install: BTreeSet::new(),
            groups: BTreeMap::new(),
            await_power: BTreeSet::new(),
            stack: Vec::new(),
            hall_open: vec![false; site.halls.len()],
            hall_used: vec![0; site.halls.len()],
            source_on: vec![false; site.power.len()],
            available: 0,
            drawn: 0,
            crews_busy: 0,
            install_due: BTreeMap::new(),
            burn_due: BTreeMap::new(),
            instant_pending: 0,
            delivered: vec![0; no],
            installed: vec![0; no],
            earning_count: vec![0; no],
            next_delivery: vec![None; no],
            slots: vec![[0; 5]; no],
            dates: vec![Dates::default(); no],
            seen_start: vec![0; site.tasks.len()],
            seen_finish: vec![0; site.tasks.len()],
            seen_hall: vec![0; site.halls.len()],
            seen_on: vec![0; site.power.len()],
            seen_off: vec![0; site.power.len()],
            seen_placed: vec![0; no],
            day: None,
            phase: 0,
            months: BTreeMap::new(),
            curve: vec![PowerPoint {
                day: 0,
                available_watts: 0,
                drawn_watts: 0,
            }],
            last_counts: vec![([0; 4], 0); no],
        }
    }

    /// Invariant 1, on the engine's schedule: every task starts on the latest
    /// of day 0, its not-before date and each predecessor's finish plus lag,
    /// and finishes after exactly its duration.
    fn check_schedule(&mut self) {
        let s = &self.run.schedule;
        for (t, task) in self.site.tasks.iter().enumerate() {
            let mut earliest = 0;
            if let Some(nb) = task.not_before {
                earliest = nb;
                if s.start[t] < nb {
                    note(
                        &mut self.f.schedule,
                        format!(
                            "{} starts on {} before its not_before {nb}",
                            task.id, s.start[t]
                        ),
                    );
                }
            }
            for d in &task.after {
                let ready = s.finish[d.task] + d.lag;
                earliest = earliest.max(ready);
                if s.start[t] < ready {
                    note(
                        &mut self.f.schedule,
                        format!(
                            "{} starts on {} before {} finishes ({}) plus lag {}",
                            task.id,
                            s.start[t],
                            self.site.tasks[d.task].id,
                            s.finish[d.task],
                            d.lag
                        ),
                    );
                }
            }
            if s.start[t] != earliest {
                note(
                    &mut self.f.schedule,
                    format!(
                        "{} starts on {} but the latest constraint is {earliest}",
                        task.id, s.start[t]
                    ),
                );
            }
            if s.finish[t] != s.start[t] + task.duration.point() {
                note(
                    &mut self.f.schedule,
                    format!(
                        "{} finishes on {} not start {} + {}",
                        task.id,
                        s.finish[t],
                        s.start[t],
                        task.duration.point()
                    ),
                );
            }
            if (s.start[t], s.finish[t]) != (self.task_start[t], self.task_finish[t]) {
                note(
                    &mut self.f.schedule,
                    format!(
                        "{} scheduled {}..{}, independently {}..{}",
                        task.id, s.start[t], s.finish[t], self.task_start[t], self.task_finish[t]
                    ),
                );
            }
        }
        if self.run.hall_ready != self.hall_ready {
            note(
                &mut self.f.hall,
                format!(
                    "hall_ready {:?}, expected {:?}",
                    self.run.hall_ready, self.hall_ready
                ),
            );
        }
        if self.run.power_windows != self.windows {
            note(
                &mut self.f.power,
                format!(
                    "power_windows {:?}, expected {:?}",
                    self.run.power_windows, self.windows
                ),
            );
        }
    }

    fn index<T>(list: &[T], id: &str, name: impl Fn(&T) -> &str) -> Option<usize> {
        list.iter().position(|x| name(x) == id)
    }

    /// The order index and 1-based rack numbers of a logged range, if valid.
    fn range(&mut self, racks: &Racks) -> Option<(usize, std::ops::RangeInclusive<u32>)> {
        let Some(o) = Self::index(&self.site.orders, &racks.order, |o| &o.id) else {
            note(
                &mut self.f.conservation,
                format!("unknown order {}", racks.order),
            );
            return None;
        };
        if racks.first == 0 || racks.first > racks.last || racks.last > self.site.orders[o].racks {
            note(
                &mut self.f.conservation,
                format!("bad rack range {racks:?}"),
            );
            return None;
        }
        Some((o, racks.first..=racks.last))
    }

    fn watts_of(mw: &str) -> Option<u64> {
        mw.parse::<f64>().ok().map(|v| (v * 1e6).round() as u64)
    }

    /// The available power on `day` by the source windows.
    fn expected_available(&self, day: Day) -> u64 {
        self.site
            .power
            .iter()
            .zip(&self.windows)
            .filter(|(_, (on, off))| *on <= day && off.is_none_or(|off| day < off))
            .map(|(p, _)| p.watts)
            .sum()
    }

    fn room(&self, h: usize) -> u64 {
        if self.hall_open[h] {
            self.site.halls[h]
                .it_watts
                .saturating_sub(self.hall_used[h])
        } else {
            0
        }
    }

    /// The first ready hall, in declaration order, with room for `w`.
    fn first_fit(&self, w: u64) -> Option<usize> {
        (0..self.site.halls.len()).find(|&h| self.room(h) >= w)
    }

    /// Moves a rack to a new state, keeping the per-state counts.
    fn set(&mut self, o: usize, n: u32, change: impl FnOnce(&mut Rack)) {
        let Some(rack) = self.racks[o][n as usize - 1].as_mut() else {
            return;
        };
        let before = rack.slot();
        change(rack);
        let after = rack.slot();
        self.slots[o][before] -= 1;
        self.slots[o][after] += 1;
    }

    /// A copy of a rack's record, so the replay can keep changing itself.
    fn rack(&self, o: usize, n: u32) -> Option<Rack> {
        self.racks[o][n as usize - 1].clone()
    }

    fn entry(&mut self, e: &LogEntry) {
        let day = e.day;
        match self.day {
            Some(prev) if day < prev => {
                note(
                    &mut self.f.rules,
                    format!("log goes back in time: day {day} after {prev}"),
                );
                return;
            }
            Some(prev) if day > prev => {
                self.end_of_day(prev, day);
                self.phase = 0;
            }
            _ => {}
        }
        self.day = Some(day);
        if day > self.horizon {
            note(
                &mut self.f.rules,
                format!("logged day {day} is past the horizon {}", self.horizon),
            );
        }

        let phase = match &e.what {
            Happening::Shed { .. } => 1,
            Happening::InstallStart { .. }
            | Happening::Blocked {
                stage: "install", ..
            } => 2,
            Happening::Energized { .. } | Happening::Blocked { .. } => 3,
            Happening::Earning { .. } if self.phase == 3 => 3,
            _ => 0,
        };
        if phase < self.phase {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: {:?} out of the day's order (changes, shed, install, energize)",
                    e.what
                ),
            );
        }
        if phase >= 2 && self.phase < 2 && self.drawn > self.available {
            note(
                &mut self.f.power,
                format!(
                    "day {day}: still drawing {} W of {} W after shedding",
                    self.drawn, self.available
                ),
            );
        }
        self.phase = self.phase.max(phase);

        match &e.what {
            Happening::TaskStart { task } => match Self::index(&self.site.tasks, task, |t| &t.id) {
                Some(t) => {
                    self.seen_start[t] += 1;
                    if day != self.task_start[t] {
                        note(
                            &mut self.f.schedule,
                            format!(
                                "{task} logged as starting on {day}, scheduled {}",
                                self.task_start[t]
                            ),
                        );
                    }
                }
                None => note(&mut self.f.schedule, format!("unknown task {task}")),
            },
            Happening::TaskFinish { task } => {
                match Self::index(&self.site.tasks, task, |t| &t.id) {
                    Some(t) => {
                        self.seen_finish[t] += 1;
                        if day != self.task_finish[t] {
                            note(
                                &mut self.f.schedule,
                                format!(
                                    "{task} logged as finishing on {day}, scheduled {}",
                                    self.task_finish[t]
                                ),
                            );
                        }
                    }
                    None => note(&mut self.f.schedule, format!("unknown task {task}")),
                }
            }
            Happening::HallReady { hall } => match Self::index(&self.site.halls, hall, |h| &h.id) {
                Some(h) => {
                    self.seen_hall[h] += 1;
                    if day != self.hall_ready[h] {
                        note(
                            &mut self.f.hall,
                            format!("{hall} ready on {day}, expected {}", self.hall_ready[h]),
                        );
                    }
                    self.hall_open[h] = true;
                }
                None => note(&mut self.f.hall, format!("unknown hall {hall}")),
            },
            Happening::PowerOn { source, mw } => {
                match Self::index(&self.site.power, source, |p| &p.id) {
                    Some(p) => {
                        self.seen_on[p] += 1;
                        let watts = self.site.power[p].watts;
                        if day != self.windows[p].0 || self.source_on[p] {
                            note(
                                &mut self.f.power,
                                format!(
                                    "{source} on on day {day}; window {:?}, already on: {}",
                                    self.windows[p], self.source_on[p]
                                ),
                            );
                        }
                        if Self::watts_of(mw) != Some(watts) {
                            note(
                                &mut self.f.power,
                                format!("{source} logged as {mw} MW, has {watts} W"),
                            );
                        }
                        self.source_on[p] = true;
                        self.available += watts;
                    }
                    None => note(&mut self.f.power, format!("unknown source {source}")),
                }
            }
            Happening::PowerOff { source, mw } => {
                match Self::index(&self.site.power, source, |p| &p.id) {
                    Some(p) => {
                        self.seen_off[p] += 1;
                        let watts = self.site.power[p].watts;
                        if Some(day) != self.windows[p].1 || !self.source_on[p] {
                            note(
                                &mut self.f.power,
                                format!(
                                    "{source} off on day {day}; window {:?}, was on: {}",
                                    self.windows[p], self.source_on[p]
                                ),
                            );
                        }
                        if Self::watts_of(mw) != Some(watts) {
                            note(
                                &mut self.f.power,
                                format!("{source} logged as {mw} MW, has {watts} W"),
                            );
                        }
                        if self.source_on[p] {
                            self.source_on[p] = false;
                            self.available -= watts;
                        }
                    }
                    None => note(&mut self.f.power, format!("unknown source {source}")),
                }
            }
            Happening::OrderPlaced { order } => {
                match Self::index(&self.site.orders, order, |o| &o.id) {
                    Some(o) => {
                        self.seen_placed[o] += 1;
                        if day != self.placed_day[o] {
                            note(
                                &mut self.f.rules,
                                format!("{order} placed on {day}, expected {}", self.placed_day[o]),
                            );
                        }
                        self.dates[o].placed = Some(day);
                        self.next_delivery[o] = Some(day + self.site.orders[o].lead_time.point());
                    }
                    None => note(&mut self.f.rules, format!("unknown order {order}")),
                }
            }
            Happening::Delivered { racks } => self.delivered(day, racks),
            Happening::InstallStart { racks, hall } => self.install_start(day, racks, hall),
            Happening::Installed { racks } => self.installed(day, racks),
            Happening::Energized { racks } => self.energized(day, racks),
            Happening::Earning { racks } => self.earning(day, racks, phase == 3),
            Happening::Shed { racks } => self.shed(day, racks),
            Happening::Blocked {
                stage,
                racks,
                reason,
            } => self.blocked(day, stage, racks, *reason),
        }
    }

    fn delivered(&mut self, day: Day, racks: &Racks) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let spec = &self.site.orders[o];
        let expected = spec.racks_per_week.min(spec.racks - self.delivered[o]);
        if self.next_delivery[o] != Some(day)
            || *range.start() != self.delivered[o] + 1
            || range.end() - range.start() + 1 != expected
        {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: delivery {racks:?}; expected {expected} racks from {} on {:?}",
                    self.delivered[o] + 1,
                    self.next_delivery[o]
                ),
            );
        }
        for n in range {
            if self.racks[o][n as usize - 1].is_some() {
                note(
                    &mut self.f.conservation,
                    format!("day {day}: rack {n} of {} delivered twice", spec.id),
                );
                continue;
            }
            self.racks[o][n as usize - 1] = Some(Rack {
                delivered: day,
                st: St::AwaitInstall,
                burned: false,
                earning_since: None,
                earned_days: 0,
            });
            self.slots[o][0] += 1;
            self.delivered[o] += 1;
            self.await_install.insert((day, o, n));
            *self.groups.entry((day, o)).or_default() += 1;
        }
        let d = &mut self.dates[o];
        d.first_delivery.get_or_insert(day);
        if self.delivered[o] >= spec.racks {
            d.last_delivery = Some(day);
            self.next_delivery[o] = None;
        } else {
            self.next_delivery[o] = Some(day + 7);
        }
    }

    fn install_start(&mut self, day: Day, racks: &Racks, hall: &str) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let Some(h) = Self::index(&self.site.halls, hall, |h| &h.id) else {
            note(&mut self.f.hall, format!("unknown hall {hall}"));
            return;
        };
        if !self.hall_open[h] || day < self.run.hall_ready[h] || day < self.hall_ready[h] {
            note(
                &mut self.f.hall,
                format!(
                    "day {day}: install into {hall} before it is ready (day {})",
                    self.hall_ready[h]
                ),
            );
        }
        let w = self.site.orders[o].rack_it_watts;
        let dpr = self.site.install.days_per_rack;
        for n in range {
            let Some(rack) = self.rack(o, n) else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: installing undelivered rack {n} of {}",
                        racks.order
                    ),
                );
                continue;
            };
            if rack.st != St::AwaitInstall {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: installing rack {n} of {} in state {:?}",
                        racks.order, rack.st
                    ),
                );
                continue;
            }
            let key = (rack.delivered, o, n);
            if self.await_install.first() != Some(&key) {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: rack {key:?} overtakes queue head {:?}",
                        self.await_install.first()
                    ),
                );
            }
            if self.crews_busy >= self.site.install.crews {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: install of rack {n} of {} with all {} crews busy",
                        racks.order, self.crews_busy
                    ),
                );
            }
            let fit = self.first_fit(w);
            if fit != Some(h) && self.hall_open[h] && self.room(h) >= w {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: rack {n} of {} went to {hall}, first hall with room is {fit:?}",
                        racks.order
                    ),
                );
            }
            self.hall_used[h] += w;
            if self.hall_used[h] > self.site.halls[h].it_watts {
                note(
                    &mut self.f.hall,
                    format!(
                        "day {day}: {hall} holds {} W of racks, capacity {} W",
                        self.hall_used[h], self.site.halls[h].it_watts
                    ),
                );
            }
            self.await_install.remove(&key);
            let g = self.groups.entry((key.0, o)).or_default();
            *g -= 1;
            if *g == 0 {
                self.groups.remove(&(key.0, o));
            }
            self.set(o, n, |r| {
                r.st = St::Installing {
                    hall: h,
                    since: day,
                }
            });
            self.crews_busy += 1;
            *self.install_due.entry(day + dpr).or_default() += 1;
        }
        self.dates[o].first_install.get_or_insert(day);
    }

    fn installed(&mut self, day: Day, racks: &Racks) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let dpr = self.site.install.days_per_rack;
        for n in range {
            let Some(rack) = self.rack(o, n) else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: undelivered rack {n} of {} installed",
                        racks.order
                    ),
                );
                continue;
            };
            let St::Installing { since, .. } = rack.st else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: rack {n} of {} installed from state {:?}",
                        racks.order, rack.st
                    ),
                );
                continue;
            };
            if since + dpr != day {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: rack {n} of {} installed, started {since}, days_per_rack {dpr}",
                        racks.order
                    ),
                );
            }
            if let Some(c) = self.install_due.get_mut(&(since + dpr)) {
                *c -= 1;
                if *c == 0 {
                    self.install_due.remove(&(since + dpr));
                }
            }
            let key = (rack.delivered, o, n);
            self.set(o, n, |r| r.st = St::AwaitPower);
            self.await_power.insert(key);
            self.crews_busy -= 1;
            self.installed[o] += 1;
            if self.installed[o] == self.site.orders[o].racks {
                self.dates[o].all_installed = Some(day);
            }
        }
    }

    fn energized(&mut self, day: Day, racks: &Racks) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let fw = self.site.orders[o].rack_facility_watts;
        let burn_in = self.site.install.burn_in;
        for n in range {
            let Some(rack) = self.rack(o, n) else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: undelivered rack {n} of {} energized",
                        racks.order
                    ),
                );
                continue;
            };
            if rack.st != St::AwaitPower {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: rack {n} of {} energized from state {:?}",
                        racks.order, rack.st
                    ),
                );
                continue;
            }
            let key = (rack.delivered, o, n);
            let burned = rack.burned;
            if self.await_power.first() != Some(&key) {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: rack {key:?} energized ahead of queue head {:?}",
                        self.await_power.first()
                    ),
                );
            }
            if self.drawn + fw > self.available {
                note(
                    &mut self.f.power,
                    format!(
                        "day {day}: energizing rack {n} of {} draws {} W of {} W available",
                        racks.order,
                        self.drawn + fw,
                        self.available
                    ),
                );
            }
            self.drawn += fw;
            self.await_power.remove(&key);
            self.stack.push((o, n));
            self.set(o, n, |r| r.st = St::Energized { since: day });
            if burned || burn_in == 0 {
                self.instant_pending += 1;
            } else {
                *self.burn_due.entry(day + burn_in).or_default() += 1;
            }
        }
        self.dates[o].first_power_on.get_or_insert(day);
    }

    fn earning(&mut self, day: Day, racks: &Racks, instant: bool) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let burn_in = self.site.install.burn_in;
        for n in range {
            let Some(rack) = self.rack(o, n) else {
                note(
                    &mut self.f.conservation,
                    format!("day {day}: undelivered rack {n} of {} earning", racks.order),
                );
                continue;
            };
            let St::Energized { since } = rack.st else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: rack {n} of {} earning in state {:?}",
                        racks.order, rack.st
                    ),
                );
                continue;
            };
            if rack.earning_since.is_some() {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: rack {n} of {} starts earning twice",
                        racks.order
                    ),
                );
                continue;
            }
            if instant {
                if rack.burned {
                    self.f.instant_re_earnings += 1;
                }
                if since != day || !(rack.burned || burn_in == 0) || self.instant_pending == 0 {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: rack {n} of {} earns at once (energized {since}, burned in {})",
                            racks.order, rack.burned
                        ),
                    );
                }
                self.instant_pending = self.instant_pending.saturating_sub(1);
            } else {
                if rack.burned || burn_in == 0 || since + burn_in != day {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: rack {n} of {} ends burn-in; energized {since}, burn_in {burn_in}, burned {}",
                            racks.order, rack.burned
                        ),
                    );
                }
                if let Some(c) = self.burn_due.get_mut(&(since + burn_in)) {
                    *c -= 1;
                    if *c == 0 {
                        self.burn_due.remove(&(since + burn_in));
                    }
                }
            }
            self.set(o, n, |r| {
                r.earning_since = Some(day);
                r.burned = true;
            });
            self.earning_count[o] += 1;
            if self.earning_count[o] == self.site.orders[o].racks {
                self.dates[o].full_earning.get_or_insert(day);
            }
        }
        self.dates[o].first_earning.get_or_insert(day);
    }

    fn shed(&mut self, day: Day, racks: &Racks) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let fw = self.site.orders[o].rack_facility_watts;
        let burn_in = self.site.install.burn_in;
        for n in range.rev() {
            if self.stack.last() != Some(&(o, n)) {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: shed rack {n} of {} but the most recently energized is {:?}",
                        racks.order,
                        self.stack.last()
                    ),
                );
            }
            if self.drawn <= self.available {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: shed rack {n} of {} while the draw {} W fits in {} W",
                        racks.order, self.drawn, self.available
                    ),
                );
            }
            let Some(rack) = self.rack(o, n) else {
                note(
                    &mut self.f.conservation,
                    format!("day {day}: undelivered rack {n} of {} shed", racks.order),
                );
                continue;
            };
            let St::Energized { since } = rack.st else {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: rack {n} of {} shed in state {:?}",
                        racks.order, rack.st
                    ),
                );
                continue;
            };
            let key = (rack.delivered, o, n);
            if let Some(at) = self.stack.iter().rposition(|&x| x == (o, n)) {
                self.stack.remove(at);
            }
            self.drawn -= fw;
            if rack.earning_since.is_some() {
                self.earning_count[o] -= 1;
            } else if !rack.burned && burn_in > 0 {
                self.f.burn_in_restarts += 1;
                if let Some(c) = self.burn_due.get_mut(&(since + burn_in)) {
                    *c -= 1;
                    if *c == 0 {
                        self.burn_due.remove(&(since + burn_in));
                    }
                }
            }
            self.set(o, n, |r| {
                if let Some(e) = r.earning_since.take() {
                    r.earned_days += u64::from(day - e);
                }
                r.st = St::AwaitPower;
            });
            self.await_power.insert(key);
        }
    }

    fn blocked(&mut self, day: Day, stage: &str, racks: &Racks, reason: DarkReason) {
        let Some((o, range)) = self.range(racks) else {
            return;
        };
        let head = |set: &BTreeSet<Key>| set.first().map(|&(_, ho, hn)| (ho, hn));
        match stage {
            "install" => {
                if head(&self.await_install) != Some((o, *range.start())) {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: blocked install of {racks:?}, queue head {:?}",
                            self.await_install.first()
                        ),
                    );
                }
                let w = self.site.orders[o].rack_it_watts;
                let ok = match reason {
                    DarkReason::Shell => self.first_fit(w).is_none(),
                    DarkReason::Crew => self.crews_busy >= self.site.install.crews,
                    _ => false,
                };
                if !ok {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: install of {racks:?} blocked for {reason:?}, crews busy {}",
                            self.crews_busy
                        ),
                    );
                }
            }
            "energize" => {
                if head(&self.await_power) != Some((o, *range.start())) {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: blocked energize of {racks:?}, queue head {:?}",
                            self.await_power.first()
                        ),
                    );
                }
                let fw = self.site.orders[o].rack_facility_watts;
                if reason != DarkReason::Power || fw <= self.available.saturating_sub(self.drawn) {
                    note(
                        &mut self.f.rules,
                        format!(
                            "day {day}: energize of {racks:?} blocked for {reason:?} with {} W free",
                            self.available - self.drawn
                        ),
                    );
                }
            }
            other => note(
                &mut self.f.rules,
                format!("day {day}: unknown stage {other}"),
            ),
        }
    }

    /// GPUs per order by dark reason, and earning, as the state stands.
    fn counts(&self) -> Vec<([u64; 4], u64)> {
        let mut out = vec![([0u64; 4], 0u64); self.site.orders.len()];
        let mut room: Vec<u64> = (0..self.site.halls.len()).map(|h| self.room(h)).collect();
        // Racks waiting to install, in queue order, each into the first ready
        // hall with room left: those placed wait for a crew, the rest for a shell.
        for (&(_, o), &count) in &self.groups {
            let w = self.site.orders[o].rack_it_watts;
            let mut left = count;
            for r in room.iter_mut() {
                let fit = left.min(*r / w);
                *r -= fit * w;
                left -= fit;
            }
            let g = u64::from(self.site.orders[o].gpus_per_rack);
            out[o].0[CREW] += (count - left) * g;
            out[o].0[SHELL] += left * g;
        }
        for (o, s) in self.slots.iter().enumerate() {
            let g = u64::from(self.site.orders[o].gpus_per_rack);
            out[o].0[CREW] += u64::from(s[1]) * g;
            out[o].0[POWER] += u64::from(s[2]) * g;
            out[o].0[BURN_IN] += u64::from(s[3]) * g;
            out[o].1 += u64::from(s[4]) * g;
        }
        out
    }

    /// Checks the state at the end of `day` and books it until `until`.
    fn end_of_day(&mut self, day: Day, until: Day) {
        let crews = self.site.install.crews;
        if self.instant_pending > 0 {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: {} re-energized or burn-in-free racks did not earn at once",
                    self.instant_pending
                ),
            );
            self.instant_pending = 0;
        }
        // Invariant 2: drawn power fits, and the available power is what the windows say.
        if self.drawn > self.available {
            note(
                &mut self.f.power,
                format!(
                    "day {day}: {} W drawn, {} W available",
                    self.drawn, self.available
                ),
            );
        }
        let expected = self.expected_available(day);
        if self.available != expected {
            note(
                &mut self.f.power,
                format!(
                    "day {day}: replayed {} W available, the source windows give {expected} W",
                    self.available
                ),
            );
        }
        // The curve starts at day 0 with nothing on, then has a point for
        // each day on which available or drawn power changed.
        let point = PowerPoint {
            day,
            available_watts: self.available,
            drawn_watts: self.drawn,
        };
        match self.curve.last_mut() {
            Some(last) if last.day == day => *last = point,
            Some(last)
                if (last.available_watts, last.drawn_watts) == (self.available, self.drawn) => {}
            _ => self.curve.push(point),
        }
        // Nothing that was due by today is missing from the log.
        if let Some((&due, _)) = self
            .install_due
            .first_key_value()
            .filter(|(d, _)| **d <= day)
        {
            note(
                &mut self.f.rules,
                format!("day {day}: installs due on {due} not finished"),
            );
        }
        if let Some((&due, _)) = self.burn_due.first_key_value().filter(|(d, _)| **d <= day) {
            note(
                &mut self.f.rules,
                format!("day {day}: burn-ins due on {due} not finished"),
            );
        }
        for (o, next) in self.next_delivery.iter().enumerate() {
            if let Some(d) = next.filter(|d| *d <= day) {
                note(
                    &mut self.f.rules,
                    format!(
                        "day {day}: delivery of {} due on {d} missing",
                        self.site.orders[o].id
                    ),
                );
            }
        }
        // The allocator went as far as the rules allow.
        if self.crews_busy > crews {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: {} racks installing with {crews} crews",
                    self.crews_busy
                ),
            );
        }
        if let Some(&(_, o, n)) = self.await_install.first()
            && self.crews_busy < crews
            && self.first_fit(self.site.orders[o].rack_it_watts).is_some()
        {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: rack {n} of {} waits with a free crew and a hall with room",
                    self.site.orders[o].id
                ),
            );
        }
        if let Some(&(_, o, n)) = self.await_power.first()
            && self.site.orders[o].rack_facility_watts <= self.available.saturating_sub(self.drawn)
        {
            note(
                &mut self.f.rules,
                format!(
                    "day {day}: rack {n} of {} waits for power with enough free",
                    self.site.orders[o].id
                ),
            );
        }
        // Invariant 4: every delivered rack is in exactly one state.
        for (o, s) in self.slots.iter().enumerate() {
            let sum: u32 = s.iter().sum();
            let racks = &self.racks[o];
            let present = racks.iter().filter(|r| r.is_some()).count() as u32;
            if sum != self.delivered[o] || present != self.delivered[o] {
                note(
                    &mut self.f.conservation,
                    format!(
                        "day {day}: {} has {sum} racks in states, {present} delivered of {}",
                        self.site.orders[o].id, self.delivered[o]
                    ),
                );
            }
            if s[3] + s[4] == self.site.orders[o].racks {
                self.dates[o].full_power_on.get_or_insert(day);
            }
        }
        // Invariant 6: book the day's dark GPUs until the next change.
        let counts = self.counts();
        let mut per_day = [0u64; 4];
        for (dark, _) in &counts {
            for (a, b) in per_day.iter_mut().zip(dark) {
                *a += b;
            }
        }
        if per_day != [0; 4] {
            for d in day..until {
                let date = self.start + chrono::Days::new(d.into());
                let month = date.with_day(1).expect("day 1 exists");
                let slot = self.months.entry(month).or_default();
                for (a, b) in slot.iter_mut().zip(per_day) {
                    *a += b;
                }
            }
        }
        self.last_counts = counts;
    }

    fn finish(&mut self) {
        let h = self.horizon;
        if let Some(day) = self.day {
            self.end_of_day(day, h + 1);
        }
        // Everything the rules put on or before the horizon was logged, once.
        for (t, task) in self.site.tasks.iter().enumerate() {
            let want = |d: Day| u32::from(d <= h);
            if self.seen_start[t] != want(self.task_start[t])
                || self.seen_finish[t] != want(self.task_finish[t])
            {
                note(
                    &mut self.f.schedule,
                    format!(
                        "{} start logged {}x, finish {}x (days {}, {})",
                        task.id,
                        self.seen_start[t],
                        self.seen_finish[t],
                        self.task_start[t],
                        self.task_finish[t]
                    ),
                );
            }
        }
        for (i, hall) in self.site.halls.iter().enumerate() {
            if self.seen_hall[i] != u32::from(self.hall_ready[i] <= h) {
                note(
                    &mut self.f.hall,
                    format!(
                        "{} ready logged {}x, ready day {}",
                        hall.id, self.seen_hall[i], self.hall_ready[i]
                    ),
                );
            }
        }
        for (p, source) in self.site.power.iter().enumerate() {
            let (on, off) = self.windows[p];
            let lives = off.is_none_or(|off| off > on);
            let want_on = u32::from(lives && on <= h);
            let want_off = u32::from(lives && off.is_some_and(|off| off <= h));
            if (self.seen_on[p], self.seen_off[p]) != (want_on, want_off) {
                note(
                    &mut self.f.power,
                    format!(
                        "{} on logged {}x, off {}x, window {:?}",
                        source.id, self.seen_on[p], self.seen_off[p], self.windows[p]
                    ),
                );
            }
        }
        for (o, order) in self.site.orders.iter().enumerate() {
            if self.seen_placed[o] != u32::from(self.placed_day[o] <= h) {
                note(
                    &mut self.f.rules,
                    format!(
                        "{} placed logged {}x, placed day {}",
                        order.id, self.seen_placed[o], self.placed_day[o]
                    ),
                );
            }
            if let Some(d) = self.next_delivery[o].filter(|d| *d <= h) {
                note(
                    &mut self.f.rules,
                    format!("delivery of {} due on {d} missing", order.id),
                );
            }
        }
        if let Some((&due, _)) = self.install_due.first_key_value().filter(|(d, _)| **d <= h) {
            note(
                &mut self.f.rules,
                format!("installs due on {due} never finished"),
            );
        }
        if let Some((&due, _)) = self.burn_due.first_key_value().filter(|(d, _)| **d <= h) {
            note(
                &mut self.f.rules,
                format!("burn-ins due on {due} never finished"),
            );
        }

        // Invariant 4 at the horizon: the engine's counts match the replay.
        for (o, order) in self.site.orders.iter().enumerate() {
            let p = &self.run.orders[o];
            let installed = self.slots[o][2] + self.slots[o][3] + self.slots[o][4];
            if (p.delivered, p.installed) != (self.delivered[o], installed)
                || installed != self.installed[o]
            {
                note(
                    &mut self.f.conservation,
                    format!(
                        "{}: engine says delivered {} installed {}, replay {} and {} (install events {})",
                        order.id,
                        p.delivered,
                        p.installed,
                        self.delivered[o],
                        installed,
                        self.installed[o]
                    ),
                );
            }
            let (dark, earning) = self.last_counts[o];
            if (p.at_horizon.dark, p.at_horizon.earning) != (dark, earning) {
                note(
                    &mut self.f.conservation,
                    format!(
                        "{}: at the horizon engine has dark {:?} earning {}, replay {dark:?} {earning}",
                        order.id, p.at_horizon.dark, p.at_horizon.earning
                    ),
                );
            }
            let e = Dates {
                placed: p.placed,
                first_delivery: p.first_delivery,
                last_delivery: p.last_delivery,
                first_install: p.first_install,
                all_installed: p.all_installed,
                first_power_on: p.first_power_on,
                full_power_on: p.full_power_on,
                first_earning: p.first_earning,
                full_earning: p.full_earning,
            };
            if e != self.dates[o] {
                note(
                    &mut self.f.rules,
                    format!(
                        "{}: engine dates {e:?}, replay {:?}",
                        order.id, self.dates[o]
                    ),
                );
            }
        }
        if self.curve != self.run.power_curve {
            note(
                &mut self.f.power,
                format!(
                    "power curve {:?}, replay {:?}",
                    self.run.power_curve, self.curve
                ),
            );
        }

        // Invariant 6: the dark ledger, month by month and in total.
        let engine_months: Vec<(NaiveDate, [u64; 4])> = self.run.dark.months().collect();
        let mine: Vec<(NaiveDate, [u64; 4])> = self
            .months
            .iter()
            .filter(|(_, v)| **v != [0; 4])
            .map(|(m, v)| (*m, *v))
            .collect();
        if engine_months != mine {
            let diff: Vec<_> = engine_months
                .iter()
                .zip(&mine)
                .filter(|(a, b)| a != b)
                .take(3)
                .collect();
            note(
                &mut self.f.dark,
                format!(
                    "dark GPU-days by month differ ({} vs {} months); first differences {diff:?}",
                    engine_months.len(),
                    mine.len()
                ),
            );
        }
        let mut per_rack = 0u64;
        for (o, racks) in self.racks.iter().enumerate() {
            let g = u64::from(self.site.orders[o].gpus_per_rack);
            for rack in racks.iter().flatten() {
                let earned =
                    rack.earned_days + rack.earning_since.map_or(0, |e| u64::from(h + 1 - e));
                per_rack += g * (u64::from(h + 1 - rack.delivered) - earned);
            }
        }
        let totals = self.run.dark.totals();
        let total: u64 = totals.iter().sum();
        if total != per_rack {
            note(
                &mut self.f.dark,
                format!("dark GPU-days total {total} ({totals:?}), replayed per rack {per_rack}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

/// 256 cases per property; `PROPTEST_CASES` asks for more (or fewer) locally.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn check(scenario: &Scenario) -> Findings {
    let run = simulate(scenario);
    replay(scenario, &run)
}

fn shown(list: &[String]) -> String {
    list.join("\n")
}

proptest! {
    #![proptest_config(config())]

    /// Invariant 1: no task starts before each predecessor's finish plus lag,
    /// nor before its not_before; finish = start + duration; the log agrees.
    #[test]
    fn tasks_start_after_predecessors_plus_lag_and_not_before(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.schedule.is_empty(), "{}", shown(&f.schedule));
    }

    /// Invariant 2: at the end of every day the facility draw of energized
    /// racks fits in the power of the sources that are on.
    #[test]
    fn drawn_power_never_exceeds_available(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.power.is_empty(), "{}", shown(&f.power));
    }

    /// Invariant 3: racks installed into a hall never exceed its IT capacity,
    /// and no install starts before the hall is ready.
    #[test]
    fn hall_capacity_never_exceeded_and_installs_wait_for_ready_halls(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.hall.is_empty(), "{}", shown(&f.hall));
    }

    /// Invariant 4: each rack is delivered at most once and every delivered
    /// rack is in exactly one state each day; the horizon counts match.
    #[test]
    fn delivered_racks_are_conserved(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.conservation.is_empty(), "{}", shown(&f.conservation));
    }

    /// Invariant 5: the same input gives byte-identical outputs.
    #[test]
    fn same_input_gives_identical_output(scenario in scenarios()) {
        let a = timeline::run(&scenario, Options { log: true, ..Options::default() });
        let b = timeline::run(&scenario, Options { log: true, ..Options::default() });
        let files_a = report::artifacts(&a).expect("artifacts");
        let files_b = report::artifacts(&b).expect("artifacts");
        prop_assert_eq!(files_a.len(), files_b.len());
        for (x, y) in files_a.iter().zip(&files_b) {
            prop_assert_eq!(&x.name, &y.name);
            prop_assert!(x.bytes == y.bytes, "{} differs between two runs", x.name);
        }
        let events_a = report::events_jsonl(&a).expect("events");
        let events_b = report::events_jsonl(&b).expect("events");
        prop_assert!(events_a == events_b, "the event log differs between two runs");
        prop_assert_eq!(&simulate(&scenario).log, &simulate(&scenario).log);
    }

    /// Invariant 6: dark GPU-days by reason and month equal the replayed dark
    /// states, and in total equal each rack's days from delivery to earning.
    #[test]
    fn dark_gpu_days_match_replayed_rack_states(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.dark.is_empty(), "{}", shown(&f.dark));
    }

    /// The allocator follows the day rules: queue order without overtaking,
    /// first hall with room, crew limit, shedding the most recent racks only
    /// while short, install/burn-in/delivery timing, nothing left undone that
    /// the rules allow, and the reported order dates.
    #[test]
    fn allocation_follows_the_day_rules(scenario in scenarios()) {
        let f = check(&scenario);
        prop_assert!(f.rules.is_empty(), "{}", shown(&f.rules));
    }
}

/// The generator exercises what the properties are about: shedding, shell
/// and power waits, and racks reaching earning.
#[test]
fn generated_sites_exercise_the_rules() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut shed, mut earning, mut shell, mut power, mut with_orders) = (0, 0, 0, 0, 0);
    let (mut restarts, mut re_earnings) = (0, 0);
    for _ in 0..256 {
        let scenario = scenarios().new_tree(&mut runner).expect("a case").current();
        with_orders += usize::from(!scenario.sites[0].orders.is_empty());
        let run = simulate(&scenario);
        shed += usize::from(
            run.log
                .iter()
                .any(|e| matches!(e.what, Happening::Shed { .. })),
        );
        earning += usize::from(
            run.log
                .iter()
                .any(|e| matches!(e.what, Happening::Earning { .. })),
        );
        let t = run.dark.totals();
        shell += usize::from(t[SHELL] > 0);
        power += usize::from(t[POWER] > 0);
        let f = replay(&scenario, &run);
        restarts += usize::from(f.burn_in_restarts > 0);
        re_earnings += usize::from(f.instant_re_earnings > 0);
    }
    let seen = format!(
        "orders {with_orders} shed {shed} earning {earning} shell {shell} power {power} burn-in restarts {restarts} re-earnings {re_earnings}"
    );
    println!("cases of 256 with: {seen}");
    assert!(
        with_orders > 64
            && shed > 5
            && earning > 32
            && shell > 10
            && power > 10
            && restarts > 0
            && re_earnings > 0,
        "{seen}"
    );
}

/// Regression: `rack_kw: 0.0001` used to load (it is > 0), round to 0 W, and
/// make the engine divide by zero when starting installs. Loading now rejects
/// racks below 0.1 kW, and the engine still runs a hand-built 0 W rack.
#[test]
fn zero_watt_rack_is_rejected_when_loading_and_survived_by_the_engine() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("scenario.yaml"),
        "start: 2025-01-01\nhorizon: 2026-12-31\n",
    )
    .expect("write");
    let site = "pue: 1.2
tasks:
  shell:
    duration: 10d
halls:
  hall-1:
    it_mw: 1
    ready: shell
power:
  grid:
    mw: 1
    from: 2025-01-01
orders:
  a:
    generation: GB300
    racks: 2
    rack_kw: 0.0001
    gpus_per_rack: 8
    ordered: 2025-01-01
    lead_time: 30d
    racks_per_week: 1
install:
  crews: 1
  days_per_rack: 1
";
    std::fs::write(dir.path().join("tiny.yaml"), site).expect("write");
    let err = warmshell::load_dir(dir.path()).expect_err("a 0.1 W rack must not load");
    let diags = err.diagnostics().expect("located problems");
    assert!(
        diags
            .iter()
            .any(|d| d.field == "orders.a.rack_kw" && d.pos.line == 17),
        "{diags}"
    );

    std::fs::write(
        dir.path().join("tiny.yaml"),
        site.replace("rack_kw: 0.0001", "rack_kw: 1"),
    )
    .expect("write");
    let mut scenario = warmshell::load_dir(dir.path()).expect("valid");
    scenario.sites[0].orders[0].rack_it_watts = 0;
    scenario.sites[0].orders[0].rack_facility_watts = 0;
    let run = simulate(&scenario);
    assert_eq!(run.orders[0].delivered, 2);
}
