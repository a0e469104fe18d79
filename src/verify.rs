//! Pinned expectations: a scenario folder's `expect.yaml` holds key figures
//! (power-on dates, dark GPU-days, revenue windows, NPV) with tolerances;
//! `warmshell verify` re-runs the scenario and reports what moved
//! (docs/verify.md). The figures are [`crate::compare`]'s, at point values.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::compare::{Key, PORTFOLIO, Unit, date_of_number, day_number};
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::report::compare::{change, value};
use crate::scenario::duration::parse_duration;
use crate::scenario::load::{EXPECT_FILE, read_yaml};
use crate::scenario::read::{Ctx, Fields, join};
use crate::scenario::yaml::{Node, Pos, Value};

/// How far a figure may move and still pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerance {
    pub kind: TolKind,
    /// As the planner wrote it (kept when blessing).
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TolKind {
    /// Whole days (dates and windows).
    Days(i64),
    /// An absolute amount (GPU-days, dollars).
    Abs(i64),
    /// A share of the expected value, in percent.
    Percent(f64),
}

impl Tolerance {
    fn exact(unit: Unit) -> Self {
        match unit {
            Unit::Date | Unit::Days => Tolerance {
                kind: TolKind::Days(0),
                text: "0d".into(),
            },
            _ => Tolerance {
                kind: TolKind::Percent(0.0),
                text: "0%".into(),
            },
        }
    }

    /// Whether moving from `expected` by `diff` stays within.
    pub fn allows(&self, expected: i64, diff: i64) -> bool {
        let d = diff.unsigned_abs();
        match self.kind {
            TolKind::Days(n) | TolKind::Abs(n) => d <= n.unsigned_abs(),
            TolKind::Percent(p) => d as f64 <= p / 100.0 * (expected as f64).abs(),
        }
    }
}

/// The default tolerance groups of `tolerance:`.
const GROUPS: [&str; 4] = ["dates", "window_days", "dark_gpu_days", "npv_usd"];

fn group_of(key: &Key) -> &'static str {
    match key.unit {
        Unit::Date => "dates",
        Unit::Days => "window_days",
        Unit::GpuDays => "dark_gpu_days",
        Unit::Usd => "npv_usd",
    }
}

/// One pinned figure.
#[derive(Debug, Clone)]
pub struct Pinned {
    pub scope: String,
    pub figure: String,
    pub value: Option<i64>,
    pub within: Option<Tolerance>,
    pub pos: Pos,
}

/// A read `expect.yaml`.
#[derive(Debug, Clone)]
pub struct Expectations {
    pub file: PathBuf,
    /// Per group of [`GROUPS`], if given.
    pub defaults: Vec<(String, Tolerance)>,
    pub pinned: Vec<Pinned>,
}

impl Expectations {
    fn tolerance(&self, key: &Key, own: Option<&Tolerance>) -> Tolerance {
        own.cloned()
            .or_else(|| {
                self.defaults
                    .iter()
                    .find(|(g, _)| g == group_of(key))
                    .map(|(_, t)| t.clone())
            })
            .unwrap_or_else(|| Tolerance::exact(key.unit))
    }
}

/// The expectations file of a scenario folder.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(EXPECT_FILE)
}

/// Reads `path` against the figures `keys` of the scenario; every mistake is
/// located. A missing file is `Ok(None)`.
pub fn read(path: &Path, keys: &[Key]) -> Result<Option<Expectations>, Diagnostics> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let mut diags = Diagnostics::default();
    let parsed = read_yaml(path, &mut diags).and_then(|root| parse(path, &root, keys, &mut diags));
    match parsed {
        Some(e) if diags.is_empty() => Ok(Some(e)),
        _ => {
            diags.sort();
            Err(diags)
        }
    }
}

