//! Turning a [`Timeline`] into what people read and tools import.
//!
//! Renderers are pure (timeline in, bytes out); [`write`] and [`write_file`]
//! are the only places that touch the file system: they replace an output
//! folder's files as one set, and a single file atomically.

pub mod compare;
pub mod csv;
pub mod html;
pub mod human;
pub mod mc;
pub mod summary;
pub mod svg;
mod write;

use std::io;

use crate::timeline::Timeline;
pub use write::{write, write_file};

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
