//! `warmshell compare`: the terminal table, `compare.json` and `compare.csv`.

use std::fmt::Write;
use std::io;

use serde_json::{Value, json};

use super::Artifact;
use super::human::{count, usd};
use crate::compare::{Comparison, Key, Row, Unit, by_scope, date_of_number};

/// A figure's value as people read it.
pub fn value(unit: Unit, v: Option<i64>) -> String {
    match (unit, v) {
        (Unit::Date, Some(d)) => date_of_number(d).to_string(),
        (Unit::Date, None) => "not by horizon".into(),
        (Unit::Days, Some(d)) => format!("{d}d"),
        (Unit::Days, None) => "none".into(),
        (Unit::GpuDays, Some(n)) => count(n),
        (Unit::Usd, Some(n)) => usd(n),
        (_, None) => "-".into(),
    }
}

/// A difference as people read it: signed, in days for dates.
pub fn change(unit: Unit, d: i64) -> String {
    let sign = if d > 0 { "+" } else { "" };
    match unit {
        Unit::Date | Unit::Days => format!("{sign}{d}d"),
        Unit::GpuDays => format!("{sign}{}", count(d)),
        Unit::Usd => format!("{sign}{}", usd(d)),
    }
}

fn moved(r: &Row) -> bool {
    r.change.is_some_and(|c| c != 0)
        || r.base.is_some() != r.variant.is_some()
        || r.mc
            .is_some_and(|m| m.p_positive > 0.0 || m.p_negative > 0.0)
}

pub fn render(c: &Comparison) -> String {
    let mut out = String::new();
    let mc = c.runs > 0;
    let _ = write!(out, "warmshell compare: base {}, point values", c.base);
    if let Some(seed) = c.seed {
        let _ = write!(
            out,
            "; Monte Carlo {} runs, seed {}, {}",
            c.runs,
            seed,
            if c.common_random_numbers == Some(true) {
                "common random numbers"
            } else {
                "independent streams"
            }
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "change = variant - base (dates in days: + is later){}",
        if mc {
            "; diff P10/P50/P90 and P(>0) of the run-by-run change"
        } else {
            ""
        }
    );
    for v in &c.variants {
        let _ = writeln!(out, "\n{} ({})", v.name, v.file);
        let _ = write!(
            out,
            "  {:<24} {:>15} {:>15} {:>11}",
            "", "base", "variant", "change"
        );
        if mc {
            let _ = write!(
                out,
                "   {:>11} {:>11} {:>11} {:>6}",
                "diff P10", "P50", "P90", "P(>0)"
            );
        }
        let _ = writeln!(out);
        let mut unchanged = Vec::new();
        for (_, (scope, rows)) in by_scope(&v.rows) {
            if !rows.iter().any(|r| moved(r)) {
                unchanged.push(scope);
                continue;
            }
            let _ = writeln!(out, "  {scope}");
            for r in rows {
                let _ = write!(
                    out,
                    "    {:<22} {:>15} {:>15} {:>11}",
                    r.key.label(),
                    value(r.key.unit, r.base),
                    value(r.key.unit, r.variant),
                    r.change
                        .map_or_else(|| "-".into(), |d| change(r.key.unit, d))
                );
                if let Some(m) = &r.mc {
                    let _ = write!(
                        out,
                        "   {:>11} {:>11} {:>11} {:>5.0}%",
                        change(r.key.unit, m.p10),
                        change(r.key.unit, m.p50),
                        change(r.key.unit, m.p90),
                        m.p_positive * 100.0
                    );
                }
                let _ = writeln!(out);
            }
        }
        if !unchanged.is_empty() {
            let _ = writeln!(out, "  unchanged: {}", unchanged.join(", "));
        }
    }
    out
}

fn json_value(k: &Key, v: Option<i64>) -> Value {
    match (k.unit, v) {
        (Unit::Date, Some(d)) => json!(date_of_number(d).to_string()),
        (_, Some(n)) => json!(n),
        (_, None) => Value::Null,
    }
}

/// `compare.json` and `compare.csv`.
pub fn artifacts(c: &Comparison) -> Result<Vec<Artifact>, io::Error> {
    let variants: Vec<Value> = c
        .variants
        .iter()
        .map(|v| {
            let rows: Vec<Value> = v
                .rows
                .iter()
                .map(|r| {
                    let mut o = json!({
                        "scope": r.key.scope,
                        "figure": r.key.figure,
                        "unit": r.key.unit,
                        "base": json_value(&r.key, r.base),
                        "variant": json_value(&r.key, r.variant),
                        "change": r.change,
                    });
                    if let (Some(m), Some(map)) = (&r.mc, o.as_object_mut()) {
                        map.insert("mc".into(), json!(m));
                    }
                    o
                })
                .collect();
            json!({ "name": v.name, "file": v.file, "rows": rows })
        })
        .collect();
    let doc = json!({
        "format": c.format,
        "version": c.version,
        "base": c.base,
        "runs": c.runs,
        "seed": c.seed,
        "common_random_numbers": c.common_random_numbers,
        "variants": variants,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
    bytes.push(b'\n');

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "scope",
        "figure",
        "unit",
        "base",
        "variant_value",
        "change",
        "p10",
        "p50",
        "p90",
        "mean",
        "sd",
        "p_positive",
        "p_negative",
    ])
    .map_err(io::Error::other)?;
    let text = |k: &Key, v: Option<i64>| match json_value(k, v) {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    };
    for v in &c.variants {
        for r in &v.rows {
            let unit = serde_json::to_value(r.key.unit)
                .ok()
                .and_then(|u| u.as_str().map(str::to_owned))
                .unwrap_or_default();
            let mut rec = vec![
                v.name.clone(),
                r.key.scope.clone(),
                r.key.figure.clone(),
                unit,
                text(&r.key, r.base),
                text(&r.key, r.variant),
                r.change.map(|d| d.to_string()).unwrap_or_default(),
            ];
            match &r.mc {
                Some(m) => rec.extend([
                    m.p10.to_string(),
                    m.p50.to_string(),
                    m.p90.to_string(),
                    format!("{:.3}", m.mean),
                    format!("{:.3}", m.sd),
                    format!("{:.4}", m.p_positive),
                    format!("{:.4}", m.p_negative),
                ]),
                None => rec.extend(std::iter::repeat_n(String::new(), 7)),
            }
            w.write_record(&rec).map_err(io::Error::other)?;
        }
    }
    let csv_bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(vec![
        Artifact {
            name: "compare.json".into(),
            bytes,
        },
        Artifact {
            name: "compare.csv".into(),
            bytes: csv_bytes,
        },
    ])
}
