//! A Gantt chart of one site: tasks in schedule order with the critical path
//! highlighted, dependency arrows, milestones as diamonds, each order's
//! deliveries and energizing, and (with Monte Carlo) P10–P90 whiskers on
//! the milestones.

use crate::montecarlo::{DateStats, SiteMc};
use crate::scenario::Site;
use crate::timeline::SiteTimeline;

use super::axis::TimeScale;
use super::mc::whisker;
use super::{Chart, Clock, HALO, Svg, Swatch, clip, fit, palette, text_width};

const WIDTH: f64 = 1120.0;
const LABEL_X: f64 = 16.0;
const PLOT_X0: f64 = 290.0;
const PLOT_X1: f64 = WIDTH - 110.0;
const TOP: f64 = 96.0;
const ROW: f64 = 24.0;
const BAR: f64 = 12.0;

const TASK_FILL: &str = "#A6CBEA";
const TASK_STROKE: &str = palette::BLUE;
const CRITICAL: &str = palette::VERMILLION;
const DELIVERED: &str = "#D9DEE4";
const ENERGIZING: &str = palette::GREEN;
const ARROW: &str = "#7B8794";

enum RowKind<'a> {
    Task(usize),
    Order(usize),
    Milestone(&'a str, Option<i64>, Option<&'a DateStats>),
}

