//! Property and unit tests of the money model (src/economics).
//!
//! Scenarios are built through the public API: a random site (a task DAG,
//! halls, power sources some of which end, orders of random catalog
//! generations, crews), random pricing and finance, and fixed rivals. Each
//! property runs the engine and `economics::evaluate` on two versions of a
//! scenario that differ in one thing, and compares the money.
//!
//! Why the monotonicity properties hold under the model, so that a failure is
//! a bug and not a quirk: the revenue window closes on a day fixed per
//! generation (rivals reaching `parity_ratio` x our *planned* MW, or the
//! successor's availability), and the price of every day is fixed by the
//! market, so neither moves with our build speed. Installs never wait for
//! power, and racks are energized (and shed) in queue order, so the energized
//! racks are always a queue-order prefix that is as long as installed racks
//! and facility power allow: more power on every day energizes a superset of
//! racks on every day, hence every burn-in that completes still completes and
//! every earning rack-day still earns. Revenue and premium are sums of
//! `earning x price` and dark cost of `(delivered - earning) x rate`, with
//! deliveries untouched. Preconditions are stated on each property.
//!
//! 128 cases per property (`PROPTEST_CASES` asks for more or fewer);
//! failures are not persisted; a shrunk failing case belongs in a plain
//! `#[test]` below.

mod support;

use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::Config;
use warmshell::economics::price::PriceCurve;
use warmshell::economics::{self, Economics, Money, WindowEnd};
use warmshell::engine::{self, Draw, Options, SiteRun};
use warmshell::scenario::market::{
    Finance, Generation, Pricing, Rival, RivalBuild, merge_generations,
};
use warmshell::scenario::yaml::Pos;
use warmshell::scenario::{
    Day, Dependency, Distribution, Hall, Install, Market, Order, PowerSource, Scenario, Site,
    Trigger,
};

use support::random_site::{
    Ranges, RawSite, RawTrigger, bridge_gap, build_site, raw_site, start_date, task,
};

// ---------------------------------------------------------------------------
// Generating scenarios
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RawRival {
    /// Picks an order; the rival powers that order's generation.
    order: usize,
    /// The rival's IT watts as a share of our planned watts of the generation, in thousandths.
    share_permille: u64,
    power_on: u32,
}

#[derive(Debug, Clone)]
struct RawCase {
    site: RawSite,
    pricing: Pricing,
    finance: Finance,
    rivals: Vec<RawRival>,
}

/// The catalog's generation count (H100 .. Rubin-Ultra).
fn catalog_len() -> usize {
    Market::default().generations.len()
}

fn pricing() -> impl Strategy<Value = Pricing> {
    (
        0.05f64..=1.0,
        0.0f64..0.6,
        0.0f64..0.6,
        0.0f64..0.6,
        0.0f64..3.0,
        100u64..3000,
    )
        .prop_map(
            |(
                utilization,
                yearly_decline,
                successor_step,
                scarcity_premium,
                floor_usd_per_gpu_hour,
                parity_permille,
            )| Pricing {
                utilization,
                yearly_decline,
                successor_step,
                scarcity_premium,
                floor_usd_per_gpu_hour,
                parity_permille,
            },
        )
}

fn finance() -> impl Strategy<Value = Finance> {
    (0.0f64..0.5, 1.0f64..8.0, 0.0f64..200.0, 0.0f64..3e6).prop_map(
        |(discount_rate, depreciation_years, power_usd_per_mwh, facility_usd_per_mw)| Finance {
            discount_rate,
            depreciation_years,
            power_usd_per_mwh,
            facility_usd_per_mw,
            ..Finance::default()
        },
    )
}

/// The ranges the money's properties draw from: at least one hall, one
/// source and one order. Halls hold at least 300 kW and sources give at
/// least 1 MW, so no order (at most 300 kW a rack, PUE at most 3) is ever
/// dropped for not fitting.
fn ranges() -> Ranges {
    Ranges {
        halls: 1..4,
        hall_watts: 300_000..12_000_000,
        sources: 1..5,
        source_watts: 1_000_000..15_000_000,
        until_days: 400,
        orders: 1..4,
        generations: 0..catalog_len(),
        racks: 1..=120,
        gpus: 1..=144,
    }
}

/// A random case, one in four shaped around a gap in power (bridge power
/// that ends before the grid arrives), with random pricing, finance and
/// fixed rivals.
fn any_case() -> impl Strategy<Value = RawCase> {
    let site = prop_oneof![
        3 => raw_site(ranges()),
        1 => bridge_gap(raw_site(ranges()), 1_000_000..15_000_000),
    ];
    let rival =
        (0usize..8, 200u64..4000, 0u32..2000).prop_map(|(order, share_permille, power_on)| {
            RawRival {
                order,
                share_permille,
                power_on,
            }
        });
    (
        site,
        pricing(),
        finance(),
        prop::collection::vec(rival, 0..4),
    )
        .prop_map(|(site, pricing, finance, rivals)| RawCase {
            site,
            pricing,
            finance,
            rivals,
        })
}

