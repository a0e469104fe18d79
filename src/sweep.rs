//! `warmshell sweep`: one lever over a range of values, and the outcome curve.
//!
//! Every point is a deterministic run (point values) of the changed scenario.
//! Sites simulate independently, so only the lever's site is simulated again;
//! the others keep the plan's runs. Money is always recomputed for the whole
//! portfolio, because windows close against our planned MW of a generation.
//! The CSV and the chart are pure functions of the result.

pub mod chart;

use std::io;

use crate::economics::{self, Economics, Prepared};
use crate::engine::{self, Draw, Options, SiteRun};
use crate::lever::{self, Lever, LeverError, Value};
use crate::scenario::{Day, Scenario};
use crate::timeline::{DarkGpuDays, dollars};

/// One order's results in one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderOutcome {
    pub npv: f64,
    pub placed: Option<Day>,
    pub first_power_on: Option<Day>,
    /// Days of scarce pricing after its first power-on; `None` if it never powers on.
    pub window_days: Option<Day>,
    /// Dark GPU-days of this order's GPUs, by reason.
    pub dark: DarkGpuDays,
    /// GPUs earning at the end of the horizon.
    pub earning_at_horizon: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteOutcome {
    pub npv: f64,
    pub first_power_on: Option<Day>,
    pub dark: DarkGpuDays,
    pub orders: Vec<OrderOutcome>,
}

/// Results of one deterministic run of a (changed) scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub npv: f64,
    pub dark: DarkGpuDays,
    pub sites: Vec<SiteOutcome>,
}

/// Deterministic runs of variants of one scenario that differ in one site.
pub struct Evaluator<'a> {
    base: &'a Scenario,
    runs: Vec<SiteRun>,
    prepared: Prepared,
    planned: Vec<u64>,
}

const OPTIONS: Options = Options {
    log: false,
    totals_only: true,
};

impl<'a> Evaluator<'a> {
    pub fn new(base: &'a Scenario) -> Self {
        let runs = base
            .sites
            .iter()
            .map(|s| engine::simulate(base, s, &Draw::point(s), OPTIONS))
            .collect();
        Evaluator {
            base,
            runs,
            prepared: Prepared::new(base),
            planned: planned(base),
        }
    }

    /// The plan itself.
    pub fn baseline(&self) -> Outcome {
        let money = self.prepared.evaluate(
            self.base,
            &self.runs,
            &economics::point_rival_draws(self.base),
            false,
        );
        outcome(self.base, &self.runs, &money)
    }

    /// `variant` differs from the base scenario in site `site` only (same sites, same order).
    pub fn eval(&mut self, variant: &Scenario, site: usize) -> Outcome {
        let s = &variant.sites[site];
        let run = engine::simulate(variant, s, &Draw::point(s), OPTIONS);
        let old = std::mem::replace(&mut self.runs[site], run);
        // Our planned MW moves only with racks or generations; then prices are rebuilt.
        let fresh;
        let prepared = if planned(variant) == self.planned {
            &self.prepared
        } else {
            fresh = Prepared::new(variant);
            &fresh
        };
        let money = prepared.evaluate(
            variant,
            &self.runs,
            &economics::point_rival_draws(variant),
            false,
        );
        let out = outcome(variant, &self.runs, &money);
        self.runs[site] = old;
        out
    }
}

/// Our planned IT watts per generation (what rivals must match).
fn planned(s: &Scenario) -> Vec<u64> {
    let mut p = vec![0u64; s.market.generations.len()];
    for site in &s.sites {
        for o in &site.orders {
            p[o.generation] =
                p[o.generation].saturating_add(u64::from(o.racks).saturating_mul(o.rack_it_watts));
        }
    }
    p
}