fn tolerance(ctx: &mut Ctx, node: &Node, path: &str, unit: Unit) -> Option<Tolerance> {
    let text = match &node.value {
        Value::Str(s) => s.trim().to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        _ => {
            ctx.expected(node, path, "a tolerance (`7d`, `2%` or an amount)");
            return None;
        }
    };
    let kind = match unit {
        Unit::Date | Unit::Days => match parse_duration(&text) {
            Ok(d) => TolKind::Days(d.round() as i64),
            Err(e) => {
                ctx.error(
                    node.pos,
                    path,
                    e.message,
                    e.help.or(Some(
                        "a date or window tolerance is a duration, e.g. `7d`".into(),
                    )),
                );
                return None;
            }
        },
        Unit::GpuDays | Unit::Usd => {
            if let Some(p) = text.strip_suffix('%') {
                match p.trim().parse::<f64>() {
                    Ok(p) if p.is_finite() && p >= 0.0 => TolKind::Percent(p),
                    _ => {
                        ctx.error(
                            node.pos,
                            path,
                            format!("`{text}` is not a percentage"),
                            Some("e.g. `2%`".into()),
                        );
                        return None;
                    }
                }
            } else {
                match &node.value {
                    Value::Int(i) if *i >= 0 => TolKind::Abs(i64::try_from(*i).unwrap_or(i64::MAX)),
                    Value::Float(f) if f.is_finite() && *f >= 0.0 => TolKind::Abs(f.round() as i64),
                    _ => {
                        ctx.error(
                            node.pos,
                            path,
                            format!("`{text}` is not a tolerance"),
                            Some("give a share (`2%`) or a non-negative amount (`5000000`)".into()),
                        );
                        return None;
                    }
                }
            }
        }
    };
    Some(Tolerance { kind, text })
}

fn parse(path: &Path, root: &Node, keys: &[Key], diags: &mut Diagnostics) -> Option<Expectations> {
    let mut ctx = Ctx { file: path, diags };
    let mut out = Expectations {
        file: path.to_path_buf(),
        defaults: Vec::new(),
        pinned: Vec::new(),
    };
    if matches!(root.value, Value::Null) {
        return Some(out);
    }
    let f = Fields::read(&mut ctx, root, "", &["tolerance", "sites", "portfolio"])?;
    if let Some(t) = f.get("tolerance")
        && let Some(tf) = Fields::read(&mut ctx, t, "tolerance", &GROUPS)
    {
        for g in GROUPS {
            let unit = match g {
                "dates" => Unit::Date,
                "window_days" => Unit::Days,
                "dark_gpu_days" => Unit::GpuDays,
                _ => Unit::Usd,
            };
            if let Some(n) = tf.get(g)
                && let Some(tol) = tolerance(&mut ctx, n, &tf.field(g), unit)
            {
                out.defaults.push((g.to_owned(), tol));
            }
        }
    }
    let mut scopes: Vec<String> = Vec::new();
    for k in keys {
        if k.scope != PORTFOLIO && !scopes.contains(&k.scope) {
            scopes.push(k.scope.clone());
        }
    }
    if let Some(sites) = f.get("sites") {
        match &sites.value {
            Value::Map(pairs) => {
                for (k, body) in pairs {
                    let id = match &k.value {
                        Value::Str(s) => s.clone(),
                        Value::Int(i) => i.to_string(),
                        _ => {
                            ctx.expected(k, "sites", "a site id");
                            continue;
                        }
                    };
                    if !scopes.contains(&id) {
                        let help =
                            did_you_mean(&id, scopes.iter().map(String::as_str)).or_else(|| {
                                Some(format!("sites of the scenario: {}", scopes.join(", ")))
                            });
                        ctx.error(
                            k.pos,
                            &join("sites", &id),
                            format!("unknown site `{id}`"),
                            help,
                        );
                        continue;
                    }
                    scope(
                        &mut ctx,
                        body,
                        &join("sites", &id),
                        &id,
                        keys,
                        &mut out.pinned,
                    );
                }
            }
            Value::Null => {}
            _ => ctx.expected(sites, "sites", "a mapping of site ids"),
        }
    }
    if let Some(p) = f.get("portfolio") {
        scope(&mut ctx, p, "portfolio", PORTFOLIO, keys, &mut out.pinned);
    }
    Some(out)
}