/// Resolves a raw case into a one-site scenario that loading would accept.
fn build(raw: &RawCase) -> Scenario {
    let site = build_site(&raw.site);
    assert_eq!(
        site.orders.len(),
        raw.site.orders.len(),
        "the generator keeps every order installable and powerable"
    );
    let start = start_date();
    let mut market = Market {
        pricing: raw.pricing,
        finance: raw.finance,
        ..Market::default()
    };
    market.rivals = raw
        .rivals
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let g = site.orders[r.order % site.orders.len()].generation;
            fixed_rival(
                &format!("r{i}"),
                g,
                planned_watts(&site, g) * r.share_permille / 1000,
                r.power_on,
            )
        })
        .collect();
    Scenario {
        start,
        horizon: start + chrono::Days::new(raw.site.horizon.into()),
        market,
        sites: vec![site],
    }
}

fn fixed_rival(name: &str, generation: usize, it_watts: u64, day: Day) -> Rival {
    Rival {
        name: name.into(),
        generation,
        build: RivalBuild::Fixed {
            it_watts,
            power_on: Distribution::Fixed(f64::from(day)),
        },
    }
}

/// Our planned IT watts of a generation at one site.
fn planned_watts(site: &Site, g: usize) -> u64 {
    site.orders
        .iter()
        .filter(|o| o.generation == g)
        .map(|o| u64::from(o.racks) * o.rack_it_watts)
        .sum()
}

/// Appends a task that only the caller will reference (nothing else in the
/// site waits for it), after some of the existing tasks; returns its index.
fn add_private_task(site: &mut Site, after: &[(usize, u32)], days: u32) -> usize {
    let n = site.tasks.len();
    let mut deps: Vec<Dependency> = Vec::new();
    for &(p, lag) in after {
        if !deps.iter().any(|d| d.task == p % n) {
            deps.push(Dependency {
                task: p % n,
                lag,
                pos: Pos::default(),
            });
        }
    }
    site.tasks.push(task(n, days, deps, None));
    n
}

fn set_days(site: &mut Site, t: usize, days: u32) {
    site.tasks[t].duration = Distribution::Fixed(f64::from(days));
}

fn simulate(scenario: &Scenario) -> Vec<SiteRun> {
    scenario
        .sites
        .iter()
        .map(|site| engine::simulate(scenario, site, &Draw::point(site), Options::default()))
        .collect()
}

fn evaluate(scenario: &Scenario) -> (Vec<SiteRun>, Economics) {
    let runs = simulate(scenario);
    let money = economics::evaluate(scenario, &runs);
    (runs, money)
}

fn dark_cost(m: &Money) -> f64 {
    m.dark_depreciation + m.dark_forgone
}

