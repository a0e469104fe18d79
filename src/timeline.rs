//! The results of a deterministic run, in calendar dates: what `timeline.json`
//! holds and every report is drawn from.
//!
//! `timeline.json` is versioned ([`FORMAT`], [`VERSION`]); fields are only
//! ever added within a version. See docs/timeline.md.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::economics::{self, Money, WindowEnd};
use crate::engine::event::{DarkReason, LogEntry};
use crate::engine::ledger::format_mw;
use crate::engine::{self, Draw, Options, SiteRun};
use crate::scenario::{Day, Scenario, Site};

pub const FORMAT: &str = "warmshell-timeline";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub format: &'static str,
    pub version: u32,
    pub start: String,
    pub horizon: String,
    /// Every site together.
    pub portfolio: MoneyRow,
    pub rivals: Vec<RivalRow>,
    pub sites: Vec<SiteTimeline>,
}

/// Money in whole US dollars (see docs/economics.md for each formula).
#[derive(Debug, Clone, Serialize)]
pub struct MoneyRow {
    pub revenue_usd: i64,
    /// Revenue above the commodity price inside revenue windows.
    pub premium_usd: i64,
    pub power_usd: i64,
    pub capex_usd: i64,
    /// Book value left at the horizon, a terminal inflow in NPV.
    pub residual_usd: i64,
    /// Depreciation of GPUs while they sat dark.
    pub dark_depreciation_usd: i64,
    /// Revenue the dark GPUs would have earned.
    pub dark_forgone_usd: i64,
    /// At the scenario start, over the horizon, plus the residual book value.
    pub npv_usd: i64,
    /// The first day cumulative cash is back to zero; null if not by the horizon.
    pub payback: Option<String>,
}

impl MoneyRow {
    fn new(m: &Money, npv: f64, payback: Option<String>) -> Self {
        MoneyRow {
            revenue_usd: dollars(m.revenue),
            premium_usd: dollars(m.premium),
            power_usd: dollars(m.power),
            capex_usd: dollars(m.capex),
            residual_usd: dollars(m.residual),
            dark_depreciation_usd: dollars(m.dark_depreciation),
            dark_forgone_usd: dollars(m.dark_forgone),
            npv_usd: dollars(npv),
            payback,
        }
    }

    /// Depreciation burned and revenue forgone while dark.
    pub fn dark_cost_usd(&self) -> i64 {
        self.dark_depreciation_usd
            .saturating_add(self.dark_forgone_usd)
    }
}

/// Whole dollars (saturating; no scenario comes near ±9.2e18).
pub fn dollars(x: f64) -> i64 {
    x.round() as i64
}

#[derive(Debug, Clone, Serialize)]
pub struct RivalRow {
    pub name: String,
    pub generation: String,
    pub first_power_on: Option<String>,
    pub mw_at_horizon: f64,
}

