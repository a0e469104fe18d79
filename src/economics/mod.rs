//! Money: the revenue window, dark-GPU cost, cash flows, NPV and payback.
//!
//! Pure functions of the scenario and the engine's traces. Every formula is
//! written down in docs/economics.md; the names here follow it.

pub mod price;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::engine::event::DarkReason;
use crate::engine::state::GpuCounts;
use crate::engine::{self, Draw, Options, SiteRun, TracePoint};
use crate::scenario::market::RivalBuild;
use crate::scenario::{Day, Scenario, Site, date_of};
use price::PriceCurve;

/// Why a revenue window closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowEnd {
    /// Rivals' powered MW of the generation reached parity with ours.
    Parity,
    /// The next generation became available.
    Successor,
    /// Still open at the end of the horizon.
    Horizon,
}

impl WindowEnd {
    /// As in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            WindowEnd::Parity => "parity",
            WindowEnd::Successor => "successor",
            WindowEnd::Horizon => "horizon",
        }
    }

    /// In words, for people.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowEnd::Parity => "rivals at parity",
            WindowEnd::Successor => "successor available",
            WindowEnd::Horizon => "open at the horizon",
        }
    }
}

/// Scarce-capacity pricing for one order: `[start, end)` in days (empty when
/// `end <= start`: scarcity ended before the order powered on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Day,
    pub end: Day,
    pub ended_by: WindowEnd,
}

impl Window {
    pub fn days(&self) -> Day {
        self.end.saturating_sub(self.start)
    }
}

/// Money over some span, in US dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Money {
    pub revenue: f64,
    /// The part of revenue earned above the commodity price inside the window.
    pub premium: f64,
    pub power: f64,
    pub capex: f64,
    /// Book value left at the horizon (GPUs and facility), counted as a
    /// terminal inflow in NPV but not in payback.
    pub residual: f64,
    /// Depreciation of GPUs on days they were dark.
    pub dark_depreciation: f64,
    /// Revenue dark GPUs would have earned.
    pub dark_forgone: f64,
}

impl Money {
    pub fn add(&mut self, o: &Money) {
        self.revenue += o.revenue;
        self.premium += o.premium;
        self.power += o.power;
        self.capex += o.capex;
        self.residual += o.residual;
        self.dark_depreciation += o.dark_depreciation;
        self.dark_forgone += o.dark_forgone;
    }

    /// Operating cash in minus cash out (without the residual value).
    pub fn net(&self) -> f64 {
        self.revenue - self.power - self.capex
    }
}

#[derive(Debug, Clone)]
pub struct OrderEconomics {
    /// `None` when the order never powers on by the horizon.
    pub window: Option<Window>,
    pub totals: Money,
    pub npv: f64,
    pub payback: Option<Day>,
}

#[derive(Debug, Clone)]
pub struct SiteEconomics {
    pub orders: Vec<OrderEconomics>,
    /// Totals including the facility's capex.
    pub totals: Money,
    pub npv: f64,
    pub payback: Option<Day>,
    /// Keyed by the first day of the month.
    pub monthly: BTreeMap<NaiveDate, Money>,
}

#[derive(Debug, Clone)]
pub struct PortfolioEconomics {
    pub totals: Money,
    pub npv: f64,
    pub payback: Option<Day>,
}

/// When a rival's capacity powers on (its first rack, for a simulated site).
#[derive(Debug, Clone)]
pub struct RivalOutcome {
    pub name: String,
    pub generation: usize,
    pub first_power_on: Option<Day>,
    /// IT watts of the generation powered at the horizon.
    pub it_watts_at_horizon: u64,
}

#[derive(Debug, Clone)]
pub struct Economics {
    pub sites: Vec<SiteEconomics>,
    pub portfolio: PortfolioEconomics,
    pub rivals: Vec<RivalOutcome>,
    /// Per generation: the day scarce pricing ends for every order of it.
    pub close: Vec<Option<(Day, WindowEnd)>>,
}

