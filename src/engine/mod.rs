//! The discrete-event engine: one site, day by day.
//!
//! Invariant: the engine does no I/O and cannot fail. Every reference in a
//! [`Site`] is resolved and every quantity bounded when loading, and all day
//! arithmetic saturates, so any loaded scenario simulates to its horizon.
//!
//! Each processed day: apply every event of the day, then shed racks if power
//! fell short, then start installs, then energize; then account the end-of-day
//! state until the next event day.

pub mod event;
pub mod ledger;
pub mod queue;
pub mod state;

use event::{CohortId, DarkReason, Event, Happening, LogEntry, Racks as RackRange};
use ledger::{DarkLedger, PowerPoint};
use queue::EventQueue;
use state::{Cohort, GpuCounts, Powered, RackSpec, Racks};

use crate::graph::{Schedule, TaskGraph};
use crate::scenario::{Day, Scenario, Site};

/// The durations one run uses, in whole days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    pub task_days: Vec<Day>,
    pub lead_days: Vec<Day>,
}

impl Draw {
    /// Every duration at its point value (see `Distribution::point`); no risk fires.
    pub fn point(site: &Site) -> Draw {
        Draw {
            task_days: site.tasks.iter().map(|t| t.duration.point()).collect(),
            lead_days: site.orders.iter().map(|o| o.lead_time.point()).collect(),
        }
    }
}

/// Key dates of one order; `None` if it did not happen by the horizon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderProgress {
    pub placed: Option<Day>,
    pub first_delivery: Option<Day>,
    pub last_delivery: Option<Day>,
    pub first_install: Option<Day>,
    /// The day the last rack finished installing.
    pub all_installed: Option<Day>,
    /// First rack energized: the order's power-on.
    pub first_power_on: Option<Day>,
    /// The first day every rack was energized at once.
    pub full_power_on: Option<Day>,
    pub first_earning: Option<Day>,
    pub full_earning: Option<Day>,
    /// Racks in each state at the end of the horizon.
    pub delivered: u32,
    pub installed: u32,
    pub at_horizon: GpuCounts,
}

/// Everything one simulated site produced.
#[derive(Debug, Clone)]
pub struct SiteRun {
    pub schedule: Schedule,
    /// The day each hall is ready.
    pub hall_ready: Vec<Day>,
    /// Each power source's first day on and, if it ends, its first day off.
    pub power_windows: Vec<(Day, Option<Day>)>,
    pub orders: Vec<OrderProgress>,
    pub power_curve: Vec<PowerPoint>,
    pub dark: DarkLedger,
    /// Each order's GPUs by state, from each day on which any changed until
    /// the next point (or the end of the horizon).
    pub trace: Vec<TracePoint>,
    /// Every change, when asked for (`Options::log`).
    pub log: Vec<LogEntry>,
}

/// The state of every order (in declaration order) from `day` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracePoint {
    pub day: Day,
    pub orders: Vec<GpuCounts>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Keep the event log (costs memory; off for Monte Carlo).
    pub log: bool,
    /// Book dark GPU-days as totals only, not by month (Monte Carlo).
    pub totals_only: bool,
}

/// Simulates one site of `scenario` with the given durations.
pub fn simulate(scenario: &Scenario, site: &Site, draw: &Draw, options: Options) -> SiteRun {
    // Loading rejects cycles, so this only fails on a site built by hand.
    let schedule = match TaskGraph::new(&site.tasks) {
        Ok(graph) => graph.schedule(&site.tasks, &draw.task_days),
        Err(_) => Schedule {
            start: vec![0; site.tasks.len()],
            finish: vec![0; site.tasks.len()],
            total_float: vec![0; site.tasks.len()],
        },
    };
    let mut sim = Sim::new(scenario, site, draw, schedule, options);
    sim.run();
    sim.finish()
}

struct Sim<'a> {
    site: &'a Site,
    draw: &'a Draw,
    horizon: Day,
    options: Options,
    schedule: Schedule,
    queue: EventQueue<Event>,
    specs: Vec<RackSpec>,
    /// Free IT watts per hall; `None` until the hall is ready.
    hall_room: Vec<Option<u64>>,
    available: u64,
    drawn: u64,
    racks: Racks,
    next_id: CohortId,
    progress: Vec<OrderProgress>,
    energized_now: Vec<u32>,
    earning_now: Vec<u32>,
    blocked: [Option<(usize, u32, DarkReason)>; 2],
    power_curve: Vec<PowerPoint>,
    dark: DarkLedger,
    trace: Vec<TracePoint>,
    log: Vec<LogEntry>,
    hall_ready: Vec<Day>,
    power_windows: Vec<(Day, Option<Day>)>,
}

