//! A YAML document as a tree of located nodes.
//!
//! serde-saphyr parses the text; we keep every node's line and column so that
//! the decoder can report *all* problems in a file with exact locations,
//! rather than stopping at the first type mismatch as typed serde would.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Where a node sits in its file (1-based; 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

/// A located YAML node.
#[derive(Debug, Clone)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order (ordering is meaningful: declaration order breaks ties).
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How the value reads in an error message: "a string", "a list", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor).map(RawValue)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<SpannedNode>()? {
            items.push(item.0);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<SpannedNode>()? {
            let value = map.next_value::<SpannedNode>()?;
            entries.push((key.0, value.0));
        }
        Ok(Value::Map(entries))
    }
}

struct SpannedNode(Node);

impl<'de> Deserialize<'de> for SpannedNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<RawValue>::deserialize(d)?;
        Ok(SpannedNode(Node {
            pos: Pos {
                line: s.referenced.line(),
                column: s.referenced.column(),
            },
            value: s.value.0,
        }))
    }
}

/// A syntax error: the text is not YAML we can read.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

/// The most YAML nodes (keys, values, lists and mappings, counting every
/// use of an alias) read from one file. Reading costs about 1.5 µs and 200
/// bytes per node, so this bounds one file to about 0.4 s and 60 MB; a site
/// written one task per line (7 nodes) reaches it at about 35,000 tasks.
pub const MAX_NODES: usize = 250_000;
/// The deepest nesting of lists and mappings in one file (site files need 6).
pub const MAX_DEPTH: usize = 64;

/// Parses YAML text into a located tree. Repeated keys are kept (the decoder
/// reports them with their field path and goes on checking the file).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        budget: serde_saphyr::budget! { max_nodes: MAX_NODES, max_depth: MAX_DEPTH },
    };
    match serde_saphyr::from_str_with_options::<SpannedNode>(text, options) {
        Ok(node) => Ok(node.0),
        Err(err) => {
            let pos = err
                .location()
                .map(|l| Pos {
                    line: l.line(),
                    column: l.column(),
                })
                .unwrap_or_default();
            if let Some((message, help)) = over_budget(&err) {
                return Err(SyntaxError {
                    pos,
                    message,
                    help: Some(help),
                });
            }
            let message = plain_message(&err.without_snippet().to_string());
            // A missing `]` or `}` makes the reader fail later, often on another
            // line and with an obscure message: point at the open bracket instead.
            let before = |at: Pos| (at.line, at.column) < (pos.line, pos.column);
            let (at, open, stopped) = match unclosed_bracket(text) {
                Some((at, open)) if before(at) => (
                    at,
                    open,
                    format!(
                        "; the YAML reader stopped at line {}, column {}: {message}",
                        pos.line, pos.column
                    ),
                ),
                _ => match message
                    .strip_prefix("unclosed bracket '")
                    .and_then(|r| r.chars().next())
                {
                    Some(open) => (pos, open, String::new()),
                    None => {
                        let indentation = message.contains("did not find expected key")
                            || message.contains("mapping values are not allowed");
                        let help = if message.contains("tabs") {
                            Some("indent with spaces: YAML does not allow tabs there".to_owned())
                        } else {
                            indentation.then(|| "check the indentation: the keys of one mapping line up, each nested one level deeper".to_owned())
                        };
                        return Err(SyntaxError { pos, message, help });
                    }
                },
            };
            let close = if open == '[' { ']' } else { '}' };
            Err(SyntaxError {
                pos: at,
                message: format!("unclosed `{open}`"),
                help: Some(format!("add the matching `{close}`{stopped}")),
            })
        }
    }
}

/// A file past one of the reader's limits, in the planner's words: the
/// message and a help line.
fn over_budget(err: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = err;
    let mut via_alias = false;
    loop {
        match inner {
            serde_saphyr::Error::WithSnippet { error, .. } => inner = error,
            serde_saphyr::Error::AliasError { error, .. } => {
                via_alias = true;
                inner = error;
            }
            _ => break,
        }
    }
    let too_deep = || {
        (
            format!("lists and mappings are nested too deeply (the limit is {MAX_DEPTH} levels)"),
            "site files need a few levels; look for unbalanced brackets or runaway indentation"
                .to_owned(),
        )
    };
    let breach = match inner {
        serde_saphyr::Error::Budget { breach, .. } => breach,
        _ if err.to_string().contains("recursion limit exceeded") => return Some(too_deep()),
        _ => return None,
    };
    let aliases = || {
        "aliases (`*name`) used over and over, or nested, multiply the file \
         (a \"billion laughs\"); write the values out instead"
            .to_owned()
    };
    let nodes = MAX_NODES
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    Some(match breach {
        BudgetBreach::Depth { .. } => too_deep(),
        BudgetBreach::Nodes { .. } => (
            format!(
                "the file is too large to read: more than {nodes} YAML nodes \
                 (keys, values, lists and mappings{})",
                if via_alias {
                    ", counting each use of an alias"
                } else {
                    ""
                }
            ),
            if via_alias {
                aliases()
            } else {
                format!(
                    "one file may hold {nodes} nodes (about 35,000 one-line tasks); \
                     split a larger site into several sites"
                )
            },
        ),
        BudgetBreach::Aliases { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. } => (
            "the file uses too many aliases to read".to_owned(),
            aliases(),
        ),
        other => (
            format!("the file is too large to read ({other:?})"),
            "split it into smaller files".to_owned(),
        ),
    })
}