/// What a scenario's money needs that no run changes: price and discount
/// tables, calendar months, our planned capacity. Built once, reused by
/// every Monte Carlo run.
pub struct Prepared {
    horizon: Day,
    planned: Vec<u64>,
    curves: Vec<PriceCurve>,
    /// Per generation our orders use: prefix sums of its prices.
    prices: Vec<PriceSums>,
    discount: Vec<f64>,
    /// `discount_sum[d]` = Σ discount over days `0..d`.
    discount_sum: Vec<f64>,
    months: Months,
}

/// Prefix sums over days `0..d` (index `d`, length horizon + 2) of a
/// generation's prices, plain and discounted, so that any span of days costs
/// two lookups however long it is.
#[derive(Default)]
struct PriceSums {
    /// (scarce, commodity) per day.
    daily: Vec<(f64, f64)>,
    scarce: Vec<f64>,
    commodity: Vec<f64>,
    /// Of scarce − commodity (never negative, so its spans never are).
    premium: Vec<f64>,
    scarce_discounted: Vec<f64>,
    commodity_discounted: Vec<f64>,
}

impl PriceSums {
    fn new(daily: Vec<(f64, f64)>, discount: &[f64]) -> Self {
        let prefix = |f: &dyn Fn(usize) -> f64| {
            let mut acc = 0.0;
            std::iter::once(0.0)
                .chain((0..daily.len()).map(|d| {
                    acc += f(d);
                    acc
                }))
                .collect::<Vec<f64>>()
        };
        PriceSums {
            scarce: prefix(&|d| daily[d].0),
            commodity: prefix(&|d| daily[d].1),
            premium: prefix(&|d| (daily[d].0 - daily[d].1).max(0.0)),
            scarce_discounted: prefix(&|d| daily[d].0 * discount[d]),
            commodity_discounted: prefix(&|d| daily[d].1 * discount[d]),
            daily,
        }
    }
}

/// How one rival turns out in one run: its power-on day, or the durations of
/// its site.
#[derive(Debug, Clone)]
pub enum RivalDraw {
    PowerOn(Day),
    Site(Draw),
}

/// Each rival at its point values.
pub fn point_rival_draws(scenario: &Scenario) -> Vec<RivalDraw> {
    scenario
        .market
        .rivals
        .iter()
        .map(|r| match &r.build {
            RivalBuild::Fixed { power_on, .. } => RivalDraw::PowerOn(power_on.point()),
            RivalBuild::Site(site) => RivalDraw::Site(Draw::point(site)),
        })
        .collect()
}

/// Evaluates every site's run (in `scenario.sites` order) at point values.
pub fn evaluate(scenario: &Scenario, runs: &[SiteRun]) -> Economics {
    Prepared::new(scenario).evaluate(scenario, runs, &point_rival_draws(scenario), true)
}

impl Prepared {
    pub fn new(scenario: &Scenario) -> Self {
        let horizon = scenario.horizon_day();
        let market = &scenario.market;
        let gens = market.generations.len();

        // Our planned IT watts of each generation, across the portfolio.
        let mut planned = vec![0u64; gens];
        for site in &scenario.sites {
            for o in &site.orders {
                planned[o.generation] += u64::from(o.racks) * o.rack_it_watts;
            }
        }
        let curves: Vec<PriceCurve> = (0..gens)
            .map(|g| PriceCurve::new(market, g, scenario.start))
            .collect();
        // Prices day by day, for the generations our orders use.
        let mut used = vec![false; gens];
        for site in &scenario.sites {
            for o in &site.orders {
                used[o.generation] = true;
            }
        }
        // Discount factors (1 + r)^(-d/365), day by day.
        let daily_discount = libm::pow(1.0 + market.finance.discount_rate, -1.0 / 365.0);
        let discount: Vec<f64> = std::iter::successors(Some(1.0), |f| Some(f * daily_discount))
            .take(horizon as usize + 1)
            .collect();
        let mut acc = 0.0;
        let discount_sum: Vec<f64> = std::iter::once(0.0)
            .chain(discount.iter().map(|d| {
                acc += d;
                acc
            }))
            .collect();
        let prices: Vec<PriceSums> = (0..gens)
            .map(|g| {
                if used[g] {
                    PriceSums::new(curves[g].table(horizon), &discount)
                } else {
                    PriceSums::default()
                }
            })
            .collect();

        Prepared {
            horizon,
            planned,
            curves,
            prices,
            discount,
            discount_sum,
            months: Months::new(scenario.start, horizon),
        }
    }

