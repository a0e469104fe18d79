//! JSON Schemas (draft-07, which yaml-language-server and most editors
//! support) for the site files, `scenario.yaml`, variant files and
//! `expect.yaml`: completion, hover text and checking while a planner types.
//!
//! They mirror the decoders (`scenario/decode.rs`, `scenario/market.rs`,
//! `scenario/read.rs`, `variant/format.rs`, `verify.rs`): the same keys,
//! unknown keys rejected, the same ranges. Where the decoder checks more than a schema can say (references
//! to task ids, dates within the scenario, durations up to 100 years, ids
//! given twice), the schema is looser and `warmshell validate` remains the
//! authority; the schema never rejects a file the loader accepts.
//! `tests/schema.rs` checks every file in `sites/` and `fixtures/`
//! against these, and that `schema/*.json` are up to date.
//! `patternErrorMessage` is not JSON Schema: VS Code's JSON service (which
//! yaml-language-server builds on) shows it instead of the bare regex, and
//! validators ignore it.

use serde_json::{Value, json};

use crate::scenario::TaskKind;
use crate::scenario::decode::{
    MAX_CREWS, MAX_GPUS_PER_RACK, MAX_MW, MAX_RACK_KW, MAX_RACKS, MIN_RACK_KW,
};

mod expect;
mod variant;

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFile {
    /// A site file (every `*.yaml` of a scenario folder but `scenario.yaml`).
    Site,
    /// `scenario.yaml`: the clock and the market.
    Scenario,
    /// A variant file (`sites/variants/*.yaml`): changes to a base scenario.
    Variant,
    /// `expect.yaml`: pinned figures for `warmshell verify`.
    Expect,
}

impl SchemaFile {
    pub const ALL: [SchemaFile; 4] = [
        SchemaFile::Site,
        SchemaFile::Scenario,
        SchemaFile::Variant,
        SchemaFile::Expect,
    ];

    /// The name on the command line (`warmshell schema NAME`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaFile::Site => "site",
            SchemaFile::Scenario => "scenario",
            SchemaFile::Variant => "variant",
            SchemaFile::Expect => "expect",
        }
    }

    /// The file name `warmshell schema --out DIR` writes.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaFile::Site => "site.schema.json",
            SchemaFile::Scenario => "scenario.schema.json",
            SchemaFile::Variant => "variant.schema.json",
            SchemaFile::Expect => "expect.schema.json",
        }
    }
}

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// An id as the decoder accepts it: a letter or digit first, then letters,
/// digits, `-`, `_`, `.`. Written without `\p{..}` (editors differ on
/// Unicode classes): ASCII punctuation and spaces are excluded, any other
/// character passes, so non-ASCII letters are accepted as the loader does.
const ID_PATTERN: &str = r"^[^\s!-/:-@\[-`{-~][^\s!-,/:-@\[-^`{-~]*$";
/// `90d`, `6w`, `9mo`, `2y`: a whole number and a unit.
const DURATION_PATTERN: &str = r"^\s*[0-9]+(d|w|mo|y)\s*$";
const DATE_PATTERN: &str = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$";

