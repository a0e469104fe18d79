//! Durations (`90d`, `6w`, `9mo`, `2y`) and duration distributions.
//!
//! Every duration is held in days as `f64` (a month is 365/12 days, so
//! `12mo == 1y`); whole days appear only when a value is used on the clock,
//! rounded half-up. Parameters are validated when loading, so the functions
//! here never see a negative or non-finite value.

use serde::Serialize;

/// The longest single duration a planner may write (100 years).
pub const MAX_DURATION_DAYS: f64 = 36_500.0;

/// A duration, fixed or uncertain, in days.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Lognormal given as the planner thinks of it: median and 90th percentile.
    LogNormal {
        p50: f64,
        p90: f64,
    },
}

impl Distribution {
    /// The value a deterministic run uses: the fixed value, the midpoint of a
    /// uniform, the mode of a triangular or PERT, the median of a lognormal.
    pub fn point_days(&self) -> f64 {
        match *self {
            Distribution::Fixed(d) => d,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Triangular { mode, .. } | Distribution::Pert { mode, .. } => mode,
            Distribution::LogNormal { p50, .. } => p50,
        }
    }

    /// The point value on the whole-day clock.
    pub fn point(&self) -> u32 {
        whole_days(self.point_days())
    }
}

/// Rounds a (validated, non-negative, bounded) day count to whole days, halves up.
pub fn whole_days(days: f64) -> u32 {
    // Bounded by MAX_DURATION_DAYS at load, so the cast cannot saturate.
    (days + 0.5).floor().clamp(0.0, MAX_DURATION_DAYS) as u32
}

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    pub message: String,
    pub help: Option<String>,
}

/// Parses `90d`, `6w`, `9mo`, `2y` into days.
pub fn parse_duration(text: &str) -> Result<f64, DurationError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let example = Some("write a whole number and a unit: `90d`, `6w`, `9mo` or `2y`".to_owned());
    if number.is_empty() {
        return Err(DurationError {
            message: format!("`{text}` is not a duration"),
            help: example,
        });
    }
    let days_per_unit = match unit {
        "d" => 1.0,
        "w" => 7.0,
        "mo" => 365.0 / 12.0,
        "y" => 365.0,
        "" => {
            return Err(DurationError {
                message: format!("`{text}` has no unit"),
                help: Some(format!("write `{number}d` for days (or w, mo, y)")),
            });
        }
        u if u.starts_with('.') => {
            return Err(DurationError {
                message: format!("`{text}` is not a whole number of units"),
                help: Some("use a smaller unit, e.g. `18mo` instead of `1.5y`".to_owned()),
            });
        }
        other => {
            let help = match other {
                "m" | "month" | "months" => Some(format!("write `{number}mo` for months")),
                "day" | "days" => Some(format!("write `{number}d`")),
                "week" | "weeks" | "wk" => Some(format!("write `{number}w`")),
                "yr" | "year" | "years" => Some(format!("write `{number}y`")),
                _ => example,
            };
            return Err(DurationError {
                message: format!("`{text}` has an unknown unit `{other}`"),
                help,
            });
        }
    };
    let count: u64 = number.parse().map_err(|_| DurationError {
        message: format!("`{text}` is too large"),
        help: Some("no duration may exceed 100 years".to_owned()),
    })?;
    // u64 -> f64 is exact well beyond the limit we check next.
    let days = count.min(1 << 53) as f64 * days_per_unit;
    if days > MAX_DURATION_DAYS {
        return Err(DurationError {
            message: format!("`{text}` is longer than 100 years"),
            help: Some("check the unit: `d` days, `w` weeks, `mo` months, `y` years".to_owned()),
        });
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("90d").unwrap(), 90.0);
        assert_eq!(parse_duration("6w").unwrap(), 42.0);
        assert_eq!(whole_days(parse_duration("9mo").unwrap()), 274);
        assert_eq!(
            parse_duration("12mo").unwrap(),
            parse_duration("1y").unwrap()
        );
        assert_eq!(parse_duration("2y").unwrap(), 730.0);
        assert_eq!(parse_duration("0d").unwrap(), 0.0);
    }

    #[test]
    fn rejects_with_advice() {
        assert!(
            parse_duration("90")
                .unwrap_err()
                .help
                .unwrap()
                .contains("90d")
        );
        assert!(
            parse_duration("9m")
                .unwrap_err()
                .help
                .unwrap()
                .contains("9mo")
        );
        assert!(parse_duration("1.5y").is_err());
        assert!(parse_duration("10000y").is_err());
        assert!(parse_duration("99999999999999999999999d").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("-5d").is_err());
    }

    #[test]
    fn point_values() {
        let tri = Distribution::Triangular {
            min: 1.0,
            mode: 2.4,
            max: 9.0,
        };
        assert_eq!(tri.point(), 2);
        let uni = Distribution::Uniform { min: 1.0, max: 2.0 };
        assert_eq!(uni.point(), 2); // 1.5 rounds half up
        let ln = Distribution::LogNormal {
            p50: 730.0,
            p90: 1460.0,
        };
        assert_eq!(ln.point(), 730);
    }
}