    /// The money of one set of runs, with each rival as drawn. `detail` adds
    /// what needs a day-by-day pass: months and payback dates (Monte Carlo
    /// runs without them).
    pub fn evaluate(
        &self,
        scenario: &Scenario,
        runs: &[SiteRun],
        rival_draws: &[RivalDraw],
        detail: bool,
    ) -> Economics {
        let horizon = self.horizon;
        let market = &scenario.market;
        let gens = market.generations.len();
        let planned = &self.planned;
        let curves = &self.curves;
        let discount = &self.discount;
        let months = &self.months;
        // Rivals' powered IT watts of each generation, as steps: (day, watts from then on).
        let mut steps_by_generation: Vec<Vec<(Day, i64)>> = vec![Vec::new(); gens];
        let mut rivals = Vec::with_capacity(market.rivals.len());
        for (rival, draw) in market.rivals.iter().zip(rival_draws) {
            let steps = rival_steps(scenario, rival, draw, horizon);
            let first = steps.iter().find(|(_, w)| *w > 0).map(|(d, _)| *d);
            let at_horizon = steps.last().map_or(0, |(_, w)| *w);
            // As changes, so that rivals of one generation add up.
            let mut before = 0u64;
            for (day, w) in steps {
                steps_by_generation[rival.generation].push((day, w as i64 - before as i64));
                before = w;
            }
            rivals.push(RivalOutcome {
                name: rival.name.clone(),
                generation: rival.generation,
                first_power_on: first,
                it_watts_at_horizon: at_horizon,
            });
        }
        // The first day each generation's rivals together reach parity with our plan.
        let parity_day = |g: usize| -> Option<Day> {
            let mut changes = steps_by_generation[g].clone();
            changes.sort_by_key(|(d, _)| *d);
            let mut watts: i64 = 0;
            let mut i = 0;
            while i < changes.len() {
                let day = changes[i].0;
                while i < changes.len() && changes[i].0 == day {
                    watts += changes[i].1;
                    i += 1;
                }
                let enough = u128::from(watts.max(0) as u64) * 1000
                    >= u128::from(market.pricing.parity_permille) * u128::from(planned[g]);
                if enough {
                    return Some(day);
                }
            }
            None
        };

        let close: Vec<Option<(Day, WindowEnd)>> = (0..gens)
            .map(|g| {
                let parity = (planned[g] > 0)
                    .then(|| parity_day(g))
                    .flatten()
                    .map(|d| (d, WindowEnd::Parity));
                let successor = curves[g]
                    .successor_day()
                    .map(|d| (crate::scenario::market::clamp_day(d), WindowEnd::Successor));
                match (parity, successor) {
                    (Some(p), Some(s)) => Some(if s.0 < p.0 { s } else { p }),
                    (p, s) => p.or(s),
                }
            })
            .collect();

        let mut portfolio_totals = Money::default();
        let mut sites = Vec::with_capacity(scenario.sites.len());
        let days = horizon as usize + 1;
        let end_discount = discount[horizon as usize];
        let mut portfolio_cash = detail.then(|| vec![0.0; days]);
        let mut portfolio_npv = 0.0;
        for (site, run) in scenario.sites.iter().zip(runs) {
            let mut site_cash = detail.then(|| vec![0.0; days]);
            let mut site_npv = 0.0;
            let mut by_month =
                vec![Money::default(); if detail { months.first_days.len() } else { 0 }];
            let mut orders = Vec::with_capacity(site.orders.len());
            for (o, order) in site.orders.iter().enumerate() {
                let g = order.generation;
                let ctx = OrderContext {
                    scenario,
                    prices: &self.prices[g],
                    discount_sum: &self.discount_sum,
                    scarce_until: close[g].map_or(horizon + 1, |(d, _)| d.min(horizon + 1)),
                    gpus_per_rack: u64::from(order.gpus_per_rack),
                    facility_watts: order.rack_facility_watts,
                    usd_per_gpu: market.generations[g].usd_per_gpu,
                    horizon,
                };
                let mut cash = detail.then(|| vec![0.0; days]);
                let mut totals = Money::default();
                let mut order_npv = 0.0;
                for_each_segment(
                    &run.trace,
                    o,
                    horizon,
                    |from, until, counts, newly_delivered| {
                        if newly_delivered > 0 {
                            let m = ctx.purchase(from, newly_delivered);
                            order_npv -= m.capex * discount[from as usize];
                            if let Some(cash) = cash.as_mut() {
                                cash[from as usize] -= m.capex;
                                by_month[months.index[from as usize]].add(&m);
                            }
                            totals.add(&m);
                        }
                        // Split where prices turn commodity, and (for detail) at month starts.
                        let mut cuts = vec![from, until];
                        if (from + 1..until).contains(&ctx.scarce_until) {
                            cuts.push(ctx.scarce_until);
                        }
                        if detail {
                            cuts.extend(months.starts_within(from, until));
                        }
                        cuts.sort_unstable();
                        cuts.dedup();
                        for w in cuts.windows(2) {
                            let (m, v) = ctx.span(w[0], w[1], counts);
                            order_npv += v;
                            totals.add(&m);
                            if let Some(cash) = cash.as_mut() {
                                by_month[months.index[w[0] as usize]].add(&m);
                                for d in w[0]..w[1] {
                                    cash[d as usize] += ctx.daily_net(d, counts);
                                }
                            }
                        }
                    },
                );
                order_npv += totals.residual * end_discount;
                let window = run.orders[o].first_power_on.map(|start| match close[g] {
                    // `end` may precede `start`: the window closed before power-on.
                    Some((end, by)) if end <= horizon => Window {
                        start,
                        end,
                        ended_by: by,
                    },
                    _ => Window {
                        start,
                        end: horizon + 1,
                        ended_by: WindowEnd::Horizon,
                    },
                });
                if let (Some(site_cash), Some(cash)) = (site_cash.as_mut(), cash.as_ref()) {
                    for (s, c) in site_cash.iter_mut().zip(cash) {
                        *s += c;
                    }
                }
                site_npv += order_npv;
                orders.push(OrderEconomics {
                    window,
                    npv: order_npv,
                    payback: cash.as_deref().and_then(payback),
                    totals,
                });
            }
            let mut totals = Money::default();
            for o in &orders {
                totals.add(&o.totals);
            }
            // Facility capex: each hall's IT MW at the finance rate, paid the day it is ready.
            for (hall, &ready) in site.halls.iter().zip(&run.hall_ready) {
                if ready <= horizon {
                    let capex = hall.it_watts as f64 / 1e6 * market.finance.facility_usd_per_mw;
                    let residual = capex
                        * book_share(ready, horizon, market.finance.facility_life_years * 365.0);
                    site_npv += residual * end_discount - capex * discount[ready as usize];
                    totals.capex += capex;
                    totals.residual += residual;
                    if let Some(site_cash) = site_cash.as_mut() {
                        site_cash[ready as usize] -= capex;
                        let month = &mut by_month[months.index[ready as usize]];
                        month.capex += capex;
                        month.residual += residual;
                    }
                }
            }
            let monthly: BTreeMap<NaiveDate, Money> = months
                .first_days
                .iter()
                .copied()
                .zip(by_month)
                .filter(|(_, m)| *m != Money::default())
                .collect();
            if let (Some(p), Some(c)) = (portfolio_cash.as_mut(), site_cash.as_ref()) {
                for (p, c) in p.iter_mut().zip(c) {
                    *p += c;
                }
            }
            portfolio_totals.add(&totals);
            portfolio_npv += site_npv;
            sites.push(SiteEconomics {
                orders,
                totals,
                npv: site_npv,
                payback: site_cash.as_deref().and_then(payback),
                monthly,
            });
        }
        Economics {
            portfolio: PortfolioEconomics {
                totals: portfolio_totals,
                npv: portfolio_npv,
                payback: portfolio_cash.as_deref().and_then(payback),
            },
            sites,
            rivals,
            close,
        }
    }
}

