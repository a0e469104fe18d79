//! The scenario model: what the planner's YAML files say, checked and resolved.
//!
//! Loading goes text -> located YAML tree ([`yaml`]) -> typed model ([`decode`])
//! -> whole-scenario checks ([`validate`]). Every reference is resolved to an
//! index here, so the graph and the engine never look names up and never fail
//! on a dangling reference. Quantities are integers where they are compared:
//! watts, whole days, rack counts.

pub mod decode;
pub mod duration;
pub mod load;
pub mod market;
pub mod read;
pub mod validate;
pub mod yaml;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

pub use duration::Distribution;
pub use load::{LoadError, load_dir};
pub use market::Market;
use yaml::Pos;

/// A day on the simulation clock: days since the scenario's `start`.
pub type Day = u32;

/// A whole scenario: the clock, the market and every site.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub start: NaiveDate,
    pub horizon: NaiveDate,
    pub market: Market,
    pub sites: Vec<Site>,
}

impl Scenario {
    /// The last simulated day.
    pub fn horizon_day(&self) -> Day {
        day_of(self.start, self.horizon)
    }

    /// Keeps only the named sites (all when `ids` is empty), in their folder order.
    pub fn keep_sites(&mut self, ids: &[String]) -> Result<(), String> {
        if let Some(missing) = ids
            .iter()
            .find(|id| !self.sites.iter().any(|s| &s.id == *id))
        {
            let known: Vec<&str> = self.sites.iter().map(|s| s.id.as_str()).collect();
            let hint = crate::diagnostic::did_you_mean(missing, known.iter().copied())
                .unwrap_or_else(|| format!("sites here: {}", known.join(", ")));
            return Err(format!("no site `{missing}` in this scenario; {hint}"));
        }
        if !ids.is_empty() {
            self.sites.retain(|s| ids.contains(&s.id));
        }
        Ok(())
    }

    /// The calendar date of a clock day.
    pub fn date(&self, day: Day) -> NaiveDate {
        date_of(self.start, day)
    }
}

/// Days from `start` to `date` (0 if before; dates are range-checked when loading).
pub fn day_of(start: NaiveDate, date: NaiveDate) -> Day {
    u32::try_from((date - start).num_days()).unwrap_or(0)
}

/// The date of a clock day; saturates at the largest date chrono supports.
pub fn date_of(start: NaiveDate, day: Day) -> NaiveDate {
    start
        .checked_add_days(chrono::Days::new(day.into()))
        .unwrap_or(NaiveDate::MAX)
}

/// One site: its task graph and what depends on it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The file stem; unique in a scenario.
    pub id: String,
    pub file: PathBuf,
    pub name: String,
    pub pue: f64,
    pub tasks: Vec<Task>,
    pub halls: Vec<Hall>,
    pub power: Vec<PowerSource>,
    pub orders: Vec<Order>,
    pub install: Install,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Permitting,
    Construction,
    Interconnection,
    Procurement,
    Other,
}

impl TaskKind {
    pub const NAMES: [&'static str; 5] = [
        "permitting",
        "construction",
        "interconnection",
        "procurement",
        "other",
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "permitting" => TaskKind::Permitting,
            "construction" => TaskKind::Construction,
            "interconnection" => TaskKind::Interconnection,
            "procurement" => TaskKind::Procurement,
            "other" => TaskKind::Other,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub name: String,
    pub kind: TaskKind,
    pub duration: Distribution,
    pub after: Vec<Dependency>,
    pub not_before: Option<Day>,
    pub risks: Vec<Risk>,
    /// Correlation group (index into `Market::groups`), for Monte Carlo.
    pub group: Option<usize>,
    /// Where the task's key is, for messages about the task as a whole.
    pub pos: Pos,
}

/// Finish-to-start: the task starts no earlier than `task`'s finish plus `lag` days.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub task: usize,
    pub lag: Day,
    pub pos: Pos,
}

/// A discrete risk: with `probability`, the task takes `delay` longer.
#[derive(Debug, Clone)]
pub struct Risk {
    pub name: String,
    pub probability: f64,
    pub delay: Distribution,
}

/// A warm shell: IT capacity that is ready when a task finishes.
#[derive(Debug, Clone)]
pub struct Hall {
    pub id: String,
    pub it_watts: u64,
    pub ready: usize,
}

/// When something happens: on a date, or the day a task finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Day(Day),
    Task(usize),
}

impl Trigger {
    /// Its day, given the day each task finishes.
    pub fn day(self, finish: &[Day]) -> Day {
        match self {
            Trigger::Day(d) => d,
            // Loading resolves every task reference; a hand-built site may not.
            Trigger::Task(i) => finish.get(i).copied().unwrap_or(0),
        }
    }
}

/// Facility power, on for `[from + lag, until (+ lag if a task))`.
#[derive(Debug, Clone)]
pub struct PowerSource {
    pub id: String,
    pub watts: u64,
    pub from: Trigger,
    pub lag: Day,
    pub until: Option<Trigger>,
}

impl PowerSource {
    /// The day it comes on and the day (if any) it goes off, given the day
    /// each task finishes: `from + lag`, and `until + lag` only when `until`
    /// is a task (a date is exact).
    pub fn window(&self, finish: &[Day]) -> (Day, Option<Day>) {
        let on = self.from.day(finish).saturating_add(self.lag);
        let off = self.until.map(|u| match u {
            Trigger::Day(d) => d,
            Trigger::Task(_) => u.day(finish).saturating_add(self.lag),
        });
        (on, off)
    }
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    /// Index into `Scenario::market.generations`.
    pub generation: usize,
    pub racks: u32,
    pub gpus_per_rack: u32,
    /// IT draw of one rack; counts against hall capacity.
    pub rack_it_watts: u64,
    /// Facility draw of one rack (IT x PUE); counts against power sources.
    pub rack_facility_watts: u64,
    pub ordered: Trigger,
    pub lead_time: Distribution,
    pub racks_per_week: u32,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Install {
    pub crews: u32,
    pub days_per_rack: Day,
    pub burn_in: Day,
}
