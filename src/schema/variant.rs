//! The JSON Schema of a variant file (docs/variants.md), mirroring
//! `variant/format.rs`: one operation per change, the sections each
//! operation may touch on a site (`site: ID`) or on `scenario.yaml` (no
//! `site:`). What `add:`, `replace:` and `set:` bring in is checked by the
//! scenario decoder once applied, so it is described with the site and
//! scenario schemas' own definitions: whole entries for `add`/`replace`,
//! any subset of an entry's fields for `set` (which merges them).

use serde_json::{Map, Value, json};

use super::{DRAFT, object, reference, scenario, site};
use crate::variant::format::{SCENARIO_SECTIONS, SITE_SECTIONS};

/// `12mo`, `-30d`, `+1y`: a signed duration that is not zero.
const SHIFT_PATTERN: &str = r"^\s*[+-]?\s*0*[1-9][0-9]*(d|w|mo|y)\s*$";

const OPS: [&str; 5] = ["add", "replace", "set", "remove", "shift"];

/// The definition (of the site or scenario schema) of a section's entries.
fn entry_def(section: &str) -> &'static str {
    match section {
        "tasks" => "task",
        "halls" => "hall",
        "power" => "power",
        "orders" => "order",
        "rivals" => "rival",
        _ => "generation",
    }
}

/// An entry with any subset of its fields (for `set`): the required fields
/// and the whole-entry rules are dropped, unknown fields still rejected.
fn partial(entry: &Value) -> Value {
    let mut e = entry.clone();
    if let Some(m) = e.as_object_mut() {
        for k in ["required", "anyOf", "if", "then"] {
            m.remove(k);
        }
    }
    e
}

/// A mapping of ids (the keys) to `entry`; unlike a site file's sections,
/// a variant's may not be left empty (`power:` alone).
fn ids_of(entry: Value, description: &str) -> Value {
    json!({
        "type": "object",
        "propertyNames": { "$ref": "#/definitions/id" },
        "additionalProperties": entry,
        "description": description
    })
}

fn entry_ref(section: &str, suffix: &str) -> Value {
    json!({ "$ref": format!("#/definitions/{}{suffix}", entry_def(section)) })
}

/// `add:` or `replace:` on these sections: whole entries by id.
fn whole_entries(sections: &[&str], description: &str) -> Value {
    let props: Map<String, Value> = sections
        .iter()
        .map(|s| {
            let what = format!("`{s}` entries by id, written as in the file.");
            ((*s).to_owned(), ids_of(entry_ref(s, ""), &what))
        })
        .collect();
    object(Value::Object(props), &[], description)
}

/// `set:` on these sections (entries' fields by id) and top-level fields.
fn set_fields(sections: &[&str], fields: &Map<String, Value>, description: &str) -> Value {
    let mut props: Map<String, Value> = sections
        .iter()
        .map(|s| {
            let what =
                format!("`{s}` entries by id: the fields to change (merged into the entry).");
            ((*s).to_owned(), ids_of(entry_ref(s, "_fields"), &what))
        })
        .collect();
    props.extend(fields.clone());
    object(Value::Object(props), &[], description)
}

fn removals(sections: &[&str], description: &str) -> Value {
    let props: Map<String, Value> = sections
        .iter()
        .map(|s| {
            let list = json!({
                "description": format!("`{s}` ids to remove: a list, or one id."),
                "anyOf": [
                    { "$ref": "#/definitions/text" },
                    { "type": "array", "items": { "$ref": "#/definitions/text" } }
                ]
            });
            ((*s).to_owned(), list)
        })
        .collect();
    object(Value::Object(props), &[], description)
}

/// The named top-level properties of a schema, for `set:`; `partial` ones
/// lose their required fields (they are merged one level deep).
fn fields_of(schema: &Value, names: &[&str], partial_ones: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .map(|n| {
            let p = &schema["properties"][*n];
            let p = if partial_ones.contains(n) {
                partial(p)
            } else {
                p.clone()
            };
            ((*n).to_owned(), p)
        })
        .collect()
}