/// Collects the figures a decision is judged by from runs and their money.
pub fn outcome(scenario: &Scenario, runs: &[SiteRun], money: &Economics) -> Outcome {
    let horizon = scenario.horizon_day();
    let mut dark_all = [0u64; 4];
    let sites = scenario
        .sites
        .iter()
        .zip(runs)
        .zip(&money.sites)
        .map(|((site, run), m)| {
            let totals = run.dark.totals();
            for (a, b) in dark_all.iter_mut().zip(totals) {
                *a = a.saturating_add(b);
            }
            let orders = (0..site.orders.len())
                .map(|o| {
                    let p = &run.orders[o];
                    OrderOutcome {
                        npv: m.orders[o].npv,
                        placed: p.placed,
                        first_power_on: p.first_power_on,
                        window_days: m.orders[o].window.map(|w| w.days()),
                        dark: dark_gpu_days(order_dark(run, o, horizon)),
                        earning_at_horizon: p.at_horizon.earning,
                    }
                })
                .collect();
            SiteOutcome {
                npv: m.npv,
                first_power_on: run.orders.iter().filter_map(|p| p.first_power_on).min(),
                dark: dark_gpu_days(totals),
                orders,
            }
        })
        .collect();
    Outcome {
        npv: money.portfolio.npv,
        dark: dark_gpu_days(dark_all),
        sites,
    }
}

fn dark_gpu_days(by: [u64; 4]) -> DarkGpuDays {
    DarkGpuDays {
        shell: by[0],
        crew: by[1],
        power: by[2],
        burn_in: by[3],
        total: by.iter().fold(0u64, |a, b| a.saturating_add(*b)),
    }
}

/// One order's dark GPU-days by reason, from the run's trace, over the horizon.
pub fn order_dark(run: &SiteRun, order: usize, horizon: Day) -> [u64; 4] {
    let mut by = [0u64; 4];
    for (i, p) in run.trace.iter().enumerate() {
        if p.day > horizon {
            break;
        }
        let until = run
            .trace
            .get(i + 1)
            .map_or(horizon + 1, |n| n.day.min(horizon + 1));
        let days = u64::from(until - p.day);
        if let Some(c) = p.orders.get(order) {
            for (b, d) in by.iter_mut().zip(c.dark) {
                *b = b.saturating_add(d.saturating_mul(days));
            }
        }
    }
    by
}

/// One lever's curve.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// `kind:site/id`.
    pub lever: String,
    pub kind: Lever,
    pub planned: Value,
    pub baseline: Outcome,
    pub points: Vec<(Value, Outcome)>,
}

