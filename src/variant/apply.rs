//! Applying a variant's changes to the base scenario's located trees, before
//! they are decoded (see [`crate::scenario::load::Patch`]).
//!
//! Whatever a change brings in keeps its own position, marked as the
//! variant's ([`TAG`]): the decoder then checks it like any site field, and
//! its messages are moved back to the variant file afterwards.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use super::format::{Change, Op, Section, Shift, ShiftKind, Target, Variant};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::scenario::duration::parse_duration;
use crate::scenario::load::Patch;
use crate::scenario::read::join;
use crate::scenario::yaml::{Node, Pos, Value};

/// Added to the line of every node that comes from the variant file. Files
/// are at most 16 MiB, so real lines never reach it.
pub const TAG: u64 = 1 << 40;

/// Positions as the variant file has them, marked as the variant's.
fn tag(pos: Pos) -> Pos {
    if pos.line == 0 {
        return pos;
    }
    Pos {
        line: pos.line + TAG,
        column: pos.column,
    }
}

/// The real position of a node that may be the variant's, and whether it is.
pub fn untag(pos: Pos) -> (Pos, bool) {
    if pos.line >= TAG {
        (
            Pos {
                line: pos.line - TAG,
                column: pos.column,
            },
            true,
        )
    } else {
        (pos, false)
    }
}

fn tagged(node: &Node) -> Node {
    let value = match &node.value {
        Value::Seq(items) => Value::Seq(items.iter().map(tagged).collect()),
        Value::Map(pairs) => {
            Value::Map(pairs.iter().map(|(k, v)| (tagged(k), tagged(v))).collect())
        }
        other => other.clone(),
    };
    Node {
        pos: tag(node.pos),
        value,
    }
}

fn str_node(s: String, pos: Pos) -> Node {
    Node {
        pos,
        value: Value::Str(s),
    }
}

/// The variant as a [`Patch`] for the loader.
pub struct Applier<'v> {
    pub variant: &'v Variant,
    /// The scenario's start (after the variant's own changes), for shifting
    /// tasks that have neither predecessors nor a `not_before` date.
    start: Option<NaiveDate>,
    /// Removed tasks still referenced, already reported: (site file, id).
    pub dangling: Vec<(std::path::PathBuf, String)>,
}

impl<'v> Applier<'v> {
    pub fn new(variant: &'v Variant) -> Self {
        Applier {
            variant,
            start: None,
            dangling: Vec::new(),
        }
    }

    fn error(
        &self,
        diags: &mut Diagnostics,
        pos: Pos,
        field: &str,
        msg: String,
        help: Option<String>,
    ) {
        diags.push(Diagnostic {
            file: self.variant.file.clone(),
            pos,
            field: field.to_owned(),
            message: msg,
            help,
        });
    }
}

impl Patch for Applier<'_> {
    fn scenario(&mut self, root: &mut Node, site_ids: &[String], diags: &mut Diagnostics) {
        for c in &self.variant.changes {
            if let Target::Site { id, pos } = &c.target
                && !site_ids.contains(id)
            {
                let help = did_you_mean(id, site_ids.iter().map(String::as_str)).or_else(|| {
                    Some(format!(
                        "sites of the base scenario: {}",
                        site_ids.join(", ")
                    ))
                });
                self.error(
                    diags,
                    *pos,
                    &format!("{}.site", c.path),
                    format!("unknown site `{id}`"),
                    help,
                );
            }
        }
        let mut ctx = Apply {
            applier: self,
            diags,
            file_label: "scenario.yaml".into(),
            removed_tasks: Vec::new(),
            suggestions_left: 1_000_000,
        };
        for c in self
            .variant
            .changes
            .iter()
            .filter(|c| c.target == Target::Scenario)
        {
            ctx.change(root, c);
        }
        self.start = field(root, "start").and_then(|n| match &n.value {
            Value::Str(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            _ => None,
        });
    }

    fn site(&mut self, id: &str, file: &Path, root: &mut Node, diags: &mut Diagnostics) {
        let label = file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| id.to_owned());
        let mut ctx = Apply {
            applier: self,
            diags,
            file_label: label,
            removed_tasks: Vec::new(),
            suggestions_left: 1_000_000,
        };
        for c in &self.variant.changes {
            if matches!(&c.target, Target::Site { id: t, .. } if t == id) {
                ctx.change(root, c);
            }
        }
        let removed = std::mem::take(&mut ctx.removed_tasks);
        let dangling = ctx.dangling(root, &removed);
        self.dangling
            .extend(dangling.into_iter().map(|id| (file.to_path_buf(), id)));
    }
}

