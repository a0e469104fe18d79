//! Hand-written SVG charts: a small writer, axes, and one file per chart.
//!
//! Every chart is a pure function of the results to a string. Coordinates
//! are printed with one decimal place and nothing depends on the clock or
//! the machine, so the same inputs give the same bytes. Every piece of text
//! from a user's file goes through [`esc`].

pub mod axis;
pub mod dark;
pub mod escape;
pub mod gantt;
pub mod mc;
pub mod power;
pub mod windows;

use std::fmt::Write;

use chrono::NaiveDate;

pub use escape::{clip, esc};

/// One chart: its file name, a heading and a caption for the HTML page, and its SVG.
pub struct Chart {
    pub file: String,
    pub heading: String,
    pub caption: String,
    pub svg: String,
}

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
pub mod palette {
    pub const ORANGE: &str = "#E69F00";
    pub const SKY: &str = "#56B4E9";
    pub const GREEN: &str = "#009E73";
    pub const YELLOW: &str = "#F0E442";
    pub const BLUE: &str = "#0072B2";
    pub const VERMILLION: &str = "#D55E00";
    pub const PURPLE: &str = "#CC79A7";
    pub const INK: &str = "#1F2933";
    pub const MUTED: &str = "#52606D";
    pub const GRID: &str = "#E4E7EB";
    pub const AXIS: &str = "#9AA5B1";
    /// Series colours in order (sites, generations).
    pub const SERIES: [&str; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, "#000000"];

    pub fn series(i: usize) -> &'static str {
        SERIES[i % SERIES.len()]
    }
}

/// A white outline behind text that sits on lines or curves, so it stays legible.
pub const HALO: &str =
    "stroke=\"#FFFFFF\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";

pub const FONT: &str = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif";

/// A number as printed in SVG: one decimal place, never `-0.0`, never NaN.
pub fn n(x: f64) -> String {
    if !x.is_finite() {
        return "0.0".into();
    }
    let s = format!("{:.1}", x.clamp(-1e9, 1e9));
    if s == "-0.0" { "0.0".into() } else { s }
}

/// Rough width of `text` at `size` px in a sans-serif face, for layout.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// `text` clipped to fit `room` pixels at 12 px.
pub fn fit(text: &str, room: f64) -> String {
    let mut max = 60usize;
    while max > 8 && text_width(&clip(text, max), 12.0) > room {
        max -= 1;
    }
    clip(text, max)
}

/// Dates as the report reads them: days from the scenario start.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub start: NaiveDate,
    pub horizon: NaiveDate,
}

impl Clock {
    pub fn new(start: &str, horizon: &str) -> Option<Self> {
        Some(Clock {
            start: parse(start)?,
            horizon: parse(horizon)?,
        })
    }

    /// Days from the start to a `YYYY-MM-DD` date.
    pub fn day(&self, date: &str) -> Option<i64> {
        parse(date).map(|d| (d - self.start).num_days())
    }

    pub fn horizon_day(&self) -> i64 {
        (self.horizon - self.start).num_days()
    }

    pub fn date(&self, day: i64) -> NaiveDate {
        let d = chrono::Days::new(day.unsigned_abs());
        let moved = if day >= 0 {
            self.start.checked_add_days(d)
        } else {
            self.start.checked_sub_days(d)
        };
        moved.unwrap_or(self.start)
    }
}

