//! The JSON Schema of `expect.yaml` (docs/verify.md), mirroring `verify.rs`:
//! default tolerances, then pinned figures per site and for the portfolio,
//! each a value or `{ value, within }`. Which site and order ids exist is
//! the scenario's business: `warmshell verify` checks them.

use serde_json::{Map, Value, json};

use super::{DRAFT, common, object, reference};

/// A date as `verify` reads it (chrono's `%Y-%m-%d` after trimming): looser
/// than a site file's `YYYY-MM-DD`, so that no file `verify` accepts fails.
const FIGURE_DATE_PATTERN: &str = r"^\s*[+-]?[0-9]+-[0-9]{1,2}-[0-9]{1,2}\s*$";
/// A non-negative share, `2%` or `0.5 %` (Rust's float syntax; `-0` is 0).
const PERCENT_PATTERN: &str = r"^\s*(\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|-(0+\.?0*|\.0+)([eE][+-]?[0-9]+)?)\s*%\s*$";

/// A figure: its value, or `{ value, within }` with its own tolerance.
fn pinned(value: &str, tolerance: &str, description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "$ref": format!("#/definitions/{value}") },
            object(json!({
                "value": { "$ref": format!("#/definitions/{value}") },
                "within": { "$ref": format!("#/definitions/{tolerance}") }
            }), &["value"], "The expected value and this figure's own tolerance.")
        ]
    })
}

/// The figures of a site (`window_days` too) or of the portfolio.
fn figures(with_windows: bool, description: &str) -> Value {
    let mut props = Map::new();
    props.insert(
        "first_power_on".into(),
        pinned(
            "date_value",
            "days_tolerance",
            "The first rack's power-on: a date, or null for not by the horizon.",
        ),
    );
    props.insert(
        "full_power_on".into(),
        pinned(
            "date_value",
            "days_tolerance",
            "The day every rack is on: a date, or null for not by the horizon.",
        ),
    );
    props.insert(
        "dark_gpu_days".into(),
        json!({ "$ref": "#/definitions/dark_gpu_days" }),
    );
    if with_windows {
        props.insert(
            "window_days".into(),
            json!({
                "type": ["object", "null"],
                "propertyNames": { "$ref": "#/definitions/id" },
                "additionalProperties": pinned("days_value", "days_tolerance", "The order's revenue window in days, or null for no window (the order never powers on)."),
                "description": "Revenue windows, by order id."
            }),
        );
    }
    props.insert(
        "npv_usd".into(),
        pinned("amount_value", "amount_tolerance", "NPV in whole dollars."),
    );
    object(Value::Object(props), &[], description)
}

pub fn schema() -> Value {
    let mut defs = Map::new();
    let base = common();
    for k in ["duration", "id"] {
        defs.insert(k.into(), base[k].clone());
    }
    defs.insert(
        "date_value".into(),
        json!({
            "type": ["string", "null"],
            "pattern": FIGURE_DATE_PATTERN,
            "patternErrorMessage": "Not a date: write YYYY-MM-DD, e.g. 2026-08-04, or null.",
            "description": "A date, YYYY-MM-DD, or null for not by the horizon.",
            "examples": ["2026-08-04"]
        }),
    );
    defs.insert(
        "days_value".into(),
        json!({ "type": ["integer", "null"], "description": "Whole days, or null." }),
    );
    defs.insert(
        "amount_value".into(),
        json!({ "type": ["integer", "null"], "description": "A whole amount (GPU-days, dollars)." }),
    );
    defs.insert(
        "days_tolerance".into(),
        reference(
            "duration",
            "± a duration (`7d`, `2w`); as written, kept by `--bless`.",
        ),
    );
    defs.insert(
        "amount_tolerance".into(),
        json!({
            "description": "± a share of the expected value (`\"2%\"`) or a non-negative amount (`5000000`); as written, kept by `--bless`.",
            "anyOf": [
                {
                    "type": "string",
                    "pattern": PERCENT_PATTERN,
                    "patternErrorMessage": "Not a tolerance: write a share such as \"2%\", or a non-negative amount."
                },
                { "type": "number", "minimum": 0 }
            ],
            "examples": ["0.5%", 5_000_000]
        }),
    );
    let gpu_days = |what: &str| pinned("amount_value", "amount_tolerance", what);
    defs.insert(
        "dark_gpu_days".into(),
        object(
            json!({
                "total": gpu_days("All dark GPU-days."),
                "shell": gpu_days("Dark while waiting for a warm shell."),
                "crew": gpu_days("Dark while waiting for an install crew."),
                "power": gpu_days("Dark while waiting for power."),
                "burn_in": gpu_days("Dark during burn-in.")
            }),
            &[],
            "Dark GPU-days (delivered GPUs not earning), in total and by reason.",
        ),
    );
    defs.insert(
        "site_figures".into(),
        figures(
            true,
            "A site's pinned figures; any may be left out (not checked).",
        ),
    );
    defs.insert(
        "portfolio_figures".into(),
        figures(
            false,
            "The portfolio's pinned figures (earliest first power-on, latest all-on, sums); any may be left out.",
        ),
    );
    json!({
        "$schema": DRAFT,
        "title": "warmshell expect.yaml",
        "description": "Key figures of a scenario at point values, with tolerances, checked by `warmshell verify` (`--bless` rewrites it). Reference: docs/verify.md.",
        "type": ["object", "null"],
        "properties": {
            "tolerance": object(json!({
                "dates": { "$ref": "#/definitions/days_tolerance" },
                "window_days": { "$ref": "#/definitions/days_tolerance" },
                "dark_gpu_days": { "$ref": "#/definitions/amount_tolerance" },
                "npv_usd": { "$ref": "#/definitions/amount_tolerance" }
            }), &[], "Default tolerances by kind of figure; absent: exact."),
            "sites": {
                "type": ["object", "null"],
                "additionalProperties": { "$ref": "#/definitions/site_figures" },
                "description": "Pinned figures by site id (the site file's name without .yaml)."
            },
            "portfolio": { "$ref": "#/definitions/portfolio_figures" }
        },
        "additionalProperties": false,
        "definitions": defs
    })
}