/// What one order's GPUs make and cost (formulas: docs/economics.md).
struct OrderContext<'a> {
    scenario: &'a Scenario,
    prices: &'a PriceSums,
    discount_sum: &'a [f64],
    /// The first day at commodity prices (horizon + 1 if none).
    scarce_until: Day,
    gpus_per_rack: u64,
    facility_watts: u64,
    usd_per_gpu: f64,
    horizon: Day,
}

impl OrderContext<'_> {
    /// GPUs delivered on `day`: their capex, and their book value left at the horizon.
    fn purchase(&self, day: Day, gpus: u64) -> Money {
        let capex = gpus as f64 * self.usd_per_gpu;
        let life = self.scenario.market.finance.depreciation_years * 365.0;
        Money {
            capex,
            residual: capex * book_share(day, self.horizon, life),
            ..Money::default()
        }
    }

    /// Energized racks' power cost per day.
    fn power_per_day(&self, c: &GpuCounts) -> f64 {
        let racks = (c.earning + c.dark[DarkReason::BurnIn as usize]) / self.gpus_per_rack.max(1);
        (racks * self.facility_watts) as f64 / 1e6
            * 24.0
            * self.scenario.market.finance.power_usd_per_mwh
    }

    /// Money over days `[x, y)`, with constant counts and all on one side of
    /// `scarce_until`; and its discounted net cash (the NPV contribution).
    fn span(&self, x: Day, y: Day, c: &GpuCounts) -> (Money, f64) {
        let (x, y) = (x as usize, y as usize);
        let p = &self.prices;
        let hours = 24.0 * self.scenario.market.pricing.utilization;
        let scarce = (x as Day) < self.scarce_until;
        let (sum, sum_discounted) = if scarce {
            (&p.scarce, &p.scarce_discounted)
        } else {
            (&p.commodity, &p.commodity_discounted)
        };
        let rate_days = sum[y] - sum[x];
        let earning = c.earning as f64;
        let dark = c.dark_total() as f64;
        let power_per_day = self.power_per_day(c);
        let days = (y - x) as f64;
        let f = &self.scenario.market.finance;
        let money = Money {
            revenue: earning * hours * rate_days,
            premium: if scarce {
                earning * hours * (p.premium[y] - p.premium[x])
            } else {
                0.0
            },
            power: power_per_day * days,
            dark_depreciation: dark * self.usd_per_gpu / (f.depreciation_years * 365.0) * days,
            dark_forgone: dark * hours * rate_days,
            ..Money::default()
        };
        let npv = earning * hours * (sum_discounted[y] - sum_discounted[x])
            - power_per_day * (self.discount_sum[y] - self.discount_sum[x]);
        (money, npv)
    }

    /// Operating cash of day `d` (without purchases), for payback.
    fn daily_net(&self, d: Day, c: &GpuCounts) -> f64 {
        let (scarce, commodity) = self.prices.daily[d as usize];
        let rate = if d < self.scarce_until {
            scarce
        } else {
            commodity
        };
        c.earning as f64 * 24.0 * self.scenario.market.pricing.utilization * rate
            - self.power_per_day(c)
    }
}

