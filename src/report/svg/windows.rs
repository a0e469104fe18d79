//! Each order's revenue window (scarce pricing, from its first power-on until
//! rivals reach parity or a successor generation arrives) against the rivals
//! of its generation, whose first power-on dates are shown as diamonds.

use crate::economics::WindowEnd;
use crate::timeline::Timeline;

use super::axis::{TimeScale, plain, si};
use super::{Chart, Clock, HALO, Svg, Swatch, clip, fit, palette, text_width};

const WIDTH: f64 = 1120.0;
const LABEL_X: f64 = 16.0;
const X0: f64 = 290.0;
const X1: f64 = WIDTH - 170.0;
const TOP: f64 = 96.0;
const ROW: f64 = 24.0;
const BAR: f64 = 12.0;

enum Row<'a> {
    Generation(&'a str, usize),
    Order(usize, usize, usize),
    Rival(usize, usize),
}

pub fn chart(clock: Clock, t: &Timeline) -> Chart {
    // Generations in order of first appearance: our orders first, then rivals.
    let mut gens: Vec<&str> = Vec::new();
    for g in t
        .sites
        .iter()
        .flat_map(|s| s.orders.iter().map(|o| o.generation.as_str()))
        .chain(t.rivals.iter().map(|r| r.generation.as_str()))
    {
        if !gens.contains(&g) {
            gens.push(g);
        }
    }
    let mut rows = Vec::new();
    for (gi, g) in gens.iter().enumerate() {
        rows.push(Row::Generation(g, gi));
        for (si_, s) in t.sites.iter().enumerate() {
            for (oi, o) in s.orders.iter().enumerate() {
                if o.generation == *g {
                    rows.push(Row::Order(si_, oi, gi));
                }
            }
        }
        for (ri, r) in t.rivals.iter().enumerate() {
            if r.generation == *g {
                rows.push(Row::Rival(ri, gi));
            }
        }
    }

    let horizon = clock.horizon_day();
    let mut lo = 0i64;
    for r in &t.rivals {
        if let Some(d) = r.first_power_on.as_deref().and_then(|d| clock.day(d)) {
            lo = lo.min(d);
        }
    }
    let scale = TimeScale::months(clock, lo, horizon, X0, X1);
    let bottom = TOP + rows.len() as f64 * ROW;
    let height = bottom + 48.0;
    let mut svg = Svg::new(WIDTH, height, "Revenue windows against rivals");
    svg.heading(
        "Revenue windows against rivals",
        "Each order earns the scarce price from its first power-on until rivals reach parity or a successor ships",
    );
    svg.legend(
        LABEL_X,
        66.0,
        &[
            (
                Swatch::Box(palette::series(0)),
                "our order's window (colour: generation)".into(),
            ),
            (
                Swatch::Diamond(palette::series(0)),
                "a rival's first power-on".into(),
            ),
            (
                Swatch::Line(palette::INK, "none"),
                "window still open at the horizon ▸".into(),
            ),
            (
                Swatch::Diamond("#FFFFFF"),
                "no window: powered on after parity".into(),
            ),
        ],
    );
    scale.draw(&mut svg, TOP, bottom);
    let mid = |row: usize| TOP + row as f64 * ROW + ROW / 2.0;
    let muted = format!("font-size=\"11\" fill=\"{}\"", palette::MUTED);
    for (row, kind) in rows.iter().enumerate() {
        let y = mid(row);
        match kind {
            Row::Generation(g, gi) => {
                svg.rect(
                    LABEL_X - 6.0,
                    y - ROW / 2.0,
                    X1 + 160.0 - LABEL_X,
                    ROW,
                    "fill=\"#EEF1F5\"",
                );
                svg.rect(
                    LABEL_X,
                    y - 6.0,
                    4.0,
                    12.0,
                    &format!("fill=\"{}\"", palette::series(*gi)),
                );
                svg.text(LABEL_X + 10.0, y + 4.0, &clip(g, 30), "font-weight=\"700\"");
            }
            Row::Order(s, o, gi) => {
                let site = &t.sites[*s];
                let order = &site.orders[*o];
                let name = format!("{} · {}", site.id, order.id);
                let tip = format!("{} ({}), order {}", site.name, site.id, order.id);
                svg.text_tip(
                    LABEL_X + 10.0,
                    y + 4.0,
                    &fit(&name, X0 - LABEL_X - 24.0),
                    &tip,
                    "",
                );
                let colour = palette::series(*gi);
                match &order.window {
                    Some(w) if w.days == 0 => {
                        // Powered on after rivals had reached parity (or a successor
                        // shipped): no scarce pricing at all.
                        let start = clock.day(&w.start).unwrap_or(0);
                        let x = scale.x(start);
                        svg.diamond(
                            x,
                            y,
                            6.0,
                            &format!("fill=\"#FFFFFF\" stroke=\"{colour}\" stroke-width=\"2\""),
                        );
                        let when = w
                            .end
                            .as_deref()
                            .map(|d| format!(" on {d}"))
                            .unwrap_or_default();
                        let why = match w.ended_by {
                            WindowEnd::Successor => format!("a successor shipped{when}"),
                            _ => format!("rivals reached parity{when}"),
                        };
                        let text = format!("no window: powered on {} after {why}", w.start);
                        beside(&mut svg, &text, x - 6.0, x + 6.0, y, None);
                    }
                    Some(w) => {
                        let start = clock.day(&w.start).unwrap_or(0);
                        let end = w
                            .end
                            .as_deref()
                            .and_then(|e| clock.day(e))
                            .unwrap_or(horizon)
                            .max(start);
                        let (x0, x1) = (scale.x(start), scale.x(end));
                        svg.rect(
                            x0,
                            y - BAR / 2.0,
                            (x1 - x0).max(2.0),
                            BAR,
                            &format!("fill=\"{colour}\" fill-opacity=\"0.85\" rx=\"2\""),
                        );
                        if w.ended_by == WindowEnd::Horizon {
                            svg.text(
                                x1 + 1.0,
                                y + 4.0,
                                "▸",
                                &format!("fill=\"{}\"", palette::INK),
                            );
                        }
                        let what = match w.ended_by {
                            WindowEnd::Parity => "ended by parity",
                            WindowEnd::Successor => "ended by successor",
                            WindowEnd::Horizon => "open at horizon",
                        };
                        let text = format!(
                            "{} d · {what} · premium ${}",
                            w.days,
                            si(w.premium_usd as f64)
                        );
                        beside(&mut svg, &text, x0, x1.max(x0 + 2.0), y, Some(x1 - x0));
                    }
                    None => svg.text(
                        X0 + 4.0,
                        y + 4.0,
                        "no window: not powered by the horizon",
                        &muted,
                    ),
                }
            }
            Row::Rival(r, gi) => {
                let rival = &t.rivals[*r];
                let name = format!("rival: {}", rival.name);
                svg.text_tip(
                    LABEL_X + 10.0,
                    y + 4.0,
                    &fit(&name, X0 - LABEL_X - 24.0),
                    &name,
                    &format!("font-style=\"italic\" fill=\"{}\"", palette::MUTED),
                );
                match rival.first_power_on.as_deref().and_then(|d| clock.day(d)) {
                    Some(d) => {
                        let x = scale.x(d);
                        svg.line(
                            x,
                            y,
                            scale.x(horizon),
                            y,
                            &format!(
                                "stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"3 3\"",
                                palette::series(*gi)
                            ),
                        );
                        svg.diamond(
                            x,
                            y,
                            7.0,
                            &format!(
                                "fill=\"{}\" stroke=\"{}\"",
                                palette::series(*gi),
                                palette::INK
                            ),
                        );
                        svg.text(
                            x + 11.0,
                            y - 3.0,
                            &format!(
                                "{} · {} MW IT by horizon",
                                rival.first_power_on.as_deref().unwrap_or(""),
                                plain(rival.mw_at_horizon)
                            ),
                            &format!("font-size=\"10.5\" fill=\"{}\"", palette::MUTED),
                        );
                    }
                    None => svg.text(X0 + 4.0, y + 4.0, "no power-on by the horizon", &muted),
                }
            }
        }
    }
    scale.as_of(&mut svg, TOP - 14.0, bottom);
    scale.marker(
        &mut svg,
        horizon,
        TOP - 14.0,
        bottom,
        &format!("horizon {}", clock.horizon),
        palette::MUTED,
    );
    let windows = t
        .sites
        .iter()
        .flat_map(|s| &s.orders)
        .filter(|o| o.window.as_ref().is_some_and(|w| w.days > 0))
        .count();
    Chart {
        file: "windows.svg".into(),
        heading: "Revenue windows against rivals".into(),
        caption: format!(
            "{windows} order(s) with a revenue window, {} rival(s). Rows are grouped by GPU generation: \
             a rival's diamond marks its first power-on; its dashed line, the time it is in the market.",
            t.rivals.len()
        ),
        svg: svg.finish(),
    }
}

