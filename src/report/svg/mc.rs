//! Monte Carlo charts: S-curves of each site's first power-on, P10–P90
//! whiskers on milestones, and a tornado of what drives first power-on.

use crate::montecarlo::{DateStats, McResult};
use crate::timeline::Timeline;

use super::axis::{TimeScale, ValueScale, percent};
use super::{Chart, Clock, HALO, Svg, Swatch, clip, fit, n, palette};

const WIDTH: f64 = 1120.0;
// The row charts (milestone ranges, tornado): where labels start, the first
// row's top, and each row's height.
const LABEL_X: f64 = 16.0;
const TOP: f64 = 90.0;
const ROW: f64 = 24.0;

/// A P10–P90 whisker with caps and a dot at P50, centred on row `y`; a P90
/// beyond the horizon runs to the horizon and ends in an arrow.
pub fn whisker(svg: &mut Svg, scale: &TimeScale, clock: Clock, y: f64, s: &DateStats) {
    let day = |d: &Option<String>| d.as_deref().and_then(|d| clock.day(d));
    let Some(p10) = day(&s.p10) else {
        return;
    };
    let late = day(&s.p90).is_none();
    let p90 = day(&s.p90).unwrap_or(clock.horizon_day());
    let (x10, x90) = (scale.x(p10), scale.x(p90));
    let stroke = format!("stroke=\"{}\" stroke-width=\"1.5\"", palette::INK);
    svg.line(x10, y, x90, y, &stroke);
    svg.line(x10, y - 5.0, x10, y + 5.0, &stroke);
    if late {
        svg.polyline(
            &[(x90 - 5.0, y - 4.0), (x90, y), (x90 - 5.0, y + 4.0)],
            false,
            &format!("fill=\"none\" {stroke}"),
        );
    } else {
        svg.line(x90, y - 5.0, x90, y + 5.0, &stroke);
    }
    if let Some(p50) = day(&s.p50) {
        svg.raw(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
            n(scale.x(p50)),
            n(y),
            palette::INK
        ));
    }
}

fn site_name<'a>(t: &'a Timeline, id: &'a str) -> &'a str {
    t.sites
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.name.as_str())
}

