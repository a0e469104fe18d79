//! Readers for located YAML nodes: one per kind of field value.
//!
//! Each reader takes a node and its field path, returns `None` after
//! reporting a problem, and lets the caller go on, so one pass reports every
//! mistake in a file.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::Day;
use super::duration::{Distribution, MAX_DURATION_DAYS, parse_duration, whole_days};
use super::yaml::{Node, Pos, Value};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

/// The earliest and latest years a scenario may use.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

/// Reports problems against one file.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    pub fn error(
        &mut self,
        pos: Pos,
        field: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.diags.push(Diagnostic {
            file: self.file.to_path_buf(),
            pos,
            field: field.to_owned(),
            message: message.into(),
            help,
        });
    }

    pub fn expected(&mut self, node: &Node, field: &str, what: &str) {
        self.error(
            node.pos,
            field,
            format!("expected {what}, found {}", node.value.kind()),
            None,
        );
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A mapping whose keys have been checked against the allowed names.
pub struct Fields<'n> {
    pub path: String,
    pub pos: Pos,
    entries: &'n [(Node, Node)],
    /// Allowed names that an unknown key was reported as a likely misspelling of.
    misspelt: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    /// Reads `node` as a mapping with string keys drawn from `allowed`;
    /// unknown keys are reported (with a suggestion) and skipped, and so are
    /// repeated keys (the first one counts).
    pub fn read(ctx: &mut Ctx, node: &'n Node, path: &str, allowed: &[&'n str]) -> Option<Self> {
        let Value::Map(entries) = &node.value else {
            let what = if path.is_empty() {
                "a mapping of fields"
            } else {
                "a mapping"
            };
            ctx.expected(node, path, what);
            return None;
        };
        let mut misspelt = Vec::new();
        let mut seen = HashMap::new();
        for (key, _) in entries {
            match &key.value {
                Value::Str(k) if allowed.contains(&k.as_str()) => {
                    repeated_key(ctx, &mut seen, key, path, k, "field");
                }
                Value::Str(k) => {
                    let suggestion = did_you_mean(k, allowed.iter().copied());
                    if let Some(&name) = allowed
                        .iter()
                        .find(|&&a| suggestion.is_some() && did_you_mean(k, [a]) == suggestion)
                    {
                        misspelt.push(name);
                    }
                    let help = suggestion
                        .or_else(|| Some(format!("allowed here: {}", allowed.join(", "))));
                    ctx.error(
                        key.pos,
                        &join(path, k),
                        format!("unknown field `{k}`"),
                        help,
                    );
                }
                _ => ctx.expected(key, path, "a field name"),
            }
        }
        Some(Fields {
            path: path.to_owned(),
            pos: node.pos,
            entries,
            misspelt,
        })
    }

    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == name))
            .map(|(_, v)| v)
    }

    /// The field `name`, reporting it missing unless an unknown key was
    /// already reported as a misspelling of it.
    pub fn required(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'n Node> {
        let found = self.get(name);
        if found.is_none() && !self.misspelt.contains(&name) {
            ctx.error(
                self.pos,
                &self.field(name),
                format!("missing field `{name}` ({what})"),
                None,
            );
        }
        found
    }

    pub fn field(&self, name: &str) -> String {
        join(&self.path, name)
    }
}

/// Reports `key` (a `field` or an `id` named `name`) if an earlier key of
/// the same mapping, recorded in `seen` (name -> line), has the same name;
/// returns true when it is such a repeat. A map, not a scan of the earlier
/// keys, so that a mapping of 100,000 ids is checked in linear time.
fn repeated_key(
    ctx: &mut Ctx,
    seen: &mut HashMap<String, u64>,
    key: &Node,
    path: &str,
    name: &str,
    what: &str,
) -> bool {
    let first_line = match seen.get(name) {
        Some(&line) => line,
        None => {
            seen.insert(name.to_owned(), key.pos.line);
            return false;
        }
    };
    let help = if what == "id" {
        "ids must be unique; rename or remove one of them"
    } else {
        "remove one of them"
    };
    ctx.error(
        key.pos,
        &join(path, name),
        format!("duplicate {what} `{name}`: already given at line {first_line}"),
        Some(help.into()),
    );
    true
}

/// Reads a mapping of `id: value` entries in document order; a repeated id
/// is reported and skipped.
pub fn entries<'n>(ctx: &mut Ctx, node: &'n Node, path: &str) -> Vec<(String, Pos, &'n Node)> {
    let mut out = Vec::new();
    match &node.value {
        Value::Null => {}
        Value::Map(pairs) => {
            let mut seen = HashMap::with_capacity(pairs.len());
            for (key, value) in pairs {
                let id = match &key.value {
                    Value::Str(k) => k.clone(),
                    Value::Int(n) => n.to_string(),
                    _ => String::new(),
                };
                if !id.is_empty() && repeated_key(ctx, &mut seen, key, path, &id, "id") {
                    continue;
                }
                match &key.value {
                    Value::Str(k) if valid_id(k) => out.push((k.clone(), key.pos, value)),
                    Value::Str(k) => ctx.error(
                        key.pos,
                        &join(path, k),
                        format!("`{k}` is not a valid id"),
                        Some("ids use letters, digits, `-`, `_` and `.`, and start with a letter or digit".into()),
                    ),
                    Value::Int(i) => out.push((i.to_string(), key.pos, value)),
                    _ => ctx.expected(key, path, "an id"),
                }
            }
        }
        _ => ctx.expected(node, path, "a mapping of ids to entries"),
    }
    out
}

fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphanumeric())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.len() <= 200
}

pub fn string(ctx: &mut Ctx, node: &Node, path: &str) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        _ => {
            ctx.expected(node, path, "a string");
            None
        }
    }
}

/// A finite number within `[min, max]`.
pub fn number(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    min: f64,
    max: f64,
    unit: &str,
) -> Option<f64> {
    let x = match node.value {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => {
            ctx.expected(node, path, &format!("a number ({unit})"));
            return None;
        }
    };
    if !x.is_finite() || x < min || x > max {
        ctx.error(
            node.pos,
            path,
            format!(
                "{} is out of range: expected {unit} between {min} and {max}",
                shown(node, x)
            ),
            None,
        );
        return None;
    }
    Some(x)
}

/// A number as a message shows it: an integer as written, a float `x` as
/// `1e308`, not 309 digits.
fn shown(node: &Node, x: f64) -> String {
    if let Value::Int(i) = node.value {
        i.to_string()
    } else if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// A positive quantity (`> 0`, at most `max`).
pub fn positive(ctx: &mut Ctx, node: &Node, path: &str, max: f64, unit: &str) -> Option<f64> {
    let x = number(ctx, node, path, f64::MIN, f64::MAX, unit)?;
    if x <= 0.0 || x > max {
        ctx.error(
            node.pos,
            path,
            format!(
                "{} is out of range: expected {unit} greater than 0 and at most {max}",
                shown(node, x)
            ),
            None,
        );
        return None;
    }
    Some(x)
}

pub fn integer(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    min: i128,
    max: i128,
    what: &str,
) -> Option<u32> {
    let i = match node.value {
        Value::Int(i) => i,
        // A whole number too large for a 64-bit integer reads as a float
        // (`18446744073709551616`, `1e40`): out of range, not "not whole".
        Value::Float(f) if f.fract() == 0.0 && (f < min as f64 || f > max as f64) => {
            let range = format!("expected {what} from {min} to {max}");
            ctx.error(
                node.pos,
                path,
                format!("{} is out of range: {range}", shown(node, f)),
                None,
            );
            return None;
        }
        _ => {
            ctx.expected(node, path, &format!("a whole number ({what})"));
            return None;
        }
    };
    if i < min || i > max {
        ctx.error(
            node.pos,
            path,
            format!("{i} is out of range: expected {what} from {min} to {max}"),
            None,
        );
        return None;
    }
    u32::try_from(i).ok()
}

pub fn date(ctx: &mut Ctx, node: &Node, path: &str) -> Option<NaiveDate> {
    let Value::Str(s) = &node.value else {
        ctx.expected(node, path, "a date (YYYY-MM-DD)");
        return None;
    };
    parse_date(ctx, node.pos, path, s)
}

pub fn parse_date(ctx: &mut Ctx, pos: Pos, path: &str, s: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
    // `YYYY-MM-DD` in shape but not a calendar date: say which part is wrong.
    let parts: Vec<&str> = s.trim().split('-').collect();
    if parsed.is_err()
        && let [y, m, d] = parts[..]
        && [y, m, d]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && let (Ok(year), Ok(month), Ok(day)) =
            (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    {
        let problem = if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            None
        } else if !(1..=12).contains(&month) {
            Some(format!("there is no month {month}"))
        } else if day == 0 {
            Some("there is no day 0".to_owned())
        } else if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            let last = (28..=31)
                .rev()
                .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
                .unwrap_or(28);
            Some(format!(
                "{year}-{month:02} has {last} days, so there is no day {day}"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            ctx.error(pos, path, format!("`{s}` is not a date: {problem}"), None);
            return None;
        }
    }
    match parsed {
        Ok(d) if (MIN_YEAR..=MAX_YEAR).contains(&chrono::Datelike::year(&d)) => Some(d),
        _ if parts.len() == 3
            && parts[0].len() > 4
            && parts[0].bytes().all(|b| b.is_ascii_digit()) =>
        {
            ctx.error(
                pos,
                path,
                format!("date `{s}` is out of range"),
                Some(format!("dates must lie between {MIN_YEAR} and {MAX_YEAR}")),
            );
            None
        }
        Ok(_) => {
            ctx.error(
                pos,
                path,
                format!("date `{s}` is out of range"),
                Some(format!("dates must lie between {MIN_YEAR} and {MAX_YEAR}")),
            );
            None
        }
        Err(_) => {
            ctx.error(
                pos,
                path,
                format!("`{s}` is not a date"),
                Some("write dates as YYYY-MM-DD, e.g. 2025-03-01".into()),
            );
            None
        }
    }
}

/// The text of a duration; a bare whole number is kept so that the parser
/// can say which unit is missing (`90` -> write `90d`).
fn duration_text(ctx: &mut Ctx, node: &Node, path: &str) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        other => {
            ctx.error(
                node.pos,
                path,
                format!("expected a duration such as `90d`, found {}", other.kind()),
                None,
            );
            None
        }
    }
}