/// A tolerance for sums of many positive terms.
fn eps(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

/// Revenue, premium and window days do not fall, and dark cost does not
/// rise, per order and per site, from `late` to `early`.
fn assert_earlier_is_no_worse(
    late: &(Vec<SiteRun>, Economics),
    early: &(Vec<SiteRun>, Economics),
) -> Result<(), TestCaseError> {
    let (late_runs, late) = late;
    let (early_runs, early) = early;
    for (s, (l, e)) in late.sites.iter().zip(&early.sites).enumerate() {
        for (o, (lo, eo)) in l.orders.iter().zip(&e.orders).enumerate() {
            let (lt, et) = (&lo.totals, &eo.totals);
            prop_assert!(
                et.revenue >= lt.revenue - eps(lt.revenue),
                "site {s} order {o}: revenue {} earlier, {} later",
                et.revenue,
                lt.revenue
            );
            prop_assert!(
                et.premium >= lt.premium - eps(lt.premium),
                "site {s} order {o}: premium {} earlier, {} later",
                et.premium,
                lt.premium
            );
            prop_assert!(
                dark_cost(et) <= dark_cost(lt) + eps(dark_cost(lt)),
                "site {s} order {o}: dark cost {} earlier, {} later",
                dark_cost(et),
                dark_cost(lt)
            );
            let (lp, ep) = (
                late_runs[s].orders[o].first_power_on,
                early_runs[s].orders[o].first_power_on,
            );
            if let Some(lp) = lp {
                prop_assert!(
                    ep.is_some_and(|ep| ep <= lp),
                    "site {s} order {o}: first power-on {ep:?} earlier, {lp} later"
                );
            }
            if let Some(lw) = lo.window {
                let ew = eo
                    .window
                    .expect("an order powered later is powered earlier too");
                prop_assert!(
                    ew.days() >= lw.days(),
                    "site {s} order {o}: window {ew:?} earlier, {lw:?} later"
                );
                prop_assert_eq!(ew.ended_by, lw.ended_by);
            }
        }
        prop_assert!(
            e.totals.revenue >= l.totals.revenue - eps(l.totals.revenue),
            "site {s}: revenue {} earlier, {} later",
            e.totals.revenue,
            l.totals.revenue
        );
        prop_assert!(
            dark_cost(&e.totals) <= dark_cost(&l.totals) + eps(dark_cost(&l.totals)),
            "site {s}: dark cost {} earlier, {} later",
            dark_cost(&e.totals),
            dark_cost(&l.totals)
        );
    }
    Ok(())
}

/// How one version of a scenario gets power earlier than the other; nothing
/// else differs.
#[derive(Debug, Clone)]
enum PowerEarlier {
    /// A source's `from` date moves `by` days earlier.
    FromDate { source: usize, day: u32, by: u32 },
    /// The task that only a source's `from` waits for (the grid energizing)
    /// takes `by` days less.
    GridTask {
        source: usize,
        after: Vec<(usize, u32)>,
        days: u32,
        by: u32,
    },
    /// A source's lag shrinks by `by` days; its `until`, if a task, is made a
    /// date first (with a task, the lag would move the end too).
    Lag { source: usize, lag: u32, by: u32 },
}

fn power_earlier() -> impl Strategy<Value = PowerEarlier> {
    prop_oneof![
        (0usize..5, 0u32..2000, 1u32..600).prop_map(|(source, day, by)| PowerEarlier::FromDate {
            source,
            day,
            by
        }),
        (
            0usize..5,
            prop::collection::vec((0usize..1000, 0u32..60), 0..3),
            0u32..900,
            1u32..600
        )
            .prop_map(|(source, after, days, by)| PowerEarlier::GridTask {
                source,
                after,
                days,
                by
            }),
        (0usize..5, 0u32..300, 1u32..300).prop_map(|(source, lag, by)| PowerEarlier::Lag {
            source,
            lag,
            by
        }),
    ]
}

/// The (later, earlier) versions of a case.
fn with_power_earlier(raw: &RawCase, change: &PowerEarlier) -> (Scenario, Scenario) {
    let mut raw = raw.clone();
    match change {
        PowerEarlier::FromDate { source, day, .. } => {
            let p = source % raw.site.power.len();
            raw.site.power[p].from = RawTrigger::Day(*day);
        }
        PowerEarlier::Lag { source, lag, .. } => {
            let p = source % raw.site.power.len();
            raw.site.power[p].lag = *lag;
        }
        PowerEarlier::GridTask { .. } => {}
    }
    let mut late = build(&raw);
    let site = &mut late.sites[0];
    match change {
        PowerEarlier::GridTask {
            source,
            after,
            days,
            ..
        } => {
            let grid = add_private_task(site, after, *days);
            let p = source % site.power.len();
            site.power[p].from = Trigger::Task(grid);
        }
        PowerEarlier::Lag { source, .. } => {
            let p = source % site.power.len();
            if let Some(Trigger::Task(t)) = site.power[p].until {
                // Keep the end where it was: `until` task finish + lag.
                let run = &simulate(&late)[0];
                let end = run.schedule.finish[t].saturating_add(late.sites[0].power[p].lag);
                late.sites[0].power[p].until = Some(Trigger::Day(end.min(late.horizon_day())));
            }
        }
        PowerEarlier::FromDate { .. } => {}
    }
    let mut early = late.clone();
    let site = &mut early.sites[0];
    match change {
        PowerEarlier::FromDate { source, by, .. } => {
            let p = source % site.power.len();
            let Trigger::Day(d) = site.power[p].from else {
                unreachable!("set to a date above")
            };
            site.power[p].from = Trigger::Day(d.saturating_sub(*by));
        }
        PowerEarlier::GridTask { days, by, .. } => {
            let grid = site.tasks.len() - 1;
            set_days(site, grid, days.saturating_sub(*by));
        }
        PowerEarlier::Lag { source, by, .. } => {
            let p = source % site.power.len();
            site.power[p].lag = site.power[p].lag.saturating_sub(*by);
        }
    }
    (late, early)
}

/// (later, earlier) versions where one hall's ready task, which nothing else
/// waits for, takes `by` days less; every rack of the site has one IT size.
fn with_hall_earlier(
    raw: &RawCase,
    hall: usize,
    after: &[(usize, u32)],
    days: u32,
    by: u32,
) -> (Scenario, Scenario) {
    let mut raw = raw.clone();
    let size = raw.site.orders[0].it_watts;
    for o in &mut raw.site.orders {
        o.it_watts = size;
    }
    let mut late = build(&raw);
    let site = &mut late.sites[0];
    let shell = add_private_task(site, after, days);
    let h = hall % site.halls.len();
    site.halls[h].ready = shell;
    let mut early = late.clone();
    set_days(&mut early.sites[0], shell, days.saturating_sub(by));
    (late, early)
}

/// One fixed rival, of the generation of a picked order, powers on `by`
/// days after `day` in the second version; nothing else differs.
#[derive(Debug, Clone)]
struct RivalLater {
    pick: usize,
    /// The rival's IT watts as a share of the parity threshold (parity_ratio
    /// x our planned watts), in thousandths: below 1000 it never closes a
    /// window on its own.
    share_permille: u64,
    day: u32,
    by: u32,
}

fn rival_later() -> impl Strategy<Value = RivalLater> {
    (0usize..4, 500u64..3000, 0u32..1500, 1u32..1500).prop_map(|(pick, share_permille, day, by)| {
        RivalLater {
            pick,
            share_permille,
            day,
            by,
        }
    })
}

/// The (sooner, later) versions of a case for a rival that moves.
fn with_rival_later(raw: &RawCase, change: &RivalLater) -> (Scenario, Scenario) {
    let mut soon = build(raw);
    let site = &soon.sites[0];
    let g = site.orders[change.pick % site.orders.len()].generation;
    let threshold = planned_watts(site, g) * soon.market.pricing.parity_permille / 1000;
    let watts = threshold * change.share_permille / 1000;
    soon.market
        .rivals
        .push(fixed_rival("moving", g, watts, change.day));
    let mut later = soon.clone();
    let last = later.market.rivals.len() - 1;
    later.market.rivals[last] = fixed_rival("moving", g, watts, change.day + change.by);
    (soon, later)
}

/// 128 cases per property; `PROPTEST_CASES` asks for more (or fewer) locally.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Power on earlier never lowers revenue or premium, never shortens a
    /// window, and never raises dark cost (depreciation + forgone revenue),
    /// per order and per site. "Earlier" means more facility power on every
    /// day: one source's `from` date or lag moves earlier, or the task only
    /// its `from` waits for is shorter. This holds with bridge power and
    /// shedding. Precondition: the task moved ends nothing else; when the
    /// grid's task also ends bridge power (`until: grid`), arriving earlier
    /// can lower revenue (see
    /// `grid_that_also_ends_the_bridge_can_lower_revenue_by_arriving_earlier`).
    #[test]
    fn powering_on_earlier_never_lowers_revenue_nor_raises_dark_cost(
        raw in any_case(),
        change in power_earlier(),
    ) {
        let (late, early) = with_power_earlier(&raw, &change);
        assert_earlier_is_no_worse(&evaluate(&late), &evaluate(&early))?;
    }

    /// A hall ready earlier never lowers revenue nor raises dark cost, per
    /// order and per site. Precondition: every rack of the site has the same
    /// IT size. With racks of several sizes the first-fit hall choice can
    /// strand a rack (see `hall_ready_earlier_can_strand_a_rack_of_another_size`).
    #[test]
    fn hall_ready_earlier_never_lowers_revenue_nor_raises_dark_cost_for_racks_of_one_size(
        raw in any_case(),
        hall in 0usize..4,
        after in prop::collection::vec((0usize..1000, 0u32..60), 0..3),
        days in 0u32..900,
        by in 1u32..600,
    ) {
        let (late, early) = with_hall_earlier(&raw, hall, &after, days, by);
        assert_earlier_is_no_worse(&evaluate(&late), &evaluate(&early))?;
    }

    /// A fixed rival of an order's generation that powers on later never
    /// shortens any order's window nor lowers its premium or revenue; our
    /// build is untouched.
    #[test]
    fn a_rival_powering_on_later_never_shortens_the_window(
        raw in any_case(),
        change in rival_later(),
    ) {
        let (soon, later) = with_rival_later(&raw, &change);
        let day = change.day;
        let by = change.by;
        let runs = simulate(&soon);
        let (s, l) = (economics::evaluate(&soon, &runs), economics::evaluate(&later, &runs));
        for (o, (so, lo)) in s.sites[0].orders.iter().zip(&l.sites[0].orders).enumerate() {
            prop_assert_eq!(so.window.is_some(), lo.window.is_some());
            if let (Some(sw), Some(lw)) = (so.window, lo.window) {
                prop_assert_eq!(sw.start, lw.start);
                prop_assert!(
                    lw.end >= sw.end && lw.days() >= sw.days(),
                    "order {}: window {:?} with the rival on day {}, {:?} on day {}",
                    o, sw, day, lw, day + by
                );
            }
            prop_assert!(
                lo.totals.premium >= so.totals.premium - eps(so.totals.premium),
                "order {}: premium {} with the later rival, {} with the sooner",
                o, lo.totals.premium, so.totals.premium
            );
            prop_assert!(
                lo.totals.revenue >= so.totals.revenue - eps(so.totals.revenue),
                "order {}: revenue {} with the later rival, {} with the sooner",
                o, lo.totals.revenue, so.totals.revenue
            );
        }
        for (g, (sc, lc)) in s.close.iter().zip(&l.close).enumerate() {
            let day_of = |c: &Option<(Day, WindowEnd)>| c.map_or(Day::MAX, |(d, _)| d);
            prop_assert!(day_of(lc) >= day_of(sc), "generation {}: close {:?} then {:?}", g, sc, lc);
        }
    }

    /// At a zero discount rate, NPV is the undiscounted net (revenue - power -
    /// capex) plus the book value left at the horizon, per order and per
    /// site; that residual is never negative nor more than the capex.
    #[test]
    fn npv_at_a_zero_rate_is_the_net_cash_plus_the_residual(raw in any_case()) {
        let mut scenario = build(&raw);
        scenario.market.finance.discount_rate = 0.0;
        let (_, money) = evaluate(&scenario);
        let site = &money.sites[0];
        let scale = |m: &Money| m.revenue + m.power + m.capex;
        let mut parts: Vec<(String, f64, Money)> = site
            .orders
            .iter()
            .enumerate()
            .map(|(o, order)| (format!("order {o}"), order.npv, order.totals))
            .collect();
        parts.push(("site".into(), site.npv, site.totals));
        for (what, npv, totals) in parts {
            let want = totals.net() + totals.residual;
            prop_assert!(
                (npv - want).abs() <= eps(scale(&totals)),
                "{}: npv {} net {} residual {}", what, npv, totals.net(), totals.residual
            );
            prop_assert!(
                totals.residual >= 0.0 && totals.residual <= totals.capex + eps(totals.capex),
                "{}: residual {} capex {}", what, totals.residual, totals.capex
            );
        }
    }

    /// For a site whose cash is outlays (GPUs, facility, burn-in power)
    /// followed by inflows only (revenue above power, and the residual book
    /// value at the horizon H), the value at the first earning day T (H if
    /// none), NPV x (1 + r)^(T/365), never rises with the discount rate r; so
    /// NPV changes sign at most once (one IRR), and while NPV >= 0 it never
    /// rises with r. (NPV at the start itself may rise with r while negative:
    /// see `npv_of_a_loss_can_rise_with_the_discount_rate`.)
    #[test]
    fn npv_of_outlay_then_inflows_falls_as_the_discount_rate_rises(
        case in npv_case(),
        r in (0.0f64..1.0, 0.0f64..1.0),
    ) {
        let (r1, r2) = if r.0 <= r.1 { (r.0, r.1) } else { (r.1, r.0) };
        let at = |rate: f64| {
            let mut s = case.clone();
            s.market.finance.discount_rate = rate;
            evaluate(&s)
        };
        let (runs, low) = at(r1);
        let (_, high) = at(r2);
        let progress = &runs[0].orders[0];
        // The construction: every rack starts earning on one day.
        prop_assert_eq!(progress.first_earning, progress.full_earning);
        let t = progress.first_earning.unwrap_or(case.horizon_day());
        let value_at_t = |npv: f64, rate: f64| npv * (1.0 + rate).powf(f64::from(t) / 365.0);
        let pairs = [
            ("order", low.sites[0].orders[0].npv, high.sites[0].orders[0].npv, low.sites[0].orders[0].totals),
            ("site", low.sites[0].npv, high.sites[0].npv, low.sites[0].totals),
        ];
        for (what, n1, n2, totals) in pairs {
            let tol = eps(totals.revenue + totals.power + totals.capex);
            let (v1, v2) = (value_at_t(n1, r1), value_at_t(n2, r2));
            prop_assert!(
                v2 <= v1 + tol,
                "{}: value at day {} is {} at rate {} but {} at rate {}", what, t, v1, r1, v2, r2
            );
            if n2 >= 0.0 {
                prop_assert!(n1 >= n2 - tol, "{}: npv {} at rate {} < {} at rate {}", what, n1, r1, n2, r2);
            }
            if n1 < -tol {
                prop_assert!(n2 < 0.0, "{}: npv {} at rate {} but {} at rate {}", what, n1, r1, n2, r2);
            }
        }
    }
}

