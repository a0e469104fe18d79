//! Exports of a deterministic run for the tools schedulers live in: MS
//! Project XML, a Mermaid gantt, iCalendar milestones, one CSV table and
//! JSON. Every format draws the same [`Schedule`] (see docs/export.md), and
//! every bit of planners' text passes through [`escape`].
//!
//! Renderers are pure: same scenario, same bytes.

pub mod csv;
pub mod escape;
pub mod ics;
pub mod mermaid;
pub mod mspdi;
pub mod schedule;

use std::io;

pub use schedule::{Item, ItemType, Link, Schedule};

use crate::scenario::Scenario;
use crate::timeline::Timeline;

/// An export format; each is one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// MS Project XML (MS Project, ProjectLibre, MPXJ, and through MPXJ Primavera).
    Mspdi,
    /// A Mermaid gantt chart for Markdown (GitHub, GitLab).
    Mermaid,
    /// iCalendar: milestones as all-day events.
    Ics,
    /// One CSV table: sites, tasks and milestones with dates and links.
    Csv,
    /// The schedule as JSON (format `warmshell-schedule`).
    Json,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mspdi => "xml",
            Format::Mermaid => "mmd",
            Format::Ics => "ics",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The bytes of `format` for `timeline`, a run of `scenario`.
pub fn render(format: Format, scenario: &Scenario, timeline: &Timeline) -> io::Result<Vec<u8>> {
    let schedule = schedule::build(scenario, timeline)?;
    Ok(match format {
        Format::Mspdi => mspdi::render(&schedule),
        Format::Mermaid => mermaid::render(&schedule),
        Format::Ics => ics::render(&schedule),
        Format::Csv => csv::render(&schedule)?,
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(&schedule).map_err(io::Error::other)?;
            bytes.push(b'\n');
            bytes
        }
    })
}
