//! Turning a [`Timeline`] into what people read and tools import.
//!
//! Renderers are pure (timeline in, bytes out); [`write`] is the only place
//! that touches the file system, and it replaces files atomically.

pub mod compare;
pub mod csv;
pub mod human;
pub mod mc;
pub mod summary;

use std::io;
use std::path::Path;

use crate::timeline::Timeline;

/// One output file: its name within the output folder, and its bytes.
pub struct Artifact {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// `timeline.json` and the CSV files of a run.
pub fn artifacts(timeline: &Timeline) -> Result<Vec<Artifact>, io::Error> {
    let mut json = serde_json::to_vec_pretty(timeline).map_err(io::Error::other)?;
    json.push(b'\n');
    let mut out = vec![Artifact {
        name: "timeline.json".into(),
        bytes: json,
    }];
    out.extend(csv::all(timeline)?);
    Ok(out)
}

/// The event log as JSON lines, one change per line, in processing order.
pub fn events_jsonl(timeline: &Timeline) -> Result<Vec<u8>, io::Error> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        date: String,
        site: &'a str,
        #[serde(flatten)]
        entry: &'a crate::engine::event::Happening,
    }
    let start =
        chrono::NaiveDate::parse_from_str(&timeline.start, "%Y-%m-%d").map_err(io::Error::other)?;
    let mut out = Vec::new();
    for site in &timeline.sites {
        for e in &site.log {
            let line = Line {
                date: crate::scenario::date_of(start, e.day).to_string(),
                site: &site.id,
                entry: &e.what,
            };
            serde_json::to_writer(&mut out, &line).map_err(io::Error::other)?;
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// Writes each artifact into `dir` (created if needed) atomically: a file is
/// either its old contents or its new contents, never partly written.
pub fn write(dir: &Path, artifacts: &[Artifact]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    remove_stale(dir);
    let mut staged = Vec::with_capacity(artifacts.len());
    for a in artifacts {
        staged.push((stage(dir, &a.bytes)?, dir.join(&a.name)));
    }
    // Everything is on disk under temporary names; now give them their names.
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `target` and renames it over `target`.
pub fn write_file(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale(dir);
    stage(dir, bytes)?.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Temporary files are named `.warmshell-*.tmp`; a run killed while writing
/// leaves them behind (never under a final name). The next write into the
/// same folder removes those more than an hour old: old enough that no run
/// still writing can own them.
const TMP_PREFIX: &str = ".warmshell-";
const TMP_SUFFIX: &str = ".tmp";
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

fn remove_stale(dir: &Path) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX);
        let stale = || {
            entry
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_AFTER)
        };
        if ours && stale() {
            // Best effort: a file we cannot remove does no harm.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn stage(dir: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    // Outputs get the permissions of any new file (0666 less the umask), not
    // the temporary file's private 0600, which the rename would keep.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}