/// A site built so that its cash is outlays, then inflows only: one order
/// delivered in one batch, crews and hall room for every rack, one source (no
/// end) powering all racks at once, so all racks burn in together and then
/// earn together at a price above their power cost.
fn npv_case() -> impl Strategy<Value = Scenario> {
    (
        (
            0..catalog_len(),
            1u32..200,
            100u32..=150,
            0u32..1500,
            0u32..300,
        ),
        (1u32..=5, 0u32..=30, 0u32..2000, 0u32..2000, 0.0f64..3e6),
        (
            0.5f64..=1.0,
            1.0f64..3.0,
            0.0f64..100.0,
            0.0f64..0.5,
            0.0f64..0.5,
        ),
        2000u32..=3200,
    )
        .prop_map(
            |(
                (g, racks, pue_percent, ordered, lead),
                (days_per_rack, burn_in, hall_days, power_day, facility),
                (utilization, floor, power_price, decline, step),
                horizon,
            )| {
                let market = Market::default();
                let spec = &market.generations[g];
                let pue = f64::from(pue_percent) / 100.0;
                let it_watts = (spec.rack_kw * 1000.0).round() as u64;
                let facility_watts = (it_watts as f64 * pue).round() as u64;
                let order = Order {
                    id: "o".into(),
                    generation: g,
                    racks,
                    gpus_per_rack: spec.gpus_per_rack,
                    rack_it_watts: it_watts,
                    rack_facility_watts: facility_watts,
                    ordered: Trigger::Day(ordered),
                    lead_time: Distribution::Fixed(f64::from(lead)),
                    racks_per_week: racks,
                    pos: Pos::default(),
                };
                let site = Site {
                    id: "npv".into(),
                    file: PathBuf::from("npv.yaml"),
                    name: "npv".into(),
                    pue,
                    tasks: vec![task(0, hall_days, vec![], None)],
                    halls: vec![Hall {
                        id: "h".into(),
                        it_watts: it_watts * u64::from(racks),
                        ready: 0,
                    }],
                    power: vec![PowerSource {
                        id: "grid".into(),
                        watts: facility_watts * u64::from(racks),
                        from: Trigger::Day(power_day.min(horizon)),
                        lag: 0,
                        until: None,
                    }],
                    orders: vec![order],
                    install: Install {
                        crews: racks,
                        days_per_rack,
                        burn_in,
                    },
                };
                let start = start_date();
                Scenario {
                    start,
                    horizon: start + chrono::Days::new(horizon.into()),
                    market: Market {
                        pricing: Pricing {
                            utilization,
                            floor_usd_per_gpu_hour: floor,
                            yearly_decline: decline,
                            successor_step: step,
                            ..Pricing::default()
                        },
                        finance: Finance {
                            power_usd_per_mwh: power_price,
                            facility_usd_per_mw: facility,
                            ..Finance::default()
                        },
                        ..market
                    },
                    sites: vec![site],
                }
            },
        )
        .prop_filter("an earning GPU-hour must pay its power", |s| {
            let o = &s.sites[0].orders[0];
            let p = &s.market;
            let power_per_gpu_hour = o.rack_facility_watts as f64 / 1e6
                * p.finance.power_usd_per_mwh
                / f64::from(o.gpus_per_rack);
            p.pricing.utilization * p.pricing.floor_usd_per_gpu_hour > power_per_gpu_hour
        })
}