/// Calls `f(from, until, counts, GPUs delivered on from)` for each span of
/// constant counts from the first trace point to the horizon.
fn for_each_segment(
    trace: &[TracePoint],
    order: usize,
    horizon: Day,
    mut f: impl FnMut(Day, Day, &GpuCounts, u64),
) {
    let mut delivered = 0u64;
    for (i, point) in trace.iter().enumerate() {
        if point.day > horizon {
            break;
        }
        let until = trace
            .get(i + 1)
            .map_or(horizon + 1, |n| n.day.min(horizon + 1));
        let c = &point.orders[order];
        let now = c.earning + c.dark_total();
        let new = now.saturating_sub(delivered);
        delivered = now;
        f(point.day, until, c, new);
    }
}

/// The share of an asset bought on `day` still on the books after the
/// horizon, straight-line over `life_days`.
fn book_share(day: Day, horizon: Day, life_days: f64) -> f64 {
    let age = f64::from(horizon + 1 - day.min(horizon + 1));
    (1.0 - age / life_days).max(0.0)
}

/// The first day cumulative cash turns non-negative after having been negative.
fn payback(cash: &[f64]) -> Option<Day> {
    let mut total = 0.0;
    let mut invested = false;
    for (day, c) in cash.iter().enumerate() {
        total += c;
        if total < 0.0 {
            invested = true;
        } else if invested {
            return Some(day as Day);
        }
    }
    None
}