/// The schema of `file`, pretty-printed with a final newline.
pub fn render(file: SchemaFile) -> String {
    let schema = match file {
        SchemaFile::Site => site(),
        SchemaFile::Scenario => scenario(),
        SchemaFile::Variant => variant::schema(),
        SchemaFile::Expect => expect::schema(),
    };
    // Serializing a `Value` cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Definitions both files use.
fn common() -> serde_json::Map<String, Value> {
    let duration = json!({
        "type": "string",
        "pattern": DURATION_PATTERN,
        "patternErrorMessage": "Not a duration: write a whole number and a unit, e.g. 90d, 6w, 9mo or 2y.",
        "description": "A whole number and a unit: `90d` days, `6w` weeks, `9mo` months (365/12 days), `2y` years (365 days). At most 100 years.",
        "examples": ["90d", "6w", "9mo", "2y"]
    });
    let list_of = |n: usize, what: &str, item: &str| {
        json!({
            "type": "array",
            "items": { "$ref": format!("#/definitions/{item}") },
            "minItems": n,
            "maxItems": n,
            "description": what
        })
    };
    let one = |key: &str, body: Value, description: &str| {
        json!({
            "type": "object",
            "properties": { key: body },
            "required": [key],
            "additionalProperties": false,
            "description": description
        })
    };
    let distribution = json!({
        "description": "A duration (`90d`) or a distribution of durations; a deterministic `run` uses its point value (fixed value, uniform midpoint, triangular/PERT mode, lognormal P50).",
        "anyOf": [
            { "$ref": "#/definitions/duration" },
            one("uniform", list_of(2, "[min, max]", "duration"), "Uniform between min and max; point value: the midpoint."),
            one("triangular", list_of(3, "[min, mode, max]", "duration"), "Triangular; point value: the mode."),
            one("pert", list_of(3, "[min, mode, max]", "duration"), "Beta-PERT; point value: the mode."),
            one("lognormal", json!({
                "type": "object",
                "properties": {
                    "p50": { "$ref": "#/definitions/duration", "description": "The median duration." },
                    "p90": { "$ref": "#/definitions/duration", "description": "The 90th-percentile duration." }
                },
                "required": ["p50", "p90"],
                "additionalProperties": false
            }), "Lognormal with that median and 90th percentile; point value: the P50.")
        ]
    });
    let mut defs = serde_json::Map::new();
    defs.insert("duration".into(), duration);
    defs.insert("distribution".into(), distribution);
    defs.insert(
        "date".into(),
        json!({
            "type": "string",
            "pattern": DATE_PATTERN,
            "patternErrorMessage": "Not a date: write YYYY-MM-DD, e.g. 2025-03-01.",
            "description": "A date, YYYY-MM-DD, between 1900 and 2200.",
            "examples": ["2025-03-01"]
        }),
    );
    defs.insert(
        "id".into(),
        json!({
            "type": "string",
            "pattern": ID_PATTERN,
            "patternErrorMessage": "Not an id: use letters, digits, -, _ and ., starting with a letter or digit.",
            "maxLength": 200,
            "description": "Letters, digits, `-`, `_` and `.`; starts with a letter or digit."
        }),
    );
    defs.insert("text".into(), json!({ "type": ["string", "integer"] }));
    defs
}

fn number(min: f64, max: f64, description: &str) -> Value {
    json!({ "type": "number", "minimum": min, "maximum": max, "description": description })
}

fn positive(max: f64, description: &str) -> Value {
    json!({ "type": "number", "exclusiveMinimum": 0, "maximum": max, "description": description })
}

fn integer(min: i128, max: i128, description: &str) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max, "description": description })
}

fn reference(def: &str, description: &str) -> Value {
    json!({ "allOf": [{ "$ref": format!("#/definitions/{def}") }], "description": description })
}

/// A mapping of ids (the keys) to entries; YAML's empty value is allowed.
fn id_map(entry: Value, description: &str) -> Value {
    json!({
        "type": ["object", "null"],
        "propertyNames": { "$ref": "#/definitions/id" },
        "additionalProperties": entry,
        "description": description
    })
}

fn object(properties: Value, required: &[&str], description: &str) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "description": description
    })
}

/// A task id or a date: when something happens.
fn trigger(description: &str) -> Value {
    json!({
        "type": ["string", "integer"],
        "description": description,
        "examples": ["shell-1", "2025-06-01"]
    })
}

