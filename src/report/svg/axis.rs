//! Axes: a date axis with calendar ticks (months, quarters or years, so
//! labels never crowd) and a value axis with "nice" steps (1, 2, 5 × 10^k).

use chrono::{Datelike, NaiveDate};

use super::{Clock, Svg, n, palette};

/// Days (from the scenario start) to x pixels.
#[derive(Debug, Clone, Copy)]
pub struct TimeScale {
    pub clock: Clock,
    pub d0: i64,
    pub d1: i64,
    pub x0: f64,
    pub x1: f64,
}

impl TimeScale {
    /// A scale over whole months: from the first of the month before `lo`
    /// (so a line on `lo` does not sit on the frame) to the first of the
    /// month after `hi`.
    pub fn months(clock: Clock, lo: i64, hi: i64, x0: f64, x1: f64) -> Self {
        let lo_date = first_of_month(clock.date(lo.min(hi)));
        let lo_date = lo_date
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(lo_date);
        let hi_date = first_of_month(clock.date(hi.max(lo)));
        let hi_date = hi_date
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(hi_date);
        TimeScale {
            clock,
            d0: (lo_date - clock.start).num_days(),
            d1: (hi_date - clock.start)
                .num_days()
                .max((lo_date - clock.start).num_days() + 1),
            x0,
            x1,
        }
    }

    pub fn x(&self, day: i64) -> f64 {
        let span = (self.d1 - self.d0).max(1) as f64;
        self.x0 + (day.clamp(self.d0, self.d1) - self.d0) as f64 / span * (self.x1 - self.x0)
    }

    fn pixels_per_month(&self) -> f64 {
        (self.x1 - self.x0) / ((self.d1 - self.d0).max(1) as f64 / 30.44)
    }

    /// Calendar ticks: (day, date), months a multiple of the step apart, so
    /// labels are at least ~48 px apart.
    pub fn ticks(&self) -> (u32, Vec<(i64, NaiveDate)>) {
        let ppm = self.pixels_per_month();
        let step = [1u32, 2, 3, 6, 12, 24, 60]
            .into_iter()
            .find(|s| f64::from(*s) * ppm >= 48.0)
            .unwrap_or(120);
        let mut out = Vec::new();
        let mut d = first_of_month(self.clock.date(self.d0));
        let end = self.clock.date(self.d1);
        while d <= end {
            let months = d.year() as i64 * 12 + d.month0() as i64;
            if months % i64::from(step) == 0 {
                out.push(((d - self.clock.start).num_days(), d));
            }
            match d.checked_add_months(chrono::Months::new(1)) {
                Some(next) => d = next,
                None => break,
            }
        }
        (step, out)
    }

    /// Grid lines across `[top, bottom]` and labels below `bottom`: the
    /// month (or year) on one line, the year under the first tick and each January.
    pub fn draw(&self, svg: &mut Svg, top: f64, bottom: f64) {
        let (step, ticks) = self.ticks();
        let mut last_year = None;
        for (day, date) in &ticks {
            let x = self.x(*day);
            svg.line(
                x,
                top,
                x,
                bottom,
                &format!(
                    "stroke=\"{}\" stroke-width=\"{}\"",
                    palette::GRID,
                    if date.month() == 1 { "1.2" } else { "0.8" }
                ),
            );
            svg.line(
                x,
                bottom,
                x,
                bottom + 4.0,
                &format!("stroke=\"{}\"", palette::AXIS),
            );
            let muted = format!("text-anchor=\"middle\" fill=\"{}\"", palette::MUTED);
            if step >= 12 {
                svg.text(x, bottom + 17.0, &date.year().to_string(), &muted);
                continue;
            }
            svg.text(x, bottom + 17.0, &date.format("%b").to_string(), &muted);
            if last_year != Some(date.year()) {
                svg.text(
                    x,
                    bottom + 31.0,
                    &date.year().to_string(),
                    "text-anchor=\"middle\" font-weight=\"600\"",
                );
                last_year = Some(date.year());
            }
        }
        svg.line(
            self.x0,
            bottom,
            self.x1,
            bottom,
            &format!("stroke=\"{}\"", palette::AXIS),
        );
    }

    /// The as-of line: the scenario's start, where every chart's plan begins.
    pub fn as_of(&self, svg: &mut Svg, top: f64, bottom: f64) {
        let label = format!("as of {}", self.clock.start);
        self.marker(svg, 0, top, bottom, &label, palette::PURPLE);
    }