impl<'a> Sim<'a> {
    fn new(
        scenario: &Scenario,
        site: &'a Site,
        draw: &'a Draw,
        schedule: Schedule,
        options: Options,
    ) -> Self {
        let hall_ready: Vec<Day> = site
            .halls
            .iter()
            .map(|h| schedule.finish[h.ready])
            .collect();
        let power_windows: Vec<(Day, Option<Day>)> = site
            .power
            .iter()
            .map(|p| p.window(&schedule.finish))
            .collect();

        let mut queue = EventQueue::default();
        // Task starts and finishes change no rack, hall or source by
        // themselves (their effects are queued below), so they are queued
        // only for the event log.
        if options.log {
            for t in 0..site.tasks.len() {
                queue.push(schedule.start[t], Event::TaskStart(t));
                queue.push(schedule.finish[t], Event::TaskFinish(t));
            }
        }
        for (h, &day) in hall_ready.iter().enumerate() {
            queue.push(day, Event::HallReady(h));
        }
        for (p, &(on, off)) in power_windows.iter().enumerate() {
            // A source whose end is not after its start is never on.
            if off.is_none_or(|off| off > on) {
                queue.push(on, Event::PowerOn(p));
                if let Some(off) = off {
                    queue.push(off, Event::PowerOff(p));
                }
            }
        }
        for (o, order) in site.orders.iter().enumerate() {
            queue.push(order.ordered.day(&schedule.finish), Event::OrderPlaced(o));
        }

        let specs = site
            .orders
            .iter()
            // Loading keeps racks at 100 W or more; `max(1)` keeps a hand-built site from dividing by zero.
            .map(|o| RackSpec {
                it_watts: o.rack_it_watts.max(1),
                facility_watts: o.rack_facility_watts.max(1),
                gpus: u64::from(o.gpus_per_rack),
            })
            .collect();
        Sim {
            site,
            draw,
            horizon: scenario.horizon_day(),
            options,
            schedule,
            queue,
            specs,
            hall_room: vec![None; site.halls.len()],
            available: 0,
            drawn: 0,
            racks: Racks::default(),
            next_id: 0,
            progress: vec![OrderProgress::default(); site.orders.len()],
            energized_now: vec![0; site.orders.len()],
            earning_now: vec![0; site.orders.len()],
            blocked: [None, None],
            // The curve starts at day 0 with nothing on.
            power_curve: vec![PowerPoint {
                day: 0,
                available_watts: 0,
                drawn_watts: 0,
            }],
            dark: DarkLedger::new(scenario.start, !options.totals_only),
            trace: Vec::new(),
            log: Vec::new(),
            hall_ready,
            power_windows,
        }
    }

    fn run(&mut self) {
        let mut processed = 0u64;
        while let Some(day) = self.queue.next_day().filter(|&d| d <= self.horizon) {
            while let Some(event) = self.queue.pop_on(day) {
                tracing::trace!(day, ?event, "event");
                self.apply(day, event);
                processed += 1;
            }
            self.shed(day);
            self.install(day);
            self.energize(day);

            let point = PowerPoint {
                day,
                available_watts: self.available,
                drawn_watts: self.drawn,
            };
            match self.power_curve.last_mut() {
                Some(last) if last.day == day => *last = point,
                Some(last)
                    if (last.available_watts, last.drawn_watts)
                        == (point.available_watts, point.drawn_watts) => {}
                _ => self.power_curve.push(point),
            }
            let mut counts = self.racks.counts_waiting(&self.specs, &self.hall_room);
            // Energized racks from the running totals (walking the energized
            // cohorts every day cost a quarter of a Monte Carlo run).
            for (o, c) in counts.iter_mut().enumerate() {
                let gpus = self.specs[o].gpus;
                c.earning = u64::from(self.earning_now[o]) * gpus;
                c.add(
                    DarkReason::BurnIn,
                    u64::from(self.energized_now[o].saturating_sub(self.earning_now[o])) * gpus,
                );
            }
            debug_assert_eq!(counts, self.racks.counts(&self.specs, &self.hall_room));
            let until = self
                .queue
                .next_day()
                .map_or(self.horizon + 1, |d| d.min(self.horizon + 1));
            self.dark.add(day, until, &counts);
            for (p, c) in self.progress.iter_mut().zip(&counts) {
                p.at_horizon = *c;
            }
            if self.trace.last().is_none_or(|t| t.orders != counts) {
                self.trace.push(TracePoint {
                    day,
                    orders: counts,
                });
            }
        }
        tracing::debug!(site = %self.site.id, events = processed, left_after_horizon = self.queue.len(), "event loop done");
    }