pub fn site() -> Value {
    let mut defs = common();
    let kinds: Vec<&str> = TaskKind::NAMES.to_vec();
    defs.insert(
        "task".into(),
        object(
            json!({
                "name": reference("text", "Display name; default: the task id."),
                "kind": { "enum": kinds, "description": "What sort of work: permitting | construction | interconnection | procurement | other (the default)." },
                "duration": reference("distribution", "How long the task takes: a duration (`90d`) or a distribution. `0d` is a milestone."),
                "after": {
                    "description": "Finish-to-start predecessors: task ids, or `{ task: id, lag: 30d }` (start >= the predecessor's finish + lag).",
                    "anyOf": [
                        { "type": "null" },
                        { "$ref": "#/definitions/text" },
                        {
                            "type": "array",
                            "items": {
                                "anyOf": [
                                    { "$ref": "#/definitions/text" },
                                    object(json!({
                                        "task": reference("text", "The predecessor's id."),
                                        "lag": reference("duration", "Days between the predecessor's finish and this task's start; default 0d.")
                                    }), &["task"], "A predecessor with a lag.")
                                ]
                            }
                        }
                    ]
                },
                "not_before": reference("date", "Never starts before this date (within the scenario)."),
                "group": reference("text", "A correlation group declared under `correlation:` in scenario.yaml (Monte Carlo)."),
                "risks": {
                    "type": ["array", "null"],
                    "description": "Discrete risks, sampled by Monte Carlo and ignored by `run`.",
                    "items": object(json!({
                        "name": reference("text", "Shown in reports; default: `<task> risk <n>`."),
                        "probability": number(0.0, 1.0, "Chance that the risk fires in one run."),
                        "delay": reference("distribution", "Extra time when it fires.")
                    }), &["probability", "delay"], "A risk: with `probability`, the task takes `delay` longer.")
                }
            }),
            &["duration"],
            "A task of the site's dependency graph; its id is the key.",
        ),
    );
    defs.insert(
        "hall".into(),
        object(
            json!({
                "it_mw": positive(MAX_MW, "IT capacity in MW (rack kW counts against it, without PUE)."),
                "ready": reference("text", "The task whose finish makes the hall ready.")
            }),
            &["it_mw", "ready"],
            "A warm shell: where racks are installed.",
        ),
    );
    defs.insert(
        "power".into(),
        object(
            json!({
                "mw": positive(MAX_MW, "Facility MW (rack kW x PUE counts against it)."),
                "from": trigger("On from this task's finish, or this date."),
                "lag": reference("duration", "Delay after `from` (and after `until` when it is a task); default 0d."),
                "until": trigger("Optional: off from this task's finish (+ lag) or this date; for bridge power.")
            }),
            &["mw", "from"],
            "A facility power source.",
        ),
    );
    defs.insert(
        "order".into(),
        object(
            json!({
                "generation": reference("text", "A GPU generation: built-in (H100, H200, GB200, GB300, Rubin, Rubin-Ultra) or defined under `generations:` in scenario.yaml."),
                "racks": integer(1, MAX_RACKS, "How many racks."),
                "rack_kw": number(MIN_RACK_KW, MAX_RACK_KW, "IT kW per rack; default: the generation's."),
                "gpus_per_rack": integer(1, MAX_GPUS_PER_RACK, "Default: the generation's."),
                "ordered": trigger("A date, or a task id: ordered the day that task finishes."),
                "lead_time": reference("distribution", "Order to first delivery."),
                "racks_per_week": integer(1, MAX_RACKS, "One batch every 7 days from the first delivery.")
            }),
            &["generation", "racks", "ordered", "lead_time", "racks_per_week"],
            "A GPU order; racks are delivered in weekly batches.",
        ),
    );
    json!({
        "$schema": DRAFT,
        "title": "warmshell site file",
        "description": "One site of a warmshell scenario: its tasks, halls, power, GPU orders and install crews. Reference: docs/format.md.",
        "type": "object",
        "properties": {
            "name": reference("text", "Display name; default: the file stem."),
            "pue": number(1.0, 3.0, "Power usage effectiveness: facility watts per IT watt, 1.0 to 3.0."),
            "tasks": id_map(json!({ "$ref": "#/definitions/task" }), "The dependency graph; task ids are the keys."),
            "halls": id_map(json!({ "$ref": "#/definitions/hall" }), "Warm shells; hall ids are the keys."),
            "power": id_map(json!({ "$ref": "#/definitions/power" }), "Facility power sources; ids are the keys."),
            "orders": id_map(json!({ "$ref": "#/definitions/order" }), "GPU orders; ids are the keys."),
            "install": object(json!({
                "crews": integer(1, MAX_CREWS, "Racks installed in parallel."),
                "days_per_rack": integer(1, 365, "Whole days a crew spends on one rack."),
                "burn_in": reference("duration", "After energizing, before a rack earns (at most a year); default 0d.")
            }), &["crews", "days_per_rack"], "Install crews; required when the site has orders.")
        },
        "required": ["pue"],
        "additionalProperties": false,
        "if": {
            "properties": { "orders": { "type": "object", "minProperties": 1 } },
            "required": ["orders"]
        },
        "then": { "required": ["install"] },
        "definitions": defs
    })
}