/// The figures of one site (or the portfolio).
fn scope(ctx: &mut Ctx, node: &Node, path: &str, id: &str, keys: &[Key], out: &mut Vec<Pinned>) {
    let mine: Vec<&Key> = keys.iter().filter(|k| k.scope == id).collect();
    let mut names = vec![
        "first_power_on",
        "full_power_on",
        "dark_gpu_days",
        "npv_usd",
    ];
    if id != PORTFOLIO {
        names.push("window_days");
    }
    let Some(f) = Fields::read(ctx, node, path, &names) else {
        return;
    };
    let mut one = |ctx: &mut Ctx, figure: String, n: &Node, fpath: &str| {
        let Some(key) = mine.iter().find(|k| k.figure == figure) else {
            return;
        };
        if let Some(p) = pinned(ctx, n, fpath, key) {
            out.push(p);
        }
    };
    for name in ["first_power_on", "full_power_on", "npv_usd"] {
        if let Some(n) = f.get(name) {
            one(ctx, name.to_owned(), n, &f.field(name));
        }
    }
    if let Some(n) = f.get("dark_gpu_days") {
        let reasons = ["total", "shell", "crew", "power", "burn_in"];
        if let Some(d) = Fields::read(ctx, n, &f.field("dark_gpu_days"), &reasons) {
            for r in reasons {
                if let Some(v) = d.get(r) {
                    let figure = if r == "total" {
                        "dark_gpu_days".to_owned()
                    } else {
                        format!("dark_gpu_days.{r}")
                    };
                    one(ctx, figure, v, &d.field(r));
                }
            }
        }
    }
    if let Some(n) = f.get("window_days") {
        let orders: Vec<&str> = mine
            .iter()
            .filter_map(|k| k.figure.strip_prefix("window_days."))
            .collect();
        let wpath = f.field("window_days");
        match &n.value {
            Value::Map(pairs) => {
                for (k, v) in pairs {
                    let oid = match &k.value {
                        Value::Str(s) => s.clone(),
                        Value::Int(i) => i.to_string(),
                        _ => {
                            ctx.expected(k, &wpath, "an order id");
                            continue;
                        }
                    };
                    if !orders.contains(&oid.as_str()) {
                        let help = did_you_mean(&oid, orders.iter().copied())
                            .or_else(|| Some(format!("orders of {id}: {}", orders.join(", "))));
                        ctx.error(
                            k.pos,
                            &join(&wpath, &oid),
                            format!("unknown order `{oid}`"),
                            help,
                        );
                        continue;
                    }
                    one(ctx, format!("window_days.{oid}"), v, &join(&wpath, &oid));
                }
            }
            Value::Null => {}
            _ => ctx.expected(n, &wpath, "a mapping of order ids to window days"),
        }
    }
}

/// A value, or `{ value, within }`.
fn pinned(ctx: &mut Ctx, node: &Node, path: &str, key: &Key) -> Option<Pinned> {
    let (vnode, within) = match &node.value {
        Value::Map(_) => {
            let f = Fields::read(ctx, node, path, &["value", "within"])?;
            let v = f.required(ctx, "value", "the expected figure")?;
            let w = match f.get("within") {
                Some(n) => Some(tolerance(ctx, n, &f.field("within"), key.unit)?),
                None => None,
            };
            (v, w)
        }
        _ => (node, None),
    };
    let value = match (&vnode.value, key.unit) {
        (Value::Null, _) => None,
        (Value::Str(s), Unit::Date) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => Some(day_number(d)),
            Err(_) => {
                ctx.error(
                    vnode.pos,
                    path,
                    format!("`{s}` is not a date"),
                    Some("write YYYY-MM-DD, or `null` for not by the horizon".into()),
                );
                return None;
            }
        },
        (Value::Int(i), Unit::Days | Unit::GpuDays | Unit::Usd) => match i64::try_from(*i) {
            Ok(v) => Some(v),
            Err(_) => {
                ctx.error(vnode.pos, path, "the number is too large", None);
                return None;
            }
        },
        _ => {
            let what = match key.unit {
                Unit::Date => "a date (YYYY-MM-DD) or null",
                Unit::Days => "whole days, or null for no window",
                Unit::GpuDays => "whole GPU-days",
                Unit::Usd => "whole dollars",
            };
            ctx.expected(vnode, path, what);
            return None;
        }
    };
    Some(Pinned {
        scope: key.scope.clone(),
        figure: key.figure.clone(),
        value,
        within,
        pos: vnode.pos,
    })
}

