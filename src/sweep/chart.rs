//! A small, self-contained SVG line chart: stacked panels, each with its own
//! axes, readable 1-2-5 ticks, a legend and optional vertical marks.
//!
//! Output is a pure function of the input: fixed-precision numbers, no
//! randomness, no clock, so the same curve always gives the same bytes.
//! Every piece of user text is escaped.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

/// How x values read.
#[derive(Debug, Clone, Default)]
pub enum Axis {
    /// Plain numbers.
    #[default]
    Numeric,
    /// Days since the given date; ticks fall on month starts.
    Dates(NaiveDate),
    /// The index into these names.
    Categories(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A labelled vertical line (e.g. "plan", "best").
#[derive(Debug, Clone)]
pub struct Mark {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub y_label: String,
    pub series: Vec<Series>,
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub title: String,
    pub x: Axis,
    pub x_label: String,
    pub panels: Vec<Panel>,
}

const WIDTH: f64 = 960.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 260.0;
const TOP: f64 = 48.0;
const PANEL_H: f64 = 240.0;
const GAP: f64 = 70.0;
/// Colour-blind-safe (Okabe–Ito), in a fixed order.
const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

use crate::report::svg::axis::nice_step;
/// Escapes text for SVG content and attribute values (the report's escaping).
pub use crate::report::svg::esc as escape;

/// The data range widened to whole ticks, and the ticks.
fn ticks(lo: f64, hi: f64) -> (f64, f64, Vec<f64>, usize) {
    let (lo, hi) = if hi - lo > 1e-12 * lo.abs().max(hi.abs()).max(1.0) {
        (lo, hi)
    } else {
        let pad = (lo.abs() * 0.1).max(1.0);
        (lo - pad, hi + pad)
    };
    let step = nice_step(hi - lo, 5);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let n = ((last - first) as usize).min(50);
    let ticks: Vec<f64> = (0..=n).map(|i| (first + i as f64) * step).collect();
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    (first * step, (first + n as f64) * step, ticks, decimals)
}

fn num(x: f64, decimals: usize) -> String {
    // `+ 0.0` turns -0 into 0, so no tick reads "-0".
    format!("{:.*}", decimals, x + 0.0)
}

/// Month-start ticks (days since `start`) over `[lo, hi]`, about six of them.
fn date_ticks(start: NaiveDate, lo: f64, hi: f64) -> Vec<(f64, String)> {
    let span_months = ((hi - lo) / 30.4).max(1.0);
    let every = [1u32, 2, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|m| span_months / f64::from(*m) <= 7.0)
        .unwrap_or(120);
    let day0 = |d: f64| start.checked_add_days(chrono::Days::new(d.max(0.0) as u64));
    let (Some(a), Some(b)) = (day0(lo), day0(hi)) else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut y = a.year();
    let mut m = a.month0();
    // Align to a multiple of the step, counted from January.
    m -= m % every.min(12);
    for _ in 0..400 {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m + 1, 1) {
            if d > b {
                break;
            }
            if d >= a {
                let x = (d - start).num_days() as f64;
                out.push((x, d.format("%Y-%m").to_string()));
            }
        }
        m += every;
        y += (m / 12) as i32;
        m %= 12;
    }
    out
}

impl Chart {
    pub fn render(&self) -> String {
        let height = TOP + self.panels.len() as f64 * (PANEL_H + GAP) + 10.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            r#"<rect width="100%" height="100%" fill="white"/>
<text x="{:.1}" y="24" font-size="16" font-weight="bold">{}</text>"#,
            LEFT,
            escape(&self.title)
        );
        for (i, p) in self.panels.iter().enumerate() {
            let top = TOP + i as f64 * (PANEL_H + GAP);
            self.panel(&mut s, p, top);
        }
        s.push_str("</svg>\n");
        s
    }