pub fn schema() -> Value {
    let site = site();
    let scenario = scenario();
    let mut defs = Map::new();
    for s in [&site, &scenario] {
        if let Some(d) = s["definitions"].as_object() {
            for (k, v) in d {
                defs.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    for section in SITE_SECTIONS.iter().chain(SCENARIO_SECTIONS) {
        let def = entry_def(section);
        let fields = partial(&defs[def]);
        defs.insert(format!("{def}_fields"), fields);
    }
    defs.insert(
        "shift_by".into(),
        json!({
            "type": "string",
            "pattern": SHIFT_PATTERN,
            "patternErrorMessage": "Not a shift: write a duration with an optional sign, e.g. 12mo or -30d (not zero).",
            "description": "How far: a duration with an optional sign (`12mo`, `-30d`, `+1y`; months are 365/12 days), rounded to whole days. Negative is earlier.",
            "examples": ["12mo", "-3mo", "2w"]
        }),
    );
    defs.insert(
        "site_add".into(),
        whole_entries(
            SITE_SECTIONS,
            "New ids in the site file; each must not exist yet.",
        ),
    );
    defs.insert(
        "site_replace".into(),
        whole_entries(
            SITE_SECTIONS,
            "Existing ids of the site file, replaced whole.",
        ),
    );
    defs.insert(
        "site_set".into(),
        set_fields(
            SITE_SECTIONS,
            &fields_of(&site, &["name", "pue", "install"], &["install"]),
            "Fields merged into existing entries by id; `install` merged one level deep; `name` and `pue` replaced.",
        ),
    );
    defs.insert(
        "site_remove".into(),
        removals(SITE_SECTIONS, "Existing ids removed from the site file."),
    );
    let thing = |what: &str| reference("text", &format!("The id of the {what} to shift."));
    defs.insert(
        "site_shift".into(),
        json!({
            "type": "object",
            "properties": {
                "task": thing("task (its earliest start moves: predecessors' lags and `not_before`)"),
                "power": thing("power source (its first day on: `from` date, or `lag` after a `from` task)"),
                "order": thing("order (its `ordered` date)"),
                "by": { "$ref": "#/definitions/shift_by" }
            },
            "required": ["by"],
            "additionalProperties": false,
            "oneOf": [{ "required": ["task"] }, { "required": ["power"] }, { "required": ["order"] }],
            "description": "Move one task, power source or order in time: `{ task: ID, by: 12mo }`."
        }),
    );
    defs.insert(
        "scenario_add".into(),
        whole_entries(
            SCENARIO_SECTIONS,
            "New rivals or generations in scenario.yaml (a catalog name replaces that built-in generation).",
        ),
    );
    defs.insert(
        "scenario_replace".into(),
        whole_entries(
            SCENARIO_SECTIONS,
            "Existing ids of scenario.yaml, replaced whole.",
        ),
    );
    defs.insert(
        "scenario_set".into(),
        set_fields(
            SCENARIO_SECTIONS,
            &fields_of(
                &scenario,
                &["start", "horizon", "pricing", "finance", "correlation"],
                &[],
            ),
            "Fields merged into existing rivals or generations by id; `pricing`, `finance` and `correlation` merged one level deep; `start` and `horizon` replaced.",
        ),
    );
    defs.insert(
        "scenario_remove".into(),
        removals(&["rivals"], "Rivals removed from scenario.yaml."),
    );
    defs.insert(
        "scenario_shift".into(),
        object(
            json!({
                "rival": thing("rival (its `power_on` date, or every date of its distribution)"),
                "by": { "$ref": "#/definitions/shift_by" }
            }),
            &["rival", "by"],
            "Move a rival's power-on: `{ rival: NAME, by: -2mo }`.",
        ),
    );
    let ops_for = |target: &str| -> Value {
        let props: Map<String, Value> = OPS
            .iter()
            .map(|op| {
                let r = json!({ "$ref": format!("#/definitions/{target}_{op}") });
                ((*op).to_owned(), r)
            })
            .collect();
        json!({ "properties": props })
    };
    let describe = |what: &str| json!({ "description": what });
    defs.insert(
        "change".into(),
        json!({
            "type": "object",
            "description": "One change: a target (`site: ID`, or none for scenario.yaml) and exactly one operation.",
            "properties": {
                "site": reference("text", "A site id (its file name without .yaml). Without `site:`, the change is to scenario.yaml."),
                "add": describe("New ids; each must not exist yet. Site: tasks, halls, power, orders; scenario.yaml: rivals, generations."),
                "replace": describe("Existing ids, replaced whole. Site: tasks, halls, power, orders; scenario.yaml: rivals, generations."),
                "set": describe("Some fields of existing entries (by id) or of the file; the others are kept."),
                "remove": describe("Existing ids, removed. Site: tasks, halls, power, orders; scenario.yaml: rivals."),
                "shift": describe("Move a task, power source or order (site), or a rival (scenario.yaml) in time.")
            },
            "additionalProperties": false,
            "oneOf": OPS.map(|op| json!({ "required": [op] })),
            "if": { "required": ["site"] },
            "then": ops_for("site"),
            "else": ops_for("scenario")
        }),
    );
    json!({
        "$schema": DRAFT,
        "title": "warmshell variant file",
        "description": "A what-if: changes to a base scenario by id, for `warmshell compare` (and `run`, `mc`, `validate`). Reference: docs/variants.md.",
        "type": "object",
        "properties": {
            "name": reference("text", "Display name; default: the file stem."),
            "base": reference("text", "The scenario folder it changes, relative to this file's folder; default `..`."),
            "changes": {
                "type": "array",
                "items": { "$ref": "#/definitions/change" },
                "description": "The changes, applied in order."
            }
        },
        "required": ["changes"],
        "additionalProperties": false,
        "definitions": defs
    })
}