/// One pinned figure, re-run.
#[derive(Debug, Clone)]
pub struct Check {
    pub key: Key,
    pub expected: Option<i64>,
    pub actual: Option<i64>,
    pub tolerance: Tolerance,
    pub moved: bool,
    pub ok: bool,
}

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: PathBuf,
    pub checks: Vec<Check>,
    /// Figures of the scenario that the file does not pin.
    pub unpinned: Vec<Key>,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| !c.ok).count()
    }
}

/// Compares the pinned figures with `actual` (the values of `keys`).
pub fn check(exp: &Expectations, keys: &[Key], actual: &[Option<i64>]) -> Report {
    let mut checks = Vec::new();
    let mut unpinned = Vec::new();
    for (k, a) in keys.iter().zip(actual) {
        let Some(p) = exp
            .pinned
            .iter()
            .find(|p| p.scope == k.scope && p.figure == k.figure)
        else {
            unpinned.push(k.clone());
            continue;
        };
        let tolerance = exp.tolerance(k, p.within.as_ref());
        let (moved, ok) = match (p.value, *a) {
            (Some(e), Some(a)) => (e != a, tolerance.allows(e, a.saturating_sub(e))),
            (None, None) => (false, true),
            _ => (true, false),
        };
        checks.push(Check {
            key: k.clone(),
            expected: p.value,
            actual: *a,
            tolerance,
            moved,
            ok,
        });
    }
    Report {
        file: exp.file.clone(),
        checks,
        unpinned,
    }
}

/// The table `verify` prints: every figure that moved, and a summary line.
pub fn render(dir: &Path, r: &Report) -> String {
    let mut out = String::new();
    let moved: Vec<&Check> = r.checks.iter().filter(|c| c.moved).collect();
    let _ = writeln!(
        out,
        "warmshell verify {}: {} figures pinned in {}; {} moved, {} out of tolerance",
        dir.display(),
        r.checks.len(),
        r.file.display(),
        moved.len(),
        r.failures()
    );
    if !moved.is_empty() {
        let _ = writeln!(
            out,
            "  {:<36} {:>15} {:>15} {:>11} {:>10}",
            "figure", "expected", "actual", "change", "tolerance"
        );
        for c in moved {
            let what = match c.key.figure.strip_prefix("dark_gpu_days.") {
                Some(reason) => format!("dark GPU-days, {}", reason.replace('_', "-")),
                None => c.key.label(),
            };
            let label = format!("{} {what}", c.key.scope);
            let ch = match (c.expected, c.actual) {
                (Some(e), Some(a)) => change(c.key.unit, a.saturating_sub(e)),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "  {:<36} {:>15} {:>15} {:>11} {:>10}  {}",
                label,
                value(c.key.unit, c.expected),
                value(c.key.unit, c.actual),
                ch,
                format!("±{}", c.tolerance.text),
                if c.ok { "ok" } else { "OUT OF TOLERANCE" }
            );
        }
    }
    if !r.unpinned.is_empty() {
        let _ = writeln!(
            out,
            "  {} figure{} not pinned (`warmshell verify {} --bless` pins every figure)",
            r.unpinned.len(),
            if r.unpinned.len() == 1 { "" } else { "s" },
            dir.display()
        );
    }
    out
}