/// The first flow bracket (`[` or `{`) that is never closed, if any. A rough
/// scan: quoted strings and comments are skipped, and outside brackets only a
/// `[` or `{` that begins a value counts (a plain scalar may contain one).
fn unclosed_bracket(text: &str) -> Option<(Pos, char)> {
    let mut open: Vec<(Pos, char)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        // The previous character, and the previous one that is not a space.
        let mut last: Option<char> = None;
        let mut last_solid: Option<char> = None;
        for (j, c) in line.chars().enumerate() {
            if let Some(q) = quote {
                if c == q && !escaped {
                    quote = None;
                }
                escaped = q == '"' && c == '\\' && !escaped;
                last = Some(c);
                last_solid = Some(c);
                continue;
            }
            let starts_value = matches!(last_solid, None | Some(':' | '-' | ',' | '[' | '{' | '?'));
            match c {
                '#' if last.is_none_or(char::is_whitespace) => break,
                '"' | '\'' if starts_value => quote = Some(c),
                '[' | '{' if starts_value || !open.is_empty() => {
                    open.push((
                        Pos {
                            line: i as u64 + 1,
                            column: j as u64 + 1,
                        },
                        c,
                    ));
                }
                ']' | '}' if !open.is_empty() => {
                    open.pop();
                }
                _ => {}
            }
            last = Some(c);
            if !c.is_whitespace() {
                last_solid = Some(c);
            }
        }
    }
    open.first().copied()
}

/// serde-saphyr's message without its `error: line L column C:` prefix or
/// its ` at line L, column C` suffix (we print the location ourselves), and
/// in the planner's words where serde-saphyr speaks of its own options.
fn plain_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or(rendered);
    let body = first.strip_prefix("error: ").unwrap_or(first);
    let body = match body.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => body,
    };
    let body = match body.rsplit_once(" at line ") {
        Some((head, tail)) if tail.contains("column") => head,
        _ => body,
    };
    let body = body.strip_suffix(" at line").unwrap_or(body).trim();
    if body.starts_with("multiple YAML documents") {
        return "the file holds more than one YAML document (a `---` line); keep one per file"
            .into();
    }
    if let Some(value) = body
        .strip_prefix("non-finite float ")
        .and_then(|b| b.strip_suffix(" rejected by the configured policy"))
    {
        return format!("{value} is not a finite number");
    }
    body.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_carry_their_line_and_column() {
        let n = parse("a: 1\nb:\n  - x\n  - {c: 2d}\n").unwrap();
        let Value::Map(entries) = &n.value else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a list")
        };
        assert_eq!(items[1].pos, Pos { line: 4, column: 5 });
    }

    #[test]
    fn duplicate_keys_are_kept_for_the_decoder() {
        let n = parse("a: 1\na: 2\n").unwrap();
        let Value::Map(entries) = &n.value else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn an_unclosed_bracket_is_located_where_it_opens() {
        let e = parse("a:\n  b: [x, y\n  c: 1\n").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, column: 6 });
        assert_eq!(e.message, "unclosed `[`");
        assert!(
            e.help.unwrap().contains("line 3, column 4"),
            "help names where the reader stopped"
        );
        // Brackets inside quotes, comments and plain scalars do not count.
        assert_eq!(
            unclosed_bracket("a: \"[x\" # [y\nb: c[d\ne: [f, {g: h}]\n"),
            None
        );
    }

    #[test]
    fn messages_carry_no_location_of_their_own() {
        let e = parse("a: 1\n b: 2\n").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, column: 3 });
        assert_eq!(e.message, "mapping values are not allowed in this context");
        assert_eq!(
            parse("a: .nan\n").unwrap_err().message,
            "`.nan` is not a finite number"
        );
    }

    #[test]
    fn empty_text_is_null() {
        assert!(matches!(parse("").unwrap().value, Value::Null));
    }
}