    fn panel(&self, s: &mut String, p: &Panel, top: f64) {
        let plot_w = WIDTH - LEFT - RIGHT;
        let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
        let pts = || {
            p.series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|q| finite(q))
        };
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in pts() {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        for m in p.marks.iter().filter(|m| m.x.is_finite()) {
            x0 = x0.min(m.x);
            x1 = x1.max(m.x);
        }
        if x0 > x1 {
            (x0, x1) = (0.0, 1.0);
        }
        if y0 > y1 {
            (y0, y1) = (0.0, 1.0);
        }
        if x1 - x0 < 1e-9 {
            (x0, x1) = (x0 - 1.0, x1 + 1.0);
        }
        let (y0, y1, yt, ydec) = ticks(y0, y1);
        let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
        let py = |y: f64| top + PANEL_H - (y - y0) / (y1 - y0) * PANEL_H;
        let bottom = top + PANEL_H;

        // Frame and y grid.
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT:.1}" y="{top:.1}" width="{plot_w:.1}" height="{PANEL_H:.1}" fill="none" stroke="#888"/>"##
        );
        for t in &yt {
            let y = py(*t);
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                LEFT + plot_w,
                LEFT - 6.0,
                y + 4.0,
                num(*t, ydec)
            );
        }
        if y0 < 0.0 && y1 > 0.0 {
            let y = py(0.0);
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#999"/>"##,
                LEFT + plot_w
            );
        }
        // X ticks.
        let xt: Vec<(f64, String)> = match &self.x {
            Axis::Numeric => {
                let step = nice_step(x1 - x0, 8);
                let dec = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
                let first = (x0 / step).ceil() as i64;
                let last = (x1 / step + 1e-9).floor() as i64;
                (first..=last.min(first + 60))
                    .map(|i| (i as f64 * step, num(i as f64 * step, dec)))
                    .collect()
            }
            Axis::Dates(start) => date_ticks(*start, x0, x1),
            Axis::Categories(names) => names
                .iter()
                .enumerate()
                .filter(|(i, _)| (x0..=x1).contains(&(*i as f64)))
                .map(|(i, n)| (i as f64, escape(n)))
                .collect(),
        };
        for (x, label) in &xt {
            let xp = px(*x);
            let label = match self.x {
                Axis::Categories(_) => label.clone(),
                _ => escape(label),
            };
            let _ = writeln!(
                s,
                r##"<line x1="{xp:.1}" y1="{top:.1}" x2="{xp:.1}" y2="{bottom:.1}" stroke="#f0f0f0"/><text x="{xp:.1}" y="{:.1}" text-anchor="middle">{label}</text>"##,
                bottom + 16.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + plot_w / 2.0,
            bottom + 34.0,
            escape(&self.x_label)
        );
        let _ = writeln!(
            s,
            r#"<text transform="translate({:.1},{:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
            LEFT - 62.0,
            top + PANEL_H / 2.0,
            escape(&p.y_label)
        );
        // Marks.
        for (i, m) in p.marks.iter().filter(|m| m.x.is_finite()).enumerate() {
            let xp = px(m.x);
            // Labels step down so that two close marks stay readable; near the right
            // edge they sit left of their line.
            let (tx, anchor) = if xp > LEFT + plot_w - 60.0 {
                (xp - 3.0, "end")
            } else {
                (xp + 3.0, "start")
            };
            let _ = writeln!(
                s,
                r##"<line x1="{xp:.1}" y1="{top:.1}" x2="{xp:.1}" y2="{bottom:.1}" stroke="#555" stroke-dasharray="4 3"/><text x="{tx:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}">{}</text>"##,
                top + 12.0 + 13.0 * (i % 3) as f64,
                escape(&m.label)
            );
        }
        // Series and legend.
        for (i, series) in p.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let path: Vec<String> = series
                .points
                .iter()
                .filter(|q| finite(q))
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                .collect();
            if path.len() > 1 {
                let _ = writeln!(
                    s,
                    r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
                    path.join(" ")
                );
            }
            if path.len() <= 60 {
                for q in &path {
                    if let Some((x, y)) = q.split_once(',') {
                        let _ =
                            writeln!(s, r#"<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>"#);
                    }
                }
            }
            let ly = top + 14.0 + i as f64 * 18.0;
            let lx = LEFT + plot_w + 14.0;
            let _ = writeln!(
                s,
                r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="3"/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
                ly - 4.0,
                lx + 18.0,
                ly - 4.0,
                lx + 24.0,
                escape(&series.name)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let (lo, hi, t, dec) = ticks(-3.2, 17.9);
        assert!(lo <= -3.2 && hi >= 17.9);
        assert_eq!(t, vec![-5.0, 0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(dec, 0);
        let (_, _, t, dec) = ticks(0.11, 0.14);
        assert_eq!(dec, 2); // step 0.01
        assert!(t.len() >= 3);
        // A flat series still gets an axis.
        let (lo, hi, _, _) = ticks(5.0, 5.0);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(num(-0.0, 1), "0.0");
    }

    #[test]
    fn date_ticks_fall_on_month_starts() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let t = date_ticks(start, 0.0, 730.0);
        assert!(!t.is_empty() && t.len() <= 8);
        assert!(t.iter().all(|(_, l)| l.len() == 7));
        assert_eq!(t[0].1, "2025-01");
    }

    #[test]
    fn renders_the_same_bytes_and_escapes_names() {
        let c = Chart {
            title: "t <&>".into(),
            x: Axis::Numeric,
            x_label: "x".into(),
            panels: vec![Panel {
                y_label: "y".into(),
                series: vec![Series {
                    name: "s\"1".into(),
                    points: vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0)],
                }],
                marks: vec![Mark {
                    x: 1.0,
                    label: "plan".into(),
                }],
            }],
        };
        let a = c.render();
        assert_eq!(a, c.render());
        assert!(a.contains("t &lt;&amp;&gt;") && a.contains("s&quot;1"));
        assert!(!a.contains("NaN"));
    }
}