pub fn scenario() -> Value {
    let mut defs = common();
    defs.insert(
        "generation".into(),
        object(
            json!({
                "available": reference("date", "First volume shipments."),
                "gpus_per_rack": integer(1, MAX_GPUS_PER_RACK, "GPUs in one rack."),
                "rack_kw": number(MIN_RACK_KW, MAX_RACK_KW, "IT kW per rack."),
                "usd_per_gpu": positive(10_000_000.0, "Purchase price of one GPU, USD."),
                "usd_per_gpu_hour": positive(10_000.0, "Rental price per GPU-hour at launch, USD.")
            }),
            &[
                "available",
                "gpus_per_rack",
                "rack_kw",
                "usd_per_gpu",
                "usd_per_gpu_hour",
            ],
            "A GPU generation; a built-in name replaces that catalog entry whole.",
        ),
    );
    let date_list = |n: usize, what: &str| {
        json!({
            "type": "array",
            "items": { "$ref": "#/definitions/date" },
            "minItems": n,
            "maxItems": n,
            "description": what
        })
    };
    let one = |key: &str, body: Value| {
        json!({
            "type": "object",
            "properties": { key: body },
            "required": [key],
            "additionalProperties": false
        })
    };
    defs.insert(
        "date_distribution".into(),
        json!({
            "description": "A date, or `{ uniform: [d1, d2] }`, `{ triangular: [min, mode, max] }`, `{ pert: [min, mode, max] }` of dates.",
            "anyOf": [
                { "$ref": "#/definitions/date" },
                one("uniform", date_list(2, "[earliest, latest]")),
                one("triangular", date_list(3, "[earliest, most likely, latest]")),
                one("pert", date_list(3, "[earliest, most likely, latest]"))
            ]
        }),
    );
    let forbid = |keys: &[&str]| -> Value {
        let props: serde_json::Map<String, Value> = keys
            .iter()
            .map(|k| ((*k).to_owned(), json!(false)))
            .collect();
        Value::Object(props)
    };
    defs.insert(
        "rival".into(),
        json!({
            "type": "object",
            "description": "A competitor's capacity of one generation: `mw` or `racks` with `power_on`, or a `site` file simulated like ours.",
            "properties": {
                "generation": reference("text", "The generation the rival powers."),
                "mw": positive(1_000_000.0, "IT MW."),
                "racks": integer(1, MAX_RACKS, "Racks, at the generation's rack_kw."),
                "power_on": reference("date_distribution", "When it powers on: a date or a date distribution (a date before `start` means already powered)."),
                "site": { "type": "string", "description": "A site file, relative to the scenario folder (keep rivals in a subfolder such as `rivals/`)." }
            },
            "required": ["generation"],
            "additionalProperties": false,
            "anyOf": [
                { "required": ["site"], "properties": forbid(&["mw", "racks", "power_on"]) },
                { "required": ["mw", "power_on"], "properties": forbid(&["racks", "site"]) },
                { "required": ["racks", "power_on"], "properties": forbid(&["mw", "site"]) }
            ]
        }),
    );
    json!({
        "$schema": DRAFT,
        "title": "warmshell scenario.yaml",
        "description": "The clock and the market of a warmshell scenario. Reference: docs/format.md.",
        "type": "object",
        "properties": {
            "start": reference("date", "Day 0 of the clock; every site starts its tasks no earlier."),
            "horizon": reference("date", "The simulation stops at the end of this day (after start, at most 100 years later)."),
            "generations": id_map(json!({ "$ref": "#/definitions/generation" }), "Add generations, or replace built-in ones whole (H100, H200, GB200, GB300, Rubin, Rubin-Ultra)."),
            "pricing": object(json!({
                "utilization": number(0.0, 1.0, "Share of GPU-hours sold; default 0.8."),
                "yearly_decline": number(0.0, 0.99, "Price lost per year since availability (compounded daily); default 0.2."),
                "successor_step": number(0.0, 1.0, "Price lost when each later generation becomes available; default 0.3."),
                "scarcity_premium": number(0.0, 1.0, "Price lost when capacity stops being scarce; default 0.3."),
                "floor_usd_per_gpu_hour": number(0.0, 10_000.0, "No price falls below this; default 1.5."),
                "parity_ratio": number(0.001, 1000.0, "The window closes when rivals' powered MW reach this x ours; default 1.0.")
            }), &[], "How GPU-hour prices move; every field is optional."),
            "finance": object(json!({
                "discount_rate": number(0.0, 1.0, "Annual, for NPV; default 0.10."),
                "depreciation_years": number(0.5, 30.0, "Straight-line GPU life; default 6."),
                "power_usd_per_mwh": number(0.0, 10_000.0, "Default 70."),
                "facility_usd_per_mw": number(0.0, 1e9, "Shell and M&E capex per MW of hall IT, paid when the hall is ready; default 0."),
                "facility_life_years": number(1.0, 100.0, "For the facility's book value at the horizon; default 20.")
            }), &[], "Money; every field is optional."),
            "correlation": id_map(number(0.0, 1.0, "Correlation of the group's durations, 0 to 1."), "Groups of tasks whose durations move together (Monte Carlo); tasks join with `group:`."),
            "rivals": id_map(json!({ "$ref": "#/definitions/rival" }), "Competitors' capacity; names are the keys.")
        },
        "required": ["start", "horizon"],
        "additionalProperties": false,
        "definitions": defs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_draft_07_objects() {
        for f in SchemaFile::ALL {
            let v: Value = serde_json::from_str(&render(f)).unwrap();
            assert_eq!(v["$schema"], DRAFT);
            assert_eq!(v["additionalProperties"], false);
        }
    }
}