/// Evaluates `lever` at each value; fails before running anything if any value cannot apply.
pub fn run(scenario: &Scenario, lever: Lever, values: &[Value]) -> Result<Sweep, LeverError> {
    let variants = values
        .iter()
        .map(|&v| lever.apply(scenario, v).map(|s| (v, s)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut eval = Evaluator::new(scenario);
    let baseline = eval.baseline();
    let site = lever.site();
    let points = variants
        .into_iter()
        .map(|(v, s)| (v, eval.eval(&s, site)))
        .collect();
    Ok(Sweep {
        lever: lever.name(scenario),
        kind: lever,
        planned: lever.planned(scenario),
        baseline,
        points,
    })
}

/// One month, as the scenario format counts it (365/12 days), on the whole-day clock.
pub const MONTH_DAYS: i64 = 30;

/// The headline: what one month earlier power at the lever's site is worth in NPV
/// (portfolio NPV at a shift of −1 month minus at the plan). `None` unless the sweep
/// is a power shift that holds both points.
pub fn month_earlier_value(s: &Sweep) -> Option<f64> {
    if !matches!(s.kind, Lever::Energization { .. } | Lever::Power { .. }) {
        return None;
    }
    let at = |k: i64| {
        s.points
            .iter()
            .find(|(v, _)| *v == Value::Shift(k))
            .map(|(_, o)| o.npv)
    };
    Some(at(-MONTH_DAYS)? - at(0)?)
}

/// `sweep.csv`: one row per value and scope (portfolio, each site, each order of the
/// lever's site). Money in whole dollars; dates as YYYY-MM-DD; empty when none.
pub fn csv(scenario: &Scenario, sweeps: &[Sweep]) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "lever",
        "value",
        "scope",
        "npv_usd",
        "npv_delta_usd",
        "window_days",
        "dark_gpu_days",
        "dark_shell",
        "dark_crew",
        "dark_power",
        "dark_burn_in",
        "first_power_on",
    ])?;
    let date = |d: Option<Day>| d.map(|d| scenario.date(d).to_string()).unwrap_or_default();
    for s in sweeps {
        let site = s.kind.site();
        for (v, o) in &s.points {
            let value = lever::label(scenario, *v);
            let mut row = |scope: String,
                           npv: f64,
                           base: f64,
                           window: Option<Day>,
                           dark: &DarkGpuDays,
                           first: Option<Day>|
             -> io::Result<()> {
                w.write_record([
                    s.lever.clone(),
                    value.clone(),
                    scope,
                    dollars(npv).to_string(),
                    dollars(npv - base).to_string(),
                    window.map(|d| d.to_string()).unwrap_or_default(),
                    dark.total.to_string(),
                    dark.shell.to_string(),
                    dark.crew.to_string(),
                    dark.power.to_string(),
                    dark.burn_in.to_string(),
                    date(first),
                ])?;
                Ok(())
            };
            let first = o.sites.iter().filter_map(|s| s.first_power_on).min();
            row(
                "portfolio".into(),
                o.npv,
                s.baseline.npv,
                None,
                &o.dark,
                first,
            )?;
            for (i, (so, sb)) in o.sites.iter().zip(&s.baseline.sites).enumerate() {
                row(
                    format!("site:{}", scenario.sites[i].id),
                    so.npv,
                    sb.npv,
                    None,
                    &so.dark,
                    so.first_power_on,
                )?;
            }
            let (so, sb) = (&o.sites[site], &s.baseline.sites[site]);
            for (j, (oo, ob)) in so.orders.iter().zip(&sb.orders).enumerate() {
                row(
                    format!(
                        "order:{}/{}",
                        scenario.sites[site].id, scenario.sites[site].orders[j].id
                    ),
                    oo.npv,
                    ob.npv,
                    oo.window_days,
                    &oo.dark,
                    oo.first_power_on,
                )?;
            }
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Millions of dollars, signed, one decimal: `+$12.3 M`.
pub fn money_m(x: f64) -> String {
    let m = x / 1e6;
    let m = if m.abs() < 0.05 { 0.0 } else { m };
    if m < 0.0 {
        format!("-${:.1} M", -m)
    } else {
        format!("+${m:.1} M")
    }
}

/// Millions of GPU-days, signed, two decimals: `-2.10 M`.
pub fn gpu_days_m(x: f64) -> String {
    let m = x / 1e6;
    let m = if m.abs() < 0.005 { 0.0 } else { m };
    if m < 0.0 {
        format!("-{:.2} M", -m)
    } else {
        format!("+{m:.2} M")
    }
}

/// The terminal table: one line per value, the lever site's and the portfolio's figures.
pub fn render(scenario: &Scenario, sweeps: &[Sweep]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in sweeps {
        let site = s.kind.site();
        let sid = &scenario.sites[site].id;
        let unit = match s.kind {
            Lever::Duration { .. } => "factor",
            Lever::OrderRacks { .. } => "racks",
            Lever::OrderGeneration { .. } => "generation",
            _ if s.points.iter().any(|(v, _)| matches!(v, Value::On(_))) => "date",
            _ => "days",
        };
        let _ = writeln!(out, "sweep {} ({} values)", s.lever, s.points.len());
        let _ = writeln!(
            out,
            "  {:>12}  {:>14}  {:>14}  {:>14}  {:>11}  {:>12}  windows (days: {})",
            unit,
            format!("{sid} NPV"),
            "Δ NPV",
            "portfolio Δ",
            "dark GPU-d",
            "first power",
            scenario.sites[site]
                .orders
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        );
        for (v, o) in &s.points {
            let so = &o.sites[site];
            let sb = &s.baseline.sites[site];
            let windows = so
                .orders
                .iter()
                .map(|o| {
                    o.window_days
                        .map_or_else(|| "-".to_owned(), |d| d.to_string())
                })
                .collect::<Vec<_>>()
                .join(" / ");
            let _ = writeln!(
                out,
                "  {:>12}  {:>14}  {:>14}  {:>14}  {:>11}  {:>12}  {windows}",
                lever::label(scenario, *v),
                money_m(so.npv).trim_start_matches('+').to_owned(),
                money_m(so.npv - sb.npv),
                money_m(o.npv - s.baseline.npv),
                format!("{:.2} M", so.dark.total as f64 / 1e6),
                so.first_power_on
                    .map(|d| scenario.date(d).to_string())
                    .unwrap_or_else(|| "-".into())
            );
        }
        // The model lets an order deliver before its generation ships; advise does not.
        if let Lever::OrderDate { order, .. } | Lever::OrderGeneration { order, .. } = s.kind {
            let early: Vec<String> = s
                .points
                .iter()
                .filter(|(v, o)| {
                    let Ok(changed) = s.kind.apply(scenario, *v) else {
                        return false;
                    };
                    let ord = &changed.sites[site].orders[order];
                    let ships = changed.market.available_day(ord.generation, changed.start);
                    o.sites[site].orders[order]
                        .placed
                        .is_some_and(|p| i64::from(p) + i64::from(ord.lead_time.point()) < ships)
                })
                .map(|(v, _)| lever::label(scenario, *v))
                .collect();
            if !early.is_empty() {
                let _ = writeln!(
                    out,
                    "  note: at {} the order's first delivery comes before its generation ships (the model allows it; advise does not)",
                    early.join(", ")
                );
            }
        }
        if let Some(v) = month_earlier_value(s) {
            let what = match s.kind {
                Lever::Power { source, .. } => {
                    format!("`{}` at {sid}", scenario.sites[site].power[source].id)
                }
                _ => format!("power at {sid}"),
            };
            let why = if s.baseline.sites[site].dark.power == 0 {
                "; no GPU waits for power there in the plan"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  one month earlier {what} is worth {} of NPV ({} per day){why}",
                money_m(v).trim_start_matches('+'),
                money_m(v / MONTH_DAYS as f64).trim_start_matches('+')
            );
        }
        out.push('\n');
    }
    out
}

/// `sweep.svg`: portfolio NPV change and the lever site's dark GPU-days against the lever.
pub fn svg(scenario: &Scenario, sweeps: &[Sweep]) -> String {
    use chart::{Axis, Chart, Panel, Series};
    let Some(first) = sweeps.first() else {
        return Chart::default().render();
    };
    let x = match first.kind {
        Lever::OrderGeneration { .. } => Axis::Categories(
            scenario
                .market
                .generations
                .iter()
                .map(|g| g.name.clone())
                .collect(),
        ),
        _ if first.points.iter().any(|(v, _)| matches!(v, Value::On(_))) => {
            Axis::Dates(scenario.start)
        }
        _ => Axis::Numeric,
    };
    let xv = |v: &Value| match *v {
        Value::Shift(k) => k as f64,
        Value::On(d) => f64::from(d),
        Value::Factor(f) => f,
        Value::Racks(n) => f64::from(n),
        Value::Generation(g) => g as f64,
    };
    let x_label = match first.kind {
        Lever::Duration { .. } => "duration factor".to_owned(),
        Lever::OrderRacks { .. } => "racks".to_owned(),
        Lever::OrderGeneration { .. } => "generation".to_owned(),
        Lever::OrderDate { .. } if matches!(x, Axis::Dates(_)) => "order date".to_owned(),
        _ => "shift (days; negative = earlier)".to_owned(),
    };
    let series = |f: &dyn Fn(&Sweep, &Outcome) -> f64| -> Vec<Series> {
        sweeps
            .iter()
            .map(|s| Series {
                name: s.lever.clone(),
                points: s.points.iter().map(|(v, o)| (xv(v), f(s, o))).collect(),
            })
            .collect()
    };
    Chart {
        title: if sweeps.len() == 1 {
            format!("warmshell sweep {}", first.lever)
        } else {
            format!("warmshell sweep: {} levers", sweeps.len())
        },
        x,
        x_label,
        panels: vec![
            Panel {
                y_label: "portfolio NPV change ($M)".into(),
                series: series(&|s, o| (o.npv - s.baseline.npv) / 1e6),
                marks: vec![],
            },
            Panel {
                y_label: "dark GPU-days at the lever's site (M)".into(),
                series: series(&|s, o| o.sites[s.kind.site()].dark.total as f64 / 1e6),
                marks: vec![],
            },
        ],
    }
    .render()
}
