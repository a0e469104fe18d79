//! Dark GPU-days by reason, per month, stacked, for all sites together.

use crate::timeline::Timeline;

use super::axis::{TimeScale, ValueScale, si};
use super::{Chart, Clock, Svg, Swatch, palette};

const WIDTH: f64 = 1120.0;
const HEIGHT: f64 = 380.0;
const X0: f64 = 90.0;
const X1: f64 = WIDTH - 40.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = HEIGHT - 50.0;

/// Reasons in stacking order (bottom first), with their colours and labels.
pub const REASONS: [(&str, &str); 4] = [
    ("waiting for a shell", palette::ORANGE),
    ("waiting for a crew / installing", palette::SKY),
    ("waiting for power", palette::VERMILLION),
    ("burning in", palette::GREEN),
];

pub fn chart(clock: Clock, t: &Timeline) -> Chart {
    // Month (days from start of its first day) -> GPU-days by reason; sites summed.
    let mut months: std::collections::BTreeMap<i64, [u64; 4]> = Default::default();
    for site in &t.sites {
        for m in &site.dark_by_month {
            let Some(d) = clock.day(&format!("{}-01", m.month)) else {
                continue;
            };
            let e = months.entry(d).or_default();
            for (a, v) in e.iter_mut().zip([m.shell, m.crew, m.power, m.burn_in]) {
                *a = a.saturating_add(v);
            }
        }
    }
    let totals: [u64; 4] = months.values().fold([0; 4], |mut acc, v| {
        for (a, b) in acc.iter_mut().zip(v) {
            *a = a.saturating_add(*b);
        }
        acc
    });
    let max = months
        .values()
        .map(|v| v.iter().fold(0u64, |a, b| a.saturating_add(*b)))
        .max()
        .unwrap_or(0) as f64;
    let lo = months.keys().next().copied().unwrap_or(0).min(0);
    let hi = months
        .keys()
        .next_back()
        .map_or(clock.horizon_day(), |d| d + 31)
        .min(clock.horizon_day());
    let scale = TimeScale::months(clock, lo, hi, X0, X1);
    let values = ValueScale::zero_to(max * 1.05, 5, BOTTOM, TOP);

    let mut svg = Svg::new(WIDTH, HEIGHT, "Dark GPU-days by reason");
    svg.heading(
        "Dark GPU-days by reason, per month (all sites)",
        "GPU-days of delivered GPUs not yet earning, by what they were waiting for",
    );
    let legend: Vec<(Swatch, String)> = REASONS
        .iter()
        .zip(totals)
        .map(|((label, colour), total)| {
            (
                Swatch::Box(colour),
                format!("{label} ({})", si(total as f64)),
            )
        })
        .collect();
    svg.legend(X0, 64.0, &legend);
    values.draw(&mut svg, X0, X1, "GPU-days per month", si);
    scale.draw(&mut svg, TOP, BOTTOM);
    for (&d, v) in &months {
        let next = clock.date(d).checked_add_months(chrono::Months::new(1));
        let end = next.map_or(d + 30, |n| (n - clock.start).num_days());
        let (x0, x1) = (scale.x(d), scale.x(end));
        let w = (x1 - x0 - 1.0).max(1.0);
        let mut acc = 0u64;
        for (i, value) in v.iter().enumerate() {
            if *value == 0 {
                continue;
            }
            let (y_lo, y_hi) = (
                values.y(acc as f64),
                values.y(acc.saturating_add(*value) as f64),
            );
            svg.raw(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}: {} GPU-days</title></rect>\n",
                super::n(x0 + 0.5),
                super::n(y_hi),
                super::n(w),
                super::n((y_lo - y_hi).max(0.0)),
                REASONS[i].1,
                clock.date(d).format("%b %Y"),
                REASONS[i].0,
                value
            ));
            acc = acc.saturating_add(*value);
        }
    }
    if months.is_empty() {
        svg.text(
            (X0 + X1) / 2.0,
            (TOP + BOTTOM) / 2.0,
            "no dark GPU-days",
            &format!("text-anchor=\"middle\" fill=\"{}\"", palette::MUTED),
        );
    }
    scale.as_of(&mut svg, TOP - 12.0, BOTTOM);
    let total = totals.iter().fold(0u64, |a, b| a.saturating_add(*b));
    Chart {
        file: "dark-gpu-days.svg".into(),
        heading: "Dark GPU-days by reason".into(),
        caption: format!(
            "{} dark GPU-days in all. A GPU is dark from delivery until it earns: waiting for \
             hall space, for a crew or being installed, for facility power, or burning in.",
            si(total as f64)
        ),
        svg: svg.finish(),
    }
}