/// S-curves: the share of runs in which each site's first rack is powered by each date.
pub fn power_on(clock: Clock, t: &Timeline, mc: &McResult) -> Chart {
    const X0: f64 = 90.0;
    const X1: f64 = WIDTH - 40.0;
    let top = 76.0 + 16.0 * mc.sites.len() as f64;
    let height = top + 320.0;
    let bottom = height - 50.0;
    let horizon = clock.horizon_day();
    let mut lo = i64::MAX;
    let mut hi = 0i64;
    for s in &mc.sites {
        for (d, _) in &s.first_power_on_days {
            if *d <= horizon {
                lo = lo.min(*d);
                hi = hi.max(*d);
            }
        }
    }
    if lo == i64::MAX {
        lo = 0;
        hi = horizon;
    }
    let scale = TimeScale::months(clock, lo, hi, X0, X1);
    let values = ValueScale::zero_to(1.0, 5, bottom, top);
    let mut svg = Svg::new(WIDTH, height, "First power-on: Monte Carlo S-curves");
    svg.heading(
        "When does each site power its first rack? (Monte Carlo)",
        &format!(
            "Share of {} runs (seed {}) with the first rack energized by each date; dots mark the P50",
            mc.runs, mc.seed
        ),
    );
    let legend: Vec<(Swatch, String)> = mc
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name = clip(site_name(t, &s.id), 60);
            let range = match (&s.first_power_on.p10, &s.first_power_on.p90) {
                (Some(a), Some(b)) => format!("P10 {a} – P90 {b}"),
                (Some(a), None) => format!("P10 {a} – P90 after horizon"),
                _ => "after horizon".into(),
            };
            (
                Swatch::Line(palette::series(i), "none"),
                format!("{name}: {range}"),
            )
        })
        .collect();
    // One site a row keeps long names readable.
    for (k, entry) in legend.into_iter().enumerate() {
        svg.legend(X0, 62.0 + k as f64 * 16.0, &[entry]);
    }
    values.draw(&mut svg, X0, X1, "share of runs", percent);
    scale.draw(&mut svg, top, bottom);
    for q in [0.1, 0.5, 0.9] {
        let y = values.y(q);
        svg.line(
            X0,
            y,
            X1,
            y,
            &format!("stroke=\"{}\" stroke-dasharray=\"4 3\"", palette::AXIS),
        );
        svg.text(
            X1 - 4.0,
            y - 4.0,
            &format!("P{}", (q * 100.0) as u32),
            &format!(
                "text-anchor=\"end\" font-size=\"11\" fill=\"{}\" {HALO}",
                palette::MUTED
            ),
        );
    }
    let runs = mc.runs.max(1) as f64;
    for (i, s) in mc.sites.iter().enumerate() {
        let colour = palette::series(i);
        let mut pts = vec![(scale.x(scale.d0), values.y(0.0))];
        let mut acc = 0u64;
        for (d, c) in &s.first_power_on_days {
            if *d > horizon {
                continue;
            }
            let x = scale.x(*d);
            pts.push((x, values.y(acc as f64 / runs)));
            acc += c;
            pts.push((x, values.y(acc as f64 / runs)));
        }
        pts.push((scale.x(scale.d1), values.y(acc as f64 / runs)));
        svg.polyline(
            &pts,
            false,
            &format!("fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.4\""),
        );
        if let Some(p50) = s.first_power_on.p50.as_deref().and_then(|d| clock.day(d)) {
            let (x, y) = (scale.x(p50), values.y(0.5));
            svg.raw(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{colour}\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>\n",
                n(x),
                n(y)
            ));
            // Labels alternate above and below the P50 line so neighbours do not collide.
            let dy = if i % 2 == 0 { -8.0 } else { 16.0 };
            svg.text(
                x + 6.0,
                y + dy,
                &clock.date(p50).to_string(),
                &format!("font-size=\"11\" font-weight=\"600\" fill=\"{colour}\" {HALO}"),
            );
        }
    }
    scale.as_of(&mut svg, top - 12.0, bottom);
    Chart {
        file: "mc-power-on.svg".into(),
        heading: "First power-on: Monte Carlo S-curves".into(),
        caption: format!(
            "Read across at a share to get a date: the P50 line crosses each curve at its median \
             first power-on; a curve that ends below 100% has runs that did not power on by the \
             horizon. {} runs, seed {}.",
            mc.runs, mc.seed
        ),
        svg: svg.finish(),
    }
}

