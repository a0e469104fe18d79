//! Variants: a small YAML file that changes a base scenario by id (add,
//! replace, set or remove an entry; shift a task or a date), rather than a
//! copied folder. Format: docs/variants.md.
//!
//! A variant is applied to the base's located trees before they are decoded,
//! so everything it brings in is checked by the scenario decoder, and every
//! mistake is reported at its line in the variant file.

pub mod apply;
pub mod format;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::scenario::Scenario;
use crate::scenario::load::{LoadError, load_dir_patched, read_yaml};
use crate::scenario::yaml::Pos;
pub use format::Variant;

/// The base folder when a variant names none: variants live in a
/// `variants/` folder inside their scenario.
pub const DEFAULT_BASE: &str = "..";

/// Reads and checks the shape of a variant file.
pub fn read(path: &Path) -> Result<Variant, LoadError> {
    let mut diags = Diagnostics::default();
    if let Err(e) = std::fs::symlink_metadata(path) {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "variant file not found".to_owned(),
            _ => format!("cannot read: {e}"),
        };
        diags.push(Diagnostic::about_file(path, message));
        return Err(LoadError::Invalid(diags));
    }
    let variant =
        read_yaml(path, &mut diags).and_then(|root| format::parse(path, &root, &mut diags));
    match variant {
        Some(v) if diags.is_empty() => Ok(v),
        _ => {
            diags.sort();
            Err(LoadError::Invalid(diags))
        }
    }
}

/// The folder the variant's `base:` names (default [`DEFAULT_BASE`]),
/// relative to the variant file's folder.
pub fn base_dir(variant: &Variant) -> PathBuf {
    let here = match variant.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let base = variant
        .base
        .as_ref()
        .map_or(DEFAULT_BASE, |(b, _)| b.as_str());
    here.join(base)
}

/// Loads the base scenario in `base` with `variant` applied. A variant that
/// names its `base:` must name this folder.
pub fn load(base: &Path, variant: &Variant) -> Result<Scenario, LoadError> {
    if let Some((named, pos)) = &variant.base {
        let named_dir = base_dir(variant);
        let same = match (named_dir.canonicalize(), base.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same && base.is_dir() {
            let mut diags = Diagnostics::default();
            diags.push(Diagnostic {
                file: variant.file.clone(),
                pos: *pos,
                field: "base".into(),
                message: format!(
                    "this variant's base is `{}` (`base: {named}`), not `{}`",
                    named_dir.display(),
                    base.display()
                ),
                help: Some(format!(
                    "compare it with its own base, or change `base:` (relative to {})",
                    variant
                        .file
                        .parent()
                        .map_or_else(|| ".".into(), |p| p.display().to_string())
                )),
            });
            return Err(LoadError::Invalid(diags));
        }
    }
    let mut applier = apply::Applier::new(variant);
    match load_dir_patched(base, &mut applier) {
        Ok(s) => Ok(s),
        Err(LoadError::Invalid(mut diags)) => {
            // A removed task still referenced is reported once, at the variant's `remove`.
            diags.0.retain(|d| {
                !applier.dangling.iter().any(|(file, id)| {
                    d.file == *file && d.message == format!("unknown task `{id}`")
                })
            });
            Err(LoadError::Invalid(relocate(variant, diags)))
        }
        Err(e) => Err(e),
    }
}

/// Reads a variant file and loads it onto the base its `base:` names.
pub fn load_file(path: &Path) -> Result<(Variant, Scenario), LoadError> {
    let variant = read(path)?;
    let scenario = load(&base_dir(&variant), &variant)?;
    Ok((variant, scenario))
}

/// Moves the decoder's messages about what the variant brought in to the
/// variant file, naming the file the change went into.
fn relocate(variant: &Variant, diags: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::default();
    for mut d in diags.0 {
        let (pos, ours) = apply::untag(d.pos);
        d.message = untag_lines(&d.message);
        if ours {
            let into = d
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            d.field = if d.field.is_empty() {
                format!("in {into}")
            } else {
                format!("in {into}: {}", d.field)
            };
            d.file = variant.file.clone();
            d.pos = pos;
        }
        out.push(d);
    }
    out.sort();
    out
}

/// "already given at line N" where N is a variant line.
fn untag_lines(message: &str) -> String {
    const AT: &str = "at line ";
    let Some(i) = message.find(AT) else {
        return message.to_owned();
    };
    let rest = &message[i + AT.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(n) if n >= apply::TAG => {
            let (p, _) = apply::untag(Pos { line: n, column: 0 });
            format!(
                "{}{AT}{} of the variant{}",
                &message[..i],
                p.line,
                &rest[digits.len()..]
            )
        }
        _ => message.to_owned(),
    }
}

/// Whether `path` is a file whose top level has `changes:`: a variant, which
/// `validate`, `run` and `mc` accept in place of a scenario folder.
pub fn is_variant_file(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let mut diags = Diagnostics::default();
    read_yaml(path, &mut diags).is_some_and(|root| match &root.value {
        crate::scenario::yaml::Value::Map(pairs) => pairs.iter().any(
            |(k, _)| matches!(&k.value, crate::scenario::yaml::Value::Str(s) if s == "changes"),
        ),
        _ => false,
    })
}
