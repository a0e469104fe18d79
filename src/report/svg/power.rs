//! The power curve of one site: facility power available (a step line) and
//! drawn by energized racks (a filled step area), from the as-of date to the horizon.

use crate::timeline::SiteTimeline;

use super::axis::{TimeScale, ValueScale, plain};
use super::{Chart, Clock, HALO, Svg, Swatch, clip, palette};

const WIDTH: f64 = 1120.0;
const HEIGHT: f64 = 360.0;
const X0: f64 = 90.0;
const X1: f64 = WIDTH - 40.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = HEIGHT - 50.0;

pub fn chart(clock: Clock, t: &SiteTimeline) -> Chart {
    let horizon = clock.horizon_day();
    let points: Vec<(i64, f64, f64)> = t
        .power_curve
        .iter()
        .filter_map(|p| Some((clock.day(&p.date)?, p.available_mw, p.drawn_mw)))
        .filter(|(d, _, _)| *d <= horizon)
        .collect();
    let max = points
        .iter()
        .map(|(_, a, d)| a.max(*d))
        .fold(0.0f64, f64::max);
    let scale = TimeScale::months(clock, 0, horizon, X0, X1);
    let values = ValueScale::zero_to(max * 1.08, 5, BOTTOM, TOP);

    let title = format!("Power: {}", t.name);
    let mut svg = Svg::new(WIDTH, HEIGHT, &title);
    svg.heading(
        &clip(&title, 90),
        "Facility MW available from power sources, and drawn by energized racks (IT × PUE)",
    );
    svg.legend(
        X0,
        64.0,
        &[
            (Swatch::Line(palette::BLUE, "none"), "available".to_string()),
            (Swatch::Box(palette::GREEN), "drawn".to_string()),
        ],
    );
    values.draw(&mut svg, X0, X1, "MW (facility)", plain);
    scale.draw(&mut svg, TOP, BOTTOM);

    // Step curves: each point holds until the next; the last holds to the horizon.
    let step = |pick: fn(&(i64, f64, f64)) -> f64| -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(points.len() * 2 + 2);
        let mut prev: Option<f64> = None;
        for p in &points {
            let x = scale.x(p.0);
            if let Some(v) = prev {
                out.push((x, values.y(v)));
            } else {
                out.push((x, values.y(0.0)));
            }
            out.push((x, values.y(pick(p))));
            prev = Some(pick(p));
        }
        if let Some(v) = prev {
            out.push((scale.x(horizon), values.y(v)));
        }
        out
    };
    let mut drawn = step(|p| p.2);
    if let (Some(first), Some(last)) = (drawn.first().copied(), drawn.last().copied()) {
        drawn.push((last.0, values.y(0.0)));
        drawn.push((first.0, values.y(0.0)));
        svg.polyline(
            &drawn,
            true,
            &format!(
                "fill=\"{}\" fill-opacity=\"0.55\" stroke=\"{}\" stroke-width=\"1\"",
                palette::GREEN,
                palette::GREEN
            ),
        );
    }
    svg.polyline(
        &step(|p| p.1),
        false,
        &format!(
            "fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\"",
            palette::BLUE
        ),
    );
    if points.is_empty() {
        svg.text(
            (X0 + X1) / 2.0,
            (TOP + BOTTOM) / 2.0,
            "no power source in this site",
            &format!("text-anchor=\"middle\" fill=\"{}\"", palette::MUTED),
        );
    }
    // Each source's switch-on (and off, for bridge power), labelled at the step;
    // labels close together are stacked so none overlaps its neighbour.
    let mut events: Vec<(i64, String)> = Vec::new();
    for src in &t.power_sources {
        if let Some(d) = clock.day(&src.on).filter(|d| *d <= horizon) {
            events.push((d, format!("{} +{} MW", src.id, plain(src.mw))));
        }
        if let Some(d) = src
            .off
            .as_deref()
            .and_then(|o| clock.day(o))
            .filter(|d| *d <= horizon)
        {
            events.push((d, format!("{} off", src.id)));
        }
    }
    events.sort();
    let mut last_x = f64::NEG_INFINITY;
    let mut stack = 0.0;
    for (d, text) in &events {
        let x = scale.x(*d);
        stack = if x - last_x < 150.0 {
            stack + 14.0
        } else {
            0.0
        };
        last_x = x;
        let y = (TOP + 14.0 + stack).min(BOTTOM - 6.0);
        svg.line(
            x,
            y + 3.0,
            x,
            BOTTOM,
            &format!(
                "stroke=\"{}\" stroke-width=\"0.8\" stroke-dasharray=\"1 2\"",
                palette::AXIS
            ),
        );
        svg.text(
            x + 3.0,
            y,
            &clip(text, 40),
            &format!("font-size=\"10.5\" fill=\"{}\" {HALO}", palette::MUTED),
        );
    }
    scale.as_of(&mut svg, TOP - 12.0, BOTTOM);
    let peak_drawn = points.iter().map(|p| p.2).fold(0.0f64, f64::max);
    Chart {
        file: format!("power-{}.svg", t.id),
        heading: format!("Power — {}", t.name),
        caption: format!(
            "Peak available {} MW, peak drawn {} MW. Where the green area stays below the blue \
             line, power is not the constraint; racks waiting for power show as dark GPU-days \
             (reason: power).",
            plain(max),
            plain(peak_drawn)
        ),
        svg: svg.finish(),
    }
}
