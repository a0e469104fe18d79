//! Checks that need a whole, decoded site: dependency cycles, and orders
//! that no hall or power supply of the site could ever take.

use super::{Site, yaml::Pos};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::graph::TaskGraph;

/// Checks every site (each one fully decoded).
pub fn check(sites: &[Site], diags: &mut Diagnostics) {
    for site in sites {
        check_site(site, diags);
    }
}

fn check_site(site: &Site, diags: &mut Diagnostics) {
    let mut error = |pos: Pos, field: String, message: String, help: Option<String>| {
        diags.push(Diagnostic {
            file: site.file.clone(),
            pos,
            field,
            message,
            help,
        });
    };

    if let Err(cycles) = TaskGraph::new(&site.tasks) {
        for cycle in cycles {
            let first = &site.tasks[cycle[0]];
            let last = *cycle.last().unwrap_or(&cycle[0]);
            // Point at the `after` entry that closes the loop.
            let (pos, field) = first
                .after
                .iter()
                .position(|d| d.task == last)
                .map(|i| (first.after[i].pos, format!("tasks.{}.after[{i}]", first.id)))
                .unwrap_or((first.pos, format!("tasks.{}", first.id)));
            let hops: Vec<&str> = cycle
                .iter()
                .chain(std::iter::once(&cycle[0]))
                .map(|&t| site.tasks[t].id.as_str())
                .collect();
            // A long loop is named by its ends, not 10,000 ids on one line.
            let route = if hops.len() > 12 {
                format!(
                    "{} -> ... -> {} ({} tasks)",
                    hops[..6].join(" -> "),
                    hops[hops.len() - 4..].join(" -> "),
                    cycle.len()
                )
            } else {
                hops.join(" -> ")
            };
            error(
                pos,
                field,
                format!("dependency cycle: {route} (each must finish before the next starts)"),
                Some("remove one of these `after` links".into()),
            );
        }
    }

    let largest_hall = site.halls.iter().map(|h| h.it_watts).max().unwrap_or(0);
    let all_power: u64 = site.power.iter().map(|p| p.watts).sum();
    for order in &site.orders {
        let field = format!("orders.{}", order.id);
        if order.rack_it_watts > largest_hall {
            let message = if site.halls.is_empty() {
                "can never be installed: the site has no halls".to_owned()
            } else {
                format!(
                    "can never be installed: one rack needs {} of IT capacity but the largest hall has {}",
                    mw(order.rack_it_watts),
                    mw(largest_hall)
                )
            };
            error(
                order.pos,
                format!("{field}.rack_kw"),
                message,
                Some("add a hall under `halls`, or check `rack_kw`".into()),
            );
        }
        if order.rack_facility_watts > all_power {
            let message = if site.power.is_empty() {
                "can never be powered: the site has no power sources".to_owned()
            } else {
                format!(
                    "can never be powered: one rack draws {} (rack_kw x pue) but all power sources together give {}",
                    mw(order.rack_facility_watts),
                    mw(all_power)
                )
            };
            error(
                order.pos,
                format!("{field}.rack_kw"),
                message,
                Some("add a source under `power`, or check `rack_kw` and `pue`".into()),
            );
        }
    }
}

fn mw(watts: u64) -> String {
    format!("{} MW", watts as f64 / 1e6)
}
