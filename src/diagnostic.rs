//! Located messages about a planner's files.
//!
//! The library collects every problem it finds into [`Diagnostics`]; only the
//! binary decides how to print them. Each message names the file, the line
//! and column, and the field path (`tasks.shell-1.after[0]`).

use std::fmt;
use std::path::PathBuf;

use crate::scenario::yaml::Pos;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub pos: Pos,
    /// Dotted path of the field, e.g. `orders.gb300-a.racks`; empty for the whole file.
    pub field: String,
    pub message: String,
    /// A suggestion ("did you mean `shell-1`?"), if one exists.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.pos.line > 0 {
            write!(f, ":{}:{}", self.pos.line, self.pos.column)?;
        }
        f.write_str(": ")?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be found or read), at no line.
    pub fn about_file(file: &std::path::Path, message: String) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            pos: Pos::default(),
            field: String::new(),
            message,
            help: None,
        }
    }

    /// The offending source line with a caret under the column, for terminals.
    pub fn snippet(&self, source: &str) -> Option<String> {
        let line_no = usize::try_from(self.pos.line).ok()?.checked_sub(1)?;
        let line = source.lines().nth(line_no)?;
        let col = usize::try_from(self.pos.column).ok()?.max(1);
        let pad: String = line
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let gutter = self.pos.line.to_string();
        Some(format!(
            "{gutter} | {line}\n{} | {pad}^",
            " ".repeat(gutter.len())
        ))
    }
}

/// Every problem found, in file then position order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    /// Orders messages by file, line and column so output is stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.pos.line, a.pos.column, &a.field, &a.message).cmp(&(
                &b.file,
                b.pos.line,
                b.pos.column,
                &b.field,
                &b.message,
            ))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["shell-1", "shell-2", "land"];
        assert_eq!(
            did_you_mean("shel-1", names).as_deref(),
            Some("did you mean `shell-1`?")
        );
        assert_eq!(did_you_mean("zzzz", names), None);
    }
}
