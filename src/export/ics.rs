//! iCalendar (RFC 5545): every milestone as an all-day event, for the
//! calendars planners already watch. Lines end in CRLF and are folded at 75
//! octets; text is escaped as RFC 5545 TEXT.
//!
//! Output must be the same bytes for the same input, so `DTSTAMP` (which
//! RFC 5545 requires) is the scenario's start at midnight UTC rather than
//! the time of export; `UID`s are the site and milestone ids, so a calendar
//! that subscribes to the file updates events in place.

use chrono::{Days, NaiveDate};

use super::escape::{ics_line, ics_text};
use super::schedule::{Item, ItemType, Schedule};

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

pub fn render(schedule: &Schedule) -> Vec<u8> {
    let mut out = String::with_capacity(256 + schedule.items.len() * 300);
    let mut line = |s: &str| ics_line(&mut out, s);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!(
        "PRODID:-//warmshell//warmshell {}//EN",
        env!("CARGO_PKG_VERSION")
    ));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:warmshell milestones");
    let site_names: Vec<(&str, &str)> = schedule
        .items
        .iter()
        .filter(|i| i.item_type == ItemType::Summary)
        .map(|i| (i.site.as_str(), i.name.as_str()))
        .collect();
    let stamp = format!("{}T000000Z", date(schedule.start));
    for item in schedule
        .items
        .iter()
        .filter(|i| i.item_type == ItemType::Milestone)
    {
        let site_name = site_names
            .iter()
            .find(|(id, _)| *id == item.site)
            .map_or(item.site.as_str(), |(_, name)| name);
        event(&mut line, item, site_name, &stamp);
    }
    line("END:VCALENDAR");
    out.into_bytes()
}

fn event(line: &mut impl FnMut(&str), item: &Item, site_name: &str, stamp: &str) {
    let end = item
        .start
        .checked_add_days(Days::new(1))
        .unwrap_or(item.start);
    line("BEGIN:VEVENT");
    line(&format!(
        "UID:{}",
        ics_text(&format!("{}/{}@warmshell", item.site, item.id))
    ));
    line(&format!("DTSTAMP:{stamp}"));
    line(&format!("DTSTART;VALUE=DATE:{}", date(item.start)));
    line(&format!("DTEND;VALUE=DATE:{}", date(end)));
    line(&format!(
        "SUMMARY:{}",
        ics_text(&format!("{site_name}: {}", item.name))
    ));
    let mut description = format!("{site_name} ({}): {} ({})", item.site, item.id, item.kind);
    if item.critical {
        description.push_str(", on the critical path");
    }
    description.push_str(". Simulated by warmshell.");
    line(&format!("DESCRIPTION:{}", ics_text(&description)));
    line(&format!("CATEGORIES:{}", ics_text(item.kind)));
    line("TRANSP:TRANSPARENT");
    line("END:VEVENT");
}
