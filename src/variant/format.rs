//! A variant file, read into located changes (docs/variants.md).
//!
//! Only the shape of each change is checked here (which operation, which
//! section, which ids); what a change adds is checked later by the scenario
//! decoder, once it sits in the base scenario's tree.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::scenario::duration::parse_duration;
use crate::scenario::read::{Ctx, Fields, join, string};
use crate::scenario::yaml::{Node, Pos, Value};

/// A parsed variant file.
#[derive(Debug, Clone)]
pub struct Variant {
    pub file: PathBuf,
    /// A display name; default: the file stem.
    pub name: String,
    /// `base:` as written (relative to the variant's folder), and where.
    pub base: Option<(String, Pos)>,
    pub changes: Vec<Change>,
}

/// One item of `changes:`.
#[derive(Debug, Clone)]
pub struct Change {
    /// `changes[i]`, for messages.
    pub path: String,
    pub pos: Pos,
    pub target: Target,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `scenario.yaml` (no `site:` given).
    Scenario,
    /// A site file, by id (its file stem).
    Site { id: String, pos: Pos },
}

/// Entries of one id section (`power: { id: {...}, ... }`).
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub pos: Pos,
    /// (id, position of the id, its entry).
    pub entries: Vec<(String, Pos, Node)>,
}

#[derive(Debug, Clone)]
pub enum Op {
    /// New ids; each must not exist yet.
    Add(Vec<Section>),
    /// Existing ids, replaced whole.
    Replace(Vec<Section>),
    /// Fields merged into existing entries (id sections) or into the file's
    /// top level: the whole `set:` mapping.
    Set(Node),
    /// (section, [(id, pos)]).
    Remove(Vec<Removal>),
    Shift(Shift),
}

/// A section, where it is written, and the ids to remove from it.
pub type Removal = (String, Pos, Vec<(String, Pos)>);

/// What a shift moves, by how much.
#[derive(Debug, Clone)]
pub struct Shift {
    pub kind: ShiftKind,
    pub id: String,
    pub id_pos: Pos,
    /// Signed days (365/12 a month), rounded to whole days when applied.
    pub by_days: f64,
    pub by_pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftKind {
    /// A task's earliest start.
    Task,
    /// A power source's first day on.
    Power,
    /// An order's `ordered` date.
    Order,
    /// A rival's power-on date(s).
    Rival,
}

impl ShiftKind {
    pub fn key(self) -> &'static str {
        match self {
            ShiftKind::Task => "task",
            ShiftKind::Power => "power",
            ShiftKind::Order => "order",
            ShiftKind::Rival => "rival",
        }
    }
    /// The section of the file that holds what it names.
    pub fn section(self) -> &'static str {
        match self {
            ShiftKind::Task => "tasks",
            ShiftKind::Power => "power",
            ShiftKind::Order => "orders",
            ShiftKind::Rival => "rivals",
        }
    }
}

/// Id sections of a site file, and of `scenario.yaml`.
pub const SITE_SECTIONS: &[&str] = &["tasks", "halls", "power", "orders"];
pub const SCENARIO_SECTIONS: &[&str] = &["rivals", "generations"];
/// Sections whose entries may be removed (nothing else refers to them by id,
/// except tasks, whose references are checked after the change).
const SITE_REMOVABLE: &[&str] = SITE_SECTIONS;
const SCENARIO_REMOVABLE: &[&str] = &["rivals"];
/// Top-level fields `set:` may change besides id sections.
const SITE_FIELDS: &[&str] = &["name", "pue", "install"];
const SCENARIO_FIELDS: &[&str] = &["start", "horizon", "pricing", "finance", "correlation"];

const OPS: &[&str] = &["add", "replace", "set", "remove", "shift"];

/// Reads a variant file's tree; `None` after reporting its problems.
pub fn parse(file: &Path, root: &Node, diags: &mut Diagnostics) -> Option<Variant> {
    let before = diags.len();
    let mut ctx = Ctx { file, diags };
    if matches!(root.value, Value::Null) {
        ctx.error(
            Pos::default(),
            "",
            "the variant file is empty",
            Some(
                "write `changes:`, a list of changes to the base scenario (docs/variants.md)"
                    .into(),
            ),
        );
        return None;
    }
    let f = Fields::read(&mut ctx, root, "", &["name", "base", "changes"])?;
    let name = f
        .get("name")
        .and_then(|n| string(&mut ctx, n, "name"))
        .unwrap_or_else(|| {
            file.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let base = f
        .get("base")
        .and_then(|n| string(&mut ctx, n, "base").map(|s| (s, n.pos)));
    let mut changes = Vec::new();
    match f.required(&mut ctx, "changes", "a list of changes") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(c) = change(&mut ctx, item, &format!("changes[{i}]")) {
                    changes.push(c);
                }
            }
        }
        Some(
            n @ Node {
                value: Value::Null, ..
            },
        ) => ctx.error(
            n.pos,
            "changes",
            "no changes: the variant would be the base itself",
            None,
        ),
        Some(n) => ctx.expected(n, "changes", "a list of changes (`- site: ...`)"),
        None => {}
    }
    if ctx.diags.len() > before {
        return None;
    }
    Some(Variant {
        file: file.to_path_buf(),
        name,
        base,
        changes,
    })
}