fn parse(date: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// The writer: elements are appended in call order.
pub struct Svg {
    out: String,
    pub width: f64,
    pub height: f64,
}

impl Svg {
    /// An `<svg>` element with an accessible title and a white background.
    pub fn new(width: f64, height: f64, title: &str) -> Self {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{ink}\">\n\
             <title>{t}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n",
            w = n(width),
            h = n(height),
            ink = palette::INK,
            t = esc(title),
        );
        Svg { out, width, height }
    }

    /// Markup written by this module (never user text).
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {attrs}/>",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        );
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {attrs}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// `text` is escaped here.
    pub fn text(&mut self, x: f64, y: f64, text: &str, attrs: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{}\" y=\"{}\" {attrs}>{}</text>",
            n(x),
            n(y),
            esc(text)
        );
    }

    /// Text with a tooltip (`tip` shows the full, unclipped string).
    pub fn text_tip(&mut self, x: f64, y: f64, text: &str, tip: &str, attrs: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{}\" y=\"{}\" {attrs}><title>{}</title>{}</text>",
            n(x),
            n(y),
            esc(tip),
            esc(text)
        );
    }

    /// A diamond centred on (x, y) with half-diagonal `r`.
    pub fn diamond(&mut self, x: f64, y: f64, r: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" {attrs}/>",
            n(x),
            n(y - r),
            n(x + r),
            n(y),
            n(x),
            n(y + r),
            n(x - r),
            n(y)
        );
    }

    /// A path from points: `M x y L x y ...`.
    pub fn polyline(&mut self, points: &[(f64, f64)], closed: bool, attrs: &str) {
        if points.is_empty() {
            return;
        }
        let mut d = String::with_capacity(points.len() * 14);
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, n(*x), n(*y));
        }
        if closed {
            d.push('Z');
        }
        let _ = writeln!(self.out, "<path d=\"{d}\" {attrs}/>");
    }

    /// A legend row from `(x, y)`: each entry a swatch drawn by `swatch`, then its label.
    pub fn legend(&mut self, x: f64, y: f64, entries: &[(Swatch, String)]) {
        let mut at = x;
        for (swatch, label) in entries {
            match swatch {
                Swatch::Box(fill) => self.rect(
                    at,
                    y - 9.0,
                    14.0,
                    10.0,
                    &format!("fill=\"{fill}\" rx=\"2\""),
                ),
                Swatch::Line(stroke, dash) => self.line(
                    at,
                    y - 4.0,
                    at + 14.0,
                    y - 4.0,
                    &format!(
                        "stroke=\"{stroke}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\""
                    ),
                ),
                Swatch::Diamond(fill) => self.diamond(
                    at + 7.0,
                    y - 4.0,
                    6.0,
                    &format!(
                        "fill=\"{fill}\" stroke=\"{}\" stroke-width=\"0.8\"",
                        palette::INK
                    ),
                ),
                Swatch::Whisker(stroke) => {
                    self.line(
                        at,
                        y - 4.0,
                        at + 14.0,
                        y - 4.0,
                        &format!("stroke=\"{stroke}\" stroke-width=\"1.5\""),
                    );
                    self.line(
                        at,
                        y - 8.0,
                        at,
                        y,
                        &format!("stroke=\"{stroke}\" stroke-width=\"1.5\""),
                    );
                    self.line(
                        at + 14.0,
                        y - 8.0,
                        at + 14.0,
                        y,
                        &format!("stroke=\"{stroke}\" stroke-width=\"1.5\""),
                    );
                    self.raw(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{stroke}\"/>\n",
                        n(at + 7.0),
                        n(y - 4.0)
                    ));
                }
            }
            self.text(at + 19.0, y, label, &format!("fill=\"{}\"", palette::INK));
            at += 19.0 + text_width(label, 12.0) + 18.0;
        }
    }

    /// The chart's heading inside the SVG (for standalone files) and a subtitle.
    pub fn heading(&mut self, title: &str, subtitle: &str) {
        self.text(16.0, 24.0, title, "font-size=\"16\" font-weight=\"600\"");
        if !subtitle.is_empty() {
            self.text(
                16.0,
                42.0,
                subtitle,
                &format!("font-size=\"12\" fill=\"{}\"", palette::MUTED),
            );
        }
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// What a legend entry looks like.
#[derive(Clone)]
pub enum Swatch {
    Box(&'static str),
    /// Colour and dash pattern ("none" for solid).
    Line(&'static str, &'static str),
    Diamond(&'static str),
    Whisker(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal_and_no_negative_zero() {
        assert_eq!(n(1.26), "1.3");
        assert_eq!(n(-0.01), "0.0");
        assert_eq!(n(f64::NAN), "0.0");
        assert_eq!(n(3.0), "3.0");
    }
}