    fn finish(self) -> SiteRun {
        SiteRun {
            schedule: self.schedule,
            hall_ready: self.hall_ready,
            power_windows: self.power_windows,
            orders: self.progress,
            power_curve: self.power_curve,
            dark: self.dark,
            trace: self.trace,
            log: self.log,
        }
    }

    fn note(&mut self, day: Day, what: impl FnOnce(&Site) -> Happening) {
        if self.options.log {
            let what = what(self.site);
            self.log.push(LogEntry { day, what });
        }
    }

    fn range(site: &Site, c: &Cohort) -> RackRange {
        RackRange {
            order: site.orders[c.order].id.clone(),
            first: c.first + 1,
            last: c.first + c.count,
        }
    }

    fn new_id(&mut self) -> CohortId {
        self.next_id += 1;
        self.next_id
    }

    fn apply(&mut self, day: Day, event: Event) {
        match event {
            Event::TaskStart(t) => self.note(day, |s| Happening::TaskStart {
                task: s.tasks[t].id.clone(),
            }),
            Event::TaskFinish(t) => self.note(day, |s| Happening::TaskFinish {
                task: s.tasks[t].id.clone(),
            }),
            Event::HallReady(h) => {
                self.hall_room[h] = Some(self.site.halls[h].it_watts);
                self.note(day, |s| Happening::HallReady {
                    hall: s.halls[h].id.clone(),
                });
            }
            Event::PowerOn(p) => {
                self.available += self.site.power[p].watts;
                self.note(day, |s| Happening::PowerOn {
                    source: s.power[p].id.clone(),
                    mw: mw(s.power[p].watts),
                });
            }
            Event::PowerOff(p) => {
                self.available -= self.site.power[p].watts;
                self.note(day, |s| Happening::PowerOff {
                    source: s.power[p].id.clone(),
                    mw: mw(s.power[p].watts),
                });
            }
            Event::OrderPlaced(o) => {
                self.progress[o].placed = Some(day);
                self.queue.push(
                    day.saturating_add(self.draw.lead_days[o]),
                    Event::Delivery { order: o, batch: 0 },
                );
                self.note(day, |s| Happening::OrderPlaced {
                    order: s.orders[o].id.clone(),
                });
            }
            Event::Delivery { order, batch } => {
                let spec = &self.site.orders[order];
                let p = &mut self.progress[order];
                let count = spec.racks_per_week.min(spec.racks - p.delivered);
                let cohort = Cohort {
                    order,
                    first: p.delivered,
                    count,
                    delivered: day,
                };
                p.delivered += count;
                p.first_delivery.get_or_insert(day);
                if p.delivered < spec.racks {
                    self.queue.push(
                        day.saturating_add(7),
                        Event::Delivery {
                            order,
                            batch: batch + 1,
                        },
                    );
                } else {
                    p.last_delivery = Some(day);
                }
                self.racks.queue_install(cohort);
                self.note(day, |s| Happening::Delivered {
                    racks: Self::range(s, &cohort),
                });
            }
            Event::InstallDone(id) => {
                if let Some((cohort, _hall)) = self.racks.installing.remove(&id) {
                    let p = &mut self.progress[cohort.order];
                    p.installed += cohort.count;
                    if p.installed == self.site.orders[cohort.order].racks {
                        p.all_installed = Some(day);
                    }
                    self.racks.queue_power(cohort, false);
                    self.note(day, |s| Happening::Installed {
                        racks: Self::range(s, &cohort),
                    });
                }
            }
            Event::BurnInDone(id) => {
                let found = self.racks.energized.iter().position(|p| p.id == id);
                // Shedding a whole cohort cancels its burn-in, so one that
                // fires still has its racks (tests pin cancelling with this).
                debug_assert!(
                    found.is_some(),
                    "burn-in of cohort {id} fired after it was shed"
                );
                if let Some(i) = found {
                    self.racks.energized[i].burned_in = true;
                    let cohort = self.racks.energized[i].cohort;
                    self.earning(day, &cohort);
                    self.racks.merge_earning(i);
                }
            }
        }
    }

    fn earning(&mut self, day: Day, cohort: &Cohort) {
        let o = cohort.order;
        self.earning_now[o] += cohort.count;
        let p = &mut self.progress[o];
        p.first_earning.get_or_insert(day);
        if self.earning_now[o] == self.site.orders[o].racks && p.full_earning.is_none() {
            p.full_earning = Some(day);
        }
        self.note(day, |s| Happening::Earning {
            racks: Self::range(s, cohort),
        });
    }