/// Writes a bar's note where it fits: right of the bar, else inside it (white,
/// when `inside` is the bar's width and the note fits), else left of it, else
/// clipped on the right. Never over the label column.
fn beside(svg: &mut Svg, text: &str, x0: f64, x1: f64, y: f64, inside: Option<f64>) {
    let w = text_width(text, 11.0);
    let muted = format!("font-size=\"11\" fill=\"{}\" {HALO}", palette::MUTED);
    let right_room = WIDTH - 8.0 - (x1 + 12.0);
    if w <= right_room {
        svg.text(x1 + 12.0, y + 4.0, text, &muted);
    } else if inside.is_some_and(|bar| w + 12.0 <= bar) {
        svg.text(
            x0 + 6.0,
            y + 4.0,
            text,
            "font-size=\"11\" fill=\"#FFFFFF\" font-weight=\"600\"",
        );
    } else if w <= x0 - 8.0 - X0 {
        svg.text(
            x0 - 8.0,
            y + 4.0,
            text,
            &format!("{muted} text-anchor=\"end\""),
        );
    } else {
        let chars = (right_room.max(0.0) / (11.0 * 0.58)) as usize;
        svg.text_tip(x1 + 12.0, y + 4.0, &clip(text, chars.max(8)), text, &muted);
    }
}
