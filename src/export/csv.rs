//! The schedule as one CSV table for spreadsheets: one row per site summary,
//! task and milestone, in the same order and with the same uids as the
//! other exports. Predecessors are written as MS Project writes them:
//! `12FS` or `12FS+30d`, separated by `;`.

use std::io;

use super::schedule::{ItemType, Schedule};

pub const HEADER: [&str; 14] = [
    "uid",
    "site",
    "id",
    "type",
    "kind",
    "name",
    "outline_level",
    "start",
    "finish",
    "duration_days",
    "total_float_days",
    "critical",
    "predecessors",
    "site_name",
];

pub fn render(schedule: &Schedule) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    let mut site_name = "";
    for item in &schedule.items {
        if item.item_type == ItemType::Summary {
            site_name = &item.name;
        }
        let predecessors: Vec<String> = item
            .predecessors
            .iter()
            .map(|l| match l.lag_days {
                0 => format!("{}FS", l.uid),
                lag => format!("{}FS+{lag}d", l.uid),
            })
            .collect();
        let item_type = match item.item_type {
            ItemType::Summary => "summary",
            ItemType::Task => "task",
            ItemType::Milestone => "milestone",
        };
        w.write_record([
            item.uid.to_string(),
            item.site.clone(),
            item.id.clone(),
            item_type.to_owned(),
            item.kind.to_owned(),
            item.name.clone(),
            item.outline_level.to_string(),
            item.start.to_string(),
            item.finish.to_string(),
            item.duration_days.to_string(),
            item.total_float_days
                .map(|f| f.to_string())
                .unwrap_or_default(),
            item.critical.to_string(),
            predecessors.join(";"),
            site_name.to_owned(),
        ])?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}