    /// Switches off the most recently energized racks until the draw fits.
    fn shed(&mut self, day: Day) {
        while self.drawn > self.available {
            let Some(last) = self.racks.energized.last_mut() else {
                break;
            };
            let w = self.specs[last.cohort.order].facility_watts;
            let need = (self.drawn - self.available).div_ceil(w);
            let (cut, burned_in) = if need >= u64::from(last.cohort.count) {
                let whole = *last;
                self.racks.energized.pop();
                if !whole.burned_in {
                    self.queue.cancel(&Event::BurnInDone(whole.id));
                }
                (whole.cohort, whole.burned_in)
            } else {
                // `need` < count, which is a u32.
                (last.cohort.take_back(need as u32), last.burned_in)
            };
            self.drawn -= u64::from(cut.count) * w;
            self.energized_now[cut.order] -= cut.count;
            if burned_in {
                self.earning_now[cut.order] -= cut.count;
            }
            self.racks.queue_power(cut, burned_in);
            self.note(day, |s| Happening::Shed {
                racks: Self::range(s, &cut),
            });
        }
    }

    /// Free crews take racks in queue order into the first ready hall with room.
    fn install(&mut self, day: Day) {
        let mut free_crews = self
            .site
            .install
            .crews
            .saturating_sub(self.racks.crews_busy());
        let done = day.saturating_add(self.site.install.days_per_rack);
        while free_crews > 0 {
            let Some(head) = self.racks.awaiting_install.front().copied() else {
                break;
            };
            let w = self.specs[head.order].it_watts;
            let Some(h) = self
                .hall_room
                .iter()
                .position(|r| r.is_some_and(|room| room >= w))
            else {
                self.block(day, 0, &head, DarkReason::Shell);
                return;
            };
            let room = self.hall_room[h].unwrap_or(0);
            let fit = (room / w)
                .min(u64::from(free_crews))
                .min(u64::from(head.count)) as u32;
            let cohort = match self.racks.awaiting_install.front_mut() {
                Some(front) if fit < front.count => front.take_front(fit),
                _ => {
                    self.racks.awaiting_install.pop_front();
                    head
                }
            };
            self.hall_room[h] = Some(room - u64::from(fit) * w);
            free_crews -= fit;
            let id = self.new_id();
            self.racks.installing.insert(id, (cohort, h));
            self.queue.push(done, Event::InstallDone(id));
            self.progress[cohort.order].first_install.get_or_insert(day);
            self.note(day, |s| Happening::InstallStart {
                racks: Self::range(s, &cohort),
                hall: s.halls[h].id.clone(),
            });
        }
        if let Some(head) = self.racks.awaiting_install.front().copied() {
            self.block(day, 0, &head, DarkReason::Crew);
        } else {
            self.blocked[0] = None;
        }
    }

    /// Installed racks take free facility power in queue order.
    fn energize(&mut self, day: Day) {
        while let Some(&(head, burned)) = self.racks.awaiting_power.front() {
            let w = self.specs[head.order].facility_watts;
            let fit =
                ((self.available.saturating_sub(self.drawn)) / w).min(u64::from(head.count)) as u32;
            if fit == 0 {
                self.block(day, 1, &head, DarkReason::Power);
                return;
            }
            let cohort = match self.racks.awaiting_power.front_mut() {
                Some((front, _)) if fit < front.count => front.take_front(fit),
                _ => {
                    self.racks.awaiting_power.pop_front();
                    head
                }
            };
            self.drawn += u64::from(fit) * w;
            let o = cohort.order;
            self.energized_now[o] += fit;
            let p = &mut self.progress[o];
            p.first_power_on.get_or_insert(day);
            if self.energized_now[o] == self.site.orders[o].racks && p.full_power_on.is_none() {
                p.full_power_on = Some(day);
            }
            let id = self.new_id();
            let instant = burned || self.site.install.burn_in == 0;
            self.racks.energized.push(Powered {
                id,
                cohort,
                burned_in: instant,
            });
            self.note(day, |s| Happening::Energized {
                racks: Self::range(s, &cohort),
            });
            if instant {
                self.earning(day, &cohort);
                self.racks.merge_earning(self.racks.energized.len() - 1);
            } else {
                // Cancelled if the racks are shed before it is done.
                self.queue.push_cancellable(
                    day.saturating_add(self.site.install.burn_in),
                    Event::BurnInDone(id),
                );
            }
        }
        self.blocked[1] = None;
    }

    /// Logs why the head of a stage's queue waits, when that changes.
    fn block(&mut self, day: Day, stage: usize, head: &Cohort, reason: DarkReason) {
        let now = Some((head.order, head.first, reason));
        if self.blocked[stage] != now {
            self.blocked[stage] = now;
            let stage_name = if stage == 0 { "install" } else { "energize" };
            self.note(day, |s| Happening::Blocked {
                stage: stage_name,
                racks: Self::range(s, head),
                reason,
            });
        }
    }
}

fn mw(watts: u64) -> String {
    ledger::format_mw(watts)
}