/// IT watts of the rival's generation powered, as steps: (day, watts from
/// that day on), from day 0, within the horizon.
fn rival_steps(
    scenario: &Scenario,
    rival: &crate::scenario::market::Rival,
    draw: &RivalDraw,
    horizon: Day,
) -> Vec<(Day, u64)> {
    match (&rival.build, draw) {
        (RivalBuild::Fixed { it_watts, power_on }, _) => {
            let on = match draw {
                RivalDraw::PowerOn(day) => *day,
                RivalDraw::Site(_) => power_on.point(),
            };
            if on <= horizon {
                vec![(0, 0), (on, *it_watts)]
            } else {
                vec![(0, 0)]
            }
        }
        (RivalBuild::Site(site), draw) => {
            let point;
            let draw = match draw {
                RivalDraw::Site(d) => d,
                RivalDraw::PowerOn(_) => {
                    point = Draw::point(site);
                    &point
                }
            };
            let options = Options {
                log: false,
                totals_only: true,
            };
            let run = engine::simulate(scenario, site, draw, options);
            let site: &Site = site;
            let mut steps = vec![(0, 0)];
            for point in run.trace.iter().take_while(|p| p.day <= horizon) {
                let watts: u64 = site
                    .orders
                    .iter()
                    .zip(&point.orders)
                    .filter(|(o, _)| o.generation == rival.generation)
                    .map(|(o, c)| {
                        let racks = (c.earning + c.dark[DarkReason::BurnIn as usize])
                            / u64::from(o.gpus_per_rack.max(1));
                        racks * o.rack_it_watts
                    })
                    .sum();
                match steps.last_mut() {
                    Some(last) if last.0 == point.day => last.1 = watts,
                    Some(last) if last.1 == watts => {}
                    _ => steps.push((point.day, watts)),
                }
            }
            steps
        }
    }
}

/// The calendar month of every day of the run.
struct Months {
    /// The first day of each month the run touches.
    first_days: Vec<NaiveDate>,
    /// The clock day each month starts on (the first is day 0).
    starts: Vec<Day>,
    /// For each day `0..=horizon`, its month's index in `first_days`.
    index: Vec<usize>,
}

impl Months {
    fn new(start: NaiveDate, horizon: Day) -> Self {
        let mut first_days: Vec<NaiveDate> = Vec::new();
        let mut starts = Vec::new();
        let mut index = Vec::with_capacity(horizon as usize + 1);
        for day in 0..=horizon {
            let d = date_of(start, day);
            let first = d.with_day(1).unwrap_or(d);
            if first_days.last() != Some(&first) {
                first_days.push(first);
                starts.push(day);
            }
            index.push(first_days.len() - 1);
        }
        Months {
            first_days,
            starts,
            index,
        }
    }

    /// Month starts strictly inside `(from, until)`.
    fn starts_within(&self, from: Day, until: Day) -> impl Iterator<Item = Day> + '_ {
        self.starts
            .iter()
            .copied()
            .filter(move |&d| d > from && d < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: premium over a span was computed as a difference of two
    /// prefix-sum differences, which rounding could leave a few nano-dollars
    /// below zero (found by `hall_ready_earlier_never_lowers_revenue...`).
    #[test]
    fn premium_over_any_span_is_never_negative() {
        let daily: Vec<(f64, f64)> = (0..3000)
            .map(|d| {
                let scarce = 1.65 + 2.15 * 0.999_f64.powi(d);
                (scarce, (scarce * 0.7).max(1.65))
            })
            .collect();
        let discount = vec![1.0; daily.len()];
        let p = PriceSums::new(daily, &discount);
        for x in (0..3000).step_by(7) {
            for y in (x..=3000).step_by(13) {
                assert!(p.premium[y] - p.premium[x] >= 0.0, "span {x}..{y}");
            }
        }
    }
}