/// Applying the changes to one file's tree.
struct Apply<'a, 'v> {
    applier: &'a Applier<'v>,
    diags: &'a mut Diagnostics,
    /// The file's name, for messages.
    file_label: String,
    /// Tasks removed, with the position of the id in the variant.
    removed_tasks: Vec<(String, Pos, String)>,
    /// Id comparisons left for "did you mean" suggestions.
    suggestions_left: usize,
}

/// The value of `key` in a mapping node.
fn field<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(pairs) => pairs.iter().find(|(k, _)| key_is(k, key)).map(|(_, v)| v),
        _ => None,
    }
}

fn field_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut node.value {
        Value::Map(pairs) => pairs
            .iter_mut()
            .find(|(k, _)| key_is(k, key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn key_is(k: &Node, key: &str) -> bool {
    match &k.value {
        Value::Str(s) => s == key,
        Value::Int(i) => i.to_string() == key,
        _ => false,
    }
}

fn key_text(k: &Node) -> String {
    match &k.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

/// Sets `key` of a mapping to `value`, replacing or appending.
fn put(node: &mut Node, key: Node, value: Node) {
    if matches!(node.value, Value::Null) {
        node.value = Value::Map(Vec::new());
    }
    if let Value::Map(pairs) = &mut node.value {
        match pairs.iter_mut().find(|(k, _)| key_is(k, &key_text(&key))) {
            Some((_, v)) => *v = value,
            None => pairs.push((key, value)),
        }
    }
}

/// Position of each id in its section (the first, if repeated).
fn index_of(ids: &[String]) -> HashMap<&str, usize> {
    let mut m = HashMap::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        m.entry(id.as_str()).or_insert(i);
    }
    m
}

/// The entry at position `i` of section `name`.
fn entry_at<'n>(root: &'n mut Node, name: &str, i: usize) -> Option<&'n mut Node> {
    match &mut field_mut(root, name)?.value {
        Value::Map(pairs) => pairs.get_mut(i).map(|(_, v)| v),
        _ => None,
    }
}

fn ids_of(section: Option<&Node>) -> Vec<String> {
    match section.map(|s| &s.value) {
        Some(Value::Map(pairs)) => pairs.iter().map(|(k, _)| key_text(k)).collect(),
        _ => Vec::new(),
    }
}

/// Days rounded to whole days, halves away from zero.
fn whole(days: f64) -> i64 {
    days.round() as i64
}

fn shift_date(text: &str, days: f64) -> Option<String> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let moved = d.checked_add_signed(chrono::Duration::days(whole(days)))?;
    Some(moved.format("%Y-%m-%d").to_string())
}

/// A string that reads as a date rather than a task id.
fn is_date(text: &str) -> bool {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok()
}

impl Apply<'_, '_> {
    fn error(&mut self, pos: Pos, field: &str, msg: String, help: Option<String>) {
        self.applier.error(self.diags, pos, field, msg, help);
    }

    fn unknown(&mut self, pos: Pos, field: &str, what: &str, id: &str, known: &[String]) {
        // Each comparison costs about a microsecond: bounded, as in the decoder.
        let suggestion = (self.suggestions_left >= known.len())
            .then(|| {
                self.suggestions_left -= known.len();
                did_you_mean(id, known.iter().map(String::as_str))
            })
            .flatten();
        let builtin = (what == "generation").then(|| {
            "a built-in generation is changed with `add` and its whole entry, which \
             replaces the catalog's (as in scenario.yaml)"
                .to_owned()
        });
        let help = suggestion.or(builtin).or_else(|| {
            Some(if known.is_empty() {
                format!("{} has none", self.file_label)
            } else if known.len() <= 12 {
                format!("in {}: {}", self.file_label, known.join(", "))
            } else {
                format!(
                    "in {}: {}, ... ({} in all)",
                    self.file_label,
                    known[..12].join(", "),
                    known.len()
                )
            })
        });
        let msg = format!("unknown {what} `{id}` in {}", self.file_label);
        self.error(pos, field, msg, help);
    }