// ---------------------------------------------------------------------------
// Preconditions and model limits, as plain tests
// ---------------------------------------------------------------------------

/// A one-task, one-hall site with `power` and orders of (IT watts, racks).
fn hand_site(halls: Vec<(u64, u32)>, power: Vec<PowerSource>, orders: &[(u64, u32)]) -> Site {
    let gb300 = Market::default().generation("GB300").expect("catalog");
    let tasks = halls
        .iter()
        .enumerate()
        .map(|(i, &(_, days))| task(i, days, vec![], None))
        .collect();
    Site {
        id: "hand".into(),
        file: PathBuf::from("hand.yaml"),
        name: "hand".into(),
        pue: 1.0,
        tasks,
        halls: halls
            .iter()
            .enumerate()
            .map(|(i, &(it_watts, _))| Hall {
                id: format!("h{i}"),
                it_watts,
                ready: i,
            })
            .collect(),
        power,
        orders: orders
            .iter()
            .enumerate()
            .map(|(i, &(watts, racks))| Order {
                id: format!("o{i}"),
                generation: gb300,
                racks,
                gpus_per_rack: 72,
                rack_it_watts: watts,
                rack_facility_watts: watts,
                ordered: Trigger::Day(0),
                lead_time: Distribution::Fixed(10.0),
                racks_per_week: racks,
                pos: Pos::default(),
            })
            .collect(),
        install: Install {
            crews: 10,
            days_per_rack: 1,
            burn_in: 0,
        },
    }
}