/// Milestones of every site with their P10–P90 range and the deterministic date.
pub fn milestones(clock: Clock, t: &Timeline, mc: &McResult) -> Chart {
    const X0: f64 = 290.0;
    const X1: f64 = WIDTH - 220.0;
    // (label, deterministic day, stats) or a site heading.
    enum Row<'a> {
        Site(&'a str),
        Milestone(String, Option<i64>, &'a DateStats),
    }
    let mut rows = Vec::new();
    let day = |d: Option<&str>| d.and_then(|d| clock.day(d));
    for s in &mc.sites {
        let det = t.sites.iter().find(|x| x.id == s.id);
        rows.push(Row::Site(site_name(t, &s.id)));
        if let Some(det) = det {
            for task in &s.tasks {
                if let Some(row) = det
                    .tasks
                    .iter()
                    .find(|r| r.id == task.id && r.duration_days == 0)
                {
                    rows.push(Row::Milestone(
                        row.name.clone(),
                        day(Some(&row.finish)),
                        &task.finish,
                    ));
                }
            }
        }
        rows.push(Row::Milestone(
            "First rack powered".into(),
            day(det.and_then(|d| d.first_power_on.as_deref())),
            &s.first_power_on,
        ));
        rows.push(Row::Milestone(
            "Site fully powered".into(),
            day(det.and_then(|d| d.full_power_on.as_deref())),
            &s.full_power_on,
        ));
    }
    let horizon = clock.horizon_day();
    let mut hi = 0i64;
    for r in &rows {
        if let Row::Milestone(_, d, s) = r {
            for x in [
                *d,
                day(s.p90.as_deref()),
                s.p90.is_none().then_some(horizon),
            ]
            .into_iter()
            .flatten()
            {
                hi = hi.max(x);
            }
        }
    }
    let scale = TimeScale::months(clock, 0, hi.min(horizon), X0, X1);
    let bottom = TOP + rows.len() as f64 * ROW;
    let mut svg = Svg::new(WIDTH, bottom + 48.0, "Milestones: Monte Carlo ranges");
    svg.heading(
        "Milestones: deterministic plan against Monte Carlo ranges",
        &format!("{} runs, seed {}", mc.runs, mc.seed),
    );
    svg.legend(
        LABEL_X,
        64.0,
        &[
            (Swatch::Whisker(palette::INK), "P10–P90, dot at P50".into()),
            (
                Swatch::Diamond(palette::VERMILLION),
                "deterministic plan".into(),
            ),
        ],
    );
    scale.draw(&mut svg, TOP, bottom);
    let muted = format!("font-size=\"11\" fill=\"{}\"", palette::MUTED);
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + i as f64 * ROW + ROW / 2.0;
        match r {
            Row::Site(name) => site_band(&mut svg, y, name),
            Row::Milestone(name, det, s) => {
                row_label(&mut svg, y, name, X0);
                whisker(&mut svg, &scale, clock, y, s);
                if let Some(d) = det {
                    svg.diamond(
                        scale.x(*d),
                        y,
                        6.0,
                        &format!("fill=\"{}\" fill-opacity=\"0.9\"", palette::VERMILLION),
                    );
                }
                let text = match (&s.p50, &s.p90) {
                    (Some(a), Some(b)) => format!("P50 {a} · P90 {b}"),
                    (Some(a), None) => format!("P50 {a} · P90 after horizon"),
                    _ => format!(
                        "P50 after horizon ({} of runs late)",
                        percent(s.not_by_horizon)
                    ),
                };
                svg.text(X1 + 14.0, y + 4.0, &text, &muted);
            }
        }
    }
    scale.as_of(&mut svg, TOP - 14.0, bottom);
    Chart {
        file: "mc-milestones.svg".into(),
        heading: "Milestones: Monte Carlo ranges".into(),
        caption: "Each whisker spans P10 to P90 of the milestone's date over the runs (the dot is \
                  the P50); the vermillion diamond is the deterministic plan. A diamond near the \
                  left end of its whisker means the plan is optimistic."
            .into(),
        svg: svg.finish(),
    }
}