    fn change(&mut self, root: &mut Node, c: &Change) {
        if !matches!(root.value, Value::Map(_) | Value::Null) {
            return; // the decoder reports a file that is not a mapping
        }
        match &c.op {
            Op::Add(sections) => {
                for s in sections {
                    self.add(root, s, &join(&c.path, "add"));
                }
            }
            Op::Replace(sections) => {
                for s in sections {
                    self.replace(root, s, &join(&c.path, "replace"));
                }
            }
            Op::Set(body) => self.set(root, body, &join(&c.path, "set")),
            Op::Remove(sections) => {
                for (name, _, ids) in sections {
                    self.remove(root, name, ids, &join(&c.path, "remove"));
                }
            }
            Op::Shift(s) => self.shift(root, s, &join(&c.path, "shift")),
        }
    }

    fn add(&mut self, root: &mut Node, s: &Section, path: &str) {
        if field(root, &s.name).is_none() {
            put(
                root,
                str_node(s.name.clone(), tag(s.pos)),
                Node {
                    pos: tag(s.pos),
                    value: Value::Map(Vec::new()),
                },
            );
        }
        let Some(section) = field_mut(root, &s.name) else {
            return;
        };
        if matches!(section.value, Value::Null) {
            section.value = Value::Map(Vec::new());
        }
        let existing: HashSet<String> = ids_of(Some(section)).into_iter().collect();
        let Value::Map(pairs) = &mut section.value else {
            let msg = format!(
                "cannot add to `{}` in {}: it is not a mapping",
                s.name, self.file_label
            );
            self.error(s.pos, &join(path, &s.name), msg, None);
            return;
        };
        let mut problems = Vec::new();
        for (id, pos, entry) in &s.entries {
            if existing.contains(id) {
                problems.push((*pos, id.clone()));
                continue;
            }
            pairs.push((str_node(id.clone(), tag(*pos)), tagged(entry)));
        }
        for (pos, id) in problems {
            let msg = format!("`{id}` already exists in {} ({})", s.name, self.file_label);
            let help = Some(
                "use `replace` to change it whole, or `set` to change some of its fields"
                    .to_owned(),
            );
            self.error(pos, &join(&join(path, &s.name), &id), msg, help);
        }
    }

    fn replace(&mut self, root: &mut Node, s: &Section, path: &str) {
        let known = ids_of(field(root, &s.name));
        let index = index_of(&known);
        for (id, pos, entry) in &s.entries {
            let fpath = join(&join(path, &s.name), id);
            let slot = index
                .get(id.as_str())
                .and_then(|&i| entry_at(root, &s.name, i));
            match slot {
                Some(v) => *v = tagged(entry),
                None => self.unknown(*pos, &fpath, singular(&s.name), id, &known),
            }
        }
    }

    fn set(&mut self, root: &mut Node, body: &Node, path: &str) {
        let Value::Map(pairs) = &body.value else {
            return;
        };
        for (key, value) in pairs {
            let name = key_text(key);
            let id_section = super::format::SITE_SECTIONS.contains(&name.as_str())
                || super::format::SCENARIO_SECTIONS.contains(&name.as_str());
            if id_section {
                let known = ids_of(field(root, &name));
                let index = index_of(&known);
                let Value::Map(entries) = &value.value else {
                    continue;
                };
                for (idk, fields) in entries {
                    let id = key_text(idk);
                    let slot = index
                        .get(id.as_str())
                        .and_then(|&i| entry_at(root, &name, i));
                    let Some(entry) = slot else {
                        let fpath = join(&join(path, &name), &id);
                        self.unknown(idk.pos, &fpath, singular(&name), &id, &known);
                        continue;
                    };
                    merge(entry, fields);
                }
            } else {
                match field_mut(root, &name) {
                    Some(existing)
                        if matches!(existing.value, Value::Map(_))
                            && matches!(value.value, Value::Map(_)) =>
                    {
                        merge(existing, value)
                    }
                    _ => put(root, tagged(key), tagged(value)),
                }
            }
        }
    }