/// A fixed duration such as `30d`, in whole days.
pub fn fixed_duration(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Day> {
    let s = duration_text(ctx, node, path)?;
    match parse_duration(&s) {
        Ok(days) => Some(whole_days(days)),
        Err(e) => {
            ctx.error(node.pos, path, e.message, e.help);
            None
        }
    }
}

/// A list of exactly `n` items, each read by `item`; every bad item is reported.
pub fn list_of<T>(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    n: usize,
    what: &str,
    item: impl Fn(&mut Ctx, &Node, &str) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Seq(items) = &node.value else {
        ctx.expected(node, path, &format!("a list of {n} {what}"));
        return None;
    };
    if items.len() != n {
        ctx.error(
            node.pos,
            path,
            format!("expected {n} {what}, found {}", items.len()),
            None,
        );
        return None;
    }
    let read: Vec<Option<T>> = items
        .iter()
        .enumerate()
        .map(|(i, it)| item(ctx, it, &format!("{path}[{i}]")))
        .collect();
    read.into_iter().collect()
}

/// A duration or a distribution of durations.
pub fn distribution(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Distribution> {
    const FORMS: [&str; 4] = ["uniform", "triangular", "pert", "lognormal"];
    let days = |ctx: &mut Ctx, n: &Node, p: &str| -> Option<f64> {
        let s = duration_text(ctx, n, p)?;
        parse_duration(&s)
            .map_err(|e| ctx.error(n.pos, p, e.message, e.help))
            .ok()
    };
    match &node.value {
        Value::Str(_) | Value::Int(_) => days(ctx, node, path).map(Distribution::Fixed),
        Value::Map(pairs) if pairs.len() == 1 => {
            let (key, body) = &pairs[0];
            let form = match &key.value {
                Value::Str(s) => s.as_str(),
                _ => "",
            };
            let fpath = join(path, form);
            let list = |ctx: &mut Ctx, n: usize| list_of(ctx, body, &fpath, n, "durations", days);
            let ordered = |ctx: &mut Ctx, v: &[f64], names: &str| -> bool {
                if v.windows(2).all(|w| w[0] <= w[1]) {
                    true
                } else {
                    ctx.error(
                        body.pos,
                        &fpath,
                        format!("expected {names} in increasing order"),
                        None,
                    );
                    false
                }
            };
            match form {
                "uniform" => {
                    let v = list(ctx, 2)?;
                    ordered(ctx, &v, "min <= max").then_some(Distribution::Uniform {
                        min: v[0],
                        max: v[1],
                    })
                }
                "triangular" => {
                    let v = list(ctx, 3)?;
                    ordered(ctx, &v, "min <= mode <= max").then_some(Distribution::Triangular {
                        min: v[0],
                        mode: v[1],
                        max: v[2],
                    })
                }
                "pert" => {
                    let v = list(ctx, 3)?;
                    ordered(ctx, &v, "min <= mode <= max").then_some(Distribution::Pert {
                        min: v[0],
                        mode: v[1],
                        max: v[2],
                    })
                }
                "lognormal" => {
                    let f = Fields::read(ctx, body, &fpath, &["p50", "p90"])?;
                    let p50 = f
                        .required(ctx, "p50", "the median duration")
                        .and_then(|n| days(ctx, n, &f.field("p50")));
                    let p90 = f
                        .required(ctx, "p90", "the 90th-percentile duration")
                        .and_then(|n| days(ctx, n, &f.field("p90")));
                    let (p50, p90) = (p50?, p90?);
                    if p50 <= 0.0 || p90 < p50 {
                        ctx.error(body.pos, &fpath, "expected 0 < p50 <= p90", None);
                        return None;
                    }
                    // The tail beyond P90 is unbounded; keep it within reason.
                    if p90 * p90 / p50 > MAX_DURATION_DAYS {
                        ctx.error(
                            body.pos,
                            &fpath,
                            "p90 is so far above p50 that samples would exceed 100 years",
                            None,
                        );
                        return None;
                    }
                    Some(Distribution::LogNormal { p50, p90 })
                }
                other => {
                    let help = did_you_mean(other, FORMS)
                        .or_else(|| Some(format!("use one of: {}", FORMS.join(", "))));
                    ctx.error(
                        key.pos,
                        &fpath,
                        format!("unknown distribution `{other}`"),
                        help,
                    );
                    None
                }
            }
        }
        _ => {
            ctx.error(
                node.pos,
                path,
                format!("expected a duration (`90d`) or a distribution (`{{ triangular: [3mo, 6mo, 12mo] }}`), found {}", node.value.kind()),
                None,
            );
            None
        }
    }
}