/// A YAML key, quoted when it would not read back as the same string.
fn yaml_key(id: &str) -> String {
    let plain = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            id.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        id.to_owned()
    } else {
        serde_json::to_string(id).unwrap_or_else(|_| format!("\"{id}\""))
    }
}

/// The text of `expect.yaml` pinning `actual` (the values of `keys`), keeping
/// the tolerances of `previous`.
pub fn bless(previous: Option<&Expectations>, keys: &[Key], actual: &[Option<i64>]) -> String {
    let mut out = String::new();
    out.push_str(
        "# Expected key figures of this scenario at point values, checked by `warmshell verify`\n\
         # (docs/verify.md). `warmshell verify --bless` rewrites the values and keeps the\n\
         # tolerances: the defaults below, and any `{ value: ..., within: ... }` of one figure.\n\
         # Dates: YYYY-MM-DD or null (not by the horizon); windows in days (null: no window).\n",
    );
    out.push_str("tolerance:\n");
    for g in GROUPS {
        let t = previous
            .and_then(|p| p.defaults.iter().find(|(x, _)| x == g))
            .map(|(_, t)| t.text.clone())
            .unwrap_or_else(|| {
                if g == "dates" || g == "window_days" {
                    "0d".into()
                } else {
                    "0%".into()
                }
            });
        let _ = writeln!(out, "  {g}: {}", yaml_key_value(&t));
    }
    let value_text = |k: &Key, v: Option<i64>| match (k.unit, v) {
        (_, None) => "null".to_owned(),
        (Unit::Date, Some(d)) => date_of_number(d).to_string(),
        (_, Some(n)) => n.to_string(),
    };
    let line = |k: &Key, v: Option<i64>| {
        let own = previous.and_then(|p| {
            p.pinned
                .iter()
                .find(|x| x.scope == k.scope && x.figure == k.figure)
                .and_then(|x| x.within.clone())
        });
        match own {
            Some(t) => format!(
                "{{ value: {}, within: {} }}",
                value_text(k, v),
                yaml_key_value(&t.text)
            ),
            None => value_text(k, v),
        }
    };
    let mut current: Option<&str> = None;
    let mut in_dark = false;
    let mut in_window = false;
    let mut sites_open = false;
    for (k, v) in keys.iter().zip(actual) {
        if current != Some(k.scope.as_str()) {
            current = Some(&k.scope);
            in_dark = false;
            in_window = false;
            if k.scope == PORTFOLIO {
                out.push_str("portfolio:\n");
            } else {
                if !sites_open {
                    out.push_str("sites:\n");
                    sites_open = true;
                }
                let _ = writeln!(out, "  {}:", yaml_key(&k.scope));
            }
        }
        let indent = if k.scope == PORTFOLIO { "  " } else { "    " };
        if let Some(rest) = k.figure.strip_prefix("dark_gpu_days") {
            if !in_dark {
                let _ = writeln!(out, "{indent}dark_gpu_days:");
                in_dark = true;
            }
            let name = rest.strip_prefix('.').unwrap_or("total");
            let _ = writeln!(out, "{indent}  {name}: {}", line(k, *v));
        } else if let Some(order) = k.figure.strip_prefix("window_days.") {
            if !in_window {
                let _ = writeln!(out, "{indent}window_days:");
                in_window = true;
            }
            let _ = writeln!(out, "{indent}  {}: {}", yaml_key(order), line(k, *v));
        } else {
            let _ = writeln!(out, "{indent}{}: {}", k.figure, line(k, *v));
        }
    }
    out
}

/// A tolerance as a YAML scalar: `7d` and numbers plain, `2%` quoted
/// (a plain `%` is fine in YAML, but quoting keeps editors calm).
fn yaml_key_value(t: &str) -> String {
    if t.ends_with('%') {
        format!("\"{t}\"")
    } else {
        t.to_owned()
    }
}