    fn remove(&mut self, root: &mut Node, name: &str, ids: &[(String, Pos)], path: &str) {
        let known = ids_of(field(root, name));
        let index = index_of(&known);
        let spath = join(path, name);
        let mut gone: HashSet<&str> = HashSet::new();
        for (i, (id, ipos)) in ids.iter().enumerate() {
            if !index.contains_key(id.as_str()) {
                self.unknown(*ipos, &format!("{spath}[{i}]"), singular(name), id, &known);
                continue;
            }
            gone.insert(id);
            if name == "tasks" {
                self.removed_tasks
                    .push((id.clone(), *ipos, format!("{spath}[{i}]")));
            }
        }
        if let Some(Value::Map(pairs)) = field_mut(root, name).map(|s| &mut s.value) {
            pairs.retain(|(k, _)| !gone.contains(key_text(k).as_str()));
        }
    }

    fn shift(&mut self, root: &mut Node, s: &Shift, path: &str) {
        let section = s.kind.section();
        let known = ids_of(field(root, section));
        let fpath = join(path, s.kind.key());
        let start = self.applier.start;
        let Some(entry) = field_mut(root, section).and_then(|sec| field_mut(sec, &s.id)) else {
            self.unknown(s.id_pos, &fpath, singular(section), &s.id, &known);
            return;
        };
        if !matches!(entry.value, Value::Map(_)) {
            return; // the decoder reports an entry that is not a mapping
        }
        let by = whole(s.by_days);
        let by_path = join(path, "by");
        let new_pos = tag(s.by_pos);
        let problem: Result<(), (String, Option<String>)> = match s.kind {
            ShiftKind::Task => shift_task(entry, s, start, new_pos),
            ShiftKind::Power => {
                let from = field(entry, "from").and_then(|n| match &n.value {
                    Value::Str(t) => Some(t.clone()),
                    _ => None,
                });
                match from {
                    Some(d) if is_date(&d) => {
                        set_date(entry, "from", &d, s.by_days, new_pos);
                        Ok(())
                    }
                    Some(task) => add_lag(entry, by, new_pos).map_err(|lag| {
                        (
                            format!(
                                "power source `{}` comes on {lag}d after task `{task}` finishes; it cannot come on {}d earlier than that",
                                s.id, -by
                            ),
                            Some(format!("shift task `{task}` instead")),
                        )
                    }),
                    None => Ok(()), // missing or malformed: the decoder says so
                }
            }
            ShiftKind::Order => {
                let ordered = field(entry, "ordered").and_then(|n| match &n.value {
                    Value::Str(t) => Some(t.clone()),
                    _ => None,
                });
                match ordered {
                    Some(d) if is_date(&d) => {
                        set_date(entry, "ordered", &d, s.by_days, new_pos);
                        Ok(())
                    }
                    Some(task) => Err((
                        format!(
                            "order `{}` is placed when task `{task}` finishes, not on a date",
                            s.id
                        ),
                        Some(format!(
                            "shift task `{task}`, or give the order a date with `set: {{ orders: {{ {}: {{ ordered: YYYY-MM-DD }} }} }}`",
                            s.id
                        )),
                    )),
                    None => Ok(()),
                }
            }
            ShiftKind::Rival => shift_rival(entry, s, new_pos),
        };
        if let Err((msg, help)) = problem {
            self.error(s.by_pos, &by_path, msg, help);
        }
    }