fn change(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Change> {
    let mut allowed = vec!["site"];
    allowed.extend_from_slice(OPS);
    let f = Fields::read(ctx, node, path, &allowed)?;
    if unknown_keys(node, &allowed) {
        return None; // reported, with a suggestion, by Fields::read
    }
    let target = match f.get("site") {
        Some(n) => Target::Site {
            id: string(ctx, n, &f.field("site"))?,
            pos: n.pos,
        },
        None => Target::Scenario,
    };
    let given: Vec<&str> = OPS
        .iter()
        .copied()
        .filter(|op| f.get(op).is_some())
        .collect();
    let op_name = match given[..] {
        [one] => one,
        [] => {
            ctx.error(
                f.pos,
                path,
                "a change needs one operation",
                Some(format!("use one of: {}", OPS.join(", "))),
            );
            return None;
        }
        _ => {
            ctx.error(
                f.pos,
                path,
                format!("one operation per change, found {}", given.join(" and ")),
                Some("write each as its own item of `changes`".into()),
            );
            return None;
        }
    };
    let body = f.get(op_name)?;
    let opath = f.field(op_name);
    let on_site = matches!(target, Target::Site { .. });
    let (sections, removable, fields) = if on_site {
        (SITE_SECTIONS, SITE_REMOVABLE, SITE_FIELDS)
    } else {
        (SCENARIO_SECTIONS, SCENARIO_REMOVABLE, SCENARIO_FIELDS)
    };
    let op = match op_name {
        "add" => Op::Add(id_sections(ctx, body, &opath, sections, on_site)?),
        "replace" => Op::Replace(id_sections(ctx, body, &opath, sections, on_site)?),
        "set" => {
            let mut all: Vec<&str> = sections.to_vec();
            all.extend_from_slice(fields);
            Fields::read(ctx, body, &opath, &all)?;
            let Value::Map(pairs) = &body.value else {
                return None;
            };
            for (key, value) in pairs {
                if let Value::Str(k) = &key.value
                    && sections.contains(&k.as_str())
                {
                    for (id, _, entry) in ids(ctx, value, &join(&opath, k))? {
                        if !matches!(entry.value, Value::Map(_)) {
                            ctx.expected(
                                &entry,
                                &join(&join(&opath, k), &id),
                                "a mapping of the fields to change",
                            );
                        }
                    }
                }
            }
            Op::Set(body.clone())
        }
        "remove" => Op::Remove(remove(ctx, body, &opath, removable, on_site)?),
        "shift" => Op::Shift(shift(ctx, body, &opath, on_site)?),
        _ => return None,
    };
    Some(Change {
        path: path.to_owned(),
        pos: node.pos,
        target,
        op,
    })
}

/// Where a section name belongs, for a helpful message.
fn section_help(name: &str, on_site: bool, allowed: &[&str]) -> Option<String> {
    if on_site && (SCENARIO_SECTIONS.contains(&name) || SCENARIO_FIELDS.contains(&name)) {
        return Some(format!(
            "`{name}` is in scenario.yaml: write this change without `site:`"
        ));
    }
    if !on_site && (SITE_SECTIONS.contains(&name) || SITE_FIELDS.contains(&name)) {
        return Some(format!(
            "`{name}` belongs to a site: add `site: <id>` to this change"
        ));
    }
    did_you_mean(name, allowed.iter().copied())
        .or_else(|| Some(format!("allowed here: {}", allowed.join(", "))))
}

fn id_sections(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    allowed: &[&str],
    on_site: bool,
) -> Option<Vec<Section>> {
    let Value::Map(pairs) = &node.value else {
        ctx.expected(
            node,
            path,
            "a mapping of sections (e.g. `power: { id: {...} }`)",
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in pairs {
        let Value::Str(name) = &key.value else {
            ctx.expected(key, path, "a section name");
            ok = false;
            continue;
        };
        if !allowed.contains(&name.as_str()) {
            ctx.error(
                key.pos,
                &join(path, name),
                format!("`{name}` cannot be changed this way"),
                section_help(name, on_site, allowed),
            );
            ok = false;
            continue;
        }
        if out.iter().any(|s: &Section| s.name == *name) {
            ctx.error(
                key.pos,
                &join(path, name),
                format!("section `{name}` given twice"),
                Some("merge them".into()),
            );
            ok = false;
            continue;
        }
        match ids(ctx, value, &join(path, name)) {
            Some(entries) => out.push(Section {
                name: name.clone(),
                pos: key.pos,
                entries,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// `id: entry` pairs of a section, ids checked for shape and repeats.
fn ids(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Vec<(String, Pos, Node)>> {
    let Value::Map(pairs) = &node.value else {
        ctx.expected(node, path, "a mapping of ids to entries");
        return None;
    };
    let mut out: Vec<(String, Pos, Node)> = Vec::new();
    let mut seen: std::collections::HashMap<String, Pos> = std::collections::HashMap::new();
    let mut ok = true;
    for (key, value) in pairs {
        let id = match &key.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            _ => {
                ctx.expected(key, path, "an id");
                ok = false;
                continue;
            }
        };
        if let Some(first) = seen.get(&id) {
            ctx.error(
                key.pos,
                &join(path, &id),
                format!("`{id}` given twice: already at line {}", first.line),
                Some("remove one of them".into()),
            );
            ok = false;
            continue;
        }
        seen.insert(id.clone(), key.pos);
        out.push((id, key.pos, value.clone()));
    }
    ok.then_some(out)
}

fn remove(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    allowed: &[&str],
    on_site: bool,
) -> Option<Vec<Removal>> {
    let Value::Map(pairs) = &node.value else {
        ctx.expected(
            node,
            path,
            "a mapping of sections to lists of ids (`power: [grid-2]`)",
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in pairs {
        let Value::Str(name) = &key.value else {
            ctx.expected(key, path, "a section name");
            ok = false;
            continue;
        };
        let spath = join(path, name);
        if !allowed.contains(&name.as_str()) {
            ctx.error(
                key.pos,
                &spath,
                format!("`{name}` entries cannot be removed"),
                section_help(name, on_site, allowed),
            );
            ok = false;
            continue;
        }
        let items: Vec<&Node> = match &value.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Str(_) => vec![value],
            _ => {
                ctx.expected(value, &spath, "a list of ids");
                ok = false;
                continue;
            }
        };
        let mut list: Vec<(String, Pos)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, item) in items.into_iter().enumerate() {
            let Some(id) = string(ctx, item, &format!("{spath}[{i}]")) else {
                ok = false;
                continue;
            };
            if seen.insert(id.clone()) {
                list.push((id, item.pos));
            }
        }
        out.push((name.clone(), key.pos, list));
    }
    ok.then_some(out)
}

fn shift(ctx: &mut Ctx, node: &Node, path: &str, on_site: bool) -> Option<Shift> {
    let kinds: &[ShiftKind] = if on_site {
        &[ShiftKind::Task, ShiftKind::Power, ShiftKind::Order]
    } else {
        &[ShiftKind::Rival]
    };
    let mut allowed: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
    allowed.push("by");
    let f = Fields::read(ctx, node, path, &allowed)?;
    if unknown_keys(node, &allowed) {
        return None;
    }
    let given: Vec<ShiftKind> = kinds
        .iter()
        .copied()
        .filter(|k| f.get(k.key()).is_some())
        .collect();
    let by = f.required(ctx, "by", "a duration, e.g. `12mo` or `-30d`");
    let kind = match given[..] {
        [one] => Some(one),
        [] => {
            let names: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
            ctx.error(
                f.pos,
                path,
                format!("say what to shift: {}", names.join(", ")),
                if on_site {
                    Some("e.g. `shift: { task: substation, by: 3mo }`".into())
                } else {
                    Some("e.g. `shift: { rival: neocloud, by: -2mo }`; site tasks, power and orders need `site:`".into())
                },
            );
            None
        }
        _ => {
            ctx.error(
                f.pos,
                path,
                "one thing per shift",
                Some("write each as its own change".into()),
            );
            None
        }
    };
    let kind = kind?;
    let id_node = f.get(kind.key())?;
    let id = string(ctx, id_node, &f.field(kind.key()))?;
    let by = by?;
    let by_days = signed_duration(ctx, by, &f.field("by"))?;
    Some(Shift {
        kind,
        id,
        id_pos: id_node.pos,
        by_days,
        by_pos: by.pos,
    })
}

/// Whether a mapping has a key outside `allowed` (already reported).
fn unknown_keys(node: &Node, allowed: &[&str]) -> bool {
    match &node.value {
        Value::Map(pairs) => pairs
            .iter()
            .any(|(k, _)| !matches!(&k.value, Value::Str(s) if allowed.contains(&s.as_str()))),
        _ => false,
    }
}

/// `12mo`, `-30d`, `+1y`: signed days.
fn signed_duration(ctx: &mut Ctx, node: &Node, path: &str) -> Option<f64> {
    let text = match &node.value {
        Value::Str(s) => s.trim().to_owned(),
        Value::Int(i) => i.to_string(),
        other => {
            ctx.error(
                node.pos,
                path,
                format!(
                    "expected a duration such as `12mo` or `-30d`, found {}",
                    other.kind()
                ),
                None,
            );
            return None;
        }
    };
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, text.strip_prefix('+').unwrap_or(&text)),
    };
    match parse_duration(rest) {
        Ok(0.0) => {
            ctx.error(node.pos, path, "a shift of zero changes nothing", None);
            None
        }
        Ok(d) => Some(sign * d),
        Err(e) => {
            ctx.error(node.pos, path, e.message, e.help);
            None
        }
    }
}