fn hand_scenario(site: Site) -> Scenario {
    let start = start_date();
    Scenario {
        start,
        horizon: start + chrono::Days::new(2000),
        market: Market::default(),
        sites: vec![site],
    }
}

fn source(id: &str, watts: u64, from: Trigger, until: Option<Trigger>) -> PowerSource {
    PowerSource {
        id: id.into(),
        watts,
        from,
        lag: 0,
        until,
    }
}

/// The precondition of the power property: when the grid's task also ends
/// bridge power (`until: grid`) and the grid is smaller than the bridge,
/// the grid arriving earlier takes power away earlier. Not a fault: the
/// planner said the turbines go when the grid comes.
#[test]
fn grid_that_also_ends_the_bridge_can_lower_revenue_by_arriving_earlier() {
    let build = |grid_days: u32| {
        let mut site = hand_site(
            vec![(10_000_000, 0)],
            vec![
                source(
                    "turbines",
                    2_000_000,
                    Trigger::Day(0),
                    Some(Trigger::Task(1)),
                ),
                source("grid", 1_000_000, Trigger::Task(1), None),
            ],
            &[(100_000, 20)],
        );
        site.tasks.push(task(1, grid_days, vec![], None));
        hand_scenario(site)
    };
    let (_, late) = evaluate(&build(600));
    let (_, early) = evaluate(&build(300));
    let (l, e) = (&late.sites[0].totals, &early.sites[0].totals);
    assert!(
        e.revenue < l.revenue && dark_cost(e) > dark_cost(l),
        "revenue {} / dark {} with the grid on day 300, {} / {} on day 600",
        e.revenue,
        dark_cost(e),
        l.revenue,
        dark_cost(l)
    );
}

/// Model limit: racks go to the first ready hall with room (first fit, no
/// re-packing), so a hall ready earlier can take a small rack and leave no
/// hall with room for a later one. Hall `a` (150 kW) and hall `b` (200 kW);
/// racks of 100, 150 and 100 kW delivered on day 10. With `a` ready on day
/// 100, the racks go b, a, b and all earn; with `a` ready on day 0 they go a,
/// b and the third fits nowhere, dark to the horizon: order `o2` earns
/// nothing and the site loses revenue by getting its hall sooner.
#[test]
#[ignore = "model: first-fit hall choice is not monotone; a hall ready earlier strands a rack of another size"]
fn hall_ready_earlier_can_strand_a_rack_of_another_size() {
    let build = |a_days: u32| {
        hand_scenario(hand_site(
            vec![(150_000, a_days), (200_000, 0)],
            vec![source("grid", 10_000_000, Trigger::Day(0), None)],
            &[(100_000, 1), (150_000, 1), (100_000, 1)],
        ))
    };
    let late = evaluate(&build(100));
    let early = evaluate(&build(0));
    assert_earlier_is_no_worse(&late, &early).unwrap_or_else(|e| panic!("{e}"));
}