    /// Reports references to removed tasks that the variant left in place;
    /// returns those tasks.
    fn dangling(&mut self, root: &Node, removed: &[(String, Pos, String)]) -> Vec<String> {
        let mut out = Vec::new();
        if removed.is_empty() {
            return out;
        }
        let references = task_references(root);
        for (id, pos, path) in removed {
            let Some(users) = references.get(id.as_str()) else {
                continue;
            };
            let list: Vec<String> = users
                .iter()
                .take(5)
                .map(|(field, at)| {
                    let (at, ours) = untag(*at);
                    let file = if ours {
                        "this variant".to_owned()
                    } else {
                        self.file_label.clone()
                    };
                    format!("`{field}` ({file}, line {})", at.line)
                })
                .collect();
            let more = match users.len() {
                n if n > 5 => format!(" and {} more", n - 5),
                _ => String::new(),
            };
            let msg = format!(
                "task `{id}` is removed but still used by {}{more}",
                list.join(", ")
            );
            let help = Some(
                "remove or change those too, in this variant (`set`, `replace` or `remove`)".into(),
            );
            self.error(*pos, path, msg, help);
            out.push(id.clone());
        }
        out
    }
}

fn singular(section: &str) -> &'static str {
    match section {
        "tasks" => "task",
        "halls" => "hall",
        "power" => "power source",
        "orders" => "order",
        "rivals" => "rival",
        "generations" => "generation",
        _ => "entry",
    }
}

/// Merges the fields of `fields` into the mapping `entry`, one level deep.
fn merge(entry: &mut Node, fields: &Node) {
    let Value::Map(pairs) = &fields.value else {
        return;
    };
    for (k, v) in pairs {
        put(entry, tagged(k), tagged(v));
    }
}

fn set_date(entry: &mut Node, key: &str, old: &str, by_days: f64, pos: Pos) {
    if let Some(new) = shift_date(old, by_days) {
        put(entry, str_node(key.to_owned(), pos), str_node(new, pos));
    }
}

/// Adds `by` days to the entry's `lag` (default 0d); on a negative result,
/// the current lag in days.
fn add_lag(entry: &mut Node, by: i64, pos: Pos) -> Result<(), i64> {
    let old = match field(entry, "lag").map(|n| &n.value) {
        None => 0,
        Some(Value::Str(t)) => match parse_duration(t) {
            Ok(d) => whole(d),
            Err(_) => return Ok(()), // the decoder reports it
        },
        Some(_) => return Ok(()),
    };
    let new = old + by;
    if new < 0 {
        return Err(old);
    }
    put(
        entry,
        str_node("lag".into(), pos),
        str_node(format!("{new}d"), pos),
    );
    Ok(())
}

