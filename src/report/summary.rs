//! The terminal summary: per site, what a planner wants at a glance.

use std::fmt::Write;

use super::human::{count, usd};
use crate::timeline::{SiteTimeline, Timeline};

pub fn render(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "warmshell: {} site{}, {} to {} (point values of every duration)",
        t.sites.len(),
        if t.sites.len() == 1 { "" } else { "s" },
        t.start,
        t.horizon
    );
    for s in &t.sites {
        out.push('\n');
        site(&mut out, s, t);
    }
    let p = &t.portfolio;
    let _ = writeln!(
        out,
        "\nportfolio  NPV {}  payback {}  dark cost {}  premium {}",
        usd(p.npv_usd),
        p.payback.as_deref().unwrap_or("not by the horizon"),
        usd(p.dark_cost_usd()),
        usd(p.premium_usd)
    );
    for r in &t.rivals {
        let _ = writeln!(
            out,
            "  rival {:<20} {:<8} powers on {}  {} MW at the horizon",
            r.name,
            r.generation,
            r.first_power_on.as_deref().unwrap_or("not by the horizon"),
            r.mw_at_horizon
        );
    }
    out
}

fn site(out: &mut String, s: &SiteTimeline, t: &Timeline) {
    let _ = writeln!(out, "{}  {}", s.id, s.name);
    let never = "not by the horizon";
    if s.orders.is_empty() {
        let _ = writeln!(out, "  power-on       no GPU orders");
    } else {
        let _ = writeln!(
            out,
            "  power-on       first rack {}   all racks {}",
            s.first_power_on.as_deref().unwrap_or(never),
            s.full_power_on.as_deref().unwrap_or(never)
        );
    }
    let _ = writeln!(out, "  MW drawn       {}", year_ends(s, t));
    let d = &s.dark_gpu_days;
    if d.total == 0 {
        let _ = writeln!(out, "  dark GPU-days  none");
    } else {
        let pct = |v: u64| format!("{:.0}%", v as f64 * 100.0 / d.total as f64);
        let _ = writeln!(
            out,
            "  dark GPU-days  {}  (shell {}, crew {}, power {}, burn-in {}); main reason: {}",
            count(d.total as i64),
            pct(d.shell),
            pct(d.crew),
            pct(d.power),
            pct(d.burn_in),
            s.main_dark_reason.map_or("none", |r| r.label())
        );
    }
    let m = &s.money;
    let _ = writeln!(
        out,
        "  money          NPV {}  payback {}  revenue {}  capex {}  power {}  residual {}",
        usd(m.npv_usd),
        m.payback.as_deref().unwrap_or(never),
        usd(m.revenue_usd),
        usd(m.capex_usd),
        usd(m.power_usd),
        usd(m.residual_usd)
    );
    let _ = writeln!(
        out,
        "  dark cost      {}  (depreciation {} + revenue forgone {})",
        usd(m.dark_cost_usd()),
        usd(m.dark_depreciation_usd),
        usd(m.dark_forgone_usd)
    );
    for o in &s.orders {
        let _ = writeln!(
            out,
            "  order {:<12} {:>6} racks {:<8} delivered {}  power-on {}  all on {}",
            o.id,
            o.racks,
            o.generation,
            o.first_delivery.as_deref().unwrap_or("-"),
            o.first_power_on.as_deref().unwrap_or(never),
            o.full_power_on.as_deref().unwrap_or(never)
        );
        let window = match &o.window {
            None => "none (never powered)".to_owned(),
            Some(w) => match (&w.end, w.ended_by) {
                (Some(end), by) if w.days == 0 => {
                    format!("none: closed {end}, before power-on ({})", by.as_str())
                }
                (Some(end), by) => format!("{} days, to {end} ({})", w.days, by.as_str()),
                (None, _) => format!("{} days, open at the horizon", w.days),
            },
        };
        let _ = writeln!(
            out,
            "        window {window}  premium {}  NPV {}",
            usd(o.money.premium_usd),
            usd(o.money.npv_usd)
        );
    }
    if !s.critical_path.is_empty() {
        let _ = writeln!(out, "  critical path  {}", s.critical_path.join(" -> "));
    }
}

/// MW drawn at the end of each calendar year in the run.
fn year_ends(s: &SiteTimeline, t: &Timeline) -> String {
    let first: i32 = t.start[..4].parse().unwrap_or(0);
    let last: i32 = t.horizon[..4].parse().unwrap_or(first);
    let mut parts = Vec::new();
    for year in first..=last {
        let end = format!("{year}-12-31");
        let end = if end > t.horizon {
            t.horizon.clone()
        } else {
            end
        };
        let drawn = s
            .power_curve
            .iter()
            .take_while(|p| p.date <= end)
            .last()
            .map_or(0.0, |p| p.drawn_mw);
        let drawn = format!("{drawn:.1}");
        parts.push(format!("{year}: {}", drawn.trim_end_matches(".0")));
    }
    parts.join("  ")
}