/// Not a fault: a loss paid after day 0 shrinks when discounted harder, so
/// NPV at the start can rise with the rate while it is negative (an order
/// delivered on day 300 that never powers on).
#[test]
fn npv_of_a_loss_can_rise_with_the_discount_rate() {
    let at = |rate: f64| {
        let mut s = hand_scenario(hand_site(
            vec![(10_000_000, 0)],
            vec![source("grid", 1_000_000, Trigger::Day(1999), None)],
            &[(100_000, 5)],
        ));
        s.sites[0].orders[0].ordered = Trigger::Day(290);
        s.market.finance.discount_rate = rate;
        evaluate(&s).1.sites[0].npv
    };
    let (low, high) = (at(0.05), at(0.5));
    assert!(low < 0.0 && high > low, "npv {low} at 5%, {high} at 50%");
}

/// The generators reach what the properties are about: windows closed by
/// parity and by a successor, orders that never power on, earlier power that
/// changes the money, and rivals whose move changes a window.
#[test]
fn generated_cases_exercise_the_model() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut parity, mut successor, mut horizon, mut dark_orders) = (0, 0, 0, 0);
    let (mut better, mut longer) = (0, 0);
    for _ in 0..128 {
        let raw = any_case().new_tree(&mut runner).expect("a case").current();
        let change = power_earlier()
            .new_tree(&mut runner)
            .expect("a change")
            .current();
        let (late, early) = with_power_earlier(&raw, &change);
        let (_, l) = evaluate(&late);
        let (_, e) = evaluate(&early);
        for o in &l.sites[0].orders {
            match o.window.map(|w| w.ended_by) {
                Some(WindowEnd::Parity) => parity += 1,
                Some(WindowEnd::Successor) => successor += 1,
                Some(WindowEnd::Horizon) => horizon += 1,
                None => dark_orders += 1,
            }
        }
        better += usize::from(e.sites[0].totals.revenue > l.sites[0].totals.revenue);

        let rival = rival_later()
            .new_tree(&mut runner)
            .expect("a rival")
            .current();
        let (soon, later) = with_rival_later(&raw, &rival);
        let runs = simulate(&soon);
        let (s, l) = (
            economics::evaluate(&soon, &runs),
            economics::evaluate(&later, &runs),
        );
        longer += usize::from(
            s.sites[0]
                .orders
                .iter()
                .zip(&l.sites[0].orders)
                .any(|(a, b)| b.window.map(|w| w.days()) > a.window.map(|w| w.days())),
        );
    }
    let seen = format!(
        "orders with windows ended by parity {parity}, successor {successor}, horizon {horizon}; never powered {dark_orders}; cases where earlier power earned more {better}, where a later rival lengthened a window {longer}"
    );
    println!("{seen}");
    assert!(
        parity > 10
            && successor > 10
            && horizon > 0
            && dark_orders > 0
            && better > 20
            && longer > 5,
        "{seen}"
    );
}

// ---------------------------------------------------------------------------
// The price model
// ---------------------------------------------------------------------------