/// `site` is the scenario's site the timeline row came from (for dependencies);
/// `pfx` makes the chart's element ids unique on a page.
pub fn chart(clock: Clock, site: &Site, t: &SiteTimeline, mc: Option<&SiteMc>, pfx: &str) -> Chart {
    let day = |s: &str| clock.day(s);
    let starts: Vec<i64> = t.tasks.iter().map(|r| day(&r.start).unwrap_or(0)).collect();
    let finishes: Vec<i64> = t
        .tasks
        .iter()
        .zip(&starts)
        .map(|(r, s)| day(&r.finish).unwrap_or(*s))
        .collect();
    let mut order: Vec<usize> = (0..t.tasks.len()).collect();
    order.sort_by_key(|&i| (starts[i], finishes[i], i));

    let task_mc = |id: &str| mc.and_then(|m| m.tasks.iter().find(|x| x.id == id));
    let mut rows: Vec<RowKind> = order.iter().map(|&i| RowKind::Task(i)).collect();
    rows.extend((0..t.orders.len()).map(RowKind::Order));
    rows.push(RowKind::Milestone(
        "First rack powered",
        t.first_power_on.as_deref().and_then(day),
        mc.map(|m| &m.first_power_on),
    ));
    rows.push(RowKind::Milestone(
        "Site fully powered",
        t.full_power_on.as_deref().and_then(day),
        mc.map(|m| &m.full_power_on),
    ));

    // The axis spans everything drawn, the as-of date and the whiskers.
    let mut lo = 0i64;
    let mut hi = 0i64;
    let mut see = |d: i64| {
        lo = lo.min(d);
        hi = hi.max(d);
    };
    starts.iter().chain(&finishes).for_each(|&d| see(d));
    for (r, &f) in t.tasks.iter().zip(&finishes) {
        see(f + r.total_float_days.min(3650) as i64);
    }
    for o in &t.orders {
        for d in [&o.first_delivery, &o.first_power_on, &o.full_power_on]
            .into_iter()
            .flatten()
        {
            day(d).into_iter().for_each(&mut see);
        }
    }
    if let Some(m) = mc {
        let stats = m
            .tasks
            .iter()
            .map(|x| &x.finish)
            .chain([&m.first_power_on, &m.full_power_on]);
        for s in stats {
            for d in [&s.p10, &s.p90].into_iter().flatten() {
                day(d).into_iter().for_each(&mut see);
            }
        }
    }
    let hi = hi.min(clock.horizon_day());
    let scale = TimeScale::months(clock, lo, hi, PLOT_X0, PLOT_X1);

    let plot_bottom = TOP + rows.len() as f64 * ROW;
    let height = plot_bottom + 48.0;
    let title = format!("Schedule: {}", t.name);
    let mut svg = Svg::new(WIDTH, height, &title);
    svg.heading(
        &clip(&title, 90),
        &format!(
            "Site {} · critical path in vermillion · dates from the deterministic run{}",
            clip(&t.id, 40),
            if mc.is_some() {
                " · whiskers: Monte Carlo P10–P90, dot at P50"
            } else {
                ""
            }
        ),
    );
    let mut legend = vec![
        (Swatch::Box(CRITICAL), "critical task".to_string()),
        (Swatch::Box(TASK_FILL), "task with float".to_string()),
        (Swatch::Line(ARROW, "2 2"), "total float".to_string()),
        (Swatch::Diamond(palette::INK), "milestone".to_string()),
        (
            Swatch::Box(DELIVERED),
            "racks delivered, not yet powered".to_string(),
        ),
        (Swatch::Box(ENERGIZING), "racks energizing".to_string()),
    ];
    if mc.is_some() {
        legend.push((Swatch::Whisker(palette::INK), "P10–P90".to_string()));
    }
    svg.legend(LABEL_X, 66.0, &legend);

    svg.raw(&format!(
        "<defs><marker id=\"{pfx}-arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"6\" \
         markerHeight=\"6\" orient=\"auto\"><path d=\"M0 0L8 4L0 8Z\" fill=\"{ARROW}\"/></marker>\
         <marker id=\"{pfx}-arrow-crit\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"6\" \
         markerHeight=\"6\" orient=\"auto\"><path d=\"M0 0L8 4L0 8Z\" fill=\"{CRITICAL}\"/></marker></defs>\n"
    ));

    // Row bands, then the axis grid over them.
    for i in 0..rows.len() {
        if i % 2 == 1 {
            svg.rect(
                LABEL_X - 6.0,
                TOP + i as f64 * ROW,
                PLOT_X1 + 100.0 - LABEL_X,
                ROW,
                "fill=\"#F5F7FA\"",
            );
        }
    }
    scale.draw(&mut svg, TOP, plot_bottom);
    // A separator between tasks and orders.
    let sep = TOP + t.tasks.len() as f64 * ROW;
    svg.line(
        LABEL_X - 6.0,
        sep,
        PLOT_X1 + 94.0,
        sep,
        &format!("stroke=\"{}\"", palette::AXIS),
    );

    let row_of_task: Vec<usize> = {
        let mut r = vec![0; t.tasks.len()];
        for (row, &i) in order.iter().enumerate() {
            r[i] = row;
        }
        r
    };
    let mid = |row: usize| TOP + row as f64 * ROW + ROW / 2.0;

    // Dependency arrows first, so bars sit on top of them.
    for (succ, task) in site.tasks.iter().enumerate().take(t.tasks.len()) {
        for dep in &task.after {
            let pred = dep.task;
            if pred >= t.tasks.len() {
                continue;
            }
            let crit = t.tasks[pred].critical && t.tasks[succ].critical;
            let (xf, xs) = (scale.x(finishes[pred]), scale.x(starts[succ]));
            let (yp, ys) = (mid(row_of_task[pred]), mid(row_of_task[succ]));
            let attrs = format!(
                "fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" marker-end=\"url(#{pfx}-arrow{})\"",
                if crit { CRITICAL } else { ARROW },
                if crit { "1.4" } else { "1" },
                if crit { "-crit" } else { "" }
            );
            let down = ys >= yp;
            let edge = if down { ys - BAR / 2.0 } else { ys + BAR / 2.0 };
            let from = if down { yp + BAR / 2.0 } else { yp - BAR / 2.0 };
            if xs - xf >= 12.0 {
                // Elbow: out of the predecessor's end, down, into the successor's start.
                svg.polyline(
                    &[(xf, yp), (xf + 6.0, yp), (xf + 6.0, ys), (xs, ys)],
                    false,
                    &attrs,
                );
            } else {
                // The successor starts at (or just after) the predecessor's end: drop onto its top.
                let x = xs.max(xf) + 3.0;
                svg.polyline(&[(x, from), (x, edge)], false, &attrs);
            }
        }
    }

    for (row, kind) in rows.iter().enumerate() {
        let y = mid(row);
        match kind {
            RowKind::Task(i) => {
                let r = &t.tasks[*i];
                let (s, f) = (starts[*i], finishes[*i]);
                let tip = format!(
                    "{} ({}, {}): {} → {}, {} days, float {} days",
                    r.name, r.id, r.kind, r.start, r.finish, r.duration_days, r.total_float_days
                );
                label(&mut svg, y, &r.name, &tip, r.critical);
                if let Some(stats) = task_mc(&r.id).filter(|_| f == s) {
                    whisker(&mut svg, &scale, clock, y, &stats.finish);
                }
                let fill = if r.critical { CRITICAL } else { TASK_FILL };
                let stroke = if r.critical { "#A04400" } else { TASK_STROKE };
                if f == s {
                    svg.diamond(
                        scale.x(s),
                        y,
                        7.0,
                        &format!(
                            "fill=\"{}\" stroke=\"#FFFFFF\"",
                            if r.critical { CRITICAL } else { palette::INK }
                        ),
                    );
                    svg.text(
                        scale.x(s) + 11.0,
                        y + 4.0,
                        &r.finish,
                        &format!("font-size=\"11\" fill=\"{}\"", palette::MUTED),
                    );
                } else {
                    let (x0, x1) = (scale.x(s), scale.x(f));
                    svg.rect(
                        x0,
                        y - BAR / 2.0,
                        (x1 - x0).max(2.0),
                        BAR,
                        &format!(
                            "fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.8\" rx=\"2\""
                        ),
                    );
                    // The duration right of the bar, then the float as a dotted tail
                    // from past the label to the latest finish that delays nothing.
                    let text = duration(r.duration_days as i64);
                    svg.text(
                        x1 + 5.0,
                        y + 4.0,
                        &text,
                        &format!("font-size=\"11\" fill=\"{}\" {HALO}", palette::MUTED),
                    );
                    let tail = x1 + 10.0 + text_width(&text, 11.0);
                    let fl = scale.x(f + r.total_float_days.min(3650) as i64);
                    if r.total_float_days > 0 && fl > tail + 4.0 {
                        svg.line(
                            tail,
                            y,
                            fl,
                            y,
                            &format!(
                                "stroke=\"{ARROW}\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\""
                            ),
                        );
                        svg.line(fl, y - 3.0, fl, y + 3.0, &format!("stroke=\"{ARROW}\""));
                    }
                }
            }
            RowKind::Order(k) => {
                let o = &t.orders[*k];
                let name = format!("{} · {} · {} racks", o.id, o.generation, o.racks);
                let tip = format!(
                    "order {} ({}, {} racks): delivered from {}, first power-on {}, fully powered {}",
                    o.id,
                    o.generation,
                    o.racks,
                    o.first_delivery.as_deref().unwrap_or("after the horizon"),
                    o.first_power_on.as_deref().unwrap_or("after the horizon"),
                    o.full_power_on.as_deref().unwrap_or("after the horizon"),
                );
                label(&mut svg, y, &name, &tip, false);
                let horizon = clock.horizon_day();
                let delivered = o.first_delivery.as_deref().and_then(day);
                let on = o.first_power_on.as_deref().and_then(day);
                let full = o.full_power_on.as_deref().and_then(day);
                if let Some(d) = delivered {
                    let end = on.unwrap_or(horizon);
                    svg.rect(
                        scale.x(d),
                        y - BAR / 2.0,
                        scale.x(end) - scale.x(d),
                        BAR,
                        &format!(
                            "fill=\"{DELIVERED}\" stroke=\"{}\" stroke-width=\"0.6\"",
                            palette::AXIS
                        ),
                    );
                }
                if let Some(d) = on {
                    let end = full.unwrap_or(horizon);
                    svg.rect(
                        scale.x(d),
                        y - BAR / 2.0,
                        (scale.x(end) - scale.x(d)).max(2.0),
                        BAR,
                        &format!("fill=\"{ENERGIZING}\" fill-opacity=\"0.85\""),
                    );
                    svg.diamond(
                        scale.x(d),
                        y,
                        7.0,
                        &format!("fill=\"{}\" stroke=\"#FFFFFF\"", palette::INK),
                    );
                    svg.text(
                        scale.x(end) + 5.0,
                        y + 4.0,
                        &match &o.full_power_on {
                            Some(f) => format!("full {f}"),
                            None => "not full by horizon".into(),
                        },
                        &format!("font-size=\"11\" fill=\"{}\"", palette::MUTED),
                    );
                } else {
                    svg.text(
                        scale.x(delivered.unwrap_or(0)) + 5.0,
                        y + 4.0,
                        "not powered by the horizon",
                        &format!("font-size=\"11\" fill=\"{}\"", palette::MUTED),
                    );
                }
            }
            RowKind::Milestone(name, d, stats) => {
                label(&mut svg, y, name, name, true);
                if let Some(stats) = stats {
                    whisker(&mut svg, &scale, clock, y, stats);
                }
                match d {
                    Some(d) => {
                        svg.diamond(
                            scale.x(*d),
                            y,
                            7.5,
                            &format!("fill=\"{}\" stroke=\"#FFFFFF\"", palette::INK),
                        );
                        svg.text(
                            scale.x(*d) + 11.0,
                            y - 5.0,
                            &clock.date(*d).to_string(),
                            &format!(
                                "font-size=\"11\" font-weight=\"600\" fill=\"{}\" {HALO}",
                                palette::INK
                            ),
                        );
                    }
                    None => svg.text(
                        scale.x(0) + 6.0,
                        y + 4.0,
                        "not by the horizon",
                        &format!("font-size=\"11\" fill=\"{}\"", palette::MUTED),
                    ),
                }
            }
        }
    }
    scale.as_of(&mut svg, TOP - 14.0, plot_bottom);

    let critical = t.critical_path.len();
    Chart {
        file: format!("gantt-{}.svg", t.id),
        heading: format!("Schedule — {}", t.name),
        caption: format!(
            "{} tasks, {} on the critical path (zero total float). Arrows are finish-to-start \
             dependencies; the dashed tail after a bar is the task's total float. Below the line: \
             each order from first delivery (grey) through energizing (green) to fully powered.",
            t.tasks.len(),
            critical
        ),
        svg: svg.finish(),
    }
}

/// A row label, clipped to the label column; the full text is in its tooltip.
fn label(svg: &mut Svg, y: f64, text: &str, tip: &str, bold: bool) {
    svg.text_tip(
        LABEL_X,
        y + 4.0,
        &fit(text, PLOT_X0 - LABEL_X - 14.0),
        tip,
        if bold { "font-weight=\"600\"" } else { "" },
    );
}

/// "45 d", "18 mo", "2.5 y": short and readable beside a bar.
fn duration(days: i64) -> String {
    if days < 120 {
        format!("{days} d")
    } else if days < 730 {
        format!("{:.0} mo", days as f64 / 30.44)
    } else {
        format!("{:.1} y", days as f64 / 365.25)
    }
}
