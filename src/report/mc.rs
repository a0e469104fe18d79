//! The terminal table of a Monte Carlo run.

use std::fmt::Write;

use super::human::{count, usd};
use crate::montecarlo::{DateStats, McResult};

pub fn render(r: &McResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "warmshell mc: {} runs, seed {}, {} to {}",
        r.runs, r.seed, r.start, r.horizon
    );
    let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "after horizon".into());
    let row = |out: &mut String, label: &str, s: &DateStats| {
        let _ = writeln!(
            out,
            "  {label:<18} P10 {:<13} P50 {:<13} P90 {:<13} (P50 95% CI {} to {}; {:.0}% not by the horizon)",
            date(&s.p10),
            date(&s.p50),
            date(&s.p90),
            date(&s.p50_ci95.0),
            date(&s.p50_ci95.1),
            s.not_by_horizon * 100.0
        );
    };
    for s in &r.sites {
        let _ = writeln!(out, "\n{}", s.id);
        row(&mut out, "first power-on", &s.first_power_on);
        row(&mut out, "all racks on", &s.full_power_on);
        let d = &s.dark_gpu_days;
        let _ = writeln!(
            out,
            "  {:<18} P10 {:<13} P50 {:<13} P90 {}",
            "dark GPU-days",
            count(d.p10),
            count(d.p50),
            count(d.p90)
        );
        let _ = writeln!(
            out,
            "  {:<18} shell {:.0}%, crew {:.0}%, power {:.0}%, burn-in {:.0}%",
            "dark, by reason",
            s.dark_share.shell * 100.0,
            s.dark_share.crew * 100.0,
            s.dark_share.power * 100.0,
            s.dark_share.burn_in * 100.0
        );
        let n = &s.npv_usd;
        let _ = writeln!(
            out,
            "  {:<18} P10 {:<13} P50 {:<13} P90 {}",
            "NPV",
            usd(n.p10),
            usd(n.p50),
            usd(n.p90)
        );
        for o in &s.orders {
            let w = &o.window_days;
            let (p10, p50) = (format!("{} d", w.p10), format!("{} d", w.p50));
            let _ = writeln!(
                out,
                "  window {:<11} P10 {p10:<13} P50 {p50:<13} P90 {} d",
                o.id, w.p90
            );
        }
        let mut critical: Vec<_> = s.tasks.iter().filter(|t| t.criticality > 0.0).collect();
        critical.sort_by(|a, b| {
            b.criticality
                .total_cmp(&a.criticality)
                .then(a.id.cmp(&b.id))
        });
        if !critical.is_empty() {
            let list: Vec<String> = critical
                .iter()
                .take(6)
                .map(|t| format!("{} {:.0}%", t.id, t.criticality * 100.0))
                .collect();
            let _ = writeln!(out, "  {:<18} {}", "criticality", list.join(", "));
        }
        let mut tornado: Vec<_> = s
            .tasks
            .iter()
            .filter(|t| t.sensitivity.abs() >= 0.05)
            .collect();
        tornado.sort_by(|a, b| {
            b.sensitivity
                .abs()
                .total_cmp(&a.sensitivity.abs())
                .then(a.id.cmp(&b.id))
        });
        if !tornado.is_empty() {
            let _ = writeln!(
                out,
                "  tornado (Spearman rank correlation of duration with first power-on)"
            );
            for t in tornado.iter().take(6) {
                let width = (t.sensitivity.abs() * 30.0).round() as usize;
                let _ = writeln!(
                    out,
                    "    {:<22} {:>+.2} {}",
                    t.id,
                    t.sensitivity,
                    "#".repeat(width)
                );
            }
        }
    }
    if !r.rivals.is_empty() {
        let _ = writeln!(out, "\nrivals: chance we power the generation first");
        for rv in &r.rivals {
            let _ = writeln!(
                out,
                "  {:<22} {:<8} {:.0}%",
                rv.name,
                rv.generation,
                rv.p_we_power_first * 100.0
            );
        }
    }
    out
}