/// Tornado: per site, the tasks whose duration moves first power-on most (Spearman ρ).
pub fn tornado(t: &Timeline, mc: &McResult) -> Chart {
    const X0: f64 = 300.0;
    const X1: f64 = WIDTH - 250.0;
    const PER_SITE: usize = 8;
    enum Row<'a> {
        Site(&'a str),
        Task(String, f64, f64),
        Nothing,
    }
    let mut rows = Vec::new();
    for s in &mc.sites {
        rows.push(Row::Site(site_name(t, &s.id)));
        let det = t.sites.iter().find(|x| x.id == s.id);
        let mut tasks: Vec<(usize, f64)> = s
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, x)| x.sensitivity.is_finite() && x.sensitivity.abs() >= 0.005)
            .map(|(i, x)| (i, x.sensitivity))
            .collect();
        // Largest |ρ| first; ties in declaration order (stable sort).
        tasks.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        if tasks.is_empty() {
            rows.push(Row::Nothing);
        }
        for (i, rho) in tasks.into_iter().take(PER_SITE) {
            let task = &s.tasks[i];
            let name = det
                .and_then(|d| d.tasks.iter().find(|r| r.id == task.id))
                .map_or(task.id.clone(), |r| r.name.clone());
            rows.push(Row::Task(name, rho, task.criticality));
        }
    }
    let bottom = TOP + rows.len() as f64 * ROW;
    let height = bottom + 50.0;
    let mut svg = Svg::new(WIDTH, height, "Tornado: what drives first power-on");
    svg.heading(
        "Tornado: what drives first power-on",
        &format!(
            "Spearman rank correlation of each task's sampled duration with the site's first power-on ({} runs)",
            mc.runs.min(crate::montecarlo::SENSITIVITY_RUNS)
        ),
    );
    svg.legend(
        LABEL_X,
        64.0,
        &[
            (
                Swatch::Box(palette::VERMILLION),
                "longer task → later power-on".into(),
            ),
            (
                Swatch::Box(palette::BLUE),
                "longer task → earlier power-on".into(),
            ),
        ],
    );
    let x = |v: f64| X0 + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * (X1 - X0);
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        svg.line(
            x(v),
            TOP,
            x(v),
            bottom,
            &format!(
                "stroke=\"{}\" stroke-width=\"{}\"",
                if v == 0.0 {
                    palette::AXIS
                } else {
                    palette::GRID
                },
                if v == 0.0 { "1.2" } else { "0.8" }
            ),
        );
        svg.text(
            x(v),
            bottom + 17.0,
            &format!("{v:+.1}").replace("+0.0", "0"),
            &format!("text-anchor=\"middle\" fill=\"{}\"", palette::MUTED),
        );
    }
    svg.text(
        (X0 + X1) / 2.0,
        bottom + 36.0,
        "rank correlation with first power-on (ρ)",
        &format!("text-anchor=\"middle\" fill=\"{}\"", palette::MUTED),
    );
    let muted = format!("font-size=\"11\" fill=\"{}\"", palette::MUTED);
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + i as f64 * ROW + ROW / 2.0;
        match r {
            Row::Site(name) => site_band(&mut svg, y, name),
            Row::Task(name, rho, crit) => {
                row_label(&mut svg, y, name, X0);
                let (a, b) = (x(0.0), x(*rho));
                let colour = if *rho >= 0.0 {
                    palette::VERMILLION
                } else {
                    palette::BLUE
                };
                svg.rect(
                    a.min(b),
                    y - 7.0,
                    (a - b).abs().max(1.0),
                    14.0,
                    &format!("fill=\"{colour}\" rx=\"2\""),
                );
                svg.text(
                    X1 + 14.0,
                    y + 4.0,
                    &format!("ρ {rho:+.2} · critical in {} of runs", percent(*crit)),
                    &muted,
                );
            }
            Row::Nothing => svg.text(
                X0,
                y + 4.0,
                "no task duration varies with first power-on",
                &muted,
            ),
        }
    }
    Chart {
        file: "tornado.svg".into(),
        heading: "Tornado: what drives first power-on".into(),
        caption: format!(
            "Up to {PER_SITE} tasks per site, longest bar first. A long bar means the task's \
             duration ranks with the site's first power-on: shortening or de-risking it moves the \
             date. \"Critical\" is the share of runs in which the task was on the chain that set \
             first power-on."
        ),
        svg: svg.finish(),
    }
}

/// A site's band across a row chart (milestone ranges, tornado), its name in bold.
fn site_band(svg: &mut Svg, y: f64, name: &str) {
    svg.rect(
        LABEL_X - 6.0,
        y - ROW / 2.0,
        WIDTH - 2.0 * (LABEL_X - 6.0),
        ROW,
        "fill=\"#EEF1F5\"",
    );
    svg.text_tip(
        LABEL_X,
        y + 4.0,
        &fit(name, WIDTH - 40.0),
        name,
        "font-weight=\"700\"",
    );
}

/// A row's name under its site's band, shortened to end before the plot at `x0`.
fn row_label(svg: &mut Svg, y: f64, name: &str, x0: f64) {
    svg.text_tip(
        LABEL_X + 10.0,
        y + 4.0,
        &fit(name, x0 - LABEL_X - 24.0),
        name,
        "",
    );
}