/// The order's scarce-pricing window.
#[derive(Debug, Clone, Serialize)]
pub struct WindowRow {
    /// The order's first power-on.
    pub start: String,
    /// The first day at commodity prices; null while open at the horizon.
    pub end: Option<String>,
    pub days: Day,
    pub ended_by: WindowEnd,
    pub premium_usd: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthMoneyRow {
    /// `YYYY-MM`
    pub month: String,
    pub revenue_usd: i64,
    pub premium_usd: i64,
    pub power_usd: i64,
    pub capex_usd: i64,
    pub dark_depreciation_usd: i64,
    pub dark_forgone_usd: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteTimeline {
    pub id: String,
    pub name: String,
    /// The site file's name within the scenario folder.
    pub file: String,
    pub pue: f64,
    /// The first day any rack of the site is energized.
    pub first_power_on: Option<String>,
    /// The day the last order is fully energized; null if any order is not by the horizon.
    pub full_power_on: Option<String>,
    pub main_dark_reason: Option<DarkReason>,
    pub dark_gpu_days: DarkGpuDays,
    /// Task ids with zero total float, in schedule order.
    pub critical_path: Vec<String>,
    pub tasks: Vec<TaskRow>,
    pub halls: Vec<HallRow>,
    pub power_sources: Vec<PowerSourceRow>,
    pub orders: Vec<OrderRow>,
    pub power_curve: Vec<PowerRow>,
    pub money: MoneyRow,
    pub money_by_month: Vec<MonthMoneyRow>,
    pub dark_by_month: Vec<MonthRow>,
    #[serde(skip)]
    pub log: Vec<LogEntry>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct DarkGpuDays {
    pub shell: u64,
    pub crew: u64,
    pub power: u64,
    pub burn_in: u64,
    pub total: u64,
}

impl DarkGpuDays {
    fn from(by_reason: [u64; 4]) -> Self {
        DarkGpuDays {
            shell: by_reason[0],
            crew: by_reason[1],
            power: by_reason[2],
            burn_in: by_reason[3],
            total: by_reason.iter().fold(0u64, |a, b| a.saturating_add(*b)),
        }
    }

    /// The reason with the most GPU-days (the earlier stage on a tie), if any.
    pub fn main_reason(&self) -> Option<DarkReason> {
        let by = [self.shell, self.crew, self.power, self.burn_in];
        let (i, most) = by.iter().enumerate().rev().max_by_key(|(_, v)| **v)?;
        (*most > 0).then_some(DarkReason::ALL[i])
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub start: String,
    pub finish: String,
    pub duration_days: Day,
    pub total_float_days: Day,
    pub critical: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HallRow {
    pub id: String,
    pub it_mw: f64,
    pub ready: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PowerSourceRow {
    pub id: String,
    pub mw: f64,
    /// First day on (may lie beyond the horizon).
    pub on: String,
    /// First day off, for bridge power.
    pub off: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderRow {
    pub id: String,
    pub generation: String,
    pub racks: u32,
    pub gpus: u64,
    pub rack_kw: f64,
    pub placed: Option<String>,
    pub first_delivery: Option<String>,
    pub last_delivery: Option<String>,
    pub first_install: Option<String>,
    pub all_installed: Option<String>,
    pub first_power_on: Option<String>,
    pub full_power_on: Option<String>,
    pub first_earning: Option<String>,
    pub full_earning: Option<String>,
    /// GPUs earning, and dark by reason, at the end of the horizon.
    pub at_horizon: AtHorizon,
    /// Null when the order never powers on by the horizon.
    pub window: Option<WindowRow>,
    pub money: MoneyRow,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct AtHorizon {
    pub earning_gpus: u64,
    pub dark_gpus: DarkGpuDays,
    pub undelivered_racks: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PowerRow {
    /// From this date until the next row's.
    pub date: String,
    pub available_mw: f64,
    pub drawn_mw: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`
    pub month: String,
    pub shell: u64,
    pub crew: u64,
    pub power: u64,
    pub burn_in: u64,
    pub total: u64,
}

/// Simulates every site at its point values.
pub fn run(scenario: &Scenario, options: Options) -> Timeline {
    // Sites simulate independently: one per core, collected in site order.
    let runs: Vec<SiteRun> = scenario
        .sites
        .par_iter()
        .map(|site| {
            let _span = tracing::debug_span!("site", id = %site.id).entered();
            let run = engine::simulate(scenario, site, &Draw::point(site), options);
            tracing::debug!(
                power_points = run.power_curve.len(),
                dark_months = run.dark.months().count(),
                "simulated"
            );
            run
        })
        .collect();
    let money = economics::evaluate(scenario, &runs);
    let date = |d: Day| scenario.date(d).to_string();
    let rivals = money
        .rivals
        .iter()
        .map(|r| RivalRow {
            name: r.name.clone(),
            generation: scenario.market.generations[r.generation].name.clone(),
            first_power_on: r.first_power_on.map(date),
            mw_at_horizon: r.it_watts_at_horizon as f64 / 1e6,
        })
        .collect();
    let sites = scenario
        .sites
        .par_iter()
        .zip(runs)
        .zip(&money.sites)
        .map(|((site, run), m)| site_timeline(scenario, site, run, m))
        .collect();
    let p = &money.portfolio;
    Timeline {
        format: FORMAT,
        version: VERSION,
        start: scenario.start.to_string(),
        horizon: scenario.horizon.to_string(),
        portfolio: MoneyRow::new(&p.totals, p.npv, p.payback.map(date)),
        rivals,
        sites,
    }
}

fn site_timeline(
    scenario: &Scenario,
    site: &Site,
    run: SiteRun,
    money: &economics::SiteEconomics,
) -> SiteTimeline {
    let date = |d: Day| scenario.date(d).to_string();
    let opt = |d: Option<Day>| d.map(date);
    let mw = |w: u64| format_mw(w).parse::<f64>().unwrap_or(0.0);
    let s = &run.schedule;

    let mut order_of_tasks: Vec<usize> = (0..site.tasks.len()).collect();
    order_of_tasks.sort_by_key(|&t| (s.start[t], s.finish[t], t));
    let critical_path = order_of_tasks
        .iter()
        .filter(|&&t| s.is_critical(t))
        .map(|&t| site.tasks[t].id.clone())
        .collect();
    let tasks = site
        .tasks
        .iter()
        .enumerate()
        .map(|(t, task)| TaskRow {
            id: task.id.clone(),
            name: task.name.clone(),
            kind: task.kind.as_str(),
            start: date(s.start[t]),
            finish: date(s.finish[t]),
            duration_days: s.finish[t] - s.start[t],
            total_float_days: s.total_float[t],
            critical: s.is_critical(t),
        })
        .collect();
    let halls = site
        .halls
        .iter()
        .zip(&run.hall_ready)
        .map(|(h, &d)| HallRow {
            id: h.id.clone(),
            it_mw: mw(h.it_watts),
            ready: date(d),
        })
        .collect();
    let power_sources = site
        .power
        .iter()
        .zip(&run.power_windows)
        .map(|(p, &(on, off))| PowerSourceRow {
            id: p.id.clone(),
            mw: mw(p.watts),
            on: date(on),
            off: opt(off),
        })
        .collect();
    let orders: Vec<OrderRow> = site
        .orders
        .iter()
        .zip(&run.orders)
        .zip(&money.orders)
        .map(|((o, p), m)| OrderRow {
            id: o.id.clone(),
            generation: scenario.market.generations[o.generation].name.clone(),
            racks: o.racks,
            gpus: u64::from(o.racks) * u64::from(o.gpus_per_rack),
            rack_kw: o.rack_it_watts as f64 / 1000.0,
            placed: opt(p.placed),
            first_delivery: opt(p.first_delivery),
            last_delivery: opt(p.last_delivery),
            first_install: opt(p.first_install),
            all_installed: opt(p.all_installed),
            first_power_on: opt(p.first_power_on),
            full_power_on: opt(p.full_power_on),
            first_earning: opt(p.first_earning),
            full_earning: opt(p.full_earning),
            at_horizon: AtHorizon {
                earning_gpus: p.at_horizon.earning,
                dark_gpus: DarkGpuDays::from(p.at_horizon.dark),
                undelivered_racks: o.racks - p.delivered,
            },
            window: m.window.map(|w| WindowRow {
                start: date(w.start),
                end: (w.ended_by != WindowEnd::Horizon).then(|| date(w.end)),
                days: w.days(),
                ended_by: w.ended_by,
                premium_usd: dollars(m.totals.premium),
            }),
            money: MoneyRow::new(&m.totals, m.npv, m.payback.map(date)),
        })
        .collect();
    let first_power_on = run.orders.iter().filter_map(|p| p.first_power_on).min();
    let full_power_on =
        if run.orders.is_empty() || run.orders.iter().any(|p| p.full_power_on.is_none()) {
            None
        } else {
            run.orders.iter().filter_map(|p| p.full_power_on).max()
        };
    let dark = DarkGpuDays::from(run.dark.totals());
    SiteTimeline {
        id: site.id.clone(),
        name: site.name.clone(),
        file: site
            .file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        pue: site.pue,
        first_power_on: opt(first_power_on),
        full_power_on: opt(full_power_on),
        main_dark_reason: dark.main_reason(),
        dark_gpu_days: dark,
        critical_path,
        tasks,
        halls,
        power_sources,
        orders,
        power_curve: run
            .power_curve
            .iter()
            .map(|p| PowerRow {
                date: date(p.day),
                available_mw: mw(p.available_watts),
                drawn_mw: mw(p.drawn_watts),
            })
            .collect(),
        money: MoneyRow::new(&money.totals, money.npv, money.payback.map(date)),
        money_by_month: money
            .monthly
            .iter()
            .map(|(month, m)| MonthMoneyRow {
                month: month.format("%Y-%m").to_string(),
                revenue_usd: dollars(m.revenue),
                premium_usd: dollars(m.premium),
                power_usd: dollars(m.power),
                capex_usd: dollars(m.capex),
                dark_depreciation_usd: dollars(m.dark_depreciation),
                dark_forgone_usd: dollars(m.dark_forgone),
            })
            .collect(),
        dark_by_month: run
            .dark
            .months()
            .map(|(m, v): (NaiveDate, [u64; 4])| {
                let d = DarkGpuDays::from(v);
                MonthRow {
                    month: m.format("%Y-%m").to_string(),
                    shell: d.shell,
                    crew: d.crew,
                    power: d.power,
                    burn_in: d.burn_in,
                    total: d.total,
                }
            })
            .collect(),
        log: run.log,
    }
}