fn generation(name: &str, available: NaiveDate, launch: f64) -> Generation {
    Generation {
        name: name.into(),
        available,
        gpus_per_rack: 72,
        rack_kw: 135.0,
        usd_per_gpu: 50_000.0,
        usd_per_gpu_hour: launch,
        successor: None,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A market of the given generations (successors linked by date) and pricing.
fn market(gens: Vec<Generation>, pricing: Pricing) -> Market {
    Market {
        generations: merge_generations(vec![], gens),
        pricing,
        finance: Finance::default(),
        rivals: vec![],
        groups: vec![],
    }
}

fn flat_pricing() -> Pricing {
    Pricing {
        yearly_decline: 0.0,
        successor_step: 0.25,
        scarcity_premium: 0.3,
        floor_usd_per_gpu_hour: 1.5,
        ..Pricing::default()
    }
}

#[test]
fn without_decline_or_successor_the_price_is_the_launch_price() {
    // Available before and after the start: the price is flat either way.
    for available in [date(2024, 3, 1), date(2025, 1, 1), date(2026, 6, 1)] {
        let m = market(vec![generation("X", available, 4.0)], flat_pricing());
        let curve = PriceCurve::new(&m, 0, start_date());
        assert_eq!(curve.successor_day(), None);
        let table = curve.table(3000);
        assert_eq!(table.len(), 3001);
        for (day, &(scarce, commodity)) in table.iter().enumerate() {
            assert_eq!(scarce, 4.0, "day {day}, available {available}");
            assert_eq!(commodity, 4.0 * (1.0 - 0.3), "day {day}");
        }
    }
    // The catalog's last generation has no successor either.
    let m = Market {
        pricing: flat_pricing(),
        ..Market::default()
    };
    let g = m.generation("Rubin-Ultra").expect("catalog");
    let launch = m.generations[g].usd_per_gpu_hour;
    assert!(
        PriceCurve::new(&m, g, start_date())
            .table(4000)
            .iter()
            .all(|&(s, _)| s == launch)
    );
}

#[test]
fn each_successor_steps_the_price_down_from_its_day() {
    // B on day 365 and C on day 730 of a clock starting 2025-01-01.
    let m = market(
        vec![
            generation("A", date(2024, 6, 1), 4.0),
            generation("B", date(2026, 1, 1), 5.0),
            generation("C", date(2027, 1, 1), 6.0),
        ],
        flat_pricing(),
    );
    let a = m.generation("A").expect("A");
    let curve = PriceCurve::new(&m, a, start_date());
    assert_eq!(curve.successor_day(), Some(365));
    let table = curve.table(1000);
    for (day, &(scarce, _)) in table.iter().enumerate() {
        let want = match day {
            0..365 => 4.0,
            365..730 => 4.0 * 0.75,
            _ => 4.0 * 0.75 * 0.75,
        };
        assert_eq!(scarce, want, "day {day}");
    }
    // A successor available before the start steps the price from day 0.
    let m = market(
        vec![
            generation("A", date(2023, 6, 1), 4.0),
            generation("B", date(2024, 6, 1), 5.0),
        ],
        flat_pricing(),
    );
    let a = m.generation("A").expect("A");
    let curve = PriceCurve::new(&m, a, start_date());
    assert_eq!(curve.successor_day(), Some(-214));
    assert!(curve.table(100).iter().all(|&(s, _)| s == 3.0));
}

#[test]
fn the_floor_holds_for_scarce_and_commodity_prices() {
    // Steep decline and steps, floor 2: the price reaches the floor and stays.
    let m = market(
        vec![
            generation("A", date(2025, 1, 1), 4.0),
            generation("B", date(2025, 6, 1), 5.0),
            generation("C", date(2026, 1, 1), 6.0),
        ],
        Pricing {
            yearly_decline: 0.5,
            successor_step: 0.4,
            scarcity_premium: 0.5,
            floor_usd_per_gpu_hour: 2.0,
            ..Pricing::default()
        },
    );
    let table = PriceCurve::new(&m, 0, start_date()).table(2000);
    assert!(table.iter().all(|&(s, c)| s >= 2.0 && c >= 2.0));
    assert_eq!(table[2000], (2.0, 2.0));
    // Before B the scarce price is above the floor but commodity is clipped to it.
    let (s, c) = table[10];
    assert!(s > 3.9 && c == 2.0, "{s} {c}");
}

#[test]
fn a_year_after_availability_the_price_has_lost_the_yearly_decline() {
    let m = market(
        vec![generation("X", date(2025, 3, 1), 4.0)],
        Pricing {
            yearly_decline: 0.2,
            floor_usd_per_gpu_hour: 0.0,
            ..Pricing::default()
        },
    );
    let table = PriceCurve::new(&m, 0, start_date()).table(1200);
    let avail = 59; // 2025-03-01
    assert_eq!(table[avail].0, 4.0);
    assert_eq!(table[0].0, 4.0, "no decline before availability");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
    assert!(
        close(table[avail + 365].0, 4.0 * 0.8),
        "{}",
        table[avail + 365].0
    );
    assert!(
        close(table[avail + 730].0, 4.0 * 0.64),
        "{}",
        table[avail + 730].0
    );
}

proptest! {
    #![proptest_config(config())]

    /// The table is the closed form: scarce = max(launch x (1 - decline)^(max(0, d - available)/365)
    /// x (1 - step)^(successors available by d), floor); commodity = max(scarce x (1 -
    /// scarcity_premium), floor), so commodity is scarce less the premium above the floor.
    /// Both are non-increasing day by day and never below the floor.
    #[test]
    fn price_table_is_the_closed_form_and_never_below_the_floor(
        gens in prop::collection::vec((-1500i64..3000, 0.5f64..20.0), 1..5),
        pick in 0usize..5,
        p in pricing(),
        horizon in 1u32..3500,
    ) {
        let start = start_date();
        let gs: Vec<Generation> = gens
            .iter()
            .enumerate()
            .map(|(i, &(day, launch))| {
                generation(&format!("G{i}"), start + chrono::TimeDelta::days(day), launch)
            })
            .collect();
        let m = market(gs, p);
        let g = pick % m.generations.len();
        let table = PriceCurve::new(&m, g, start).table(horizon);
        prop_assert_eq!(table.len(), horizon as usize + 1);
        let available = m.available_day(g, start);
        let mut later: Vec<i64> = m
            .generations
            .iter()
            .map(|x| (x.available - start).num_days())
            .filter(|&d| d > available)
            .collect();
        later.sort_unstable();
        later.dedup();
        let launch = m.generations[g].usd_per_gpu_hour;
        let floor = p.floor_usd_per_gpu_hour;
        for (day, &(scarce, commodity)) in table.iter().enumerate() {
            let d = day as i64;
            let years = (d - available).max(0) as f64 / 365.0;
            let steps = later.iter().filter(|&&s| s <= d).count() as i32;
            let want = (launch
                * (1.0 - p.yearly_decline).powf(years)
                * (1.0 - p.successor_step).powi(steps))
            .max(floor);
            prop_assert!(
                (scarce - want).abs() <= 1e-9 * want,
                "day {}: scarce {} want {}", day, scarce, want
            );
            prop_assert!(scarce >= floor && commodity >= floor);
            prop_assert_eq!(commodity, (scarce * (1.0 - p.scarcity_premium)).max(floor));
            if day > 0 {
                prop_assert!(scarce <= table[day - 1].0 && commodity <= table[day - 1].1);
            }
        }
    }
}