/// A task's earliest start moves by `by`: every predecessor's lag and its
/// `not_before` date move; a task with neither gets `not_before` = start + by.
fn shift_task(
    entry: &mut Node,
    s: &Shift,
    start: Option<NaiveDate>,
    pos: Pos,
) -> Result<(), (String, Option<String>)> {
    let by = whole(s.by_days);
    let mut has_after = false;
    if let Some(after) = field_mut(entry, "after") {
        // `after: land` is one predecessor: made a list of one, where a
        // `{ task, lag }` entry may stand.
        if let Value::Str(_) = &after.value {
            let single = Node {
                pos: after.pos,
                value: std::mem::replace(&mut after.value, Value::Seq(Vec::new())),
            };
            after.value = Value::Seq(vec![single]);
        }
        let items: Vec<&mut Node> = match &mut after.value {
            Value::Seq(items) => items.iter_mut().collect(),
            _ => vec![],
        };
        for item in items {
            has_after = true;
            let item_pos = item.pos;
            match &item.value {
                Value::Str(pred) => {
                    if by < 0 {
                        return Err((
                            format!(
                                "task `{}` starts when `{pred}` finishes; it cannot start {}d earlier",
                                s.id, -by
                            ),
                            Some(format!("shift `{pred}` instead, or remove the dependency")),
                        ));
                    }
                    let pred = pred.clone();
                    *item = Node {
                        pos: item_pos,
                        value: Value::Map(vec![
                            (str_node("task".into(), item_pos), str_node(pred, item_pos)),
                            (str_node("lag".into(), pos), str_node(format!("{by}d"), pos)),
                        ]),
                    };
                }
                Value::Map(_) => {
                    let pred = field(item, "task").map(key_text).unwrap_or_default();
                    if let Err(lag) = add_lag(item, by, pos) {
                        return Err((
                            format!(
                                "task `{}` starts {lag}d after `{pred}` finishes; it cannot start {}d earlier",
                                s.id, -by
                            ),
                            Some(format!("shift `{pred}` instead, or by at most -{lag}d")),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let not_before = field(entry, "not_before").and_then(|n| match &n.value {
        Value::Str(t) => Some(t.clone()),
        _ => None,
    });
    match not_before {
        Some(d) => set_date(entry, "not_before", &d, s.by_days, pos),
        None if !has_after => {
            let Some(start) = start else {
                return Ok(()); // no valid clock: the decoder reports it
            };
            if by < 0 {
                return Err((
                    format!(
                        "task `{}` starts on the scenario's start; it cannot start earlier",
                        s.id
                    ),
                    Some(
                        "move `start` in scenario.yaml (with `set`), or shift another task".into(),
                    ),
                ));
            }
            let d = start.format("%Y-%m-%d").to_string();
            set_date(entry, "not_before", &d, s.by_days, pos);
        }
        None => {}
    }
    Ok(())
}

/// A rival's `power_on` (a date or a distribution of dates) moves whole.
fn shift_rival(entry: &mut Node, s: &Shift, pos: Pos) -> Result<(), (String, Option<String>)> {
    if field(entry, "site").is_some() {
        return Err((
            format!(
                "rival `{}` is simulated from its site file: it has no power-on date to shift",
                s.id
            ),
            Some(
                "replace the rival with `replace: { rivals: ... }`, or change its site file".into(),
            ),
        ));
    }
    let Some(power_on) = field_mut(entry, "power_on") else {
        return Ok(());
    };
    match &mut power_on.value {
        Value::Str(d) => {
            if let Some(new) = shift_date(d, s.by_days) {
                *power_on = str_node(new, pos);
            }
        }
        Value::Map(pairs) => {
            for (_, dates) in pairs.iter_mut() {
                if let Value::Seq(items) = &mut dates.value {
                    for item in items.iter_mut() {
                        if let Value::Str(d) = &item.value
                            && let Some(new) = shift_date(d, s.by_days)
                        {
                            *item = str_node(new, pos);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every field of a site tree that names a task: task id -> (field path, position).
fn task_references(root: &Node) -> HashMap<String, Vec<(String, Pos)>> {
    let mut out: HashMap<String, Vec<(String, Pos)>> = HashMap::new();
    let named = |n: &Node| match &n.value {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    };
    let entries = |section: &str| -> Vec<(String, &Node)> {
        match field(root, section).map(|s| &s.value) {
            Some(Value::Map(pairs)) => pairs.iter().map(|(k, v)| (key_text(k), v)).collect(),
            _ => Vec::new(),
        }
    };
    for (tid, task) in entries("tasks") {
        let items: Vec<&Node> = match field(task, "after").map(|a| (a, &a.value)) {
            Some((_, Value::Seq(items))) => items.iter().collect(),
            Some((a, Value::Str(_))) => vec![a],
            _ => vec![],
        };
        for (i, item) in items.into_iter().enumerate() {
            let node = if matches!(item.value, Value::Str(_)) {
                Some(item)
            } else {
                field(item, "task")
            };
            if let Some((n, id)) = node.and_then(|n| named(n).map(|id| (n, id))) {
                out.entry(id)
                    .or_default()
                    .push((format!("tasks.{tid}.after[{i}]"), n.pos));
            }
        }
    }
    for (section, keys) in [
        ("halls", &["ready"][..]),
        ("power", &["from", "until"][..]),
        ("orders", &["ordered"][..]),
    ] {
        for (eid, entry) in entries(section) {
            for key in keys {
                if let Some((n, id)) = field(entry, key).and_then(|n| named(n).map(|id| (n, id))) {
                    out.entry(id)
                        .or_default()
                        .push((format!("{section}.{eid}.{key}"), n.pos));
                }
            }
        }
    }
    out
}