    /// A dashed vertical line with a label at its top, e.g. the as-of date.
    pub fn marker(
        &self,
        svg: &mut Svg,
        day: i64,
        top: f64,
        bottom: f64,
        label: &str,
        colour: &str,
    ) {
        if day < self.d0 || day > self.d1 {
            return;
        }
        let x = self.x(day);
        svg.line(
            x,
            top,
            x,
            bottom,
            &format!("stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\""),
        );
        let anchor = if x > (self.x0 + self.x1) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        svg.text(
            x + dx,
            top + 11.0,
            label,
            &format!(
                "text-anchor=\"{anchor}\" font-size=\"11\" fill=\"{colour}\" font-weight=\"600\""
            ),
        );
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// A value axis from 0 (or a negative minimum) to a nice maximum.
#[derive(Debug, Clone)]
pub struct ValueScale {
    pub v0: f64,
    pub v1: f64,
    /// Pixel of `v0` (bottom) and of `v1` (top).
    pub y0: f64,
    pub y1: f64,
    pub step: f64,
}

impl ValueScale {
    /// 0 to at least `max`, in about `target` nice steps.
    pub fn zero_to(max: f64, target: usize, y0: f64, y1: f64) -> Self {
        let step = nice_step(max.max(0.0), target);
        let top = (max.max(0.0) / step).ceil().max(1.0) * step;
        ValueScale {
            v0: 0.0,
            v1: top,
            y0,
            y1,
            step,
        }
    }

    pub fn y(&self, v: f64) -> f64 {
        let span = (self.v1 - self.v0).max(f64::MIN_POSITIVE);
        let v = if v.is_finite() {
            v.clamp(self.v0, self.v1)
        } else {
            self.v0
        };
        self.y0 - (v - self.v0) / span * (self.y0 - self.y1)
    }

    pub fn ticks(&self) -> Vec<f64> {
        let count = ((self.v1 - self.v0) / self.step).round().clamp(0.0, 50.0) as i64;
        (0..=count)
            .map(|i| self.v0 + i as f64 * self.step)
            .collect()
    }

    /// Horizontal grid lines from `x0` to `x1`, labels left of `x0`, and a rotated axis title.
    pub fn draw(&self, svg: &mut Svg, x0: f64, x1: f64, title: &str, fmt: fn(f64) -> String) {
        for v in self.ticks() {
            let y = self.y(v);
            svg.line(
                x0,
                y,
                x1,
                y,
                &format!("stroke=\"{}\" stroke-width=\"0.8\"", palette::GRID),
            );
            svg.text(
                x0 - 6.0,
                y + 4.0,
                &fmt(v),
                &format!("text-anchor=\"end\" fill=\"{}\"", palette::MUTED),
            );
        }
        let mid = (self.y0 + self.y1) / 2.0;
        svg.text(
            0.0,
            0.0,
            title,
            &format!(
                "transform=\"translate({} {}) rotate(-90)\" text-anchor=\"middle\" fill=\"{}\"",
                n(x0 - 52.0),
                n(mid),
                palette::MUTED
            ),
        );
    }
}

/// A step of 1, 2 or 5 × 10^k giving about `target` steps up to `max`.
pub fn nice_step(max: f64, target: usize) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let raw = max / target.max(1) as f64;
    // libm (pure Rust), not the platform's log10: the same ticks on every machine.
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// 1,234,567 -> "1.2M"; 12,000 -> "12k"; 250 -> "250".
pub fn si(v: f64) -> String {
    let a = v.abs();
    let (x, unit) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    format!("{s}{unit}")
}

/// A value with at most one decimal, trailing ".0" dropped.
pub fn plain(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").unwrap_or(&s).to_string()
}

/// A share 0..1 as a whole percentage.
pub fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(300.0, 5), 100.0);
        assert_eq!(nice_step(9.0, 5), 2.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(nice_step(1.0, 5), 0.2);
    }

    #[test]
    fn si_units() {
        assert_eq!(si(1_234_567.0), "1.2M");
        assert_eq!(si(12_000.0), "12k");
        assert_eq!(si(250.0), "250");
    }

    #[test]
    fn ticks_fall_on_calendar_steps_and_are_spread() {
        let clock = Clock::new("2025-01-01", "2032-12-31").unwrap();
        let s = TimeScale::months(clock, 0, 365 * 8, 0.0, 800.0);
        let (step, ticks) = s.ticks();
        assert!(step >= 6, "{step}");
        for w in ticks.windows(2) {
            assert!(s.x(w[1].0) - s.x(w[0].0) >= 48.0);
        }
        let short = TimeScale::months(clock, 0, 200, 0.0, 800.0);
        assert_eq!(short.ticks().0, 1);
    }
}
